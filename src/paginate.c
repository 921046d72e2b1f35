/* paginate — the pages of a chain: Link headers, JSON pointers, query
 * parameters, and the step from one page to the next (which URL, or the
 * end, or why the chain fails).  It decides; the scheduler acts. */
#include "paginate.h"
#include "json.h"
#include "redact.h"
#include "redirect.h"
#include "buf.h"
#include "hdr.h"
#include "util.h"

#include <curl/curl.h>
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* A JSON pointer as a message shows it: "" (the whole body) quoted. */
static const char *
ptr_shown(const char *ptr)
{
	return *ptr != '\0' ? ptr : "\"\"";
}

/* Does the rel value (space-separated relation types) include "next"? */
static bool
rel_has_next(const char *v, size_t n)
{
	const char *p = v, *end = v + n, *w;

	while (p < end) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		w = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		if (p - w == 4 && strncasecmp(w, "next", 4) == 0)
			return true;
	}
	return false;
}

/* One Link field value: <uri> *( ";" param ) *( "," link ). */
static char *
link_value_next(const char *p, const char *end)
{
	while (p < end) {
		const char *uri, *uend;
		bool next = false;

		while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
			p++;
		if (p >= end || *p != '<')
			return NULL;	/* malformed: give up on this header */
		uri = ++p;
		while (p < end && *p != '>' && *p != '\0')
			p++;
		if (p >= end || *p == '\0')
			return NULL;	/* a NUL would cut the URI short */
		uend = p++;
		/* parameters */
		for (;;) {
			const char *name, *nend, *val;
			size_t vlen;
			char *unq = NULL;

			p = skip_ws(p, end);
			if (p >= end || *p != ';')
				break;
			p = skip_ws(p + 1, end);
			name = p;
			while (p < end && *p != '=' && *p != ';' && *p != ',' &&
			    *p != ' ' && *p != '\t')
				p++;
			nend = p;
			p = skip_ws(p, end);
			if (p >= end || *p != '=')
				continue;	/* a parameter with no value */
			p = skip_ws(p + 1, end);
			if (p < end && *p == '"') {
				struct buf b = {0};

				for (p++; p < end && *p != '"'; p++) {
					if (*p == '\\' && p + 1 < end)
						p++;
					buf_addc(&b, *p);
				}
				if (p < end)
					p++;
				unq = buf_steal(&b);
				val = unq ? unq : "";
				vlen = strlen(val);
			} else {
				val = p;
				while (p < end && *p != ';' && *p != ',' &&
				    *p != ' ' && *p != '\t')
					p++;
				vlen = (size_t)(p - val);
			}
			if (nend - name == 3 && strncasecmp(name, "rel", 3) == 0 &&
			    rel_has_next(val, vlen))
				next = true;
			free(unq);
		}
		if (next)
			return strndup(uri, (size_t)(uend - uri));
		while (p < end && *p != ',')
			p++;
	}
	return NULL;
}

char *
paginate_link_next(const char *h, size_t len)
{
	struct hdr_iter it;
	struct hdr_field f;
	char *found;

	hdr_iter_init(&it, h, len);
	while (hdr_next(&it, &f))
		if (hdr_is(&f, "Link") && (found = link_value_next(f.value,
		    f.value + f.vlen)) != NULL)
			return found;
	return NULL;
}

void *
paginate_resolve(const void *base, const char *ref, char *err,
    size_t errlen)
{
	CURLU *u = curl_url_dup((CURLU *)base);
	CURLUcode uc;
	size_t i;

	if (u == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; ref[i] != '\0'; i++)
		if (!util_visible((unsigned char)ref[i])) {
			snprintf(err, errlen, "next URL contains a space or "
			    "control character");
			curl_url_cleanup(u);
			return NULL;
		}
	uc = curl_url_set(u, CURLUPART_URL, ref, CURLU_NON_SUPPORT_SCHEME);
	if (uc != CURLUE_OK) {
		snprintf(err, errlen, "the next URL does not parse: %s",
		    curl_url_strerror(uc));
		curl_url_cleanup(u);
		return NULL;
	}
	return u;
}

/* The next "key=value" pair of a query at *cur (cut out in place, *cur
 * moved past it); *eq is its '=' or NULL.  Does its decoded key equal
 * name?  false with *pair NULL at the end. */
