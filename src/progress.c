/* progress — the progress line, written straight to fd 2. */
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

int
progress_draw(const struct stats *st, size_t running, double el)
{
	char line[160];
	int n;

	n = snprintf(line, sizeof line, "\r\033[K%llu done, %zu running, "
	    "%llu failed, %.0f/s", (unsigned long long)st->records, running,
	    (unsigned long long)(st->records - st->ok),
	    el > 0 ? (double)st->records / el : 0.0);
	if (n > 0 && write(2, line, (size_t)n) < 0)
		return -1;
	return 0;
}

int
progress_clear(void)
{
	return write(2, "\r\033[K", 4) < 0 ? -1 : 0;
}
