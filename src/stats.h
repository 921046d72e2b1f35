/* stats — the run summary for --stats. */
#ifndef VOLLEY_STATS_H
#define VOLLEY_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* Run summary for --stats; latencies in a log histogram, so memory
 * stays flat. */
#define STATS_BUCKETS	200
struct stats {
	uint64_t	 records;
	uint64_t	 ok;
	uint64_t	 by_kind[ERR__COUNT];
	uint64_t	 by_class[6];	/* status / 100; 0 = no response */
	uint64_t	 bytes;
	uint64_t	 lat[STATS_BUCKETS];
	uint64_t	 lat_n;
	double		 lat_sum;
	double		 lat_max;
	double		 elapsed_s;
};

/* A host whose adaptive window was cut (limits.c). */
struct stats_host {
	const char	*host;		/* borrowed */
	long		 limit, window, lowest;
	unsigned long long throttled;	/* 429 and 503 answers */
};

void		 stats_add(struct stats *, double ms);
double		 stats_percentile(const struct stats *, double p);
/* Print to fd 2: a table with a histogram, or one JSON object; hosts
 * are the adapted ones. */
void		 stats_print(const struct stats *, const struct stats_host *hosts,
		     size_t nhosts, bool json);

/* Count one record. */
void		 stats_count(struct stats *, const struct record *);

#endif
