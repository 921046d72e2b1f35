/* Unit tests of stats.c (what --stats measures and says when there is
 * nothing to measure) and of the --accept decision (result_judge; kept
 * here beside the counts it feeds). */
#include "cli.h"
#include "result.h"
#include "stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "check.h"

static struct record
rec(long status, enum err_kind err, double ms)
{
	struct record r;

	memset(&r, 0, sizeof(r));
	r.status = status;
	r.err = err;
	r.time_ms = ms;
	r.size = -1;
	return r;
}

UNIT_TEST(stats_answered_and_not)
{
	struct stats st;
	struct record r;
	struct buf b = {0};
	cJSON *j;
	int i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < 3; i++) {
		r = rec(200, ERR_NONE, 2.0);
		stats_count(&st, &r);
	}
	r = rec(404, ERR_HTTP, 300.0);
	stats_count(&st, &r);
	/* timeouts with no answer: counted apart, not in the latency */
	for (i = 0; i < 127; i++) {
		r = rec(0, ERR_TIMEOUT, 30000.0);
		stats_count(&st, &r);
	}
	CHECK(st.records == 131 && st.ok == 3 && st.lat_n == 4);
	CHECK(st.noanswer_kind[ERR_TIMEOUT] == 127);
	CHECK(st.by_kind[ERR_TIMEOUT] == 127 && st.by_kind[ERR_HTTP] == 1);
	CHECK(st.lat_max == 300.0);
	CHECK(st.hist[1] == 3 && st.hist[5] == 1);	/* 1-5ms, 100-500ms */
	st.elapsed_s = 2;
	stats_json(&b, &st);
	j = cJSON_Parse(b.data);
	CHECK(j != NULL);
	CHECK(cJSON_GetObjectItem(j, "answered")->valuedouble == 4);
	CHECK(cJSON_GetObjectItem(j, "no_answer")->valuedouble == 127);
	CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "no_answer_errors"),
	    "timeout")->valuedouble == 127);
	CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "latency_ms"),
	    "max")->valuedouble == 300.0);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "histogram")) == 9);
	CHECK(cJSON_GetObjectItem(j, "records_per_s")->valuedouble == 65.5);
	cJSON_Delete(j);
	buf_reset(&b);
	stats_table(&b, &st, false);
	CHECK(strstr(b.data, "no answer 127 (timeout 127)") != NULL);
	CHECK(strstr(b.data, "max 300.0ms") != NULL);
	/* every fixed bucket is shown, the empty ones too */
	CHECK(strstr(b.data, "  <1ms") != NULL &&
	    strstr(b.data, "  5-10ms            0\n") != NULL &&
	    strstr(b.data, "  >5s") != NULL);
	CHECK(strstr(b.data, "status\n") != NULL &&
	    strstr(b.data, "errors\n") != NULL);
	buf_free(&b);
}

/* A percentile is the top of the log bucket (0.01 ms * 2^(i/8)) that
 * holds it, or the largest latency when that is lower: 1 ms is in
 * bucket 54 (8 log2 100 = 53.2), 0.3 ms in 40 (39.3), 100 ms in 107. */
UNIT_TEST(stats_buckets)
{
	static struct stats st;
	int i;

	for (i = 0; i < 30; i++)
		stats_add(&st, 0.3);
	for (i = 0; i < 40; i++)
		stats_add(&st, 1.0);
	for (i = 0; i < 30; i++)
		stats_add(&st, 100.0);
	CHECK(fabs(stats_percentile(&st, 25) - 0.01 * exp2(40 / 8.0)) < 1e-9);
	CHECK(fabs(stats_percentile(&st, 50) - 0.01 * exp2(54 / 8.0)) < 1e-9);
	CHECK(stats_percentile(&st, 99) == 100.0);
	memset(&st, 0, sizeof st);
	stats_add(&st, 0.005);		/* at or under 0.01 ms: bucket 0 */
	stats_add(&st, 1e12);		/* past the last: the last one's top */
	CHECK(fabs(stats_percentile(&st, 50) - 0.01) < 1e-12);
	CHECK(fabs(stats_percentile(&st, 100) - 0.01 * exp2(199 / 8.0)) < 1e-6);
}

UNIT_TEST(stats_nothing_to_measure)
{
	struct stats st;
	struct record r = rec(0, ERR_CONNECT, 1.0);
	struct buf b = {0};
	cJSON *j, *lat;

	memset(&st, 0, sizeof(st));
	CHECK(stats_percentile(&st, 50) < 0);
	stats_count(&st, &r);
	st.elapsed_s = -1;	/* --replay: not known */
	stats_json(&b, &st);
	j = cJSON_Parse(b.data);
	lat = cJSON_GetObjectItem(j, "latency_ms");
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(lat, "p50")) &&
	    cJSON_IsNull(cJSON_GetObjectItem(lat, "mean")) &&
	    cJSON_IsNull(cJSON_GetObjectItem(lat, "max")));
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "elapsed_s")) &&
	    cJSON_IsNull(cJSON_GetObjectItem(j, "records_per_s")));
	cJSON_Delete(j);
	buf_reset(&b);
	stats_table(&b, &st, false);
	CHECK(strstr(b.data, "p50 -ms") == NULL);
	CHECK(strstr(b.data, "mean -  p50 -  p90 -  p99 -  max -") != NULL ||
	    strstr(b.data, "mean -") != NULL);
	CHECK(strstr(b.data, "in -") != NULL);
	CHECK(strstr(b.data, "histogram") == NULL);
	buf_free(&b);
}

UNIT_TEST(accept)
{
	struct config c;
	struct xfer_res res;
	char msg[128];

	memset(&c, 0, sizeof(c));
	memset(&res, 0, sizeof(res));
	res.errbuf = "";
	res.status = 404;
	CHECK(result_judge(&c, &res, 0, msg, sizeof msg) == ERR_HTTP);
	CHECK(!result_status_ok(&c, 400) && result_status_ok(&c, 399));
	CHECK(util_parse_ranges("200-299,404", c.accept, 32, &c.naccept) == 0);
	CHECK(result_judge(&c, &res, 0, msg, sizeof msg) == ERR_NONE &&
	    msg[0] == '\0');
	res.status = 204;
	CHECK(result_judge(&c, &res, 0, msg, sizeof msg) == ERR_NONE);
	res.status = 304;
	CHECK(result_judge(&c, &res, 0, msg, sizeof msg) == ERR_HTTP &&
	    strstr(msg, "304") != NULL && strstr(msg, "--accept") != NULL);
	/* a redirect -L follows is not judged; without -L it is */
	res.status = 302;
	res.redirect_url = "http://x/";
	CHECK(result_judge(&c, &res, 0, msg, sizeof msg) == ERR_HTTP);
	c.location = true;
	CHECK(result_judge(&c, &res, 0, msg, sizeof msg) == ERR_NONE);
	/* what is not a status stays what it is */
	res.status = 0;
	res.curl_code = 7;
	CHECK(result_judge(&c, &res, 0, msg, sizeof msg) == ERR_CONNECT);
	res.status = 200;
	res.curl_code = 0;
	res.too_large = true;
	CHECK(result_judge(&c, &res, 0, msg, sizeof msg) ==
	    ERR_BODY_TOO_LARGE);
}
