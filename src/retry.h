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

struct retry_policy {
	long		 retries;	/* attempts after the first */
	int64_t		 delay_ms;	/* backoff base */
	int64_t		 max_wait_ms;	/* longest single wait */
};

/* May a request with this method be sent twice? (RFC 9110 9.2.2) */
bool	 retry_idempotent(const char *method);
/* Retry-After in a header block, in ms from now: delta-seconds or an
 * HTTP date (a past one is 0); -1 when absent or unreadable. */
int64_t	 retry_after_ms(const char *headers, size_t len, time_t now);
/* The upper bound of the backoff before attempt attempts + 1. */
int64_t	 retry_backoff_cap(const struct retry_policy *, long attempts);
/* Should an attempt that ended so be retried, and after how long?
 * attempts: made so far; retry_after: retry_after_ms's answer; jitter: a
 * uniform random number in [0, 1).  The wait in ms, or -1: no retry. */
int64_t	 retry_wait(const struct retry_policy *, long attempts,
	     const char *method, enum err_kind, long status,
	     int64_t retry_after, double jitter);

#endif
