/* Unit tests of job: one request's data through its hops and pages (the
 * trust flag, the method, the body, the per-attempt timeout). */
#include "job.h"

#include <curl/curl.h>
#include <string.h>

#include "check.h"

static void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->location = true;
	c->max_redirs = 10;
	c->max_pages = 1000;
	c->page_start = 1;
	c->timeout_ms = 30000;
}

/* The run's limits, adaptation on (as by default): every job holds its
 * host in them. */
static struct limits *
lim(void)
{
	static struct limits *l;

	if (l == NULL) {
		l = limits_new(0, 0);
		limits_adapt(l, 10, 0);
	}
	return l;
}

static bool
host_is(const struct job *j, const char *key)
{
	const char *k = limits_host_key(j->host);

	return k != NULL && strcmp(k, key) == 0;
}

static struct job *
job(const struct config *c, const char *line)
{
	struct request r;
	struct job *j;

	memset(&r, 0, sizeof(r));
	CHECK(input_parse_line(line, strlen(line), c, &r) == 1);
	CHECK(r.err == ERR_NONE);
	j = job_new(c, lim(), &r, 0);
	CHECK(j != NULL);
	CHECK(r.url == NULL);		/* taken */
	return j;
}

/* Follow a redirect from the job's URL to loc after status. */
static void
hop(struct job *j, const struct config *c, const char *loc, long status)
{
	struct redirect_hop h;
	char msg[256];

	CHECK(redirect_decide(c, job_curlu(j), loc, status, j->redirects,
	    j->method, &h, msg, sizeof msg) == ERR_NONE);
	CHECK(job_hop(j, c, &h) == 0);
	CHECK(h.url == NULL);		/* taken */
}

/* Move the job to its next page at s. */
static void
next_page(struct job *j, const struct config *c, const char *s)
{
	CURLU *u = curl_url();

	CHECK(curl_url_set(u, CURLUPART_URL, s, 0) == CURLUE_OK);
	CHECK(job_next_page(j, c, u) == 0);
}

UNIT_TEST(job_start)
{
	struct config c;
	struct job *j;
	struct xfer_req r;
	char data[] = "d=1";

	config_init(&c);
	j = job(&c, "{\"url\":\"http://h/a\",\"headers\":{\"X-A\":\"1\"}}");
	CHECK(strcmp(job_url(j), "http://h/a") == 0);
	CHECK(strcmp(j->method, "GET") == 0 && !j->send_body);
	CHECK(j->trusted && j->page == 1 && j->attempts == 0);
	/* adaptation (on by default) keys every request by its origin */
	CHECK(host_is(j, "http://h:80"));
	{
		/* every spelling of an IPv4 address is the one host */
		static const char *const ip[] = {"http://127.1/",
		    "http://0x7f.0.0.1/a", "http://2130706433/",
		    "http://127.0.0.1/b"};
		struct job *k;
		size_t i;

		for (i = 0; i < sizeof ip / sizeof ip[0]; i++) {
			k = job(&c, ip[i]);
			CHECK(host_is(k, "http://127.0.0.1:80"));
			job_free(k);
		}
	}
	job_begin(j, 1000);
	CHECK(j->attempts == 1 && j->redirects == 0);
	job_request(j, &c, false, 1000, &r);
	CHECK(strcmp(r.url, "http://h/a") == 0 && strcmp(r.method, "GET") == 0);
	CHECK(r.trusted && r.nheaders == 1 && strcmp(r.headers[0], "X-A: 1") ==
	    0);
	CHECK(!r.has_body && r.body == NULL);
	CHECK(r.timeout_ms == 30000);
	CHECK(r.keep_body);		/* --body auto */
	job_free(j);

	/* -d: a POST with the run's body; --per-host: the origin is the key */
	c.data = data;
	c.data_len = 3;
	c.has_data = true;
	c.per_host = 2;
	j = job(&c, "HTTP://H:8080/a");
	CHECK(strcmp(j->method, "POST") == 0 && j->send_body);
	CHECK(host_is(j, "http://h:8080"));
	job_begin(j, 0);
	job_request(j, &c, false, 0, &r);
	CHECK(r.has_body && r.body == c.data && r.body_len == 3 &&
	    !r.body_json);
	job_free(j);

	/* the request's own body goes instead of -d */
	j = job(&c, "{\"url\":\"http://h/\",\"body\":{\"k\":1}}");
	job_begin(j, 0);
	job_request(j, &c, false, 0, &r);
	CHECK(r.has_body && strcmp(r.body, "{\"k\":1}") == 0 && r.body_json);
	job_free(j);

	/* --page-param not in the URL: the first page's URL gets it */
	config_init(&c);
	c.page = PAGE_PARAM;
	c.page_param = "page";
	j = job(&c, "http://h/l?q=1");
	CHECK(strcmp(job_url(j), "http://h/l?q=1&page=1") == 0);
	CHECK(j->chain.page_num == 1);
	job_free(j);
	job_free(NULL);
}

