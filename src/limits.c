/* limits — per-host counts, adaptive windows and the rate bucket.  Hosts
 * are few (the origins with transfers in flight, and those whose window
 * was cut), so a flat array; an entry whose count fell to zero is reused
 * unless it was adapted (its state and counts are kept for --stats). */
#include "limits.h"

#include <stdlib.h>
#include <string.h>

struct host {
	char		*key;		/* owned */
	long		 n;
	double		 win;		/* adaptive window, in [1, adapt_max] */
	double		 lowest;
	int64_t		 cut_us;	/* when win was last halved */
	int64_t		 pause_until_us;
	unsigned long long throttled;
	bool		 adapted;
};

struct limits {
	long		 per_host;
	long		 adapt_max;	/* 0: no adaptation */
	int64_t		 max_pause_ms;
	double		 rate;
	int64_t		 next_token_us;
	struct host	*hosts;		/* owned */
	size_t		 nhosts;
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
	for (i = 0; i < l->nhosts; i++)
		free(l->hosts[i].key);
	free(l->hosts);
	free(l);
}

static struct host *
host_find(const struct limits *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->nhosts; i++)
		if (strcmp(l->hosts[i].key, key) == 0)
			return &l->hosts[i];
	return NULL;
}

static struct host *
host_make(struct limits *l, const char *key)
{
	struct host *h;
	char *k = strdup(key);
	size_t i;

	if (k == NULL)
		return NULL;
	h = NULL;
	for (i = 0; i < l->nhosts && h == NULL; i++)	/* reuse an idle entry */
		if (l->hosts[i].n == 0 && !l->hosts[i].adapted) {
			h = &l->hosts[i];
			free(h->key);
		}
	if (h == NULL) {
		h = realloc(l->hosts, (l->nhosts + 1) * sizeof(*h));
		if (h == NULL) {
			free(k);
			return NULL;
		}
		l->hosts = h;
		h = &l->hosts[l->nhosts++];
	}
	memset(h, 0, sizeof(*h));
	h->key = k;
	h->win = h->lowest = (double)l->adapt_max;
	return h;
}

void
limits_adapt(struct limits *l, long max, int64_t max_pause_ms)
{
	l->adapt_max = max > 0 ? max : 0;
	l->max_pause_ms = max_pause_ms;
}

bool
limits_host_room(const struct limits *l, const char *key)
{
	const struct host *h;

	if (key == NULL || (h = host_find(l, key)) == NULL)
		return true;
	if (l->per_host > 0 && h->n >= l->per_host)
		return false;
	return l->adapt_max == 0 || h->n < (long)h->win;
}

int64_t
limits_host_pause(const struct limits *l, const char *key, int64_t now_us)
{
	const struct host *h;

	if (l->adapt_max == 0 || key == NULL || (h = host_find(l, key)) ==
	    NULL || h->pause_until_us <= now_us)
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
limits_host_feedback(struct limits *l, const char *key,
    const struct limits_answer *a, int64_t now_us)
{
	struct host *h;
	bool throttled = a->status == 429 || a->status == 503;
	int64_t pause;

	if (l->adapt_max == 0 || key == NULL || a->status <= 0)
		return 0;
	if ((h = host_find(l, key)) == NULL && (h = host_make(l, key)) == NULL)
		return -1;
	if (!throttled && a->remaining != 0) {
		h->win += 1.0 / h->win;		/* additive increase */
		if (h->win > (double)l->adapt_max)
			h->win = (double)l->adapt_max;
		return 0;
	}
	h->adapted = true;
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
	const struct host *h;

	for (; *pos < l->nhosts; (*pos)++) {
		h = &l->hosts[*pos];
		if (!h->adapted)
			continue;
		r->key = h->key;
		r->limit = l->adapt_max;
		r->window = (long)h->win;
		r->lowest = (long)h->lowest;
		r->throttled = h->throttled;
		(*pos)++;
		return true;
	}
	return false;
}

int
limits_host_add(struct limits *l, const char *key, long d)
{
	struct host *h;

	if ((l->per_host <= 0 && l->adapt_max == 0) || key == NULL)
		return 0;
	h = host_find(l, key);
	if (h == NULL && d > 0 && (h = host_make(l, key)) == NULL)
		return -1;
	if (h != NULL)
		h->n += d;
	return 0;
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
