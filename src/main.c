/* volley — fetch URLs concurrently, one JSON record per request.
 *
 * Map of the sources (a response flows down, one way):
 *   cli.c       options, validation, --help          -> struct config
 *   input.c     lines from args, -i files, stdin     -> struct request
 *   sched.c     the job state machine: queue, admission, starts,
 *               finished transfers, stops             -> transfers, records
 *     limits.c    --per-host counts, the --rate bucket
 *     retry.c     idempotency, backoff, Retry-After
 *     redirect.c  the origin (trust) rule, redirect hops
 *     paginate.c  Link, JSON pointers, the next page
 *     result.c    CURLcode and status -> error kind, record skeletons
 *     save.c      --save files and SHA-256     resume.c  --resume
 *   engine.c    the loop tier: event_base, curl multi, sockets, timers,
 *               tasks, the handle pool, the drain  -> struct xfer_res
 *   xfer.c      the per-transfer tier: easy setup, callbacks, headers
 *   signals.c   SIGINT/SIGTERM and the self-pipe
 *   record.c    the record encoder       json.c  escaping, the strict
 *   redact.c    passwords out of URLs                scanner, the arena
 *   hdr.c       the header-block walker
 *   output.c    gather window, framing, writes
 *   stats.c     --stats       progress.c  the progress line
 *   report.c    --report: junit, tap, github, markdown
 *   replay.c    --replay: a results file back through stats and report
 *   diag.c      "volley: ..." messages on stderr
 *   errout.c    stderr while transfers run: queued, never blocking
 *   buf.c utf8.c base64.c util.c   buffers, UTF-8, base64, numbers
 * main() wires them together and alone decides the exit status. */
#include "cli.h"
#include "diag.h"
#ifdef VOLLEY_FAILALLOC
#include "failalloc.h"
#endif
#include "input.h"
#include "output.h"
#include "json.h"
#include "replay.h"
#include "report.h"
#include "resume.h"
#include "sched.h"
#include "signals.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

enum exit_status {
	EXIT_ALL_OK = 0,
	EXIT_SOME_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_STOPPED = 3,
	EXIT_OUTPUT = 4
};

/* fds kept open above the concurrency: input, output, resolver, slack */
#define FD_RESERVE	32
/* Below this many, volley cannot start (stdio, the event loop's own fds,
 * the signal pipe, input, output, a socket or two): say so, exit 2. */
#define FD_MIN		16

/* Keep fds 0-2 open so that no socket can become one of them.  Returns
 * whether stdout was closed at start. */
static bool
guard_std_fds(void)
{
	bool out_closed = false;
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			continue;
		if (fd == 1)
			out_closed = true;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			abort();
	}
	return out_closed;
}

/* Make room for -c sockets; clamp -c when the fd limit is too low.  -1
 * (said) when it is too low to start at all. */
static int
fit_fd_limit(struct config *c)
{
	struct rlimit rl;
	long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return 0;
	if (rl.rlim_cur < FD_MIN) {
		diag_error("the open-file limit is too low to start (ulimit -n "
		    "%ld): volley needs at least %d", (long)rl.rlim_cur,
		    FD_MIN);
		return -1;
	}
	room = (long)rl.rlim_cur - FD_RESERVE;
	if (room < 1)
		room = 1;
	if (c->concurrency > room) {
		diag_warn("-c %ld is more than the open-file limit allows "
		    "(ulimit -n %ld): using -c %ld", c->concurrency,
		    (long)rl.rlim_cur, room);
		c->concurrency = room;
	}
	return 0;
}

/* The output fd: -o FILE, --resume FILE (appended to), or stdout.  -1:
 * it cannot be opened; -2: stdout is closed; -3: a usage error. */
static int
open_output(const struct config *c, bool out_closed)
{
	const char *path = c->resume ? c->resume : c->output;
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	char err[256];
	size_t torn;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (out_closed) {
			diag_error("stdout is closed");
			return -2;
		}
		return 1;
	}
	/* --resume reads the file's tail back, so it needs O_RDWR. */
	if (c->resume)
		flags = O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC;
	else
		flags |= O_TRUNC;
	fd = open(path, flags, 0644);
	if (fd == -1) {
		diag_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if (c->resume == NULL)
		return fd;
	switch (resume_prepare(fd, &torn, err, sizeof err)) {
	case -2:
		diag_error("--resume: %s is in use by another volley (it is "
		    "locked): run one at a time per file", path);
		close(fd);
		return -3;
	case -1:
		diag_error("--resume: %s: %s", path, err);
		close(fd);
		return -1;
	}
	if (torn > 0)
		diag_warn("--resume: %s: removed a torn last line (%zu bytes) "
		    "left by an interrupted run", path, torn);
	return fd;
}

