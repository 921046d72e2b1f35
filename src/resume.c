/* resume — which requests an earlier run already did.  The file is
 * read once, line by line; the index of each ok record that is its
 * request's last goes into a sorted array. */
#include "resume.h"
#include "json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* JSON numbers are exact integers up to 2^53. */
#define INDEX_MAX	9007199254740992.0

static int
done_add(struct resume_set *rs, int64_t i)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		int64_t *p;

		if (cap > SIZE_MAX / sizeof(*p))
			return -1;
		if ((p = realloc(rs->done, cap * sizeof(*p))) == NULL)
			return -1;
		rs->done = p;
		rs->cap = cap;
	}
	rs->done[rs->n++] = i;
	return 0;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The index of a done request's record, or -1. */
static int64_t
done_index(const char *line, size_t n)
{
	cJSON *j = cJSON_ParseWithLength(line, n);
	const cJSON *idx = cJSON_GetObjectItemCaseSensitive(j, "index");
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "ok");
	const cJSON *last = cJSON_GetObjectItemCaseSensitive(j, "last");
	int64_t i = -1;

	/* A line that is not a record (or a torn one) is ignored. */
	if (cJSON_IsNumber(idx) && idx->valuedouble >= 0 &&
	    idx->valuedouble < INDEX_MAX &&
	    idx->valuedouble == (double)(int64_t)idx->valuedouble &&
	    cJSON_IsTrue(ok) && (last == NULL || cJSON_IsTrue(last)))
		i = (int64_t)idx->valuedouble;
	cJSON_Delete(j);
	return i;
}

int
resume_load(struct resume_set *rs, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, i, k;
	ssize_t n;
	int64_t idx;

	memset(rs, 0, sizeof(*rs));
	if (f == NULL)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s",
		    path, strerror(errno)), -1);
	while ((n = getline(&line, &cap, f)) != -1) {
		if ((idx = done_index(line, (size_t)n)) >= 0 &&
		    done_add(rs, idx) == -1) {
			snprintf(err, errlen, "%s: out of memory", path);
			free(line);
			(void)fclose(f);	/* read only */
			resume_free(rs);
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(line);
		(void)fclose(f);
		resume_free(rs);
		return -1;
	}
	free(line);
	(void)fclose(f);	/* read only */
	if (rs->n > 0) {
		qsort(rs->done, rs->n, sizeof(*rs->done), cmp_i64);
		for (i = k = 1; i < rs->n; i++)
			if (rs->done[i] != rs->done[k - 1])
				rs->done[k++] = rs->done[i];
		rs->n = k;
	}
	return 0;
}

bool
resume_done(const struct resume_set *rs, int64_t i)
{
	size_t lo = 0, hi = rs->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (rs->done[mid] == i)
			return true;
		if (rs->done[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void
resume_free(struct resume_set *rs)
{
	free(rs->done);
	memset(rs, 0, sizeof(*rs));
}

/* The offset just past the last newline of fd's first size bytes (0 if
 * there is none); -1 on a read error. */
static off_t
last_line_start(int fd, off_t size)
{
	char b[4096];
	off_t end = size, start;
	ssize_t n, k;

	while (end > 0) {
		start = end > (off_t)sizeof b ? end - (off_t)sizeof b : 0;
		n = pread(fd, b, (size_t)(end - start), start);
		if (n != end - start)
			return -1;
		for (k = n; k > 0; k--)
			if (b[k - 1] == '\n')
				return start + k;
		end = start;
	}
	return 0;
}

int
resume_prepare(int fd, size_t *torn, char *err, size_t errlen)
{
	struct stat st;
	off_t from;
	char *tail;
	bool whole;

	*torn = 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			return -2;
		snprintf(err, errlen, "cannot lock it: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || (from = last_line_start(fd,
	    st.st_size)) == -1)
		goto fail;
	if (from == st.st_size)
		return 0;
	/* A last line without its newline: whole JSON or torn. */
	if (st.st_size - from > (1 << 30))
		whole = false;
	else if ((tail = malloc((size_t)(st.st_size - from))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	} else {
		whole = pread(fd, tail, (size_t)(st.st_size - from), from) ==
		    st.st_size - from && json_parses(tail,
		    (size_t)(st.st_size - from));
		free(tail);
	}
	if (whole)
		return write(fd, "\n", 1) == 1 ? 0 : (snprintf(err, errlen,
		    "%s", strerror(errno)), -1);
	if (ftruncate(fd, from) == -1)
		goto fail;
	*torn = (size_t)(st.st_size - from);
	return 0;
fail:
	snprintf(err, errlen, "%s", strerror(errno));
	return -1;
}
