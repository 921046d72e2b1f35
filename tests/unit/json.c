/* json: values found in raw JSON text, and the verbatim copies. */
#include "check.h"
#include "json.h"

#include <string.h>
#include <stdio.h>

/* The text of the value at ptr in s, or "-" (absent) or "!" (malformed). */
static const char *
at(const char *s, const char *ptr)
{
	static char out[256];
	size_t off, len;
	int rc = json_pointer_span(s, strlen(s), ptr, &off, &len);

	if (rc <= 0)
		return rc == 0 ? "-" : "!";
	if (len >= sizeof out)
		return "too long";
	memcpy(out, s + off, len);
	out[len] = '\0';
	return out;
}

UNIT_TEST(json_pointer_span_finds)
{
	const char *doc = " { \"a\" : [ 1 , {\"b\":12345678901234567890} ,"
	    " \"x\\u0000y\" ], \"n\":1e400, \"m\":-0, \"\":true, \"a/b\":1,"
	    " \"c~d\":2, \"k\\u00e9\":3, \"dup\":1, \"dup\":2 } ";

	CHECK(strcmp(at(doc, ""), "{ \"a\" : [ 1 , {\"b\":12345678901234567890}"
	    " , \"x\\u0000y\" ], \"n\":1e400, \"m\":-0, \"\":true, \"a/b\":1,"
	    " \"c~d\":2, \"k\\u00e9\":3, \"dup\":1, \"dup\":2 }") == 0);
	CHECK(strcmp(at(doc, "/a/0"), "1") == 0);
	CHECK(strcmp(at(doc, "/a/1/b"), "12345678901234567890") == 0);
	CHECK(strcmp(at(doc, "/a/2"), "\"x\\u0000y\"") == 0);
	CHECK(strcmp(at(doc, "/n"), "1e400") == 0);
	CHECK(strcmp(at(doc, "/m"), "-0") == 0);
	CHECK(strcmp(at(doc, "/"), "true") == 0);
	CHECK(strcmp(at(doc, "/a~1b"), "1") == 0);
	CHECK(strcmp(at(doc, "/c~0d"), "2") == 0);
	CHECK(strcmp(at(doc, "/k\xc3\xa9"), "3") == 0);	/* decoded key */
	CHECK(strcmp(at(doc, "/dup"), "1") == 0);	/* the first, as cJSON */
}

UNIT_TEST(json_pointer_span_absent)
{
	const char *doc = "{\"a\":[1,2],\"s\":\"t\",\"o\":{}}";

	CHECK(strcmp(at(doc, "/b"), "-") == 0);
	CHECK(strcmp(at(doc, "/a/2"), "-") == 0);
	CHECK(strcmp(at(doc, "/a/01"), "-") == 0);	/* no leading zero */
	CHECK(strcmp(at(doc, "/a/-"), "-") == 0);
	CHECK(strcmp(at(doc, "/a/99999999999"), "-") == 0);
	CHECK(strcmp(at(doc, "/s/0"), "-") == 0);	/* into a scalar */
	CHECK(strcmp(at(doc, "/o/x"), "-") == 0);
	CHECK(strcmp(at("[]", "/0"), "-") == 0);
	CHECK(strcmp(at(doc, "a"), "!") == 0);		/* not a pointer */
	CHECK(strcmp(at(doc, "/~2"), "!") == 0);
	CHECK(strcmp(at("{\"a\":", "/a"), "!") == 0);	/* not JSON */
	CHECK(strcmp(at("{\"a\" 1}", "/a"), "!") == 0);
	CHECK(strcmp(at("", ""), "!") == 0);
}

