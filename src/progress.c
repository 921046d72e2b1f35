/* progress — the progress line, written straight to fd 2. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
progress_format(char *line, size_t len, const struct stats *st,
    size_t running, double el, const struct progress_wait *w)
{
	int n, m;

	n = snprintf(line, len, "%llu done, %zu running, %llu failed, %.0f/s",
	    (unsigned long long)st->records, running,
	    (unsigned long long)(st->records - st->ok),
	    el > 0 ? (double)st->records / el : 0.0);
	if (n < 0 || (size_t)n >= len || w == NULL || !w->full)
		return n;
	if (w->index >= 0)
		m = snprintf(line + n, len - (size_t)n,
		    ", waiting on #%lld, %.1f s", (long long)w->index,
		    w->secs);
	else
		m = snprintf(line + n, len - (size_t)n,
		    ", waiting on the reader");
	return m < 0 ? n : n + m;
}

int
progress_draw(const struct stats *st, size_t running, double el,
    const struct progress_wait *w)
{
	char line[200];
	int n;

	memcpy(line, "\r\033[K", 4);
	n = progress_format(line + 4, sizeof line - 4, st, running, el, w);
	if (n < 0)
		return 0;
	if ((size_t)n > sizeof line - 5)
		n = (int)sizeof line - 5;
	if (write(2, line, (size_t)n + 4) < 0)
		return -1;
	return 0;
}

int
progress_clear(void)
{
	return write(2, "\r\033[K", 4) < 0 ? -1 : 0;
}
