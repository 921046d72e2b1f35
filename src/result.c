/* result — the meaning of a finished transfer.  The kinds are those of
 * the man page's ERRORS; libcurl's CURLcodes map onto them here, in the
 * one place. */
#include "result.h"
#include "hdr.h"
#include "util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

/* CURLE_TOO_LARGE, which 8.6.0 added; 7.88's headers do not name it. */
#define CURLCODE_TOO_LARGE	100

static bool
libcurl_has_tls(void)
{
	return (curl_version_info(CURLVERSION_NOW)->features &
	    CURL_VERSION_SSL) != 0;
}

void
result_seen_of(const struct xfer_res *res, struct result_seen *seen)
{
	struct hdr_iter it;
	struct hdr_field f;

	memset(seen, 0, sizeof(*seen));
	seen->os_errno = res->os_errno;
	seen->tls = res->tls;
	seen->status_line = res->status > 0;
	seen->tunnel_refused = res->connect_code != 0 &&
	    (res->connect_code < 200 || res->connect_code > 299);
	hdr_iter_init(&it, res->headers, res->headers_len);
	while (hdr_next(&it, &f))
		if (hdr_is(&f, "Transfer-Encoding") && f.vlen >= 7 &&
		    util_prefix_ci(f.value + f.vlen - 7, "chunked", 7))
			seen->chunked = true;
}

enum err_kind
result_curl_kind(int code, const struct result_seen *seen)
{
	static const struct result_seen none;

	if (seen == NULL)
		seen = &none;
	if (code == CURLCODE_TOO_LARGE)
		return ERR_PROTOCOL;
	switch ((CURLcode)code) {
	case CURLE_OK:
		return ERR_NONE;
	case CURLE_UNSUPPORTED_PROTOCOL:
		return seen->tls && !libcurl_has_tls() ?
		    ERR_UNSUPPORTED_PROTOCOL : ERR_PROTOCOL;
	case CURLE_URL_MALFORMAT:
		return ERR_INVALID_URL;
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
		return ERR_DNS;
	case CURLE_COULDNT_CONNECT:
	case CURLE_PROXY:
		return ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return ERR_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return ERR_TLS;
	case CURLE_RECV_ERROR:
		if (seen->tunnel_refused)
			return ERR_CONNECT;
		if (seen->os_errno != 0 || seen->tls)
			return ERR_READ;
		return seen->chunked ? ERR_PROTOCOL : ERR_READ;
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return ERR_READ;
	case CURLE_BAD_CONTENT_ENCODING:
		return ERR_DECODE;
	case CURLE_TOO_MANY_REDIRECTS:
		return ERR_TOO_MANY_REDIRECTS;
	case CURLE_FILESIZE_EXCEEDED:
		return ERR_BODY_TOO_LARGE;
	case CURLE_ABORTED_BY_CALLBACK:
		return ERR_CANCELLED;
	default:
		/* Weird replies, HTTP/2 framing, and 7.88's "out of memory"
		 * for a header line over 100 KB. */
		return ERR_PROTOCOL;
	}
}

enum err_kind
result_kind(const struct xfer_res *res, int save_errno, char *msg, size_t len)
{
	struct result_seen seen;
	enum err_kind k;

	msg[0] = '\0';
	if (res->too_large) {
		snprintf(msg, len, "body larger than --max-body");
		return ERR_BODY_TOO_LARGE;
	}
	if (res->headers_too_large) {
		snprintf(msg, len, "response headers too large (more than "
		    "1000 lines or 256 KiB)");
		return ERR_PROTOCOL;
	}
	if (res->bad_status_line) {
		snprintf(msg, len, "malformed status line");
		return ERR_PROTOCOL;
	}
	if (res->conflicting_length) {
		snprintf(msg, len, "conflicting Content-Length headers");
		return ERR_PROTOCOL;
	}
	if (res->sink_failed) {
		snprintf(msg, len, "--save: cannot write the body: %s",
		    strerror(save_errno));
		return ERR_INPUT;
	}
	if (res->curl_code != 0) {
		result_seen_of(res, &seen);
		k = result_curl_kind(res->curl_code, &seen);
		if (k == ERR_PROTOCOL && ((res->curl_code == 27 &&
		    res->status > 0) || res->curl_code == CURLCODE_TOO_LARGE))
			/* a header line over 100 KB: 27 is 7.88's word for it
			 * (out of memory), 100 8.x's, with no message */
			snprintf(msg, len, "a response header is too large "
			    "(libcurl: %s)",
			    curl_easy_strerror((CURLcode)res->curl_code));
		else
			snprintf(msg, len, "%s", res->errbuf && *res->errbuf ?
			    res->errbuf :
			    curl_easy_strerror((CURLcode)res->curl_code));
		return k;
	}
	if (res->status >= 400) {
		snprintf(msg, len, "HTTP status %ld", res->status);
		return ERR_HTTP;
	}
	if (res->status <= 0) {
		/* 7.88 ends "HTTP/200 OK" with CURLE_OK and no status */
		snprintf(msg, len, "the response has no HTTP status line");
		return ERR_PROTOCOL;
	}
	return ERR_NONE;
}

bool
result_status_ok(const struct config *c, long status)
{
	if (c->naccept == 0)
		return status < 400;
	return util_in_ranges(c->accept, c->naccept, status);
}

enum err_kind
result_judge(const struct config *c, const struct xfer_res *res,
    int save_errno, char *msg, size_t len)
{
	enum err_kind k = result_kind(res, save_errno, msg, len);

	if ((k != ERR_NONE && k != ERR_HTTP) || res->status <= 0 ||
	    c->naccept == 0)
		return k;
	/* A redirect that -L follows is not judged: its last hop is. */
	if (c->location && res->redirect_url != NULL && res->status >= 300 &&
	    res->status < 400)
		return ERR_NONE;
	if (result_status_ok(c, res->status)) {
		msg[0] = '\0';
		return ERR_NONE;
	}
	snprintf(msg, len, "HTTP status %ld (not in --accept)", res->status);
	return ERR_HTTP;
}

void
result_request_record(const struct config *c, const struct request *rq,
    const char *method, struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->index = rq->index;
	r->id_json = rq->id_json;
	r->url = rq->url;
	r->url_len = rq->url_len;
	r->input = rq->input;
	r->input_len = rq->input_len;
	r->method = method;
	r->size = -1;
	r->time_ms = -1;
	r->page = 1;
	r->with_headers = c->include_headers;
	r->body_enc = c->body == BODY_NONE ? BENC_NONE : BENC_MISSING;
	r->curl_code = -1;
}

void
result_response(struct record *r, const struct xfer_res *res)
{
	r->final_url = res->effective_url;
	r->timing = res->timing;
	if (res->status > 0) {
		r->status = res->status;
		r->http_version = res->http_version;
		r->content_type = res->content_type;
		r->size = res->size;
		r->headers = res->headers;
		r->headers_len = res->headers_len;
	}
	if (res->curl_code != 0)
		r->curl_code = res->curl_code;
}

void
result_body(const struct config *c, struct record *r,
    const struct xfer_res *res, char *msg, size_t len)
{
	bool not_json;

	if (c->save_dir != NULL)
		return;
	r->body = res->body;
	r->body_len = res->body_len;
	r->body_enc = record_classify(c->body, res->body, res->body_len,
	    &not_json, &r->body_clean);
	if (not_json && r->err == ERR_NONE) {
		r->err = ERR_DECODE;
		snprintf(msg, len, "body is not JSON (--body json)");
		r->errmsg = msg;
	}
}
