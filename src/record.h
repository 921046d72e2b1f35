/* record — the record model and its encoder: error kinds, how a body
 * is shown, and one record as one line of JSON (built with json.h). */
#ifndef VOLLEY_RECORD_H
#define VOLLEY_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

enum err_kind {
	ERR_NONE,
	ERR_INPUT,
	ERR_INVALID_URL,
	ERR_UNSUPPORTED_PROTOCOL,
	ERR_DNS,
	ERR_CONNECT,
	ERR_TLS,
	ERR_TIMEOUT,
	ERR_READ,
	ERR_PROTOCOL,
	ERR_DECODE,
	ERR_TOO_MANY_REDIRECTS,
	ERR_BODY_TOO_LARGE,
	ERR_HTTP,
	ERR_PAGINATION,
	ERR_CANCELLED,
	ERR_DEADLINE,
	ERR__COUNT
};

const char	*record_kind_name(enum err_kind);
/* The kind of a name; ERR_NONE for NULL or a name that is not one. */
enum err_kind	 record_kind_parse(const char *);

/* How a body is shown: decided once per response by record_classify. */
/* BENC_NONE: no body fields (--body none); BENC_MISSING: no response,
 * so "body":null,"body_encoding":null; BENC_NULL: an empty body under
 * --body json, "body":null,"body_encoding":"json". */
enum body_enc {
	BENC_NONE, BENC_JSON, BENC_TEXT, BENC_BASE64, BENC_NULL, BENC_MISSING
};

/* What libcurl measured of the last transfer, in ms; < 0 = null.  dns,
 * connect and tls are the phases' own lengths; ttfb and total count
 * from the transfer's start. */
struct record_timing {
	bool		 set;		/* false: "timing":null */
	double		 dns_ms;
	double		 connect_ms;
	double		 tls_ms;
	double		 ttfb_ms;
	double		 total_ms;
};

/* One record.  Every pointer is borrowed for the duration of
 * record_encode; NULL strings print as null. */
struct record {
	int64_t		 index;
	const char	*id_json;	/* raw JSON text of "id" */
	const char	*url;
	size_t		 url_len;
	const char	*input;		/* --template's line, or NULL */
	size_t		 input_len;
	const char	*final_url;
	const char	*method;
	long		 status;	/* 0 = null */
	const char	*http_version;
	const char	*content_type;
	int64_t		 size;		/* -1 = null */
	double		 time_ms;	/* < 0 = null */
	struct record_timing timing;
	long		 attempts;
	long		 page;
	bool		 more;		/* not the request's last record */
	const char	*headers;	/* raw header block, with -I */
	size_t		 headers_len;
	bool		 with_headers;
	enum body_enc	 body_enc;
	const char	*body;
	size_t		 body_len;
	struct json_span body_clean;	/* BENC_JSON already minified, or {0, 0} */
	const char	*item;		/* JSON text of the item, --flatten */
	long		 item_index;	/* < 0 = null */
	const char	*saved;		/* --save */
	const char	*sha256;
	enum err_kind	 err;
	const char	*errmsg;
	int		 curl_code;	/* < 0 = absent */
};

/* The record for a person, on one line: "GET URL (index 7) failed:
 * http, status 500: HTTP status 500" (any password redacted). */
void	 record_describe(const struct record *, char *buf, size_t len);

/* Append the record as one line of JSON (with the trailing newline). */
int	 record_encode(struct buf *, const struct record *);

/* Decide how to show a body: mode is the cli's enum body_mode.  For
 * BODY_JSON a body that is not JSON gets BENC_TEXT/BASE64 and *not_json
 * is set.  BENC_JSON is exactly strict JSON in UTF-8 (what a page needs
 * to be read); clean (if not NULL) gets json_check's span. */
enum body_enc record_classify(int mode, const char *, size_t,
		    bool *not_json, struct json_span *clean);

#endif
