/* paginate — the pages of a chain: RFC 8288 Link headers, RFC 6901 JSON
 * pointers, query parameters and next URLs (libcurl's URL API), and the
 * step from one page to the next.  No network: it decides, the
 * scheduler acts. */
#ifndef VOLLEY_PAGINATE_H
#define VOLLEY_PAGINATE_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "cli.h"
#include "record.h"

/* The target of the first rel="next" link in a raw header block (every
 * Link header, several links each), or NULL.  The result is malloc'd. */
char		*paginate_link_next(const char *headers, size_t len);

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

/* One chain's state: the URLs it fetched (by hash) and its page number. */
struct paginate_chain {
	long		 page_num;	/* --page-param value of this page */
	uint64_t	*seen;		/* owned */
	size_t		 nseen, seen_cap;
};

/* Start a chain at url (a CURLU *, NULL if it does not parse).  For
 * --page-param with no such parameter in the URL, url gets it and the
 * new URL is returned (malloc'd); else NULL. */
char		*paginate_chain_init(struct paginate_chain *,
		    const struct config *, void *url);
void		 paginate_chain_clear(struct paginate_chain *);
/* Remember url: 0 new, 1 seen before, -1 out of memory. */
int		 paginate_seen(struct paginate_chain *, const char *url);

/* What a good page said: its raw headers and body, why its body cannot
 * be read as JSON (NULL when it can: UTF-8 that json_parses accepts),
 * and the number of its items (paginate_items; -1 when there are none to
 * count).  Values are read from the text itself (json_pointer_span), not
 * from a tree: a page of many small items costs no memory beyond its
 * body. */
struct paginate_page {
	const char	*headers;
	size_t		 hlen;
	const char	*body;
	size_t		 blen;
	const char	*not_json;
	long		 nitems;
};

/* Where the items are (--items, else the body if it is an array):
 * *items, the array's span in the body (len 0: none), and how many
 * (*nitems, -1 when there are none to count).  ERR_PAGINATION with msg
 * when --items names something that is not an array, or the body is not
 * JSON. */
enum err_kind	 paginate_items(const struct config *,
		    const struct paginate_page *, struct json_span *items,
		    long *nitems, char *msg, size_t len);

/* The step after a good page: the next page's URL, or the end of the
 * chain (url NULL, err ERR_NONE), or why the chain fails. */
struct paginate_next {
	void		*url;		/* CURLU *, owned by the caller */
	char		*url_str;	/* the same, printed; owned */
	enum err_kind	 err;
	char		 msg[256];
};

/* cur: the page's URL (CURLU *, NULL if it does not parse); page: its
 * 1-based number; pp: what it said (a cursor is copied from its body's
 * text). */
void		 paginate_step(const struct config *,
		    struct paginate_chain *, const void *cur, long page,
		    const struct paginate_page *, struct paginate_next *);

#endif
