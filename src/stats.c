/* stats — the run summary of --stats: counts by status class and error
 * kind, bytes, and latencies in a log histogram (memory stays flat
 * however many records there are). */
#include "stats.h"
#include "buf.h"
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>


/* Bucket i holds latencies up to 0.01 ms * 2^(i/8). */
static size_t
bucket_of(double ms)
{
	double b;

	if (ms <= 0.01)
		return 0;
	b = ceil(8.0 * log2(ms / 0.01));
	return b >= STATS_BUCKETS ? STATS_BUCKETS - 1 : (size_t)b;
}

static double
bucket_top(size_t i)
{
	return 0.01 * exp2((double)i / 8.0);
}

void
stats_add(struct stats *st, double ms)
{
	st->lat[bucket_of(ms)]++;
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
		return 0;
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

/* The adapted hosts: a JSON array, or lines of the table. */
static void
print_hosts(struct buf *b, const struct stats_host *h, size_t n, bool json)
{
	size_t i;

	if (json)
		buf_addstr(b, ",\"hosts\":[");
	else if (n > 0)
		buf_addstr(b, "hosts adapted\n");
	for (i = 0; i < n; i++) {
		if (json) {
			buf_printf(b, "%s{\"host\":", i > 0 ? "," : "");
			json_cstr(b, h[i].host);
			buf_printf(b, ",\"window\":%ld,\"lowest\":%ld,"
			    "\"limit\":%ld,\"throttled\":%llu}", h[i].window,
			    h[i].lowest, h[i].limit, h[i].throttled);
		} else
			buf_printf(b, "  %s  window %ld (lowest %ld, limit %ld), "
			    "%llu answered 429/503\n", h[i].host, h[i].window,
			    h[i].lowest, h[i].limit, h[i].throttled);
	}
	if (json)
		buf_addc(b, ']');
}

void
stats_print(const struct stats *st, const struct stats_host *hosts,
    size_t nhosts, bool json)
{
	struct buf b = {0};
	double rate = st->elapsed_s > 0 ? (double)st->records /
	    st->elapsed_s : 0;
	size_t k;
	bool first = true;

	if (json) {
		buf_printf(&b, "{\"records\":%llu,\"ok\":%llu,"
		    "\"failed\":%llu,\"elapsed_s\":%.3f,"
		    "\"records_per_s\":%.1f,\"bytes\":%llu,\"status\":{",
		    (unsigned long long)st->records,
		    (unsigned long long)st->ok,
		    (unsigned long long)(st->records - st->ok), st->elapsed_s,
		    rate, (unsigned long long)st->bytes);
		for (k = 1; k < 6; k++) {
			if (st->by_class[k] == 0)
				continue;
			buf_printf(&b, "%s\"%zuxx\":%llu", first ? "" : ",", k,
			    (unsigned long long)st->by_class[k]);
			first = false;
		}
		buf_addstr(&b, "},\"errors\":{");
		first = true;
		for (k = 1; k < ERR__COUNT; k++) {
			if (st->by_kind[k] == 0)
				continue;
			buf_printf(&b, "%s\"%s\":%llu", first ? "" : ",",
			    record_kind_name((enum err_kind)k),
			    (unsigned long long)st->by_kind[k]);
			first = false;
		}
		buf_printf(&b, "},\"latency_ms\":{\"mean\":%.3f,"
		    "\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f}",
		    st->lat_n ? st->lat_sum / (double)st->lat_n : 0.0,
		    stats_percentile(st, 50), stats_percentile(st, 90),
		    stats_percentile(st, 99), st->lat_max);
		print_hosts(&b, hosts, nhosts, true);
		buf_addstr(&b, "}\n");
	} else {
		static const double edges[] = {1, 5, 10, 50, 100, 500, 1000,
		    5000, 1e300};
		static const char *const names[] = {"<1ms", "1-5ms",
		    "5-10ms", "10-50ms", "50-100ms", "100-500ms", "0.5-1s",
		    "1-5s", ">5s"};
		uint64_t counts[9] = {0}, max = 1;
		size_t i;

		for (i = 0; i < STATS_BUCKETS; i++) {
			double top = bucket_top(i);

			for (k = 0; k < 9 && top > edges[k] * 1.0001; k++)
				;
			counts[k < 9 ? k : 8] += st->lat[i];
		}
		for (k = 0; k < 9; k++)
			if (counts[k] > max)
				max = counts[k];
		buf_printf(&b, "records %llu  ok %llu  failed %llu  in %.2fs "
		    "(%.1f/s)\n", (unsigned long long)st->records,
		    (unsigned long long)st->ok,
		    (unsigned long long)(st->records - st->ok), st->elapsed_s,
		    rate);
		for (k = 1; k < 6; k++)
			if (st->by_class[k] > 0)
				buf_printf(&b, "  %zuxx %llu\n", k,
				    (unsigned long long)st->by_class[k]);
		for (k = 1; k < ERR__COUNT; k++)
			if (st->by_kind[k] > 0)
				buf_printf(&b, "  %s %llu\n",
				    record_kind_name((enum err_kind)k),
				    (unsigned long long)st->by_kind[k]);
		buf_printf(&b, "latency  p50 %.1fms  p90 %.1fms  p99 %.1fms  "
		    "max %.1fms\n", stats_percentile(st, 50),
		    stats_percentile(st, 90), stats_percentile(st, 99),
		    st->lat_max);
		for (k = 0; k < 9; k++) {
			int bar = (int)(40.0 * (double)counts[k] / (double)max);

			if (counts[k] == 0)
				continue;
			buf_printf(&b, "  %10s %8llu %.*s\n", names[k],
			    (unsigned long long)counts[k], bar,
			    "########################################");
		}
		print_hosts(&b, hosts, nhosts, false);
	}
	if (b.len > 0 && write(2, b.data, b.len) < 0) {
		/* nothing more to do: stderr is gone */
	}
	buf_free(&b);
}

void
stats_count(struct stats *st, const struct record *r)
{
	st->records++;
	if (r->err == ERR_NONE)
		st->ok++;
	else
		st->by_kind[r->err < ERR__COUNT ? r->err : 0]++;
	st->by_class[r->status >= 100 && r->status < 600 ? r->status / 100 :
	    0]++;
	if (r->size > 0)
		st->bytes += (uint64_t)r->size;
	if (r->time_ms >= 0 && r->status > 0)
		stats_add(st, r->time_ms);
}
