/* signals — SIGINT and SIGTERM.  The handler records the signal and
 * wakes the event loop through a pipe; a second signal exits at once,
 * whatever the loop is doing.  Our own handler, without SA_RESTART, so
 * that a write blocked on a reader that does not read is interrupted
 * too (libevent's restarts it and would swallow the signal). */
#ifndef VOLLEY_SIGNALS_H
#define VOLLEY_SIGNALS_H

#include <signal.h>

/* Install the handlers.  Returns the pipe's read end, for the loop to
 * watch, or -1 with errno set. */
int	 signals_install(void);
/* Empty the pipe; returns the signal caught so far, 0 if none. */
int	 signals_take(int fd);
/* Also watch SIGWINCH (the terminal's size changed), through the same
 * pipe; SA_RESTART, so it interrupts nothing.  0 or -1. */
int	 signals_watch_winch(void);
/* Was SIGWINCH caught since the last call? */
int	 signals_take_winch(void);
/* The signal caught so far (0 = none), for a write it interrupted. */
volatile sig_atomic_t *signals_flag(void);

#endif
