/* Unit tests of limits' adaptive per-host windows, with a fake clock
 * (now_us values chosen by the test).  The counts and the rate bucket
 * are tested in tests/unit/limits.c. */
#include "limits.h"
#include "limits_keys.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

#define A	"http://a:80"
#define B	"http://b:80"

static struct limits_answer
answer(long status, int64_t sent_us)
{
	struct limits_answer a;

	memset(&a, 0, sizeof(a));
	a.status = status;
	a.retry_after_ms = -1;
	a.remaining = -1;
	a.reset_ms = -1;
	a.sent_us = sent_us;
	return a;
}

/* How many transfers key may have in flight now: start until full. */
static long
room_for(struct limits *l, const char *key)
{
	long n = 0;

	while (key_room(l, key) && n < 100000) {
		key_add(l, key, 1);
		n++;
	}
	key_add(l, key, -n);
	return n;
}

static void
start(struct limits *l, const char *key, long n)
{
	CHECK(key_add(l, key, n) == 0);
}

/* One transfer of key ends with answer a at now. */
static void
finish(struct limits *l, const char *key, struct limits_answer a,
    int64_t now)
{
	CHECK(key_add(l, key, -1) == 0);
	CHECK(key_feedback(l, key, &a, now) == 0);
}

UNIT_TEST(adapt_off_by_default)
{
	struct limits *l = limits_new(0, 0);
	struct limits_answer a = answer(429, 0);
	size_t pos = 0;
	struct limits_report r;

	a.retry_after_ms = 5000;
	start(l, A, 10);
	finish(l, A, a, 1000);
	CHECK(key_room(l, A));
	CHECK(key_pause(l, A, 1000) == 0);
	CHECK(!limits_host_report(l, &pos, &r));
	limits_free(l);
}

UNIT_TEST(adapt_decrease_and_increase)
{
	struct limits *l = limits_new(0, 0);
	int64_t t = 1000000;
	long i;

	limits_adapt(l, 100, 30000);
	CHECK(room_for(l, A) == 100);		/* starts at the limit */
	/* 100 sent at t; the first 429 halves the window... */
	start(l, A, 100);
	finish(l, A, answer(429, t), t + 10);
	CHECK(room_for(l, A) == 0);		/* 99 in flight, window 50 */
	/* ...the other answers of that flight do not halve it again, but
	 * bring it down to what the host still has in flight */
	for (i = 0; i < 91; i++)
		finish(l, A, answer(429, t), t + 20);
	/* 8 in flight: the window is 8 */
	CHECK(room_for(l, A) == 0);
	for (i = 0; i < 8; i++)
		finish(l, A, answer(200, t), t + 50000);
	/* each success adds 1/window: about one per window's worth */
	CHECK(room_for(l, A) == 8);
	start(l, A, 1);
	finish(l, A, answer(200, t), t + 50000);
	CHECK(room_for(l, A) == 9);
	/* a 429 sent after the cut halves it again: 9 -> 4 */
	start(l, A, 9);
	finish(l, A, answer(429, t + 60000), t + 70000);
	for (i = 0; i < 8; i++)
		finish(l, A, answer(200, t + 60000), t + 100000);
	CHECK(room_for(l, A) >= 4 && room_for(l, A) <= 6);
	/* other hosts are unaffected */
	CHECK(room_for(l, B) == 100);
	/* successes grow it back to the limit, never above */
	for (i = 0; i < 20000; i++) {
		start(l, A, 1);
		finish(l, A, answer(200, t + 200000), t + 200000);
	}
	CHECK(room_for(l, A) == 100);
	limits_free(l);
}

UNIT_TEST(adapt_floor_and_neutral)
{
	struct limits *l = limits_new(0, 0);
	int64_t t = 5;
	long i;

	limits_adapt(l, 4, 30000);
	/* 503 counts as 429; the window never goes below 1 */
	for (i = 0; i < 10; i++) {
		start(l, A, 1);
		finish(l, A, answer(503, t + i * 10), t + i * 10 + 1);
	}
	CHECK(room_for(l, A) == 1);
	/* no answer (a transport error) changes nothing */
	start(l, A, 1);
	finish(l, A, answer(0, t + 200), t + 300);
	CHECK(room_for(l, A) == 1);
	/* any other status grows it: one per window's worth */
	start(l, A, 1);
	finish(l, A, answer(404, t + 400), t + 500);
	CHECK(room_for(l, A) == 2);
	limits_free(l);
}

