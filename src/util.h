/* util — durations, sizes, whole numbers, the monotonic clock.  Pure
 * functions over plain data; nothing here touches the network. */
#ifndef VOLLEY_UTIL_H
#define VOLLEY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <string.h>
#include "buf.h"

/* fd as a non-blocking writer: is it a pipe, socket or terminal (where
 * a write can block), and its file status flags (F_GETFL, or -1). */
struct util_wfd {
	int	 fd;
	int	 fl;
	bool	 pollable;
};
void	 util_wfd_init(struct util_wfd *, int fd);
/* One write to w that returns -1 with EAGAIN where it would block.
 * O_NONBLOCK is set only around the write: the file description may be
 * shared with the shell (a terminal) or another process (a pipe). */
ssize_t	 util_write_nb(const struct util_wfd *, const char *, size_t);

/* The longest duration taken, 100 years (36525 days): in microseconds,
 * with a clock reading added, far from int64_t's end. */
#define UTIL_DURATION_MAX_MS	((int64_t)36525 * 24 * 3600 * 1000)
/* "250ms", "5s", "1.5s", "2m", "1h", and Go's compound forms ("1m30s",
 * "1h5m", "1.5h", units ns us ms s m h); a bare number is seconds.
 * Result in milliseconds (a non-zero duration under 1ms is 1ms).  0 on
 * success, -2 when longer than UTIL_DURATION_MAX_MS, -1 on anything else
 * (negative, junk, a unit missing). */
int	 util_parse_duration(const char *, int64_t *ms);
/* "10M", "512k", "1G", "123" (bytes); K/M/G are powers of 1024. */
int	 util_parse_size(const char *, uint64_t *bytes);
/* A whole decimal integer in [min, max]; 0 or -1. */
int	 util_parse_long(const char *, long min, long max, long *out);

/* A list of status ranges, "200-299,304,404", each in 100-999: up to
 * max of them into v.  0, or -1 on anything else. */
struct util_range {
	long	 lo, hi;
};
int	 util_parse_ranges(const char *, struct util_range *, size_t max,
	     size_t *n);
bool	 util_in_ranges(const struct util_range *, size_t n, long);

/* Built with AddressSanitizer (GCC defines the macro, clang answers the
 * feature test): caches of freed memory step aside so that it sees
 * every use after free. */
#if defined(__SANITIZE_ADDRESS__)
#define UTIL_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UTIL_ASAN	1
#endif
#endif
#ifndef UTIL_ASAN
#define UTIL_ASAN	0
#endif

/* n zeroed bytes from malloc (NULL: out of memory), for what is
 * allocated and freed once per request.  glibc's calloc (before 2.41)
 * never takes a chunk from the thread cache that free puts it in, and
 * GCC turns malloc followed by memset into calloc: util.c keeps the two
 * apart. */
void	*util_zalloc(size_t n);

/* Monotonic clock in microseconds. */
int64_t	 util_now_us(void);

/* FNV-1a of a NUL-terminated string: for tables, not for secrets. */
uint64_t util_hash_str(const char *);
/* URL text s with every byte <= 0x20 and DEL percent-encoded, malloc'd
 * (NULL: out of memory): what libcurl prints of a host's "%7F" (a raw
 * DEL), made text it takes back. */
char	*util_url_text(const char *s);

/* Zero the struct of type at p but for its last field, text, a buffer
 * that is written before it is read: only its first byte is cleared
 * (these structs are emptied several times per request).  The assertion
 * keeps text last. */
#define UTIL_ZERO_BUT_TEXT(type, p, text) do {				\
	_Static_assert(sizeof(type) - offsetof(type, text) -		\
	    sizeof(((type *)0)->text) < _Alignof(type),			\
	    #text " is not the last field of " #type);			\
	memset((p), 0, offsetof(type, text));				\
	(p)->text[0] = '\0';						\
} while (0)

/* Eight bytes at a time, for the scans every request makes (its URL,
 * its record's strings): which of a word's bytes match, as a yes or no
 * (Hacker's Delight 6-1; exact as a test, not as a count).  A word that
 * says yes is scanned again byte by byte. */
#define UTIL_W_ONES	0x0101010101010101ULL
#define UTIL_W_HIGHS	0x8080808080808080ULL

static inline uint64_t
util_w_load(const void *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	return w;
}

/* Some byte of w is below n (n <= 128). */
static inline bool
util_w_less(uint64_t w, unsigned n)
{
	return ((w - UTIL_W_ONES * n) & ~w & UTIL_W_HIGHS) != 0;
}

/* Some byte of w is c. */
static inline bool
util_w_has(uint64_t w, unsigned char c)
{
	w ^= UTIL_W_ONES * c;
	return ((w - UTIL_W_ONES) & ~w & UTIL_W_HIGHS) != 0;
}

/* Is c neither a space, a control character nor DEL (a byte a URL's
 * text holds as it is)? */
static inline bool
util_visible(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/* Does c end a URL's authority (RFC 3986: the path's '/', '?', '#', or
 * the end of the URL)? */
static inline bool
util_authority_end(char c)
{
	return c == '\0' || c == '/' || c == '?' || c == '#';
}

/* Are the n bytes at s lower (lowercase ASCII, without a NUL) with
 * letters in either case?  strncasecmp without the locale: protocol
 * words are ASCII.  A shorter s stops at its NUL, which lower lacks. */
static inline bool
util_prefix_ci(const char *s, const char *lower, size_t n)
{
	size_t i;

	/* A letter's two cases differ in bit 0x20 alone; other bytes must
	 * be equal.  With lower a literal, the unrolled loop folds to a
	 * compare a byte. */
#pragma GCC unroll 16
	for (i = 0; i < n; i++) {
		unsigned char l = (unsigned char)lower[i];
		unsigned char fold = l >= 'a' && l <= 'z' ? 0x20 : 0;

		if (((unsigned char)s[i] | fold) != l)
			return false;
	}
	return true;
}

/* util_prefix_ci for an s known to hold at least n bytes: a word at a
 * time, two words that may overlap (lower a literal: its case bits and
 * its words fold to constants). */
static inline uint64_t
util_case_bits(const char *lower, size_t k)
{
	unsigned char m[8];
	uint64_t v;
	size_t i;

#pragma GCC unroll 8
	for (i = 0; i < 8; i++)
		m[i] = lower[k + i] >= 'a' && lower[k + i] <= 'z' ? 0x20 : 0;
	memcpy(&v, m, sizeof v);
	return v;
}

static inline bool
util_word_ci(const char *s, const char *lower, size_t k)
{
	uint64_t w, l;

	memcpy(&w, s + k, sizeof w);
	memcpy(&l, lower + k, sizeof l);
	return (w | util_case_bits(lower, k)) == l;
}

static inline bool
util_has_prefix_ci(const char *s, const char *lower, size_t n)
{
	size_t k;

	if (n < 8)
		return util_prefix_ci(s, lower, n);
	for (k = 0; k + 8 < n; k += 8)
		if (!util_word_ci(s, lower, k))
			return false;
	return util_word_ci(s, lower, n - 8);
}

/* The length of s[0..n)'s first run of bytes that are neither a space,
 * a control character nor DEL. */
static inline size_t
util_span_visible(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w = util_w_load(s + i);

		if (util_w_less(w, 0x21) || util_w_has(w, 0x7f))
			break;
	}
	while (i < n && util_visible((unsigned char)s[i]))
		i++;
	return i;
}

#endif
