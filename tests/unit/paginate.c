/* Unit tests of paginate's chain: the step from one page to the next in
 * all four styles, --max-pages, loops, the items of a page, the chain's
 * start and its set of URLs.  (Link headers, pointers and parameters
 * are in basics.c.) */
#include "paginate.h"
#include "json.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"

static void
config_init(struct config *c, enum page_style style)
{
	memset(c, 0, sizeof(*c));
	c->page = style;
	c->page_start = 1;
	c->max_pages = 1000;
	c->max_redirs = 10;
}

/* A chain as the scheduler keeps one: started at first, at page *page,
 * the page URL cur (moved to each next URL by step()). */
struct walk {
	struct paginate_chain	 ch;
	CURLU			*cur;
	long			 page;
	struct paginate_next	 next;
};

static void
walk_start(struct walk *w, const struct config *c, const char *first)
{
	char *moved;

	memset(w, 0, sizeof(*w));
	w->cur = unit_curlu(first);
	w->page = 1;
	moved = paginate_chain_init(&w->ch, c, w->cur);
	free(moved);
}

/* Why a page's body json cannot be read, as job.c says it; NULL if it
 * can. */
static const char *
not_json(const char *json)
{
	return json != NULL && json_parses(json, strlen(json)) ? NULL :
	    "the body is not JSON";
}

/* One step from the current page; on a next URL, move to it.  Returns
 * the kind; *next holds the printed URL (or NULL) and the message. */
static enum err_kind
step(struct walk *w, const struct config *c, const char *headers,
    const char *json, long nitems)
{
	struct paginate_page pp = { headers, headers ? strlen(headers) : 0,
	    json, json ? strlen(json) : 0, not_json(json), nitems };

	free(w->next.url_str);
	paginate_step(c, &w->ch, w->cur, w->page, &pp, &w->next);
	if (w->next.err == ERR_NONE)
		CHECK((w->next.url == NULL) == (w->next.url_str == NULL));
	if (w->next.url != NULL) {
		curl_url_cleanup(w->cur);
		w->cur = w->next.url;
		w->next.url = NULL;
		w->page++;
	}
	return w->next.err;
}

static int
next_is(const struct walk *w, const char *want)
{
	const char *got = w->next.url_str;
	int same = want == NULL ? got == NULL : got != NULL &&
	    strcmp(got, want) == 0;

	if (!same)
		fprintf(stderr, "  next: got %s, want %s (%s)\n",
		    got ? got : "NULL", want ? want : "NULL", w->next.msg);
	return same;
}

static void
walk_end(struct walk *w)
{
	free(w->next.url_str);
	curl_url_cleanup(w->next.url);
	curl_url_cleanup(w->cur);
	paginate_chain_clear(&w->ch);
	CHECK(w->ch.seen == NULL && w->ch.nseen == 0);
}

