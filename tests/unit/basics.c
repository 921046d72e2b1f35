/* Unit tests of the pure modules that predate the per-module files:
 * util (durations, sizes, UTF-8, base64), the JSON writer, the record
 * encoder, redaction, input lines, Link headers, pointers, parameters. */
#include "cli.h"
#include "input.h"
#include "paginate.h"
#include "record.h"
#include "base64.h"
#include "json.h"
#include "redact.h"
#include "utf8.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"

UNIT_TEST(ranges)
{
	struct util_range v[4];
	size_t n;

	CHECK(util_parse_ranges("200-299,304,404", v, 4, &n) == 0 && n == 3 &&
	    v[0].lo == 200 && v[0].hi == 299 && v[1].lo == 304 &&
	    v[1].hi == 304 && v[2].lo == 404);
	CHECK(util_in_ranges(v, n, 200) && util_in_ranges(v, n, 299) &&
	    util_in_ranges(v, n, 304) && util_in_ranges(v, n, 404));
	CHECK(!util_in_ranges(v, n, 300) && !util_in_ranges(v, n, 199) &&
	    !util_in_ranges(v, n, 500));
	CHECK(util_parse_ranges("100-999", v, 4, &n) == 0 && n == 1);
	CHECK(util_parse_ranges("", v, 4, &n) == -1);
	CHECK(util_parse_ranges("200,", v, 4, &n) == -1);
	CHECK(util_parse_ranges(",200", v, 4, &n) == -1);
	CHECK(util_parse_ranges("299-200", v, 4, &n) == -1);
	CHECK(util_parse_ranges("99", v, 4, &n) == -1);
	CHECK(util_parse_ranges("1000", v, 4, &n) == -1);
	CHECK(util_parse_ranges("200-", v, 4, &n) == -1);
	CHECK(util_parse_ranges("2xx", v, 4, &n) == -1);
	CHECK(util_parse_ranges("200 ,300", v, 4, &n) == -1);
	CHECK(util_parse_ranges("200,201,202,203,204", v, 4, &n) == -1);
}

UNIT_TEST(durations)
{
	int64_t ms;

	CHECK(util_parse_duration("250ms", &ms) == 0 && ms == 250);
	CHECK(util_parse_duration("5s", &ms) == 0 && ms == 5000);
	CHECK(util_parse_duration("1.5s", &ms) == 0 && ms == 1500);
	CHECK(util_parse_duration("2m", &ms) == 0 && ms == 120000);
	CHECK(util_parse_duration("1h", &ms) == 0 && ms == 3600000);
	CHECK(util_parse_duration("3", &ms) == 0 && ms == 3000);
	CHECK(util_parse_duration("0", &ms) == 0 && ms == 0);
	CHECK(util_parse_duration("0.0001", &ms) == 0 && ms == 1);
	CHECK(util_parse_duration("abc", &ms) == -1);
	CHECK(util_parse_duration("-1s", &ms) == -1);
	CHECK(util_parse_duration("5x", &ms) == -1);
	CHECK(util_parse_duration("", &ms) == -1);
	CHECK(util_parse_duration("nan", &ms) == -1);
	CHECK(util_parse_duration("inf", &ms) == -1);
	CHECK(util_parse_duration("1e300", &ms) == -2);
	/* at most 100 years, so that microseconds never overflow */
	CHECK(util_parse_duration("876600h", &ms) == 0 &&
	    ms == UTIL_DURATION_MAX_MS);
	CHECK(util_parse_duration("876600h1ms", &ms) == -2);
	CHECK(util_parse_duration("99999999999h", &ms) == -2);
	/* Go's compound forms */
	CHECK(util_parse_duration("1m30s", &ms) == 0 && ms == 90000);
	CHECK(util_parse_duration("1h5m", &ms) == 0 && ms == 3900000);
	CHECK(util_parse_duration("1h2m3s4ms", &ms) == 0 && ms == 3723004);
	CHECK(util_parse_duration("1.5h", &ms) == 0 && ms == 5400000);
	CHECK(util_parse_duration("2m0.5s", &ms) == 0 && ms == 120500);
	CHECK(util_parse_duration("1500us", &ms) == 0 && ms == 2);
	CHECK(util_parse_duration("1500\xc2\xb5s", &ms) == 0 && ms == 2);
	CHECK(util_parse_duration("1ns", &ms) == 0 && ms == 1);
	CHECK(util_parse_duration("0s0ms", &ms) == 0 && ms == 0);
	CHECK(util_parse_duration("1m30", &ms) == -1);	/* unit missing */
	CHECK(util_parse_duration("1m-30s", &ms) == -1);
	CHECK(util_parse_duration("1m 30s", &ms) == -1);
	CHECK(util_parse_duration("m30s", &ms) == -1);
	CHECK(util_parse_duration("1d", &ms) == -1);
	CHECK(util_parse_duration("5sm", &ms) == -1);
	CHECK(util_parse_duration("5 s", &ms) == -1);
}