static bool
query_next(char **cur, char **pair, char **eq, const char *name)
{
	char *amp, *k;
	int klen;
	bool match;

	*pair = *cur;
	if (*pair == NULL || **pair == '\0') {
		*pair = NULL;
		return false;
	}
	amp = strchr(*pair, '&');
	if (amp != NULL)
		*amp = '\0';
	*cur = amp ? amp + 1 : NULL;
	*eq = strchr(*pair, '=');
	k = curl_easy_unescape(NULL, *pair, *eq ? (int)(*eq - *pair) :
	    (int)strlen(*pair), &klen);
	match = k != NULL && (size_t)klen == strlen(name) &&
	    memcmp(k, name, (size_t)klen) == 0;
	curl_free(k);
	return match;
}

char *
paginate_get_param(const void *u, const char *name)
{
	char *q = NULL, *cur, *pair, *eq, *val = NULL, *raw;

	if (curl_url_get((CURLU *)u, CURLUPART_QUERY, &q, 0) != CURLUE_OK)
		return NULL;
	cur = q;
	for (;;) {
		bool match = query_next(&cur, &pair, &eq, name);

		if (pair == NULL)
			break;
		if (!match)
			continue;
		if (eq == NULL) {
			val = strdup("");
			break;
		}
		raw = curl_easy_unescape(NULL, eq + 1, 0, NULL);
		val = raw ? strdup(raw) : NULL;
		curl_free(raw);
		break;
	}
	curl_free(q);
	return val;
}

int
paginate_set_param(void *u, const char *name, const char *value)
{
	char *q = NULL, *cur, *pair, *eq;
	char *ename = curl_easy_escape(NULL, name, 0);
	char *evalue = curl_easy_escape(NULL, value, 0);
	struct buf out = {0};
	bool done = false;
	int rc = -1;

	if (ename == NULL || evalue == NULL)
		goto out;
	if (curl_url_get((CURLU *)u, CURLUPART_QUERY, &q, 0) != CURLUE_OK)
		q = NULL;
	cur = q;
	for (;;) {
		bool match = query_next(&cur, &pair, &eq, name);

		if (pair == NULL)
			break;
		if (out.len > 0 && buf_addc(&out, '&') == -1)
			goto out;
		if (match && !done) {
			if (buf_printf(&out, "%s=%s", ename, evalue) == -1)
				goto out;
			done = true;
		} else if (buf_addstr(&out, pair) == -1)
			goto out;
	}
	if (!done && buf_printf(&out, "%s%s=%s", out.len > 0 ? "&" : "",
	    ename, evalue) == -1)
		goto out;
	if (curl_url_set(u, CURLUPART_QUERY, out.data, 0) == CURLUE_OK)
		rc = 0;
out:
	curl_free(q);
	curl_free(ename);
	curl_free(evalue);
	buf_free(&out);
	return rc;
}

