/* paginate — Link headers, JSON pointers, next URLs. */
#include "paginate.h"
#include "util.h"

#include <curl/curl.h>
#include <ctype.h>
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
		while (p < end && *p != '>')
			p++;
		if (p >= end)
			return NULL;
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
	const char *p = h, *end = h + len, *eol, *vend;
	char *found;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		vend = eol;
		while (vend > p && (vend[-1] == '\r' || vend[-1] == ' '))
			vend--;
		if (vend - p > 5 && strncasecmp(p, "link:", 5) == 0) {
			found = link_value_next(skip_ws(p + 5, vend), vend);
			if (found != NULL)
				return found;
		}
		p = eol + 1;
	}
	return NULL;
}

const cJSON *
paginate_pointer(const cJSON *root, const char *ptr, bool *bad)
{
	const cJSON *cur = root;
	const char *p = ptr;
	struct buf tok = {0};

	*bad = false;
	if (*p == '\0')
		return root;
	if (*p != '/') {
		*bad = true;
		return NULL;
	}
	while (cur != NULL && *p == '/') {
		p++;
		buf_reset(&tok);
		while (*p != '\0' && *p != '/') {
			if (*p == '~') {
				if (p[1] == '0')
					buf_addc(&tok, '~');
				else if (p[1] == '1')
					buf_addc(&tok, '/');
				else {
					*bad = true;
					buf_free(&tok);
					return NULL;
				}
				p += 2;
				continue;
			}
			buf_addc(&tok, *p++);
		}
		if (tok.data == NULL)
			buf_addstr(&tok, "");
		if (cJSON_IsArray(cur)) {
			char *endp;
			unsigned long i;
			const char *t = tok.data;

			if (tok.len == 0 || (tok.len > 1 && t[0] == '0') ||
			    !isdigit((unsigned char)t[0])) {
				cur = NULL;
				break;
			}
			errno = 0;
			i = strtoul(t, &endp, 10);
			if (errno != 0 || *endp != '\0' || i > 1000000000UL) {
				cur = NULL;
				break;
			}
			cur = cJSON_GetArrayItem(cur, (int)i);
		} else if (cJSON_IsObject(cur))
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok.data);
		else
			cur = NULL;
	}
	buf_free(&tok);
	return cur;
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
		if ((unsigned char)ref[i] <= 0x20 || ref[i] == 0x7f) {
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

char *
paginate_get_param(const void *u, const char *name)
{
	char *q = NULL, *p, *amp, *eq, *val = NULL;
	size_t nlen = strlen(name);

	if (curl_url_get((CURLU *)u, CURLUPART_QUERY, &q, 0) != CURLUE_OK)
		return NULL;
	for (p = q; p != NULL && *p != '\0'; p = amp ? amp + 1 : NULL) {
		char *k;
		int klen;

		amp = strchr(p, '&');
		if (amp != NULL)
			*amp = '\0';
		eq = strchr(p, '=');
		k = curl_easy_unescape(NULL, p, eq ? (int)(eq - p) :
		    (int)strlen(p), &klen);
		if (k != NULL && (size_t)klen == nlen &&
		    memcmp(k, name, nlen) == 0) {
			curl_free(k);
			val = eq ? curl_easy_unescape(NULL, eq + 1, 0, NULL) :
			    NULL;
			if (val != NULL) {
				char *copy = strdup(val);

				curl_free(val);
				val = copy;
			} else if (eq == NULL)
				val = strdup("");
			break;
		}
		curl_free(k);
	}
	curl_free(q);
	return val;
}

int
paginate_set_param(void *u, const char *name, const char *value)
{
	char *q = NULL, *p, *amp, *eq;
	char *ename = curl_easy_escape(NULL, name, 0);
	char *evalue = curl_easy_escape(NULL, value, 0);
	struct buf out = {0};
	size_t nlen = strlen(name);
	bool done = false;
	int rc = -1;

	if (ename == NULL || evalue == NULL)
		goto out;
	if (curl_url_get((CURLU *)u, CURLUPART_QUERY, &q, 0) != CURLUE_OK)
		q = NULL;
	for (p = q; p != NULL && *p != '\0'; p = amp ? amp + 1 : NULL) {
		char *k;
		int klen;
		bool match;

		amp = strchr(p, '&');
		if (amp != NULL)
			*amp = '\0';
		eq = strchr(p, '=');
		k = curl_easy_unescape(NULL, p, eq ? (int)(eq - p) :
		    (int)strlen(p), &klen);
		match = k != NULL && (size_t)klen == nlen &&
		    memcmp(k, name, nlen) == 0;
		curl_free(k);
		if (out.len > 0 && buf_addc(&out, '&') == -1)
			goto out;
		if (match && !done) {
			if (buf_printf(&out, "%s=%s", ename, evalue) == -1)
				goto out;
			done = true;
		} else if (buf_addstr(&out, p) == -1)
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
