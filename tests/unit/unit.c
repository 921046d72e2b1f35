/* The unit-test runner: every UNIT_TEST in the tests/unit files, in the order
 * they registered (file by file, as linked).  Run by tests/00-unit.bats. */
#include "check.h"

#include <curl/curl.h>
#include <stdio.h>

int unit_failures, unit_checks;
static struct unit_case *first, **tail = &first;

void
unit_register(struct unit_case *c)
{
	*tail = c;
	tail = &c->next;
}

void *
unit_curlu(const char *s)
{
	CURLU *u = curl_url();

	if (u != NULL && curl_url_set(u, CURLUPART_URL, s,
	    CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		curl_url_cleanup(u);
		u = NULL;
	}
	return u;
}

int
main(void)
{
	struct unit_case *c;
	int n = 0, failed = 0;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (c = first; c != NULL; c = c->next) {
		int before = unit_failures;

		c->fn();
		printf("%s %d %s\n", unit_failures == before ? "ok" : "not ok",
		    ++n, c->name);
		failed += unit_failures != before;
	}
	printf("%d checks, %d failed\n", unit_checks, unit_failures);
	curl_global_cleanup();
	return failed ? 1 : 0;
}
