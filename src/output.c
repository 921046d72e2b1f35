/* output — the gather window and non-blocking writes.
 *
 * Records that arrive ahead of their turn wait, encoded, in the slot of
 * their seq in a ring that grows (doubling) with the number of seqs
 * between the head and the newest; the record of the head seq is encoded
 * straight into the stream buffer.  Finished slots move into the stream
 * only as the reader takes it (about STREAM_FLUSH at a time), so a slow
 * reader never makes a second copy of them.  What is held — waiting
 * records, the ring itself, the stream not yet written and the emptied
 * slot buffers kept for reuse — counts against the byte budget.
 *
 * A pipe, socket or terminal is written without blocking: a write that
 * would block leaves the rest in the stream, and the loop calls back when
 * the fd is writable.  Its file description may be shared (the shell's
 * terminal, a pipe another process writes to), so O_NONBLOCK is set only
 * around each write and put back at once.  Regular files and other
 * devices (/dev/null, /dev/full) never block for long: written directly. */
#include "output.h"
#include "record.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write out when this much is buffered; the loop also flushes whenever
 * it has nothing else to do. */
#define STREAM_FLUSH	(64u << 10)
#define RING_MIN	64
/* Emptied slot buffers kept for the next records that wait: up to
 * SPARE_MAX of them, each of at most SPARE_CAP, and never more than half
 * the budget (they count against it). */
#define SPARE_MAX	64
#define SPARE_CAP	(4u << 10)
/* Of the signal drain, the part kept for ending on a whole line. */
#define DRAIN_TAIL_MS	500

struct slot {
	struct buf	 b;
	bool		 done;
};

struct output {
	struct util_wfd	 w;		/* the fd, written without blocking */
	bool		 gather;
	bool		 json;		/* one array, not lines */
	bool		 started;	/* something framed (json: "[") */
	struct buf	 stream;	/* ready to write */
	size_t		 off;		/* stream[0, off) is written */
	bool		 wrote;		/* any byte written */
	uint64_t	 nwritten;	/* bytes written in all */
	char		 last;		/* the last byte written */
	bool		 blocked;	/* a write would block */
	struct slot	*slots;		/* the ring, gather mode */
	size_t		 nslots;	/* a power of two */
	int64_t		 head;		/* oldest seq not finished */
	size_t		 held;		/* bytes in slots */
	struct buf	 spare[SPARE_MAX]; /* empty, for slots to take */
	size_t		 nspare;
	size_t		 spare_bytes;	/* their capacity */
	size_t		 budget;
	size_t		 cap0;		/* slot capacity at output_begin */
	enum output_state state;
	int		 err;
	bool		 in_direct;	/* output_begin handed out stream */
	volatile sig_atomic_t *interrupt; /* borrowed, may be NULL */
};

struct output *
output_new(const struct config *c, int fd, size_t budget)
{
	struct output *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	util_wfd_init(&o->w, fd);
	o->gather = c->mode == MODE_GATHER;
	o->json = c->format == FORMAT_JSON;
	o->budget = budget < 1 ? 1 : budget;
	o->nslots = RING_MIN;
	if (o->gather && (o->slots = calloc(o->nslots,
	    sizeof(*o->slots))) == NULL) {
		free(o);
		return NULL;
	}
	if (buf_reserve(&o->stream, (size_t)STREAM_FLUSH * 2) == -1) {
		output_free(o);
		return NULL;
	}
	return o;
}

void
output_free(struct output *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; o->slots != NULL && i < o->nslots; i++)
		buf_free(&o->slots[i].b);
	for (i = 0; i < o->nspare; i++)
		buf_free(&o->spare[i]);
	free(o->slots);
	buf_free(&o->stream);
	free(o);
}

void
output_set_interrupt(struct output *o, volatile sig_atomic_t *flag)
{
	o->interrupt = flag;
}

static struct slot *
slot_of(const struct output *o, int64_t seq)
{
	return &o->slots[(uint64_t)seq & (o->nslots - 1)];
}

size_t
output_unwritten(const struct output *o)
{
	return o->stream.len - o->off;
}

int64_t
output_holder(const struct output *o)
{
	if (!o->gather || o->held == 0 || slot_of(o, o->head)->done)
		return -1;
	return o->head;
}

static size_t
pending(const struct output *o)
{
	return o->held + o->spare_bytes + output_unwritten(o) +
	    o->nslots * sizeof(struct slot);
}

/* Nothing held at all admits one more, however small the budget. */
bool
output_full(const struct output *o)
{
	return o->held + output_unwritten(o) > 0 && pending(o) >= o->budget;
}

