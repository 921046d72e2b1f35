/* Unit tests of retry: idempotency, Retry-After, the backoff cap and
 * the decision to retry (with the jitter passed in). */
#include "retry.h"

#include <string.h>

#include "check.h"

UNIT_TEST(retry_idempotent_methods)
{
	CHECK(retry_idempotent("GET"));
	CHECK(retry_idempotent("HEAD"));
	CHECK(retry_idempotent("PUT"));
	CHECK(retry_idempotent("DELETE"));
	CHECK(retry_idempotent("OPTIONS"));
	CHECK(retry_idempotent("TRACE"));
	CHECK(!retry_idempotent("POST"));
	CHECK(!retry_idempotent("PATCH"));
	CHECK(!retry_idempotent("CONNECT"));
	CHECK(!retry_idempotent("PURGE"));
	CHECK(!retry_idempotent("get"));	/* methods are case-sensitive */
	CHECK(!retry_idempotent("GETX"));
	CHECK(!retry_idempotent(""));
}

static int64_t
after(const char *block, time_t now)
{
	return retry_after_ms(block, strlen(block), now);
}

UNIT_TEST(retry_after_header)
{
	/* curl_getdate("Sun, 06 Nov 1994 08:49:37 GMT") */
	const time_t t = 784111777;
	char big[300];

	CHECK(after("HTTP/1.1 429 x\r\nRetry-After: 120\r\n\r\n", t) == 120000);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: 0\r\n\r\n", t) == 0);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After:   7  \r\n", t) == 7000);
	CHECK(after("HTTP/1.1 503 x\nRetry-After: 3\n", t) == 3000);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: 1000000000\r\n", t) ==
	    1000000000000LL);
	/* more delta-seconds than that: as far, never absent */
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: 1000000001\r\n", t) ==
	    1000000000000LL);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: "
	    "99999999999999999999999999\r\n", t) == 1000000000000LL);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: 1000000001x\r\n", t) ==
	    -1);
	/* HTTP dates, in all three of RFC 9110's forms */
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 "
	    "08:49:37 GMT\r\n", t - 120) == 120000);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: Sunday, 06-Nov-94 "
	    "08:49:37 GMT\r\n", t - 5) == 5000);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: Sun Nov  6 08:49:37 "
	    "1994\r\n", t - 1) == 1000);
	/* now, and the past, are 0 */
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 "
	    "08:49:37 GMT\r\n", t) == 0);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: Sun, 06 Nov 1994 "
	    "08:49:37 GMT\r\n", t + 3600) == 0);
	/* absent, empty, garbage */
	CHECK(after("HTTP/1.1 503 x\r\n\r\n", t) == -1);
	CHECK(after("", t) == -1);
	CHECK(retry_after_ms(NULL, 0, t) == -1);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After:\r\n", t) == -1);
	/* a date curl_getdate reads tens of billions of years ahead (the
	 * fuzzer's): capped as delta-seconds are, no overflow (unit-san) */
	{
		int64_t far = after("Retry-After: 000000000000000000000000"
		    "0000000000000000001900684385\377\377Oct 2\n", t);

		CHECK(far == -1 || (far >= 0 && far <= 1000000000000LL));
	}
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After:   \r\n", t) == -1);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: soon\r\n", t) == -1);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: -5\r\n", t) == -1);
	/* delta-seconds is digits only: a sign makes it no value at all */
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: +5\r\n", t) == -1);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: -0\r\n", t) == -1);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: +0\r\n", t) == -1);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: 1.5\r\n", t) == -1);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: 5s\r\n", t) == -1);
	CHECK(after("HTTP/1.1 503 x\r\nRetry-After: 12abc\r\n", t) == -1);
	/* digits, however many: past the bound as far as it, and leading
	 * zeros are no seconds */
	memset(big, '1', sizeof big);
	memcpy(big, "Retry-After: ", 13);
	big[sizeof big - 1] = '\0';
	CHECK(after(big, t) == 1000000000000LL);
	memset(big + 13, '0', 126);
	big[13 + 126] = '5';
	big[13 + 127] = '\0';
	CHECK(after(big, t) == 5000);
	big[13 + 126] = '0';
	big[13 + 127] = '5';
	big[13 + 128] = '\0';
	CHECK(after(big, t) == 5000);
	/* too long for a date (never read past the copy) */
	memset(big + 13, 'x', 200);
	big[13 + 200] = '\0';
	CHECK(after(big, t) == -1);
	/* the name in any case; another header's name is not it */
	CHECK(after("HTTP/1.1 429 x\r\nretry-after: 4\r\n", t) == 4000);
	CHECK(after("HTTP/1.1 429 x\r\nRETRY-AFTER: 4\r\n", t) == 4000);
	CHECK(after("HTTP/1.1 429 x\r\nX-Retry-After: 4\r\n", t) == -1);
	CHECK(after("HTTP/1.1 429 x\r\nRetry-After-Ms: 4\r\n", t) == -1);
	/* several lines: the first one counts, even when it is garbage */
	CHECK(after("HTTP/1.1 429 x\r\nA: b\r\nRetry-After: 2\r\n"
	    "Retry-After: 9\r\n", t) == 2000);
	CHECK(after("HTTP/1.1 429 x\r\nRetry-After: x\r\n"
	    "Retry-After: 9\r\n", t) == -1);
	/* the length bounds the block */
	CHECK(retry_after_ms("Retry-After: 12", 14, t) == 1000);
}

