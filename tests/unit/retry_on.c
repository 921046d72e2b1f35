/* Unit tests of retry's set (--retry-on and the default).  The rest of
 * retry.c is tested in tests/unit/retry.c. */
#include "retry.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

UNIT_TEST(retry_set_default)
{
	struct retry_set s;
	struct retry_policy p = {.retries = 3, .delay_ms = 100,
	    .max_wait_ms = 30000};
	static const long yes[] = {408, 429, 500, 502, 503, 504};
	static const long no[] = {400, 401, 403, 404, 409, 501, 505, 599};
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		CHECK(retry_set_has(&s, ERR_HTTP, yes[i]));
		CHECK(retry_wait(&p, 1, "GET", ERR_HTTP, yes[i], -1, 0) == 0);
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		CHECK(!retry_set_has(&s, ERR_HTTP, no[i]));
	CHECK(retry_set_has(&s, ERR_CONNECT, 0));
	CHECK(retry_set_has(&s, ERR_TIMEOUT, 0));
	CHECK(!retry_set_has(&s, ERR_READ, 0));
	CHECK(!retry_set_has(&s, ERR_DNS, 0));
	CHECK(!retry_set_has(&s, ERR_NONE, 200));
	/* not for POST, whatever the set */
	CHECK(retry_wait(&p, 1, "POST", ERR_HTTP, 500, -1, 0) == -1);
}

UNIT_TEST(retry_set_parse_list)
{
	struct retry_set s;
	char err[200];

	CHECK(retry_set_parse(&s, "429,500-502,read,timeout", err,
	    sizeof err) == 0);
	CHECK(retry_set_has(&s, ERR_HTTP, 429));
	CHECK(retry_set_has(&s, ERR_HTTP, 500));
	CHECK(retry_set_has(&s, ERR_HTTP, 501));
	CHECK(retry_set_has(&s, ERR_HTTP, 502));
	CHECK(!retry_set_has(&s, ERR_HTTP, 503));
	CHECK(!retry_set_has(&s, ERR_HTTP, 499));
	CHECK(retry_set_has(&s, ERR_READ, 0));
	CHECK(retry_set_has(&s, ERR_TIMEOUT, 0));
	CHECK(!retry_set_has(&s, ERR_CONNECT, 0));	/* replaced, not added */
	/* blanks around items are allowed */
	CHECK(retry_set_parse(&s, " 429 , read", err, sizeof err) == 0);
	CHECK(retry_set_has(&s, ERR_HTTP, 429) && retry_set_has(&s, ERR_READ,
	    0));
	CHECK(retry_set_parse(&s, "dns,connect,tls,protocol,100-599", err,
	    sizeof err) == 0);
	CHECK(retry_set_has(&s, ERR_DNS, 0) && retry_set_has(&s, ERR_TLS, 0));
	CHECK(retry_set_has(&s, ERR_PROTOCOL, 0));
	CHECK(retry_set_has(&s, ERR_HTTP, 100) && retry_set_has(&s, ERR_HTTP,
	    599));
	CHECK(!retry_set_has(&s, ERR_HTTP, 600) && !retry_set_has(&s,
	    ERR_HTTP, -1));
	CHECK(!retry_set_has(&s, ERR_DECODE, 0));
	CHECK(!retry_set_has(&s, ERR_CANCELLED, 0));
}

UNIT_TEST(retry_set_parse_bad)
{
	static const char *const bad[][2] = {
		{"429,bogus", "'bogus'"}, {"", "''"}, {"429,", "''"},
		{",429", "''"}, {"99", "'99'"}, {"600", "'600'"},
		{"503-500", "'503-500'"}, {"500-", "'500-'"}, {"-500", "'-500'"},
		{"http", "'http'"}, {"cancelled", "'cancelled'"},
		{"CONNECT", "'CONNECT'"}, {"4 29", "'4 29'"}, {"+429", "'+429'"},
		{"12345678901-2", "'12345678901-2'"},
	};
	struct retry_set s;
	char err[200];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		CHECK(retry_set_parse(&s, bad[i][0], err, sizeof err) == -1);
		CHECK(strncmp(err, bad[i][1], strlen(bad[i][1])) == 0);
		if (strncmp(err, bad[i][1], strlen(bad[i][1])) != 0)
			fprintf(stderr, "  %s: %s\n", bad[i][0], err);
	}
}
