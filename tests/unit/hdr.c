/* Unit tests of hdr: the one walker over a raw response header block. */
#include "hdr.h"

#include <string.h>

#include "check.h"

/* Does f hold exactly name and value? */
static int
field_is(const struct hdr_field *f, const char *name, const char *value)
{
	return f->nlen == strlen(name) && memcmp(f->name, name, f->nlen) == 0 &&
	    f->vlen == strlen(value) && memcmp(f->value, value, f->vlen) == 0;
}

UNIT_TEST(hdr_walk_crlf)
{
	const char *b = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "X-Blank:   \t padded \t \r\nX-Empty:\r\n\r\n";
	struct hdr_iter it;
	struct hdr_field f;

	hdr_iter_init(&it, b, strlen(b));
	CHECK(hdr_next(&it, &f) && field_is(&f, "Content-Type", "text/plain"));
	CHECK(hdr_next(&it, &f) && field_is(&f, "X-Blank", "padded"));
	CHECK(hdr_next(&it, &f) && field_is(&f, "X-Empty", ""));
	CHECK(!hdr_next(&it, &f));
	CHECK(!hdr_next(&it, &f));	/* stays at the end */
}

UNIT_TEST(hdr_walk_lf)
{
	const char *b = "HTTP/2 404\nA: 1\nB:2\n\n";
	struct hdr_iter it;
	struct hdr_field f;

	hdr_iter_init(&it, b, strlen(b));
	CHECK(hdr_next(&it, &f) && field_is(&f, "A", "1"));
	CHECK(hdr_next(&it, &f) && field_is(&f, "B", "2"));
	CHECK(!hdr_next(&it, &f));
}

UNIT_TEST(hdr_walk_skips)
{
	/* A line without a colon and one with an empty name are skipped;
	 * a colon in the value stays in the value. */
	const char *b = "HTTP/1.1 200 OK\r\nno colon here\r\n: empty name\r\n"
	    "Location: http://h:8080/x\r\n";
	struct hdr_iter it;
	struct hdr_field f;

	hdr_iter_init(&it, b, strlen(b));
	CHECK(hdr_next(&it, &f) && field_is(&f, "Location",
	    "http://h:8080/x"));
	CHECK(!hdr_next(&it, &f));
}

UNIT_TEST(hdr_walk_last_line)
{
	/* The last line without a newline is still a field; the length
	 * bounds the walk, not a NUL. */
	const char *b = "A: 1\r\nB: two words";
	const char *c = "A: 1\r\nB: 2XXXX";
	struct hdr_iter it;
	struct hdr_field f;

	hdr_iter_init(&it, b, strlen(b));
	CHECK(hdr_next(&it, &f) && field_is(&f, "A", "1"));
	CHECK(hdr_next(&it, &f) && field_is(&f, "B", "two words"));
	CHECK(!hdr_next(&it, &f));
	hdr_iter_init(&it, c, 10);
	CHECK(hdr_next(&it, &f) && field_is(&f, "A", "1"));
	CHECK(hdr_next(&it, &f) && field_is(&f, "B", "2"));
	CHECK(!hdr_next(&it, &f));
}

UNIT_TEST(hdr_walk_empty)
{
	struct hdr_iter it;
	struct hdr_field f;

	hdr_iter_init(&it, NULL, 0);
	CHECK(!hdr_next(&it, &f));
	hdr_iter_init(&it, "", 0);
	CHECK(!hdr_next(&it, &f));
	hdr_iter_init(&it, "HTTP/1.1 200 OK\r\n\r\n", 19);
	CHECK(!hdr_next(&it, &f));
	CHECK(!hdr_find(NULL, 0, "A", &f));
}

UNIT_TEST(hdr_walk_interim)
{
	/* A 1xx block then the final block: the walker does not stop at
	 * the blank line, so it sees the fields of both blocks, in order
	 * (the status lines themselves are skipped).  xfer.c keeps only the
	 * last response's block, so volley never hands it two. */
	const char *b = "HTTP/1.1 103 Early Hints\r\n"
	    "Link: </a>; rel=preload\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nLink: </b>; rel=next\r\n\r\n";
	struct hdr_iter it;
	struct hdr_field f;

	hdr_iter_init(&it, b, strlen(b));
	CHECK(hdr_next(&it, &f) && field_is(&f, "Link", "</a>; rel=preload"));
	CHECK(hdr_next(&it, &f) && field_is(&f, "Link", "</b>; rel=next"));
	CHECK(!hdr_next(&it, &f));
	/* so hdr_find gives the interim block's field first */
	CHECK(hdr_find(b, strlen(b), "link", &f) &&
	    field_is(&f, "Link", "</a>; rel=preload"));
}

UNIT_TEST(hdr_find_is)
{
	const char *b = "HTTP/1.1 429 Too Many\r\nretry-after: 5\r\n"
	    "Retry-After-X: 9\r\nRETRY-AFTER: 7\r\n";
	struct hdr_field f;

	CHECK(hdr_find(b, strlen(b), "Retry-After", &f) &&
	    field_is(&f, "retry-after", "5"));
	CHECK(hdr_find(b, strlen(b), "retry-after-x", &f) &&
	    field_is(&f, "Retry-After-X", "9"));
	CHECK(!hdr_find(b, strlen(b), "Retry", &f));
	CHECK(!hdr_find(b, strlen(b), "Retry-After-XY", &f));

	f.name = "Content-Length";
	f.nlen = 14;
	CHECK(hdr_is(&f, "content-length"));
	CHECK(hdr_is(&f, "CONTENT-LENGTH"));
	CHECK(!hdr_is(&f, "Content-Lengt"));
	CHECK(!hdr_is(&f, "Content-Lengths"));
	CHECK(!hdr_is(&f, ""));
	f.nlen = 7;			/* a prefix of the text */
	CHECK(hdr_is(&f, "content"));
}