UNIT_TEST(retry_backoff)
{
	struct retry_policy p = {.retries = 5, .delay_ms = 500,
	    .max_wait_ms = 30000};

	CHECK(retry_backoff_cap(&p, 0) == 500);
	CHECK(retry_backoff_cap(&p, 1) == 500);
	CHECK(retry_backoff_cap(&p, 2) == 1000);
	CHECK(retry_backoff_cap(&p, 3) == 2000);
	CHECK(retry_backoff_cap(&p, 6) == 16000);
	CHECK(retry_backoff_cap(&p, 7) == 30000);	/* 32000, capped */
	CHECK(retry_backoff_cap(&p, 8) == 30000);
	CHECK(retry_backoff_cap(&p, 1000) == 30000);
	CHECK(retry_backoff_cap(&p, 2147483647L) == 30000);	/* no wrap */
	p.delay_ms = 10;
	p.max_wait_ms = 80;
	CHECK(retry_backoff_cap(&p, 4) == 80);
	CHECK(retry_backoff_cap(&p, 5) == 80);
	p.delay_ms = 5000;	/* a base above the longest wait */
	p.max_wait_ms = 1000;
	CHECK(retry_backoff_cap(&p, 1) == 1000);
	p.delay_ms = 0;
	CHECK(retry_backoff_cap(&p, 10) == 0);
}

/* retry_wanted says yes exactly where retry_wait gives a wait: the
 * scheduler draws the jitter (a system call) only then. */
UNIT_TEST(retry_wanted_matches_wait)
{
	struct retry_policy p = {.retries = 2, .delay_ms = 100,
	    .max_wait_ms = 30000};
	static const long statuses[] = {0, 200, 404, 408, 429, 500, 503};
	static const char *const methods[] = {"GET", "POST", "PUT", "HEAD"};
	static const enum err_kind kinds[] = {ERR_NONE, ERR_HTTP,
	    ERR_CONNECT, ERR_TIMEOUT, ERR_READ, ERR_DNS, ERR_TLS};
	size_t a, m, k, st;

	for (a = 1; a <= 3; a++)
		for (m = 0; m < 4; m++)
			for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
				for (st = 0; st < 7; st++)
					CHECK(retry_wanted(&p, (long)a,
					    methods[m], kinds[k],
					    statuses[st]) ==
					    (retry_wait(&p, (long)a,
					    methods[m], kinds[k],
					    statuses[st], -1, 0.5) >= 0));
	CHECK(retry_wanted(&p, 2, "GET", ERR_TIMEOUT, 0));
	CHECK(!retry_wanted(&p, 3, "GET", ERR_TIMEOUT, 0));
	CHECK(!retry_wanted(&p, 1, "POST", ERR_TIMEOUT, 0));
	CHECK(!retry_wanted(&p, 1, "GET", ERR_NONE, 200));
	p.retries = 0;
	CHECK(!retry_wanted(&p, 1, "GET", ERR_TIMEOUT, 0));
}

UNIT_TEST(retry_wait_kinds)
{
	struct retry_policy p = {.retries = 3, .delay_ms = 100,
	    .max_wait_ms = 30000};

	/* retried by default: connect, timeout, 408, 429, 500, 502-504 */
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 408, -1, 0.5) == 50);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 500, -1, 0.5) == 50);
	CHECK(retry_wait(&p, 1, "GET", ERR_CONNECT, 0, -1, 0) == 0);
	CHECK(retry_wait(&p, 1, "GET", ERR_TIMEOUT, 0, -1, 0.5) == 50);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 429, -1, 0.5) == 50);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 502, -1, 0.5) == 50);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 503, -1, 0.5) == 50);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 504, -1, 0.5) == 50);
	/* not retried: other statuses and every other kind */
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 401, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 403, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 404, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 501, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 505, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_NONE, 200, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_DNS, 0, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_TLS, 0, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_READ, 0, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_PROTOCOL, 0, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_DECODE, 200, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_BODY_TOO_LARGE, 200, -1, 0.5) ==
	    -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_TOO_MANY_REDIRECTS, 302, -1, 0.5) ==
	    -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_PAGINATION, 200, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_CANCELLED, 0, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_DEADLINE, 0, -1, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_INVALID_URL, 0, -1, 0.5) == -1);
	/* a retried status only counts as an HTTP error: a 503 a connect
	 * error came with does not make a timeout of a read error */
	CHECK(retry_wait(&p, 1, "GET", ERR_READ, 503, -1, 0.5) == -1);
}

