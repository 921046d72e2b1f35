/* Unit tests of output.c: the gather ring grows with the seqs waiting,
 * the byte budget stops admission, order holds, writes to a pipe that is
 * full do not block, and a drain cut short after a signal ends on a
 * whole line (a closed array with -f json); and progress.c's line. */
#include "cli.h"
#include "output.h"
#include "progress.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static void
out_config(struct config *c, bool gather, bool json)
{
	memset(c, 0, sizeof(*c));
	c->mode = gather ? MODE_GATHER : MODE_AS_COMPLETED;
	c->format = json ? FORMAT_JSON : FORMAT_JSONL;
}

static void
put(struct output *o, int64_t seq, const char *line)
{
	struct buf *b = output_begin(o, seq);

	buf_addstr(b, line);
	output_end(o, seq);
}

/* A record of len - 1 bytes: x..x and its newline. */
static void
line_of(char *rec, size_t len)
{
	memset(rec, 'x', len - 2);
	rec[len - 2] = '\n';
	rec[len - 1] = '\0';
}

/* Read what the pipe holds (it is non-blocking). */
static size_t
slurp(int fd, char *dst, size_t len)
{
	ssize_t n;
	size_t got = 0;

	while (got < len - 1 && (n = read(fd, dst + got, len - 1 - got)) > 0)
		got += (size_t)n;
	dst[got] = '\0';
	return got;
}

