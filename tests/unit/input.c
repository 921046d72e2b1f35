/* Unit tests of input's one default-method rule (the line parser's
 * tests are in basics.c). */
#include "input.h"

#include <string.h>

#include "check.h"

/* The method of the request line under c. */
static int
method_is(const struct config *c, const char *line, const char *want)
{
	struct request r;
	const char *m;
	int same;

	memset(&r, 0, sizeof(r));
	CHECK(input_parse_line(line, strlen(line), c, &r) == 1);
	CHECK(r.err == ERR_NONE);
	m = input_request_method(c, &r);
	same = m != NULL && strcmp(m, want) == 0;
	if (!same)
		fprintf(stderr, "  %s: got %s, want %s\n", line, m ? m : "NULL",
		    want);
	input_request_clear(&r);
	return same;
}

UNIT_TEST(input_method)
{
	struct config c;
	char data[] = "x=1";

	memset(&c, 0, sizeof(c));
	/* nothing said: GET; a body of the request's own: POST */
	CHECK(method_is(&c, "http://h/", "GET"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\"}", "GET"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"body\":\"b\"}", "POST"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"body\":{\"k\":1}}",
	    "POST"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"body\":\"\"}", "POST"));
	/* the request's own method, body or not */
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"method\":\"DELETE\"}",
	    "DELETE"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"method\":\"GET\","
	    "\"body\":\"b\"}", "GET"));
	/* -d or --json: POST */
	c.data = data;
	c.data_len = 3;
	c.has_data = true;
	CHECK(method_is(&c, "http://h/", "POST"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"method\":\"PATCH\"}",
	    "PATCH"));
	/* -X over the default, the request's own over -X */
	c.method = "PUT";
	CHECK(method_is(&c, "http://h/", "PUT"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"body\":\"b\"}", "PUT"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"method\":\"OPTIONS\"}",
	    "OPTIONS"));
	c.has_data = false;
	c.method = "HEAD";
	CHECK(method_is(&c, "http://h/", "HEAD"));
	CHECK(method_is(&c, "{\"url\":\"http://h/\",\"body\":\"b\"}", "HEAD"));
}
