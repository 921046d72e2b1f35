/* stats — the run summary of --stats: counts by status class and error
 * kind, bytes, and latencies in a log histogram (memory stays flat
 * however many records there are).  Latency is measured over every
 * record that got an answer; records with none (timeouts before the
 * status line, connect errors, stops) are counted apart and shown, and
 * where there is nothing to measure the summary says so (null, "-")
 * rather than print a zero. */
#include "stats.h"
#include "errout.h"
#include "buf.h"
#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The fixed buckets shown: upper edges in ms (the last is open). */
static const double hist_edges[STATS_HIST - 1] = {1, 5, 10, 50, 100, 500,
    1000, 5000};
static const char *const hist_names[STATS_HIST] = {"<1ms", "1-5ms",
    "5-10ms", "10-50ms", "50-100ms", "100-500ms", "0.5-1s", "1-5s", ">5s"};

/* Bucket i holds latencies up to 0.01 ms * 2^(i/8): ceil(8 log2 x) for
 * x = ms / 0.01 = m 2^e (m in [1, 2)) is 8e and the count of the eighth
 * powers of two that m is over, found from x's bits (log2 is a tenth of
 * a record's cost). */
static size_t
bucket_of(double ms)
{
	static const double eighth[8] = {1.0, 1.0905077326652577,
	    1.189207115002721, 1.2968395546510096, 1.4142135623730951,
	    1.5422108254079407, 1.681792830507429, 1.8340080864093424};
	double x = ms / 0.01, m;
	uint64_t bits;
	size_t b, k;

	if (!(x > 1.0))
		return 0;
	if (x >= 0x1p25)	/* 2^(STATS_BUCKETS / 8) and past */
		return STATS_BUCKETS - 1;
	memcpy(&bits, &x, sizeof bits);
	b = 8 * (size_t)((bits >> 52) - 1023);	/* x > 1: a normal */
	bits = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1023) << 52);
	memcpy(&m, &bits, sizeof m);
	for (k = 0; k < 8 && m > eighth[k]; k++)
		b++;
	return b >= STATS_BUCKETS ? STATS_BUCKETS - 1 : b;
}

static double
bucket_top(size_t i)
{
	return 0.01 * exp2((double)i / 8.0);
}

void
stats_add(struct stats *st, double ms)
{
	size_t k;

	st->lat[bucket_of(ms)]++;
	for (k = 0; k < STATS_HIST - 1 && ms >= hist_edges[k]; k++)
		;
	st->hist[k]++;
	st->lat_n++;
	st->lat_sum += ms;
	if (ms > st->lat_max)
		st->lat_max = ms;
}

double
stats_percentile(const struct stats *st, double p)
{
	uint64_t want, seen = 0;
	size_t i;

	if (st->lat_n == 0)
		return -1;
	want = (uint64_t)ceil(p / 100.0 * (double)st->lat_n);
	if (want == 0)
		want = 1;
	for (i = 0; i < STATS_BUCKETS; i++) {
		seen += st->lat[i];
		if (seen >= want) {
			double top = bucket_top(i);
			return top < st->lat_max ? top : st->lat_max;
		}
	}
	return st->lat_max;
}

static uint64_t
noanswer(const struct stats *st)
{
	return st->records - st->lat_n;
}

static double
rate(const struct stats *st)
{
	return st->elapsed_s > 0 ? (double)st->records / st->elapsed_s : -1;
}

/* A number with a format, or what stands for nothing to measure. */
static void
num(struct buf *b, int prec, double v, const char *none)
{
	if (v < 0)
		buf_addstr(b, none);
	else
		buf_printf(b, "%.*f", prec, v);
}

/* "key":count pairs of the non-zero counts of v (status classes when
 * kinds is false). */
static void
json_counts(struct buf *b, const uint64_t *v, bool kinds)
{
	size_t k, n = kinds ? ERR__COUNT : 6;
	bool first = true;

	buf_addc(b, '{');
	for (k = 1; k < n; k++) {
		if (v[k] == 0)
			continue;
		if (kinds)
			buf_printf(b, "%s\"%s\":%llu", first ? "" : ",",
			    record_kind_name((enum err_kind)k),
			    (unsigned long long)v[k]);
		else
			buf_printf(b, "%s\"%zuxx\":%llu", first ? "" : ",", k,
			    (unsigned long long)v[k]);
		first = false;
	}
	buf_addc(b, '}');
}

static void	hosts_json(struct buf *, const struct stats *);