UNIT_TEST(paginate_next_link)
{
	struct config c;
	struct walk w;

	config_init(&c, PAGE_LINK);
	walk_start(&w, &c, "http://h/list?page=1");
	CHECK(step(&w, &c, "HTTP/1.1 200 OK\r\nLink: <http://h/list?page=2>; "
	    "rel=\"next\"\r\n\r\n", NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, "http://h/list?page=2") && w.page == 2);
	/* relative to the page's URL */
	CHECK(step(&w, &c, "HTTP/1.1 200 OK\r\nLink: </list?page=3>; "
	    "rel=next, </list?page=1>; rel=prev\r\n\r\n", NULL, -1) ==
	    ERR_NONE);
	CHECK(next_is(&w, "http://h/list?page=3"));
	CHECK(step(&w, &c, "HTTP/1.1 200 OK\nlink: <?page=4>; rel=next\n",
	    NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, "http://h/list?page=4"));
	CHECK(step(&w, &c, "HTTP/1.1 200 OK\r\nLink: <//g/x>; rel=next\r\n",
	    "[1]", 1) == ERR_NONE);
	CHECK(next_is(&w, "http://g/x") && w.page == 5);
	/* no rel="next": the chain ends, cleanly */
	CHECK(step(&w, &c, "HTTP/1.1 200 OK\r\nLink: </p>; rel=prev\r\n",
	    NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, NULL) && w.next.msg[0] == '\0');
	CHECK(step(&w, &c, NULL, NULL, -1) == ERR_NONE && next_is(&w, NULL));
	/* a page with zero items ends it, Link or not */
	CHECK(step(&w, &c, "HTTP/1.1 200 OK\r\nLink: </q>; rel=next\r\n",
	    "[]", 0) == ERR_NONE);
	CHECK(next_is(&w, NULL) && w.page == 5);
	/* a next link that cannot be a URL fails the chain */
	CHECK(step(&w, &c, "HTTP/1.1 200 OK\r\nLink: </a b>; rel=next\r\n",
	    NULL, -1) == ERR_PAGINATION);
	CHECK(next_is(&w, NULL) && strcmp(w.next.msg, "next URL contains "
	    "a space or control character") == 0);
	CHECK(step(&w, &c, "HTTP/1.1 200 OK\r\nLink: <http://[::1/>; "
	    "rel=next\r\n", NULL, -1) == ERR_PAGINATION);
	CHECK(strncmp(w.next.msg, "the next URL does not parse: ", 29) == 0);
	walk_end(&w);
}

UNIT_TEST(paginate_next_field)
{
	struct config c;
	struct walk w;

	config_init(&c, PAGE_FIELD);
	c.next_field = "/links/next";
	walk_start(&w, &c, "https://api.example/v1/items?limit=2");
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":"
	    "\"https://api.example/v1/items?limit=2&after=b\"}}", -1) ==
	    ERR_NONE);
	CHECK(next_is(&w, "https://api.example/v1/items?limit=2&after=b"));
	/* relative: a query, a path, a network path */
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"?limit=2&after=d\"}}",
	    -1) == ERR_NONE);
	CHECK(next_is(&w, "https://api.example/v1/items?limit=2&after=d"));
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"/v2/items?p=3\"}}",
	    -1) == ERR_NONE);
	CHECK(next_is(&w, "https://api.example/v2/items?p=3"));
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"more?p=4\"}}", -1) ==
	    ERR_NONE);
	CHECK(next_is(&w, "https://api.example/v2/more?p=4"));
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"//cdn.example/p5\"}}",
	    -1) == ERR_NONE);
	CHECK(next_is(&w, "https://cdn.example/p5") && w.page == 6);
	/* missing, null and "" end the chain */
	CHECK(step(&w, &c, NULL, "{\"links\":{}}", -1) == ERR_NONE);
	CHECK(next_is(&w, NULL) && w.next.msg[0] == '\0');
	CHECK(step(&w, &c, NULL, "{}", -1) == ERR_NONE && next_is(&w, NULL));
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":null}}", -1) ==
	    ERR_NONE && next_is(&w, NULL));
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"\"}}", -1) ==
	    ERR_NONE && next_is(&w, NULL));
	/* escapes decoded; a NUL is refused, never a URL cut short (nor
	 * "\u0000..." taken for "", the end) */
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"\\/v3\\u002fp\"}}",
	    -1) == ERR_NONE);
	CHECK(next_is(&w, "https://cdn.example/v3/p"));
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"/p\\u0000/x\"}}",
	    -1) == ERR_PAGINATION);
	CHECK(strcmp(w.next.msg, "--next-field /links/next holds a NUL "
	    "character (\\u0000): it cannot go into a URL") == 0);
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"\\u0000/x\"}}",
	    -1) == ERR_PAGINATION);
	/* zero items end it too */
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"/x\"}}", 0) ==
	    ERR_NONE && next_is(&w, NULL));
	/* a next field that is not a string, or no JSON at all */
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":5}}", -1) ==
	    ERR_PAGINATION);
	CHECK(next_is(&w, NULL) && strcmp(w.next.msg,
	    "--next-field /links/next is not a string") == 0);
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":{\"href\":\"/x\"}}}",
	    -1) == ERR_PAGINATION);
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":true}}", -1) ==
	    ERR_PAGINATION);
	CHECK(step(&w, &c, NULL, NULL, -1) == ERR_PAGINATION);
	CHECK(strcmp(w.next.msg, "--next-field: the body is not JSON") == 0);
	CHECK(step(&w, &c, NULL, "{\"links\":{\"next\":\"/a\\tb\"}}", -1) ==
	    ERR_PAGINATION);
	CHECK(strcmp(w.next.msg, "next URL contains a space or control "
	    "character") == 0);
	CHECK(w.page == 7);
	walk_end(&w);
}

