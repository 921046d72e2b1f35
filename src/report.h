/* report — reports for CI systems, written as records are counted:
 * JUnit XML, TAP 13, GitHub workflow commands and a Markdown summary.
 * Memory stays flat however many records there are. */
#ifndef VOLLEY_REPORT_H
#define VOLLEY_REPORT_H

#include <stdbool.h>

#include "cli.h"
#include "record.h"
#include "stats.h"

enum report_format {
	REPORT_JUNIT, REPORT_TAP, REPORT_GITHUB, REPORT_MARKDOWN
};

struct report;

/* Split "FORMAT:PATH" (either out pointer may be NULL).  0 or -1. */
int		 report_parse(const char *spec, enum report_format *,
		    const char **path);
/* Open every --report of c ("-" is stderr).  NULL with err on failure;
 * a config without --report gets an empty set. */
struct report	*report_new(const struct config *, char *err, size_t errlen);
/* Whether a report shows the latencies (the Markdown summary does). */
bool		 report_reads_latency(const struct report *);
/* One record, as it is counted. */
void		 report_record(struct report *, const struct record *);
/* Write the ends (counts, the summary) and close the files.  stopped:
 * why the run was cut short, or NULL.  0, or -1 when a report could not
 * be written (the message is said). */
int		 report_finish(struct report *, const struct stats *,
		    const char *stopped);
void		 report_free(struct report *);

#endif
