/* resume — which requests an earlier run already did.  The file is
 * read once, line by line; each record's index goes into the ok or the
 * not-ok bitset. */
#include "resume.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
bit_set(uint64_t **bits, size_t *words, int64_t i)
{
	size_t w = (size_t)i / 64;

	if (w >= *words) {
		size_t n = w + 1 > *words * 2 ? w + 1 : *words * 2;
		uint64_t *p;

		if (n == 0 || n > SIZE_MAX / sizeof(*p))	/* cannot be */
			return -1;
		p = realloc(*bits, n * sizeof(*p));

		if (p == NULL)
			return -1;
		memset(p + *words, 0, (n - *words) * sizeof(*p));
		*bits = p;
		*words = n;
	}
	(*bits)[w] |= 1ULL << (i % 64);
	return 0;
}

int
resume_load(struct resume_set *rs, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, okw = 0, badw = 0;
	ssize_t n;

	memset(rs, 0, sizeof(*rs));
	if (f == NULL)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s",
		    path, strerror(errno)), -1);
	snprintf(err, errlen, "%s: out of memory", path);
	while ((n = getline(&line, &cap, f)) != -1) {
		cJSON *j = cJSON_ParseWithLength(line, (size_t)n);
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(j, "index");
		const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "ok");

		/* A torn last line (a crash mid-write) is simply ignored. */
		if (cJSON_IsNumber(idx) && idx->valuedouble >= 0 &&
		    idx->valuedouble < 1e15) {
			int64_t i = (int64_t)idx->valuedouble;

			if (bit_set(cJSON_IsTrue(ok) ? &rs->ok : &rs->bad,
			    cJSON_IsTrue(ok) ? &okw : &badw, i) == -1) {
				cJSON_Delete(j);
				snprintf(err, errlen, "%s: out of memory", path);
				free(line);
				(void)fclose(f);	/* read only */
				return -1;
			}
		}
		cJSON_Delete(j);
	}
	free(line);
	(void)fclose(f);	/* read only */
	rs->words = okw;
	/* bad may be shorter or longer; pad to the same length */
	if (badw < okw) {
		uint64_t *p = realloc(rs->bad, okw * sizeof(*p));

		if (p == NULL && okw > 0)
			return -1;
		if (okw > 0)
			memset(p + badw, 0, (okw - badw) * sizeof(*p));
		rs->bad = p;
	}
	return 0;
}

bool
resume_done(const struct resume_set *rs, int64_t i)
{
	size_t w = (size_t)i / 64;
	uint64_t m = 1ULL << (i % 64);

	return w < rs->words && (rs->ok[w] & m) && !(rs->bad[w] & m);
}

void
resume_free(struct resume_set *rs)
{
	free(rs->ok);
	free(rs->bad);
	memset(rs, 0, sizeof(*rs));
}
