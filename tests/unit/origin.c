/* Unit tests of redirect_origin_str: the per-host key of a request,
 * read without libcurl's parser, must be what redirect_origin makes of
 * the same URL parsed, or NULL (then the caller parses). */
#include "redirect.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static char *
parsed(const char *url)
{
	CURLU *u = curl_url();
	char *o = NULL;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url,
	    CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK)
		o = redirect_origin(u);
	curl_url_cleanup(u);
	return o;
}

UNIT_TEST(origin_str_matches_parsed)
{
	static const char *const urls[] = {
		"http://example.com/", "http://example.com", "HTTP://Example.COM/x",
		"https://example.com/a?b#c", "https://example.com:8443/",
		"http://example.com:80/", "https://example.com:443?q",
		"http://127.0.0.1:8080/x", "http://localhost#frag",
		"http://a-b.c-d.example./", "https://xn--bcher-kva.example/",
		"http://h:65535/",
	};
	size_t i;

	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		char *a = redirect_origin_str(urls[i]), *b = parsed(urls[i]);

		CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
		free(a);
		free(b);
	}
}

UNIT_TEST(origin_str_leaves_the_unusual_to_libcurl)
{
	static const char *const urls[] = {
		"ftp://example.com/", "http:/example.com", "http://",
		"http:///x", "http://user:pw@example.com/", "http://[::1]:80/",
		"http://ex%61mple.com/", "http://example.com:/",
		"http://example.com:080/", "http://example.com:0/",
		"http://example.com:123456/", "http://exa mple.com/",
		"http://example.com\\x", "http://example.com;x/", "example.com",
	};
	size_t i;

	for (i = 0; i < sizeof urls / sizeof urls[0]; i++)
		CHECK(redirect_origin_str(urls[i]) == NULL);
}
