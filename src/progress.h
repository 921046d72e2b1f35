/* progress — the one-line progress report on stderr, redrawn in place:
 * clipped to the terminal's width, drawn only when its text changes. */
#ifndef VOLLEY_PROGRESS_H
#define VOLLEY_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the line shows.  To show more, add a field here and a segment
 * in progress_format (each segment has a priority: the least important
 * go first when the terminal is narrow). */
struct progress_fields {
	uint64_t	 done;		/* requests finished */
	uint64_t	 ok, failed;	/* records */
	size_t		 inflight;
	double		 elapsed_s;
	double		 total;		/* requests in all; < 0 = not known */
	bool		 estimated;	/* total is estimated (bytes read) */
	/* When the --window budget is spent, what admission waits on: the
	 * head request (wait_index >= 0, running for wait_secs), else the
	 * reader. */
	bool		 window_full;
	int64_t		 wait_index;
	double		 wait_secs;
};

/* The line for fields, at most width - 1 columns (so that it never
 * wraps), into buf; returns its length. */
size_t		 progress_format(char *buf, size_t len,
		    const struct progress_fields *, int width);

/* Do fds a and b write to the same place: one terminal, or one pipe,
 * socket or file?  (The records' fd and the line on stderr would mix
 * there: the line is not drawn.) */
bool		 progress_same_place(int a, int b);

struct progress;

/* Drawing on fd (stderr).  NULL when out of memory. */
struct progress	*progress_new(int fd);
void		 progress_free(struct progress *);
/* Read the terminal's width again (after SIGWINCH); the next draw
 * redraws. */
void		 progress_resize(struct progress *);
/* Draw the line if its text changed.  -1 when fd cannot be written
 * (stop drawing). */
int		 progress_draw(struct progress *, const struct progress_fields *);
/* Clear the line, if one is drawn.  -1 as above. */
int		 progress_clear(struct progress *);

#endif
