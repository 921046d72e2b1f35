/* util — growable byte buffers, durations, sizes, UTF-8 checks, base64.
 * Pure functions over plain data; nothing here touches the network. */
#ifndef VOLLEY_UTIL_H
#define VOLLEY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A growable byte buffer.  data is owned; it is always NUL-terminated
 * when len > 0 or after any successful add, so it can be read as text. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

int	 buf_reserve(struct buf *, size_t extra);
int	 buf_add_slow(struct buf *, const void *, size_t);
int	 buf_addstr(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
/* Give the bytes to the caller (who frees them) and empty the buffer. */
char	*buf_steal(struct buf *);

/* "250ms", "5s", "1.5s", "2m", "1h", bare number = seconds.  Result in
 * milliseconds.  0 on success, -1 on anything else (negative, junk). */
int	 util_parse_duration(const char *, int64_t *ms);
/* "10M", "512k", "1G", "123" (bytes); K/M/G are powers of 1024. */
int	 util_parse_size(const char *, uint64_t *bytes);
/* A whole decimal integer in [min, max]; 0 or -1. */
int	 util_parse_long(const char *, long min, long max, long *out);

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool	 utf8_valid(const char *, size_t);
/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is invalid. */
size_t	 utf8_seq_len(const unsigned char *s, size_t avail);

int	 base64_encode(struct buf *, const void *, size_t);

/* Monotonic clock in microseconds. */
int64_t	 util_now_us(void);

/* The two calls a record makes dozens of times: inline when the bytes fit. */
static inline int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n >= b->cap - b->len)	/* also when cap == 0 */
		return buf_add_slow(b, p, n);
	if (n > 0)		/* p may be NULL when n is 0 */
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static inline int
buf_addc(struct buf *b, char c)
{
	if (b->len + 1 >= b->cap && buf_reserve(b, 1) == -1)
		return -1;
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
	return 0;
}

#endif
