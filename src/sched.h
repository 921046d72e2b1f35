/* sched — turns input requests into transfers and transfers into
 * records: -c, --per-host and --rate limits, retries with backoff,
 * redirects (with the origin rule), pagination chains, --fail-fast,
 * --deadline and signals, and the gather window's backpressure. */
#ifndef VOLLEY_SCHED_H
#define VOLLEY_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "input.h"
#include "output.h"

struct sched;

/* Indices recorded ok in an earlier --resume FILE. */
struct resume_set {
	uint64_t	*ok;		/* bitsets by index; owned */
	uint64_t	*bad;
	size_t		 words;
};

int	 resume_load(struct resume_set *, const char *path, char *err,
	     size_t errlen);
bool	 resume_done(const struct resume_set *, int64_t index);
void	 resume_free(struct resume_set *);

struct sched_outcome {
	int		 signal;	/* SIGINT/SIGTERM that stopped the run */
	bool		 stopped;	/* --fail-fast or --deadline fired */
	enum output_state out;
	int		 out_errno;
	uint64_t	 records;
	uint64_t	 failed;	/* records with ok false */
};

/* All pointers are borrowed and must outlive the scheduler. */
struct sched	*sched_new(const struct config *, struct input *,
		    struct output *, const struct resume_set *, char *err,
		    size_t errlen);
/* Run until every request has its records (or the run is stopped). */
void		 sched_run(struct sched *, struct sched_outcome *);
void		 sched_print_stats(const struct sched *, bool tty);
/* The gather window, and the most requests alive at once in either
 * mode: 4 x -c, at least 64. */
size_t		 sched_window(const struct config *);
void		 sched_free(struct sched *);

#endif