/* The head waits for the reader with a few writes' worth in the stream,
 * not the whole budget: a buffer that grows to tens of megabytes and is
 * freed again at each wait would leave the heap in pieces. */
bool
output_room(const struct output *o, int64_t seq)
{
	size_t most = (size_t)STREAM_FLUSH * 4, waiting;

	if (o->state != OUT_OK)
		return true;	/* records go nowhere: the run is ending */
	if (o->gather && seq != o->head)
		return !output_full(o);
	if (o->budget < most)
		most = o->budget;
	waiting = output_unwritten(o);
	if (o->gather)
		waiting += slot_of(o, seq)->b.len;
	return waiting < most;
}

/* Double the ring until seq fits; the slots keep their seqs. */
static int
grow(struct output *o, int64_t seq)
{
	struct slot *ns;
	size_t n = o->nslots, i;
	int64_t s;

	while ((uint64_t)(seq - o->head) >= n)
		n *= 2;
	if ((ns = calloc(n, sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i < o->nslots; i++) {
		s = o->head + (int64_t)i;
		ns[(uint64_t)s & (n - 1)] = *slot_of(o, s);
	}
	free(o->slots);
	o->slots = ns;
	o->nslots = n;
	return 0;
}

bool
output_admits(struct output *o, int64_t seq)
{
	if (o->state != OUT_OK)
		return true;	/* records go nowhere: the run is ending */
	if (output_full(o))
		return false;
	if (o->gather && (uint64_t)(seq - o->head) >= o->nslots &&
	    grow(o, seq) == -1)
		return false;
	return true;
}

/* Write as much of the stream as the fd takes now. */
static void
write_some(struct output *o)
{
	ssize_t w;

	while (o->state == OUT_OK && o->off < o->stream.len) {
		w = util_write_nb(&o->w, o->stream.data + o->off,
		    o->stream.len - o->off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			o->blocked = true;
			return;
		}
		if (w <= 0) {
			o->err = w == 0 ? EIO : errno;
			o->state = o->err == EPIPE ? OUT_CLOSED : OUT_FAILED;
			break;
		}
		o->off += (size_t)w;
		o->nwritten += (uint64_t)w;
		o->wrote = true;
		o->last = o->stream.data[o->off - 1];
	}
	if (o->off >= o->stream.len || o->state != OUT_OK) {
		if (o->stream.cap > (size_t)STREAM_FLUSH * 4)
			buf_free(&o->stream);
		buf_reset(&o->stream);
		o->off = 0;
	} else if (o->off >= STREAM_FLUSH && o->off >= o->stream.len / 2) {
		/* Drop what is written once it is most of the buffer, so
		 * each byte moves at most once on average. */
		memmove(o->stream.data, o->stream.data + o->off,
		    o->stream.len - o->off);
		o->stream.len -= o->off;
		o->off = 0;
	}
}

static void	advance(struct output *, bool);

enum output_state
output_flush(struct output *o)
{
	while (!o->blocked && o->state == OUT_OK) {
		advance(o, false);
		if (output_unwritten(o) == 0)
			break;
		write_some(o);
	}
	return o->state;
}

uint64_t
output_written(const struct output *o)
{
	return o->nwritten;
}

bool
output_blocked(const struct output *o)
{
	return o->state == OUT_OK && o->blocked;
}

int
output_fd(const struct output *o)
{
	return o->w.fd;
}

void
output_writable(struct output *o)
{
	o->blocked = false;
}

void
output_nomem(struct output *o)
{
	if (o->state != OUT_OK)
		return;
	o->err = ENOMEM;
	o->state = OUT_FAILED;
}

/* The json array's "[" or "," before a record in the stream. */
static void
frame(struct output *o)
{
	if (o->json && buf_addc(&o->stream, o->started ? ',' : '[') == -1)
		output_nomem(o);
	o->started = true;
}

/* Move the records of a slot (lines) into the stream, framing each. */
static void
drain(struct output *o, struct slot *s)
{
	const char *p = s->b.data, *end = p != NULL ? p + s->b.len : NULL, *nl;
	struct buf t;

	if (p == NULL)		/* nothing ever waited here */
		return;

	if (!o->json) {
		if (s->b.len > 0)
			o->started = true;
		if (output_unwritten(o) == 0 && s->b.cap > o->stream.cap) {
			/* no copy: the slot's buffer becomes the stream */
			t = o->stream;
			o->stream = s->b;
			s->b = t;
			o->off = 0;
			o->held -= o->stream.cap;
			o->held += s->b.cap;
			buf_reset(&s->b);
		} else if (buf_add(&o->stream, s->b.data, s->b.len) == -1)
			output_nomem(o);	/* a record lost: say so */
	} else {
		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			nl = nl ? nl + 1 : end;
			frame(o);
			if (buf_add(&o->stream, p, (size_t)(nl - p)) == -1)
				output_nomem(o);
			p = nl;
		}
	}
	o->held -= s->b.cap;
	if (s->b.cap > 0 && s->b.cap <= SPARE_CAP && o->nspare < SPARE_MAX &&
	    pending(o) + s->b.cap <= o->budget / 2) {
		buf_reset(&s->b);
		o->spare_bytes += s->b.cap;
		o->spare[o->nspare++] = s->b;
		memset(&s->b, 0, sizeof(s->b));
	} else
		buf_free(&s->b);
}

struct buf *
output_begin(struct output *o, int64_t seq)
{
	struct buf *b;

	/* The head's own records go straight out unless some of its
	 * records still wait in its slot (they came before it was head). */
	if (!o->gather || (seq == o->head && slot_of(o, seq)->b.len == 0)) {
		o->in_direct = true;
		frame(o);
		return &o->stream;
	}
	o->in_direct = false;
	b = &slot_of(o, seq)->b;
	if (b->cap == 0 && o->nspare > 0) {
		/* a spare: held from now on, as the slot's own */
		*b = o->spare[--o->nspare];
		o->spare_bytes -= b->cap;
		o->held += b->cap;
	}
	o->cap0 = b->cap;
	return b;
}

void
output_end(struct output *o, int64_t seq)
{
	/* A record that waits in a slot is written when its turn comes. */
	if (!o->in_direct) {
		o->held += slot_of(o, seq)->b.cap - o->cap0;
		return;
	}
	if (output_unwritten(o) >= STREAM_FLUSH)
		output_flush(o);
}

/* Bring out the head's waiting records, and each finished seq after it,
 * while the stream is short (all: however long). */
static void
advance(struct output *o, bool all)
{
	struct slot *s;

	while (o->gather && (all || output_unwritten(o) < STREAM_FLUSH)) {
		s = slot_of(o, o->head);
		if (s->b.len > 0)
			drain(o, s);
		if (!s->done)
			break;
		s->done = false;
		o->head++;
	}
}

void
output_done(struct output *o, int64_t seq)
{
	struct slot *s;

	if (!o->gather)
		return;
	s = slot_of(o, seq);
	s->done = true;
	if (seq != o->head) {
		/* It waits: without the room its buffer grew by (a long
		 * --flatten page can leave nearly half of it empty). */
		if (s->b.cap > STREAM_FLUSH && s->b.cap - s->b.len > s->b.cap / 8) {
			o->held -= s->b.cap;
			buf_shrink(&s->b);
			o->held += s->b.cap;
		}
		return;
	}
	advance(o, false);
	if (output_unwritten(o) >= STREAM_FLUSH)
		output_flush(o);
}

/* Out of time: keep only what ends the line being written (and, json,
 * close the array), so the reader never sees a torn record. */
static void
cut(struct output *o)
{
	char *p = o->stream.data + o->off, *nl;
	size_t keep = 0, n = o->stream.len - o->off;

	if (o->wrote && o->last != '\n') {
		nl = memchr(p, '\n', n);
		keep = nl ? (size_t)(nl - p) + 1 : n;
	}
	o->stream.len = o->off + keep;
	if (o->json && o->wrote && o->off + keep < o->off + n)
		buf_addstr(&o->stream, "]\n");
}

static bool
signalled(const struct output *o)
{
	return o->interrupt != NULL && *o->interrupt != 0;
}

enum output_state
output_finish(struct output *o)
{
	struct pollfd pfd = { .fd = o->w.fd, .events = POLLOUT };
	int64_t end = -1, now;
	bool cutdone = false;

	advance(o, true);
	if (o->json)
		buf_addstr(&o->stream, o->started ? "]\n" : "[]\n");
	o->blocked = false;
	for (;;) {
		write_some(o);
		if (!output_blocked(o))
			break;
		now = util_now_us();
		if (end == -1 && signalled(o))
			end = now + (int64_t)OUTPUT_SIGNAL_DRAIN_MS * 1000;
		if (end != -1 && !cutdone && now >= end - (int64_t)DRAIN_TAIL_MS * 1000) {
			cut(o);
			cutdone = true;
		}
		if (end != -1 && now >= end)
			break;
		/* A signal interrupts the wait; look again at least every
		 * 100 ms in case it came just before. */
		poll(&pfd, 1, 100);
		o->blocked = false;
	}
	return o->state;
}

enum output_state
output_state(const struct output *o)
{
	return o->state;
}

int
output_errno(const struct output *o)
{
	return o->err;
}
