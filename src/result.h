/* result — what a finished transfer means: its error kind (from the
 * CURLcode, the status and what volley itself saw) and the record it
 * makes.  Pure: it looks, it never acts. */
#ifndef VOLLEY_RESULT_H
#define VOLLEY_RESULT_H

#include <stddef.h>

#include "cli.h"
#include "input.h"
#include "record.h"
#include "xfer.h"

/* What volley saw of a failed transfer, beside its CURLcode: libcurl's
 * codes alone do not tell every kind apart, and its messages are worded
 * differently from version to version, so they are never read. */
struct result_seen {
	long		 os_errno;	/* CURLINFO_OS_ERRNO of this transfer */
	bool		 tls;		/* it went over TLS (https, or an https
					 * proxy) */
	bool		 chunked;	/* the response declared chunked */
	bool		 status_line;	/* a status line was received */
	bool		 tunnel_refused; /* a proxy answered CONNECT, not 2xx */
};

/* The error kind of a CURLcode, given what was seen.
 * - 56 (receive error): connect when a proxy refused the tunnel (it
 *   answered CONNECT with a status that is not 2xx:
 *   CURLINFO_HTTP_CONNECTCODE, on every libcurl); read when the socket
 *   failed (an errno) or over TLS (8.x reports a peer gone without
 *   close_notify as 56, no errno);
 *   else protocol when the body was chunked (libcurl refused a chunk
 *   header: 7.88 and 8.x word it differently); else read.
 * - 1 (unsupported protocol): volley lets libcurl fetch only http and
 *   https and checks every scheme itself first, so what is left is
 *   libcurl refusing the reply (HTTP/0.9, a bogus status line):
 *   protocol; but https from a libcurl built without TLS is
 *   unsupported_protocol.
 * - 27 (7.88) and 100 (8.x, CURLE_TOO_LARGE): a header line too large:
 *   protocol. */
enum err_kind	 result_curl_kind(int curl_code, const struct result_seen *);
/* What was seen of res (borrowed for the call). */
void		 result_seen_of(const struct xfer_res *, struct result_seen *);
/* The error kind of a finished transfer, with its message in msg (empty
 * when ERR_NONE).  save_errno: why a --save write failed. */
enum err_kind	 result_kind(const struct xfer_res *, int save_errno,
		    char *msg, size_t len);

/* Is status ok: in --accept, or below 400 without it. */
bool		 result_status_ok(const struct config *, long status);
/* result_kind, with the status judged by --accept: the one decision of
 * what counts as ok. */
enum err_kind	 result_judge(const struct config *, const struct xfer_res *,
		    int save_errno, char *msg, size_t len);

/* The record of a request that got no response (yet): what every record
 * of it shares.  method is the one it is sent with. */
void		 result_request_record(const struct config *,
		    const struct request *, const char *method,
		    struct record *);
/* Fill in what the response said (status, version, type, size, -I). */
void		 result_response(struct record *, const struct xfer_res *);
/* Fill in the body as --body says; a body that is not JSON under --body
 * json makes the record a decode error (message into msg). */
void		 result_body(const struct config *, struct record *,
		    const struct xfer_res *, char *msg, size_t len);

#endif
