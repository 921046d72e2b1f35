/* Unit tests of limits: the per-host counts and the rate bucket, with
 * the clock passed in (now_us values chosen by the test). */
#include "limits.h"
#include "limits_keys.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

UNIT_TEST(limits_per_host)
{
	struct limits *l = limits_new(2, 0);

	CHECK(l != NULL);
	CHECK(key_room(l, "http://a:80"));	/* never seen */
	CHECK(key_add(l, "http://a:80", 1) == 0);
	CHECK(key_room(l, "http://a:80"));
	CHECK(key_add(l, "http://a:80", 1) == 0);
	CHECK(!key_room(l, "http://a:80"));	/* 2 of 2 */
	/* other hosts are counted apart */
	CHECK(key_room(l, "http://b:80"));
	CHECK(key_room(l, "https://a:443"));
	CHECK(key_room(l, "http://a:8080"));
	CHECK(key_add(l, "http://b:80", 1) == 0);
	CHECK(key_add(l, "http://b:80", 1) == 0);
	CHECK(!key_room(l, "http://b:80"));
	CHECK(!key_room(l, "http://a:80"));
	/* an end makes room again, for that host only */
	CHECK(key_add(l, "http://a:80", -1) == 0);
	CHECK(key_room(l, "http://a:80"));
	CHECK(!key_room(l, "http://b:80"));
	CHECK(key_add(l, "http://a:80", 1) == 0);
	CHECK(!key_room(l, "http://a:80"));
	/* the key is compared exactly (callers lower-case origins) */
	CHECK(key_room(l, "http://A:80"));
	/* a NULL key (a URL that does not parse) is never held back */
	CHECK(key_room(l, NULL));
	CHECK(key_add(l, NULL, 1) == 0);
	CHECK(key_room(l, NULL));
	limits_free(l);
}

UNIT_TEST(limits_per_host_reuse)
{
	struct limits *l = limits_new(1, 0);
	char key[32];
	int i;

	/* Hosts come and go: an idle entry is taken by the next new host,
	 * and the counts stay right through many of them. */
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "http://h%d:80", i);
		CHECK(key_room(l, key));
		CHECK(key_add(l, key, 1) == 0);
		CHECK(!key_room(l, key));
		if (i > 0) {
			snprintf(key, sizeof key, "http://h%d:80", i - 1);
			CHECK(key_room(l, key));	/* ended */
		}
		snprintf(key, sizeof key, "http://h%d:80", i);
		CHECK(key_add(l, key, -1) == 0);
		CHECK(key_room(l, key));
	}
	/* a busy host is not taken over by a new one */
	CHECK(key_add(l, "http://busy:80", 1) == 0);
	CHECK(key_add(l, "http://idle:80", 1) == 0);
	CHECK(key_add(l, "http://idle:80", -1) == 0);
	CHECK(key_add(l, "http://new:80", 1) == 0);
	CHECK(!key_room(l, "http://busy:80"));
	CHECK(!key_room(l, "http://new:80"));
	CHECK(key_room(l, "http://idle:80"));
	/* an end for a host never started changes nothing */
	CHECK(key_add(l, "http://never:80", -1) == 0);
	CHECK(key_room(l, "http://never:80"));
	limits_free(l);
	limits_free(NULL);
}

UNIT_TEST(limits_per_host_none)
{
	struct limits *l = limits_new(0, 0);
	int i;

	/* per_host 0: no limit, whatever is added */
	for (i = 0; i < 1000; i++)
		CHECK(key_add(l, "http://a:80", 1) == 0);
	CHECK(key_room(l, "http://a:80"));
	limits_free(l);
}

UNIT_TEST(limits_rate)
{
	struct limits *l = limits_new(0, 4);	/* 4/s: one each 250 ms */
	int64_t t = 1000000000;		/* any start of the clock */

	CHECK(limits_rate_wait(l, t) == 0);	/* the first is immediate */
	limits_rate_take(l, t);
	CHECK(limits_rate_wait(l, t) == 250000);
	CHECK(limits_rate_wait(l, t + 100000) == 150000);
	CHECK(limits_rate_wait(l, t + 249999) == 1);
	CHECK(limits_rate_wait(l, t + 250000) == 0);
	limits_rate_take(l, t + 250000);
	CHECK(limits_rate_wait(l, t + 250000) == 250000);
	/* a start taken before its time (the caller's choice) still moves
	 * the next one a full step on from the token's time */
	limits_rate_take(l, t + 300000);
	CHECK(limits_rate_wait(l, t + 300000) == 450000);
	/* a late start does not bank tokens: after a long idle the next
	 * start is immediate, but the one after waits a full step */
	CHECK(limits_rate_wait(l, t + 10000000) == 0);
	limits_rate_take(l, t + 10000000);
	CHECK(limits_rate_wait(l, t + 10000000) == 250000);
	CHECK(limits_rate_wait(l, t + 10000001) == 249999);
	limits_free(l);
}

