/* progress — the one-line progress report on stderr, redrawn in place. */
#ifndef VOLLEY_PROGRESS_H
#define VOLLEY_PROGRESS_H

#include <stddef.h>

#include "stats.h"

/* Draw the line: records so far, transfers running, the rate.  -1 when
 * stderr cannot be written (stop drawing). */
int	 progress_draw(const struct stats *, size_t running, double elapsed_s);
/* Clear the line.  -1 as above. */
int	 progress_clear(void);

#endif