UNIT_TEST(job_hop_trust)
{
	struct config c;
	struct job *j;
	struct xfer_req r;

	config_init(&c);
	c.per_host = 4;
	j = job(&c, "{\"url\":\"http://h/a\",\"headers\":{\"X-A\":\"1\"}}");
	job_begin(j, 0);
	/* same origin: trusted */
	hop(j, &c, "/b", 302);
	CHECK(strcmp(job_url(j), "http://h/b") == 0);
	CHECK(j->trusted && j->redirects == 1 && j->hop);
	CHECK(j->origin != NULL && strcmp(j->origin, "http://h:80") == 0);
	job_begin(j, 0);		/* continues the attempt */
	CHECK(j->attempts == 1 && j->redirects == 1 && !j->hop);
	/* another port: not trusted; the per-host key follows the hop */
	hop(j, &c, "http://h:81/c", 302);
	CHECK(!j->trusted && host_is(j, "http://h:81"));
	job_begin(j, 0);
	job_request(j, &c, false, 0, &r);
	CHECK(!r.trusted && r.headers == NULL && r.nheaders == 0);
	/* back to the request's own origin: trusted again (the rule is
	 * against the request's origin, not the previous hop's) */
	hop(j, &c, "http://H:80/d", 301);
	CHECK(j->trusted && host_is(j, "http://h:80"));
	job_begin(j, 0);
	job_request(j, &c, false, 0, &r);
	CHECK(r.trusted && r.nheaders == 1);
	/* another scheme, another host */
	hop(j, &c, "https://h/e", 302);
	CHECK(!j->trusted);
	job_begin(j, 0);
	hop(j, &c, "https://g/e", 302);
	CHECK(!j->trusted && j->redirects == 5);
	CHECK(strcmp(j->origin, "http://h:80") == 0);
	/* a retry starts a new attempt: its redirects count again */
	job_begin(j, 0);
	job_begin(j, 0);
	CHECK(j->attempts == 2 && j->redirects == 0);
	job_free(j);

	/* --location-trusted: trusted everywhere */
	c.location_trusted = true;
	j = job(&c, "http://h/a");
	job_begin(j, 0);
	hop(j, &c, "https://g:8443/x", 302);
	CHECK(j->trusted && host_is(j, "https://g:8443"));
	job_free(j);
}

UNIT_TEST(job_hop_method)
{
	struct config c;
	struct job *j;
	struct xfer_req r;
	char data[] = "d=1";

	config_init(&c);
	c.data = data;
	c.data_len = 3;
	c.has_data = true;
	/* 307 keeps the POST and its body; a 303 then makes a GET without
	 * one, and a 307 after that keeps the GET, still without */
	j = job(&c, "http://h/a");
	job_begin(j, 0);
	hop(j, &c, "/b", 307);
	CHECK(strcmp(j->method, "POST") == 0 && j->send_body);
	job_begin(j, 0);
	hop(j, &c, "/c", 303);
	CHECK(strcmp(j->method, "GET") == 0 && !j->send_body);
	job_begin(j, 0);
	job_request(j, &c, false, 0, &r);
	CHECK(strcmp(r.method, "GET") == 0 && !r.has_body && r.body == NULL);
	hop(j, &c, "/d", 307);
	CHECK(strcmp(j->method, "GET") == 0 && !j->send_body);
	job_free(j);

	/* 301 and 302 after a POST: GET; after a PUT: PUT with its body */
	j = job(&c, "http://h/a");
	job_begin(j, 0);
	hop(j, &c, "/b", 302);
	CHECK(strcmp(j->method, "GET") == 0 && !j->send_body);
	job_free(j);
	c.method = "PUT";
	j = job(&c, "http://h/a");
	job_begin(j, 0);
	hop(j, &c, "/b", 301);
	CHECK(strcmp(j->method, "PUT") == 0 && j->send_body);
	job_begin(j, 0);
	job_request(j, &c, false, 0, &r);
	CHECK(r.has_body && r.body == c.data);
	hop(j, &c, "/c", 303);
	CHECK(strcmp(j->method, "GET") == 0 && !j->send_body);
	job_free(j);
	/* HEAD stays HEAD after a 303 */
	c.method = "HEAD";
	c.has_data = false;
	j = job(&c, "http://h/a");
	job_begin(j, 0);
	hop(j, &c, "/b", 303);
	CHECK(strcmp(j->method, "HEAD") == 0);
	job_free(j);
}

