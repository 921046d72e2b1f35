/* result — the meaning of a finished transfer.  The kinds are those of
 * the man page's ERRORS; libcurl's CURLcodes map onto them here, in the
 * one place. */
#include "result.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

enum err_kind
result_curl_kind(int code, const char *errbuf)
{
	switch ((CURLcode)code) {
	case CURLE_OK:
		return ERR_NONE;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* Also what 7.88 says of HTTP/0.9 and bogus status lines. */
		return errbuf != NULL && strstr(errbuf, "not supported") !=
		    NULL ? ERR_UNSUPPORTED_PROTOCOL : ERR_PROTOCOL;
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
		/* 7.88 reports garbage chunk sizes as a receive error. */
		return errbuf != NULL && strstr(errbuf, "chunked") != NULL ?
		    ERR_PROTOCOL : ERR_READ;
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
		k = result_curl_kind(res->curl_code, res->errbuf);
		if (k == ERR_PROTOCOL && res->curl_code == 27 && res->status > 0)
			/* 7.88's word for a header line over 100 KB */
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

void
result_request_record(const struct config *c, const struct request *rq,
    const char *method, struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->index = rq->index;
	r->id_json = rq->id_json;
	r->url = rq->url;
	r->url_len = rq->url_len;
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
    const struct xfer_res *res, int is_json, char *msg, size_t len)
{
	bool not_json;

	if (c->save_dir != NULL)
		return;
	r->body = res->body;
	r->body_len = res->body_len;
	r->body_enc = record_classify(c->body, res->body, res->body_len,
	    is_json, &not_json);
	if (not_json && r->err == ERR_NONE) {
		r->err = ERR_DECODE;
		snprintf(msg, len, "body is not JSON (--body json)");
		r->errmsg = msg;
	}
}
