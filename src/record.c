/* record — error kinds and the record encoder.  Records are written
 * field by field into a buffer (no tree is built), every string through
 * json.h's escaper and every URL through redact.h. */
#include "record.h"
#include "base64.h"
#include "cli.h"
#include "hdr.h"
#include "json.h"
#include "redact.h"
#include "utf8.h"

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
record_kind_name(enum err_kind k)
{
	return k < ERR__COUNT ? kind_names[k] : "unknown";
}

enum err_kind
record_kind_parse(const char *name)
{
	size_t k;

	for (k = 1; name != NULL && k < ERR__COUNT; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return (enum err_kind)k;
	return ERR_NONE;
}

enum body_enc
record_classify(int mode, const char *s, size_t n, bool *not_json,
    struct json_span *clean)
{
	struct json_span sp;
	bool text;

	*not_json = false;
	if (clean != NULL)
		clean->off = clean->len = 0;
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
	/* Mostly JSON in ASCII: the scanner's pass then says both. */
	if (json_check(s, n, &sp)) {
		if (sp.ascii || utf8_valid(s, n)) {
			if (clean != NULL)
				*clean = sp;
			return BENC_JSON;
		}
		text = false;
	} else
		text = utf8_valid(s, n);
	if (mode == BODY_JSON)
		*not_json = true;
	return text ? BENC_TEXT : BENC_BASE64;
}

/* -I: the last response's header block as an object with lower-case
 * names; a name seen more than once gets an array of its values. */
static int
headers_object(struct buf *b, const char *h, size_t n)
{
	struct hdr_field *v = NULL, f;
	struct hdr_iter it;
	struct buf lname = {0};
	size_t nv = 0, cap = 0, i, j, k;
	int rc = -1;

	hdr_iter_init(&it, h, n);
	while (hdr_next(&it, &f)) {
		if (nv == cap) {
			struct hdr_field *nvp;

			cap = cap ? cap * 2 : 16;
			nvp = realloc(v, cap * sizeof(*v));
			if (nvp == NULL)
				goto out;
			v = nvp;
		}
		v[nv++] = f;
	}
	if (buf_addc(b, '{') == -1)
		goto out;
	for (i = 0; i < nv; i++) {
		size_t count = 0;
		bool seen = false;

		for (j = 0; j < i && !seen; j++)
			seen = v[j].nlen == v[i].nlen &&
			    strncasecmp(v[j].name, v[i].name, v[i].nlen) == 0;
		if (seen)
			continue;
		for (j = i; j < nv; j++)
			if (v[j].nlen == v[i].nlen &&
			    strncasecmp(v[j].name, v[i].name, v[i].nlen) == 0)
				count++;
		/* the whole name, however long: a name cut short could be
		 * another's, and a key twice hides a value */
		buf_reset(&lname);
		if (buf_reserve(&lname, v[i].nlen + 1) == -1)
			goto out;
		for (k = 0; k < v[i].nlen; k++)
			lname.data[k] = (char)tolower((unsigned char)v[i].name[k]);
		lname.len = v[i].nlen;
		if ((b->data[b->len - 1] != '{' && buf_addc(b, ',') == -1) ||
		    json_string(b, lname.data, lname.len) == -1 ||
		    buf_addc(b, ':') == -1)
			goto out;
		if (count == 1) {
			if (json_string(b, v[i].value, v[i].vlen) == -1)
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
			    json_string(b, v[j].value, v[j].vlen) == -1)
				goto out;
		}
		if (buf_addc(b, ']') == -1)
			goto out;
	}
	rc = buf_addc(b, '}');
out:
	free(v);
	buf_free(&lname);
	return rc;
}

/* Decimal digits of v, without printf, two at a time, written at p (room
 * for I64_MAX bytes); returns the end.  This runs a dozen times for every
 * record. */
#define I64_MAX	20
#define MS_MAX	(I64_MAX + 4)

static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930"
    "31323334353637383940414243444546474849505152535455565758596061"
    "6263646566676869707172737475767778798081828384858687888990919293"
    "949596979899";

static char *
i64_at(char *p, int64_t v)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, x;
	size_t n = 1;
	char *t;

	if (v < 0)
		*p++ = '-';
	/* The length first, then the digits from the end, in place: no
	 * copy of a variable length (a call to memcpy) per number. */
	for (x = u; x >= 100; x /= 100)
		n += 2;
	if (x >= 10)
		n++;
	t = p + n;
	while (u >= 100) {
		t -= 2;
		memcpy(t, pairs + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		t -= 2;
		memcpy(t, pairs + 2 * u, 2);
	} else
		*--t = (char)('0' + u);
	return p + n;
}

