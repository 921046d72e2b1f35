/* The host functions of limits by key, as the unit tests name hosts:
 * each call holds the host, acts and releases it, as a request does over
 * its life (a host nobody holds, with nothing in flight and never
 * adapted, is then forgotten, as between two requests). */
#ifndef VOLLEY_TEST_LIMITS_KEYS_H
#define VOLLEY_TEST_LIMITS_KEYS_H

#include "limits.h"

static inline bool
key_room(struct limits *l, const char *key)
{
	struct limits_host *h = limits_host_hold(l, key);
	bool room = limits_host_room(l, h);

	limits_host_release(l, h);
	return room;
}

static inline int64_t
key_pause(struct limits *l, const char *key, int64_t now_us)
{
	struct limits_host *h = limits_host_hold(l, key);
	int64_t pause = limits_host_pause(l, h, now_us);

	limits_host_release(l, h);
	return pause;
}

static inline int
key_add(struct limits *l, const char *key, long d)
{
	struct limits_host *h = limits_host_hold(l, key);

	limits_host_add(h, d);
	limits_host_release(l, h);
	return 0;
}

static inline int
key_feedback(struct limits *l, const char *key,
    const struct limits_answer *a, int64_t now_us)
{
	struct limits_host *h = limits_host_hold(l, key);
	int rc = limits_host_feedback(l, h, a, now_us);

	limits_host_release(l, h);
	return rc;
}

#endif