UNIT_TEST(paginate_page_param)
{
	struct config c;
	struct walk w;

	config_init(&c, PAGE_PARAM);
	c.page_param = "page";
	c.items = "/data";
	/* the number in the URL is where it starts */
	walk_start(&w, &c, "http://h/l?q=x&page=3&n=5");
	CHECK(w.ch.page_num == 3);
	CHECK(step(&w, &c, NULL, NULL, 5) == ERR_NONE);
	CHECK(next_is(&w, "http://h/l?q=x&page=4&n=5"));
	CHECK(w.ch.page_num == 4 && w.page == 2);
	CHECK(step(&w, &c, NULL, NULL, 1) == ERR_NONE);
	CHECK(next_is(&w, "http://h/l?q=x&page=5&n=5"));
	CHECK(w.ch.page_num == 5);
	/* a page with no items ends the chain */
	CHECK(step(&w, &c, NULL, NULL, 0) == ERR_NONE && next_is(&w, NULL));
	CHECK(w.ch.page_num == 5 && w.next.msg[0] == '\0');
	/* items that cannot be counted fail it */
	CHECK(step(&w, &c, NULL, "{\"a\":1}", -1) == ERR_PAGINATION);
	CHECK(next_is(&w, NULL) && strcmp(w.next.msg, "--page-param: no items "
	    "to count (give --items, or the body must be an array)") == 0);
	CHECK(w.ch.page_num == 5);
	walk_end(&w);

	/* negative and zero numbers count up too */
	walk_start(&w, &c, "http://h/l?page=-1");
	CHECK(w.ch.page_num == -1);
	CHECK(step(&w, &c, NULL, NULL, 2) == ERR_NONE);
	CHECK(next_is(&w, "http://h/l?page=0"));
	CHECK(step(&w, &c, NULL, NULL, 2) == ERR_NONE);
	CHECK(next_is(&w, "http://h/l?page=1"));
	walk_end(&w);
}

