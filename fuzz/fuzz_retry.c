/* fuzz_retry — Retry-After (retry_after_ms) over any header block, and
 * the retry decision (retry_wait) with it.  The first 8 bytes pick the
 * policy within the ranges cli.c allows.  Checked: Retry-After is -1 or
 * a wait >= 0 that a plain number states exactly; the wait decided is
 * -1 or within [0, --retry-max-wait]. */
#include "fuzz.h"

#include "hdr.h"
#include "retry.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct retry_policy p = {0};	/* the default --retry-on */
	struct hdr_field f;
	char *block, *end;
	int64_t after, wait;
	long attempts, status;
	unsigned long long secs;

	if (size < 8)
		return 0;
	p.retries = data[0] % 8;
	p.delay_ms = (int64_t)data[1] * data[2] * 37;
	p.max_wait_ms = (int64_t)data[3] * data[4] * 1001 + 1;
	attempts = 1 + data[5] % 9;
	status = 400 + data[6] % 200;
	block = fuzz_cstr(data + 8, size - 8);
	after = retry_after_ms(block, size - 8, 1700000000);
	FUZZ_ASSERT(after >= -1);
	if (hdr_find(block, size - 8, "Retry-After", &f) && f.vlen > 0 &&
	    f.vlen < 10 && f.value[0] >= '0' && f.value[0] <= '9' &&
	    strspn(f.value, "0123456789") == f.vlen) {
		secs = strtoull(f.value, &end, 10);
		FUZZ_ASSERT(after == (int64_t)secs * 1000);
	}
	wait = retry_wait(&p, attempts, data[7] & 1 ? "GET" : "POST",
	    ERR_HTTP, status, after, (double)(data[7] >> 1) / 128.0);
	FUZZ_ASSERT(wait == -1 || (wait >= 0 && wait <= p.max_wait_ms));
	wait = retry_wait(&p, attempts, "GET", ERR_TIMEOUT, 0, -1,
	    (double)(data[7] >> 1) / 128.0);
	FUZZ_ASSERT(wait == -1 || (wait >= 0 && wait <= p.max_wait_ms));
	free(block);
	return 0;
}
