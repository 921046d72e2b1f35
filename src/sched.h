/* sched — the job state machine: input requests into transfers, and
 * finished transfers into records.  It asks the rule modules (limits,
 * retry, redirect, paginate, result) and acts on their answers; it alone
 * starts transfers and applies stops (--fail-fast, --deadline, signals,
 * a closed output). */
#ifndef VOLLEY_SCHED_H
#define VOLLEY_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "input.h"
#include "output.h"
#include "resume.h"
#include "stats.h"

struct sched;

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
/* Count every record into rp too (--report); borrowed. */
struct report;
void		 sched_set_report(struct sched *, struct report *);
/* The run's counts, and why it was stopped (NULL if it was not). */
const struct stats *sched_stats(struct sched *);
const char	*sched_stopped(const struct sched *);
/* The gather window, and the most requests alive at once in either
 * mode: 4 x -c, at least 64. */
size_t		 sched_window(const struct config *);
void		 sched_free(struct sched *);

#endif