UNIT_TEST(paginate_cursor)
{
	struct config c;
	struct walk w;

	config_init(&c, PAGE_CURSOR);
	c.cursor_param = "cursor";
	c.cursor_field = "/meta/next";
	walk_start(&w, &c, "http://h/l?limit=10");
	/* a string cursor, encoded; then replaced in place */
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":\"a b/c&d\"}}", -1) ==
	    ERR_NONE);
	/* (the hex digits' case is libcurl's: 7.88 prints them in lower) */
	CHECK(w.next.url_str != NULL && strcasecmp(w.next.url_str,
	    "http://h/l?limit=10&cursor=a%20b%2Fc%26d") == 0);
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":\"xyz\"}}", -1) ==
	    ERR_NONE);
	CHECK(next_is(&w, "http://h/l?limit=10&cursor=xyz"));
	/* a numeric cursor, printed as JSON prints it */
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":12345}}", -1) ==
	    ERR_NONE);
	CHECK(next_is(&w, "http://h/l?limit=10&cursor=12345"));
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":0}}", -1) == ERR_NONE);
	CHECK(next_is(&w, "http://h/l?limit=10&cursor=0") && w.page == 5);
	/* a number keeps the digits it was written with (not 1.23e+19) */
	CHECK(step(&w, &c, NULL, "{\"meta\" : { \"next\" : "
	    "12345678901234567890 } }", -1) == ERR_NONE);
	CHECK(next_is(&w, "http://h/l?limit=10&cursor=12345678901234567890"));
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":1e400}}", -1) ==
	    ERR_NONE);
	CHECK(next_is(&w, "http://h/l?limit=10&cursor=1e400"));
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":-0}}", -1) ==
	    ERR_NONE);
	CHECK(next_is(&w, "http://h/l?limit=10&cursor=-0"));
	/* a string decoded, escapes and all; a NUL in it cannot be sent */
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":\"x\\u00e9\\/y\"}}",
	    -1) == ERR_NONE);
	CHECK(w.next.url_str != NULL && strcasecmp(w.next.url_str,
	    "http://h/l?limit=10&cursor=x%c3%a9%2fy") == 0);
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":\"a\\u0000b\"}}",
	    -1) == ERR_PAGINATION);
	CHECK(strcmp(w.next.msg, "--cursor-field /meta/next holds a NUL "
	    "character (\\u0000): it cannot go into a URL") == 0);
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":\"\\u0000\"}}",
	    -1) == ERR_PAGINATION);
	/* missing, null, "" end the chain */
	CHECK(step(&w, &c, NULL, "{\"meta\":{}}", -1) == ERR_NONE &&
	    next_is(&w, NULL) && w.next.msg[0] == '\0');
	CHECK(step(&w, &c, NULL, "{}", -1) == ERR_NONE && next_is(&w, NULL));
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":null}}", -1) ==
	    ERR_NONE && next_is(&w, NULL));
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":\"\"}}", -1) ==
	    ERR_NONE && next_is(&w, NULL));
	/* neither string nor number; no JSON */
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":[1]}}", -1) ==
	    ERR_PAGINATION);
	CHECK(strcmp(w.next.msg, "--cursor-field /meta/next is not a string "
	    "or number") == 0);
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":false}}", -1) ==
	    ERR_PAGINATION);
	CHECK(step(&w, &c, NULL, NULL, -1) == ERR_PAGINATION);
	CHECK(strcmp(w.next.msg, "--cursor-field: the body is not JSON") == 0);
	/* a cursor seen before is a loop */
	CHECK(step(&w, &c, NULL, "{\"meta\":{\"next\":\"xyz\"}}", -1) ==
	    ERR_PAGINATION);
	CHECK(strcmp(w.next.msg, "next URL already fetched in this chain: "
	    "http://h/l?limit=10&cursor=xyz") == 0);
	CHECK(w.page == 9);
	walk_end(&w);
}

UNIT_TEST(paginate_max_pages)
{
	struct config c;
	struct walk w;

	config_init(&c, PAGE_LINK);
	c.max_pages = 3;
	walk_start(&w, &c, "http://h/");
	CHECK(step(&w, &c, "Link: <?p=2>; rel=next\r\n", NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, "http://h/?p=2") && w.page == 2);
	CHECK(step(&w, &c, "Link: <?p=3>; rel=next\r\n", NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, "http://h/?p=3") && w.page == 3);
	/* page 3 of 3: the chain ends without an error */
	CHECK(step(&w, &c, "Link: <?p=4>; rel=next\r\n", NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, NULL) && w.next.msg[0] == '\0' && w.page == 3);
	walk_end(&w);

	c.max_pages = 1;
	walk_start(&w, &c, "http://h/");
	CHECK(step(&w, &c, "Link: <?p=2>; rel=next\r\n", NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, NULL));
	walk_end(&w);

	/* no pagination: never a next page */
	config_init(&c, PAGE_NONE);
	walk_start(&w, &c, "http://h/");
	CHECK(w.ch.nseen == 0);
	CHECK(step(&w, &c, "Link: <?p=2>; rel=next\r\n", NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, NULL));
	walk_end(&w);
}

