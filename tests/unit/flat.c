/* Unit tests of flat: a --flatten page's items as records, one at a
 * time, and going on with them after the transfer's memory is gone. */
#include "flat.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

static char *
dup(const char *s)
{
	char *p = malloc(strlen(s) + 1);

	CHECK(p != NULL);
	return p != NULL ? strcpy(p, s) : NULL;
}

/* flat_begin on the array at ptr in body, as paginate_items finds it
 * (nothing there: no span). */
static void
begin(struct flat *f, const struct record *page, const char *body,
    const char *ptr, long nitems, bool more)
{
	size_t off = 0, len = 0;

	if (json_pointer_span(body, strlen(body), ptr, &off, &len) != 1)
		off = len = 0;
	flat_begin(f, page, body, off, len, nitems, more);
}

UNIT_TEST(flat_items_in_order)
{
	const char *body = "{\"data\":[1, {\"a\" : [2]},\"x\"],\"n\":3}";
	struct record page, seen[3];
	const struct record *r;
	struct flat f;
	int n = 0;

	memset(&page, 0, sizeof(page));
	page.url = "http://h/p";
	page.body = body;
	page.body_len = strlen(body);
	page.body_enc = BENC_JSON;
	page.saved = "saved/0.json";
	begin(&f, &page, body, "/data", 3, false);
	while ((r = flat_next(&f)) != NULL && n < 3) {
		seen[n] = *r;
		/* the item is good until the next call: check it now */
		CHECK(strcmp(r->item, n == 0 ? "1" : n == 1 ? "{\"a\":[2]}" :
		    "\"x\"") == 0);
		n++;
	}
	CHECK(n == 3 && r == NULL);
	CHECK(flat_next(&f) == NULL);	/* and stays ended */
	CHECK(seen[0].item_index == 0 && seen[2].item_index == 2);
	/* only the last item is the request's last; no body, nothing saved */
	CHECK(seen[0].more && seen[1].more && !seen[2].more);
	CHECK(seen[1].body == NULL && seen[1].body_enc == BENC_NONE &&
	    seen[1].saved == NULL && strcmp(seen[1].url, "http://h/p") == 0);
	flat_clear(&f);

	/* more pages after this one: no item is the last */
	begin(&f, &page, body, "/data", 3, true);
	while ((r = flat_next(&f)) != NULL)
		CHECK(r->more);
	flat_clear(&f);
}

UNIT_TEST(flat_no_items)
{
	struct record page;
	const struct record *r;
	struct flat f;

	/* an empty array, or nothing at the pointer: one record, item null */
	memset(&page, 0, sizeof(page));
	begin(&f, &page, "[]", "", 0, false);
	r = flat_next(&f);
	CHECK(r != NULL && strcmp(r->item, "null") == 0 &&
	    r->item_index == -1 && !r->more);
	CHECK(flat_next(&f) == NULL);
	flat_clear(&f);
	begin(&f, &page, "{\"a\":1}", "/items", 0, true);
	r = flat_next(&f);
	CHECK(r != NULL && r->item_index == -1 && r->more);
	CHECK(flat_next(&f) == NULL);
	flat_clear(&f);
}

UNIT_TEST(flat_keep_outlives_the_transfer)
{
	char *body = dup("[10,20,30]"), *furl = dup("http://h/final");
	char *ct = dup("application/json"), *hdrs = dup("a: b\r\n");
	struct record page;
	const struct record *r;
	struct flat f;

	memset(&page, 0, sizeof(page));
	page.final_url = furl;
	page.content_type = ct;
	page.headers = hdrs;
	page.headers_len = strlen(hdrs);
	begin(&f, &page, body, "", 3, false);
	r = flat_next(&f);
	CHECK(r != NULL && strcmp(r->item, "10") == 0);
	CHECK(flat_keep(&f) == 0);
	/* the transfer's memory is gone (ASan would see a use after this) */
	memset(body, 'x', strlen(body));
	memset(furl, 'x', strlen(furl));
	free(body);
	free(furl);
	free(ct);
	free(hdrs);
	r = flat_next(&f);
	CHECK(r != NULL && strcmp(r->item, "20") == 0 && r->item_index == 1);
	CHECK(strcmp(r->final_url, "http://h/final") == 0 &&
	    strcmp(r->content_type, "application/json") == 0 &&
	    r->headers_len == 6 && memcmp(r->headers, "a: b\r\n", 6) == 0);
	r = flat_next(&f);
	CHECK(r != NULL && strcmp(r->item, "30") == 0 && !r->more);
	CHECK(flat_next(&f) == NULL);
	flat_clear(&f);
}
