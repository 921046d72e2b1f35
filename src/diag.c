/* diag — "volley: ..." lines on stderr. */
#include "diag.h"
#include "errout.h"

#include <stdarg.h>
#include <stdio.h>

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
	errout_drain(-1);	/* after what is queued for stderr */
	fputs("volley: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
