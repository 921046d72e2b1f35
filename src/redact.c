/* redact — URLs with any password replaced by "***", for records (as
 * JSON strings) and for messages (as text).  libcurl's URL parser finds
 * the password where it can; a URL it cannot parse is cut by text, up to
 * its last '@'. */
#include "redact.h"
#include "json.h"
#include "util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where url's authority starts: after its "scheme://", after a leading
 * "//", or, in a URL with neither (user:pw@host/x, which libcurl does not
 * parse either), at its start.  Only a scheme at the very start counts:
 * "://" further on (in a query, say) starts no authority. */
static const char *
authority_at(const char *url, const char *end)
{
	const char *p = url;

	if (end - p >= 2 && p[0] == '/' && p[1] == '/')
		return p + 2;
	if (p < end && isalpha((unsigned char)*p)) {
		for (p++; p < end && (isalnum((unsigned char)*p) || *p == '+' ||
		    *p == '-' || *p == '.'); p++)
			;
		if (end - p >= 3 && memcmp(p, "://", 3) == 0)
			return p + 3;
	}
	return url;
}

/* The password of url's userinfo, by text alone: from after the first
 * ':' of the userinfo to the last '@' of the whole text (a URL that does
 * not parse may have a password holding an unencoded '/', '?' or '#', and
 * redacting too much is better than printing part of one).  false if
 * there is none. */
static bool
password_span(const char *url, size_t n, size_t *from, size_t *to)
{
	const char *end = url + n, *auth = authority_at(url, end), *p;
	const char *at = NULL, *colon;

	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon == NULL)
		return false;
	*from = (size_t)(colon + 1 - url);
	*to = (size_t)(at - url);
	return true;
}

static int
redact_unparsed(struct buf *b, const char *url, size_t n)
{
	size_t from, to;

	if (!password_span(url, n, &from, &to))
		return json_string(b, url, n);
	if (buf_addc(b, '"') == -1 || json_escape(b, url, from) == -1 ||
	    buf_addstr(b, "***") == -1 ||
	    json_escape(b, url + to, n - to) == -1)
		return -1;
	return buf_addc(b, '"');
}

/* url as libcurl prints it with the password *** (*out, malloc'd): 1;
 * 0 when libcurl finds no password; -1 when it cannot parse url (or
 * memory runs out).  libcurl takes URLs the text search does not, such
 * as "http:/u:pw@host" with one slash. */
static int
redact_parsed(const char *url, char **out)
{
	CURLU *u = curl_url();
	char *pw = NULL, *s = NULL;
	int rc = -1;

	*out = NULL;
	if (u == NULL || curl_url_set(u, CURLUPART_URL, url,
	    CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		goto done;
	if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) != CURLUE_OK) {
		rc = 0;
		goto done;
	}
	if (curl_url_set(u, CURLUPART_PASSWORD, "***", 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK &&
	    (*out = strdup(s)) != NULL)
		rc = 1;
done:
	curl_free(pw);
	curl_free(s);
	curl_url_cleanup(u);
	return rc;
}

/* As redact_url_json does: libcurl's reading first, the text search only
 * for URLs libcurl cannot parse; the whole URL is redacted before out
 * cuts it, so no cut leaves part of a long password behind. */
void
redact_url_text(const char *url, size_t n, char *out, size_t outlen)
{
	size_t from, to;
	char *tmp = NULL, *parsed = NULL;
	int rc = -1;

	if (url == NULL) {
		snprintf(out, outlen, "?");
		return;
	}
	if (memchr(url, '@', n) == NULL) {
		snprintf(out, outlen, "%.*s", (int)n, url);
		return;
	}
	/* (a NUL inside is no URL libcurl reads: the text search's) */
	tmp = strndup(url, n);
	if (tmp != NULL && strlen(tmp) == n)
		rc = redact_parsed(tmp, &parsed);
	if (rc == 1)
		snprintf(out, outlen, "%s", parsed);
	else if (rc == -1 && password_span(url, n, &from, &to))
		snprintf(out, outlen, "%.*s***%.*s", (int)from, url,
		    (int)(n - to), url + to);
	else
		snprintf(out, outlen, "%.*s", (int)n, url);
	free(parsed);
	free(tmp);
}

int
redact_url_json(struct buf *b, const char *url, size_t n)
{
	CURLU *u;
	char *pw = NULL, *out = NULL, *tmp, *shown;
	int rc;

	if (url == NULL || memchr(url, '@', n) == NULL)
		return json_string(b, url, n);
	tmp = strndup(url, n);
	u = curl_url();
	if (tmp == NULL || u == NULL || memchr(url, '\0', n) != NULL ||
	    curl_url_set(u, CURLUPART_URL, tmp, CURLU_NON_SUPPORT_SCHEME) !=
	    CURLUE_OK) {
		rc = redact_unparsed(b, url, n);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) != CURLUE_OK) {
		rc = json_string(b, url, n);	/* no password */
		goto done;
	}
	if (curl_url_set(u, CURLUPART_PASSWORD, "***", 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK) {
		rc = redact_unparsed(b, url, n);
		goto done;
	}
	/* a host's %7F stays encoded, as in every URL volley prints */
	shown = util_url_text(out);
	rc = shown != NULL ? json_cstr(b, shown) : -1;
	free(shown);
done:
	curl_free(pw);
	curl_free(out);
	curl_url_cleanup(u);
	free(tmp);
	return rc;
}