UNIT_TEST(sizes)
{
	uint64_t n;

	CHECK(util_parse_size("10M", &n) == 0 && n == 10u << 20);
	CHECK(util_parse_size("512k", &n) == 0 && n == 512u << 10);
	CHECK(util_parse_size("1G", &n) == 0 && n == 1u << 30);
	CHECK(util_parse_size("123", &n) == 0 && n == 123);
	CHECK(util_parse_size("2MiB", &n) == 0 && n == 2u << 20);
	CHECK(util_parse_size("1KB", &n) == 0 && n == 1024);
	CHECK(util_parse_size("-1", &n) == -1);
	CHECK(util_parse_size("10X", &n) == -1);
	CHECK(util_parse_size("", &n) == -1);
	CHECK(util_parse_size("99999999999999999999G", &n) == -1);
}

UNIT_TEST(utf8)
{
	CHECK(utf8_valid("hello", 5));
	CHECK(utf8_valid("caf\xc3\xa9", 5));
	CHECK(utf8_valid("\xf0\x9f\x98\x80", 4));	/* U+1F600 */
	CHECK(!utf8_valid("caf\xe9", 4));		/* Latin-1 */
	CHECK(!utf8_valid("\xc0\xaf", 2));		/* overlong */
	CHECK(!utf8_valid("\xed\xa0\x80", 3));		/* surrogate */
	CHECK(!utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	CHECK(!utf8_valid("\xe2\x82", 2));		/* truncated */
	CHECK(utf8_valid("abcdefghijklmnop\xc3\xa9", 18));
}

UNIT_TEST(base64)
{
	struct buf b = {0};

	base64_encode(&b, "", 0);
	CHECK(b.len == 0);
	base64_encode(&b, "f", 1);
	CHECK(strcmp(b.data, "Zg==") == 0);
	buf_reset(&b);
	base64_encode(&b, "fo", 2);
	CHECK(strcmp(b.data, "Zm8=") == 0);
	buf_reset(&b);
	base64_encode(&b, "foobar", 6);
	CHECK(strcmp(b.data, "Zm9vYmFy") == 0);
	buf_reset(&b);
	base64_encode(&b, "\x00\xff\x10", 3);
	CHECK(strcmp(b.data, "AP8Q") == 0);
	buf_free(&b);
}

/* The JSON writer's output must parse back to the intended string. */
static void
check_escape(const char *in, size_t n, const char *want)
{
	struct buf b = {0};

	json_string(&b, in, n);
	CHECK(strcmp(b.data, want) == 0);
	if (strcmp(b.data, want) != 0)
		fprintf(stderr, "  got %s\n  want %s\n", b.data, want);
	CHECK(utf8_valid(b.data, b.len));
	CHECK(json_parses(b.data, b.len));
	buf_free(&b);
}

UNIT_TEST(json_escape)
{
	check_escape("plain", 5, "\"plain\"");
	check_escape("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_escape("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	check_escape("\x1b[31m", 5, "\"\\u001b[31m\"");
	check_escape("a\0b", 3, "\"a\\u0000b\"");
	check_escape("del\x7f", 4, "\"del\\u007f\"");
	check_escape("caf\xe9", 4, "\"caf\\ufffd\"");
	check_escape("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
	check_escape("\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"");
	check_escape("\xff\xfe", 2, "\"\\ufffd\\ufffd\"");
	check_escape("/", 1, "\"/\"");
}

UNIT_TEST(json_minified)
{
	struct buf b = {0};
	const char *in = "{ \"a\" : [1, 2,\n 3],\r\n \"s\": \"x y\\\" z\","
	    " \"big\": 12345678901234567890123 }";

	CHECK(json_parses(in, strlen(in)));
	json_minified(&b, in, strlen(in));
	CHECK(strcmp(b.data, "{\"a\":[1,2,3],\"s\":\"x y\\\" z\","
	    "\"big\":12345678901234567890123}") == 0);
	buf_reset(&b);
	/* A raw tab inside a string, which cJSON tolerates, is escaped. */
	json_minified(&b, "[\"a\tb\"]", 7);
	CHECK(strcmp(b.data, "[\"a\\u0009b\"]") == 0);
	buf_free(&b);
	CHECK(!json_parses("{\"a\":", 5));
	CHECK(!json_parses("[1] x", 5));
	CHECK(json_parses("[1]  \n", 6));
	CHECK(!json_parses("", 0));
	CHECK(!json_parses("\"a\0\"", 4));
	/* strict RFC 8259, where cJSON 1.7.15 is lenient */
	CHECK(!json_parses("\xef\xbb\xbf{\"a\":1}", 10));
	CHECK(!json_parses("[1,\x0b" "2]", 5));
	CHECK(!json_parses("\x01[1]", 4));
	CHECK(!json_parses("[01]", 4));
	CHECK(!json_parses("[1.]", 4));
	CHECK(!json_parses("{\"a\":-.5}", 9));
	CHECK(!json_parses("{\"a\":1}\n{\"b\":2}", 15));
	CHECK(!json_parses("[\"a\tb\"]", 7));
	CHECK(!json_parses("[\"\\x\"]", 6));
	CHECK(!json_parses("{\"a\" 1}", 7));
	CHECK(!json_parses("[1,]", 4));
	CHECK(!json_parses("{,}", 3));
	CHECK(!json_parses("tru", 3));
	CHECK(json_parses("-0.5e+10", 8));
	CHECK(json_parses(" {\"a\":[true,false,null,\"\\u00e9\\n\"],\"b\":{}} ", 43));
	CHECK(json_parses("\"\\ud800\"", 8));
}

UNIT_TEST(classify)
{
	struct json_span sp;
	bool nj;

	CHECK(record_classify(BODY_AUTO, "{\"a\":1}", 7, &nj, NULL) ==
	    BENC_JSON);
	CHECK(record_classify(BODY_AUTO, "hello", 5, &nj, NULL) ==
	    BENC_TEXT);
	CHECK(record_classify(BODY_AUTO, "\xff\x00", 2, &nj, NULL) ==
	    BENC_BASE64);
	CHECK(record_classify(BODY_AUTO, "", 0, &nj, NULL) == BENC_TEXT);
	/* JSON with bytes >= 0x80: JSON only when they are valid UTF-8 (the
	 * scanner's ASCII pass cannot say it alone). */
	CHECK(record_classify(BODY_AUTO, "[\"\xc3\xa9\"]", 6, &nj, &sp) ==
	    BENC_JSON && sp.len == 6);
	CHECK(record_classify(BODY_AUTO, "[\"\xff\"]", 5, &nj, &sp) ==
	    BENC_BASE64 && sp.len == 0);
	CHECK(record_classify(BODY_AUTO, "[\"\xc3\"]", 5, &nj, &sp) ==
	    BENC_BASE64 && sp.len == 0);
	CHECK(record_classify(BODY_JSON, "[\"\xed\xa0\x80\"]", 7, &nj,
	    &sp) == BENC_BASE64 && nj && sp.len == 0);
	CHECK(record_classify(BODY_AUTO, "[\"\xe2\x80\xa8\"]", 7, &nj,
	    &sp) == BENC_JSON && sp.len == 0);
	CHECK(record_classify(BODY_JSON, "hello", 5, &nj, NULL) ==
	    BENC_TEXT && nj);
	CHECK(record_classify(BODY_JSON, "", 0, &nj, NULL) == BENC_NULL &&
	    !nj);
	CHECK(record_classify(BODY_TEXT, "{}", 2, &nj, NULL) ==
	    BENC_TEXT);
	CHECK(record_classify(BODY_BASE64, "{}", 2, &nj, NULL) ==
	    BENC_BASE64);
	CHECK(record_classify(BODY_NONE, "{}", 2, &nj, NULL) ==
	    BENC_NONE);
}

UNIT_TEST(record)
{
	struct record r = {0};
	struct buf b = {0};
	cJSON *j;

	r.index = 7;
	r.url = "http://user:secret@h/x\xff";
	r.url_len = strlen(r.url);
	r.method = "GET";
	r.status = 404;
	r.size = 3;
	r.time_ms = 1.5;
	r.attempts = 1;
	r.page = 1;
	r.body = "a\nb";
	r.body_len = 3;
	r.body_enc = BENC_TEXT;
	r.err = ERR_HTTP;
	r.errmsg = "HTTP status 404";
	r.curl_code = -1;
	CHECK(record_encode(&b, &r) == 0);
	CHECK(b.len > 0 && b.data[b.len - 1] == '\n');
	CHECK(memchr(b.data, '\n', b.len - 1) == NULL);	/* one line */
	CHECK(utf8_valid(b.data, b.len));
	CHECK(strstr(b.data, "secret") == NULL);
	CHECK(strstr(b.data, "***") != NULL);
	j = cJSON_Parse(b.data);
	CHECK(j != NULL);
	CHECK(cJSON_GetObjectItem(j, "index")->valueint == 7);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")));
	CHECK(strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"),
	    "kind")->valuestring, "http") == 0);
	CHECK(strcmp(cJSON_GetObjectItem(j, "body")->valuestring, "a\nb") == 0);
	cJSON_Delete(j);
	buf_reset(&b);

	/* -I: two names alike in their first 300 bytes are two keys, each
	 * whole (a name cut at 255 bytes made one key twice) */
	{
		char hb[1024], name[320];
		cJSON *h;

		memset(name, 'X', 300);
		name[300] = '\0';
		snprintf(hb, sizeof hb, "HTTP/1.1 404 x\r\n%sA: 1\r\n"
		    "%sB: 2\r\n\r\n", name, name);
		r.headers = hb;
		r.headers_len = strlen(hb);
		r.with_headers = true;
		CHECK(record_encode(&b, &r) == 0);
		j = cJSON_Parse(b.data);
		CHECK(j != NULL);
		memset(name, 'x', 300);
		strcpy(name + 300, "a");
		h = j ? cJSON_GetObjectItem(j, "headers") : NULL;
		CHECK(cJSON_GetArraySize(h) == 2 &&
		    cJSON_IsString(cJSON_GetObjectItem(h, name)) &&
		    strcmp(cJSON_GetObjectItem(h, name)->valuestring, "1") == 0);
		cJSON_Delete(j);
		r.headers = NULL;
		r.headers_len = 0;
		r.with_headers = false;
	}
	buf_free(&b);

	/* Every kind has a distinct name. */
	for (int k = 0; k < ERR__COUNT; k++)
		for (int l = k + 1; l < ERR__COUNT; l++)
			CHECK(strcmp(record_kind_name(k), record_kind_name(l)) != 0);
}

/* The record's integers as printf's %lld writes them, at every length
 * and both signs (i64_at writes them without printf). */
UNIT_TEST(record_integers)
{
	static const int64_t v[] = {0, 1, 9, 10, 99, 100, 101, 999, 1000,
	    12345, 99999, 100000, 1234567, 9999999999LL, INT64_MAX,
	    INT64_MAX - 1, -1, -9, -10, -99, -100, -12345, INT64_MIN,
	    INT64_MIN + 1};
	struct record r = {0};
	struct buf b = {0};
	char want[64];
	size_t i;

	r.method = "GET";
	r.err = ERR_NONE;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		buf_reset(&b);
		r.index = v[i];
		r.size = v[i] == INT64_MIN ? INT64_MAX : v[i] < 0 ? -v[i] : v[i];
		r.attempts = (long)(v[i] % 1000);
		CHECK(record_encode(&b, &r) == 0);
		snprintf(want, sizeof want, "{\"index\":%lld,", (long long)v[i]);
		CHECK(strncmp(b.data, want, strlen(want)) == 0);
		snprintf(want, sizeof want, ",\"size\":%lld,", (long long)r.size);
		CHECK(strstr(b.data, want) != NULL);
		snprintf(want, sizeof want, ",\"attempts\":%ld,",
		    (long)r.attempts);
		CHECK(strstr(b.data, want) != NULL);
	}
	buf_free(&b);
}

UNIT_TEST(url_text)
{
	char *s = util_url_text("http://a\x7f" "b/ c\x01");

	CHECK(s != NULL && strcmp(s, "http://a%7Fb/%20c%01") == 0);
	free(s);
	s = util_url_text("");
	CHECK(s != NULL && *s == '\0');
	free(s);
}

UNIT_TEST(redact)
{
	struct buf b = {0};

	redact_url_json(&b, "https://u:pw@host/p", 19);
	CHECK(strstr(b.data, "pw") == NULL && strstr(b.data, "u:***@") != NULL);
	buf_reset(&b);
	redact_url_json(&b, "https://u@host/p", 16);
	CHECK(strcmp(b.data, "\"https://u@host/p\"") == 0);
	buf_reset(&b);
	redact_url_json(&b, "http://a:b c@host/", 18);	/* curl rejects it */
	CHECK(strstr(b.data, "b c") == NULL);
	buf_reset(&b);
	redact_url_json(&b, "http://h/x?email=a@b", 20);	/* not userinfo */
	CHECK(strcmp(b.data, "\"http://h/x?email=a@b\"") == 0);
	buf_reset(&b);
	/* printed again by libcurl, a host's %7F stays encoded */
	redact_url_json(&b, "http://u:pw@a%7Fb/x", 19);
	CHECK(strcmp(b.data, "\"http://u:***@a%7Fb/x\"") == 0);
	buf_reset(&b);
	/* a password with an unencoded '/', '?' or '#': the URL does not
	 * parse, and everything up to the last '@' goes */
	redact_url_json(&b, "http://u:pa/ss@h/x", 18);
	CHECK(strcmp(b.data, "\"http://u:***@h/x\"") == 0);
	buf_reset(&b);
	redact_url_json(&b, "http://u:p?ss@h/x", 17);
	CHECK(strcmp(b.data, "\"http://u:***@h/x\"") == 0);
	buf_reset(&b);
	redact_url_json(&b, "http://u:p#s@s@h/x?q=1", 22);
	CHECK(strcmp(b.data, "\"http://u:***@h/x?q=1\"") == 0);
	buf_reset(&b);
	redact_url_json(&b, "http://u:a/b?c#d@h:99999/x", 26);
	CHECK(strcmp(b.data, "\"http://u:***@h:99999/x\"") == 0);
	buf_free(&b);
	/* no scheme (libcurl parses neither): from the start, or after a
	 * leading "//"; "://" in a query starts no authority */
	redact_url_json(&b, "user:hunter2@127.0.0.1:1/x", 26);
	CHECK(strcmp(b.data, "\"user:***@127.0.0.1:1/x\"") == 0);
	buf_reset(&b);
	redact_url_json(&b, "//user:hunter3@h/x", 18);
	CHECK(strcmp(b.data, "\"//user:***@h/x\"") == 0);
	buf_reset(&b);
	redact_url_json(&b, "u:pw@h/r?to=http://a:b@c", 24);
	CHECK(strstr(b.data, "pw") == NULL);
	buf_free(&b);
	{
		char out[128], small[40], big[700];

		redact_url_text("http://u:pa/ss@h/x", 18, out, sizeof out);
		CHECK(strcmp(out, "http://u:***@h/x") == 0);
		redact_url_text("http://u:pw@h/x?e=a@b", 21, out, sizeof out);
		CHECK(strcmp(out, "http://u:***@h/x?e=a@b") == 0);
		redact_url_text("http://h:80/x?e=a@b", 19, out, sizeof out);
		CHECK(strcmp(out, "http://h:80/x?e=a@b") == 0);
		redact_url_text("user:hunter2@h/x", 16, out, sizeof out);
		CHECK(strcmp(out, "user:***@h/x") == 0);
		/* only n bytes are read */
		redact_url_text("http://h/xYZ", 10, out, sizeof out);
		CHECK(strcmp(out, "http://h/x") == 0);
		/* a password longer than what is shown: redacted, then cut */
		memset(big, 'x', sizeof big);
		memcpy(big, "http://tok:", 11);
		memcpy(big + 600, "@h/x", 5);
		redact_url_text(big, strlen(big), small, sizeof small);
		CHECK(strncmp(small, "http://tok:***@h/x", sizeof small) == 0);
		redact_url_text(big, 200, small, sizeof small); /* no '@' in it */
		CHECK(strchr(small, '@') == NULL);
	}
}

static struct request
parse(const char *line, int *made)
{
	struct request r;
	struct config c;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	*made = input_parse_line(line, strlen(line), &c, &r);
	return r;
}

UNIT_TEST(input_lines)
{
	struct request r;
	int made;

	r = parse("  http://h/x \r", &made);
	CHECK(made == 1 && r.err == ERR_NONE && strcmp(r.url, "http://h/x") == 0);
	input_request_clear(&r);
	r = parse("", &made);
	CHECK(made == 0);
	r = parse("   \t ", &made);
	CHECK(made == 0);
	r = parse("# comment", &made);
	CHECK(made == 0);
	r = parse("not a url", &made);
	CHECK(made == 1 && r.err == ERR_INVALID_URL);
	input_request_clear(&r);
	r = parse("http//x", &made);
	CHECK(r.err == ERR_INVALID_URL);
	input_request_clear(&r);
	r = parse("http:////x", &made);
	CHECK(r.err == ERR_INVALID_URL);
	input_request_clear(&r);
	r = parse("example.com/x", &made);
	CHECK(r.err == ERR_INVALID_URL);
	input_request_clear(&r);
	r = parse("ftp://h/x", &made);
	CHECK(r.err == ERR_UNSUPPORTED_PROTOCOL);
	input_request_clear(&r);
	r = parse("file:///etc/passwd", &made);
	CHECK(r.err == ERR_UNSUPPORTED_PROTOCOL);
	input_request_clear(&r);
	r = parse("gopher://h/", &made);
	CHECK(r.err == ERR_UNSUPPORTED_PROTOCOL);
	input_request_clear(&r);
	/* ports are libcurl's to check, when the transfer starts */
	r = parse("http://h:99999/", &made);
	CHECK(r.err == ERR_NONE);
	input_request_clear(&r);
	r = parse("http:///x", &made);
	CHECK(r.err == ERR_INVALID_URL);
	input_request_clear(&r);
	r = parse("ht tp://h/", &made);
	CHECK(r.err == ERR_INVALID_URL);
	input_request_clear(&r);
	r = parse("1http://h/", &made);
	CHECK(r.err == ERR_UNSUPPORTED_PROTOCOL);
	input_request_clear(&r);
	r = parse("http://h/a b", &made);
	CHECK(r.err == ERR_INVALID_URL);
	input_request_clear(&r);
	r = parse("http://h/a\tb", &made);
	CHECK(r.err == ERR_INVALID_URL);
	input_request_clear(&r);
	r = parse("HTTPS://H/x", &made);
	CHECK(r.err == ERR_NONE);
	input_request_clear(&r);
	r = parse("http://[::1]:8080/", &made);
	CHECK(r.err == ERR_NONE);
	input_request_clear(&r);

	r = parse("{\"url\":\"http://h/j\",\"method\":\"POST\","
	    "\"headers\":{\"X-A\":\"1\"},\"body\":{\"k\":[1]},\"id\":{\"n\":1}}",
	    &made);
	CHECK(made == 1 && r.err == ERR_NONE);
	CHECK(strcmp(r.method, "POST") == 0);
	CHECK(r.nheaders == 1 && strcmp(r.headers[0], "X-A: 1") == 0);
	CHECK(r.has_body && r.body_json && strcmp(r.body, "{\"k\":[1]}") == 0);
	CHECK(strcmp(r.id_json, "{\"n\":1}") == 0);
	input_request_clear(&r);
	r = parse("{\"url\":\"http://h/\",\"body\":\"raw text\"}", &made);
	CHECK(r.has_body && !r.body_json && strcmp(r.body, "raw text") == 0);
	input_request_clear(&r);
	r = parse("{\"url\": 5}", &made);
	CHECK(r.err == ERR_INPUT);
	input_request_clear(&r);
	r = parse("{broken", &made);
	CHECK(made == 1 && r.err == ERR_INPUT);
	input_request_clear(&r);
	r = parse("{\"url\":\"http://h/\"} trailing", &made);
	CHECK(r.err == ERR_INPUT);
	input_request_clear(&r);
	r = parse("{\"url\":\"http://h/\",\"method\":\"GE T\"}", &made);
	CHECK(r.err == ERR_INPUT);
	input_request_clear(&r);
	r = parse("{\"url\":\"http://h/\",\"headers\":{\"X\":1}}", &made);
	CHECK(r.err == ERR_INPUT);
	input_request_clear(&r);
	r = parse("{\"url\":\"http://h/\xff\"}", &made);
	CHECK(r.err == ERR_INPUT);
	input_request_clear(&r);
	r = parse("[1,2]", &made);
	CHECK(r.err == ERR_INVALID_URL);
	input_request_clear(&r);
}

UNIT_TEST(template)
{
	struct config c;
	struct request r;

	memset(&c, 0, sizeof(c));
	c.template = "http://h/search?q={}&raw={raw}";
	CHECK(input_parse_line("a b&c", 5, &c, &r) == 1);
	CHECK(strcmp(r.url, "http://h/search?q=a%20b%26c&raw=a b&c") == 0);
	CHECK(r.err == ERR_INVALID_URL);	/* the raw space */
	input_request_clear(&r);
	CHECK(input_parse_line("x", 1, &c, &r) == 1 && r.err == ERR_NONE);
	input_request_clear(&r);
}

UNIT_TEST(link)
{
	const char *h1 = "HTTP/1.1 200 OK\r\nLink: <https://a/1>; rel=\"prev\", "
	    "<https://a/3>; rel=\"next\"\r\n\r\n";
	const char *h2 = "HTTP/1.1 200 OK\r\nlink: </first>; rel=first\r\n"
	    "Link: <page2?x=1>; title=\"a, b; c\"; rel=next\r\n\r\n";
	const char *h3 = "HTTP/1.1 200 OK\r\nLink: </x>; rel=\"last next\"\r\n";
	const char *h4 = "HTTP/1.1 200 OK\r\nLink: </x>; rel=\"nextish\"\r\n";
	const char *h5 = "HTTP/1.1 200 OK\r\nX-Link: </x>; rel=next\r\n";
	char *n;

	n = paginate_link_next(h1, strlen(h1));
	CHECK(n && strcmp(n, "https://a/3") == 0);
	free(n);
	n = paginate_link_next(h2, strlen(h2));
	CHECK(n && strcmp(n, "page2?x=1") == 0);
	free(n);
	n = paginate_link_next(h3, strlen(h3));
	CHECK(n && strcmp(n, "/x") == 0);
	free(n);
	CHECK(paginate_link_next(h4, strlen(h4)) == NULL);
	CHECK(paginate_link_next(h5, strlen(h5)) == NULL);
}

/* What a page's pointers find in its text: the span's text, or NULL. */
static int
span_is(const char *json, const char *ptr, const char *want)
{
	size_t off, len;
	int rc = json_pointer_span(json, strlen(json), ptr, &off, &len);

	if (want == NULL)
		return rc == 0;
	return rc == 1 && len == strlen(want) &&
	    memcmp(json + off, want, len) == 0;
}

UNIT_TEST(pointer)
{
	static const char j[] = "{\"a\":{\"b/c\":[10,{\"m~n\":\"x\"}]},"
	    "\"\":1,\"links\":{\"next\":null}}";

	CHECK(span_is(j, "", j));
	CHECK(span_is(j, "/a/b~1c/0", "10"));
	CHECK(span_is(j, "/a/b~1c/1/m~0n", "\"x\""));
	CHECK(span_is(j, "/", "1"));
	CHECK(span_is(j, "/a/b~1c/01", NULL));
	CHECK(span_is(j, "/a/b~1c/9", NULL));
	CHECK(span_is(j, "/links/next", "null"));
	/* a member name holding \u0000 is compared whole */
	CHECK(span_is("{\"a\\u0000b\":1,\"a\":2}", "/a", "2"));
	CHECK(json_pointer_span(j, strlen(j), "a", &(size_t){0},
	    &(size_t){0}) == -1);
	/* malformed past where the walk stops (at a number): found by
	 * fuzz/fuzz_pointer */
	CHECK(json_pointer_span("0", 1, "//0u00~", &(size_t){0},
	    &(size_t){0}) == -1);
	CHECK(json_pointer_span("0", 1, "/x/y~1", &(size_t){0},
	    &(size_t){0}) == 0);
}

UNIT_TEST(params)
{
	CURLU *u = curl_url(), *r;
	char *s = NULL, *v, err[128];

	curl_url_set(u, CURLUPART_URL, "http://h/p?a=1&page=3&b=x%20y", 0);
	v = paginate_get_param(u, "page");
	CHECK(v && strcmp(v, "3") == 0);
	free(v);
	v = paginate_get_param(u, "b");
	CHECK(v && strcmp(v, "x y") == 0);
	free(v);
	CHECK(paginate_get_param(u, "nope") == NULL);
	CHECK(paginate_set_param(u, "page", "4") == 0);
	curl_url_get(u, CURLUPART_URL, &s, 0);
	CHECK(strcmp(s, "http://h/p?a=1&page=4&b=x%20y") == 0);
	curl_free(s);
	CHECK(paginate_set_param(u, "cursor", "a b/c") == 0);
	curl_url_get(u, CURLUPART_URL, &s, 0);
	CHECK(strcasecmp(s, "http://h/p?a=1&page=4&b=x%20y&cursor=a%20b%2Fc") == 0);
	curl_free(s);
	r = paginate_resolve(u, "../q?z=1", err, sizeof err);
	CHECK(r != NULL);
	curl_url_get(r, CURLUPART_URL, &s, 0);
	CHECK(strcmp(s, "http://h/q?z=1") == 0);
	curl_free(s);
	curl_url_cleanup(r);
	r = paginate_resolve(u, "https://other/x", err, sizeof err);
	curl_url_get(r, CURLUPART_URL, &s, 0);
	CHECK(strcmp(s, "https://other/x") == 0);
	curl_free(s);
	curl_url_cleanup(r);
	CHECK(paginate_resolve(u, "/a b", err, sizeof err) == NULL);
	curl_url_cleanup(u);
}

/* Found by fuzz/fuzz_redact: libcurl takes "https:/u:pw@host" (one
 * slash), the text search for "://" did not, and messages printed the
 * password. */
UNIT_TEST(redact_text_one_slash)
{
	char out[256];

	redact_url_text("https:/\"::p%40ss@h.test-8443/a?b#c", strlen("https:/\"::p%40ss@h.test-8443/a?b#c"), out,
	    sizeof out);
	CHECK(strstr(out, "p%40ss") == NULL && strstr(out, "***") != NULL);
	redact_url_text("http:/u:secret@h.test/", strlen("http:/u:secret@h.test/"), out, sizeof out);
	CHECK(strstr(out, "secret") == NULL && strstr(out, "***") != NULL);
	redact_url_text("http://u:secret@h.test/", strlen("http://u:secret@h.test/"), out, sizeof out);
	CHECK(strcmp(out, "http://u:***@h.test/") == 0);
	redact_url_text("http://h.test/?to=a@b", strlen("http://h.test/?to=a@b"), out, sizeof out);
	CHECK(strcmp(out, "http://h.test/?to=a@b") == 0);
	/* a "://" later in the path is not where the password is */
	redact_url_text("http:/u:secret@h.test/x://a:b@c", strlen("http:/u:secret@h.test/x://a:b@c"), out,
	    sizeof out);
	CHECK(strstr(out, "secret") == NULL && strstr(out, "***") != NULL);
	/* libcurl cannot parse it: the text search still redacts */
	redact_url_text("http://a:b c@host/", strlen("http://a:b c@host/"), out, sizeof out);
	CHECK(strcmp(out, "http://a:***@host/") == 0);
}

/* util_span_visible: the first space, control character or DEL in any
 * position of a word, and none at all. */
UNIT_TEST(span_visible)
{
	static const unsigned char stop[] = {0x00, 0x01, 0x09, 0x1f, 0x20,
	    0x7f};
	char s[32];
	size_t n, p, k;

	for (n = 0; n <= 25; n++) {
		memset(s, 'x', n);
		CHECK(util_span_visible(s, n) == n);
		for (p = 0; p < n; p++) {
			for (k = 0; k < sizeof stop; k++) {
				memset(s, 'x', n);
				s[p] = (char)stop[k];
				CHECK(util_span_visible(s, n) == p);
			}
			memset(s, 'x', n);	/* 0x21, 0x7e, 0x80, 0xff pass */
			s[p] = (char)(p % 4 == 0 ? 0x21 : p % 4 == 1 ? 0x7e :
			    p % 4 == 2 ? 0x80 : 0xff);
			CHECK(util_span_visible(s, n) == n);
			/* beside bytes >= 0x80 (no borrow across bytes) */
			for (k = 0; k < sizeof stop; k++) {
				memset(s, p % 2 ? 0x80 : 0xff, n);
				s[p] = (char)stop[k];
				CHECK(util_span_visible(s, n) == p);
			}
		}
	}
}

/* util_prefix_ci against a locale-free strncasecmp over every byte: a
 * letter matches in either case, any other byte only itself ('\r' is '-'
 * but for bit 0x20, '@' is '`'), and a shorter string's NUL never. */
UNIT_TEST(prefix_ci)
{
	char s[16];
	unsigned c;
	size_t p;

	CHECK(util_prefix_ci("Content-Length: 5", "content-length:", 15));
	CHECK(util_prefix_ci("CONTENT-LENGTH:", "content-length:", 15));
	CHECK(!util_prefix_ci("Content\rLength:", "content-length:", 15));
	CHECK(!util_prefix_ci("content-length", "content-length:", 15));
	CHECK(util_prefix_ci("HTTPS://a", "https:", 6));
	CHECK(!util_prefix_ci("http", "https", 5));
	CHECK(util_prefix_ci("", "", 0));
	for (p = 0; p < 6; p++)
		for (c = 1; c < 256; c++) {
			unsigned char want = (unsigned char)"https:"[p];
			bool same = c == want || (want >= 'a' && want <= 'z' &&
			    c == want - 0x20u);

			memcpy(s, "https:", 7);
			s[p] = (char)c;
			CHECK(util_prefix_ci(s, "https:", 6) == same);
		}
}

/* util_has_prefix_ci (a word at a time, two words that overlap) agrees
 * with the byte compare for each byte at each place of the two header
 * names header_cb reads that way. */
UNIT_TEST(has_prefix_ci)
{
	static const char *const names[] = {"content-length:", "connection:"};
	char s[32];
	unsigned c;
	size_t i, p, n;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		n = strlen(names[i]);
		for (p = 0; p < n; p++)
			for (c = 0; c < 256; c++) {
				memcpy(s, names[i], n + 1);
				s[p] = (char)c;
				CHECK(util_has_prefix_ci(s, names[i], n) ==
				    util_prefix_ci(s, names[i], n));
				s[p] = (char)toupper(c);
				CHECK(util_has_prefix_ci(s, names[i], n) ==
				    util_prefix_ci(s, names[i], n));
			}
	}
	CHECK(util_has_prefix_ci("CONTENT-Length: 1", "content-length:", 15));
	CHECK(!util_has_prefix_ci("Content-Length; 1", "content-length:", 15));
}

