/* progress — the progress line, on fd 2 (through errout.h's queue).  The
 * line is made of segments in a fixed order; when the terminal is too
 * narrow the least important are left out, so the line never wraps (a
 * wrapped line cannot be redrawn in place).  It is drawn only when its
 * text changes, so a run that waits does not flicker or hide what the
 * user types. */
#include "progress.h"
#include "errout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINE_MAX_	256
#define SEGMENTS	9

struct progress {
	int	 fd;
	int	 width;		/* columns; 0 = not a terminal */
	char	 last[LINE_MAX_];
	size_t	 last_len;
	bool	 drawn;		/* a line is on the screen */
};

/* h:mm:ss, m:ss or Ns. */
static void
clock_text(char *buf, size_t len, double s)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else if (t >= 60)
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
	else
		snprintf(buf, len, "%lds", t);
}

size_t
progress_format(char *buf, size_t len, const struct progress_fields *f,
    int width)
{
	/* Each segment and its priority (0 = kept longest). */
	char seg[SEGMENTS][64], tmp[32];
	int prio[SEGMENTS], n = 0, i, worst;
	bool keep[SEGMENTS];
	size_t total, out = 0;
	bool known = f->total >= 0 && f->total >= (double)f->done;
	double rate = f->elapsed_s > 0 ? (double)f->done / f->elapsed_s : 0;

	if (known)
		snprintf(seg[n], sizeof seg[n], "%llu/%s%.0f",
		    (unsigned long long)f->done, f->estimated ? "~" : "",
		    f->total);
	else
		snprintf(seg[n], sizeof seg[n], "%llu done",
		    (unsigned long long)f->done);
	prio[n++] = 0;
	if (known && f->total > 0) {
		snprintf(seg[n], sizeof seg[n], "%.0f%%",
		    100.0 * (double)f->done / f->total);
		prio[n++] = 1;
	}
	snprintf(seg[n], sizeof seg[n], "ok %llu", (unsigned long long)f->ok);
	prio[n++] = 4;
	snprintf(seg[n], sizeof seg[n], "failed %llu",
	    (unsigned long long)f->failed);
	prio[n++] = 2;
	snprintf(seg[n], sizeof seg[n], "%zu in flight", f->inflight);
	prio[n++] = 5;
	snprintf(seg[n], sizeof seg[n], "%.1f/s", rate);
	prio[n++] = 6;
	clock_text(tmp, sizeof tmp, f->elapsed_s);
	snprintf(seg[n], sizeof seg[n], "%s", tmp);
	prio[n++] = 7;
	if (known && rate > 0 && f->done > 0) {
		clock_text(tmp, sizeof tmp, (f->total - (double)f->done) / rate);
		snprintf(seg[n], sizeof seg[n], "ETA %s", tmp);
		prio[n++] = 3;
	}
	if (f->window_full) {
		if (f->wait_index >= 0)
			snprintf(seg[n], sizeof seg[n], "waiting on #%lld, %.1f s",
			    (long long)f->wait_index, f->wait_secs);
		else
			snprintf(seg[n], sizeof seg[n], "waiting on the reader");
		prio[n++] = 1;
	}
	for (i = 0; i < n; i++)
		keep[i] = true;
	for (;;) {
		total = 0;
		for (i = 0; i < n; i++)
			if (keep[i])
				total += strlen(seg[i]) + (total ? 2 : 0);
		if (width <= 0 || total < (size_t)width)
			break;
		for (worst = -1, i = 0; i < n; i++)
			if (keep[i] && prio[i] > 0 &&
			    (worst == -1 || prio[i] > prio[worst]))
				worst = i;
		if (worst == -1)
			break;
		keep[worst] = false;
	}
	if (len == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		out += (size_t)snprintf(buf + out, len - out, "%s%s",
		    out ? "  " : "", seg[i]);
		if (out >= len)
			out = len - 1;
	}
	/* Still too wide (a terminal of a few columns): cut. */
	if (width > 0 && out >= (size_t)width) {
		out = width > 1 ? (size_t)width - 1 : 0;
		buf[out] = '\0';
	}
	return out;
}

bool
progress_same_place(int a, int b)
{
	struct stat sa, sb;

	if (fstat(a, &sa) == -1 || fstat(b, &sb) == -1)
		return false;
	if (isatty(a) && isatty(b))	/* two fds of one terminal */
		return sa.st_rdev == sb.st_rdev;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

struct progress *
progress_new(int fd)
{
	struct progress *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->fd = fd;
	progress_resize(p);
	return p;
}

void
progress_free(struct progress *p)
{
	free(p);
}

void
progress_resize(struct progress *p)
{
	struct winsize ws;

	p->width = ioctl(p->fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ?
	    ws.ws_col : 0;
	if (!isatty(p->fd))
		p->width = 0;
	p->last_len = 0;	/* draw again */
	p->last[0] = '\0';
}

/* Through the stderr queue: a terminal that is paused (^S, a pane in
 * copy mode) never blocks the loop. */
static int
put(const char *s, size_t n)
{
	errout_add(s, n);
	return 0;
}

int
progress_draw(struct progress *p, const struct progress_fields *f)
{
	char line[LINE_MAX_ + 16];
	char text[LINE_MAX_];
	size_t n = progress_format(text, sizeof text, f, p->width ?
	    p->width : 80);

	if (p->drawn && n == p->last_len && memcmp(text, p->last, n) == 0)
		return 0;
	memcpy(p->last, text, n);
	p->last_len = n;
	p->drawn = true;
	/* back to the line's start, the text, then clear what is left */
	n = (size_t)snprintf(line, sizeof line, "\r%s\033[K", text);
	return put(line, n < sizeof line ? n : sizeof line - 1);
}

int
progress_clear(struct progress *p)
{
	if (!p->drawn)
		return 0;
	p->drawn = false;
	p->last_len = 0;
	return put("\r\033[K", 4);
}