UNIT_TEST(output_ring_grows_past_its_start_and_keeps_order)
{
	struct config c;
	struct output *o;
	int p[2];
	int64_t seq;
	char line[32], got[65536];

	out_config(&c, true, false);
	CHECK(pipe(p) == 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	o = output_new(&c, p[1], 1u << 20);
	CHECK(o != NULL);
	/* 1000 seqs behind a head that has not finished: far more than
	 * the ring's 64 first slots */
	for (seq = 0; seq <= 1000; seq++)
		CHECK(output_admits(o, seq));
	for (seq = 1000; seq >= 1; seq--) {
		snprintf(line, sizeof line, "%lld\n", (long long)seq);
		put(o, seq, line);
		output_done(o, seq);
	}
	CHECK(output_holder(o) == 0);
	put(o, 0, "0\n");
	output_done(o, 0);
	CHECK(output_flush(o) == OUT_OK);
	CHECK(output_holder(o) == -1);
	CHECK(output_finish(o) == OUT_OK);
	slurp(p[0], got, sizeof got);
	CHECK(strncmp(got, "0\n1\n2\n3\n", 8) == 0);
	CHECK(strstr(got, "998\n999\n1000\n") != NULL);
	output_free(o);
	close(p[0]);
	close(p[1]);
}

UNIT_TEST(output_budget_stops_admission_until_the_head_is_written)
{
	struct config c;
	struct output *o;
	char rec[1000];
	int64_t seq;
	int fd = open("/dev/null", O_WRONLY);

	out_config(&c, true, false);
	line_of(rec, sizeof rec);
	o = output_new(&c, fd, 64u << 10);
	CHECK(o != NULL && output_admits(o, 0));
	for (seq = 1; output_admits(o, seq); seq++) {
		put(o, seq, rec);
		output_done(o, seq);
	}
	/* about 64 KB of 1 KB records (in 1 KB buffers), then no more */
	CHECK(seq > 40 && seq < 70);
	CHECK(output_full(o));
	put(o, 0, rec);
	output_done(o, 0);
	CHECK(output_holder(o) == -1);
	CHECK(output_flush(o) == OUT_OK);
	CHECK(!output_full(o));
	CHECK(output_admits(o, seq));
	output_free(o);
	close(fd);
}

/* The buffers of written records are kept for the next ones that wait,
 * but they count against the budget and never hold half of it: the
 * window after a drain is as long as the first one, and what stays
 * allocated once all is written is at most half the budget (mallinfo2
 * reads 0 under ASan, where this part proves nothing). */
UNIT_TEST(output_spare_buffers_stay_inside_the_budget)
{
	struct config c;
	struct output *o;
	char rec[1000];
	int64_t seq, head = 0, first = 0, round;
	size_t before;
	int fd = open("/dev/null", O_WRONLY);

	out_config(&c, true, false);
	line_of(rec, sizeof rec);
	o = output_new(&c, fd, 64u << 10);
	CHECK(o != NULL && output_admits(o, 0));
	before = mallinfo2().uordblks;
	for (round = 0; round < 3; round++) {
		CHECK(output_admits(o, head));
		for (seq = head + 1; output_admits(o, seq); seq++) {
			put(o, seq, rec);
			output_done(o, seq);
		}
		if (round == 0)
			first = seq - head;
		CHECK(seq - head == first && first > 40);
		CHECK(output_full(o));
		put(o, head, rec);
		output_done(o, head);
		CHECK(output_flush(o) == OUT_OK);
		CHECK(output_holder(o) == -1);
		CHECK(!output_full(o));
		CHECK(mallinfo2().uordblks <= before + (32u << 10));
		head = seq;
	}
	output_free(o);
	close(fd);
}

UNIT_TEST(output_tiny_budget_still_admits_when_nothing_is_held)
{
	struct config c;
	struct output *o;
	int fd = open("/dev/null", O_WRONLY);

	out_config(&c, true, false);
	o = output_new(&c, fd, 1);
	CHECK(output_admits(o, 0));
	CHECK(output_admits(o, 1));	/* nothing held yet */
	put(o, 1, "one\n");
	CHECK(!output_admits(o, 2));
	output_free(o);
	close(fd);
}

/* Fill a pipe nobody reads; the writes come back instead of blocking. */
static void
fill(struct output *o, int64_t *seq, const char *rec)
{
	while (!output_blocked(o) && *seq < 100000) {
		put(o, *seq, rec);
		output_done(o, *seq);
		(*seq)++;
		output_flush(o);
	}
}

static bool
whole_lines(const char *p, bool json)
{
	const char *nl;
	size_t want;

	for (; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			return false;
		if (json && strcmp(p, "]\n") == 0)
			return true;
		want = json ? 298 : 297;
		if ((size_t)(nl - p) != want || nl[-1] != '"')
			return false;
	}
	return !json;
}

/* A reader that comes back only after the drain has cut the stream
 * (at OUTPUT_SIGNAL_DRAIN_MS - 500 ms): what it gets ends on a whole
 * line, and with json is a closed array. */
static void
cut_short(bool json)
{
	struct config c;
	struct output *o;
	static volatile sig_atomic_t flag;
	static char got[1 << 20];
	char rec[300], path[] = "/tmp/volley-unit-XXXXXX";
	int p[2], fd, st;
	int64_t seq = 0;
	size_t n;
	pid_t pid;

	out_config(&c, false, json);
	CHECK(pipe(p) == 0);
	CHECK((fd = mkstemp(path)) != -1);
	unlink(path);
	memset(rec, 'y', sizeof rec);
	memcpy(rec, "\"", 1);
	memcpy(rec + 296, "\"\n", 3);
	o = output_new(&c, p[1], 1u << 20);
	fill(o, &seq, rec);
	CHECK(output_blocked(o));
	/* more than the pipe holds, not yet written */
	for (n = 0; n < 1000; n++, seq++)
		put(o, seq, rec);
	if ((pid = fork()) == 0) {
		char b[4096];
		ssize_t r;

		close(p[1]);
		usleep((OUTPUT_SIGNAL_DRAIN_MS - 300) * 1000);
		/* a slow reader: it cannot take all that is pending */
		while ((r = read(p[0], b, sizeof b)) > 0) {
			if (write(fd, b, (size_t)r) != r)
				_exit(1);
			usleep(20000);
		}
		_exit(0);
	}
	close(p[0]);
	flag = SIGTERM;
	output_set_interrupt(o, &flag);
	CHECK(output_finish(o) == OUT_OK);
	output_free(o);
	close(p[1]);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	n = (size_t)pread(fd, got, sizeof got - 1, 0);
	close(fd);
	got[n] = '\0';
	CHECK(n > 1000 && got[n - 1] == '\n');
	if (json)
		CHECK(got[0] == '[' && strcmp(got + n - 4, "\"\n]\n") == 0);
	else
		CHECK(strcmp(got + n - 2, "\"\n") == 0);
	/* whole records only: every line is the record, framed */
	CHECK(whole_lines(got, json));
}

UNIT_TEST(output_signal_drain_ends_on_a_whole_line)
{
	cut_short(false);
	cut_short(true);
}

UNIT_TEST(progress_says_what_a_full_window_waits_on)
{
	struct progress_fields f;
	char line[200];

	memset(&f, 0, sizeof(f));
	f.done = 10;
	f.ok = 9;
	f.failed = 1;
	f.inflight = 5;
	f.elapsed_s = 2.0;
	f.total = -1;
	f.window_full = true;
	f.wait_index = 17;
	f.wait_secs = 3.24;
	progress_format(line, sizeof line, &f, 0);
	CHECK(strstr(line, "waiting on #17, 3.2 s") != NULL);
	/* it goes late when the terminal is narrow, but before the rate */
	progress_format(line, sizeof line, &f, 40);
	CHECK(strstr(line, "waiting on #17, 3.2 s") != NULL);
	CHECK(strlen(line) < 40);
	f.wait_index = -1;
	progress_format(line, sizeof line, &f, 0);
	CHECK(strstr(line, "waiting on the reader") != NULL);
	f.window_full = false;
	progress_format(line, sizeof line, &f, 0);
	CHECK(strstr(line, "waiting") == NULL);
}
