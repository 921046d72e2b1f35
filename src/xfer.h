/* xfer — the per-transfer tier: one easy handle, set up once for the
 * run and reused, its write and header callbacks, and the header lists.
 * The engine (the loop tier) owns a pool of these and drives them; the
 * scheduler sees only struct xfer_req going in and struct xfer_res
 * coming out. */
#ifndef VOLLEY_XFER_H
#define VOLLEY_XFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "record.h"

struct xfer;
struct xfer_conf;

/* What to fetch.  Everything is borrowed until the done callback. */
struct xfer_req {
	const char	 *url;
	const char	 *method;	/* "GET", "POST", "HEAD", ... */
	char *const	 *headers;	/* per-request "K: V", override -H */
	size_t		  nheaders;
	bool		  trusted;	/* the origin rule lets -H go here */
	const char	 *body;
	size_t		  body_len;
	bool		  has_body;
	bool		  body_json;	/* default Content-Type: JSON */
	int64_t		  timeout_ms;	/* 0 = none; the engine's timer */
	/* The connections to the request's origin that libcurl holds idle,
	 * as far as volley can tell (a count it keeps for the origin), or
	 * NULL: not counted.  A transfer takes one, if there is one, and
	 * gives one back when it succeeds, unless its response closes the
	 * connection ("Connection: close", HTTP/1.0): xfer_connect_limit. */
	long		 *idle_conns;
	bool		  keep_body;	/* store the body for the callback */
	/* Optional sink for body bytes (--save); returns 0 or -1. */
	int		(*sink)(void *sink_arg, const char *, size_t);
	void		 *sink_arg;
};

/* The outcome of one transfer; valid only during the done callback. */
struct xfer_res {
	int		 curl_code;	/* CURLcode */
	long		 os_errno;	/* CURLINFO_OS_ERRNO of this transfer */
	long		 connect_code;	/* the proxy's answer to CONNECT, read
					 * for a receive error (56); else 0 */
	bool		 tls;		/* over TLS: https, or an https proxy */
	const char	*errbuf;	/* libcurl's message, may be "" */
	bool		 too_large;	/* body passed --max-body */
	bool		 headers_too_large;
	bool		 conflicting_length;
	bool		 bad_status_line; /* not "HTTP/D[.D] DDD" */
	bool		 sink_failed;
	long		 status;	/* 0 = no response */
	const char	*http_version;	/* "1.1", "2", ... or NULL */
	const char	*content_type;
	const char	*effective_url;
	const char	*redirect_url;	/* Location, resolved, or NULL */
	const char	*headers;	/* last response's header block */
	size_t		 headers_len;
	/* A line of it starts with R or X (RateLimit*, X-RateLimit*,
	 * Retry-After): without one there is no rate limit to read. */
	bool		 headers_rx;
	const char	*body;
	size_t		 body_len;
	int64_t		 size;		/* body bytes received */
	double		 total_ms;
	struct record_timing timing;	/* libcurl's *_TIME_T infos */
};

/* The run-wide part: header lists and options every handle shares.
 * share is the engine's CURLSH *.  All borrowed until xfer_conf_free. */
struct xfer_conf *xfer_conf_new(const struct config *, void *share,
		    bool env_proxy, bool forbid_reuse, char *err,
		    size_t errlen);
void		 xfer_conf_free(struct xfer_conf *);

/* A new handle with the run-wide options set once; NULL on failure. */
struct xfer	*xfer_new(const struct xfer_conf *);
void		 xfer_free(struct xfer *);
/* Its CURL * (the handle's CURLOPT_PRIVATE is the xfer). */
void		*xfer_easy(const struct xfer *);
void		*xfer_owner(const struct xfer *);
/* A pointer the engine keeps with the handle (its timer). */
void		*xfer_tag(const struct xfer *);
void		 xfer_set_tag(struct xfer *, void *);

/* Set the handle up for req on behalf of owner.  0, or -1 with err. */
int		 xfer_prepare(struct xfer *, const struct xfer_req *,
		    void *owner, char *err, size_t errlen);
/* The outcome, once libcurl says the transfer is done. */
void		 xfer_result(struct xfer *, int curl_code, struct xfer_res *);
/* The attempt ran out of its ms: libcurl's words for it (a connection
 * timeout before the request went out), in the error buffer
 * xfer_result reads.  After the handle has left the multi. */
void		 xfer_timed_out(struct xfer *, int64_t ms);
/* The connect limit (ms) the engine keeps for the transfer, or 0: libcurl
 * was given it, or -t covers it.  A transfer expected to reuse an idle
 * connection (idle_conns) is not given CURLOPT_CONNECTTIMEOUT_MS: with
 * it libcurl keeps every transfer in its tree of timeouts until the
 * transfer ends (1k instructions a request on 7.88, 1.7k on 8.14). */
int64_t		 xfer_connect_limit(const struct xfer *);
/* Whether the transfer has not sent its request yet (libcurl's
 * pre-request callback has not run since the last socket it opened for
 * it): still resolving, connecting, in TLS or a proxy's tunnel, or
 * waiting for a connection. */
bool		 xfer_connecting(const struct xfer *);
/* fn(x) when a transfer with a connect limit the engine keeps opens a
 * new connection after its request went out: the limit starts again. */
void		 xfer_conf_on_reconnect(struct xfer_conf *,
		    void (*fn)(struct xfer *));
/* Back to idle: drop per-request state, keep small buffers. */
void		 xfer_idle(struct xfer *);

#endif
