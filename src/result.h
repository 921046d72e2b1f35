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

/* The error kind of a CURLcode (errbuf: libcurl's message). */
enum err_kind	 result_curl_kind(int curl_code, const char *errbuf);
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
		    const struct xfer_res *, int is_json, char *msg,
		    size_t len);

#endif
