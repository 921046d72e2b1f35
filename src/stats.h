/* stats — the run summary for --stats. */
#ifndef VOLLEY_STATS_H
#define VOLLEY_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "record.h"

/* Run summary for --stats; latencies in a log histogram, so memory
 * stays flat.  Latency is over the records that got an answer (a
 * status); the rest are counted apart, by error kind. */
#define STATS_BUCKETS	200
#define STATS_HIST	9	/* the fixed buckets shown */
/* A host whose adaptive window was cut (limits.c). */
struct stats_host {
	const char	*host;		/* borrowed */
	long		 limit, window, lowest;
	unsigned long long throttled;	/* 429 and 503 answers */
};

struct stats {
	uint64_t	 records;
	uint64_t	 ok;
	uint64_t	 by_kind[ERR__COUNT];
	uint64_t	 by_class[6];	/* status / 100; 0 = no response */
	uint64_t	 noanswer_kind[ERR__COUNT];	/* status null */
	uint64_t	 bytes;
	uint64_t	 lat[STATS_BUCKETS];
	uint64_t	 hist[STATS_HIST];
	uint64_t	 lat_n;
	double		 lat_sum;
	double		 lat_max;
	/* Nothing reads the latencies (no --stats, no Markdown report):
	 * stats_count counts the answers (lat_n) only, and lat, hist,
	 * lat_sum and lat_max stay 0 — stats_percentile would read 0. */
	bool		 lat_off;
	double		 elapsed_s;	/* < 0: not known (--replay) */
	const struct stats_host *hosts;	/* borrowed: the adapted ones */
	size_t		 nhosts;
};

void		 stats_add(struct stats *, double ms);
/* The p-th percentile of the latencies; < 0 when there are none. */
double		 stats_percentile(const struct stats *, double p);
/* The summary as text (or as Markdown tables) and as one JSON object. */
void		 stats_table(struct buf *, const struct stats *, bool markdown);
void		 stats_json(struct buf *, const struct stats *);
/* Print to fd 2: the table, or one JSON object. */
void		 stats_print(const struct stats *, bool json);

/* Count one record. */
void		 stats_count(struct stats *, const struct record *);

#endif
