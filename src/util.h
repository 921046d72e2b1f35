/* util — durations, sizes, whole numbers, the monotonic clock.  Pure
 * functions over plain data; nothing here touches the network. */
#ifndef VOLLEY_UTIL_H
#define VOLLEY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* "250ms", "5s", "1.5s", "2m", "1h", and Go's compound forms ("1m30s",
 * "1h5m", "1.5h", units ns us ms s m h); a bare number is seconds.
 * Result in milliseconds (a non-zero duration under 1ms is 1ms).  0 on
 * success, -1 on anything else (negative, junk, a unit missing). */
int	 util_parse_duration(const char *, int64_t *ms);
/* "10M", "512k", "1G", "123" (bytes); K/M/G are powers of 1024. */
int	 util_parse_size(const char *, uint64_t *bytes);
/* A whole decimal integer in [min, max]; 0 or -1. */
int	 util_parse_long(const char *, long min, long max, long *out);

/* A list of status ranges, "200-299,304,404", each in 100-999: up to
 * max of them into v.  0, or -1 on anything else. */
struct util_range {
	long	 lo, hi;
};
int	 util_parse_ranges(const char *, struct util_range *, size_t max,
	     size_t *n);
bool	 util_in_ranges(const struct util_range *, size_t n, long);

/* Monotonic clock in microseconds. */
int64_t	 util_now_us(void);

#endif