UNIT_TEST(paginate_loop)
{
	struct config c;
	struct walk w;

	config_init(&c, PAGE_LINK);
	/* back to the first page: its URL was remembered at the start */
	walk_start(&w, &c, "http://u:secret@h/a?x=1");
	CHECK(step(&w, &c, "Link: </b>; rel=next\r\n", NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, "http://u:secret@h/b"));
	CHECK(step(&w, &c, "Link: </a?x=1>; rel=next\r\n", NULL, -1) ==
	    ERR_PAGINATION);
	CHECK(w.next.url == NULL && w.page == 2);
	/* the record names the URL; the message hides the password */
	CHECK(next_is(&w, "http://u:secret@h/a?x=1"));
	CHECK(strcmp(w.next.msg, "next URL already fetched in this chain: "
	    "http://u:***@h/a?x=1") == 0);
	/* to itself */
	CHECK(step(&w, &c, "Link: <b>; rel=next\r\n", NULL, -1) ==
	    ERR_PAGINATION);
	CHECK(strcmp(w.next.msg, "next URL already fetched in this chain: "
	    "http://u:***@h/b") == 0);
	walk_end(&w);
}

/* libcurl decodes a host's %7F to a raw DEL and prints it raw: the
 * chain's URLs are printed with it encoded again, so that libcurl (and a
 * reader of the record) takes them back, and a loop is still seen.  A
 * relative link from such a host is an error record: libcurl resolves
 * it against its own printing of the page URL, and refuses that. */
UNIT_TEST(paginate_host_del)
{
	struct config c;
	struct walk w;
	struct paginate_chain ch;
	CURLU *u;
	char *moved;

	config_init(&c, PAGE_LINK);
	walk_start(&w, &c, "http://a%7Fb/l?page=1");
	CHECK(step(&w, &c, "Link: <http://a%7fb/l?page=2>; rel=next\r\n",
	    NULL, -1) == ERR_NONE);
	CHECK(next_is(&w, "http://a%7Fb/l?page=2"));
	u = unit_curlu(w.next.url_str);
	CHECK(u != NULL);
	curl_url_cleanup(u);
	CHECK(step(&w, &c, "Link: <http://a%7Fb/l?page=1>; rel=next\r\n",
	    NULL, -1) == ERR_PAGINATION);
	CHECK(next_is(&w, "http://a%7Fb/l?page=1"));
	CHECK(step(&w, &c, "Link: </l?page=3>; rel=next\r\n", NULL, -1) ==
	    ERR_PAGINATION && w.next.url_str == NULL);
	CHECK(strstr(w.next.msg, "does not parse") != NULL);
	walk_end(&w);

	config_init(&c, PAGE_CURSOR);
	c.cursor_param = "c";
	c.cursor_field = "/c";
	walk_start(&w, &c, "http://a%7Fb/l");
	CHECK(step(&w, &c, NULL, "{\"c\":\"x y\"}", -1) == ERR_NONE);
	CHECK(next_is(&w, "http://a%7Fb/l?c=x%20y"));
	walk_end(&w);

	config_init(&c, PAGE_PARAM);
	c.page_param = "p";
	u = unit_curlu("http://a%7Fb/l");
	moved = paginate_chain_init(&ch, &c, u);
	CHECK(moved && strcmp(moved, "http://a%7Fb/l?p=1") == 0);
	free(moved);
	paginate_chain_clear(&ch);
	curl_url_cleanup(u);
}

UNIT_TEST(paginate_bad_page_url)
{
	struct config c;
	struct paginate_chain ch;
	struct paginate_next n;
	static const char body[] = "{\"next\":\"http://h/2\"}";
	struct paginate_page pp = { NULL, 0, body, sizeof body - 1, NULL, -1 };

	/* the page's own URL did not parse (cur NULL) */
	config_init(&c, PAGE_FIELD);
	c.next_field = "/next";
	CHECK(paginate_chain_init(&ch, &c, NULL) == NULL);
	CHECK(ch.nseen == 0 && ch.page_num == 0);
	paginate_step(&c, &ch, NULL, 1, &pp, &n);
	CHECK(n.err == ERR_PAGINATION && n.url == NULL && n.url_str == NULL);
	CHECK(strcmp(n.msg, "the page URL does not parse") == 0);
	/* ... but an ended chain needs no URL */
	pp.nitems = 0;
	paginate_step(&c, &ch, NULL, 1, &pp, &n);
	CHECK(n.err == ERR_NONE && n.url == NULL);
	paginate_chain_clear(&ch);
}