/* A chain remembers its URLs by hash, 8 bytes each. */
int
paginate_seen(struct paginate_chain *ch, const char *url)
{
	uint64_t h = util_hash_str(url), *p;
	size_t i;

	for (i = 0; i < ch->nseen; i++)
		if (ch->seen[i] == h)
			return 1;
	if (ch->nseen == ch->seen_cap) {
		size_t cap = ch->seen_cap ? ch->seen_cap * 2 : 8;

		p = realloc(ch->seen, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		ch->seen = p;
		ch->seen_cap = cap;
	}
	ch->seen[ch->nseen++] = h;
	return 0;
}

char *
paginate_chain_init(struct paginate_chain *ch, const struct config *c,
    void *url)
{
	CURLU *u = url;
	char *first, *v, *moved = NULL;
	char num[32];
	long n;

	memset(ch, 0, sizeof(*ch));
	if (c->page == PAGE_NONE || u == NULL)
		return NULL;
	if ((first = redirect_url_text(u)) != NULL)
		paginate_seen(ch, first);
	free(first);
	if (c->page != PAGE_PARAM)
		return NULL;
	v = paginate_get_param(u, c->page_param);
	ch->page_num = c->page_start;
	if (v != NULL && util_parse_long(v, -1000000000L, 1000000000L,
	    &n) == 0)
		ch->page_num = n;
	else {
		snprintf(num, sizeof num, "%ld", ch->page_num);
		if (paginate_set_param(u, c->page_param, num) == 0)
			moved = redirect_url_text(u);
	}
	free(v);
	return moved;
}

void
paginate_chain_clear(struct paginate_chain *ch)
{
	free(ch->seen);
	memset(ch, 0, sizeof(*ch));
}

/* The value at ptr in the page's body: 1 with its span, 0 when there
 * is none, -1 (msg filled) when memory ran out. */
static int
page_value(const struct paginate_page *pp, const char *ptr, size_t *off,
    size_t *n, enum err_kind *perr, char *msg, size_t len)
{
	int rc = json_pointer_span(pp->body, pp->blen, ptr, off, n);

	if (rc == -1) {	/* the text is JSON and ptr was checked: memory */
		snprintf(msg, len, "out of memory");
		*perr = ERR_INPUT;
	}
	return rc;
}

enum err_kind
paginate_items(const struct config *c, const struct paginate_page *pp,
    struct json_span *items, long *nitems, char *msg, size_t len)
{
	enum err_kind k = ERR_NONE;
	size_t off, n, pos = 0, eo, el;
	int rc;

	items->off = items->len = 0;
	*nitems = -1;
	if (pp->not_json != NULL) {
		if (c->items == NULL)
			return ERR_NONE;
		snprintf(msg, len, "--items %s: %s", ptr_shown(c->items),
		    pp->not_json);
		return ERR_PAGINATION;
	}
	if (c->items == NULL) {
		/* the body itself, if an array: no pass to find its end */
		for (off = 0; off < pp->blen && (pp->body[off] == ' ' ||
		    pp->body[off] == '\t' || pp->body[off] == '\r' ||
		    pp->body[off] == '\n'); off++)
			;
		rc = off < pp->blen;
		n = pp->blen - off;
	} else if ((rc = page_value(pp, c->items, &off, &n, &k, msg,
	    len)) == -1)
		return k;
	if (rc == 0 || pp->body[off] != '[') {
		if (c->items == NULL)
			return ERR_NONE;
		if (rc == 0) {		/* no such member: no items */
			*nitems = 0;
			return ERR_NONE;
		}
		snprintf(msg, len, "--items %s is not an array",
		    ptr_shown(c->items));
		return ERR_PAGINATION;
	}
	/* Counted on the text: no tree of a page of many small items. */
	items->off = off;
	items->len = n;
	*nitems = 0;
	while (json_array_next(pp->body + off, n, &pos, &eo, &el))
		(*nitems)++;
	return ERR_NONE;
}

/* The value v[0..n) (the body's text at ptr, named by option opt) as
 * it goes into a URL: a string decoded, a number with the digits it was
 * written with (cJSON would print 12345678901234567890 as
 * 1.2345678901234567e+19, and cut "a\u0000b" to "a").  A string holding
 * a NUL cannot be sent: a pagination error. */
static int
field_text(const char *v, size_t n, const char *ptr, const char *opt,
    char **str, enum err_kind *perr, char *msg, size_t len)
{
	struct buf b = {0};

	*str = NULL;
	if (*v != '"') {
		if (buf_add(&b, v, n) == -1)
			goto oom;
	} else if (json_string_decode(&b, v, n) == -1)
		goto oom;
	if (memchr(b.data, '\0', b.len) != NULL) {
		buf_free(&b);
		snprintf(msg, len, "%s %s holds a NUL character (\\u0000): it "
		    "cannot go into a URL", opt, ptr_shown(ptr));
		*perr = ERR_PAGINATION;
		return -1;
	}
	*str = buf_steal(&b);
	return 0;
oom:
	buf_free(&b);
	snprintf(msg, len, "out of memory");
	*perr = ERR_INPUT;
	return -1;
}

/* Is the value v[0..n) (a span of JSON text) null? */
static bool
is_null(const char *v, size_t n)
{
	return n == 4 && memcmp(v, "null", 4) == 0;
}

/* The chain fails as kind, msg saying why: NULL, for next_page. */
static CURLU *
chain_fails(enum err_kind *perr, enum err_kind kind, char *msg, size_t len,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static CURLU *
chain_fails(enum err_kind *perr, enum err_kind kind, char *msg, size_t len,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	*perr = kind;
	return NULL;
}

/* After a good page: where does the chain go next?  Returns the next
 * URL (owned CURLU *), or NULL with *perr/msg set if the chain fails
 * (ERR_NONE: it simply ends). */
static CURLU *
next_page(const struct config *c, const struct paginate_chain *ch,
    CURLU *cur, long page, const struct paginate_page *pp,
    enum err_kind *perr, char *msg, size_t len)
{
	char *ref = NULL, *str = NULL;
	CURLU *u = NULL;
	size_t off, n;
	int rc;
	char num[32];

	*perr = ERR_NONE;
	if (pp->nitems == 0 || page >= c->max_pages || c->page == PAGE_NONE)
		return NULL;
	if (cur == NULL)
		return chain_fails(perr, ERR_PAGINATION, msg, len,
		    "the page URL does not parse");
	switch (c->page) {
	case PAGE_NONE:
		return NULL;
	case PAGE_LINK:
		ref = paginate_link_next(pp->headers, pp->hlen);
		if (ref == NULL)
			return NULL;
		u = paginate_resolve(cur, ref, msg, len);
		break;
	case PAGE_FIELD:
		if (pp->not_json != NULL)
			return chain_fails(perr, ERR_PAGINATION, msg, len,
			    "--next-field: %s", pp->not_json);
		rc = page_value(pp, c->next_field, &off, &n, perr, msg, len);
		if (rc != 1 || is_null(pp->body + off, n))
			return NULL;
		if (pp->body[off] != '"')
			return chain_fails(perr, ERR_PAGINATION, msg, len,
			    "--next-field %s is not a string",
			    ptr_shown(c->next_field));
		if (field_text(pp->body + off, n, c->next_field,
		    "--next-field", &ref, perr, msg, len) == -1 ||
		    *ref == '\0') {
			free(ref);
			return NULL;
		}
		u = paginate_resolve(cur, ref, msg, len);
		break;
	case PAGE_PARAM:
		if (pp->nitems < 0 && pp->not_json != NULL)
			return chain_fails(perr, ERR_PAGINATION, msg, len,
			    "--page-param: %s", pp->not_json);
		if (pp->nitems < 0)
			return chain_fails(perr, ERR_PAGINATION, msg, len,
			    "--page-param: no items to count (give --items, or "
			    "the body must be an array)");
		u = curl_url_dup(cur);
		snprintf(num, sizeof num, "%ld", ch->page_num + 1);
		if (u == NULL || paginate_set_param(u, c->page_param, num) ==
		    -1) {
			curl_url_cleanup(u);
			return chain_fails(perr, ERR_INPUT, msg, len,
			    "out of memory");
		}
		break;
	case PAGE_CURSOR:
		if (pp->not_json != NULL)
			return chain_fails(perr, ERR_PAGINATION, msg, len,
			    "--cursor-field: %s", pp->not_json);
		rc = page_value(pp, c->cursor_field, &off, &n, perr, msg,
		    len);
		if (rc != 1 || is_null(pp->body + off, n))
			return NULL;
		/* a string or a number: '"', '-' or a digit */
		if (pp->body[off] != '"' && pp->body[off] != '-' &&
		    !isdigit((unsigned char)pp->body[off]))
			return chain_fails(perr, ERR_PAGINATION, msg, len,
			    "--cursor-field %s is not a string or number",
			    ptr_shown(c->cursor_field));
		if (field_text(pp->body + off, n, c->cursor_field,
		    "--cursor-field", &str, perr, msg, len) == -1 ||
		    *str == '\0') {
			free(str);
			return NULL;
		}
		u = curl_url_dup(cur);
		if (u == NULL || str == NULL ||
		    paginate_set_param(u, c->cursor_param, str) == -1) {
			snprintf(msg, len, "out of memory");
			*perr = ERR_INPUT;
			curl_url_cleanup(u);
			u = NULL;
		}
		free(str);
		return u;
	}
	free(ref);
	if (u == NULL && *perr == ERR_NONE)
		*perr = ERR_PAGINATION;
	return u;
}

void
paginate_step(const struct config *c, struct paginate_chain *ch,
    const void *cur, long page, const struct paginate_page *pp,
    struct paginate_next *out)
{
	char shown[160];
	CURLU *next;
	int seen;

	memset(out, 0, sizeof(*out));
	next = next_page(c, ch, (CURLU *)cur, page, pp, &out->err, out->msg,
	    sizeof out->msg);
	if (next == NULL)
		return;
	out->url_str = redirect_url_text(next);
	/* The rule a redirect has (the record names the link refused). */
	if (out->url_str != NULL)
		out->err = redirect_scheme_rule(c, cur, next, "next link",
		    out->msg, sizeof out->msg);
	if (out->err != ERR_NONE) {
		curl_url_cleanup(next);
		return;
	}
	if (out->url_str == NULL || (seen = paginate_seen(ch,
	    out->url_str)) == -1) {
		out->err = ERR_INPUT;
		snprintf(out->msg, sizeof out->msg, "out of memory");
		free(out->url_str);
		out->url_str = NULL;
		curl_url_cleanup(next);
		return;
	}
	if (seen != 0) {
		/* The error record names the looping URL. */
		out->err = ERR_PAGINATION;
		redact_url_text(out->url_str, strlen(out->url_str), shown,
		    sizeof shown);
		snprintf(out->msg, sizeof out->msg,
		    "next URL already fetched in this chain: %s", shown);
		curl_url_cleanup(next);
		return;
	}
	out->url = next;
	if (c->page == PAGE_PARAM)
		ch->page_num++;
}
