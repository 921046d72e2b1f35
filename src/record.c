/* record — error kinds, the JSON writer and the record encoder.  Records
 * are written field by field into a buffer; no tree is built.  Strings
 * from the input or a server are escaped here: invalid UTF-8 becomes
 * U+FFFD, control characters, DEL, U+2028 and U+2029 become \u escapes. */
#include "record.h"
#include "cli.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[ERR__COUNT] = {
	[ERR_NONE] = "none",
	[ERR_INPUT] = "input",
	[ERR_INVALID_URL] = "invalid_url",
	[ERR_UNSUPPORTED_PROTOCOL] = "unsupported_protocol",
	[ERR_DNS] = "dns",
	[ERR_CONNECT] = "connect",
	[ERR_TLS] = "tls",
	[ERR_TIMEOUT] = "timeout",
	[ERR_READ] = "read",
	[ERR_PROTOCOL] = "protocol",
	[ERR_DECODE] = "decode",
	[ERR_TOO_MANY_REDIRECTS] = "too_many_redirects",
	[ERR_BODY_TOO_LARGE] = "body_too_large",
	[ERR_HTTP] = "http",
	[ERR_PAGINATION] = "pagination",
	[ERR_CANCELLED] = "cancelled",
	[ERR_DEADLINE] = "deadline",
};

const char *
err_kind_name(enum err_kind k)
{
	return k < ERR__COUNT ? kind_names[k] : "unknown";
}

/* 1 for bytes that can be copied into a JSON string as they are. */
static const unsigned char plain[256] = {
	['\x20'] = 1, ['\x21'] = 1, ['\x23'] = 1, ['\x24'] = 1, ['\x25'] = 1,
	['\x26'] = 1, ['\x27'] = 1, ['\x28'] = 1, ['\x29'] = 1, ['\x2a'] = 1,
	['\x2b'] = 1, ['\x2c'] = 1, ['\x2d'] = 1, ['\x2e'] = 1, ['\x2f'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1,
	['<'] = 1, ['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1,
};

/* The escapes of a string body, without the quotes. */
static int
json_escape(struct buf *b, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run, k;
	char esc[8];

	/* Worst case is 6 bytes out per byte in; reserve the common case. */
	if (buf_reserve(b, n + n / 8 + 2) == -1)
		return -1;
	while (i < n) {
		run = i;
		while (run < n && plain[s[run]])
			run++;
		if (run > i) {
			if (buf_add(b, s + i, run - i) == -1)
				return -1;
			i = run;
			if (i == n)
				break;
		}
		if (s[i] >= 0x80) {
			k = utf8_seq_len(s + i, n - i);
			if (k == 0) {
				if (buf_add(b, "\\ufffd", 6) == -1)
					return -1;
				i++;
			} else if (k == 3 && s[i] == 0xe2 && s[i + 1] == 0x80 &&
			    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) {
				if (buf_addstr(b, s[i + 2] == 0xa8 ?
				    "\\u2028" : "\\u2029") == -1)
					return -1;
				i += 3;
			} else {
				if (buf_add(b, s + i, k) == -1)
					return -1;
				i += k;
			}
			continue;
		}
		switch (s[i]) {
		case '"':  memcpy(esc, "\\\"", 3); break;
		case '\\': memcpy(esc, "\\\\", 3); break;
		case '\n': memcpy(esc, "\\n", 3); break;
		case '\r': memcpy(esc, "\\r", 3); break;
		case '\t': memcpy(esc, "\\t", 3); break;
		case '\b': memcpy(esc, "\\b", 3); break;
		case '\f': memcpy(esc, "\\f", 3); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", s[i]);
			break;
		}
		if (buf_addstr(b, esc) == -1)
			return -1;
		i++;
	}
	return 0;
}

int
json_string(struct buf *b, const char *s, size_t n)
{
	if (s == NULL)
		return buf_add(b, "null", 4);
	if (buf_addc(b, '"') == -1 || json_escape(b, s, n) == -1)
		return -1;
	return buf_addc(b, '"');
}

static int
json_cstr(struct buf *b, const char *s)
{
	return json_string(b, s, s ? strlen(s) : 0);
}

/* Append JSON text that cJSON has accepted and that is valid UTF-8,
 * dropping the whitespace between tokens (so a record stays on one line)
 * and escaping raw control characters that cJSON tolerates in strings.
 * Numbers are copied as they are: no precision is lost. */
int
json_minified(struct buf *b, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i, start = 0;
	bool in_str = false, esc = false;
	char u[8];

	if (buf_reserve(b, n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			else if (c < 0x20 || c == 0x7f) {
				if (buf_add(b, s + start, i - start) == -1)
					return -1;
				snprintf(u, sizeof u, "\\u%04x", c);
				if (buf_addstr(b, u) == -1)
					return -1;
				start = i + 1;
			}
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			if (buf_add(b, s + start, i - start) == -1)
				return -1;
			start = i + 1;
		}
	}
	return buf_add(b, s + start, n - start);
}

char *
json_print(const struct cJSON *v)
{
	char *t = cJSON_PrintUnformatted(v), *copy;

	if (t == NULL)
		return NULL;
	copy = strdup(t);
	cJSON_free(t);
	return copy;
}

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_BYTES	0	/* let ASan see every cJSON allocation */
#else
#define ARENA_BYTES	(256u << 10)
#endif

static _Alignas(16) unsigned char arena[ARENA_BYTES + 16];
static size_t arena_off, arena_live;

static void *
arena_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > ARENA_BYTES - arena_off)
		return malloc(n);
	p = arena + arena_off;
	arena_off += n;
	arena_live++;
	return p;
}