/* The method, version and media type a record writes from literals
 * (GET, 1.1, application/json) and the ones next to them, which it
 * escapes, each come back as they were. */
UNIT_TEST(record_common_strings)
{
	static const char *const m[] = {"GET", "GE", "GETX", "get", "G",
	    "G\"T"};
	static const char *const v[] = {"1.1", "1", "1.10", "1.0", "2",
	    "1.\n"};
	static const char *const ct[] = {"application/json",
	    "application/jsonx", "application/jso", "a", "text/plain",
	    "application/json; charset=utf-8"};
	struct record r = {0};
	struct buf b = {0};
	cJSON *j;
	size_t i;

	r.err = ERR_NONE;
	r.status = 200;
	for (i = 0; i < sizeof m / sizeof m[0]; i++) {
		buf_reset(&b);
		r.method = m[i];
		r.http_version = v[i];
		r.content_type = ct[i];
		CHECK(record_encode(&b, &r) == 0);
		j = cJSON_Parse(b.data);
		CHECK(j != NULL);
		if (j == NULL)
			continue;
		CHECK(strcmp(cJSON_GetObjectItem(j, "method")->valuestring,
		    m[i]) == 0);
		CHECK(strcmp(cJSON_GetObjectItem(j,
		    "http_version")->valuestring, v[i]) == 0);
		CHECK(strcmp(cJSON_GetObjectItem(j,
		    "content_type")->valuestring, ct[i]) == 0);
		cJSON_Delete(j);
	}
	buf_free(&b);
}

/* time_ms as "%.3f" of the whole microseconds would print it, over the
 * digit boundaries. */
UNIT_TEST(record_ms)
{
	static const double v[] = {0, 0.0004, 0.0005, 0.001, 0.009, 0.01,
	    0.099, 0.1, 0.999, 0.9995, 1, 1.5, 9.999, 10.01, 99.9994,
	    123.456, 1000.001, 65535.999, 1e9 + 0.25};
	struct record r = {0};
	struct buf b = {0};
	char want[64];
	size_t i;
	int64_t us;

	r.method = "GET";
	r.attempts = 1;
	r.page = 1;
	r.curl_code = -1;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		r.time_ms = v[i];
		us = (int64_t)(v[i] * 1000.0 + 0.5);
		snprintf(want, sizeof want, "\"time_ms\":%lld.%03lld,",
		    (long long)(us / 1000), (long long)(us % 1000));
		buf_reset(&b);
		CHECK(record_encode(&b, &r) == 0);
		CHECK(strstr(b.data, want) != NULL);
	}
	buf_free(&b);
}
