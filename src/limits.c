/* limits — per-host counts, adaptive windows and the rate bucket.  A host
 * has an entry while a job holds it (a request in the window, queued or
 * in flight), or for the rest of the run once its window was cut (its
 * state and counts are kept for --stats).  A job finds its entry once,
 * by hash, and keeps the pointer: a list of many origins, each throttled
 * once, costs no more per request than a list of one. */
#include "limits.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The longest lead limits_host_remember keeps ("https://" + a DNS name +
 * ":65535" is less). */
#define LEAD_MAX	280

struct limits_host {
	uint64_t	 hash;		/* util_hash_str(key) */
	long		 refs;		/* limits_host_hold's, not released */
	long		 n;
	double		 win;		/* adaptive window, in [1, adapt_max] */
	double		 lowest;
	int64_t		 cut_us;	/* when win was last halved */
	int64_t		 pause_until_us;
	unsigned long long throttled;
	long		 idle_conns;	/* xfer_req's */
	bool		 adapted;
	char		 key[];
};

struct limits {
	long		 per_host;
	long		 adapt_max;	/* 0: no adaptation */
	int64_t		 max_pause_ms;
	double		 rate;
	int64_t		 next_token_us;
	/* Open addressing with linear probing, at most half full; NULL is
	 * an empty slot.  Each host is its own allocation, so a pointer to
	 * one stays good while the table grows. */
	struct limits_host	**slot;		/* owned, and the hosts in it */
	size_t		 cap;		/* 0 or a power of two */
	size_t		 used;
	struct limits_host	*last;		/* the host found last: the next
					 * lookup is mostly the same one */
	struct limits_host	*lead_host;	/* limits_host_remember's, or NULL */
	size_t		 lead_len;
	char		 lead[LEAD_MAX];
	struct limits_host	**adapted;	/* borrowed from slot, in the order
					 * their windows were first cut */
	size_t		 nadapted, adapted_cap;
};

struct limits *
limits_new(long per_host, double rate)
{
	struct limits *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->per_host = per_host;
	l->rate = rate;
	return l;
}

void
limits_free(struct limits *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->cap; i++)
		free(l->slot[i]);
	free(l->slot);
	free(l->adapted);
	free(l);
}

/* The slot of key: where it is, or the empty one where it would go. */
static size_t
slot_of(const struct limits *l, const char *key, uint64_t hash)
{
	size_t mask = l->cap - 1, i = (size_t)hash & mask;
	const struct limits_host *h;

	while ((h = l->slot[i]) != NULL &&
	    (h->hash != hash || strcmp(h->key, key) != 0))
		i = (i + 1) & mask;
	return i;
}

static struct limits_host *
host_find(struct limits *l, const char *key)
{
	struct limits_host *h;

	if (l->last != NULL && strcmp(l->last->key, key) == 0)
		return l->last;
	if (l->cap == 0)
		return NULL;
	h = l->slot[slot_of(l, key, util_hash_str(key))];
	if (h != NULL)
		l->last = h;
	return h;
}

static int
table_grow(struct limits *l)
{
	size_t cap = l->cap != 0 ? l->cap * 2 : 16, i, j;
	/* an array of pointers, which clang-tidy cannot be told but so */
	struct limits_host **old = l->slot, **slot = calloc(cap, sizeof(*slot)); /* NOLINT(bugprone-sizeof-expression) */

	if (slot == NULL)
		return -1;
	for (i = 0; i < l->cap; i++)
		if (old[i] != NULL) {
			for (j = (size_t)old[i]->hash & (cap - 1);
			    slot[j] != NULL; j = (j + 1) & (cap - 1))
				;
			slot[j] = old[i];
		}
	free(old);
	l->slot = slot;
	l->cap = cap;
	return 0;
}

static struct limits_host *
host_make(struct limits *l, const char *key)
{
	size_t len = strlen(key), i;
	uint64_t hash = util_hash_str(key);
	struct limits_host *h;

	if ((l->used + 1) * 2 > l->cap && table_grow(l) == -1)
		return NULL;
	if ((h = calloc(1, sizeof(*h) + len + 1)) == NULL)
		return NULL;
	memcpy(h->key, key, len + 1);
	h->hash = hash;
	h->win = h->lowest = (double)l->adapt_max;
	i = slot_of(l, key, hash);
	l->slot[i] = h;
	l->used++;
	return l->last = h;
}

/* A host no job holds, with nothing in flight, that was never adapted is
 * forgotten: the next request to it starts afresh, as it would.  Linear
 * probing's deletion: the entries after the hole that may not sit past
 * it move back into it. */
static void
host_forget(struct limits *l, struct limits_host *h)
{
	size_t mask, i, j, k;

	if (h->refs > 0 || h->n > 0 || h->adapted)
		return;
	mask = l->cap - 1;
	i = j = slot_of(l, h->key, h->hash);
	if (l->last == h)
		l->last = NULL;
	if (l->lead_host == h)
		l->lead_host = NULL;
	free(h);
	l->slot[i] = NULL;
	l->used--;
	for (j = (j + 1) & mask; l->slot[j] != NULL; j = (j + 1) & mask) {
		k = (size_t)l->slot[j]->hash & mask;	/* its home */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			l->slot[i] = l->slot[j];
			l->slot[j] = NULL;
			i = j;
		}
	}
}

/* h's window is cut for the first time: it is kept from now on, and
 * listed for --stats in this order. */
