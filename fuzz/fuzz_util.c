/* fuzz_util — durations, sizes and whole numbers (util_parse_duration,
 * util_parse_size, util_parse_long) over any text.  Checked: what is
 * accepted is in range (a duration at most 100 years), and plain decimal
 * input means what it says ("12" is 12 s and 12 bytes, "12ms" 12 ms,
 * "3K" 3072 bytes). */
#include "fuzz.h"

#include "util.h"

#include <errno.h>
#include <limits.h>

/* All decimal digits, at most 12 of them (times 1000 still exact as a
 * double)? */
static int
small_decimal(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 12)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t n = strlen(s);
	int64_t ms = -1;
	uint64_t bytes = 0;
	long v = 0;
	int rc;

	rc = util_parse_duration(s, &ms);
	if (rc == 0) {
		FUZZ_ASSERT(ms >= 0 && ms <= UTIL_DURATION_MAX_MS);
		if (small_decimal(s, n))
			FUZZ_ASSERT(ms == strtoll(s, NULL, 10) * 1000);
		if (n > 2 && small_decimal(s, n - 2) &&
		    strcmp(s + n - 2, "ms") == 0)
			FUZZ_ASSERT(ms == strtoll(s, NULL, 10));
	} else if (rc == -2)	/* longer than 100 years */
		FUZZ_ASSERT(!small_decimal(s, n) || strtoll(s, NULL, 10) >
		    UTIL_DURATION_MAX_MS / 1000);
	else
		FUZZ_ASSERT(!small_decimal(s, n));
	if (util_parse_size(s, &bytes) == 0) {
		if (small_decimal(s, n))
			FUZZ_ASSERT(bytes == strtoull(s, NULL, 10));
		if (n > 1 && small_decimal(s, n - 1) && s[n - 1] == 'K')
			FUZZ_ASSERT(bytes == strtoull(s, NULL, 10) * 1024);
	} else
		FUZZ_ASSERT(!small_decimal(s, n));
	if (util_parse_long(s, -1000, 1000, &v) == 0)
		FUZZ_ASSERT(v >= -1000 && v <= 1000);
	if (util_parse_long(s, LONG_MIN, LONG_MAX, &v) == 0 &&
	    small_decimal(s, n))
		FUZZ_ASSERT(v == strtol(s, NULL, 10));
	free(s);
	return 0;
}