UNIT_TEST(json_array_next_elements)
{
	const char *a = " [ 1e400 , \"a\\u0000b\" ,[ ], {\"x\" : [1,2]} ,null] ";
	const char *want[] = {"1e400", "\"a\\u0000b\"", "[ ]",
	    "{\"x\" : [1,2]}", "null"};
	size_t pos = 0, off, len, k = 0;

	while (json_array_next(a, strlen(a), &pos, &off, &len)) {
		CHECK(k < 5 && len == strlen(want[k]) &&
		    memcmp(a + off, want[k], len) == 0);
		k++;
	}
	CHECK(k == 5);
	pos = 0;
	CHECK(!json_array_next(" [ ] ", 5, &pos, &off, &len));
	pos = 0;
	CHECK(!json_array_next("{}", 2, &pos, &off, &len));
	pos = 0;
	CHECK(json_array_next("[1,", 3, &pos, &off, &len));
	CHECK(!json_array_next("[1,", 3, &pos, &off, &len));
}

UNIT_TEST(json_string_decode_nul_and_surrogates)
{
	struct buf b = {0};

	CHECK(json_string_decode(&b, "\"a\\u0000b\"", 10) == 0);
	CHECK(b.len == 3 && memcmp(b.data, "a\0b", 3) == 0);
	buf_reset(&b);
	CHECK(json_string_decode(&b, "\"\\ud83d\\ude00\\/\\n\"", 18) == 0);
	CHECK(b.len == 6 && memcmp(b.data, "\xf0\x9f\x98\x80/\n", 6) == 0);
	buf_reset(&b);
	CHECK(json_string_decode(&b, "\"\\ud83d\"", 8) == 0);
	CHECK(strcmp(b.data, "\xef\xbf\xbd") == 0);
	buf_reset(&b);
	CHECK(json_string_decode(&b, "\"\"", 2) == 0 && b.data != NULL &&
	    b.len == 0);
	CHECK(json_string_decode(&b, "\"\\x\"", 4) == -1);
	CHECK(json_string_decode(&b, "12", 2) == -1);
	buf_free(&b);
}

UNIT_TEST(json_minified_line_breaks)
{
	struct buf b = {0};
	const char *in = "[ \"\x7f \xc2\x85 \xe2\x80\xa8 \xe2\x80\xa9 \xc3\xa9\","
	    " 12345678901234567890, 1e400, -0, \"\\u0000\" ]";

	CHECK(json_minified(&b, in, strlen(in)) == 0);
	CHECK(strcmp(b.data, "[\"\\u007f \\u0085 \\u2028 \\u2029 \xc3\xa9\","
	    "12345678901234567890,1e400,-0,\"\\u0000\"]") == 0);
	buf_reset(&b);
	CHECK(json_string(&b, "\xc2\x85", 2) == 0);
	CHECK(strcmp(b.data, "\"\\u0085\"") == 0);
	buf_free(&b);
}

/* json_check's clean span is exactly what json_minified writes, and there
 * is none where json_minified has something to drop or escape. */