static void
arena_free(void *p)
{
	unsigned char *c = p;

	if (c >= arena && c < arena + ARENA_BYTES) {
		if (--arena_live == 0)
			arena_off = 0;
		return;
	}
	free(p);
}

void
json_arena_install(void)
{
	cJSON_Hooks h = {arena_alloc, arena_free};

	if (ARENA_BYTES > 0)
		cJSON_InitHooks(&h);
}

/* A strict RFC 8259 check, no tree and no allocation.  cJSON 1.7.15 is
 * lenient (a BOM, any byte <= 0x20 as whitespace, "01", "1.", "-.5"), and
 * a body that is copied into a record verbatim must be JSON for every
 * reader, so this decides; cJSON only reads values out of pages. */
struct jscan {
	const unsigned char *p, *end;
	int depth;
};

#define JSON_MAX_DEPTH	1000

static void
js_ws(struct jscan *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	    *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool
js_lit(struct jscan *j, const char *lit, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return false;
	j->p += n;
	return true;
}

static bool
js_digits(struct jscan *j)
{
	const unsigned char *start = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool
js_number(struct jscan *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++;
	else if (!js_digits(j))
		return false;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!js_digits(j))
			return false;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!js_digits(j))
			return false;
	}
	return true;
}

static bool
js_string(struct jscan *j)
{
	int k;

	j->p++;			/* the opening quote */
	while (j->p < j->end) {
		unsigned char c = *j->p++;

		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (j->p >= j->end)
			return false;
		c = *j->p++;
		if (c == 'u') {
			for (k = 0; k < 4; k++, j->p++)
				if (j->p >= j->end || !isxdigit(*j->p))
					return false;
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == 0)
			return false;
	}
	return false;
}

static bool
js_value(struct jscan *j)
{
	bool ok;

	js_ws(j);
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
	case '[': {
		unsigned char close = *j->p == '{' ? '}' : ']';
		bool object = close == '}';

		if (++j->depth > JSON_MAX_DEPTH)
			return false;
		j->p++;
		js_ws(j);
		if (j->p < j->end && *j->p == close) {
			j->p++;
			j->depth--;
			return true;
		}
		for (;;) {
			if (object) {
				js_ws(j);
				if (j->p >= j->end || *j->p != '"' || !js_string(j))
					return false;
				js_ws(j);
				if (j->p >= j->end || *j->p++ != ':')
					return false;
			}
			if (!js_value(j))
				return false;
			js_ws(j);
			if (j->p >= j->end)
				return false;
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close)
				return false;
			j->depth--;
			return true;
		}
	}
	case '"':
		return js_string(j);
	case 't':
		return js_lit(j, "true", 4);
	case 'f':
		return js_lit(j, "false", 5);
	case 'n':
		return js_lit(j, "null", 4);
	default:
		ok = js_number(j);
		return ok;
	}
}

bool
json_parses(const char *s, size_t n)
{
	struct jscan j = {(const unsigned char *)s,
	    (const unsigned char *)s + n, 0};

	if (n == 0 || !js_value(&j))
		return false;
	js_ws(&j);
	return j.p == j.end;
}

enum body_enc
record_classify(int mode, const char *s, size_t n, int is_json,
    bool *not_json)
{
	bool text;

	*not_json = false;
	switch ((enum body_mode)mode) {
	case BODY_NONE:
		return BENC_NONE;
	case BODY_BASE64:
		return BENC_BASE64;
	case BODY_TEXT:
		return BENC_TEXT;
	case BODY_JSON:
	case BODY_AUTO:
		break;
	}
	if (n == 0)
		return mode == BODY_JSON ? BENC_NULL : BENC_TEXT;
	text = utf8_valid(s, n);
	if (text && (is_json == 1 || (is_json == -1 && json_parses(s, n))))
		return BENC_JSON;
	if (mode == BODY_JSON)
		*not_json = true;
	return text ? BENC_TEXT : BENC_BASE64;
}

