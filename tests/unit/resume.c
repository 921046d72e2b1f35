/* Unit tests of resume: the set of requests an earlier run recorded ok,
 * read from a temporary file. */
#include "resume.h"

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
	CHECK(rs.ok == NULL && rs.bad == NULL && rs.words == 0);
	CHECK(!resume_done(&rs, 0));
}

UNIT_TEST(resume_ok_and_not_ok)
{
	struct resume_set rs;

	/* An index recorded both ok and not ok (a chain whose later page
	 * failed, or a request that failed once and later succeeded) is
	 * not done today, in either order. */
	CHECK(load(&rs, "{\"index\":1,\"ok\":true,\"page\":1}\n"
	    "{\"index\":1,\"ok\":false,\"page\":2}\n"
	    "{\"index\":7,\"ok\":false}\n"
	    "{\"index\":7,\"ok\":true}\n"
	    "{\"index\":8,\"ok\":true,\"page\":1}\n"
	    "{\"index\":8,\"ok\":true,\"page\":2}\n") == 0);
	CHECK(!resume_done(&rs, 1));
	CHECK(!resume_done(&rs, 7));
	CHECK(resume_done(&rs, 8));
	resume_free(&rs);

	/* a not-ok set longer than the ok one */
	CHECK(load(&rs, "{\"index\":3,\"ok\":true}\n"
	    "{\"index\":500,\"ok\":false}\n") == 0);
	CHECK(resume_done(&rs, 3));
	CHECK(!resume_done(&rs, 500));
	resume_free(&rs);
	/* an ok set longer than the not-ok one */
	CHECK(load(&rs, "{\"index\":3,\"ok\":false}\n"
	    "{\"index\":500,\"ok\":true}\n") == 0);
	CHECK(!resume_done(&rs, 3));
	CHECK(resume_done(&rs, 500));
	CHECK(!resume_done(&rs, 499));
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
	CHECK(!resume_done(&rs, 0) && rs.words == 0);
	resume_free(&rs);
}

UNIT_TEST(resume_absent)
{
	struct resume_set rs;
	char err[256] = "";

	/* an absent file is an empty set, and success */
	CHECK(resume_load(&rs, "/nonexistent/volley-unit/none.jsonl", err,
	    sizeof err) == 0);
	CHECK(rs.words == 0 && !resume_done(&rs, 0));
	resume_free(&rs);
	/* one that cannot be opened for another reason is an error */
	CHECK(resume_load(&rs, "/etc/passwd/x", err, sizeof err) == -1);
	CHECK(strcmp(err, "/etc/passwd/x: Not a directory") == 0);
	CHECK(rs.words == 0 && rs.ok == NULL);
}

UNIT_TEST(resume_big_indices)
{
	struct resume_set rs;
	char text[4096];
	int64_t idx[] = {63, 64, 65, 127, 128, 4095, 999999, 10000000};
	size_t i, n = 0;

	for (i = 0; i < sizeof idx / sizeof idx[0]; i++)
		n += (size_t)snprintf(text + n, sizeof text - n,
		    "{\"index\":%lld,\"ok\":true}\n", (long long)idx[i]);
	/* out of range: ignored, nothing allocated for them */
	snprintf(text + n, sizeof text - n,
	    "{\"index\":-1,\"ok\":true}\n"
	    "{\"index\":1e15,\"ok\":true}\n"
	    "{\"index\":1e300,\"ok\":true}\n");
	CHECK(load(&rs, text) == 0);
	for (i = 0; i < sizeof idx / sizeof idx[0]; i++) {
		CHECK(resume_done(&rs, idx[i]));
		CHECK(!resume_done(&rs, idx[i] + 1) || idx[i] + 1 == 64 ||
		    idx[i] + 1 == 65 || idx[i] + 1 == 128);
	}
	CHECK(!resume_done(&rs, 62));
	CHECK(!resume_done(&rs, 0));
	CHECK(!resume_done(&rs, 9999999));
	CHECK(!resume_done(&rs, 10000001));
	CHECK(!resume_done(&rs, 1000000000000000LL));
	CHECK(rs.words == 10000000 / 64 + 1);
	resume_free(&rs);
}
