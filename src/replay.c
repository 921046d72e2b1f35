/* replay — records back from a results file, through the same counting
 * as a run's records (stats_count, report_record).  One line at a time
 * with cJSON, so memory follows the longest line, not the file. */
#include "replay.h"
#include "errout.h"
#include "diag.h"
#include "record.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double
number(const cJSON *o, const char *name, double none)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? v->valuedouble : none;
}

/* The record a line of volley's output holds; -1 if it holds none. */
static int
replay_record(const cJSON *o, struct record *r)
{
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(o, "ok");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");

	if (!cJSON_IsObject(o) || !cJSON_IsBool(ok) ||
	    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "index")))
		return -1;
	memset(r, 0, sizeof(*r));
	r->index = (int64_t)number(o, "index", 0);
	r->url = str(o, "url");
	r->url_len = r->url ? strlen(r->url) : 0;
	r->method = str(o, "method");
	r->status = (long)number(o, "status", 0);
	r->size = (int64_t)number(o, "size", -1);
	r->time_ms = number(o, "time_ms", -1);
	r->err = ERR_NONE;
	r->curl_code = -1;
	if (cJSON_IsFalse(ok)) {
		r->err = record_kind_parse(str(e, "kind"));
		if (r->err == ERR_NONE)
			r->err = ERR_INPUT;	/* an unknown kind */
		r->errmsg = str(e, "message");
	}
	return 0;
}

int
replay_run(const char *path, struct stats *st, struct report *rp, char *err,
    size_t errlen)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	char *line = NULL, *p;
	size_t cap = 0;
	long lineno = 0, bad = 0, first_bad = 0;
	struct record r;
	cJSON *o;

	if (fp == NULL) {
		snprintf(err, errlen, "--replay: %s: %s", path, strerror(errno));
		return -1;
	}
	st->elapsed_s = -1;	/* not in the records */
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		p = line + strspn(line, " \t\r\n");
		/* -f json: "[" or "," before a record, "]" at the end */
		if (*p == '[' || *p == ',')
			p++;
		if (*p == '\0' || *p == ']' || strspn(p, " \t\r\n") ==
		    strlen(p))
			continue;
		o = cJSON_Parse(p);
		if (o == NULL || replay_record(o, &r) == -1) {
			if (bad++ == 0)
				first_bad = lineno;
		} else {
			stats_count(st, &r);
			report_record(rp, &r);
			errout_drain();	/* no loop here to wait on */
		}
		cJSON_Delete(o);
	}
	free(line);
	if (ferror(fp)) {
		snprintf(err, errlen, "--replay: %s: %s", path, strerror(errno));
		if (fp != stdin)
			(void)fclose(fp);	/* read only */
		return -1;
	}
	if (fp != stdin)
		(void)fclose(fp);	/* read only */
	if (bad > 0)
		diag_warn("--replay: %s: %ld line%s not a record (the first: "
		    "line %ld), skipped", path, bad, bad == 1 ? " is" : "s are",
		    first_bad);
	return 0;
}