/* The password of url's userinfo, by text alone: from after the first
 * ':' of the userinfo to the last '@' of the authority.  For URLs
 * libcurl cannot parse, and for error messages.  false if there is none. */
static bool
password_span(const char *url, size_t n, size_t *from, size_t *to)
{
	const char *end = url + n, *auth = NULL, *p, *at = NULL, *colon;

	for (p = url; p + 3 <= end; p++)
		if (memcmp(p, "://", 3) == 0) {
			auth = p + 3;
			break;
		}
	if (auth == NULL)
		return false;
	for (p = auth; p < end && *p != '/' && *p != '?' && *p != '#'; p++)
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

void
url_redact_str(const char *url, char *out, size_t outlen)
{
	size_t from, to;

	if (url == NULL)
		snprintf(out, outlen, "?");
	else if (!password_span(url, strlen(url), &from, &to))
		snprintf(out, outlen, "%s", url);
	else
		snprintf(out, outlen, "%.*s***%s", (int)from, url, url + to);
}

int
url_redacted(struct buf *b, const char *url, size_t n)
{
	CURLU *u;
	char *pw = NULL, *out = NULL, *tmp;
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
	rc = json_cstr(b, out);
done:
	curl_free(pw);
	curl_free(out);
	curl_url_cleanup(u);
	free(tmp);
	return rc;
}

/* -I: the last response's header block as an object with lower-case
 * names; a name seen more than once gets an array of its values. */
static int
headers_object(struct buf *b, const char *h, size_t n)
{
	struct hdr { const char *name, *val; size_t nlen, vlen; } *v = NULL;
	size_t nv = 0, cap = 0, i, j, k;
	const char *p = h, *end = h + n, *eol, *colon;
	int rc = -1;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon != NULL && colon > p && strncmp(p, "HTTP/", 5) != 0) {
			const char *vs = colon + 1, *ve = eol;

			while (vs < ve && (*vs == ' ' || *vs == '\t'))
				vs++;
			while (ve > vs && (ve[-1] == '\r' || ve[-1] == ' ' ||
			    ve[-1] == '\t'))
				ve--;
			if (nv == cap) {
				struct hdr *nvp;

				cap = cap ? cap * 2 : 16;
				nvp = realloc(v, cap * sizeof(*v));
				if (nvp == NULL)
					goto out;
				v = nvp;
			}
			v[nv].name = p;
			v[nv].nlen = (size_t)(colon - p);
			v[nv].val = vs;
			v[nv].vlen = (size_t)(ve - vs);
			nv++;
		}
		p = eol + 1;
	}
	if (buf_addc(b, '{') == -1)
		goto out;
	for (i = 0; i < nv; i++) {
		size_t count = 0;
		bool seen = false;
		char lname[256];
		size_t ln = v[i].nlen < sizeof lname ? v[i].nlen :
		    sizeof lname - 1;

		for (j = 0; j < i && !seen; j++)
			seen = v[j].nlen == v[i].nlen &&
			    strncasecmp(v[j].name, v[i].name, v[i].nlen) == 0;
		if (seen)
			continue;
		for (j = i; j < nv; j++)
			if (v[j].nlen == v[i].nlen &&
			    strncasecmp(v[j].name, v[i].name, v[i].nlen) == 0)
				count++;
		for (k = 0; k < ln; k++)
			lname[k] = (char)tolower((unsigned char)v[i].name[k]);
		if ((b->data[b->len - 1] != '{' && buf_addc(b, ',') == -1) ||
		    json_string(b, lname, ln) == -1 || buf_addc(b, ':') == -1)
			goto out;
		if (count == 1) {
			if (json_string(b, v[i].val, v[i].vlen) == -1)
				goto out;
			continue;
		}
		if (buf_addc(b, '[') == -1)
			goto out;
		for (j = i, k = 0; j < nv; j++) {
			if (v[j].nlen != v[i].nlen ||
			    strncasecmp(v[j].name, v[i].name, v[i].nlen) != 0)
				continue;
			if ((k++ > 0 && buf_addc(b, ',') == -1) ||
			    json_string(b, v[j].val, v[j].vlen) == -1)
				goto out;
		}
		if (buf_addc(b, ']') == -1)
			goto out;
	}
	rc = buf_addc(b, '}');
out:
	free(v);
	return rc;
}

