/* limits — per-host counts and the rate bucket.  Hosts are few (the
 * origins with transfers in flight), so a flat array; an entry whose
 * count fell to zero is reused. */
#include "limits.h"

#include <stdlib.h>
#include <string.h>

struct host {
	char		*key;		/* owned */
	long		 n;
};

struct limits {
	long		 per_host;
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
	for (i = 0; i < l->nhosts; i++)	/* reuse an idle entry */
		if (l->hosts[i].n == 0) {
			free(l->hosts[i].key);
			l->hosts[i].key = k;
			return &l->hosts[i];
		}
	h = realloc(l->hosts, (l->nhosts + 1) * sizeof(*h));
	if (h == NULL) {
		free(k);
		return NULL;
	}
	l->hosts = h;
	h = &l->hosts[l->nhosts++];
	h->key = k;
	h->n = 0;
	return h;
}

bool
limits_host_room(const struct limits *l, const char *key)
{
	const struct host *h;

	if (l->per_host <= 0 || key == NULL)
		return true;
	h = host_find(l, key);
	return h == NULL || h->n < l->per_host;
}

int
limits_host_add(struct limits *l, const char *key, long d)
{
	struct host *h;

	if (l->per_host <= 0 || key == NULL)
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
