/* Unit tests of result: CURLcode and status to error kind, and the
 * record skeletons a finished transfer fills in. */
#include "result.h"

#include <curl/curl.h>
#include <errno.h>
#include <string.h>

#include "check.h"

UNIT_TEST(result_curl_kinds)
{
	static const struct {
		CURLcode	 code;
		enum err_kind	 kind;
	} t[] = {
		{ CURLE_OK, ERR_NONE },
		{ CURLE_URL_MALFORMAT, ERR_INVALID_URL },
		{ CURLE_COULDNT_RESOLVE_HOST, ERR_DNS },
		{ CURLE_COULDNT_RESOLVE_PROXY, ERR_DNS },
		{ CURLE_COULDNT_CONNECT, ERR_CONNECT },
		{ CURLE_PROXY, ERR_CONNECT },
		{ CURLE_OPERATION_TIMEDOUT, ERR_TIMEOUT },
		{ CURLE_SSL_CONNECT_ERROR, ERR_TLS },
		{ CURLE_PEER_FAILED_VERIFICATION, ERR_TLS },
		{ CURLE_SSL_ENGINE_NOTFOUND, ERR_TLS },
		{ CURLE_SSL_ENGINE_SETFAILED, ERR_TLS },
		{ CURLE_SSL_CERTPROBLEM, ERR_TLS },
		{ CURLE_SSL_CIPHER, ERR_TLS },
		{ CURLE_SSL_CACERT_BADFILE, ERR_TLS },
		{ CURLE_SSL_ENGINE_INITFAILED, ERR_TLS },
		{ CURLE_SSL_SHUTDOWN_FAILED, ERR_TLS },
		{ CURLE_SSL_CRL_BADFILE, ERR_TLS },
		{ CURLE_SSL_ISSUER_ERROR, ERR_TLS },
		{ CURLE_SSL_PINNEDPUBKEYNOTMATCH, ERR_TLS },
		{ CURLE_SSL_INVALIDCERTSTATUS, ERR_TLS },
		{ CURLE_SSL_CLIENTCERT, ERR_TLS },
		{ CURLE_USE_SSL_FAILED, ERR_TLS },
		{ CURLE_RECV_ERROR, ERR_READ },
		{ CURLE_GOT_NOTHING, ERR_READ },
		{ CURLE_SEND_ERROR, ERR_READ },
		{ CURLE_PARTIAL_FILE, ERR_READ },
		{ CURLE_BAD_CONTENT_ENCODING, ERR_DECODE },
		{ CURLE_TOO_MANY_REDIRECTS, ERR_TOO_MANY_REDIRECTS },
		{ CURLE_FILESIZE_EXCEEDED, ERR_BODY_TOO_LARGE },
		{ CURLE_ABORTED_BY_CALLBACK, ERR_CANCELLED },
		/* volley checks schemes itself: what libcurl refuses is the
		 * reply (HTTP/0.9, a bogus status line) */
		{ CURLE_UNSUPPORTED_PROTOCOL, ERR_PROTOCOL },
		/* a header line too large: 7.88 says 27, 8.x 100 */
		{ CURLE_OUT_OF_MEMORY, ERR_PROTOCOL },
		{ (CURLcode)100, ERR_PROTOCOL },
		/* anything else is the server's or the protocol's fault */
		{ CURLE_WEIRD_SERVER_REPLY, ERR_PROTOCOL },
		{ CURLE_HTTP2, ERR_PROTOCOL },
		{ CURLE_HTTP2_STREAM, ERR_PROTOCOL },
		{ CURLE_WRITE_ERROR, ERR_PROTOCOL },
		{ CURLE_FAILED_INIT, ERR_PROTOCOL },
		{ (CURLcode)9999, ERR_PROTOCOL },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		enum err_kind k = result_curl_kind(t[i].code, NULL);

		CHECK(k == t[i].kind);
		if (k != t[i].kind)
			fprintf(stderr, "  CURLcode %d: got %s, want %s\n",
			    t[i].code, record_kind_name(k),
			    record_kind_name(t[i].kind));
	}
}

