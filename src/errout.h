/* errout — standard error while the loop runs: what reports given as
 * "-" and the progress line write there is queued and written as fd 2
 * takes it, so a reader that pauses (2>&1 | less) never blocks the loop.
 * One queue for the process, as there is one standard error.  Lines
 * before the run and after it (diag.c, --stats, the end of a report)
 * are queued and then waited for (errout_drain): after a signal, within
 * its bound. */
#ifndef VOLLEY_ERROUT_H
#define VOLLEY_ERROUT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Queue n bytes for fd 2.  Out of memory, they are written directly
 * (after the queue), blocking: late rather than lost. */
void	 errout_add(const char *, size_t);
/* Write what fd 2 takes now.  0: nothing is left; 1: the rest waits for
 * fd 2 to be writable (errout_fd); -1: the reader is gone, and what is
 * queued or added later is dropped. */
int	 errout_flush(void);
/* Bytes queued, not yet taken by the reader. */
size_t	 errout_pending(void);
int	 errout_fd(void);
/* Write all that is queued, waiting for the reader as long as it takes;
 * but once *flag of errout_set_interrupt is set, no write waits past one
 * end: errout_set_deadline's, else OUTPUT_SIGNAL_DRAIN_MS from the first
 * wait that sees the flag; the rest is dropped.  After the loop, and
 * before a direct write. */
void	 errout_drain(void);
void	 errout_set_interrupt(volatile sig_atomic_t *flag);
void	 errout_set_deadline(int64_t end_us);
/* Did a write fail, or was what was queued given up?  (A report on "-"
 * that did not reach the reader: exit status 4.) */
bool	 errout_failed(void);

#endif
