/* ratelimit — the rate-limit headers of a response. */
#include "ratelimit.h"
#include "hdr.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One source's answer: the policy with the fewest requests left. */
struct rl_src {
	long		 remaining;	/* -1: not said */
	double		 reset;		/* raw value; < 0: not said */
};

static void
src_init(struct rl_src *s)
{
	s->remaining = -1;
	s->reset = -1;
}

/* Fold one policy in: fewer left wins; equally exhausted, the later
 * reset. */
static void
src_offer(struct rl_src *s, long remaining, double reset)
{
	if (remaining < 0)
		return;
	if (s->remaining < 0 || remaining < s->remaining ||
	    (remaining == s->remaining && reset > s->reset)) {
		s->remaining = remaining;
		s->reset = reset;
	}
}

/* A non-negative number at [p, e) (leading blanks and quotes allowed,
 * trailing ones too); -1 if there is none. */
static double
number(const char *p, const char *e)
{
	char tmp[32], *end;
	size_t n;
	double v;

	while (p < e && (*p == ' ' || *p == '\t' || *p == '"'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"'))
		e--;
	if (p >= e || *p < '0' || *p > '9')
		return -1;
	n = (size_t)(e - p);
	if (n >= sizeof tmp)
		return -1;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	v = strtod(tmp, &end);
	return *end == '\0' && v >= 0 && v < 1e15 ? v : -1;
}

static bool
key_is(const char *p, const char *e, const char *k)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return (size_t)(e - p) == strlen(k) && strncasecmp(p, k,
	    (size_t)(e - p)) == 0;
}

/* The parameters of one list member ("name";r=0;t=5, or remaining=0):
 * *r and *t for the keys asked (-1 when absent). */
static void
member(const char *p, const char *e, const char *rk, const char *rk2,
    const char *tk, const char *tk2, double *r, double *t)
{
	const char *semi, *eq;

	*r = *t = -1;
	while (p < e) {
		semi = memchr(p, ';', (size_t)(e - p));
		if (semi == NULL)
			semi = e;
		eq = memchr(p, '=', (size_t)(semi - p));
		if (eq != NULL) {
			if (key_is(p, eq, rk) || key_is(p, eq, rk2))
				*r = number(eq + 1, semi);
			else if (key_is(p, eq, tk) || key_is(p, eq, tk2))
				*t = number(eq + 1, semi);
		}
		p = semi < e ? semi + 1 : e;
	}
}

/* RateLimit: each member a policy; a reset said on its own (the older
 * dictionary form) goes with the members that have none. */
static void
parse_ratelimit(const struct hdr_field *f, struct rl_src *s)
{
	const char *p = f->value, *e = f->value + f->vlen, *comma;
	double r, t, lone_t = -1;
	struct rl_src mine;

	src_init(&mine);
	while (p < e) {
		comma = memchr(p, ',', (size_t)(e - p));
		if (comma == NULL)
			comma = e;
		member(p, comma, "r", "remaining", "t", "reset", &r, &t);
		if (r >= 0)
			src_offer(&mine, (long)(r > 1e9 ? 1e9 : r), t);
		else if (t >= 0)
			lone_t = t;
		p = comma < e ? comma + 1 : e;
	}
	if (mine.remaining >= 0 && mine.reset < 0)
		mine.reset = lone_t;
	src_offer(s, mine.remaining, mine.reset);
}

/* RateLimit-Policy: the longest window (w=), a bound on the reset. */
static double
parse_policy(const struct hdr_field *f)
{
	const char *p = f->value, *e = f->value + f->vlen, *comma;
	double r, w, longest = -1;

	while (p < e) {
		comma = memchr(p, ',', (size_t)(e - p));
		if (comma == NULL)
			comma = e;
		member(p, comma, "q", "quota", "w", "window", &r, &w);
		if (w > longest)
			longest = w;
		p = comma < e ? comma + 1 : e;
	}
	return longest;
}

static int64_t
reset_ms(double v, time_t now)
{
	double ms;

	if (v < 0)
		return -1;
	if (v >= 1e12)
		ms = v - (double)now * 1000.0;
	else if (v >= 1e9)
		ms = (v - (double)now) * 1000.0;
	else
		ms = v * 1000.0;
	return ms <= 0 ? 0 : (int64_t)ms;
}

void
ratelimit_parse(const char *headers, size_t len, time_t now,
    struct ratelimit *out)
{
	struct rl_src draft, plain, x;
	struct hdr_iter it;
	struct hdr_field f;
	const struct rl_src *use;
	double v, window = -1;
	double plain_reset = -1, x_reset = -1;

	src_init(&draft);
	src_init(&plain);
	src_init(&x);
	hdr_iter_init(&it, headers, len);
	while (hdr_next(&it, &f)) {
		if (f.nlen < 9 || (f.name[0] != 'r' && f.name[0] != 'R' &&
		    f.name[0] != 'x' && f.name[0] != 'X'))
			continue;
		v = number(f.value, f.value + f.vlen);
		if (hdr_is(&f, "RateLimit"))
			parse_ratelimit(&f, &draft);
		else if (hdr_is(&f, "RateLimit-Policy"))
			window = parse_policy(&f);
		else if (hdr_is(&f, "RateLimit-Remaining"))
			src_offer(&plain, (long)(v > 1e9 ? 1e9 : v), -1);
		else if (hdr_is(&f, "RateLimit-Reset"))
			plain_reset = v;
		else if (hdr_is(&f, "X-RateLimit-Remaining"))
			src_offer(&x, (long)(v > 1e9 ? 1e9 : v), -1);
		else if (hdr_is(&f, "X-RateLimit-Reset"))
			x_reset = v;
	}
	plain.reset = plain_reset;
	x.reset = x_reset;
	if (draft.remaining >= 0 && draft.reset < 0)
		draft.reset = window;
	use = draft.remaining >= 0 ? &draft : plain.remaining >= 0 ? &plain :
	    &x;
	out->remaining = use->remaining;
	out->reset_ms = use->remaining >= 0 ? reset_ms(use->reset, now) : -1;
}