/* 56 by what was seen: the socket's errno, TLS, a chunked body. */
UNIT_TEST(result_recv_error)
{
	struct result_seen seen;

	memset(&seen, 0, sizeof(seen));
	CHECK(result_curl_kind(CURLE_RECV_ERROR, &seen) == ERR_READ);
	seen.chunked = true;	/* libcurl refused a chunk header */
	CHECK(result_curl_kind(CURLE_RECV_ERROR, &seen) == ERR_PROTOCOL);
	seen.os_errno = ECONNRESET;	/* the socket failed mid-chunk */
	CHECK(result_curl_kind(CURLE_RECV_ERROR, &seen) == ERR_READ);
	seen.os_errno = 0;
	seen.tls = true;	/* a TLS peer gone without close_notify */
	CHECK(result_curl_kind(CURLE_RECV_ERROR, &seen) == ERR_READ);
	seen.tunnel_refused = true;	/* a proxy answered CONNECT 403 */
	CHECK(result_curl_kind(CURLE_RECV_ERROR, &seen) == ERR_CONNECT);
	seen.tunnel_refused = false;
	/* the other codes do not look at what was seen */
	CHECK(result_curl_kind(CURLE_PARTIAL_FILE, &seen) == ERR_READ);
	CHECK(result_curl_kind(CURLE_COULDNT_CONNECT, &seen) == ERR_CONNECT);
	/* libcurl here has TLS: https unsupported is the reply's fault */
	CHECK(result_curl_kind(CURLE_UNSUPPORTED_PROTOCOL, &seen) ==
	    ERR_PROTOCOL);
}

UNIT_TEST(result_seen_of)
{
	static const char chunked[] = "HTTP/1.1 200 OK\r\n"
	    "transfer-encoding:  gzip, Chunked \r\n\r\n";
	static const char sized[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 5\r\nX-Note: chunked\r\n\r\n";
	struct xfer_res res;
	struct result_seen seen;

	memset(&res, 0, sizeof(res));
	res.headers = chunked;
	res.headers_len = sizeof chunked - 1;
	res.status = 200;
	res.os_errno = 104;
	res.tls = true;
	result_seen_of(&res, &seen);
	CHECK(seen.chunked && seen.os_errno == 104 && seen.tls &&
	    seen.status_line);
	res.headers = sized;
	res.headers_len = sizeof sized - 1;
	res.status = 0;
	res.tls = false;
	result_seen_of(&res, &seen);
	CHECK(!seen.chunked && !seen.tls && !seen.status_line);
}

/* The kind of res, with its message into msg. */
static enum err_kind
kind(const struct xfer_res *res, int save_errno, char *msg, size_t len)
{
	memset(msg, 'x', len);
	return result_kind(res, save_errno, msg, len);
}

UNIT_TEST(result_kind_precedence)
{
	struct xfer_res res;
	char msg[512];

	/* everything at once: each flag wins over those after it */
	memset(&res, 0, sizeof(res));
	res.too_large = res.headers_too_large = res.conflicting_length = true;
	res.sink_failed = true;
	res.curl_code = CURLE_COULDNT_CONNECT;
	res.errbuf = "Failed to connect";
	res.status = 503;
	CHECK(kind(&res, ENOSPC, msg, sizeof msg) == ERR_BODY_TOO_LARGE);
	CHECK(strcmp(msg, "body larger than --max-body") == 0);
	res.too_large = false;
	CHECK(kind(&res, ENOSPC, msg, sizeof msg) == ERR_PROTOCOL);
	CHECK(strcmp(msg, "response headers too large (more than 1000 lines "
	    "or 256 KiB)") == 0);
	res.headers_too_large = false;
	CHECK(kind(&res, ENOSPC, msg, sizeof msg) == ERR_PROTOCOL);
	CHECK(strcmp(msg, "conflicting Content-Length headers") == 0);
	res.conflicting_length = false;
	CHECK(kind(&res, ENOSPC, msg, sizeof msg) == ERR_INPUT);
	CHECK(strcmp(msg, "--save: cannot write the body: No space left on "
	    "device") == 0);
	res.sink_failed = false;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_CONNECT);
	CHECK(strcmp(msg, "Failed to connect") == 0);
	res.curl_code = 0;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_HTTP);
	CHECK(strcmp(msg, "HTTP status 503") == 0);
	res.status = 200;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_NONE && msg[0] == '\0');
}