UNIT_TEST(adapt_pause)
{
	struct limits *l = limits_new(0, 0);
	struct limits_answer a;
	int64_t t = 1000000000;

	limits_adapt(l, 50, 10000);
	/* Retry-After on a 429 pauses the host, and only it */
	a = answer(429, t);
	a.retry_after_ms = 2000;
	start(l, A, 1);
	finish(l, A, a, t);
	CHECK(key_pause(l, A, t) == 2000000);
	CHECK(key_pause(l, A, t + 1500000) == 500000);
	CHECK(key_pause(l, A, t + 2000000) == 0);
	CHECK(key_pause(l, B, t) == 0);
	CHECK(key_room(l, A));		/* the window: 1 */
	/* a shorter pause does not cut a longer one short */
	a.retry_after_ms = 100;
	start(l, A, 1);
	finish(l, A, a, t + 10);
	CHECK(key_pause(l, A, t + 1000000) == 1000000);
	/* longer than the longest wait: not taken */
	a.retry_after_ms = 10001;
	start(l, B, 1);
	finish(l, B, a, t);
	CHECK(key_pause(l, B, t) == 0);
	/* Retry-After on another status is not a throttle */
	a = answer(200, t);
	a.retry_after_ms = 5000;
	start(l, B, 1);
	finish(l, B, a, t + 3000000);
	CHECK(key_pause(l, B, t + 3000000) == 0);
	limits_free(l);
}

UNIT_TEST(adapt_ratelimit_exhausted)
{
	struct limits *l = limits_new(0, 0);
	struct limits_answer a = answer(200, 0);
	struct limits_report r;
	size_t pos = 0;

	limits_adapt(l, 10, 30000);
	/* a 200 saying none are left: the window is cut and the host
	 * paused until the reset */
	a.remaining = 0;
	a.reset_ms = 3000;
	start(l, A, 4);
	finish(l, A, a, 100);
	CHECK(key_pause(l, A, 100) == 3000000);
	CHECK(room_for(l, A) == 0);		/* 3 in flight, window 3 */
	/* some left: a success like any other */
	a.remaining = 1;
	start(l, B, 1);
	finish(l, B, a, 100);
	CHECK(key_pause(l, B, 100) == 0);
	/* --stats: A was adapted (no 429 or 503 though), B was not */
	CHECK(limits_host_report(l, &pos, &r));
	CHECK(strcmp(r.key, A) == 0 && r.limit == 10 && r.window == 3 &&
	    r.lowest == 3 && r.throttled == 0);
	CHECK(!limits_host_report(l, &pos, &r));
	limits_free(l);
}

UNIT_TEST(adapt_report_and_reuse)
{
	struct limits *l = limits_new(3, 0);
	struct limits_report r;
	char key[32];
	size_t pos = 0;
	int i, n = 0;

	/* with --per-host the window's limit is --per-host */
	limits_adapt(l, 3, 30000);
	CHECK(room_for(l, A) == 3);
	start(l, A, 3);
	finish(l, A, answer(429, 0), 10);
	finish(l, A, answer(429, 0), 10);
	finish(l, A, answer(200, 0), 20);
	/* many other hosts come and go: idle entries are reused, the
	 * adapted one is kept */
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "http://h%d:80", i);
		start(l, key, 1);
		finish(l, key, answer(200, 0), 30);
	}
	while (limits_host_report(l, &pos, &r)) {
		n++;
		CHECK(strcmp(r.key, A) == 0 && r.limit == 3 && r.lowest == 1 &&
		    r.window == 2 && r.throttled == 2);
	}
	CHECK(n == 1);
	CHECK(room_for(l, A) == 2);
	limits_free(l);
}

UNIT_TEST(adapt_many_hosts_kept_in_order)
{
	enum { HOSTS = 5000 };
	struct limits *l = limits_new(0, 0);
	struct limits_report r;
	char key[32], want[32];
	size_t pos = 0;
	int i, n = 0;

	/* Every third host is throttled once among thousands that are not:
	 * the throttled ones are all kept, listed in the order they were
	 * cut, at their cut window; the others leave no trace. */
	limits_adapt(l, 4, 30000);
	for (i = 0; i < HOSTS; i++) {
		snprintf(key, sizeof key, "http://h%d:80", i);
		start(l, key, 1);
		finish(l, key, answer(i % 3 == 0 ? 429 : 200, 0), 10);
	}
	while (limits_host_report(l, &pos, &r)) {
		snprintf(want, sizeof want, "http://h%d:80", n * 3);
		CHECK(strcmp(r.key, want) == 0 && r.window == 1 &&
		    r.lowest == 1 && r.throttled == 1 && r.limit == 4);
		n++;
	}
	CHECK(n == (HOSTS + 2) / 3);
	/* a kept host still holds its window; a forgotten one has all */
	CHECK(room_for(l, "http://h0:80") == 1);
	CHECK(room_for(l, "http://h1:80") == 4);
	limits_free(l);
}
