/* retry — the retry policy. */
#include "retry.h"
#include "hdr.h"
#include "util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

/* The error kinds --retry-on may name: those a second try can change. */
static const enum err_kind retry_kinds[] = {ERR_DNS, ERR_CONNECT, ERR_TLS,
    ERR_TIMEOUT, ERR_READ, ERR_PROTOCOL};

static void
set_status(struct retry_set *s, long lo, long hi)
{
	for (; lo <= hi; lo++)
		s->status[lo / 8] |= (unsigned char)(1u << (lo % 8));
}

/* One item of the list: a kind, a status or a range of them. */
static int
set_item(struct retry_set *s, const char *item)
{
	char lo[8], *dash;
	long a, b;
	size_t i;

	for (i = 0; i < sizeof retry_kinds / sizeof retry_kinds[0]; i++)
		if (strcmp(item, record_kind_name(retry_kinds[i])) == 0) {
			s->kinds |= 1u << retry_kinds[i];
			return 0;
		}
	if (*item < '0' || *item > '9')
		return -1;
	if ((dash = strchr(item, '-')) == NULL) {
		if (util_parse_long(item, 100, 599, &a) == -1)
			return -1;
		set_status(s, a, a);
		return 0;
	}
	if ((size_t)(dash - item) >= sizeof lo || dash[1] < '0' ||
	    dash[1] > '9')
		return -1;
	memcpy(lo, item, (size_t)(dash - item));
	lo[dash - item] = '\0';
	if (util_parse_long(lo, 100, 599, &a) == -1 ||
	    util_parse_long(dash + 1, 100, 599, &b) == -1 || a > b)
		return -1;
	set_status(s, a, b);
	return 0;
}

int
retry_set_parse(struct retry_set *s, const char *list, char *err,
    size_t errlen)
{
	char item[64];
	const char *p = list, *comma, *next;
	size_t n;

	memset(s, 0, sizeof(*s));
	s->given = true;
	do {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		next = comma != NULL ? comma + 1 : NULL;
		if (n >= sizeof item)
			n = sizeof item - 1;
		while (n > 0 && (*p == ' ' || *p == '\t')) {	/* "429, 503" */
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		memcpy(item, p, n);
		item[n] = '\0';
		if (set_item(s, item) == -1) {
			snprintf(err, errlen, "'%s' is not a status (100-599), "
			    "a range of them, or one of dns, connect, tls, "
			    "timeout, read, protocol", item);
			return -1;
		}
		p = next;
	} while (p != NULL);
	return 0;
}

bool
retry_set_has(const struct retry_set *s, enum err_kind kind, long status)
{
	if (!s->given)
		return kind == ERR_CONNECT || kind == ERR_TIMEOUT ||
		    (kind == ERR_HTTP && (status == 408 || status == 429 ||
		    status == 500 || status == 502 || status == 503 ||
		    status == 504));
	if (kind == ERR_HTTP)
		return status >= 0 && status < 600 &&
		    (s->status[status / 8] & (1u << (status % 8))) != 0;
	return kind < 32 && (s->kinds & (1u << kind)) != 0;
}

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
	time_t when;
	size_t i, j;
	int64_t v;

	if (!hdr_find(headers, len, "Retry-After", &f) || f.vlen == 0)
		return -1;
	/* delta-seconds (1*DIGIT) past the bound, however many digits: as
	 * far as the bound, not absent (which would retry at once) */
	for (i = 0; i < f.vlen && f.value[i] == '0'; i++)
		;
	for (j = i, v = 0; j < f.vlen && f.value[j] >= '0' &&
	    f.value[j] <= '9'; j++)
		if (j - i < 11)
			v = v * 10 + (f.value[j] - '0');
	if (j == f.vlen)	/* digits only, however many */
		return (j - i > 10 || v > 1000000000L ? 1000000000L : v) *
		    1000;
	/* else an HTTP-date; a number with a sign ("+5", "-0") is neither */
	if (f.vlen >= sizeof tmp)
		return -1;
	memcpy(tmp, f.value, f.vlen);
	tmp[f.vlen] = '\0';
	when = curl_getdate(tmp, NULL);
	if (when == -1)
		return -1;
	/* A date past the delta-seconds bound is as far as that one (a
	 * date curl_getdate reads in 60000000000 years must not overflow
	 * the product: the fuzzer found one). */
	when -= now;
	if (when > 1000000000L)
		when = 1000000000L;
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

bool
retry_wanted(const struct retry_policy *p, long attempts, const char *method,
    enum err_kind kind, long status)
{
	return attempts <= p->retries && retry_idempotent(method) &&
	    retry_set_has(&p->on, kind, status);
}

int64_t
retry_wait(const struct retry_policy *p, long attempts, const char *method,
    enum err_kind kind, long status, int64_t retry_after, double jitter)
{
	int64_t cap;

	if (!retry_wanted(p, attempts, method, kind, status))
		return -1;
	if (kind == ERR_HTTP && retry_after >= 0)
		return retry_after > p->max_wait_ms ? -1 : retry_after;
	/* Exponential backoff with full jitter: uniform in [0, cap]. */
	cap = retry_backoff_cap(p, attempts);
	if (cap <= 0)
		return 0;
	return (int64_t)(jitter * (double)(cap + 1));
}
