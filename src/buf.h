/* buf — a growable byte buffer, the one way text is built. */
#ifndef VOLLEY_BUF_H
#define VOLLEY_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A growable byte buffer.  data is owned; it is always NUL-terminated
 * when len > 0 or after any successful add, so it can be read as text. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

int	 buf_reserve_slow(struct buf *, size_t extra);
int	 buf_add_slow(struct buf *, const void *, size_t);
int	 buf_addstr(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);
/* Give back the room past len (a buffer that is kept a while). */
void	 buf_shrink(struct buf *);
/* Give the bytes to the caller (who frees them) and empty the buffer. */
char	*buf_steal(struct buf *);

/* Room for extra more bytes and a NUL.  0, or -1 out of memory. */
static inline int
buf_reserve(struct buf *b, size_t extra)
{
	if (extra < b->cap - b->len)	/* also when cap == 0 */
		return 0;
	return buf_reserve_slow(b, extra);
}

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
