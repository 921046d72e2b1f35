/* Unit tests of redirect_origin_text: the per-host key of a request,
 * read without libcurl's parser, must be what redirect_origin makes of
 * the same URL parsed, or nothing (0: then the caller parses). */
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

UNIT_TEST(origin_text_matches_parsed)
{
	static const char *const urls[] = {
		"http://example.com/", "http://example.com", "HTTP://Example.COM/x",
		"https://example.com/a?b#c", "https://example.com:8443/",
		"http://example.com:80/", "https://example.com:443?q",
		"http://127.0.0.1:8080/x", "http://localhost#frag",
		"http://a-b.c-d.example./", "https://xn--bcher-kva.example/",
		"http://h:65535/", "http://10.0.0.255:8080/", "http://0.0.0.0/",
		"http://example.com.1a/", "http://1.example/",
	};
	char a[REDIRECT_ORIGIN_MAX], *b;
	size_t i, n;

	for (i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		n = redirect_origin_text(urls[i], a, sizeof a, NULL);
		b = parsed(urls[i]);
		CHECK(n > 0 && b != NULL && strcmp(a, b) == 0 && n == strlen(b));
		free(b);
	}
}

/* A DNS name of 253 bytes and the longest port fit REDIRECT_ORIGIN_MAX;
 * a buffer one byte short of an origin gets nothing, and no byte past
 * its end is written. */
UNIT_TEST(origin_text_room)
{
	char url[300], o[REDIRECT_ORIGIN_MAX + 1], *b;
	size_t n;

	memcpy(url, "https://", 8);
	memset(url + 8, 'h', 253);
	memcpy(url + 8 + 253, ":65535/", 8);
	b = parsed(url);
	n = redirect_origin_text(url, o, REDIRECT_ORIGIN_MAX, NULL);
	CHECK(n == 8 + 253 + 6 && b != NULL && strcmp(o, b) == 0);
	free(b);
	memset(o, 'x', sizeof o);
	CHECK(redirect_origin_text("http://hij/", o, 13, NULL) == 0);
	CHECK(o[0] == 'x');
	CHECK(redirect_origin_text("http://hij/", o, 14, NULL) == 13 &&
	    strcmp(o, "http://hij:80") == 0 && o[14] == 'x');
}

UNIT_TEST(origin_text_leaves_the_unusual_to_libcurl)
{
	static const char *const urls[] = {
		"ftp://example.com/", "http:/example.com", "http://",
		"http:///x", "http://user:pw@example.com/", "http://[::1]:80/",
		"http://ex%61mple.com/", "http://example.com:/",
		"http://example.com:080/", "http://example.com:0/",
		"http://example.com:123456/", "http://exa mple.com/",
		"http://example.com:65536/", "http://1.2.3.4:99999/",
		"http://example.com\\x", "http://example.com;x/", "example.com",
		/* IPv4 in the forms libcurl prints as a dotted quad */
		"http://127.1/", "http://0177.0.0.1/", "http://2130706433/",
		"http://127.000.000.001/", "http://1.2.3/", "http://0x7f.1/",
		"http://127.0.0.01/", "http://256.0.0.1/", "http://127.0.0.1./",
		"http://1.2.3.4.5/", "http://cafe/",
	};
	char o[REDIRECT_ORIGIN_MAX];
	size_t i;

	for (i = 0; i < sizeof urls / sizeof urls[0]; i++)
		CHECK(redirect_origin_text(urls[i], o, sizeof o, NULL) == 0);
}

/* *lead is the URL's scheme, host and port as written: the bytes the
 * origin comes from, and no more. */
UNIT_TEST(origin_text_lead)
{
	static const struct { const char *url; size_t lead; } t[] = {
		{ "http://Ex.com:81/a?b", 16 }, { "http://ex.com", 13 },
		{ "https://ex.com?q", 14 }, { "http://1.2.3.4#f", 14 },
	};
	char o[REDIRECT_ORIGIN_MAX];
	size_t i, lead;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		lead = 0;
		CHECK(redirect_origin_text(t[i].url, o, sizeof o, &lead) > 0 &&
		    lead == t[i].lead);
	}
}
