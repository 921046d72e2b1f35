/* Unit tests of redirect: origins, the one trust rule, and each
 * redirect hop's decision (where to, with which method and body). */
#include "redirect.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Is the origin of s want (NULL: none)? */
static int
origin_is(const char *s, const char *want)
{
	CURLU *u = unit_curlu(s);
	char *o = redirect_origin(u);
	int same = want == NULL ? o == NULL : o != NULL && strcmp(o, want) == 0;

	if (!same)
		fprintf(stderr, "  origin of %s: got %s, want %s\n", s,
		    o ? o : "NULL", want ? want : "NULL");
	free(o);
	curl_url_cleanup(u);
	return same;
}

UNIT_TEST(redirect_origins)
{
	CURLU *empty = curl_url();

	CHECK(origin_is("http://h/x", "http://h:80"));
	CHECK(origin_is("http://h", "http://h:80"));
	CHECK(origin_is("https://h/", "https://h:443"));
	CHECK(origin_is("HTTP://Example.COM/Path?Q", "http://example.com:80"));
	CHECK(origin_is("HTTPS://EXAMPLE.com:8443/",
	    "https://example.com:8443"));
	/* explicit ports are kept; an explicit default port is the same
	 * origin as none */
	CHECK(origin_is("http://h:8080/", "http://h:8080"));
	CHECK(origin_is("http://h:80/", "http://h:80"));
	CHECK(origin_is("https://h:443/", "https://h:443"));
	CHECK(origin_is("https://h:80/", "https://h:80"));
	/* userinfo, path, query and fragment are not part of it */
	CHECK(origin_is("http://u:pw@h/a?b#c", "http://h:80"));
	/* IPv6 */
	CHECK(origin_is("http://[::1]:8080/", "http://[::1]:8080"));
	CHECK(origin_is("http://[::1]/", "http://[::1]:80"));
	CHECK(origin_is("HTTPS://[FE80::A]/", "https://[fe80::a]:443"));
	CHECK(origin_is("http://127.0.0.1:9/", "http://127.0.0.1:9"));
	/* a scheme with no known port has no origin; nor has an empty URL */
	CHECK(origin_is("foo://h/", NULL));
	CHECK(redirect_origin(empty) == NULL);
	curl_url_cleanup(empty);
}

UNIT_TEST(redirect_trust)
{
	struct config c;

	memset(&c, 0, sizeof(c));
	CHECK(redirect_trusted(&c, "http://h:80", "http://h:80"));
	CHECK(!redirect_trusted(&c, "http://h:80", "http://h:8080"));
	CHECK(!redirect_trusted(&c, "http://h:80", "https://h:443"));
	CHECK(!redirect_trusted(&c, "https://h:443", "http://h:443"));
	CHECK(!redirect_trusted(&c, "http://h:80", "http://g:80"));
	CHECK(!redirect_trusted(&c, "http://h:80", "http://h.evil:80"));
	CHECK(!redirect_trusted(&c, "http://h:80", NULL));
	CHECK(!redirect_trusted(&c, NULL, "http://h:80"));
	CHECK(!redirect_trusted(&c, NULL, NULL));
	/* --location-trusted: everywhere */
	c.location_trusted = true;
	CHECK(redirect_trusted(&c, "http://h:80", "http://g:80"));
	CHECK(redirect_trusted(&c, "https://h:443", "http://h:80"));
	CHECK(redirect_trusted(&c, NULL, NULL));
}

UNIT_TEST(redirect_statuses)
{
	CHECK(redirect_status(301));
	CHECK(redirect_status(302));
	CHECK(redirect_status(303));
	CHECK(redirect_status(307));
	CHECK(redirect_status(308));
	CHECK(!redirect_status(300));
	CHECK(!redirect_status(304));
	CHECK(!redirect_status(305));
	CHECK(!redirect_status(306));
	CHECK(!redirect_status(200));
	CHECK(!redirect_status(0));
	CHECK(!redirect_status(404));
}

/* One hop from base to loc: the kind, and *to / *method / *body filled
 * on success (to malloc'd). */