UNIT_TEST(retry_wait_attempts_methods)
{
	struct retry_policy p = {.retries = 2, .delay_ms = 100,
	    .max_wait_ms = 30000};

	/* --retries 2: attempts 1 and 2 are retried, the third is last */
	CHECK(retry_wait(&p, 1, "GET", ERR_CONNECT, 0, -1, 0) == 0);
	CHECK(retry_wait(&p, 2, "GET", ERR_CONNECT, 0, -1, 0) == 0);
	CHECK(retry_wait(&p, 3, "GET", ERR_CONNECT, 0, -1, 0) == -1);
	CHECK(retry_wait(&p, 4, "GET", ERR_CONNECT, 0, -1, 0) == -1);
	p.retries = 0;		/* the default: never */
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 503, -1, 0) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 503, 1000, 0) == -1);
	/* non-idempotent methods never, whatever the error */
	p.retries = 5;
	CHECK(retry_wait(&p, 1, "POST", ERR_CONNECT, 0, -1, 0) == -1);
	CHECK(retry_wait(&p, 1, "POST", ERR_HTTP, 503, 1000, 0) == -1);
	CHECK(retry_wait(&p, 1, "PATCH", ERR_TIMEOUT, 0, -1, 0) == -1);
	CHECK(retry_wait(&p, 1, "PUT", ERR_HTTP, 503, -1, 0) == 0);
	CHECK(retry_wait(&p, 1, "DELETE", ERR_TIMEOUT, 0, -1, 0) == 0);
	CHECK(retry_wait(&p, 1, "HEAD", ERR_HTTP, 429, -1, 0) == 0);
}

UNIT_TEST(retry_wait_retry_after)
{
	struct retry_policy p = {.retries = 3, .delay_ms = 100,
	    .max_wait_ms = 30000};

	/* Retry-After is honoured as given, jitter or not */
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 503, 2000, 0) == 2000);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 429, 2000, 0.999) == 2000);
	CHECK(retry_wait(&p, 3, "GET", ERR_HTTP, 502, 0, 0.5) == 0);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 503, 30000, 0.5) == 30000);
	/* a wait longer than --retry-max-wait: no retry at all */
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 503, 30001, 0.5) == -1);
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 429, 3600000, 0) == -1);
	/* not on a status that is not retried */
	CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, 501, 1000, 0) == -1);
	/* a transport error has no response, so no Retry-After: backoff */
	CHECK(retry_wait(&p, 1, "GET", ERR_CONNECT, 0, 5000, 0.5) == 50);
}

UNIT_TEST(retry_wait_jitter)
{
	struct retry_policy p = {.retries = 10, .delay_ms = 1000,
	    .max_wait_ms = 30000};

	/* full jitter: uniform in [0, cap], the cap doubling per attempt */
	CHECK(retry_wait(&p, 1, "GET", ERR_TIMEOUT, 0, -1, 0) == 0);
	CHECK(retry_wait(&p, 1, "GET", ERR_TIMEOUT, 0, -1, 0.999) == 999);
	CHECK(retry_wait(&p, 1, "GET", ERR_TIMEOUT, 0, -1, 0.9999999) == 1000);
	CHECK(retry_wait(&p, 1, "GET", ERR_TIMEOUT, 0, -1, 0.5) == 500);
	CHECK(retry_wait(&p, 2, "GET", ERR_TIMEOUT, 0, -1, 0) == 0);
	CHECK(retry_wait(&p, 2, "GET", ERR_TIMEOUT, 0, -1, 0.999) == 1998);
	CHECK(retry_wait(&p, 3, "GET", ERR_TIMEOUT, 0, -1, 0.999) == 3996);
	CHECK(retry_wait(&p, 3, "GET", ERR_TIMEOUT, 0, -1, 0.25) == 1000);
	/* capped at --retry-max-wait */
	CHECK(retry_wait(&p, 9, "GET", ERR_TIMEOUT, 0, -1, 0) == 0);
	CHECK(retry_wait(&p, 9, "GET", ERR_TIMEOUT, 0, -1, 0.999) == 29970);
	CHECK(retry_wait(&p, 10, "GET", ERR_TIMEOUT, 0, -1, 0.9999999) ==
	    30000);
	/* --retry-delay 0: at once */
	p.delay_ms = 0;
	CHECK(retry_wait(&p, 1, "GET", ERR_CONNECT, 0, -1, 0.999) == 0);
	CHECK(retry_wait(&p, 5, "GET", ERR_CONNECT, 0, -1, 0.999) == 0);
}
