/* limits — the run's admission limits, with the clock passed in: the
 * per-host count (--per-host, by origin), the adaptive per-host window
 * (AIMD on 429/503 and rate-limit answers; --no-adapt turns it off) and
 * the rate bucket (--rate, a token bucket that holds one token: smooth,
 * never bursty). */
#ifndef VOLLEY_LIMITS_H
#define VOLLEY_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct limits;
struct limits_host;

/* per_host: 0 = no limit; rate: starts per second, 0 = no limit. */
struct limits	*limits_new(long per_host, double rate);
void		 limits_free(struct limits *);

/* Adapt each host's window between 1 and max (the --per-host limit,
 * else -c): it starts at max; an answer that throttles (429, 503, or a
 * rate-limit header saying none are left) halves it, once for the
 * transfers sent before the cut, and brings it down to what the host
 * still has in flight; every other answer adds 1/window (one per window's
 * worth of answers, as TCP's congestion avoidance).  A throttle naming a
 * time (Retry-After on a 429 or 503, a rate-limit reset) pauses the host
 * until then, unless that is longer than max_pause_ms. */
void		 limits_adapt(struct limits *, long max, int64_t max_pause_ms);

/* The entry of host key (an origin, redirect_origin's text), held by a
 * request for its lifetime: found once, then passed by pointer.  NULL
 * when neither --per-host nor adaptation is on, for a NULL key, or out of
 * memory; every function below takes NULL as a host without limits. */
struct limits_host *limits_host_hold(struct limits *, const char *key);
void		 limits_host_release(struct limits *, struct limits_host *);
const char	*limits_host_key(const struct limits_host *);
/* The count of the origin's idle connections an xfer_req carries
 * (xfer.h), kept while the host is held; NULL for NULL. */
long		*limits_host_idle_conns(struct limits_host *);
/* A memo of the caller's key: limits_host_hold_lead holds the entry last
 * given to limits_host_remember when url begins with the same lead (the
 * bytes of a URL that decided its key: redirect_origin_text's *lead) and
 * goes on with the end, '/', '?' or '#'; NULL otherwise.  A run of URLs
 * to one origin finds its entry without making the key again. */
struct limits_host *limits_host_hold_lead(struct limits *, const char *url);
void		 limits_host_remember(struct limits *, struct limits_host *,
		    const char *lead, size_t n);

/* May one more transfer to h start?  Counts --per-host and the window;
 * a pause is limits_host_pause's. */
bool		 limits_host_room(const struct limits *,
		     const struct limits_host *);
/* Microseconds left of h's pause at now_us (0: not paused). */
int64_t		 limits_host_pause(const struct limits *,
		     const struct limits_host *, int64_t now_us);

/* What one answer of a host said. */
struct limits_answer {
	long		 status;	/* 0: no answer (a transport error) */
	int64_t		 retry_after_ms; /* -1: none */
	long		 remaining;	/* rate-limit requests left; -1 */
	int64_t		 reset_ms;	/* until the quota resets; -1 */
	int64_t		 sent_us;	/* when its transfer started */
};
/* Feed an answer in, after the transfer's limits_host_add(-1).  -1 out
 * of memory (the answer is then not counted). */
int		 limits_host_feedback(struct limits *, struct limits_host *,
		     const struct limits_answer *, int64_t now_us);

/* A host whose window was cut, for --stats. */
struct limits_report {
	const char	*key;		/* borrowed */
	long		 limit, window, lowest;
	unsigned long long throttled;	/* 429 and 503 answers */
};
/* The next adapted host from *pos (start at 0); false after the last. */
bool		 limits_host_report(const struct limits *, size_t *pos,
		     struct limits_report *);
/* A transfer to h started (+1) or ended (-1). */
void		 limits_host_add(struct limits_host *, long d);
/* Microseconds until the rate allows a start at now_us (0: now). */
int64_t		 limits_rate_wait(const struct limits *, int64_t now_us);
/* A transfer started at now_us: spend the token. */
void		 limits_rate_take(struct limits *, int64_t now_us);

#endif
