/* fuzz_input — input_parse_line over any line: URL lines and JSON
 * request lines, without and with --template.  The first byte picks the
 * template (none, {}, {raw}, or one read from the input up to a NUL).
 * Checked: a request without an error has an http(s) URL with no space or
 * control byte, a method that is a token, headers without CR or LF, and
 * JSON "id" and "body" text that is JSON; every string encodes to JSON. */
#include "fuzz.h"

#include "input.h"
#include "json.h"
#include "utf8.h"

#include <strings.h>

static void
check_json_string(const char *s, size_t n)
{
	struct buf b = {0};

	FUZZ_ASSERT(json_string(&b, s, n) == 0);
	FUZZ_ASSERT(json_parses(b.data, b.len));
	FUZZ_ASSERT(utf8_valid(b.data, b.len));
	buf_free(&b);
}

static int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (strchr("!#$%&'*+-.^_`|~", *s) == NULL &&
		    !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static void
check_request(const struct request *r)
{
	size_t i;

	if (r->url != NULL)
		check_json_string(r->url, r->url_len);
	if (r->err != ERR_NONE) {
		FUZZ_ASSERT(r->errmsg[0] != '\0');
		check_json_string(r->errmsg, strlen(r->errmsg));
		return;
	}
	FUZZ_ASSERT(r->url != NULL && strlen(r->url) == r->url_len);
	FUZZ_ASSERT(strncasecmp(r->url, "http://", 7) == 0 ||
	    strncasecmp(r->url, "https://", 8) == 0);
	for (i = 0; i < r->url_len; i++)
		FUZZ_ASSERT((unsigned char)r->url[i] > 0x20 &&
		    r->url[i] != 0x7f);
	if (r->method != NULL)
		FUZZ_ASSERT(is_token(r->method));
	for (i = 0; i < r->nheaders; i++) {
		FUZZ_ASSERT(strpbrk(r->headers[i], "\r\n") == NULL);
		FUZZ_ASSERT(strchr(r->headers[i], ':') != NULL ||
		    strchr(r->headers[i], ';') != NULL);
	}
	if (r->id_json != NULL)
		FUZZ_ASSERT(json_parses(r->id_json, strlen(r->id_json)));
	if (r->has_body) {
		FUZZ_ASSERT(r->body != NULL && strlen(r->body) == r->body_len);
		if (r->body_json)
			FUZZ_ASSERT(json_parses(r->body, r->body_len));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *tpl[] = {NULL, "http://h.test/q?s={}",
	    "{raw}", NULL};
	struct config cfg;
	struct request r;
	char *own = NULL, *line;
	int pick;

	if (size == 0)
		return 0;
	memset(&cfg, 0, sizeof cfg);
	pick = data[0] & 3;
	data++;
	size--;
	cfg.template = tpl[pick];
	if (pick == 3) {
		/* a template of the input's own, if cli.c would take it */
		own = fuzz_part(&data, &size);
		if (strstr(own, "{}") != NULL || strstr(own, "{raw}") != NULL)
			cfg.template = own;
		if (data == NULL)
			size = 0;
	}
	line = fuzz_cstr(data != NULL ? data : (const uint8_t *)"", size);
	memset(&r, 0, sizeof r);
	if (input_parse_line(line, size, &cfg, &r) == 1)
		check_request(&r);
	else
		FUZZ_ASSERT(r.url == NULL);
	input_request_clear(&r);
	free(line);
	free(own);
	return 0;
}