/* Decimal digits of v, without printf: this runs for every record. */
static int
put_i64(struct buf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		*--p = '-';
	return buf_add(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* ms with three decimals, as "%.3f" would print it. */
static int
put_ms(struct buf *b, double ms)
{
	int64_t us = (int64_t)(ms * 1000.0 + 0.5);
	char frac[4];

	if (put_i64(b, us / 1000) == -1)
		return -1;
	frac[0] = '.';
	frac[1] = (char)('0' + (us % 1000) / 100);
	frac[2] = (char)('0' + (us % 100) / 10);
	frac[3] = (char)('0' + us % 10);
	return buf_add(b, frac, 4);
}

/* A JSON key with its separators: ",\"name\":" */
#define KEY(b, lit)	buf_add((b), lit, sizeof(lit) - 1)

int
record_encode(struct buf *b, const struct record *r)
{
	bool ok = r->err == ERR_NONE;
	size_t start = b->len;

	if (KEY(b, "{\"index\":") == -1 || put_i64(b, r->index) == -1 ||
	    KEY(b, ",\"id\":") == -1 ||
	    buf_addstr(b, r->id_json ? r->id_json : "null") == -1 ||
	    KEY(b, ",\"url\":") == -1 ||
	    url_redacted(b, r->url, r->url ? r->url_len : 0) == -1 ||
	    KEY(b, ",\"final_url\":") == -1 ||
	    url_redacted(b, r->final_url, r->final_url ?
	    strlen(r->final_url) : 0) == -1 ||
	    KEY(b, ",\"method\":") == -1 ||
	    json_cstr(b, r->method) == -1 ||
	    KEY(b, ",\"status\":") == -1 ||
	    (r->status > 0 ? put_i64(b, r->status) : KEY(b, "null")) == -1 ||
	    (ok ? KEY(b, ",\"ok\":true,\"http_version\":") :
	    KEY(b, ",\"ok\":false,\"http_version\":")) == -1 ||
	    json_cstr(b, r->http_version) == -1 ||
	    KEY(b, ",\"content_type\":") == -1 ||
	    json_cstr(b, r->content_type) == -1 ||
	    KEY(b, ",\"size\":") == -1 ||
	    (r->size >= 0 ? put_i64(b, r->size) : KEY(b, "null")) == -1 ||
	    KEY(b, ",\"time_ms\":") == -1 ||
	    (r->time_ms >= 0 ? put_ms(b, r->time_ms) : KEY(b, "null")) == -1 ||
	    KEY(b, ",\"attempts\":") == -1 || put_i64(b, r->attempts) == -1 ||
	    KEY(b, ",\"page\":") == -1 || put_i64(b, r->page) == -1)
		goto fail;
	if (r->with_headers) {
		if (buf_addstr(b, ",\"headers\":") == -1 ||
		    (r->headers ? headers_object(b, r->headers,
		    r->headers_len) : buf_addstr(b, "null")) == -1)
			goto fail;
	}
	if (r->item != NULL) {
		if (KEY(b, ",\"item_index\":") == -1 ||
		    put_i64(b, r->item_index) == -1 ||
		    KEY(b, ",\"item\":") == -1 || buf_addstr(b, r->item) == -1)
			goto fail;
	} else if (r->saved != NULL) {
		if (buf_addstr(b, ",\"saved\":") == -1 ||
		    json_cstr(b, r->saved) == -1 ||
		    buf_addstr(b, ",\"sha256\":") == -1 ||
		    json_cstr(b, r->sha256) == -1)
			goto fail;
	} else if (r->body_enc != BENC_NONE) {
		int rc;

		if (buf_addstr(b, ",\"body\":") == -1)
			goto fail;
		switch (r->body_enc) {
		case BENC_JSON:
			rc = json_minified(b, r->body, r->body_len);
			break;
		case BENC_TEXT:
			rc = json_string(b, r->body ? r->body : "",
			    r->body_len);
			break;
		case BENC_BASE64:
			rc = buf_addc(b, '"');
			if (rc == 0)
				rc = base64_encode(b, r->body, r->body_len);
			if (rc == 0)
				rc = buf_addc(b, '"');
			break;
		default:
			rc = buf_addstr(b, "null");
			break;
		}
		if (rc == -1 || KEY(b, ",\"body_encoding\":") == -1 ||
		    buf_addstr(b, r->body_enc == BENC_MISSING ? "null" :
		    r->body_enc == BENC_JSON || r->body_enc == BENC_NULL ?
		    "\"json\"" : r->body_enc == BENC_TEXT ? "\"text\"" :
		    "\"base64\"") == -1)
			goto fail;
	}
	if (ok) {
		if (KEY(b, ",\"error\":null}\n") == -1)
			goto fail;
		return 0;
	}
	if (buf_printf(b, ",\"error\":{\"kind\":\"%s\",\"message\":",
	    err_kind_name(r->err)) == -1 ||
	    json_cstr(b, r->errmsg && *r->errmsg ? r->errmsg :
	    err_kind_name(r->err)) == -1)
		goto fail;
	if (r->curl_code >= 0 &&
	    buf_printf(b, ",\"curl_code\":%d", r->curl_code) == -1)
		goto fail;
	if (buf_addstr(b, "}}\n") == -1)
		goto fail;
	return 0;
fail:
	b->len = start;
	if (b->data)
		b->data[start] = '\0';
	return -1;
}