UNIT_TEST(paginate_chain_start)
{
	struct config c;
	struct paginate_chain ch;
	CURLU *u;
	char *moved, *s = NULL;

	/* --page-param already in the URL: the URL stays */
	config_init(&c, PAGE_PARAM);
	c.page_param = "p";
	u = unit_curlu("http://h/l?p=7");
	CHECK(paginate_chain_init(&ch, &c, u) == NULL);
	CHECK(ch.page_num == 7 && ch.nseen == 1);
	CHECK(paginate_seen(&ch, "http://h/l?p=7") == 1);
	paginate_chain_clear(&ch);
	curl_url_cleanup(u);

	/* not in the URL: added with --page-start, in u and returned */
	c.page_start = 0;
	u = unit_curlu("http://h/l?a=1");
	moved = paginate_chain_init(&ch, &c, u);
	CHECK(moved && strcmp(moved, "http://h/l?a=1&p=0") == 0);
	CHECK(ch.page_num == 0);
	CHECK(curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK &&
	    strcmp(s, "http://h/l?a=1&p=0") == 0);
	curl_free(s);
	free(moved);
	paginate_chain_clear(&ch);
	curl_url_cleanup(u);

	/* no query at all; the default start */
	c.page_start = 1;
	u = unit_curlu("http://h/l");
	moved = paginate_chain_init(&ch, &c, u);
	CHECK(moved && strcmp(moved, "http://h/l?p=1") == 0);
	CHECK(ch.page_num == 1);
	free(moved);
	paginate_chain_clear(&ch);
	curl_url_cleanup(u);

	/* a value that is not a number is replaced by the start */
	c.page_start = 2;
	u = unit_curlu("http://h/l?p=abc&z=1");
	moved = paginate_chain_init(&ch, &c, u);
	CHECK(moved && strcmp(moved, "http://h/l?p=2&z=1") == 0);
	CHECK(ch.page_num == 2);
	free(moved);
	paginate_chain_clear(&ch);
	curl_url_cleanup(u);

	/* other styles only remember the first URL */
	config_init(&c, PAGE_CURSOR);
	c.cursor_param = "c";
	c.cursor_field = "/c";
	u = unit_curlu("http://h/l");
	CHECK(paginate_chain_init(&ch, &c, u) == NULL);
	CHECK(ch.nseen == 1 && ch.page_num == 0);
	paginate_chain_clear(&ch);
	curl_url_cleanup(u);
	config_init(&c, PAGE_NONE);
	u = unit_curlu("http://h/l");
	CHECK(paginate_chain_init(&ch, &c, u) == NULL && ch.nseen == 0);
	paginate_chain_clear(&ch);
	curl_url_cleanup(u);
}

UNIT_TEST(paginate_seen_set)
{
	struct paginate_chain ch;
	char u[64];
	int i;

	memset(&ch, 0, sizeof(ch));
	CHECK(paginate_seen(&ch, "http://h/1") == 0);
	CHECK(paginate_seen(&ch, "http://h/1") == 1);
	CHECK(paginate_seen(&ch, "http://h/2") == 0);
	CHECK(paginate_seen(&ch, "http://H/1") == 0);	/* exact text */
	CHECK(paginate_seen(&ch, "") == 0);
	CHECK(paginate_seen(&ch, "") == 1);
	for (i = 0; i < 100; i++) {	/* past the first allocation */
		snprintf(u, sizeof u, "http://h/p?n=%d", i);
		CHECK(paginate_seen(&ch, u) == 0);
	}
	for (i = 0; i < 100; i++) {
		snprintf(u, sizeof u, "http://h/p?n=%d", i);
		CHECK(paginate_seen(&ch, u) == 1);
	}
	CHECK(ch.nseen == 104);
	CHECK(paginate_seen(&ch, "http://h/2") == 1);
	paginate_chain_clear(&ch);
	CHECK(paginate_seen(&ch, "http://h/1") == 0);
	paginate_chain_clear(&ch);
}

/* The items of a page under --items ptr: the kind, *n, and whether
 * there are items (*where 1, else 0). */
