/* diag — "volley: ..." lines on stderr, through its queue (errout.h):
 * after what is queued there, and, after a signal, not past the bound
 * the queue keeps then. */
#include "diag.h"
#include "errout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static bool quiet;

void
diag_set_quiet(bool q)
{
	quiet = q;
}

static void
vsay(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static void
vsay(const char *fmt, va_list ap)
{
	char line[1024], *big = NULL;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(line, sizeof line, fmt, ap);
	if (n >= (int)sizeof line && (big = malloc((size_t)n + 1)) != NULL)
		n = vsnprintf(big, (size_t)n + 1, fmt, again);
	else if (n >= (int)sizeof line)
		n = (int)sizeof line - 1;	/* out of memory: cut */
	va_end(again);
	if (n < 0)
		n = 0;
	errout_add("volley: ", 8);
	errout_add(big != NULL ? big : line, (size_t)n);
	errout_add("\n", 1);
	free(big);
	errout_drain();
}

void
diag_warn(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void
diag_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}
