/* util — durations, sizes, whole numbers, the monotonic clock.  Pure
 * functions over plain data; nothing here touches the network. */
#ifndef VOLLEY_UTIL_H
#define VOLLEY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

/* "250ms", "5s", "1.5s", "2m", "1h", bare number = seconds.  Result in
 * milliseconds.  0 on success, -1 on anything else (negative, junk). */
int	 util_parse_duration(const char *, int64_t *ms);
/* "10M", "512k", "1G", "123" (bytes); K/M/G are powers of 1024. */
int	 util_parse_size(const char *, uint64_t *bytes);
/* A whole decimal integer in [min, max]; 0 or -1. */
int	 util_parse_long(const char *, long min, long max, long *out);

/* Monotonic clock in microseconds. */
int64_t	 util_now_us(void);

#endif
