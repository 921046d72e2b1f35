/* report — --report FORMAT:PATH.  Each report is written as records are
 * counted, so memory stays flat: TAP and GitHub lines go straight out;
 * JUnit's testcases go to an unlinked temporary file until the end,
 * when the counts its <testsuite> tag needs are known; Markdown keeps
 * the first few failures only.  Every URL goes through redact.h. */
#include "report.h"
#include "buf.h"
#include "diag.h"
#include "errout.h"
#include "json.h"
#include "redact.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MD_FAILS	20	/* failures listed in a Markdown summary */
#define URL_MAX		2048	/* a URL as shown in a report */

static const char *const format_names[] = {
	[REPORT_JUNIT] = "junit", [REPORT_TAP] = "tap",
	[REPORT_GITHUB] = "github", [REPORT_MARKDOWN] = "markdown",
};

struct sink {
	enum report_format fmt;
	const char	*path;		/* borrowed from argv */
	FILE		*fp;		/* the report's file */
	/* A report on "-": written into memory (fp), then queued for
	 * stderr (errout.h), so a paused reader does not block the loop,
	 * nor, after a signal, the exit */
	bool		 queued;
	char		*mem;
	size_t		 msize;
	FILE		*tmp;		/* junit: the testcases so far */
	uint64_t	 n, failures, errors;
	double		 time_s;
	struct buf	 fails;		/* markdown: the first failures */
	uint64_t	 nfails;
	bool		 broken;	/* junit: the temporary file failed */
};

struct report {
	struct sink	*v;
	size_t		 n;
	char		 started[32];	/* ISO 8601, UTC */
};

int
report_parse(const char *spec, enum report_format *fmt, const char **path)
{
	const char *colon = strchr(spec, ':');
	size_t i, n;

	if (colon == NULL || colon[1] == '\0')
		return -1;
	n = (size_t)(colon - spec);
	for (i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strlen(format_names[i]) != n ||
		    strncmp(spec, format_names[i], n) != 0)
			continue;
		if (fmt != NULL)
			*fmt = (enum report_format)i;
		if (path != NULL)
			*path = colon + 1;
		return 0;
	}
	return -1;
}

struct report *
report_new(const struct config *c, char *err, size_t errlen)
{
	struct report *rp = calloc(1, sizeof(*rp));
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	if (rp == NULL || (c->nreports > 0 &&
	    (rp->v = calloc(c->nreports, sizeof(*rp->v))) == NULL)) {
		free(rp);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (gmtime_r(&now, &tm) != NULL)
		(void)strftime(rp->started, sizeof rp->started, "%Y-%m-%dT%H:%M:%S",
		    &tm);
	for (i = 0; i < c->nreports; i++) {
		struct sink *k = &rp->v[rp->n];

		if (report_parse(c->reports[i], &k->fmt, &k->path) == -1)
			continue;	/* cli.c checked it */
		rp->n++;
		/* Markdown is added to what is there, as GitHub asks of
		 * $GITHUB_STEP_SUMMARY; the others replace the file. */
		k->queued = strcmp(k->path, "-") == 0;
		if (k->queued)
			k->fp = open_memstream(&k->mem, &k->msize);
		else
			k->fp = fopen(k->path, k->fmt == REPORT_MARKDOWN ?
			    "ae" : "we");
		if (k->fp == NULL ||
		    (k->fmt == REPORT_JUNIT && (k->tmp = tmpfile()) == NULL)) {
			snprintf(err, errlen, "--report %s: %s", c->reports[i],
			    strerror(errno));
			report_free(rp);
			return NULL;
		}
		if (k->fmt == REPORT_TAP)
			fputs("TAP version 13\n", k->fp);
	}
	return rp;
}

/* What a queued sink wrote goes to the stderr queue; its memory is used
 * again.  A failed write (out of memory) shows in ferror at the end. */
static void
pass(struct sink *k)
{
	if (!k->queued)
		return;
	if (fflush(k->fp) == EOF || ferror(k->fp)) {
		k->broken = true;	/* (rewind clears the error) */
		return;
	}
	errout_add(k->mem, k->msize);
	rewind(k->fp);
}

/* After the run: what a sink on "-" wrote, written out now (waiting for
 * the reader, or after a signal within the queue's bound). */
static void
pass_out(struct sink *k)
{
	if (!k->queued)
		return;
	pass(k);
	errout_drain();
}

/* --- text in each format's quoting --- */

/* XML character data or an attribute value: markup escaped, and what
 * XML 1.0 cannot hold (control bytes, invalid UTF-8, U+FFFE/U+FFFF)
 * as U+FFFD. */
static void
xml_text(FILE *fp, const char *s, size_t n, bool attr)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t len;

	while (p < end) {
		switch (*p) {
		case '&': fputs("&amp;", fp); p++; continue;
		case '<': fputs("&lt;", fp); p++; continue;
		case '>': fputs("&gt;", fp); p++; continue;
		case '"': fputs(attr ? "&quot;" : "\"", fp); p++; continue;
		case '\n': fputs(attr ? "&#10;" : "\n", fp); p++; continue;
		case '\t': fputs(attr ? "&#9;" : "\t", fp); p++; continue;
		case '\r': fputs("&#13;", fp); p++; continue;
		}
		len = *p < 0x20 || *p == 0x7f ? 0 :
		    utf8_seq_len(p, (size_t)(end - p));
		if (len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
			len = 0;
		if (len == 0) {
			fputs("\xef\xbf\xbd", fp);
			p++;
			continue;
		}
		(void)fwrite(p, 1, len, fp);	/* ferror() at the end */
		p += len;
	}
}

/* A workflow command's message (%, CR, LF escaped) or property value
 * (also : and ,), as GitHub's toolkit escapes them. */
static void
gh_text(FILE *fp, const char *s, bool prop)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '%': fputs("%25", fp); break;
		case '\r': fputs("%0D", fp); break;
		case '\n': fputs("%0A", fp); break;
		case ':': fputs(prop ? "%3A" : ":", fp); break;
		case ',': fputs(prop ? "%2C" : ",", fp); break;
		default: (void)putc(*s, fp); break;
		}
	}
}