/* The run's outcome as the documented exit status. */
static int
exit_status(const struct sched_outcome *o)
{
	if (o->out == OUT_FAILED) {
		diag_error("cannot write the output: %s", strerror(o->out_errno));
		return EXIT_OUTPUT;
	}
	if (o->signal != 0)
		return 128 + o->signal;
	if (o->stopped)
		return EXIT_STOPPED;
	return o->failed > 0 ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

/* --stats as asked: the table where stderr is a terminal or with
 * --stats=text, else JSON. */
static void
print_stats(const struct config *c, const struct stats *st)
{
	if (c->stats != STATS_OFF)
		stats_print(st, c->stats == STATS_JSON ||
		    (c->stats == STATS_AUTO && !isatty(2)));
}

/* --replay FILE: records read back, counted, summed up; nothing is
 * fetched.  The exit status is the one the run had (0 or 1). */
static int
replay(struct config *c, struct report *rp)
{
	struct stats st;
	char err[512];

	memset(&st, 0, sizeof(st));
	if (c->stats == STATS_OFF && c->nreports == 0)
		c->stats = STATS_AUTO;
	if (replay_run(c->replay, &st, rp, err, sizeof err) == -1) {
		diag_error("%s", err);
		return EXIT_USAGE;
	}
	print_stats(c, &st);
	if (report_finish(rp, &st, NULL) == -1)
		return EXIT_OUTPUT;
	return st.records > st.ok ? EXIT_SOME_FAILED : EXIT_ALL_OK;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct resume_set rs = {0};
	struct input *in = NULL;
	struct output *out = NULL;
	struct sched *s = NULL;
	struct sched_outcome o = {0};
	struct report *rp = NULL;
	char err[512];
	bool out_closed;
	int fd = -1, status = EXIT_USAGE;
	size_t window;

#ifdef VOLLEY_FAILALLOC
	failalloc_install();
#endif
	/* Failing, both leave the "C" locale: what JSON numbers need. */
	(void)setlocale(LC_ALL, "");
	(void)setlocale(LC_NUMERIC, "C");
	out_closed = guard_std_fds();
	(void)signal(SIGPIPE, SIG_IGN);	/* cannot fail for SIGPIPE */

	switch (cli_parse(argc, argv, &cfg, err, sizeof err)) {
	case CLI_EXIT:
		cli_config_free(&cfg);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_OUTPUT;
	case CLI_USAGE:
		diag_error("%s\nTry 'volley --help' for more information.",
		    err);
		cli_config_free(&cfg);
		return EXIT_USAGE;
	case CLI_OK:
		break;
	}
	diag_set_quiet(cfg.quiet);
	cli_warn(&cfg);
	if ((rp = report_new(&cfg, err, sizeof err)) == NULL) {
		diag_error("%s", err);
		status = EXIT_OUTPUT;
		goto done;
	}
	if (cfg.replay != NULL) {
		json_arena_install();
		status = replay(&cfg, rp);
		goto done;
	}
	if (cfg.nurls == 0 && cfg.ninputs == 0 && isatty(0)) {
		diag_error("no URLs: give them as arguments, with -i FILE, or "
		    "on stdin\nTry 'volley --help' for more information.");
		goto done;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		diag_error("cannot initialise libcurl");
		status = EXIT_OUTPUT;
		goto done;
	}
#ifndef VOLLEY_FAILALLOC
	json_arena_install();
#endif
	if (fit_fd_limit(&cfg) == -1)
		goto done;		/* EXIT_USAGE */
	/* Locked and repaired before it is read. */
	fd = open_output(&cfg, out_closed);
	if (fd < 0) {
		status = fd == -3 ? EXIT_USAGE : EXIT_OUTPUT;
		goto done;
	}
	if (cfg.resume != NULL && resume_load(&rs, cfg.resume, err,
	    sizeof err) == -1) {
		diag_error("--resume: %s", err);
		goto done;
	}
	window = cfg.window > SIZE_MAX ? SIZE_MAX : (size_t)cfg.window;
	in = input_new(&cfg);
	out = output_new(&cfg, fd, window);
	if (in == NULL || out == NULL) {
		diag_error("out of memory");
		status = EXIT_OUTPUT;
		goto done;
	}
	s = sched_new(&cfg, in, out, cfg.resume ? &rs : NULL, err, sizeof err);
	if (s == NULL) {
		diag_error("%s", err);
		status = EXIT_OUTPUT;
		goto done;
	}
	sched_set_report(s, rp);
	sched_run(s, &o);
	print_stats(&cfg, sched_stats(s));

	status = exit_status(&o);
	if (report_finish(rp, sched_stats(s), sched_stopped(s)) == -1 &&
	    status <= EXIT_STOPPED)
		status = EXIT_OUTPUT;
	/* A signal while --stats and the reports were written (errout.c
	 * then gives stderr at most its 2 s): the signal's status still. */
	if (o.signal == 0 && *signals_flag() != 0 && o.out != OUT_FAILED)
		status = 128 + *signals_flag();
	if (fd > 2 && close(fd) == -1 && status != EXIT_OUTPUT) {
		diag_error("cannot write the output: %s", strerror(errno));
		status = EXIT_OUTPUT;
	}
	fd = -1;
done:
	sched_free(s);
	report_free(rp);
	output_free(out);
	input_free(in);
	resume_free(&rs);
	if (fd > 2)
		close(fd);
	cli_config_free(&cfg);
	curl_global_cleanup();
	return status;
}
