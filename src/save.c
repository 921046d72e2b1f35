/* save — bodies to files for --save. */
#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
save_init(struct save *sv)
{
	memset(sv, 0, sizeof(*sv));
	sv->fd = -1;
}

/* The file name of a page's body, or its temporary name.  0 or -1 with
 * errno set. */
static int
save_name(struct buf *b, const char *dir, int64_t index, long page,
    bool tmp)
{
	int rc;

	buf_reset(b);
	if (page > 1)
		rc = buf_printf(b, "%s/%s%lld.%ld%s", dir, tmp ? "." : "",
		    (long long)index, page, tmp ? ".part" : "");
	else
		rc = buf_printf(b, "%s/%s%lld%s", dir, tmp ? "." : "",
		    (long long)index, tmp ? ".part" : "");
	if (rc == -1 || b->data == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
save_open(struct save *sv, const char *dir, int64_t index, long page)
{
	struct buf b = {0};

	if (sv->sha == NULL && (sv->sha = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(sv->sha, EVP_sha256(), NULL) != 1)
		return -1;
	if (sv->fd >= 0) {
		if (ftruncate(sv->fd, 0) == -1 ||
		    lseek(sv->fd, 0, SEEK_SET) == -1)
			return -1;
		return 0;
	}
	if (save_name(&b, dir, index, page, true) == -1)
		return -1;
	sv->fd = open(b.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (sv->fd < 0) {
		buf_free(&b);
		return -1;
	}
	sv->tmp = buf_steal(&b);
	return 0;
}

int
save_write(void *arg, const char *p, size_t n)
{
	struct save *sv = arg;
	ssize_t w;

	sv->err = EIO;
	if (sv->fd < 0 || EVP_DigestUpdate(sv->sha, p, n) != 1)
		return -1;
	while (n > 0) {
		w = write(sv->fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == -1)
				sv->err = errno;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void
save_discard(struct save *sv)
{
	if (sv->fd > 0)
		close(sv->fd);
	sv->fd = -1;
	if (sv->tmp != NULL)
		unlink(sv->tmp);
	free(sv->tmp);
	sv->tmp = NULL;
}

int
save_finish(struct save *sv, const char *dir, int64_t index, long page,
    struct buf *path, char *hex, char *msg, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int fd = sv->fd;

	if (fd < 0 || sv->tmp == NULL)
		return 1;
	sv->fd = -1;
	if (EVP_DigestFinal_ex(sv->sha, md, &n) != 1 || close(fd) == -1 ||
	    save_name(path, dir, index, page, false) == -1 ||
	    rename(sv->tmp, path->data) == -1) {
		snprintf(msg, len, "--save: cannot finish the file: %s",
		    strerror(errno));
		save_discard(sv);
		return -1;
	}
	free(sv->tmp);
	sv->tmp = NULL;
	for (i = 0; i < n; i++)
		snprintf(hex + (size_t)2 * i, 3, "%02x", md[i]);
	return 0;
}

void
save_clear(struct save *sv)
{
	save_discard(sv);
	EVP_MD_CTX_free(sv->sha);
	sv->sha = NULL;
}
