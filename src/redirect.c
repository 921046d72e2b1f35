/* redirect — the origin rule and redirect hops.  libcurl only withholds
 * Authorization and an explicit Cookie from another host, scheme or
 * port; volley follows redirects itself and applies one rule to every
 * -H header, on redirects and pagination links alike. */
#include "redirect.h"
#include "buf.h"
#include "paginate.h"
#include "util.h"

#include <curl/curl.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* Bytes of a host name as redirect_origin_str takes it (letters, digits,
 * '.' and '-'); each one's lower case is itself | 0x20. */
static const unsigned char host_char[256] = {
	['-'] = 1, ['.'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
	['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
	['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
	['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,
	['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1
};

/* Could libcurl read h[0..n) as an IPv4 address in a form other than
 * the dotted quad it prints (127.1, 0177.0.0.1, 0x7f.1, 2130706433,
 * 127.000.0.1)?  Any host of hex digits, x and dots is taken to be one,
 * but four decimal parts of 0..255 without leading zeros. */
static bool
host_numeric(const char *h, size_t n)
{
	size_t i, parts = 1, digits = 0;
	unsigned v = 0;
	bool quad = true;

	for (i = 0; i < n; i++) {
		if (h[i] == '.') {
			quad = quad && digits > 0;
			parts++;
			digits = v = 0;
		} else if (h[i] >= '0' && h[i] <= '9') {
			quad = quad && !(digits == 1 && v == 0);
			v = v * 10 + (unsigned)(h[i] - '0');
			quad = quad && ++digits <= 3 && v <= 255;
		} else if (isxdigit((unsigned char)h[i]) || (h[i] | 0x20) == 'x')
			quad = false;
		else
			return false;	/* a name */
	}
	return !(quad && digits > 0 && parts == 4);
}

size_t
redirect_origin_text(const char *url, char *o, size_t cap)
{
	const char *h, *e, *port = NULL, *def;
	size_t hlen, plen = 0, i, k;

	if (strncasecmp(url, "http://", 7) == 0)
		h = url + 7, def = "80";
	else if (strncasecmp(url, "https://", 8) == 0)
		h = url + 8, def = "443";
	else
		return 0;
	for (e = h; host_char[(unsigned char)*e]; e++)
		;
	hlen = (size_t)(e - h);
	if (*e == ':') {
		port = ++e;
		while (*e >= '0' && *e <= '9')
			e++;
		plen = (size_t)(e - port);
		if (plen == 0 || plen > 5 || *port == '0')
			return 0;
	}
	if (hlen == 0 || (*e != '\0' && *e != '/' && *e != '?' && *e != '#') ||
	    host_numeric(h, hlen))
		return 0;
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
