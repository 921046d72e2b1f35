/* paginate — the pure parts of following pages: RFC 8288 Link headers,
 * RFC 6901 JSON pointers, and next URLs built with libcurl's URL API.
 * No network, no state: the scheduler decides when to call these. */
#ifndef VOLLEY_PAGINATE_H
#define VOLLEY_PAGINATE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* The target of the first rel="next" link in a raw header block (every
 * Link header, several links each), or NULL.  The result is malloc'd. */
char		*paginate_link_next(const char *headers, size_t len);

/* The value at pointer ptr in root (NULL if absent).  *bad is set when
 * ptr itself is malformed (it must be "" or start with '/'). */
const cJSON	*paginate_pointer(const cJSON *root, const char *ptr,
		    bool *bad);

/* A new CURLU * for ref (absolute or relative) resolved against base (a
 * CURLU *).  NULL with err filled when it cannot be. */
void		*paginate_resolve(const void *base, const char *ref,
		    char *err, size_t errlen);

/* The decoded value of query parameter name in u (a CURLU *), malloc'd,
 * or NULL when absent. */
char		*paginate_get_param(const void *u, const char *name);
/* Set query parameter name to value (raw; encoded here), keeping every
 * other parameter in place.  0 or -1. */
int		 paginate_set_param(void *u, const char *name,
		    const char *value);

#endif