static int
host_adapted(struct limits *l, struct limits_host *h)
{
	struct limits_host **a = l->adapted;
	size_t cap = l->adapted_cap;

	if (l->nadapted == cap) {
		cap = cap != 0 ? cap * 2 : 8;
		if ((a = reallocarray(a, cap, sizeof(*a))) == NULL) /* NOLINT(bugprone-sizeof-expression) */
			return -1;
		l->adapted = a;
		l->adapted_cap = cap;
	}
	l->adapted[l->nadapted++] = h;
	h->adapted = true;
	return 0;
}

void
limits_adapt(struct limits *l, long max, int64_t max_pause_ms)
{
	l->adapt_max = max > 0 ? max : 0;
	l->max_pause_ms = max_pause_ms;
}

struct limits_host *
limits_host_hold(struct limits *l, const char *key)
{
	struct limits_host *h;

	if ((l->per_host <= 0 && l->adapt_max == 0) || key == NULL)
		return NULL;
	if ((h = host_find(l, key)) == NULL && (h = host_make(l, key)) == NULL)
		return NULL;
	h->refs++;
	return h;
}

struct limits_host *
limits_host_hold_lead(struct limits *l, const char *url)
{
	struct limits_host *h = l->lead_host;

	if (h == NULL || strncmp(url, l->lead, l->lead_len) != 0 ||
	    !util_authority_end(url[l->lead_len]))
		return NULL;
	h->refs++;
	return h;
}

void
limits_host_remember(struct limits *l, struct limits_host *h,
    const char *lead, size_t n)
{
	if (h == NULL || n == 0 || n >= sizeof(l->lead))
		return;
	memcpy(l->lead, lead, n);
	l->lead_len = n;
	l->lead_host = h;
}

void
limits_host_release(struct limits *l, struct limits_host *h)
{
	if (h == NULL)
		return;
	h->refs--;
	host_forget(l, h);
}

long *
limits_host_idle_conns(struct limits_host *h)
{
	return h != NULL ? &h->idle_conns : NULL;
}

const char *
limits_host_key(const struct limits_host *h)
{
	return h != NULL ? h->key : NULL;
}

bool
limits_host_room(const struct limits *l, const struct limits_host *h)
{
	if (h == NULL)
		return true;
	if (l->per_host > 0 && h->n >= l->per_host)
		return false;
	return l->adapt_max == 0 || h->n < (long)h->win;
}

int64_t
limits_host_pause(const struct limits *l, const struct limits_host *h,
    int64_t now_us)
{
	if (l->adapt_max == 0 || h == NULL || h->pause_until_us <= now_us)
		return 0;
	return h->pause_until_us - now_us;
}

/* The time a throttle names, in ms: Retry-After (on a 429 or 503), else
 * an exhausted quota's reset; -1 for none. */
static int64_t
named_pause(const struct limits_answer *a, bool throttled)
{
	if (throttled && a->retry_after_ms >= 0)
		return a->retry_after_ms;
	if (a->remaining == 0 && a->reset_ms >= 0)
		return a->reset_ms;
	return -1;
}

int
limits_host_feedback(struct limits *l, struct limits_host *h,
    const struct limits_answer *a, int64_t now_us)
{
	bool throttled = a->status == 429 || a->status == 503;
	int64_t pause;

	if (l->adapt_max == 0 || h == NULL || a->status <= 0)
		return 0;
	if (!throttled && a->remaining != 0) {
		/* Additive increase */
		if ((h->win += 1.0 / h->win) > (double)l->adapt_max)
			h->win = (double)l->adapt_max;
		return 0;
	}
	if (!h->adapted && host_adapted(l, h) == -1)
		return -1;
	if (throttled)
		h->throttled++;
	/* Multiplicative decrease, once per window: answers to transfers
	 * sent before the last cut carry no news of the new window. */
	if (a->sent_us >= h->cut_us) {
		h->win /= 2;
		h->cut_us = now_us;
	}
	/* The host turned one away with h->n others in flight. */
	if (h->win > (double)h->n)
		h->win = (double)h->n;
	if (h->win < 1)
		h->win = 1;
	if (h->win < h->lowest)
		h->lowest = h->win;
	pause = named_pause(a, throttled);
	if (pause > 0 && pause <= l->max_pause_ms &&
	    now_us + pause * 1000 > h->pause_until_us)
		h->pause_until_us = now_us + pause * 1000;
	return 0;
}

bool
limits_host_report(const struct limits *l, size_t *pos,
    struct limits_report *r)
{
	const struct limits_host *h;

	if (*pos >= l->nadapted)
		return false;
	h = l->adapted[(*pos)++];
	r->key = h->key;
	r->limit = l->adapt_max;
	r->window = (long)h->win;
	r->lowest = (long)h->lowest;
	r->throttled = h->throttled;
	return true;
}

void
limits_host_add(struct limits_host *h, long d)
{
	if (h != NULL)
		h->n += d;
}

int64_t
limits_rate_wait(const struct limits *l, int64_t now_us)
{
	if (l->rate <= 0 || now_us >= l->next_token_us)
		return 0;
	return l->next_token_us - now_us;
}

void
limits_rate_take(struct limits *l, int64_t now_us)
{
	int64_t step;

	if (l->rate <= 0)
		return;
	step = (int64_t)(1e6 / l->rate);
	l->next_token_us = (l->next_token_us > now_us ? l->next_token_us :
	    now_us) + step;
}