static enum err_kind
hop(const struct config *c, const char *base, const char *loc, long status,
    long redirects, const char *method, char **to, const char **m,
    bool *body, char *msg, size_t len)
{
	CURLU *b = base ? unit_curlu(base) : NULL;
	struct redirect_hop h;
	enum err_kind k;
	char *s = NULL;

	*to = NULL;
	msg[0] = '\0';
	k = redirect_decide(c, b, loc, status, redirects, method, &h, msg, len);
	if (k == ERR_NONE) {
		if (curl_url_get(h.url, CURLUPART_URL, &s, 0) == CURLUE_OK)
			*to = strdup(s);
		curl_free(s);
		*m = h.method;
		*body = h.keep_body;
	} else
		CHECK(h.url == NULL && h.method == NULL);
	curl_url_cleanup(h.url);
	curl_url_cleanup(b);
	return k;
}

static void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->location = true;
	c->max_redirs = 10;
}

UNIT_TEST(redirect_locations)
{
	struct config c;
	char msg[256], *to;
	const char *m;
	bool body;

	config_init(&c);
	CHECK(hop(&c, "http://h/a/b?q=1", "c", 302, 0, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_NONE);
	CHECK(to && strcmp(to, "http://h/a/c") == 0);
	CHECK(strcmp(m, "GET") == 0 && body);
	free(to);
	CHECK(hop(&c, "http://h/a/b", "/x?y=2", 301, 0, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_NONE);
	CHECK(to && strcmp(to, "http://h/x?y=2") == 0);
	free(to);
	CHECK(hop(&c, "http://h/a/b", "../z", 301, 0, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_NONE);
	CHECK(to && strcmp(to, "http://h/z") == 0);
	free(to);
	CHECK(hop(&c, "https://h/a", "//g:81/p", 307, 0, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_NONE);
	CHECK(to && strcmp(to, "https://g:81/p") == 0);
	free(to);
	CHECK(hop(&c, "http://h/a", "https://other.example/p", 308, 0, "GET",
	    &to, &m, &body, msg, sizeof msg) == ERR_NONE);
	CHECK(to && strcmp(to, "https://other.example/p") == 0);
	free(to);
	CHECK(hop(&c, "http://h/a", "HTTP://H2/p", 302, 0, "GET",
	    &to, &m, &body, msg, sizeof msg) == ERR_NONE);
	CHECK(to && strncmp(to, "http://", 7) == 0);
	free(to);
	/* a Location that cannot be a URL */
	CHECK(hop(&c, "http://h/a", "/a b", 302, 0, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_INVALID_URL);
	CHECK(to == NULL && msg[0] != '\0');
	CHECK(hop(&c, "http://h/a", "http://[::1/", 302, 0, "GET", &to, &m,
	    &body, msg, sizeof msg) == ERR_INVALID_URL);
	CHECK(strncmp(msg, "the next URL does not parse", 27) == 0);
	/* a request URL that did not parse */
	CHECK(hop(&c, NULL, "/x", 302, 0, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_INVALID_URL);
	CHECK(strcmp(msg, "the URL does not parse") == 0);
}

UNIT_TEST(redirect_limit)
{
	struct config c;
	char msg[256], *to;
	const char *m;
	bool body;

	config_init(&c);
	c.max_redirs = 3;
	CHECK(hop(&c, "http://h/a", "/b", 302, 2, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_NONE);
	free(to);
	CHECK(hop(&c, "http://h/a", "/b", 302, 3, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_TOO_MANY_REDIRECTS);
	CHECK(to == NULL && strcmp(msg, "more than 3 redirects") == 0);
	CHECK(hop(&c, "http://h/a", "/b", 302, 4, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_TOO_MANY_REDIRECTS);
	/* the limit is checked first, even before the Location */
	CHECK(hop(&c, NULL, "ftp://x/", 302, 3, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_TOO_MANY_REDIRECTS);
	c.max_redirs = 0;
	CHECK(hop(&c, "http://h/a", "/b", 302, 0, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_TOO_MANY_REDIRECTS);
	CHECK(strcmp(msg, "more than 0 redirects") == 0);
}

UNIT_TEST(redirect_schemes)
{
	struct config c;
	char msg[256], *to;
	const char *m;
	bool body;

	config_init(&c);
	CHECK(hop(&c, "http://h/a", "ftp://h/f", 302, 0, "GET", &to, &m, &body,
	    msg, sizeof msg) == ERR_UNSUPPORTED_PROTOCOL);
	CHECK(to == NULL && strcmp(msg, "redirect to a scheme that is not "
	    "fetched: ftp") == 0);
	CHECK(hop(&c, "http://h/a", "file:///etc/passwd", 301, 0, "GET", &to,
	    &m, &body, msg, sizeof msg) == ERR_UNSUPPORTED_PROTOCOL);
	CHECK(strcmp(msg, "redirect to a scheme that is not fetched: file") ==
	    0);
	CHECK(hop(&c, "http://h/a", "gopher://h/", 302, 0, "GET", &to, &m,
	    &body, msg, sizeof msg) == ERR_UNSUPPORTED_PROTOCOL);
	CHECK(hop(&c, "https://h/a", "foo://h/", 302, 0, "GET", &to, &m,
	    &body, msg, sizeof msg) == ERR_UNSUPPORTED_PROTOCOL);
	/* --location-trusted does not open other schemes */
	c.location_trusted = true;
	CHECK(hop(&c, "http://h/a", "file:///etc/passwd", 302, 0, "GET", &to,
	    &m, &body, msg, sizeof msg) == ERR_UNSUPPORTED_PROTOCOL);

	/* https to http is refused, unless --location-trusted */
	c.location_trusted = false;
	CHECK(hop(&c, "https://h/a", "http://h/a", 302, 0, "GET", &to, &m,
	    &body, msg, sizeof msg) == ERR_UNSUPPORTED_PROTOCOL);
	CHECK(to == NULL && strcmp(msg, "redirect from https to http refused "
	    "(--location-trusted allows it)") == 0);
	CHECK(hop(&c, "HTTPS://h/a", "http://other/", 301, 0, "GET", &to, &m,
	    &body, msg, sizeof msg) == ERR_UNSUPPORTED_PROTOCOL);
	c.location_trusted = true;
	CHECK(hop(&c, "https://h/a", "http://h/a", 302, 0, "GET", &to, &m,
	    &body, msg, sizeof msg) == ERR_NONE);
	CHECK(to && strcmp(to, "http://h/a") == 0);
	free(to);
	/* http to https, and https to https, need nothing */
	c.location_trusted = false;
	CHECK(hop(&c, "http://h/a", "https://h/a", 302, 0, "GET", &to, &m,
	    &body, msg, sizeof msg) == ERR_NONE);
	free(to);
	CHECK(hop(&c, "https://h/a", "https://g/a", 302, 0, "GET", &to, &m,
	    &body, msg, sizeof msg) == ERR_NONE);
	free(to);
}

UNIT_TEST(redirect_methods)
{
	static const struct {
		long		 status;
		const char	*in, *out;
		bool		 body;
	} t[] = {
		{ 303, "POST", "GET", false },
		{ 303, "PUT", "GET", false },
		{ 303, "DELETE", "GET", false },
		{ 303, "GET", "GET", false },
		{ 303, "HEAD", "HEAD", true },
		{ 301, "POST", "GET", false },
		{ 302, "POST", "GET", false },
		{ 301, "PUT", "PUT", true },
		{ 302, "PATCH", "PATCH", true },
		{ 301, "GET", "GET", true },
		{ 302, "HEAD", "HEAD", true },
		{ 307, "POST", "POST", true },
		{ 308, "POST", "POST", true },
		{ 307, "PUT", "PUT", true },
		{ 308, "PATCH", "PATCH", true },
		{ 307, "GET", "GET", true },
	};
	struct config c;
	char msg[256], *to;
	const char *m;
	bool body;
	size_t i;

	config_init(&c);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		m = NULL;
		CHECK(hop(&c, "http://h/a", "/b", t[i].status, 0, t[i].in, &to,
		    &m, &body, msg, sizeof msg) == ERR_NONE);
		CHECK(m != NULL && strcmp(m, t[i].out) == 0);
		CHECK(body == t[i].body);
		if (m == NULL || strcmp(m, t[i].out) != 0 ||
		    body != t[i].body)
			fprintf(stderr, "  %ld after %s: got %s%s\n",
			    t[i].status, t[i].in, m ? m : "NULL",
			    body ? " with body" : "");
		free(to);
	}
}
