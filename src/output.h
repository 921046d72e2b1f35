/* output — where records go: the gather reorder window, json/jsonl
 * framing, and buffered writes to the output fd.
 *
 * Records are numbered by seq, their order of admission (0, 1, 2, ...;
 * requests skipped by --shard or --resume get none).  In gather mode the
 * records of seq N come out after every record of seq < N; a seq whose
 * records are all out is closed with output_end(last = true). */
#ifndef VOLLEY_OUTPUT_H
#define VOLLEY_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>

#include "cli.h"
#include "util.h"

enum output_state { OUT_OK, OUT_CLOSED, OUT_FAILED };

struct output;

/* fd is borrowed.  window: how many seqs past the oldest unfinished one
 * may hold records (gather mode). */
struct output	*output_new(const struct config *, int fd, size_t window);
void		 output_free(struct output *);

/* Can seq be admitted now without growing the window? */
bool		 output_admits(const struct output *, int64_t seq);
/* The buffer to encode one record of seq into (a full line, with its
 * newline); then output_end.  output_done: seq has no more records. */
struct buf	*output_begin(struct output *, int64_t seq);
void		 output_end(struct output *, int64_t seq);
void		 output_done(struct output *, int64_t seq);

/* A write interrupted (EINTR) while *flag is set gives up: the output
 * is then closed, and the run ends on the signal. */
void		 output_set_interrupt(struct output *,
		    volatile sig_atomic_t *flag);
/* Write what is buffered.  Returns the state afterwards. */
enum output_state output_flush(struct output *);
/* Close the json array, flush.  Returns the state. */
enum output_state output_finish(struct output *);
enum output_state output_state(const struct output *);
int		 output_errno(const struct output *);

#endif
