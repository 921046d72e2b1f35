/* json — the JSON writer's pieces.  Everything written is valid UTF-8
 * JSON whatever bytes come in: invalid UTF-8 becomes U+FFFD, control
 * characters, DEL, U+0085, U+2028 and U+2029 become \u escapes. */
#ifndef VOLLEY_JSON_H
#define VOLLEY_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The escapes of s[0..n), without quotes. */
int	 json_escape(struct buf *, const char *, size_t);
/* s[0..n) as a JSON string; NULL prints null. */
int	 json_string(struct buf *, const char *, size_t);
int	 json_cstr(struct buf *, const char *);
/* Append JSON text that json_parses accepted and that is valid UTF-8,
 * on one line: numbers and escapes are copied as they are. */
int	 json_minified(struct buf *, const char *, size_t);
/* A strict RFC 8259 check of s[0..n): no tree, no allocation. */
bool	 json_parses(const char *, size_t);
/* json_parses, in the same pass finding whether json_minified would
 * copy the value as it stands (no whitespace inside it, nothing to
 * escape in its strings): then *clean is its span, else {0, 0}.  The
 * record then takes the body with one copy instead of a second pass.
 * clean->ascii is set whenever the text is JSON (clean span or not). */
struct json_span {
	size_t	 off;
	size_t	 len;
	bool	 ascii;	/* no byte >= 0x80: valid UTF-8 with no second pass */
};
bool	 json_check(const char *, size_t, struct json_span *clean);

/* Values inside raw JSON text s[0..n) (text json_parses accepted; other
 * text gives -1 or false where it stops being JSON), for copying them
 * verbatim with json_minified rather than re-printing them with cJSON.
 *
 * The span [*off, *off + *len) of the value at RFC 6901 pointer ptr: 1,
 * or 0 when there is none (a missing member, an index past the end, a
 * step into a scalar), -1 when ptr or the text is malformed or memory
 * ran out.  A duplicate member name finds the first, as cJSON does. */
int	 json_pointer_span(const char *, size_t, const char *ptr,
	     size_t *off, size_t *len);
/* Is ptr an RFC 6901 pointer: "" or "/..." with '~' only as ~0 or ~1? */
bool	 json_pointer_valid(const char *ptr);
/* The elements of the array s[0..n) (a span): *pos = 0 first; each call
 * gives the next element's span and moves *pos; false after the last. */
bool	 json_array_next(const char *, size_t, size_t *pos, size_t *off,
	     size_t *len);
/* Decode the JSON string s[0..n) (with its quotes) into b, which can then
 * hold NULs (b->len says how long it is).  0, or -1 if it is not a JSON
 * string or memory ran out.  A lone surrogate becomes U+FFFD. */
int	 json_string_decode(struct buf *, const char *, size_t);

/* Does a string in the JSON text s[0..n) hold an escaped NUL (\u0000):
 * any string, a member name of the outermost object, or any member name?
 * cJSON cuts a decoded string at its NUL: a name "url\u0000x" is "url"
 * to it, and a value is read short.  An escaped backslash before "u0000"
 * is no NUL. */
enum { JSON_NUL_ANY, JSON_NUL_TOP_KEYS, JSON_NUL_KEYS };
bool	 json_nul_escape(const char *, size_t, int which);

/* cJSON_PrintUnformatted into memory of malloc's (free() it). */
struct cJSON;
char	*json_print(const struct cJSON *);
/* Give cJSON a bump arena that is reset whenever every cJSON allocation
 * is freed: parsing a request line then costs no malloc or free per
 * node. */
void	 json_arena_install(void);

#endif
