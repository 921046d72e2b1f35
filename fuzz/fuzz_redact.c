/* fuzz_redact — passwords out of printed URLs (redact_url_json and
 * redact_url_text) for any URL text.  Checked: the JSON form is valid
 * JSON; when libcurl parses the input and finds a password in it, the
 * printed URL (either form), parsed again, has the password ***, an
 * empty one or none. */
#include "fuzz.h"

#include "json.h"
#include "redact.h"
#include "utf8.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>

/* The password libcurl finds in s, or NULL (curl_free it). */
static char *
password_of(const char *s)
{
	CURLU *u = curl_url();
	char *pw = NULL;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, s,
	    CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK)
		(void)curl_url_get(u, CURLUPART_PASSWORD, &pw, 0);
	curl_url_cleanup(u);
	return pw;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = fuzz_cstr(data, size), *pw, *pw2, text[4096];
	struct buf b = {0};
	cJSON *s;

	FUZZ_ASSERT(redact_url_json(&b, url, size) == 0);
	FUZZ_ASSERT(json_parses(b.data, b.len));
	FUZZ_ASSERT(utf8_valid(b.data, b.len));
	pw = memchr(url, '\0', size) == NULL ? password_of(url) : NULL;
	if (pw != NULL && strcmp(pw, "***") != 0) {
		s = cJSON_ParseWithLength(b.data, b.len);
		FUZZ_ASSERT(cJSON_IsString(s));
		pw2 = password_of(s->valuestring);
		FUZZ_ASSERT(pw2 == NULL || *pw2 == '\0' ||
		    strcmp(pw2, "***") == 0);
		curl_free(pw2);
		cJSON_Delete(s);
		redact_url_text(url, strlen(url), text, sizeof text);
		pw2 = password_of(text);
		FUZZ_ASSERT(pw2 == NULL || *pw2 == '\0' ||
		    strcmp(pw2, "***") == 0);
		curl_free(pw2);
	}
	curl_free(pw);
	buf_free(&b);
	free(url);
	return 0;
}
