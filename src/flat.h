/* flat — a --flatten page's items as records, made one at a time: each
 * item copied from the body as it was written, into the page's record.
 * The scheduler writes them as the output has room; a page that waits
 * keeps what it needs (flat_keep) once the transfer's memory is gone. */
#ifndef VOLLEY_FLAT_H
#define VOLLEY_FLAT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "record.h"

struct flat {
	const char	*body;		/* the page's (the transfer's, or own) */
	size_t		 aoff, alen;	/* the items' array in body */
	size_t		 pos;		/* json_array_next's place in it */
	long		 k, nitems;	/* items made, and in all */
	bool		 more;		/* records after the page's */
	bool		 ended;		/* the last record is made */
	struct record	 ir;		/* the items' record but for the item */
	struct buf	 item;		/* the item being written */
	struct buf	 own;		/* flat_keep's: body and ir's strings */
};

/* Start on the items of page (its record, r; its body), the array at
 * body[aoff, aoff + alen) (as paginate_items found it); nitems: how many
 * there are; more: whether records follow the page's. */
void	 flat_begin(struct flat *, const struct record *r, const char *body,
	     size_t aoff, size_t alen, long nitems, bool more);
/* The next record, good until the next call: an item's, or, for a page
 * with no items, one with item and item_index null.  NULL after the
 * last.  (Out of memory for an item, its record says so.) */
const struct record *flat_next(struct flat *);
/* Keep the body and the record's strings that were the transfer's, so
 * the items can go on after it is gone.  0, or -1 out of memory (f is
 * then as it was). */
int	 flat_keep(struct flat *);
void	 flat_clear(struct flat *);

#endif
