/* output — where records go: the gather reorder window, json/jsonl
 * framing, and non-blocking writes to the output fd.
 *
 * Records are numbered by seq, their order of admission (0, 1, 2, ...;
 * requests skipped by --shard or --resume get none).  In gather mode the
 * records of seq N come out after every record of seq < N; a seq whose
 * records are all out is closed with output_done.
 *
 * Memory is bounded by bytes (--window): records waiting for an earlier
 * one plus records not yet taken by the reader.  Once that much is held,
 * output_admits says no, and the caller stops admitting requests until
 * the head is written or the reader drains. */
#ifndef VOLLEY_OUTPUT_H
#define VOLLEY_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "cli.h"
#include "util.h"

enum output_state { OUT_OK, OUT_CLOSED, OUT_FAILED };

/* How long the last records may take to reach a reader once a signal
 * has stopped the run (then the output ends on a whole line anyway). */
#define OUTPUT_SIGNAL_DRAIN_MS	2000

struct output;

/* fd is borrowed.  budget: the bytes held for output at most, before
 * admission stops (at least one record is always taken). */
struct output	*output_new(const struct config *, int fd, size_t budget);
void		 output_free(struct output *);

/* Can seq be admitted now?  No when the byte budget is spent (or, out
 * of memory, the window cannot grow to hold it). */
bool		 output_admits(struct output *, int64_t seq);
/* Bytes the reader has taken so far. */
uint64_t	 output_written(const struct output *);
/* Is the budget spent? */
bool		 output_full(const struct output *);
/* May seq's records grow now?  The head's (and, as-completed, every
 * record) wait only for the reader: while what it has not taken is a few
 * writes' worth (at most the budget).  Others wait in memory: while the
 * budget is not spent. */
bool		 output_room(const struct output *, int64_t seq);
/* The seq whose records the others wait for (gather: the oldest not
 * finished, when records wait behind it), else -1: what is held waits on
 * the reader.  output_unwritten: bytes not yet taken by the reader. */
int64_t		 output_holder(const struct output *);
size_t		 output_unwritten(const struct output *);

/* The buffer to encode one record of seq into (a full line, with its
 * newline); then output_end.  output_done: seq has no more records. */
struct buf	*output_begin(struct output *, int64_t seq);
void		 output_end(struct output *, int64_t seq);
void		 output_done(struct output *, int64_t seq);

/* Write what is buffered without blocking.  Returns the state after. */
/* A record could not be kept (out of memory): the output fails, so the
 * run ends with exit status 4 and a message, never with a silent gap. */
void		 output_nomem(struct output *);
enum output_state output_flush(struct output *);
/* A write would block: wait until output_fd is writable, then call
 * output_writable (and flush). */
bool		 output_blocked(const struct output *);
int		 output_fd(const struct output *);
void		 output_writable(struct output *);

/* While *flag is zero, output_finish waits for the reader as long as it
 * takes; once it is set (a signal), at most OUTPUT_SIGNAL_DRAIN_MS. */
void		 output_set_interrupt(struct output *,
		    volatile sig_atomic_t *flag);
/* Close the json array and write everything (see above); the output
 * ends on a whole line.  Returns the state. */
enum output_state output_finish(struct output *);
enum output_state output_state(const struct output *);
int		 output_errno(const struct output *);

#endif