static enum err_kind
items(const char *ptr, const char *json, long *n, int *where, char *msg,
    size_t len)
{
	struct config c;
	struct json_span it = {1, 1, false};	/* must be set */
	struct paginate_page pp = { NULL, 0, json, json ? strlen(json) : 0,
	    not_json(json), -1 };
	enum err_kind k;

	config_init(&c, PAGE_PARAM);
	c.items = ptr;
	msg[0] = '\0';
	k = paginate_items(&c, &pp, &it, n, msg, len);
	*where = it.len > 0 ? 1 : 0;
	/* the span is the array's text */
	if (it.len > 0 && (json == NULL || json[it.off] != '['))
		*where = -1;
	return k;
}

UNIT_TEST(paginate_page_items)
{
	char msg[256];
	long n;
	int where;

	/* no --items: the body when it is an array */
	CHECK(items(NULL, "[1,2,3]", &n, &where, msg, sizeof msg) ==
	    ERR_NONE && n == 3 && where == 1);
	CHECK(items(NULL, "[]", &n, &where, msg, sizeof msg) == ERR_NONE &&
	    n == 0 && where == 1);
	CHECK(items(NULL, "{\"data\":[1]}", &n, &where, msg, sizeof msg) ==
	    ERR_NONE && n == -1 && where == 0);
	CHECK(items(NULL, "\"x\"", &n, &where, msg, sizeof msg) == ERR_NONE &&
	    n == -1 && where == 0);
	CHECK(items(NULL, NULL, &n, &where, msg, sizeof msg) == ERR_NONE &&
	    n == -1 && where == 0);
	/* --items: a pointer to an array */
	CHECK(items("/data", "{\"data\":[1,{},[]]}", &n, &where, msg,
	    sizeof msg) == ERR_NONE && n == 3 && where == 1);
	CHECK(items("/r/0/list", "{\"r\":[{\"list\":[true]}]}", &n, &where,
	    msg, sizeof msg) == ERR_NONE && n == 1 && where == 1);
	CHECK(items("/data", "{\"data\":[]}", &n, &where, msg, sizeof msg) ==
	    ERR_NONE && n == 0 && where == 1);
	CHECK(items("", "[1,2]", &n, &where, msg, sizeof msg) == ERR_NONE &&
	    n == 2 && where == 1);
	/* absent: zero items (the chain ends) */
	CHECK(items("/data", "{\"other\":[1]}", &n, &where, msg, sizeof msg) ==
	    ERR_NONE && n == 0 && where == 0 && msg[0] == '\0');
	CHECK(items("/data", "[1,2]", &n, &where, msg, sizeof msg) ==
	    ERR_NONE && n == 0 && where == 0);
	/* not an array: the chain fails */
	CHECK(items("/data", "{\"data\":{\"a\":1}}", &n, &where, msg,
	    sizeof msg) == ERR_PAGINATION && where == 0 && n == -1);
	CHECK(strcmp(msg, "--items /data is not an array") == 0);
	CHECK(items("/data", "{\"data\":\"[1]\"}", &n, &where, msg,
	    sizeof msg) == ERR_PAGINATION);
	CHECK(items("/data", "{\"data\":null}", &n, &where, msg,
	    sizeof msg) == ERR_PAGINATION);
	CHECK(items("", "{\"a\":1}", &n, &where, msg, sizeof msg) ==
	    ERR_PAGINATION && where == 0);
	/* no JSON body at all */
	CHECK(items("/data", NULL, &n, &where, msg, sizeof msg) ==
	    ERR_PAGINATION && where == 0 && n == -1);
	CHECK(strcmp(msg, "--items /data: the body is not JSON") == 0);
}

/* Found by fuzz/fuzz_link: a NUL inside <...> cut the next URL short
 * (strndup stops there), so another URL than the one sent was fetched. */
UNIT_TEST(link_nul_in_uri)
{
	static const char h[] = "Link: </x\0y>; rel=next\r\n"
	    "Link: </z>; rel=next\r\n";
	char *n = paginate_link_next(h, sizeof h - 1);

	CHECK(n != NULL && strcmp(n, "/z") == 0);
	free(n);
}
