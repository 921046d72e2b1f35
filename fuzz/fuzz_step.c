/* fuzz_step — the next-page builder: paginate_chain_init, paginate_items
 * and paginate_step over a fuzzed page URL, header block and body, in
 * each style (--next-link, --next-field, --page-param, --cursor-param),
 * for up to four pages (the same page each time, so loops are met).
 * Input: a byte picking the style and options, then the URL, a pointer
 * or parameter name, the header block and the body, NUL-separated.
 * Checked: a step gives a next URL or an error or the end, never two;
 * a next URL is the parsed URL printed, with no space or control byte
 * (a host's "%7F" stays encoded), and libcurl takes it back; an error
 * has a message that encodes to JSON and is never "out of memory"
 * (ERR_INPUT: no allocation is made to fail here); items found are
 * counted, and none are counted that were not found; the chain never
 * goes on past --max-pages or to a URL it fetched. */
#include "fuzz.h"

#include "json.h"
#include "paginate.h"

#include <curl/curl.h>

static int
valid_pointer(const char *p)
{
	if (*p != '\0' && *p != '/')
		return 0;
	for (; *p; p++)
		if (*p == '~' && p[1] != '0' && p[1] != '1')
			return 0;
	return 1;
}

static CURLU *
parse_url(const char *s)
{
	CURLU *u = curl_url();

	if (u != NULL && curl_url_set(u, CURLUPART_URL, s,
	    CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		curl_url_cleanup(u);
		u = NULL;
	}
	return u;
}

static void
check_msg(const char *m)
{
	struct buf b = {0};

	FUZZ_ASSERT(m[0] != '\0');
	FUZZ_ASSERT(json_string(&b, m, strlen(m)) == 0);
	FUZZ_ASSERT(json_parses(b.data, b.len));
	buf_free(&b);
}

/* Has the authority of URL text u a '%'? */
static int
pct_host(const char *u)
{
	const char *a = strstr(u, "://");

	return a != NULL && memchr(a + 3, '%', strcspn(a + 3, "/?#")) != NULL;
}

static void
check_next(const struct paginate_next *nx)
{
	char *s = NULL;
	size_t i;
	CURLU *again;

	if (nx->url == NULL) {
		FUZZ_ASSERT(nx->url_str == NULL || nx->err != ERR_NONE);
		if (nx->err != ERR_NONE)
			check_msg(nx->msg);
		return;
	}
	FUZZ_ASSERT(nx->err == ERR_NONE && nx->url_str != NULL);
	FUZZ_ASSERT(curl_url_get(nx->url, CURLUPART_URL, &s, 0) ==
	    CURLUE_OK);
	/* libcurl 7.88 percent-encodes a '%' in the host again at each
	 * curl_url_get (in place), so such URLs print differently. */
	if (!pct_host(nx->url_str))
		FUZZ_ASSERT(strcmp(s, nx->url_str) == 0);
	curl_free(s);
	for (i = 0; nx->url_str[i] != '\0'; i++)
		FUZZ_ASSERT((unsigned char)nx->url_str[i] > 0x20 &&
		    nx->url_str[i] != 0x7f);
	/* libcurl takes the text back (it is the next request's URL) */
	again = parse_url(nx->url_str);
	FUZZ_ASSERT(again != NULL);
	curl_url_cleanup(again);
}

static void
config_for(struct config *c, uint8_t pick, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->page = (enum page_style)(1 + pick % 4);
	c->page_start = 1;
	c->max_pages = 1 + (pick >> 2) % 4;
	if (pick & 0x40)
		c->items = "/items";
	switch (c->page) {
	case PAGE_FIELD:
		c->next_field = valid_pointer(name) ? name : "/next";
		break;
	case PAGE_PARAM:
		c->page_param = *name != '\0' ? name : "page";
		break;
	case PAGE_CURSOR:
		c->cursor_param = "cursor";
		c->cursor_field = valid_pointer(name) ? name : "/cursor";
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct paginate_chain ch;
	struct paginate_next nx;
	struct paginate_page pp;
	char *url, *name, *hdrs, *body, *moved, msg[256];
	struct json_span items;
	CURLU *cur;
	long page, nitems;
	uint8_t pick;

	if (size < 1)
		return 0;
	pick = data[0];
	data++;
	size--;
	url = fuzz_part(&data, &size);
	name = fuzz_part(&data, &size);
	hdrs = fuzz_part(&data, &size);
	body = fuzz_part(&data, &size);
	if (name == NULL)
		name = fuzz_cstr((const uint8_t *)"", 0);
	if (hdrs == NULL)
		hdrs = fuzz_cstr((const uint8_t *)"", 0);
	if (body == NULL)
		body = fuzz_cstr((const uint8_t *)"", 0);
	config_for(&c, pick, name);
	cur = parse_url(url);
	moved = paginate_chain_init(&ch, &c, cur);
	free(moved);
	pp.headers = hdrs;
	pp.hlen = strlen(hdrs);
	pp.body = body;
	pp.blen = strlen(body);
	pp.not_json = json_parses(body, pp.blen) ? NULL :
	    "the body is not JSON";
	for (page = 1; page <= 4; page++) {
		enum err_kind k = paginate_items(&c, &pp, &items, &nitems,
		    msg, sizeof msg);

		/* no allocation fails here: ERR_INPUT ("out of memory")
		 * would be the text and a pointer disagreeing */
		FUZZ_ASSERT(k != ERR_INPUT);
		if (k != ERR_NONE) {
			check_msg(msg);
			break;
		}
		FUZZ_ASSERT(items.len > 0 ? nitems >= 0 &&
		    body[items.off] == '[' && items.off + items.len <=
		    pp.blen : nitems <= 0);
		pp.nitems = nitems;
		paginate_step(&c, &ch, cur, page, &pp, &nx);
		FUZZ_ASSERT(nx.err != ERR_INPUT);
		check_next(&nx);
		if (page >= c.max_pages)
			FUZZ_ASSERT(nx.url == NULL);
		free(nx.url_str);
		if (nx.url == NULL)
			break;
		FUZZ_ASSERT(cur != NULL);
		curl_url_cleanup(cur);
		cur = nx.url;
	}
	curl_url_cleanup(cur);
	paginate_chain_clear(&ch);
	free(url);
	free(name);
	free(hdrs);
	free(body);
	return 0;
}
