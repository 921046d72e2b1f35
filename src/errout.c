/* errout — the standard error queue (see errout.h). */
#include "errout.h"
#include "output.h"
#include "buf.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

static struct {
	struct util_wfd	 w;
	bool		 init;
	bool		 gone;		/* the reader is gone: drop */
	bool		 failed;	/* a write failed (or was given up) */
	struct buf	 q;
	size_t		 off;		/* q[0, off) is written */
	volatile sig_atomic_t *interrupt; /* a signal's flag, or NULL */
	int64_t		 sig_end_us;	/* after a signal, writes end here
					 * (0: not set yet) */
} eo;

/* After a signal, one bound for all that is written from then on: the
 * first wait that sees the signal sets it (or errout_set_deadline). */
static int64_t
signal_end(void)
{
	if (eo.sig_end_us == 0 && eo.interrupt != NULL && *eo.interrupt != 0)
		eo.sig_end_us = util_now_us() +
		    (int64_t)OUTPUT_SIGNAL_DRAIN_MS * 1000;
	return eo.sig_end_us;
}

void
errout_set_deadline(int64_t end_us)
{
	if (eo.sig_end_us == 0 || end_us < eo.sig_end_us)
		eo.sig_end_us = end_us;
}

void
errout_set_interrupt(volatile sig_atomic_t *flag)
{
	eo.interrupt = flag;
}

bool
errout_failed(void)
{
	return eo.failed;
}

static void
setup(void)
{
	if (!eo.init) {
		util_wfd_init(&eo.w, 2);
		eo.init = true;
	}
}

/* Write all of p, waiting on poll when the fd would block: as long as it
 * takes, or after a signal until the one end of all writes, when the rest
 * is dropped. */
static void
write_all(const char *p, size_t n)
{
	struct pollfd pfd = { .fd = 2, .events = POLLOUT };
	int64_t left;
	ssize_t w;

	while (n > 0 && !eo.gone) {
		w = util_write_nb(&eo.w, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			left = signal_end() == 0 ? 100 :
			    (eo.sig_end_us - util_now_us()) / 1000;
			if (left <= 0) {
				eo.gone = eo.failed = true;
				break;
			}
			(void)poll(&pfd, 1, (int)(left < 100 ? left : 100));
			continue;
		}
		if (w <= 0) {
			eo.gone = eo.failed = true;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
}

void
errout_add(const char *p, size_t n)
{
	setup();
	if (eo.gone || n == 0)
		return;
	if (buf_add(&eo.q, p, n) == -1) {
		errout_drain();
		write_all(p, n);
	}
}

int
errout_flush(void)
{
	ssize_t w;

	setup();
	while (!eo.gone && eo.off < eo.q.len) {
		w = util_write_nb(&eo.w, eo.q.data + eo.off, eo.q.len - eo.off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w <= 0)
			eo.gone = eo.failed = true;
		else
			eo.off += (size_t)w;
	}
	if (eo.off < eo.q.len && !eo.gone) {
		/* drop what is written once it is most of the buffer, so
		 * the buffer follows what waits, not what went before */
		if (eo.off >= 4096 && eo.off >= eo.q.len / 2) {
			memmove(eo.q.data, eo.q.data + eo.off,
			    eo.q.len - eo.off);
			eo.q.len -= eo.off;
			eo.off = 0;
		}
		return 1;
	}
	if (eo.q.cap > 65536)
		buf_free(&eo.q);
	buf_reset(&eo.q);
	eo.off = 0;
	return eo.gone ? -1 : 0;
}

size_t
errout_pending(void)
{
	return eo.q.len - eo.off;
}

int
errout_fd(void)
{
	return 2;
}

void
errout_drain(void)
{
	setup();
	if (eo.off < eo.q.len)
		write_all(eo.q.data + eo.off, eo.q.len - eo.off);
	buf_free(&eo.q);
	eo.off = 0;
}
