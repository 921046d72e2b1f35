/* Unit tests of progress.c: the line's text, clipped to the width. */
#include "progress.h"

#include <string.h>

#include "check.h"

UNIT_TEST(progress_line)
{
	struct progress_fields f;
	char buf[256];
	size_t n;
	int w;

	memset(&f, 0, sizeof(f));
	f.done = 25;
	f.ok = 24;
	f.failed = 1;
	f.inflight = 5;
	f.elapsed_s = 5;
	f.total = 100;
	n = progress_format(buf, sizeof buf, &f, 200);
	CHECK(strcmp(buf, "25/100  25%  ok 24  failed 1  5 in flight  "
	    "5.0/s  5s  ETA 15s") == 0);
	CHECK(n == strlen(buf));
	/* never as wide as the terminal: the line must not wrap */
	for (w = 1; w <= 80; w++) {
		n = progress_format(buf, sizeof buf, &f, w);
		CHECK(n < (size_t)w || (w == 1 && n == 0));
		CHECK(strlen(buf) == n);
	}
	/* narrow: the least important go first, done and total stay */
	progress_format(buf, sizeof buf, &f, 40);
	CHECK(strcmp(buf, "25/100  25%  ok 24  failed 1  ETA 15s") == 0);
	CHECK(strstr(buf, "in flight") == NULL);
	progress_format(buf, sizeof buf, &f, 12);
	CHECK(strcmp(buf, "25/100  25%") == 0);
	/* no total: no percent, no ETA */
	f.total = -1;
	progress_format(buf, sizeof buf, &f, 200);
	CHECK(strncmp(buf, "25 done  ok 24", 14) == 0);
	CHECK(strchr(buf, '%') == NULL && strstr(buf, "ETA") == NULL);
	/* an estimate says so; long runs use h:mm:ss */
	f.total = 1000;
	f.estimated = true;
	f.elapsed_s = 3725;
	progress_format(buf, sizeof buf, &f, 200);
	CHECK(strncmp(buf, "25/~1000  2%", 12) == 0);
	CHECK(strstr(buf, "  1:02:05") != NULL);
}
