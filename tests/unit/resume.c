/* Unit tests of resume: the set of requests an earlier run recorded ok,
 * read from a temporary file. */
#include "resume.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

/* Load a resume set from a file holding text; 0 or -1 as resume_load. */
static int
load(struct resume_set *rs, const char *text)
{
	char path[] = "/tmp/volley-unit-resume.XXXXXX", err[256];
	int fd = mkstemp(path), rc;
	size_t n = strlen(text);

	CHECK(fd != -1);
	if (fd == -1)
		return -1;
	CHECK(write(fd, text, n) == (ssize_t)n);
	close(fd);
	err[0] = '\0';
	rc = resume_load(rs, path, err, sizeof err);
	unlink(path);
	return rc;
}

UNIT_TEST(resume_ok_records)
{
	struct resume_set rs;

	CHECK(load(&rs, "{\"index\":0,\"ok\":true,\"status\":200}\n"
	    "{\"index\":2,\"ok\":false,\"error\":{\"kind\":\"http\"}}\n"
	    "{\"index\":3,\"ok\":true}\n"
	    "{\"ok\":true,\"index\":5}\n") == 0);
	CHECK(resume_done(&rs, 0));
	CHECK(!resume_done(&rs, 1));		/* not recorded */
	CHECK(!resume_done(&rs, 2));		/* recorded not ok */
	CHECK(resume_done(&rs, 3));
	CHECK(!resume_done(&rs, 4));
	CHECK(resume_done(&rs, 5));		/* any key order */
	CHECK(!resume_done(&rs, 6));
	CHECK(!resume_done(&rs, 64));
	CHECK(!resume_done(&rs, 1000000));	/* past the set */
	resume_free(&rs);
	CHECK(rs.done == NULL && rs.n == 0);
	CHECK(!resume_done(&rs, 0));
}

UNIT_TEST(resume_ok_and_not_ok)
{
	struct resume_set rs;

	/* Exactly once: a request that failed in one run and succeeded in a
	 * later one is done, whatever else the file holds about it (a
	 * failure after it, from a run before the fix, changes nothing). */
	CHECK(load(&rs, "{\"index\":7,\"ok\":false,\"last\":true}\n"
	    "{\"index\":7,\"ok\":true,\"last\":true}\n"
	    "{\"index\":9,\"ok\":true,\"last\":true}\n"
	    "{\"index\":9,\"ok\":false,\"last\":true}\n"
	    "{\"index\":3,\"ok\":false}\n"
	    "{\"index\":3,\"ok\":true}\n") == 0);
	CHECK(resume_done(&rs, 7));
	CHECK(resume_done(&rs, 9));
	CHECK(resume_done(&rs, 3));	/* no "last": a file from before it */
	resume_free(&rs);

	/* A chain is done only when its last page is recorded ok: killed
	 * after page 1 (last false), failed on page 2, or ended. */
	CHECK(load(&rs, "{\"index\":1,\"ok\":true,\"page\":1,\"last\":false}\n"
	    "{\"index\":2,\"ok\":true,\"page\":1,\"last\":false}\n"
	    "{\"index\":2,\"ok\":false,\"page\":2,\"last\":true}\n"
	    "{\"index\":4,\"ok\":true,\"page\":1,\"last\":false}\n"
	    "{\"index\":4,\"ok\":true,\"page\":2,\"last\":true}\n"
	    "{\"index\":5,\"ok\":true,\"last\":\"true\"}\n"
	    "{\"index\":6,\"ok\":true,\"last\":null}\n") == 0);
	CHECK(!resume_done(&rs, 1));
	CHECK(!resume_done(&rs, 2));
	CHECK(resume_done(&rs, 4));
	CHECK(!resume_done(&rs, 5));	/* "last" must be a boolean */
	CHECK(!resume_done(&rs, 6));
	CHECK(rs.n == 1);
	resume_free(&rs);
}

UNIT_TEST(resume_torn_and_blank)
{
	struct resume_set rs;

	/* blank lines, a line that is not a record, and a torn last line
	 * (a crash mid-write) are skipped */
	CHECK(load(&rs, "\n{\"index\":0,\"ok\":true}\n\n   \n"
	    "not json\n"
	    "{\"index\":\"2\",\"ok\":true}\n"		/* not a number */
	    "{\"ok\":true}\n"				/* no index */
	    "[{\"index\":4,\"ok\":true}]\n"		/* not an object */
	    "{\"index\":5,\"ok\":\"true\"}\n"		/* not a boolean */
	    "{\"index\":6,\"ok\":true}\r\n"		/* CRLF */
	    "{\"index\":1,\"ok\":tr") == 0);
	CHECK(resume_done(&rs, 0));
	CHECK(!resume_done(&rs, 1));
	CHECK(!resume_done(&rs, 2));
	CHECK(!resume_done(&rs, 4));
	CHECK(!resume_done(&rs, 5));
	CHECK(resume_done(&rs, 6));
	resume_free(&rs);

	/* a last line without its newline, but whole, counts */
	CHECK(load(&rs, "{\"index\":0,\"ok\":false}\n"
	    "{\"index\":9,\"ok\":true}") == 0);
	CHECK(resume_done(&rs, 9));
	resume_free(&rs);

	/* an empty file: an empty set */
	CHECK(load(&rs, "") == 0);
	CHECK(!resume_done(&rs, 0) && rs.n == 0);
	resume_free(&rs);
}

