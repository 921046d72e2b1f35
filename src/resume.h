/* resume — which requests an earlier --resume FILE recorded done, and
 * the file made ready to append to: locked, its torn tail repaired. */
#ifndef VOLLEY_RESUME_H
#define VOLLEY_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The indices of the requests done: sorted, one entry per index, sized
 * by the records in the file (never by the values of their indices). */
struct resume_set {
	int64_t		*done;		/* owned */
	size_t		 n, cap;
};

/* Read FILE (absent is empty).  A request is done when a record of it is
 * ok and its request's last ("last" true, or absent as in files from
 * before that field).  0, or -1 with err filled. */
int	 resume_load(struct resume_set *, const char *path, char *err,
	     size_t errlen);
bool	 resume_done(const struct resume_set *, int64_t index);
void	 resume_free(struct resume_set *);

/* Make fd (FILE opened O_RDWR|O_APPEND) ready to append to: take an
 * exclusive lock, without waiting, and end the file on a whole line (a
 * torn last line that is not JSON is cut off, *torn = its bytes; a whole
 * record missing its newline gets one).  0; -1 with err filled; -2 when
 * another process holds the lock. */
int	 resume_prepare(int fd, size_t *torn, char *err, size_t errlen);

#endif