/* One line of TAP or a Markdown cell: no line breaks, and the format's
 * own markers escaped (TAP's #, Markdown's | and HTML). */
static void
line_text(struct buf *b, const char *s, bool md)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r')
			buf_addc(b, ' ');
		else if (!md && *s == '#')
			buf_addstr(b, "\\#");
		else if (md && *s == '|')
			buf_addstr(b, "\\|");
		else if (md && *s == '<')
			buf_addstr(b, "&lt;");
		else if (md && *s == '>')
			buf_addstr(b, "&gt;");
		else if (md && *s == '&')
			buf_addstr(b, "&amp;");
		else
			buf_addc(b, *s);
	}
}

/* The record's URL, password redacted, and its host (and port). */
static void
record_url(const struct record *r, char *url, size_t len, char *host,
    size_t hlen)
{
	const char *p, *end, *at;

	redact_url_text(r->url ? r->url : "", r->url ? r->url_len : 0, url,
	    len);
	host[0] = '\0';
	if ((p = strstr(url, "://")) == NULL)
		return;
	p += 3;
	end = p + strcspn(p, "/?#");
	for (at = p; at < end; at++)
		if (*at == '@')
			p = at + 1;
	snprintf(host, hlen, "%.*s", (int)(end - p), p);
}

static const char *
record_message(const struct record *r)
{
	return r->errmsg && *r->errmsg ? r->errmsg : record_kind_name(r->err);
}

/* --- one record --- */

static void
junit_record(struct sink *k, const struct record *r, const char *url,
    const char *host)
{
	FILE *fp = k->tmp;
	double t = r->time_ms > 0 ? r->time_ms / 1000.0 : 0;
	bool answered = r->status > 0;
	const char *msg = record_message(r);

	k->time_s += t;
	fputs("    <testcase name=\"", fp);
	xml_text(fp, url, strlen(url), true);
	fputs("\" classname=\"", fp);
	xml_text(fp, *host ? host : "volley", strlen(*host ? host : "volley"),
	    true);
	fprintf(fp, "\" time=\"%.3f\"", t);
	if (r->err == ERR_NONE) {
		fputs("/>\n", fp);
		return;
	}
	/* A response judged not ok is a failure; no answer is an error. */
	if (answered)
		k->failures++;
	else
		k->errors++;
	fprintf(fp, ">\n      <%s type=\"%s\" message=\"",
	    answered ? "failure" : "error", record_kind_name(r->err));
	xml_text(fp, msg, strlen(msg), true);
	fprintf(fp, "\">kind: %s\nstatus: ", record_kind_name(r->err));
	if (answered)
		fprintf(fp, "%ld", r->status);
	else
		fputs("none", fp);
	fprintf(fp, "\nmethod: %s\nindex: %lld\nmessage: ",
	    r->method ? r->method : "-", (long long)r->index);
	xml_text(fp, msg, strlen(msg), false);
	fprintf(fp, "</%s>\n    </testcase>\n", answered ? "failure" : "error");
}