UNIT_TEST(job_pages)
{
	struct config c;
	struct job *j;
	struct xfer_req r;
	char data[] = "q";

	config_init(&c);
	c.page = PAGE_LINK;
	c.data = data;
	c.data_len = 1;
	c.has_data = true;
	/* a POST chain: the next pages are GETs without the body */
	j = job(&c, "{\"url\":\"http://h/search\","
	    "\"headers\":{\"X-A\":\"1\"}}");
	CHECK(strcmp(j->method, "POST") == 0 && j->send_body);
	job_begin(j, 5);
	job_begin(j, 6);		/* a retry */
	CHECK(j->attempts == 2 && j->page_start_us == 5);
	next_page(j, &c, "http://h/search?page=2");
	CHECK(j->page == 2 && j->attempts == 0 && j->page_start_us == 0);
	CHECK(strcmp(job_url(j), "http://h/search?page=2") == 0);
	CHECK(strcmp(j->method, "GET") == 0 && !j->send_body);
	CHECK(j->trusted);
	job_begin(j, 9);
	CHECK(j->attempts == 1 && j->page_start_us == 9);
	job_request(j, &c, true, 9, &r);
	CHECK(strcmp(r.method, "GET") == 0 && !r.has_body);
	CHECK(r.trusted && r.nheaders == 1);
	/* a next page on another origin: not trusted */
	next_page(j, &c, "https://h/search?page=3");
	CHECK(j->page == 3 && !j->trusted);
	job_begin(j, 10);
	job_request(j, &c, true, 10, &r);
	CHECK(!r.trusted && r.nheaders == 0);
	/* and back */
	next_page(j, &c, "http://h/search?page=4");
	CHECK(j->trusted);
	job_free(j);

	/* an idempotent method stays, with its body */
	c.method = "PUT";
	j = job(&c, "http://h/x");
	next_page(j, &c, "http://h/x?page=2");
	CHECK(strcmp(j->method, "PUT") == 0 && j->send_body);
	job_free(j);
	/* a PATCH becomes a GET */
	c.method = "PATCH";
	j = job(&c, "http://h/x");
	next_page(j, &c, "http://h/x?page=2");
	CHECK(strcmp(j->method, "GET") == 0 && !j->send_body);
	job_free(j);
}

UNIT_TEST(job_timeout)
{
	struct config c;
	struct job *j;
	struct xfer_req r;

	config_init(&c);
	c.timeout_ms = 30000;
	j = job(&c, "http://h/a");
	job_begin(j, 1000000);
	job_request(j, &c, false, 1000000, &r);
	CHECK(r.timeout_ms == 30000);
	/* each hop of the attempt gets what is left of the timeout */
	hop(j, &c, "/b", 302);
	job_begin(j, 3000000);
	job_request(j, &c, false, 3000000, &r);
	CHECK(r.timeout_ms == 28000);
	hop(j, &c, "/c", 302);
	job_begin(j, 3500999);
	job_request(j, &c, false, 3500999, &r);
	CHECK(r.timeout_ms == 27500);	/* whole ms spent, rounded down */
	/* none left, or less than none: the scheduler fails it */
	hop(j, &c, "/d", 302);
	job_begin(j, 31000000);
	job_request(j, &c, false, 31000000, &r);
	CHECK(r.timeout_ms == 0);
	job_request(j, &c, false, 32000000, &r);
	CHECK(r.timeout_ms == -1000);
	/* a new attempt has the whole timeout again */
	job_begin(j, 40000000);
	job_request(j, &c, false, 40000000, &r);
	CHECK(r.timeout_ms == 30000 && j->attempts == 2);
	/* -t 0: none, however long */
	c.timeout_ms = 0;
	job_request(j, &c, false, 99000000, &r);
	CHECK(r.timeout_ms == 0);
	job_free(j);
}
