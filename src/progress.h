/* progress — the one-line progress report on stderr, redrawn in place. */
#ifndef VOLLEY_PROGRESS_H
#define VOLLEY_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/* When the --window budget is spent, what admission waits on: the head
 * request (index >= 0, running for secs), else the reader. */
struct progress_wait {
	bool		 full;
	int64_t		 index;
	double		 secs;
};

/* Draw the line: records so far, transfers running, the rate, and what
 * a full window waits on (w may be NULL).  -1 when stderr cannot be
 * written (stop drawing). */
int	 progress_draw(const struct stats *, size_t running, double elapsed_s,
	     const struct progress_wait *w);
/* Clear the line.  -1 as above. */
int	 progress_clear(void);

/* The line's text, without the redraw escapes. */
int	 progress_format(char *, size_t, const struct stats *, size_t running,
	     double elapsed_s, const struct progress_wait *w);

#endif