static void
tap_record(struct sink *k, const struct record *r, const char *url)
{
	struct buf b = {0};

	buf_printf(&b, "%s %llu - %s ", r->err == ERR_NONE ? "ok" : "not ok",
	    (unsigned long long)k->n, r->method ? r->method : "-");
	line_text(&b, url, false);
	if (r->status > 0)
		buf_printf(&b, " (%ld)", r->status);
	buf_addc(&b, '\n');
	if (r->err != ERR_NONE) {
		buf_printf(&b, "  ---\n  kind: %s\n  status: ",
		    record_kind_name(r->err));
		if (r->status > 0)
			buf_printf(&b, "%ld", r->status);
		else
			buf_addstr(&b, "null");
		buf_printf(&b, "\n  index: %lld\n  message: ",
		    (long long)r->index);
		json_cstr(&b, record_message(r));	/* YAML takes JSON */
		buf_addstr(&b, "\n  ...\n");
	}
	if (b.data != NULL)
		fputs(b.data, k->fp);
	buf_free(&b);
}

static void
github_record(struct sink *k, const struct record *r, const char *url)
{
	char title[128], status[24];

	if (r->err == ERR_NONE)
		return;
	if (r->status > 0)
		snprintf(status, sizeof status, "%ld", r->status);
	else
		snprintf(status, sizeof status, "none");
	snprintf(title, sizeof title, "volley: %s, status %s",
	    record_kind_name(r->err), status);
	fputs("::error title=", k->fp);
	gh_text(k->fp, title, true);
	fputs("::", k->fp);
	gh_text(k->fp, r->method ? r->method : "-", false);
	(void)putc(' ', k->fp);
	gh_text(k->fp, url, false);
	fprintf(k->fp, " (index %lld): %s, status %s: ", (long long)r->index,
	    record_kind_name(r->err), status);
	gh_text(k->fp, record_message(r), false);
	(void)putc('\n', k->fp);
}

static void
markdown_record(struct sink *k, const struct record *r, const char *url)
{
	if (r->err == ERR_NONE || k->nfails++ >= MD_FAILS)
		return;
	buf_printf(&k->fails, "| %lld | %s | ", (long long)r->index,
	    r->method ? r->method : "-");
	line_text(&k->fails, url, true);
	buf_printf(&k->fails, " | %s | ", record_kind_name(r->err));
	if (r->status > 0)
		buf_printf(&k->fails, "%ld", r->status);
	else
		buf_addstr(&k->fails, "-");
	buf_addstr(&k->fails, " | ");
	line_text(&k->fails, record_message(r), true);
	buf_addstr(&k->fails, " |\n");
}

void
report_record(struct report *rp, const struct record *r)
{
	char url[URL_MAX], host[256];
	size_t i;

	if (rp == NULL || rp->n == 0)
		return;
	record_url(r, url, sizeof url, host, sizeof host);
	for (i = 0; i < rp->n; i++) {
		struct sink *k = &rp->v[i];

		k->n++;
		switch (k->fmt) {
		case REPORT_JUNIT:
			junit_record(k, r, url, host);
			break;
		case REPORT_TAP:
			tap_record(k, r, url);
			break;
		case REPORT_GITHUB:
			github_record(k, r, url);
			break;
		case REPORT_MARKDOWN:
			markdown_record(k, r, url);
			break;
		}
		pass(k);
	}
}

/* --- the ends --- */

