/* diag — messages for the person at the terminal: the one place that
 * writes "volley: ..." lines to stderr.  (The progress line and the
 * --stats table are drawn by their own modules with write(2).) */
#ifndef VOLLEY_DIAG_H
#define VOLLEY_DIAG_H

#include <stdbool.h>

/* With quiet set, diag_warn prints nothing; diag_error always prints. */
void	 diag_set_quiet(bool);
void	 diag_warn(const char *fmt, ...)
	     __attribute__((format(printf, 1, 2)));
void	 diag_error(const char *fmt, ...)
	     __attribute__((format(printf, 1, 2)));

#endif
