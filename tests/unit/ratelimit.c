/* Unit tests of ratelimit: the rate-limit header forms, with the clock
 * passed in. */
#include "ratelimit.h"

#include <string.h>

#include "check.h"

#define NOW	1700000000

static struct ratelimit
rl(const char *block)
{
	struct ratelimit r;

	ratelimit_parse(block, strlen(block), NOW, &r);
	return r;
}

UNIT_TEST(ratelimit_none)
{
	struct ratelimit r = rl("HTTP/1.1 200 OK\r\nContent-Type: x\r\n\r\n");

	CHECK(r.remaining == -1 && r.reset_ms == -1);
	r = rl("");
	CHECK(r.remaining == -1 && r.reset_ms == -1);
	ratelimit_parse(NULL, 0, NOW, &r);
	CHECK(r.remaining == -1 && r.reset_ms == -1);
	/* a reset alone says nothing is left */
	r = rl("X-RateLimit-Reset: 30\r\n");
	CHECK(r.remaining == -1 && r.reset_ms == -1);
	/* unreadable values */
	r = rl("X-RateLimit-Remaining: lots\r\n");
	CHECK(r.remaining == -1);
	r = rl("X-RateLimit-Remaining: -1\r\n");
	CHECK(r.remaining == -1);
}

UNIT_TEST(ratelimit_draft_dictionary)
{
	struct ratelimit r = rl("RateLimit: limit=10, remaining=0, reset=5\r\n");

	CHECK(r.remaining == 0 && r.reset_ms == 5000);
	r = rl("ratelimit: reset=7, remaining=3, limit=10\r\n");
	CHECK(r.remaining == 3 && r.reset_ms == 7000);
	r = rl("RateLimit: limit=10, remaining=0\r\n");
	CHECK(r.remaining == 0 && r.reset_ms == -1);
}

UNIT_TEST(ratelimit_draft_structured)
{
	struct ratelimit r = rl("RateLimit: \"default\";r=0;t=5\r\n");

	CHECK(r.remaining == 0 && r.reset_ms == 5000);
	/* several policies: the one with the fewest left */
	r = rl("RateLimit: \"burst\";r=5;t=1, \"day\";r=0;t=3600\r\n");
	CHECK(r.remaining == 0 && r.reset_ms == 3600000);
	r = rl("RateLimit: \"a\";r=0;t=2, \"b\";r=0;t=9\r\n");
	CHECK(r.remaining == 0 && r.reset_ms == 9000);
	r = rl("RateLimit: \"a\";r=4;t=2, \"b\";r=7;t=9\r\n");
	CHECK(r.remaining == 4 && r.reset_ms == 2000);
	/* no t: RateLimit-Policy's window bounds the reset */
	r = rl("RateLimit-Policy: \"default\";q=100;w=60\r\n"
	    "RateLimit: \"default\";r=0\r\n");
	CHECK(r.remaining == 0 && r.reset_ms == 60000);
	/* the policy alone says nothing is left */
	r = rl("RateLimit-Policy: \"default\";q=100;w=60\r\n");
	CHECK(r.remaining == -1);
}

UNIT_TEST(ratelimit_separate_headers)
{
	struct ratelimit r = rl("RateLimit-Remaining: 0\r\n"
	    "RateLimit-Reset: 12\r\n");

	CHECK(r.remaining == 0 && r.reset_ms == 12000);
	/* GitHub: X-RateLimit-Reset is a Unix time in seconds */
	r = rl("X-RateLimit-Limit: 60\r\nX-RateLimit-Remaining: 0\r\n"
	    "X-RateLimit-Reset: 1700000042\r\n");
	CHECK(r.remaining == 0 && r.reset_ms == 42000);
	/* others send seconds from now */
	r = rl("X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 42\r\n");
	CHECK(r.remaining == 0 && r.reset_ms == 42000);
	/* or a Unix time in milliseconds; fractions are kept */
	r = rl("X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 1700000001500\r\n");
	CHECK(r.remaining == 0 && r.reset_ms == 1500);
	r = rl("X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 1.5\r\n");
	CHECK(r.reset_ms == 1500);
	/* a time past is now */
	r = rl("X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 1600000000\r\n");
	CHECK(r.remaining == 0 && r.reset_ms == 0);
	/* the draft's headers win over the X- ones */
	r = rl("X-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: 99\r\n"
	    "RateLimit: limit=10, remaining=4, reset=1\r\n");
	CHECK(r.remaining == 4 && r.reset_ms == 1000);
	r = rl("X-RateLimit-Remaining: 5\r\n");
	CHECK(r.remaining == 5 && r.reset_ms == -1);
}