UNIT_TEST(result_kind_messages)
{
	struct xfer_res res;
	char msg[512], small[8];

	/* libcurl's message when it gave one, else its CURLcode's text */
	memset(&res, 0, sizeof(res));
	res.curl_code = CURLE_OPERATION_TIMEDOUT;
	res.errbuf = "";
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_TIMEOUT);
	CHECK(strcmp(msg, curl_easy_strerror(CURLE_OPERATION_TIMEDOUT)) == 0);
	res.errbuf = NULL;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_TIMEOUT);
	CHECK(strcmp(msg, curl_easy_strerror(CURLE_OPERATION_TIMEDOUT)) == 0);
	res.errbuf = "Operation timed out after 1000 milliseconds";
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_TIMEOUT);
	CHECK(strcmp(msg, res.errbuf) == 0);
	/* 7.88's out of memory on a header line over 100 KB, once a
	 * response began */
	res.curl_code = CURLE_OUT_OF_MEMORY;
	res.errbuf = "";
	res.status = 200;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_PROTOCOL);
	CHECK(strncmp(msg, "a response header is too large (libcurl: ", 41) ==
	    0);
	res.status = 0;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_PROTOCOL);
	CHECK(strcmp(msg, curl_easy_strerror(CURLE_OUT_OF_MEMORY)) == 0);
	/* a transport error wins over the status of what came before it */
	res.curl_code = CURLE_PARTIAL_FILE;
	res.status = 404;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_READ);
	/* statuses */
	res.curl_code = 0;
	res.status = 400;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_HTTP);
	CHECK(strcmp(msg, "HTTP status 400") == 0);
	res.status = 599;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_HTTP);
	CHECK(strcmp(msg, "HTTP status 599") == 0);
	res.status = 399;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_NONE && msg[0] == '\0');
	res.status = 304;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_NONE && msg[0] == '\0');
	/* found by fuzz/fuzz_response: "HTTP/200 OK" is CURLE_OK with no
	 * status in 7.88, and was an ok record with status null */
	res.status = 0;
	CHECK(kind(&res, 0, msg, sizeof msg) == ERR_PROTOCOL);
	CHECK(strcmp(msg, "the response has no HTTP status line") == 0);
	/* the message is cut to the buffer, always terminated */
	res.status = 404;
	CHECK(kind(&res, 0, small, sizeof small) == ERR_HTTP);
	CHECK(strcmp(small, "HTTP st") == 0);
}

/* Whenever the kind is not none, the message says something; none
 * only when nothing went wrong. */
static void
check_silent(int flags, int code, long status, const char *errbuf)
{
	struct xfer_res res;
	char msg[512];
	enum err_kind k;

	memset(&res, 0, sizeof(res));
	res.too_large = flags & 1;
	res.headers_too_large = flags & 2;
	res.conflicting_length = flags & 4;
	res.sink_failed = flags & 8;
	res.curl_code = code;
	res.status = status;
	res.errbuf = errbuf;
	k = kind(&res, EIO, msg, sizeof msg);
	if (k != ERR_NONE)
		CHECK(msg[0] != '\0' && strlen(msg) < sizeof msg);
	else
		CHECK(msg[0] == '\0' && flags == 0 && code == 0 &&
		    status < 400);
}

UNIT_TEST(result_kind_never_silent)
{
	static const int codes[] = {
		0, CURLE_UNSUPPORTED_PROTOCOL, CURLE_COULDNT_RESOLVE_HOST,
		CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT,
		CURLE_SSL_CONNECT_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
		CURLE_PARTIAL_FILE, CURLE_BAD_CONTENT_ENCODING,
		CURLE_TOO_MANY_REDIRECTS, CURLE_FILESIZE_EXCEEDED,
		CURLE_OUT_OF_MEMORY, CURLE_WEIRD_SERVER_REPLY, 9999,
	};
	static const long statuses[] = { 0, 200, 302, 404, 500 };
	static const char *errbufs[] = { NULL, "", "libcurl said so" };
	size_t c, s, e;
	int flags;

	for (flags = 0; flags < 16; flags++)
		for (c = 0; c < sizeof codes / sizeof codes[0]; c++)
			for (s = 0; s < 5; s++)
				for (e = 0; e < 3; e++)
					check_silent(flags, codes[c],
					    statuses[s], errbufs[e]);
}