UNIT_TEST(json_check_clean_span)
{
	static const char *const clean[] = {
		"{\"id\":1,\"tags\":[\"a\",\"b\"],\"ok\":true}\n",
		"  [1,-0.5e+10,null,\"\\u2028\\n\\\"\",{}]\r\n\t",
		"\"\xc3\xa9\xe2\x82\xac\"",
		"12",
		/* near misses of U+0085, U+2028 and U+2029: nothing to escape */
		"[\"\xc2\x84\",\"\xe2\x80\xaa\",\"\xe2\x81\xa8\",\"\xe2\x80\"]",
	};
	static const char *const dirty[] = {
		"{\"a\": 1}",
		"[1 ,2]",
		"{ \"a\":1}",
		"[\"\x7f\"]",
		"[\"\xc2\x85\"]",
		"[\"\xe2\x80\xa8\"]",
		"[\"\xe2\x80\xa9\"]",
		/* after a first byte >= 0x80 (the scanner's second table) */
		"[\"\xc3\xa9\",\"\xe2\x80\xa8\"]",
		"[\"\xc3\xa9\xc2\x85\"]",
		"[\"\xe4\xb8\xad\x7f\"]",
		"[\"\xe4\xb8\xad\",{\"a\": 1}]",
	};
	struct json_span sp;
	struct buf b = {0};
	size_t i;

	for (i = 0; i < sizeof clean / sizeof clean[0]; i++) {
		buf_reset(&b);
		CHECK(json_check(clean[i], strlen(clean[i]), &sp));
		CHECK(json_minified(&b, clean[i], strlen(clean[i])) == 0);
		CHECK(sp.len == b.len && sp.len > 0 &&
		    memcmp(clean[i] + sp.off, b.data, b.len) == 0);
	}
	for (i = 0; i < sizeof dirty / sizeof dirty[0]; i++) {
		buf_reset(&b);
		CHECK(json_check(dirty[i], strlen(dirty[i]), &sp));
		CHECK(sp.len == 0 && sp.off == 0);
		CHECK(json_minified(&b, dirty[i], strlen(dirty[i])) == 0);
		CHECK(b.len != strlen(dirty[i]));
	}
	CHECK(json_check("{\"a\":[1,\"x\"]}", 13, &sp) && sp.ascii);
	CHECK(json_check("[\"\xc3\xa9\"]", 6, &sp) && !sp.ascii &&
	    sp.len == 6);
	CHECK(json_check("[\"\xff\"]", 5, &sp) && !sp.ascii);
	CHECK(!json_check("[1", 2, &sp) && sp.len == 0);
	CHECK(!json_check("", 0, &sp) && sp.len == 0);
	buf_free(&b);
}

/* The eight-at-a-time scans stop at the first byte that needs care,
 * wherever it falls in a word: each special byte at each position of
 * strings up to three words long. */
UNIT_TEST(json_string_word_scan)
{
	static const unsigned char special[] = {0x01, 0x08, 0x0a, 0x1f,
	    '"', '\\', 0x7f};
	char s[32], esc[8];
	struct buf b = {0};
	size_t n, p, k;

	for (n = 1; n <= 25; n++)
		for (p = 0; p < n; p++)
			for (k = 0; k < sizeof special; k++) {
				memset(s, 'a', n);
				s[p] = (char)special[k];
				buf_reset(&b);
				CHECK(json_string(&b, s, n) == 0);
				/* the quotes, n - 1 plain bytes, an escape */
				switch (special[k]) {
				case '"': strcpy(esc, "\\\""); break;
				case '\\': strcpy(esc, "\\\\"); break;
				case 0x08: strcpy(esc, "\\b"); break;
				case 0x0a: strcpy(esc, "\\n"); break;
				default:
					snprintf(esc, sizeof esc, "\\u%04x",
					    special[k]);
				}
				CHECK(b.len == n - 1 + strlen(esc) + 2);
				CHECK(memcmp(b.data + 1 + p, esc,
				    strlen(esc)) == 0);
			}
	/* plain bytes at the edges of the range pass as they are */
	memcpy(s, " ~!}#[]/ ~!}#[]/ ~!}#[]/", 24);
	buf_reset(&b);
	CHECK(json_string(&b, s, 24) == 0 && b.len == 26 &&
	    memcmp(b.data + 1, s, 24) == 0);
	/* a byte >= 0x80 in any position goes through the UTF-8 path */
	for (p = 0; p < 17; p++) {
		memset(s, 'a', 17);
		s[p] = (char)0xff;
		buf_reset(&b);
		CHECK(json_string(&b, s, 17) == 0);
		CHECK(b.len == 16 + 6 + 2 &&
		    memcmp(b.data + 1 + p, "\\ufffd", 6) == 0);
	}
	buf_free(&b);
}

/* Nesting: 1000 levels are JSON, 1001 are not (a limit other readers
 * have too: jq and cJSON recurse per level), in arrays and in objects. */
