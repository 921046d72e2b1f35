/* redirect — the origin rule and redirect hops.  libcurl only withholds
 * Authorization and an explicit Cookie from another host, scheme or
 * port; volley follows redirects itself and applies one rule to every
 * -H header, on redirects and pagination links alike. */
#include "redirect.h"
#include "buf.h"
#include "paginate.h"
#include "util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
redirect_url_text(const void *url)
{
	char *s = NULL, *o;

	if (curl_url_get((CURLU *)url, CURLUPART_URL, &s, 0) != CURLUE_OK)
		return NULL;
	o = util_url_text(s);
	curl_free(s);
	return o;
}

char *
redirect_origin(const void *url)
{
	CURLU *u = (CURLU *)url;	/* 7.88 takes no const */
	char *scheme = NULL, *host = NULL, *port = NULL, *o = NULL;
	struct buf b = {0};
	size_t i;

	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK && buf_printf(&b, "%s://%s:%s", scheme, host, port) == 0) {
		for (i = 0; i < b.len; i++)
			if (b.data[i] >= 'A' && b.data[i] <= 'Z')
				b.data[i] = (char)(b.data[i] - 'A' + 'a');
		o = buf_steal(&b);
	}
	buf_free(&b);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return o;
}

/* Bytes of a host name as redirect_origin_text takes it (letters,
 * digits, '.' and '-'; each one's lower case is itself | 0x20), by what
 * they say of the host: H_NAME only a name has them; H_NUM an IPv4
 * address in any of libcurl's forms may (digits and dots); H_HEX one in
 * a form other than the dotted quad (0x7f.1), or a name (cafe). */
#define H_NAME	1
#define H_NUM	2
#define H_HEX	(4 | H_NUM)
static const unsigned char host_char[256] = {
	['-'] = H_NAME, ['.'] = H_NUM,
	['0'] = H_NUM, ['1'] = H_NUM, ['2'] = H_NUM, ['3'] = H_NUM,
	['4'] = H_NUM, ['5'] = H_NUM, ['6'] = H_NUM, ['7'] = H_NUM,
	['8'] = H_NUM, ['9'] = H_NUM,
	['A'] = H_HEX, ['B'] = H_HEX, ['C'] = H_HEX, ['D'] = H_HEX,
	['E'] = H_HEX, ['F'] = H_HEX, ['X'] = H_HEX,
	['a'] = H_HEX, ['b'] = H_HEX, ['c'] = H_HEX, ['d'] = H_HEX,
	['e'] = H_HEX, ['f'] = H_HEX, ['x'] = H_HEX,
	['G'] = H_NAME, ['H'] = H_NAME, ['I'] = H_NAME, ['J'] = H_NAME,
	['K'] = H_NAME, ['L'] = H_NAME, ['M'] = H_NAME, ['N'] = H_NAME,
	['O'] = H_NAME, ['P'] = H_NAME, ['Q'] = H_NAME, ['R'] = H_NAME,
	['S'] = H_NAME, ['T'] = H_NAME, ['U'] = H_NAME, ['V'] = H_NAME,
	['W'] = H_NAME, ['Y'] = H_NAME, ['Z'] = H_NAME,
	['g'] = H_NAME, ['h'] = H_NAME, ['i'] = H_NAME, ['j'] = H_NAME,
	['k'] = H_NAME, ['l'] = H_NAME, ['m'] = H_NAME, ['n'] = H_NAME,
	['o'] = H_NAME, ['p'] = H_NAME, ['q'] = H_NAME, ['r'] = H_NAME,
	['s'] = H_NAME, ['t'] = H_NAME, ['u'] = H_NAME, ['v'] = H_NAME,
	['w'] = H_NAME, ['y'] = H_NAME, ['z'] = H_NAME,
};

/* Is h..e (digits and dots) four decimal parts of 0..255 without leading
 * zeros, the only IPv4 form libcurl prints as it is written?  127.1,
 * 0177.0.0.1 and 2130706433 are 127.0.0.1 to libcurl. */
static bool
host_quad(const char *h, const char *e)
{
	unsigned v;
	int part;

	for (part = 0; part < 4; part++) {
		if (part > 0 && (h == e || *h++ != '.'))
			return false;
		if (h == e || *h == '.')
			return false;
		v = (unsigned)(*h++ - '0');
		while (h < e && *h != '.') {
			if (v == 0 || v >= 26)	/* a leading zero, or > 255 */
				return false;
			v = v * 10 + (unsigned)(*h++ - '0');
		}
		if (v > 255)
			return false;
	}
	return h == e;
}

