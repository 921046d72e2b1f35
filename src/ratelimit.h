/* ratelimit — what a response's rate-limit headers say is left: the
 * IETF httpapi draft's RateLimit (both its structured form,
 * "default";r=0;t=5, and the older limit=10, remaining=0, reset=5) with
 * RateLimit-Policy, the draft's earlier RateLimit-Remaining and
 * RateLimit-Reset, and X-RateLimit-Remaining / X-RateLimit-Reset as
 * GitHub and others send them.  Pure: the clock is passed in. */
#ifndef VOLLEY_RATELIMIT_H
#define VOLLEY_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct ratelimit {
	long		 remaining;	/* requests left; -1 = not said */
	int64_t		 reset_ms;	/* until the quota resets; -1 = not said */
};

/* Read the header block.  Several policies: the one with the fewest
 * requests left (and of those exhausted, the latest reset).  A reset of
 * 10^9 or more is a Unix time in seconds (GitHub), of 10^12 or more one
 * in milliseconds; smaller, seconds from now.  A time past is 0. */
void	 ratelimit_parse(const char *headers, size_t len, time_t now,
	     struct ratelimit *);

#endif
