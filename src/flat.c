/* flat — a --flatten page's items as records (see flat.h). */
#include "flat.h"
#include "json.h"

#include <string.h>

void
flat_begin(struct flat *f, const struct record *r, const char *body,
    size_t aoff, size_t alen, long nitems, bool more)
{
	memset(f, 0, sizeof(*f));
	f->body = body;
	f->aoff = aoff;
	f->alen = alen;
	f->nitems = nitems;
	f->more = more;
	f->ir = *r;
	f->ir.body_enc = BENC_NONE;
	f->ir.body = NULL;
	f->ir.body_len = 0;
	f->ir.saved = NULL;
}

const struct record *
flat_next(struct flat *f)
{
	size_t off, len;

	if (f->ended)
		return NULL;
	f->ir.err = ERR_NONE;
	f->ir.errmsg = NULL;
	if (!json_array_next(f->body + f->aoff, f->alen, &f->pos, &off,
	    &len)) {
		f->ended = true;
		if (f->k > 0)
			return NULL;
		/* no items: the page's one record */
		f->ir.item = "null";
		f->ir.item_index = -1;
		f->ir.more = f->more;
		return &f->ir;
	}
	buf_reset(&f->item);
	if (json_minified(&f->item, f->body + f->aoff + off, len) == -1) {
		f->ir.err = ERR_INPUT;
		f->ir.errmsg = "out of memory while copying this item";
	}
	f->ir.item = f->ir.err == ERR_NONE ? f->item.data : "null";
	f->ir.item_index = f->k++;
	/* only the page's last item can be the request's last */
	f->ir.more = f->k < f->nitems || f->more;
	return &f->ir;
}

int
flat_keep(struct flat *f)
{
	const char **str[] = { &f->ir.final_url, &f->ir.content_type,
	    &f->ir.sha256 };
	size_t at[4], i, n = sizeof str / sizeof str[0];

	if (buf_add(&f->own, f->body, f->aoff + f->alen) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		at[i] = f->own.len;
		if (*str[i] != NULL &&
		    buf_add(&f->own, *str[i], strlen(*str[i]) + 1) == -1)
			goto fail;
	}
	at[n] = f->own.len;
	if (f->ir.headers != NULL &&
	    buf_add(&f->own, f->ir.headers, f->ir.headers_len) == -1)
		goto fail;
	/* every copy made: the pointers move to them */
	f->body = f->own.data;
	for (i = 0; i < n; i++)
		if (*str[i] != NULL)
			*str[i] = f->own.data + at[i];
	if (f->ir.headers != NULL)
		f->ir.headers = f->own.data + at[n];
	return 0;
fail:
	buf_free(&f->own);
	return -1;
}

void
flat_clear(struct flat *f)
{
	buf_free(&f->item);
	buf_free(&f->own);
}