static void
junit_finish(struct report *rp, struct sink *k, const struct stats *st,
    const char *stopped)
{
	char chunk[65536], hostname[256] = "localhost";
	double t = st->elapsed_s >= 0 ? st->elapsed_s : k->time_s;
	size_t n;

	gethostname(hostname, sizeof hostname - 1);
	fprintf(k->fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites name=\"volley\" tests=\"%llu\" failures=\"%llu\" "
	    "errors=\"%llu\" time=\"%.3f\">\n"
	    "  <testsuite name=\"volley\" tests=\"%llu\" failures=\"%llu\" "
	    "errors=\"%llu\" skipped=\"0\" time=\"%.3f\" timestamp=\"%s\" "
	    "hostname=\"", (unsigned long long)k->n,
	    (unsigned long long)k->failures, (unsigned long long)k->errors, t,
	    (unsigned long long)k->n, (unsigned long long)k->failures,
	    (unsigned long long)k->errors, t, rp->started);
	xml_text(k->fp, hostname, strlen(hostname), true);
	fputs("\">\n", k->fp);
	if (stopped != NULL) {
		fputs("    <properties>\n      <property name=\"stopped\" "
		    "value=\"", k->fp);
		xml_text(k->fp, stopped, strlen(stopped), true);
		fputs("\"/>\n    </properties>\n", k->fp);
	}
	rewind(k->tmp);
	while ((n = fread(chunk, 1, sizeof chunk, k->tmp)) > 0) {
		(void)fwrite(chunk, 1, n, k->fp);
		pass_out(k);	/* on "-", a chunk at a time */
	}
	if (ferror(k->tmp)) {
		k->broken = true;
		errno = EIO;
		return;
	}
	if (stopped != NULL) {
		fputs("    <system-err>", k->fp);
		xml_text(k->fp, stopped, strlen(stopped), false);
		fputs("</system-err>\n", k->fp);
	}
	fputs("  </testsuite>\n</testsuites>\n", k->fp);
}

static void
markdown_finish(struct sink *k, const struct stats *st, const char *stopped)
{
	struct buf b = {0};

	buf_addstr(&b, "### volley\n\n");
	if (stopped != NULL) {
		buf_addstr(&b, "**Stopped:** ");
		line_text(&b, stopped, true);
		buf_addstr(&b, "\n\n");
	}
	stats_table(&b, st, true);
	if (k->nfails > 0) {
		buf_printf(&b, "\n#### Failed requests%s\n\n"
		    "| index | method | URL | kind | status | message |\n"
		    "|---:|---|---|---|---:|---|\n",
		    k->nfails > MD_FAILS ? " (the first 20)" : "");
		if (k->fails.data != NULL)
			buf_addstr(&b, k->fails.data);
	}
	if (b.data != NULL)
		fputs(b.data, k->fp);
	buf_free(&b);
}

int
report_finish(struct report *rp, const struct stats *st, const char *stopped)
{
	int rc = 0;
	size_t i;

	if (rp == NULL)
		return 0;
	for (i = 0; i < rp->n; i++) {
		struct sink *k = &rp->v[i];
		FILE *fp = k->fp;
		bool bad;

		switch (k->fmt) {
		case REPORT_JUNIT:
			junit_finish(rp, k, st, stopped);
			break;
		case REPORT_TAP:
			if (stopped != NULL)
				fprintf(fp, "# %s\n", stopped);
			fprintf(fp, "1..%llu\n", (unsigned long long)k->n);
			break;
		case REPORT_GITHUB:
			if (stopped != NULL) {
				fputs("::warning title=volley::", fp);
				gh_text(fp, stopped, false);
				(void)putc('\n', fp);
			}
			fprintf(fp, "::notice title=volley::%llu records, "
			    "%llu ok, %llu failed",
			    (unsigned long long)st->records,
			    (unsigned long long)st->ok,
			    (unsigned long long)(st->records - st->ok));
			if (st->elapsed_s >= 0)
				fprintf(fp, " in %.2fs", st->elapsed_s);
			(void)putc('\n', fp);
			break;
		case REPORT_MARKDOWN:
			markdown_finish(k, st, stopped);
			break;
		}
		pass_out(k);	/* it reached the reader, or not */
		bad = k->broken || fflush(fp) == EOF || ferror(fp) ||
		    (k->queued && errout_failed());
		if (fclose(fp) == EOF)
			bad = true;
		k->fp = NULL;
		free(k->mem);
		k->mem = NULL;
		if (bad) {
			diag_error("--report %s:%s: cannot write: %s",
			    format_names[k->fmt], k->path, strerror(errno));
			rc = -1;
		}
	}
	errout_drain();		/* the last lines of the queued ones */
	return rc;
}

bool
report_reads_latency(const struct report *rp)
{
	size_t i;

	for (i = 0; rp != NULL && i < rp->n; i++)
		if (rp->v[i].fmt == REPORT_MARKDOWN)
			return true;
	return false;
}

void
report_free(struct report *rp)
{
	size_t i;

	if (rp == NULL)
		return;
	for (i = 0; i < rp->n; i++) {
		if (rp->v[i].fp != NULL)
			(void)fclose(rp->v[i].fp);	/* not finished */
		free(rp->v[i].mem);
		if (rp->v[i].tmp != NULL)
			(void)fclose(rp->v[i].tmp);	/* read only */
		buf_free(&rp->v[i].fails);
	}
	free(rp->v);
	free(rp);
}