UNIT_TEST(resume_absent)
{
	struct resume_set rs;
	char err[256] = "";

	/* an absent file is an empty set, and success */
	CHECK(resume_load(&rs, "/nonexistent/volley-unit/none.jsonl", err,
	    sizeof err) == 0);
	CHECK(rs.n == 0 && !resume_done(&rs, 0));
	resume_free(&rs);
	/* one that cannot be opened for another reason is an error */
	CHECK(resume_load(&rs, "/etc/passwd/x", err, sizeof err) == -1);
	CHECK(strcmp(err, "/etc/passwd/x: Not a directory") == 0);
	CHECK(rs.n == 0 && rs.done == NULL);
}

UNIT_TEST(resume_big_indices)
{
	struct resume_set rs;
	char text[4096];
	int64_t idx[] = {63, 64, 65, 127, 128, 4095, 999999, 10000000,
	    1000000000000LL, 9007199254740991LL};
	size_t i, n = 0;

	for (i = 0; i < sizeof idx / sizeof idx[0]; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
		    "{\"index\":%lld,\"ok\":true}\n", (long long)idx[i]);
	/* out of range or not an integer: ignored */
	snprintf(text + n, sizeof text - n,
	    "{\"index\":-1,\"ok\":true}\n"
	    "{\"index\":1.5,\"ok\":true}\n"
	    "{\"index\":1e300,\"ok\":true}\n"
	    "{\"index\":9007199254740992,\"ok\":true}\n"
	    "{\"index\":1e12,\"ok\":true}\n"
	    "{\"index\":63,\"ok\":true}\n");
	CHECK(load(&rs, text) == 0);
	for (i = 0; i < sizeof idx / sizeof idx[0]; i++) {
		CHECK(resume_done(&rs, idx[i]));
		CHECK(!resume_done(&rs, idx[i] + 1) || idx[i] + 1 == 64 ||
		    idx[i] + 1 == 65 || idx[i] + 1 == 128);
	}
	CHECK(!resume_done(&rs, 62));
	CHECK(!resume_done(&rs, 0));
	CHECK(!resume_done(&rs, 1));
	CHECK(!resume_done(&rs, 9999999));
	CHECK(!resume_done(&rs, 10000001));
	/* memory by the number of records, not by the largest index:
	 * 1e12 and its duplicate are one entry of 8 bytes */
	CHECK(rs.n == sizeof idx / sizeof idx[0]);
	CHECK(rs.cap <= 64);
	resume_free(&rs);
}

/* A file descriptor on a temporary file holding text. */
static int
tmp_fd(const char *text, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/volley-unit-prep.XXXXXX");
	fd = mkstemp(path);
	CHECK(fd != -1);
	if (fd != -1)
		CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	return fd;
}

static char *
slurp_path(const char *path)
{
	static char b[4096];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(b, 1, sizeof b - 1, f) : 0;

	if (f != NULL)
		fclose(f);
	b[n] = '\0';
	return b;
}

UNIT_TEST(resume_prepare_tail_and_lock)
{
	char path[64], err[256];
	size_t torn;
	int fd, fd2;

	/* a torn last line is cut off */
	fd = tmp_fd("{\"index\":0,\"ok\":true}\n{\"index\":1,\"o", path,
	    sizeof path);
	CHECK(resume_prepare(fd, &torn, err, sizeof err) == 0 && torn == 13);
	CHECK(strcmp(slurp_path(path), "{\"index\":0,\"ok\":true}\n") == 0);
	close(fd);
	unlink(path);
	/* a file that is all one torn line is emptied */
	fd = tmp_fd("{\"ind", path, sizeof path);
	CHECK(resume_prepare(fd, &torn, err, sizeof err) == 0 && torn == 5);
	CHECK(strcmp(slurp_path(path), "") == 0);
	close(fd);
	unlink(path);
	/* a whole record without its newline gets one; a whole file and an
	 * empty one are left alone */
	fd = tmp_fd("{\"index\":0,\"ok\":true}", path, sizeof path);
	CHECK(resume_prepare(fd, &torn, err, sizeof err) == 0 && torn == 0);
	CHECK(strcmp(slurp_path(path), "{\"index\":0,\"ok\":true}\n") == 0);
	/* a second lock on the same file is refused at once */
	fd2 = open(path, O_RDWR | O_APPEND);
	CHECK(resume_prepare(fd2, &torn, err, sizeof err) == -2);
	close(fd);
	CHECK(resume_prepare(fd2, &torn, err, sizeof err) == 0 && torn == 0);
	CHECK(strcmp(slurp_path(path), "{\"index\":0,\"ok\":true}\n") == 0);
	close(fd2);
	unlink(path);
	fd = tmp_fd("", path, sizeof path);
	CHECK(resume_prepare(fd, &torn, err, sizeof err) == 0 && torn == 0);
	close(fd);
	unlink(path);
}