/* ms with three decimals, as "%.3f" would print it (MS_MAX bytes). */
static char *
ms_at(char *p, double ms)
{
	int64_t us = (int64_t)(ms * 1000.0 + 0.5), whole = us / 1000;
	size_t frac = (size_t)(us - whole * 1000), tens = frac / 10;

	/* six timings a record: two divisions, not four */
	p = i64_at(p, whole);
	p[0] = '.';
	memcpy(p + 1, pairs + 2 * tens, 2);
	p[3] = (char)('0' + (frac - tens * 10));
	return p + 4;
}

/* The record's fixed-size parts (keys, numbers, literals) are written
 * through a cursor into room reserved once per run of them (at), without
 * a capacity check per field; done() gives the buffer its new length. */
static char *
at(struct buf *b, size_t room)
{
	return buf_reserve(b, room) == -1 ? NULL : b->data + b->len;
}

static void
done(struct buf *b, char *p)
{
	b->len = (size_t)(p - b->data);
	*p = '\0';
}

/* A literal at the cursor: LIT(p, ",\"name\":"). */
#define LIT(p, lit)	(memcpy((p), lit, sizeof(lit) - 1), (p) += sizeof(lit) - 1)

static int
put_i64(struct buf *b, int64_t v)
{
	char *p;

	if ((p = at(b, I64_MAX)) == NULL)
		return -1;
	done(b, i64_at(p, v));
	return 0;
}

/* A JSON key with its separators: ",\"name\":" */
#define KEY(b, lit)	buf_add((b), lit, sizeof(lit) - 1)

static char *
ms_or_null_at(char *p, double ms)
{
	if (ms >= 0)
		return ms_at(p, ms);
	LIT(p, "null");
	return p;
}

/* "timing": the phases of the last transfer, or null (TIMING_MAX bytes). */
#define TIMING_MAX	(64 + 5 * MS_MAX)

static char *
timing_at(char *p, const struct record_timing *t)
{
	if (!t->set) {
		LIT(p, "null");
		return p;
	}
	LIT(p, "{\"dns_ms\":");
	p = ms_or_null_at(p, t->dns_ms);
	LIT(p, ",\"connect_ms\":");
	p = ms_or_null_at(p, t->connect_ms);
	LIT(p, ",\"tls_ms\":");
	p = ms_or_null_at(p, t->tls_ms);
	LIT(p, ",\"ttfb_ms\":");
	p = ms_or_null_at(p, t->ttfb_ms);
	LIT(p, ",\"total_ms\":");
	p = ms_or_null_at(p, t->total_ms);
	*p++ = '}';
	return p;
}

/* A method, an HTTP version or a media type: the most common ones (GET,
 * 1.1, application/json) are written from their JSON, the rest escaped
 * as they are scanned. */
static int
put_common(struct buf *b, const char *s)
{
	if (s != NULL) {
		switch (s[0]) {
		case 'G':
			if (s[1] == 'E' && s[2] == 'T' && s[3] == '\0')
				return KEY(b, "\"GET\"");
			break;
		case '1':
			if (s[1] == '.' && s[2] == '1' && s[3] == '\0')
				return KEY(b, "\"1.1\"");
			break;
		case 'a':
			if (strcmp(s, "application/json") == 0)
				return KEY(b, "\"application/json\"");
			break;
		}
	}
	return json_cstr(b, s);
}

/* ,"status":..,"ok":..,"http_version": */
static int
put_status(struct buf *b, long status, bool ok)
{
	char *p;

	if ((p = at(b, 64 + I64_MAX)) == NULL)
		return -1;
	LIT(p, ",\"status\":");
	if (status > 0)
		p = i64_at(p, status);
	else
		LIT(p, "null");
	if (ok)
		LIT(p, ",\"ok\":true,\"http_version\":");
	else
		LIT(p, ",\"ok\":false,\"http_version\":");
	done(b, p);
	return 0;
}

/* ,"size":.. to ,"last":.. */
static int
put_counts(struct buf *b, const struct record *r)
{
	char *p;

	if ((p = at(b, 128 + 3 * I64_MAX + MS_MAX + TIMING_MAX)) == NULL)
		return -1;
	LIT(p, ",\"size\":");
	if (r->size >= 0)
		p = i64_at(p, r->size);
	else
		LIT(p, "null");
	LIT(p, ",\"time_ms\":");
	if (r->time_ms >= 0)
		p = ms_at(p, r->time_ms);
	else
		LIT(p, "null");
	LIT(p, ",\"timing\":");
	p = timing_at(p, &r->timing);
	LIT(p, ",\"attempts\":");
	p = i64_at(p, r->attempts);
	LIT(p, ",\"page\":");
	p = i64_at(p, r->page);
	if (r->more)
		LIT(p, ",\"last\":false");
	else
		LIT(p, ",\"last\":true");
	done(b, p);
	return 0;
}

