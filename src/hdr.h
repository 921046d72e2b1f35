/* hdr — the one walker over a raw response header block (the status
 * line, then "Name: value" lines ending in CRLF or LF), used for -I,
 * Link, Retry-After and the rate-limit headers; and the one check of
 * what a request's method and headers may hold. */
#ifndef VOLLEY_HDR_H
#define VOLLEY_HDR_H

#include <stdbool.h>
#include <stddef.h>

/* A cursor over a header block.  Borrowed: the block must outlive it. */
struct hdr_iter {
	const char	*p, *end;
};

/* One header field.  name and value point into the block; the value has
 * its surrounding blanks and the line end trimmed. */
struct hdr_field {
	const char	*name;
	size_t		 nlen;
	const char	*value;
	size_t		 vlen;
};

void	 hdr_iter_init(struct hdr_iter *, const char *block, size_t len);
/* The next "Name: value" field (status lines and lines without a colon
 * are skipped); false at the end. */
bool	 hdr_next(struct hdr_iter *, struct hdr_field *);
/* The first field named name (any case), or false. */
bool	 hdr_find(const char *block, size_t len, const char *name,
	     struct hdr_field *);
/* Does the field's name equal name (any case)? */
bool	 hdr_is(const struct hdr_field *, const char *name);

/* What may reach a request line or a request header, one rule for the
 * options and for JSON request lines.  A method or a header name is an
 * RFC 9110 token; a header value (-A, -H, "headers") holds no control
 * character but HTAB (no CR, LF or NUL that would end or split the line)
 * and no DEL. */
bool	 hdr_token(const char *, size_t);
bool	 hdr_value(const char *, size_t);
/* A -H argument, "Name: value" or "Name;": NULL if it may be sent, else
 * what is wrong with it (to follow "-H 'arg' "). */
const char *hdr_request_line(const char *);

#endif