void
stats_json(struct buf *b, const struct stats *st)
{
	static const double ps[] = {50, 90, 99};
	static const char *const pn[] = {"p50", "p90", "p99"};
	size_t k;

	buf_printf(b, "{\"records\":%llu,\"ok\":%llu,\"failed\":%llu,"
	    "\"answered\":%llu,\"no_answer\":%llu,\"elapsed_s\":",
	    (unsigned long long)st->records, (unsigned long long)st->ok,
	    (unsigned long long)(st->records - st->ok),
	    (unsigned long long)st->lat_n, (unsigned long long)noanswer(st));
	num(b, 3, st->elapsed_s, "null");
	buf_addstr(b, ",\"records_per_s\":");
	num(b, 1, rate(st), "null");
	buf_printf(b, ",\"bytes\":%llu,\"status\":",
	    (unsigned long long)st->bytes);
	json_counts(b, st->by_class, false);
	buf_addstr(b, ",\"errors\":");
	json_counts(b, st->by_kind, true);
	buf_addstr(b, ",\"no_answer_errors\":");
	json_counts(b, st->noanswer_kind, true);
	buf_addstr(b, ",\"latency_ms\":{\"mean\":");
	num(b, 3, st->lat_n ? st->lat_sum / (double)st->lat_n : -1,
	    "null");
	for (k = 0; k < 3; k++) {
		buf_printf(b, ",\"%s\":", pn[k]);
		num(b, 3, stats_percentile(st, ps[k]), "null");
	}
	buf_addstr(b, ",\"max\":");
	num(b, 3, st->lat_n ? st->lat_max : -1, "null");
	buf_addstr(b, "},\"histogram\":[");
	for (k = 0; k < STATS_HIST; k++) {
		buf_printf(b, "%s{\"bucket\":\"%s\",\"le_ms\":", k ? "," : "",
		    hist_names[k]);
		num(b, 0, k < STATS_HIST - 1 ? hist_edges[k] : -1, "null");
		buf_printf(b, ",\"count\":%llu}",
		    (unsigned long long)st->hist[k]);
	}
	buf_addc(b, ']');
	hosts_json(b, st);
	buf_addstr(b, "}\n");
}

/* One "name count" row of a section, as text or a Markdown row. */
static void
row(struct buf *b, bool md, const char *name, uint64_t n)
{
	if (md)
		buf_printf(b, "| %s | %llu |\n", name, (unsigned long long)n);
	else
		buf_printf(b, "  %-20s %8llu\n", name, (unsigned long long)n);
}

static void
head(struct buf *b, bool md, const char *name, const char *col)
{
	if (md)
		buf_printf(b, "\n| %s | %s |\n|---|---:|\n", name, col);
	else
		buf_printf(b, "%s\n", name);
}

static void
counts_section(struct buf *b, bool md, const struct stats *st)
{
	char name[32];
	size_t k;

	head(b, md, "status", "records");
	for (k = 1; k < 6; k++) {
		snprintf(name, sizeof name, "%zuxx", k);
		if (st->by_class[k] > 0)
			row(b, md, name, st->by_class[k]);
	}
	row(b, md, "no answer", st->by_class[0]);
	head(b, md, "errors", "records");
	for (k = 1; k < ERR__COUNT; k++)
		if (st->by_kind[k] > 0)
			row(b, md, record_kind_name((enum err_kind)k),
			    st->by_kind[k]);
	if (st->records == st->ok)
		row(b, md, "none", 0);
}

static void
latency_section(struct buf *b, bool md, const struct stats *st)
{
	static const double ps[] = {50, 90, 99};
	uint64_t max = 1;
	size_t k;

	double v[5];
	const char *names[5] = {"mean", "p50", "p90", "p99", "max"};

	v[0] = st->lat_n ? st->lat_sum / (double)st->lat_n : -1;
	for (k = 0; k < 3; k++)
		v[k + 1] = stats_percentile(st, ps[k]);
	v[4] = st->lat_n ? st->lat_max : -1;
	buf_printf(b, md ? "\n| latency (%llu answered) | ms |\n|---|---:|\n" :
	    "latency over %llu answered\n ", (unsigned long long)st->lat_n);
	for (k = 0; k < 5; k++) {
		buf_printf(b, md ? "| %s | " : k ? "  %s " : " %s ", names[k]);
		num(b, 1, v[k], "-");
		buf_addstr(b, md ? " |\n" : v[k] >= 0 ? "ms" : "");
	}
	if (!md)
		buf_addc(b, '\n');
	if (st->lat_n == 0)
		return;
	head(b, md, "histogram", "records");
	for (k = 0; k < STATS_HIST; k++)
		if (st->hist[k] > max)
			max = st->hist[k];
	for (k = 0; k < STATS_HIST; k++) {
		int bar = (int)(40.0 * (double)st->hist[k] / (double)max);

		if (md)
			row(b, md, hist_names[k], st->hist[k]);
		else
			buf_printf(b, "  %-10s %8llu%s%.*s\n", hist_names[k],
			    (unsigned long long)st->hist[k], bar > 0 ? " " : "",
			    bar,
			    "########################################");
	}
}

