/* resume — the set of requests an earlier --resume FILE recorded ok. */
#ifndef VOLLEY_RESUME_H
#define VOLLEY_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Indices recorded ok (and not also not ok) in an earlier run. */
struct resume_set {
	uint64_t	*ok;		/* bitsets by index; owned */
	uint64_t	*bad;
	size_t		 words;
};

/* Read FILE (absent is empty).  0, or -1 with err filled. */
int	 resume_load(struct resume_set *, const char *path, char *err,
	     size_t errlen);
bool	 resume_done(const struct resume_set *, int64_t index);
void	 resume_free(struct resume_set *);

#endif
