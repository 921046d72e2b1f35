/* errout — the standard error queue (see errout.h). */
#include "errout.h"
#include "buf.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <unistd.h>

static struct {
	struct util_wfd	 w;
	bool		 init;
	bool		 gone;		/* the reader is gone: drop */
	struct buf	 q;
	size_t		 off;		/* q[0, off) is written */
} eo;

static void
setup(void)
{
	if (!eo.init) {
		util_wfd_init(&eo.w, 2);
		eo.init = true;
	}
}

/* Write all of p, waiting on poll when the fd would block. */
static void
write_all(const char *p, size_t n)
{
	struct pollfd pfd = { .fd = 2, .events = POLLOUT };
	ssize_t w;

	while (n > 0 && !eo.gone) {
		w = util_write_nb(&eo.w, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			(void)poll(&pfd, 1, -1);
			continue;
		}
		if (w <= 0) {
			eo.gone = true;
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
			return 1;
		if (w <= 0)
			eo.gone = true;
		else
			eo.off += (size_t)w;
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
