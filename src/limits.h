/* limits — the run's admission limits, with the clock passed in: the
 * per-host count (--per-host, by origin) and the rate bucket (--rate, a
 * token bucket that holds one token: smooth, never bursty). */
#ifndef VOLLEY_LIMITS_H
#define VOLLEY_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

struct limits;

/* per_host: 0 = no limit; rate: starts per second, 0 = no limit. */
struct limits	*limits_new(long per_host, double rate);
void		 limits_free(struct limits *);

/* May one more transfer to host key start?  (NULL key: always.) */
bool		 limits_host_room(const struct limits *, const char *key);
/* A transfer to key started (+1) or ended (-1).  -1 out of memory. */
int		 limits_host_add(struct limits *, const char *key, long d);
/* Microseconds until the rate allows a start at now_us (0: now). */
int64_t		 limits_rate_wait(const struct limits *, int64_t now_us);
/* A transfer started at now_us: spend the token. */
void		 limits_rate_take(struct limits *, int64_t now_us);

#endif
