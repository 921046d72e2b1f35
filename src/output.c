/* output — the gather window and buffered writes.  Records that arrive
 * ahead of their turn wait in a slot of a ring of `window` slots; the
 * record of the head seq is encoded straight into the stream buffer. */
#include "output.h"
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Write out when this much is buffered; the loop also flushes whenever
 * it has nothing else to do. */
#define STREAM_FLUSH	(64u << 10)

struct slot {
	struct buf	 b;
	bool		 done;
};

struct output {
	int		 fd;
	bool		 gather;
	bool		 json;		/* one array, not lines */
	bool		 started;	/* something written (json: "[") */
	struct buf	 stream;	/* ready to write */
	struct slot	*slots;		/* window ring, gather mode */
	size_t		 window;
	int64_t		 head;		/* oldest seq not finished */
	enum output_state state;
	int		 err;
	bool		 in_direct;	/* output_begin handed out stream */
	volatile sig_atomic_t *interrupt; /* borrowed, may be NULL */
	bool		 nonblocking;	/* set once after a signal */
};

struct output *
output_new(const struct config *c, int fd, size_t window)
{
	struct output *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	o->fd = fd;
	o->gather = c->mode == MODE_GATHER;
	o->json = c->format == FORMAT_JSON;
	o->window = window < 1 ? 1 : window;
	if (o->gather && (o->slots = calloc(o->window,
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
	for (i = 0; o->slots != NULL && i < o->window; i++)
		buf_free(&o->slots[i].b);
	free(o->slots);
	buf_free(&o->stream);
	free(o);
}

void
output_set_interrupt(struct output *o, volatile sig_atomic_t *flag)
{
	o->interrupt = flag;
}

bool
output_admits(const struct output *o, int64_t seq)
{
	return !o->gather || seq < o->head + (int64_t)o->window;
}

/* After SIGINT/SIGTERM a reader that does not read must not hold the
 * run: a pipe goes non-blocking, so a full one gives EAGAIN, and the
 * output ends there.  (Not a terminal or file: their descriptions are
 * shared with the shell.) */
static bool
interrupted(struct output *o)
{
	struct stat st;

	if (o->interrupt == NULL || *o->interrupt == 0)
		return false;
	if (!o->nonblocking && fstat(o->fd, &st) == 0 && S_ISFIFO(st.st_mode))
		fcntl(o->fd, F_SETFL, fcntl(o->fd, F_GETFL) | O_NONBLOCK);
	o->nonblocking = true;
	return true;
}

static int
write_all(struct output *o, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		interrupted(o);
		w = write(o->fd, p, n);
		if (w == -1 && (errno == EINTR || errno == EAGAIN)) {
			if (interrupted(o)) {
				o->state = OUT_CLOSED;
				return -1;
			}
			continue;
		}
		if (w <= 0) {
			o->err = w == 0 ? EIO : errno;
			o->state = o->err == EPIPE ? OUT_CLOSED : OUT_FAILED;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

enum output_state
output_flush(struct output *o)
{
	if (o->state == OUT_OK && o->stream.len > 0)
		write_all(o, o->stream.data, o->stream.len);
	buf_reset(&o->stream);
	return o->state;
}

/* The json array's "[" or "," before a record in the stream. */
static void
frame(struct output *o)
{
	if (o->json)
		buf_addc(&o->stream, o->started ? ',' : '[');
	o->started = true;
}

/* Move the records of a slot (lines) into the stream, framing each. */
static void
drain(struct output *o, struct slot *s)
{
	const char *p = s->b.data, *end = p + s->b.len, *nl;

	if (!o->json) {
		if (s->b.len > 0)
			o->started = true;
		buf_add(&o->stream, s->b.data, s->b.len);
	} else {
		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			nl = nl ? nl + 1 : end;
			frame(o);
			buf_add(&o->stream, p, (size_t)(nl - p));
			p = nl;
		}
	}
	if (s->b.cap > STREAM_FLUSH)
		buf_free(&s->b);
	else
		buf_reset(&s->b);
	s->done = false;
}

struct buf *
output_begin(struct output *o, int64_t seq)
{
	if (!o->gather || seq == o->head) {
		o->in_direct = true;
		frame(o);
		return &o->stream;
	}
	o->in_direct = false;
	return &o->slots[seq % (int64_t)o->window].b;
}

void
output_end(struct output *o, int64_t seq)
{
	/* A record that waits in a slot is written when its turn comes. */
	if (o->in_direct && o->stream.len >= STREAM_FLUSH)
		output_flush(o);
}

void
output_done(struct output *o, int64_t seq)
{
	struct slot *s;

	if (!o->gather)
		return;
	if (seq != o->head) {
		o->slots[seq % (int64_t)o->window].done = true;
		return;
	}
	/* The head is finished: bring out those waiting behind it. */
	for (;;) {
		bool done;

		o->head++;
		s = &o->slots[o->head % (int64_t)o->window];
		done = s->done;
		drain(o, s);
		if (o->stream.len >= STREAM_FLUSH)
			output_flush(o);
		if (!done)
			break;
	}
}

enum output_state
output_finish(struct output *o)
{
	if (o->json)
		buf_addstr(&o->stream, o->started ? "]\n" : "[]\n");
	return output_flush(o);
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
