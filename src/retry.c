/* retry — the retry policy. */
#include "retry.h"
#include "hdr.h"
#include "util.h"

#include <curl/curl.h>
#include <string.h>

bool
retry_idempotent(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	    strcmp(m, "PUT") == 0 || strcmp(m, "DELETE") == 0 ||
	    strcmp(m, "OPTIONS") == 0 || strcmp(m, "TRACE") == 0;
}

int64_t
retry_after_ms(const char *headers, size_t len, time_t now)
{
	struct hdr_field f;
	char tmp[128];
	long secs;
	time_t when;

	if (!hdr_find(headers, len, "Retry-After", &f) || f.vlen == 0 ||
	    f.vlen >= sizeof tmp)
		return -1;
	memcpy(tmp, f.value, f.vlen);
	tmp[f.vlen] = '\0';
	if (util_parse_long(tmp, 0, 1000000000L, &secs) == 0)
		return (int64_t)secs * 1000;
	when = curl_getdate(tmp, NULL);
	if (when == -1)
		return -1;
	when -= now;
	return when <= 0 ? 0 : (int64_t)when * 1000;
}

int64_t
retry_backoff_cap(const struct retry_policy *p, long attempts)
{
	int64_t base = p->delay_ms;
	long k;

	for (k = 1; k < attempts && base < p->max_wait_ms; k++)
		base *= 2;
	return base > p->max_wait_ms ? p->max_wait_ms : base;
}

int64_t
retry_wait(const struct retry_policy *p, long attempts, const char *method,
    enum err_kind kind, long status, int64_t retry_after, double jitter)
{
	int64_t cap;

	if (attempts > p->retries || !retry_idempotent(method))
		return -1;
	if (kind != ERR_CONNECT && kind != ERR_TIMEOUT && !(kind == ERR_HTTP &&
	    (status == 429 || status == 502 || status == 503 ||
	    status == 504)))
		return -1;
	if (kind == ERR_HTTP && retry_after >= 0)
		return retry_after > p->max_wait_ms ? -1 : retry_after;
	/* Exponential backoff with full jitter: uniform in [0, cap]. */
	cap = retry_backoff_cap(p, attempts);
	if (cap <= 0)
		return 0;
	return (int64_t)(jitter * (double)(cap + 1));
}
