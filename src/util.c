/* util — durations, sizes, whole numbers and the monotonic clock. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* One unit of a Go-style duration at *s, in milliseconds; the unit is
 * skipped.  0 when none is there. */
static double
duration_unit(const char **s)
{
	static const struct {
		const char	*name;
		double		 ms;
	} units[] = {
		{"ns", 1e-6}, {"us", 1e-3}, {"\xc2\xb5s", 1e-3},
		{"\xce\xbcs", 1e-3}, {"ms", 1}, {"s", 1000}, {"m", 60000},
		{"h", 3600000},
	};
	size_t i, n;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		n = strlen(units[i].name);
		/* "ms" comes before "m" */
		if (strncmp(*s, units[i].name, n) == 0) {
			*s += n;
			return units[i].ms;
		}
	}
	return 0;
}

int
util_parse_duration(const char *s, int64_t *ms)
{
	char *end;
	double v, mult, total = 0;
	bool bare;

	if (s == NULL || *s == '\0')
		return -1;
	for (bare = true; *s != '\0'; bare = false) {
		if (*s != '.' && (*s < '0' || *s > '9'))
			return -1;
		errno = 0;
		v = strtod(s, &end);
		if (errno != 0 || end == s || !isfinite(v) || v < 0)
			return -1;
		s = end;
		if (*s == '\0' && bare)
			mult = 1000;	/* a bare number is seconds */
		else if ((mult = duration_unit(&s)) == 0)
			return -1;
		total += v * mult;
		if (total > (double)UTIL_DURATION_MAX_MS)
			return -2;
	}
	*ms = (int64_t)llround(total);
	if (*ms == 0 && total > 0)
		*ms = 1;
	return 0;
}

int
util_parse_ranges(const char *s, struct util_range *v, size_t max,
    size_t *n)
{
	char *end;
	long lo, hi;

	*n = 0;
	if (s == NULL || *s == '\0')
		return -1;
	for (;;) {
		if (*s < '0' || *s > '9')
			return -1;
		errno = 0;
		lo = hi = strtol(s, &end, 10);
		if (errno != 0)
			return -1;
		s = end;
		if (*s == '-') {
			s++;
			if (*s < '0' || *s > '9')
				return -1;
			hi = strtol(s, &end, 10);
			if (errno != 0)
				return -1;
			s = end;
		}
		if (lo < 100 || hi > 999 || lo > hi || *n == max)
			return -1;
		v[*n].lo = lo;
		v[(*n)++].hi = hi;
		if (*s == '\0')
			return 0;
		if (*s++ != ',')
			return -1;
	}
}

bool
util_in_ranges(const struct util_range *v, size_t n, long x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (x >= v[i].lo && x <= v[i].hi)
			return true;
	return false;
}

int
util_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		end++;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		end++;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		end++;
		break;
	default:
		return -1;
	}
	if (mult > 1 && (*end == 'i' || *end == 'I'))
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || v > UINT64_MAX / mult)
		return -1;
	*bytes = (uint64_t)v * mult;
	return 0;
}

int
util_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void *
util_zalloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		return NULL;
	/* A barrier the compiler cannot see through (it might have written
	 * p's bytes): it cannot fold the two calls into calloc. */
	__asm__ volatile ("" : : "r" (p) : "memory");
	memset(p, 0, n);
	return p;
}

int64_t
util_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint64_t
util_hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

char *
util_url_text(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(s), i = util_span_visible(s, len), n, k;
	char *o;

	/* mostly none to encode: one scan and a copy */
	for (n = len, k = i; k < len; k++)
		n += util_visible((unsigned char)s[k]) ? 0 : 2;
	if ((o = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(o, s, i);
	for (n = i; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (util_visible(c)) {
			o[n++] = (char)c;
			continue;
		}
		o[n++] = '%';
		o[n++] = hex[c >> 4];
		o[n++] = hex[c & 0xf];
	}
	o[n] = '\0';
	return o;
}

void
util_wfd_init(struct util_wfd *w, int fd)
{
	struct stat st;

	w->fd = fd;
	w->pollable = fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode) || (S_ISCHR(st.st_mode) && isatty(fd)));
	w->fl = fcntl(fd, F_GETFL);
}

ssize_t
util_write_nb(const struct util_wfd *w, const char *p, size_t n)
{
	ssize_t r;
	int saved;

	if (!w->pollable || w->fl == -1 || (w->fl & O_NONBLOCK))
		return write(w->fd, p, n);
	if (fcntl(w->fd, F_SETFL, w->fl | O_NONBLOCK) == -1)
		return write(w->fd, p, n);
	r = write(w->fd, p, n);
	saved = errno;
	(void)fcntl(w->fd, F_SETFL, w->fl);
	errno = saved;
	return r;
}