size_t
redirect_origin_text(const char *url, char *o, size_t cap, size_t *lead)
{
	const char *h, *e, *port = NULL, *def;
	size_t hlen, plen = 0, i, k;
	unsigned char c, kinds = 0;

	if (util_prefix_ci(url, "http://", 7))
		h = url + 7, def = "80";
	else if (util_prefix_ci(url, "https://", 8))
		h = url + 8, def = "443";
	else
		return 0;
	for (e = h; (c = host_char[(unsigned char)*e]) != 0; e++)
		kinds |= c;
	/* libcurl's key for an IPv4 address in another form */
	if (!(kinds & H_NAME) && ((kinds & H_HEX) == H_HEX || !host_quad(h, e)))
		return 0;
	hlen = (size_t)(e - h);
	if (*e == ':') {
		port = ++e;
		while (*e >= '0' && *e <= '9')
			e++;
		plen = (size_t)(e - port);
		if (plen == 0 || plen > 5 || *port == '0' ||
		    (plen == 5 && memcmp(port, "65535", 5) > 0))
			return 0;	/* libcurl's to refuse */
	}
	if (hlen == 0 || !util_authority_end(*e))
		return 0;
	if (lead != NULL)
		*lead = (size_t)(e - url);
	if (port == NULL) {
		port = def;
		plen = strlen(def);
	}
	i = (size_t)(h - url);		/* "http://" or "https://" */
	if (i + hlen + 1 + plen + 1 > cap)
		return 0;
	/* In lower case: the scheme (http or https) and the host. */
	memcpy(o, i == 7 ? "http://" : "https://", i);
	for (k = 0; k < hlen; k++)
		o[i + k] = (char)(h[k] | 0x20);
	o[i + hlen] = ':';
	memcpy(o + i + hlen + 1, port, plen);
	o[i + hlen + 1 + plen] = '\0';
	return i + hlen + 1 + plen;
}

bool
redirect_trusted(const struct config *c, const char *from, const char *to)
{
	return c->location_trusted || (from != NULL && to != NULL &&
	    strcmp(from, to) == 0);
}

static bool
is_https(const char *origin)
{
	return origin != NULL && strncmp(origin, "https:", 6) == 0;
}

enum err_kind
redirect_scheme_rule(const struct config *c, const void *base,
    const void *to, const char *what, char *msg, size_t len)
{
	char *scheme = NULL, *from = NULL, *dest = NULL;
	enum err_kind k = ERR_NONE;

	if (curl_url_get((CURLU *)to, CURLUPART_SCHEME, &scheme, 0) !=
	    CURLUE_OK || (strcmp(scheme, "http") != 0 &&
	    strcmp(scheme, "https") != 0)) {
		snprintf(msg, len, "%s to a scheme that is not fetched: %.60s",
		    what, scheme ? scheme : "?");
		k = ERR_UNSUPPORTED_PROTOCOL;
	} else if (!c->location_trusted && strcmp(scheme, "http") == 0) {
		from = redirect_origin(base);
		dest = redirect_origin(to);
		if (is_https(from) && !is_https(dest)) {
			snprintf(msg, len, "%s from https to http refused "
			    "(--location-trusted allows it)", what);
			k = ERR_UNSUPPORTED_PROTOCOL;
		}
	}
	curl_free(scheme);
	free(from);
	free(dest);
	return k;
}

bool
redirect_status(long st)
{
	return st == 301 || st == 302 || st == 303 || st == 307 || st == 308;
}

enum err_kind
redirect_decide(const struct config *c, const void *base,
    const char *location, long status, long redirects, const char *method,
    struct redirect_hop *hop, char *msg, size_t len)
{
	CURLU *u;
	enum err_kind k;

	memset(hop, 0, sizeof(*hop));
	if (redirects >= c->max_redirs) {
		snprintf(msg, len, "more than %ld redirects", c->max_redirs);
		return ERR_TOO_MANY_REDIRECTS;
	}
	if (base == NULL) {
		snprintf(msg, len, "the URL does not parse");
		return ERR_INVALID_URL;
	}
	u = paginate_resolve(base, location, msg, len);
	if (u == NULL)
		return ERR_INVALID_URL;
	k = redirect_scheme_rule(c, base, u, "redirect", msg, len);
	if (k != ERR_NONE)
		goto out;
	/* As browsers and curl: 303 turns into GET, and so do 301 and 302
	 * after a POST; 307 and 308 keep the method and the body. */
	hop->method = method;
	hop->keep_body = true;
	if ((status == 303 && strcmp(method, "HEAD") != 0) ||
	    ((status == 301 || status == 302) && strcmp(method, "POST") == 0)) {
		hop->method = "GET";
		hop->keep_body = false;
	}
	hop->url = u;
	u = NULL;
out:
	curl_url_cleanup(u);
	return k;
}
