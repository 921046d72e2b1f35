/* engine — the loop tier: one event_base, one curl multi handle driven
 * through the multi-socket API, a pool of reusable transfers (xfer.h),
 * timers, tasks and fd watches.  It runs the transfers it is given and
 * reports each one, once, through the done callback.  It decides no
 * policy (limits, retries, redirects, records): the scheduler does. */
#ifndef VOLLEY_ENGINE_H
#define VOLLEY_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "xfer.h"

struct engine;
struct engine_timer;
struct engine_task;

/* Called once per finished transfer, from the loop (never from inside
 * a libcurl callback); res is valid only during the call. */
typedef void	(*engine_done_fn)(void *owner, const struct xfer_res *);

/* timers: how many timers the caller may have armed at once. */
struct engine	*engine_new(const struct config *, size_t timers,
		    engine_done_fn, char *err, size_t errlen);
void		 engine_free(struct engine *);
/* Run the loop until engine_stop or nothing is left to wait for. */
int		 engine_loop(struct engine *);
void		 engine_stop(struct engine *);

/* One-shot timers (backoff, rate, deadline, progress). */
struct engine_timer *engine_timer_new(struct engine *, void (*)(void *),
		    void *arg);
void		 engine_timer_arm(struct engine_timer *, int64_t ms);
bool		 engine_timer_armed(const struct engine_timer *);
void		 engine_timer_free(struct engine_timer *);

/* Work to run once, soon, from the loop: a task scheduled several times
 * before it runs runs once.  An idle task runs only when nothing else
 * is ready. */
struct engine_task *engine_task_new(struct engine *, void (*)(void *),
		    void *arg, bool idle);
void		 engine_task_soon(struct engine_task *);
void		 engine_task_free(struct engine_task *);

/* Call cb once when fd is readable (-1 = stop watching). */
int		 engine_watch(struct engine *, int fd, void (*cb)(void *),
		    void *arg);
/* Call cb once when fd is writable (-1 = stop watching).  -1 when the
 * fd cannot be watched (a regular file). */
int		 engine_watch_write(struct engine *, int fd,
		    void (*cb)(void *), void *arg);
/* The same, in a slot of its own, for standard error (errout.h). */
int		 engine_watch_write_err(struct engine *, int fd,
		    void (*cb)(void *), void *arg);
/* Call cb whenever fd is readable, before anything else (signals). */
int		 engine_watch_urgent(struct engine *, int fd,
		    void (*cb)(void *), void *arg);

/* Start a transfer for owner: 0, or -1 with err filled.  *xp is the
 * handle for engine_cancel, valid until the done callback. */
int		 engine_start(struct engine *, const struct xfer_req *,
		    void *owner, struct xfer **xp, char *err, size_t errlen);
/* Stop a running transfer without a callback. */
void		 engine_cancel(struct engine *, struct xfer *);

/* A workaround the engine had to make, for a warning, or NULL. */
const char	*engine_notice(const struct engine *);

#endif