UNIT_TEST(result_request_records)
{
	struct config c;
	struct request rq;
	struct record r;
	char id[] = "{\"a\":1}", u[] = "http://h/x";

	memset(&c, 0, sizeof(c));
	memset(&rq, 0, sizeof(rq));
	c.include_headers = true;
	c.body = BODY_AUTO;
	rq.index = 42;
	rq.id_json = id;
	rq.url = u;
	rq.url_len = 10;
	memset(&r, 0xff, sizeof(r));	/* every field must be set */
	result_request_record(&c, &rq, "PUT", &r);
	CHECK(r.index == 42);
	CHECK(r.id_json == rq.id_json);
	CHECK(r.url == rq.url && r.url_len == 10);
	CHECK(r.method != NULL && strcmp(r.method, "PUT") == 0);
	CHECK(r.final_url == NULL);
	CHECK(r.status == 0);
	CHECK(r.http_version == NULL && r.content_type == NULL);
	CHECK(r.size == -1);
	CHECK(r.time_ms < 0);
	CHECK(r.attempts == 0);
	CHECK(r.page == 1);
	CHECK(r.headers == NULL && r.headers_len == 0);
	CHECK(r.with_headers);
	CHECK(r.body_enc == BENC_MISSING);
	CHECK(r.body == NULL && r.body_len == 0);
	CHECK(r.item == NULL && r.saved == NULL && r.sha256 == NULL);
	CHECK(r.err == ERR_NONE && r.errmsg == NULL);
	CHECK(r.curl_code == -1);
	/* --body none: no body fields at all; no -I */
	c.body = BODY_NONE;
	c.include_headers = false;
	result_request_record(&c, &rq, "GET", &r);
	CHECK(r.body_enc == BENC_NONE && !r.with_headers);
	CHECK(strcmp(r.method, "GET") == 0);
}

UNIT_TEST(result_responses)
{
	struct config c;
	struct request rq;
	struct record r;
	struct xfer_res res;
	char u[] = "http://h/";

	memset(&c, 0, sizeof(c));
	memset(&rq, 0, sizeof(rq));
	rq.url = u;
	rq.url_len = 9;
	/* no response: only the final URL and the CURLcode */
	memset(&res, 0, sizeof(res));
	res.curl_code = CURLE_COULDNT_CONNECT;
	res.effective_url = "http://h/";
	res.http_version = "1.1";
	res.content_type = "text/plain";
	res.size = 5;
	res.headers = "X: y\r\n";
	res.headers_len = 6;
	result_request_record(&c, &rq, "GET", &r);
	result_response(&r, &res);
	CHECK(r.final_url == res.effective_url);
	CHECK(r.status == 0 && r.http_version == NULL &&
	    r.content_type == NULL && r.size == -1 && r.headers == NULL &&
	    r.headers_len == 0);
	CHECK(r.curl_code == CURLE_COULDNT_CONNECT);
	/* a response: its status fields; no CURLcode stays absent */
	res.curl_code = 0;
	res.status = 201;
	result_request_record(&c, &rq, "GET", &r);
	result_response(&r, &res);
	CHECK(r.status == 201);
	CHECK(r.http_version == res.http_version);
	CHECK(r.content_type == res.content_type);
	CHECK(r.size == 5);
	CHECK(r.headers == res.headers && r.headers_len == 6);
	CHECK(r.curl_code == -1);
	/* a response cut short: both */
	res.curl_code = CURLE_PARTIAL_FILE;
	result_request_record(&c, &rq, "GET", &r);
	result_response(&r, &res);
	CHECK(r.status == 201 && r.curl_code == CURLE_PARTIAL_FILE);
}

UNIT_TEST(result_bodies)
{
	struct config c;
	struct request rq;
	struct record r;
	struct xfer_res res;
	char msg[64];

	memset(&c, 0, sizeof(c));
	memset(&rq, 0, sizeof(rq));
	memset(&res, 0, sizeof(res));
	res.status = 200;
	res.body = "hello";
	res.body_len = 5;
	/* --body json and a body that is not: a decode error */
	c.body = BODY_JSON;
	result_request_record(&c, &rq, "GET", &r);
	result_body(&c, &r, &res, msg, sizeof msg);
	CHECK(r.body == res.body && r.body_len == 5);
	CHECK(r.body_enc == BENC_TEXT);
	CHECK(r.err == ERR_DECODE && r.errmsg == msg);
	CHECK(strcmp(msg, "body is not JSON (--body json)") == 0);
	/* ... unless the record is already an error */
	result_request_record(&c, &rq, "GET", &r);
	r.err = ERR_HTTP;
	r.errmsg = "HTTP status 404";
	result_body(&c, &r, &res, msg, sizeof msg);
	CHECK(r.err == ERR_HTTP && strcmp(r.errmsg, "HTTP status 404") == 0);
	/* --body auto */
	c.body = BODY_AUTO;
	result_request_record(&c, &rq, "GET", &r);
	result_body(&c, &r, &res, msg, sizeof msg);
	CHECK(r.body_enc == BENC_TEXT && r.err == ERR_NONE);
	/* --save: the body is in a file, not in the record */
	c.save_dir = "/tmp";
	result_request_record(&c, &rq, "GET", &r);
	result_body(&c, &r, &res, msg, sizeof msg);
	CHECK(r.body == NULL && r.body_enc == BENC_MISSING);
}