void
record_describe(const struct record *r, char *buf, size_t len)
{
	char url[256], status[32] = "";
	const char *kind = record_kind_name(r->err);

	redact_url_text(r->url ? r->url : "", r->url ? r->url_len : 0, url,
	    sizeof url);
	if (r->status > 0)
		snprintf(status, sizeof status, ", status %ld", r->status);
	snprintf(buf, len, "%s %s (index %lld) %s: %s%s: %s",
	    r->method ? r->method : "-", url, (long long)r->index,
	    r->err == ERR_NONE ? "ok" : "failed", kind, status,
	    r->errmsg && *r->errmsg ? r->errmsg : kind);
}

/* "final_url": mostly the URL itself, whose JSON (redacted) is already
 * at b->data[off, off + len): copied rather than escaped again. */
static int
put_final_url(struct buf *b, const struct record *r, size_t off, size_t len)
{
	size_t n = r->final_url != NULL ? strlen(r->final_url) : 0;

	if (r->final_url != NULL && r->url != NULL && n == r->url_len &&
	    memcmp(r->final_url, r->url, n) == 0) {
		if (buf_reserve(b, len) == -1)
			return -1;
		return buf_add(b, b->data + off, len);
	}
	return redact_url_json(b, r->final_url, n);
}

int
record_encode(struct buf *b, const struct record *r)
{
	bool ok = r->err == ERR_NONE;
	size_t start = b->len, url_off, url_len;
	char *p;

	if ((p = at(b, 16 + I64_MAX)) == NULL)
		goto fail;
	LIT(p, "{\"index\":");
	p = i64_at(p, r->index);
	LIT(p, ",\"id\":");
	done(b, p);
	if ((r->id_json ? buf_addstr(b, r->id_json) : KEY(b, "null")) == -1 ||
	    KEY(b, ",\"url\":") == -1)
		goto fail;
	url_off = b->len;
	if (redact_url_json(b, r->url, r->url ? r->url_len : 0) == -1)
		goto fail;
	url_len = b->len - url_off;
	if ((r->input != NULL && (KEY(b, ",\"input\":") == -1 ||
	    redact_url_json(b, r->input, r->input_len) == -1)) ||
	    KEY(b, ",\"final_url\":") == -1 ||
	    put_final_url(b, r, url_off, url_len) == -1 ||
	    KEY(b, ",\"method\":") == -1 ||
	    put_common(b, r->method) == -1)
		goto fail;
	if (put_status(b, r->status, ok) == -1 ||
	    put_common(b, r->http_version) == -1 ||
	    KEY(b, ",\"content_type\":") == -1 ||
	    put_common(b, r->content_type) == -1 || put_counts(b, r) == -1)
		goto fail;
	if (r->with_headers) {
		if (buf_addstr(b, ",\"headers\":") == -1 ||
		    (r->headers ? headers_object(b, r->headers,
		    r->headers_len) : buf_addstr(b, "null")) == -1)
			goto fail;
	}
	if (r->item != NULL) {
		if (KEY(b, ",\"item_index\":") == -1 ||
		    (r->item_index >= 0 ? put_i64(b, r->item_index) :
		    KEY(b, "null")) == -1 ||
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

		if (KEY(b, ",\"body\":") == -1)
			goto fail;
		switch (r->body_enc) {
		case BENC_JSON:
			rc = r->body_clean.len > 0 ? buf_add(b, r->body +
			    r->body_clean.off, r->body_clean.len) :
			    json_minified(b, r->body, r->body_len);
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
		if (rc == -1 || (r->body_enc == BENC_MISSING ?
		    KEY(b, ",\"body_encoding\":null") :
		    r->body_enc == BENC_JSON || r->body_enc == BENC_NULL ?
		    KEY(b, ",\"body_encoding\":\"json\"") :
		    r->body_enc == BENC_TEXT ?
		    KEY(b, ",\"body_encoding\":\"text\"") :
		    KEY(b, ",\"body_encoding\":\"base64\"")) == -1)
			goto fail;
	}
	if (ok) {
		if (KEY(b, ",\"error\":null}\n") == -1)
			goto fail;
		return 0;
	}
	if (buf_printf(b, ",\"error\":{\"kind\":\"%s\",\"message\":",
	    record_kind_name(r->err)) == -1 ||
	    json_cstr(b, r->errmsg && *r->errmsg ? r->errmsg :
	    record_kind_name(r->err)) == -1)
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
