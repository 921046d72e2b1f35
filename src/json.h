/* json — the JSON writer's pieces.  Everything written is valid UTF-8
 * JSON whatever bytes come in: invalid UTF-8 becomes U+FFFD, control
 * characters, DEL, U+2028 and U+2029 become \u escapes. */
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

/* cJSON_PrintUnformatted into memory of malloc's (free() it). */
struct cJSON;
char	*json_print(const struct cJSON *);
/* Give cJSON a bump arena that is reset whenever every cJSON allocation
 * is freed: parsing a body then costs no malloc or free per node. */
void	 json_arena_install(void);

#endif