/* The hosts adaptation slowed: their window now, the lowest it fell to,
 * their limit and how many 429/503 answers they gave. */
static void
hosts_section(struct buf *b, bool md, const struct stats *st)
{
	const struct stats_host *h;
	size_t i;

	if (st->nhosts == 0)
		return;
	if (md)
		buf_addstr(b, "\n| host adapted | window | lowest | limit | "
		    "429/503 |\n|---|---:|---:|---:|---:|\n");
	else
		buf_addstr(b, "hosts adapted\n");
	for (i = 0; i < st->nhosts; i++) {
		h = &st->hosts[i];
		if (md)
			buf_printf(b, "| %s | %ld | %ld | %ld | %llu |\n",
			    h->host, h->window, h->lowest, h->limit,
			    h->throttled);
		else
			buf_printf(b, "  %s  window %ld (lowest %ld, limit %ld), "
			    "%llu answered 429/503\n", h->host, h->window,
			    h->lowest, h->limit, h->throttled);
	}
}

static void
hosts_json(struct buf *b, const struct stats *st)
{
	const struct stats_host *h;
	size_t i;

	buf_addstr(b, ",\"hosts\":[");
	for (i = 0; i < st->nhosts; i++) {
		h = &st->hosts[i];
		buf_addstr(b, i > 0 ? ",{\"host\":" : "{\"host\":");
		json_cstr(b, h->host);
		buf_printf(b, ",\"window\":%ld,\"lowest\":%ld,\"limit\":%ld,"
		    "\"throttled\":%llu}", h->window, h->lowest, h->limit,
		    h->throttled);
	}
	buf_addc(b, ']');
}

void
stats_table(struct buf *b, const struct stats *st, bool md)
{
	if (md) {
		buf_addstr(b, "| records | ok | failed | answered | no answer "
		    "| elapsed | records/s |\n"
		    "|---:|---:|---:|---:|---:|---:|---:|\n");
		buf_printf(b, "| %llu | %llu | %llu | %llu | %llu | ",
		    (unsigned long long)st->records,
		    (unsigned long long)st->ok,
		    (unsigned long long)(st->records - st->ok),
		    (unsigned long long)st->lat_n,
		    (unsigned long long)noanswer(st));
		num(b, 2, st->elapsed_s, "-");
		buf_addstr(b, st->elapsed_s >= 0 ? "s | " : " | ");
		num(b, 1, rate(st), "-");
		buf_addstr(b, " |\n");
	} else {
		buf_printf(b, "records %llu  ok %llu  failed %llu  in ",
		    (unsigned long long)st->records,
		    (unsigned long long)st->ok,
		    (unsigned long long)(st->records - st->ok));
		num(b, 2, st->elapsed_s, "-");
		buf_addstr(b, st->elapsed_s >= 0 ? "s  " : "  ");
		num(b, 1, rate(st), "-");
		buf_printf(b, " records/s  %llu bytes\n",
		    (unsigned long long)st->bytes);
		buf_printf(b, "answered %llu  no answer %llu",
		    (unsigned long long)st->lat_n,
		    (unsigned long long)noanswer(st));
		if (noanswer(st) > 0) {
			size_t k;
			bool first = true;

			for (k = 1; k < ERR__COUNT; k++) {
				if (st->noanswer_kind[k] == 0)
					continue;
				buf_printf(b, "%s%s %llu", first ? " (" : ", ",
				    record_kind_name((enum err_kind)k),
				    (unsigned long long)st->noanswer_kind[k]);
				first = false;
			}
			if (!first)
				buf_addc(b, ')');
		}
		buf_addc(b, '\n');
	}
	counts_section(b, md, st);
	latency_section(b, md, st);
	hosts_section(b, md, st);
}

void
stats_print(const struct stats *st, bool json)
{
	struct buf b = {0};

	if (json)
		stats_json(&b, st);
	else
		stats_table(&b, st, false);
	/* Through the stderr queue: after a signal a reader that does not
	 * read holds the exit no longer than the queue's bound. */
	errout_add(b.data, b.len);
	errout_drain();
	buf_free(&b);
}

void
stats_count(struct stats *st, const struct record *r)
{
	bool answered = r->status >= 100 && r->status < 600;

	st->records++;
	if (r->err == ERR_NONE)
		st->ok++;
	else
		st->by_kind[r->err < ERR__COUNT ? r->err : 0]++;
	st->by_class[answered ? r->status / 100 : 0]++;
	if (r->size > 0)
		st->bytes += (uint64_t)r->size;
	if (answered && st->lat_off)
		st->lat_n++;
	else if (answered)
		stats_add(st, r->time_ms >= 0 ? r->time_ms : 0);
	else
		st->noanswer_kind[r->err < ERR__COUNT ? r->err : 0]++;
}
