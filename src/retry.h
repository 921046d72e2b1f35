/* retry — the retry policy: which outcomes are retried, for which
 * methods, and after how long (exponential backoff with full jitter, or
 * what the server's Retry-After asks). */
#ifndef VOLLEY_RETRY_H
#define VOLLEY_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "record.h"

/* What is retried: statuses and error kinds (--retry-on).  All zero is
 * the default set: connect, timeout, 408, 429, 500, 502, 503, 504. */
struct retry_set {
	bool		 given;
	unsigned	 kinds;		/* 1 << enum err_kind */
	unsigned char	 status[75];	/* one bit per status, 0..599 */
};

struct retry_policy {
	long		 retries;	/* attempts after the first */
	int64_t		 delay_ms;	/* backoff base */
	int64_t		 max_wait_ms;	/* longest single wait */
	struct retry_set on;
};

/* Parse --retry-on's LIST: statuses (429), ranges (500-599) and error
 * kinds (dns, connect, tls, timeout, read, protocol), comma-separated.
 * 0, or -1 with err naming the bad item. */
int	 retry_set_parse(struct retry_set *, const char *list, char *err,
	     size_t errlen);
/* Is an attempt that ended so in the set? */
bool	 retry_set_has(const struct retry_set *, enum err_kind, long status);

/* May a request with this method be sent twice? (RFC 9110 9.2.2) */
bool	 retry_idempotent(const char *method);
/* Retry-After in a header block, in ms from now: delta-seconds or an
 * HTTP date (a past one is 0); -1 when absent or unreadable. */
int64_t	 retry_after_ms(const char *headers, size_t len, time_t now);
/* The upper bound of the backoff before attempt attempts + 1. */
int64_t	 retry_backoff_cap(const struct retry_policy *, long attempts);
/* Should an attempt that ended so be retried?  (retry_wait's first
 * question, asked before drawing its jitter.) */
bool	 retry_wanted(const struct retry_policy *, long attempts,
	     const char *method, enum err_kind, long status);
/* Should an attempt that ended so be retried, and after how long?
 * attempts: made so far; retry_after: retry_after_ms's answer; jitter: a
 * uniform random number in [0, 1).  The wait in ms, or -1: no retry. */
int64_t	 retry_wait(const struct retry_policy *, long attempts,
	     const char *method, enum err_kind, long status,
	     int64_t retry_after, double jitter);

#endif
