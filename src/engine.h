/* engine — libevent and libcurl's multi-socket API, nothing else.  It runs
 * transfers it is given on pooled easy handles and reports each one, once,
 * through the done callback.  It never decides policy (limits, retries,
 * redirects, records): that is the scheduler's job. */
#ifndef VOLLEY_ENGINE_H
#define VOLLEY_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "cli.h"

struct engine;
struct xfer;
struct engine_timer;

/* What to fetch.  Everything is borrowed until the done callback. */
struct xfer_req {
	const char	 *url;
	const char	 *method;	/* NULL = GET, or POST with a body */
	char *const	 *headers;	/* per-request "K: V", override -H */
	size_t		  nheaders;
	bool		  run_headers;	/* send the run's -H headers too */
	const char	 *body;
	size_t		  body_len;
	bool		  has_body;
	bool		  body_json;	/* default Content-Type: JSON */
	int64_t		  timeout_ms;	/* 0 = none */
	bool		  keep_body;	/* store the body for the callback */
	/* Optional sink for body bytes (--save); returns 0 or -1. */
	int		(*sink)(void *owner, const char *, size_t);
};

/* The outcome of one transfer; valid only during the done callback. */
struct xfer_res {
	int		 curl_code;	/* CURLcode */
	const char	*errbuf;	/* libcurl's message, may be "" */
	bool		 too_large;	/* body passed --max-body */
	bool		 headers_too_large;
	bool		 conflicting_length;
	bool		 sink_failed;
	long		 status;	/* 0 = no response */
	const char	*http_version;	/* "1.1", "2", ... or NULL */
	const char	*content_type;
	const char	*effective_url;
	const char	*redirect_url;	/* Location, resolved, or NULL */
	const char	*headers;	/* last response's header block */
	size_t		 headers_len;
	const char	*body;
	size_t		 body_len;
	int64_t		 size;		/* body bytes received */
	double		 total_ms;
};

typedef void	(*engine_done_fn)(void *owner, struct xfer *,
		    const struct xfer_res *);

/* The engine owns the event loop.  done is called once per transfer.
 * timers: how many timers the caller may have armed at once. */
struct engine	*engine_new(const struct config *, size_t timers,
		    engine_done_fn, char *err, size_t errlen);
void		 engine_free(struct engine *);
/* Run the loop until engine_stop or nothing is left to wait for. */
int		 engine_loop(struct engine *);
void		 engine_stop(struct engine *);

/* One-shot timers for the scheduler (backoff, rate, deadline). */
struct engine_timer *engine_timer_new(struct engine *, void (*)(void *),
		    void *arg);
void		 engine_timer_arm(struct engine_timer *, int64_t ms);
bool		 engine_timer_armed(const struct engine_timer *);
void		 engine_timer_free(struct engine_timer *);

/* Call cb once when fd is readable (-1 = stop watching). */
int		 engine_watch(struct engine *, int fd, void (*cb)(void *),
		    void *arg);
/* Call cb once the loop has nothing else ready to run. */
void		 engine_when_idle(struct engine *, void (*cb)(void *),
		    void *arg);
/* Call cb(arg, signo) on SIGINT and SIGTERM; a second one exits at
 * once.  The flag holds the signal caught, for a write that it
 * interrupts (see output_set_interrupt). */
int		 engine_on_signals(struct engine *,
		    void (*cb)(void *, int), void *arg);
volatile sig_atomic_t *engine_signal_flag(void);

/* Start a transfer for owner: the xfer (valid until its done callback
 * returns or engine_cancel), or NULL with err filled. */
struct xfer	*engine_start(struct engine *, const struct xfer_req *,
		    void *owner, char *err, size_t errlen);
/* Stop a running transfer without a callback. */
void		 engine_cancel(struct engine *, struct xfer *);

/* A workaround the engine had to make, for a warning, or NULL. */
const char	*engine_notice(const struct engine *);

/* Error kind (enum err_kind) for a CURLcode and its message. */
int		 engine_error_kind(int curl_code, const char *errbuf);
const char	*engine_strerror(int curl_code);

#endif