UNIT_TEST(json_check_depth)
{
	static char s[8 * 1002 + 16];
	size_t n, i, depth;

	for (depth = 999; depth <= 1001; depth++) {
		n = 0;
		for (i = 0; i < depth; i++)
			s[n++] = '[';
		s[n++] = '1';
		for (i = 0; i < depth; i++)
			s[n++] = ']';
		CHECK(json_parses(s, n) == (depth <= 1000));
		n = 0;
		for (i = 0; i < depth; i++) {
			memcpy(s + n, "{\"a\":", 5);
			n += 5;
		}
		s[n++] = '1';
		for (i = 0; i < depth; i++)
			s[n++] = '}';
		CHECK(json_parses(s, n) == (depth <= 1000));
	}
	memset(s, '[', sizeof s);
	CHECK(!json_parses(s, sizeof s));
}

/* Objects and arrays mixed at every depth, a member and an element after
 * each inner one: each level's kind must come back when the levels inside
 * it close, across the scanner's 64-level words.  A closer of the wrong
 * kind at any depth, or a member where an element goes, is refused. */
UNIT_TEST(json_check_mixed_depth)
{
	static char s[16 * 1000 + 16];
	size_t n, i, depth = 1000, at;
	struct json_span sp;

	n = 0;
	for (i = 0; i < depth; i++) {
		memcpy(s + n, i % 3 == 1 ? "[" : "{\"k\":", i % 3 == 1 ? 1 : 5);
		n += i % 3 == 1 ? 1 : 5;
	}
	s[n++] = '0';
	for (i = depth; i-- > 0;) {
		memcpy(s + n, i % 3 == 1 ? ",2]" : ",\"z\":3}", i % 3 == 1 ? 3 : 7);
		n += i % 3 == 1 ? 3 : 7;
	}
	CHECK(json_check(s, n, &sp) && sp.off == 0 && sp.len == n);
	/* every closer swapped, one at a time */
	for (at = 0; at < n; at++) {
		if (s[at] != '}' && s[at] != ']')
			continue;
		s[at] = s[at] == '}' ? ']' : '}';
		CHECK(!json_parses(s, n));
		s[at] = s[at] == '}' ? ']' : '}';
	}
	CHECK(json_parses(s, n));
}

/* A container opens at a depth where an earlier one of another parent
 * kind closed: each must close with its own parent's closer.  Valid text
 * is JSON, and the same with one closer of the wrong kind is not (it
 * would be copied into a record as it stands). */
UNIT_TEST(json_check_depth_reused)
{
	static const char *const good[] = {
		"{\"a\":{\"b\":[]},\"c\":[[]]}",
		"{\"a\":{\"b\":{}},\"c\":[{}]}",
		"[{\"a\":[]},[[]]]",
		"[[{}],{\"x\":[{}]},[[[]]],{\"y\":{\"z\":[]}}]",
	};
	static const char *const bad[] = {
		"{\"a\":{\"b\":[]},\"c\":[[],\"x\":1}}",
		"[{\"a\":[]},[[],\"x\":1}]",
		"{\"a\":{\"b\":{}},\"c\":[{}}}",
		"[{\"a\":[]},[[]}]",
	};
	struct json_span sp;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		CHECK(json_check(good[i], strlen(good[i]), &sp) &&
		    sp.len == strlen(good[i]));
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(!json_parses(bad[i], strlen(bad[i])));
}

/* \u0000 escapes: in any string, in a name of the outermost object, in
 * any name; an escaped backslash before "u0000" is none. */