UNIT_TEST(limits_rate_steps)
{
	struct limits *l;
	int64_t t = 0;
	int i;

	/* 1/s from a clock at 0 */
	l = limits_new(0, 1);
	CHECK(limits_rate_wait(l, 0) == 0);
	limits_rate_take(l, 0);
	CHECK(limits_rate_wait(l, 0) == 1000000);
	limits_free(l);

	/* 0.5/s: one each 2 s */
	l = limits_new(0, 0.5);
	limits_rate_take(l, 5);
	CHECK(limits_rate_wait(l, 5) == 2000000);
	limits_free(l);

	/* 3/s: the step is 1e6/3 truncated */
	l = limits_new(0, 3);
	limits_rate_take(l, 0);
	CHECK(limits_rate_wait(l, 0) == 333333);
	limits_free(l);

	/* starts made as soon as allowed come exactly 1e6/rate apart */
	l = limits_new(0, 10);
	for (i = 0; i < 50; i++) {
		int64_t w = limits_rate_wait(l, t);

		CHECK(w == (i == 0 ? 0 : 100000));
		t += w;
		CHECK(limits_rate_wait(l, t) == 0);
		limits_rate_take(l, t);
	}
	CHECK(t == 49 * 100000);
	limits_free(l);
}

UNIT_TEST(limits_rate_none)
{
	struct limits *l = limits_new(3, 0);
	int i;

	/* rate 0: never a wait, however many starts at the same time */
	for (i = 0; i < 100; i++) {
		CHECK(limits_rate_wait(l, 42) == 0);
		limits_rate_take(l, 42);
	}
	limits_free(l);
}

/* Hosts (hosts of them) come and go at random: the table grows, entries
 * are forgotten when idle (moving others back in their probe runs, also
 * where a run wraps round the table's end), and every count stays what
 * a model says. */
static void
churn(long hosts, long steps, unsigned seed)
{
	static long model[3000];
	struct limits *l = limits_new(2, 0);
	char key[32];
	long i, k, ok = 0;

	memset(model, 0, sizeof(model));
	CHECK(l != NULL && hosts <= 3000);
	for (i = 0; i < steps; i++) {
		seed = seed * 1103515245u + 12345u;
		k = (long)((seed >> 8) % (unsigned long)hosts);
		snprintf(key, sizeof key, "http://h%ld:80", k);
		if (key_room(l, key) != (model[k] < 2)) {
			CHECK(!"room differs from the model");
			break;
		}
		if (model[k] < 2 && ((seed >> 4) & 1) == 0) {
			CHECK(key_add(l, key, 1) == 0);
			model[k]++;
		} else if (model[k] > 0) {
			CHECK(key_add(l, key, -1) == 0);
			model[k]--;
		}
		ok++;
	}
	CHECK(ok == steps);
	for (k = 0; k < hosts; k++) {
		snprintf(key, sizeof key, "http://h%ld:80", k);
		CHECK(key_room(l, key) == (model[k] < 2));
	}
	limits_free(l);
}

UNIT_TEST(limits_many_hosts)
{
	unsigned seed;

	churn(3000, 200000, 12345);
	/* few hosts in a table of 16 or 32 slots: runs wrap often */
	for (seed = 1; seed <= 40; seed++)
		churn(5 + (long)seed / 2, 3000, seed);
}

/* The memo of the last lead: a URL that goes on past the lead with
 * anything but the end, '/', '?' or '#' is another origin
 * (http://a.com.evil, http://a.com:8080); the memo is dropped with the
 * entry it names, so a forgotten host is never handed out. */
UNIT_TEST(limits_host_lead_memo)
{
	struct limits *l = limits_new(1, 0);
	struct limits_host *h, *g;

	CHECK(l != NULL);
	CHECK(limits_host_hold_lead(l, "http://a.com/") == NULL);
	h = limits_host_hold(l, "http://a.com:80");
	limits_host_remember(l, h, "http://a.com/x", 12);
	CHECK(limits_host_hold_lead(l, "http://a.com.evil/") == NULL);
	CHECK(limits_host_hold_lead(l, "http://a.com:8080/") == NULL);
	CHECK(limits_host_hold_lead(l, "http://a.co") == NULL);
	CHECK(limits_host_hold_lead(l, "http://A.com/") == NULL);
	CHECK((g = limits_host_hold_lead(l, "http://a.com")) == h);
	limits_host_release(l, g);
	CHECK((g = limits_host_hold_lead(l, "http://a.com?q")) == h);
	limits_host_release(l, g);
	CHECK((g = limits_host_hold_lead(l, "http://a.com#f")) == h);
	limits_host_add(g, 1);		/* one in flight: no room at 1 */
	CHECK(!limits_host_room(l, h));
	limits_host_add(g, -1);
	limits_host_release(l, g);
	limits_host_release(l, h);	/* forgotten now */
	CHECK(limits_host_hold_lead(l, "http://a.com/") == NULL);
	limits_free(l);
}
