/* save — --save DIR: a page's body written to DIR/INDEX (or
 * DIR/INDEX.PAGE for pages after the first) under a temporary name,
 * hashed with SHA-256 on the way, and renamed into place when the page
 * is done, so a file that exists is whole. */
#ifndef VOLLEY_SAVE_H
#define VOLLEY_SAVE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* One request's file in progress.  Zeroed, then save_init. */
struct save {
	int		 fd;
	int		 err;		/* why the last write failed */
	char		*tmp;		/* owned: the temporary name */
	void		*sha;		/* owned: EVP_MD_CTX * */
};

#define SAVE_HEX_LEN	(2 * 64 + 1)	/* EVP_MAX_MD_SIZE as hex, NUL */

void	 save_init(struct save *);
/* Open (or empty) the temporary file for a page's body.  0, or -1 with
 * errno set. */
int	 save_open(struct save *, const char *dir, int64_t index, long page);
/* Body bytes; a CURLOPT_WRITEFUNCTION-style sink.  0 or -1 (sv->err). */
int	 save_write(void *sv, const char *, size_t);
/* Rename into place; path gets the final name, hex the SHA-256.  0, 1
 * when no file is open, or -1 with msg filled (the file is removed). */
int	 save_finish(struct save *, const char *dir, int64_t index, long page,
	     struct buf *path, char *hex, char *msg, size_t len);
/* Drop the temporary file (a retry, a failed page). */
void	 save_discard(struct save *);
void	 save_clear(struct save *);

#endif