UNIT_TEST(json_nul_escape_where)
{
#define NUL(s, w) json_nul_escape(s, strlen(s), w)
	CHECK(NUL("{\"a\":\"x\\u0000\"}", JSON_NUL_ANY));
	CHECK(!NUL("{\"a\":\"x\\u0000\"}", JSON_NUL_TOP_KEYS));
	CHECK(!NUL("{\"a\":\"x\\u0000\"}", JSON_NUL_KEYS));
	CHECK(NUL("{\"url\\u0000x\":1}", JSON_NUL_TOP_KEYS));
	CHECK(NUL("{\"url\\u0000x\" :1}", JSON_NUL_KEYS));
	CHECK(!NUL("{\"b\":{\"k\\u0000\":1}}", JSON_NUL_TOP_KEYS));
	CHECK(NUL("{\"b\":{\"k\\u0000\":1}}", JSON_NUL_KEYS));
	CHECK(NUL("[{\"k\\u0000\":1}]", JSON_NUL_KEYS));
	CHECK(!NUL("{\"a\":\"x\\\\u0000\"}", JSON_NUL_ANY));
	CHECK(!NUL("{\"a\\\\u0000\":1}", JSON_NUL_KEYS));
	CHECK(NUL("{\"a\\\\\\u0000\":1}", JSON_NUL_KEYS));
	CHECK(!NUL("{\"a\":\"\\u00001\"}", JSON_NUL_KEYS));
	CHECK(!NUL("{\"a\":\"\\u0001\"}", JSON_NUL_ANY));
	CHECK(!NUL("\"\\u000", JSON_NUL_ANY));	/* cut short */
#undef NUL
}

/* Lone surrogate escapes, which cJSON refuses, written \ufffd by
 * json_minified (a page's values are read from that copy); pairs, other
 * escapes and escaped backslashes left alone. */
UNIT_TEST(json_minified_lone_surrogates)
{
	struct buf b = {0};
#define FIX(s) json_minified(&b, s, strlen(s))
#define IS(s) (b.len == strlen(s) && memcmp(b.data, s, b.len) == 0)

	CHECK(FIX("{\"a\":\"x\\ud83d\"}") == 0 &&
	    IS("{\"a\":\"x\\ufffd\"}"));
	buf_reset(&b);
	CHECK(FIX("[\"\\udc00\\ud800\",\"\\ud83d\\ude00\"]") == 0 &&
	    IS("[\"\\ufffd\\ufffd\",\"\\ud83d\\ude00\"]"));
	buf_reset(&b);
	CHECK(FIX("[\"\\ud83d\\ude00\",\"\\u00e9\",\"\\\\ud800\"]") == 0 &&
	    IS("[\"\\ud83d\\ude00\",\"\\u00e9\",\"\\\\ud800\"]"));
	buf_reset(&b);
	CHECK(FIX("\"\\ud8") == 0 && IS("\"\\ud8"));	/* cut short */
	buf_reset(&b);
	CHECK(FIX("\"\\ud800") == 0 && IS("\"\\ufffd"));	/* at the end */
	buf_free(&b);
#undef IS
#undef FIX
}

/* A lone surrogate escape is JSON but not copied as it stands: some
 * readers (cJSON, jq 1.6) refuse it, so json_minified writes U+FFFD;
 * a pair is copied as it is. */
UNIT_TEST(json_lone_surrogate_minified)
{
	struct json_span sp;
	struct buf b = {0};
	const char *lone = "{\"a\":\"x\\ud83d\",\"b\":\"\\udc00y\"}";
	const char *pair = "[\"\\ud83d\\ude00\",\"\\\\ud800\"]";

	CHECK(json_check(lone, strlen(lone), &sp) && sp.len == 0);
	CHECK(json_minified(&b, lone, strlen(lone)) == 0 &&
	    b.len == strlen("{\"a\":\"x\\ufffd\",\"b\":\"\\ufffdy\"}") &&
	    memcmp(b.data, "{\"a\":\"x\\ufffd\",\"b\":\"\\ufffdy\"}", b.len) == 0);
	buf_reset(&b);
	CHECK(json_check(pair, strlen(pair), &sp) && sp.len == strlen(pair));
	CHECK(json_minified(&b, pair, strlen(pair)) == 0 &&
	    b.len == strlen(pair) && memcmp(b.data, pair, b.len) == 0);
	buf_free(&b);
}
