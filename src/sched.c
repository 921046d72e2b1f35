/* sched — the job state machine: requests in, records out.
 *
 * A job is one input request: a chain of pages, each page one or more
 * attempts, each attempt one or more redirect hops.  Jobs wait in the
 * ready queue, run on the engine, and end with their records written
 * to the output.  The rules live elsewhere and are asked, never the
 * other way round: limits.c (--per-host, --rate), retry.c, redirect.c
 * (and the origin rule), paginate.c (the next page), result.c (what a
 * finished transfer means), save.c, resume.c.  This file acts on what
 * they decide.
 *
 * One way through the loop: callbacks (a finished transfer, a timer, a
 * signal, readable input) change state and kick the pump task; pump()
 * alone starts transfers, reads input and applies a stop, once per loop
 * pass.  A stop (--fail-fast, --deadline, a signal, a closed output) is
 * requested by whatever finds it (stop_request) and takes effect in
 * pump(): records already written stay, every other job gets the stop's
 * record, and requests read afterwards get it without being fetched.
 *
 * The run's limits are enforced before a transfer starts, so a timeout
 * never counts time spent in a queue, and input is read only when a slot
 * is free, so memory follows -c and the window, not the list's length. */
#include "sched.h"
#include "diag.h"
#include "engine.h"
#include "errout.h"
#include "flat.h"
#include "job.h"
#include "json.h"
#include "limits.h"
#include "paginate.h"
#include "progress.h"
#include "ratelimit.h"
#include "record.h"
#include "redact.h"
#include "redirect.h"
#include "report.h"
#include "result.h"
#include "retry.h"
#include "save.h"
#include "signals.h"
#include "stats.h"
#include "utf8.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

TAILQ_HEAD(jobq, job);

struct sched {
	const struct config *cfg;	/* borrowed */
	struct input	*in;		/* borrowed */
	struct output	*out;		/* borrowed */
	const struct resume_set *resume; /* borrowed */
	struct engine	*eng;		/* owned */
	struct stats_host *hosts;	/* owned: adapted hosts, for --stats */
	struct limits	*lim;		/* owned */
	struct retry_policy retry;
	struct jobq	 jobs;
	struct jobq	 ready;
	size_t		 njobs, nready, inflight;
	size_t		 nheld;		/* ready, held back by their host */
	size_t		 max_jobs;	/* live jobs at most (sched_window) */
	int64_t		 next_seq;
	bool		 input_eof;
	bool		 watching;	/* waiting for the input fd */
	bool		 out_watching;	/* waiting for the output fd */
	bool		 err_watching;	/* waiting for stderr (errout.h) */
	struct engine_timer *yield;	/* pump again after the loop's turn */
	bool		 finished;
	struct engine_task *pump;	/* owned: pump(), once per pass */
	struct engine_task *flush;	/* owned: write out when idle */
	struct engine_timer *rate_timer;
	struct engine_timer *pause_timer; /* a host's pause ends */
	int64_t		 pause_wake_us;
	/* stops */
	enum err_kind	 stop_kind;	/* ERR_CANCELLED or ERR_DEADLINE */
	char		 stop_msg[96];
	char		 stop_why[512];	/* what stopped it, for the person */
	bool		 stop_pending;	/* requested, not yet applied */
	int		 signal;
	int		 sig_fd;
	bool		 out_gone;
	struct engine_timer *deadline;
	/* progress and stats */
	struct engine_timer *progress;
	struct progress	*prog;		/* owned, NULL when not shown */
	bool		 progress_after_eof; /* stdin is a person typing */
	uint64_t	 reqs_done;	/* requests with all their records */
	struct stats	 st;
	struct report	*report;	/* borrowed, may be NULL */
	int64_t		 t0_us;
	bool		 read_pages;	/* pages are read (pagination, --flatten) */
	size_t		 npaused;	/* jobs with a --flatten page paused */
};

static void
kick(struct sched *s)
{
	engine_task_soon(s->pump);
}

/* Ask for a stop; the first one asked wins, pump() applies it. */
static void
stop_request(struct sched *s, enum err_kind kind, const char *msg)
{
	if (s->stop_kind == ERR_NONE) {
		s->stop_kind = kind;
		snprintf(s->stop_msg, sizeof s->stop_msg, "%s",
		    msg ? msg : "cancelled");
		s->stop_pending = true;
	}
	kick(s);
}

/* seq has all its records. */
static void
seq_done(struct sched *s, int64_t seq)
{
	output_done(s->out, seq);
	s->reqs_done++;
	if (s->npaused > 0)	/* a paused page may have room now */
		kick(s);
}

/* --- jobs --- */

static void	paused_free(struct sched *, struct job *);

/* Take a job out of the run: its transfer, its queue place, itself. */
static void
job_drop(struct sched *s, struct job *j)
{
	if (j->x != NULL) {
		engine_cancel(s->eng, j->x);
		j->x = NULL;
		s->inflight--;
		limits_host_add(j->host, -1);
	}
	if (j->queued) {
		TAILQ_REMOVE(&s->ready, j, q);
		s->nready--;
	}
	paused_free(s, j);
	TAILQ_REMOVE(&s->jobs, j, all);
	s->njobs--;
	engine_timer_free(j->timer);
	job_free(j);
}

static void
enqueue(struct sched *s, struct job *j, bool front)
{
	if (j->queued)
		return;
	if (front)
		TAILQ_INSERT_HEAD(&s->ready, j, q);
	else
		TAILQ_INSERT_TAIL(&s->ready, j, q);
	j->queued = true;
	s->nready++;
}

static void
dequeue(struct sched *s, struct job *j)
{
	if (!j->queued)
		return;
	TAILQ_REMOVE(&s->ready, j, q);
	j->queued = false;
	s->nready--;
}

static struct job *
sched_job_new(struct sched *s, struct request *r, int64_t seq)
{
	struct job *j = job_new(s->cfg, s->lim, r, seq);

	if (j == NULL)
		return NULL;
	j->sched = s;
	TAILQ_INSERT_TAIL(&s->jobs, j, all);
	s->njobs++;
	return j;
}

/* --- records --- */

/* Write one record of seq.  A failed record asks for the --fail-fast
 * stop and a closed output for the quiet one; pump() applies them once
 * the job that wrote this record is done with it. */
static void
emit(struct sched *s, int64_t seq, const struct record *r)
{
	struct buf *b;
	struct record m;

	if (s->out_gone)
		return;
	b = output_begin(s->out, seq);
	if (record_encode(b, r) == -1) {
		/* Out of memory for this record: say so in a small one. */
		m = *r;
		m.body_enc = BENC_NONE;
		m.headers = NULL;
		m.item = NULL;
		m.saved = NULL;
		m.err = ERR_INPUT;
		m.errmsg = "out of memory while writing this record";
		if (record_encode(b, &m) == -1)
			output_nomem(s->out);	/* not even that: fail loudly */
		r = &m;
	}
	output_end(s->out, seq);
	/* The one place records are counted: --stats and --report. */
	stats_count(&s->st, r);
	report_record(s->report, r);
	if (output_state(s->out) != OUT_OK) {
		s->out_gone = true;
		stop_request(s, ERR_CANCELLED, NULL);
	} else if (r->err != ERR_NONE && s->cfg->fail_fast &&
	    s->stop_kind == ERR_NONE) {
		char what[400];

		record_describe(r, what, sizeof what);
		snprintf(s->stop_why, sizeof s->stop_why,
		    "stopped by --fail-fast: %s", what);
		stop_request(s, ERR_CANCELLED,
		    "cancelled by --fail-fast after a failed record");
	}
}

static void
emit_request_error(struct sched *s, struct request *rq, int64_t seq,
    enum err_kind kind, const char *msg)
{
	struct record r;

	result_request_record(s->cfg, rq, input_request_method(s->cfg, rq),
	    &r);
	r.err = kind;
	r.errmsg = msg;
	emit(s, seq, &r);
	seq_done(s, seq);
}

/* End a job with one error record (a stop, a start failure). */
static void
job_fail(struct sched *s, struct job *j, enum err_kind kind, const char *msg)
{
	struct record r;
	int64_t seq = j->seq;

	job_record(j, s->cfg, &r);
	r.err = kind;
	r.errmsg = msg;
	emit(s, seq, &r);
	job_drop(s, j);
	seq_done(s, seq);
}

/* The one place a stop takes effect. */
static void
apply_stop(struct sched *s)
{
	struct job *j;

	if (!s->stop_pending)
		return;
	s->stop_pending = false;
	while ((j = TAILQ_FIRST(&s->jobs)) != NULL) {
		if (s->out_gone)
			job_drop(s, j);
		else
			job_fail(s, j, s->stop_kind, s->stop_msg);
	}
}

/* --- starting transfers --- */

static bool	retry_later(struct sched *, struct job *, enum err_kind, long,
		    const char *, size_t);

static void
start_job(struct sched *s, struct job *j)
{
	const struct config *c = s->cfg;
	struct xfer_req r;
	int64_t now = util_now_us();
	char err[256];

	job_begin(j, now);
	job_request(j, c, s->read_pages, now, &r);
	r.idle_conns = limits_host_idle_conns(j->host);
	/* A hop that waited (for --rate, a host's room) past the attempt's
	 * time: the attempt timed out, as if in a transfer. */
	if (c->timeout_ms > 0 && r.timeout_ms <= 0) {
		if (!retry_later(s, j, ERR_TIMEOUT, 0, NULL, 0))
			job_fail(s, j, ERR_TIMEOUT,
			    "timed out across redirects");
		return;
	}
	if (c->save_dir != NULL && save_open(&j->save, c->save_dir,
	    j->req.index, j->page) == -1) {
		snprintf(err, sizeof err, "--save: cannot write in %s: %s",
		    c->save_dir, strerror(errno));
		job_fail(s, j, ERR_INPUT, err);
		return;
	}
	if (engine_start(s->eng, &r, j, &j->x, err, sizeof err) == -1) {
		j->x = NULL;
		job_fail(s, j, ERR_CONNECT, err);
		return;
	}
	s->inflight++;
	limits_host_add(j->host, +1);
}

static void
rate_fired(void *arg)
{
	kick(arg);
}

/* May one more transfer start now (--rate)?  If not, arm the timer. */
static bool
rate_allows(struct sched *s)
{
	int64_t wait = limits_rate_wait(s->lim, util_now_us());

	if (wait == 0)
		return true;
	if (!engine_timer_armed(s->rate_timer))
		engine_timer_arm(s->rate_timer, (wait + 999) / 1000);
	return false;
}

/* May j's host take one more transfer now (--per-host, its adaptive
 * window, its pause)?  A paused host wakes the pump when its pause ends. */
static bool
host_allows(struct sched *s, struct job *j, int64_t now)
{
	int64_t pause = limits_host_pause(s->lim, j->host, now);

	if (pause == 0)
		return limits_host_room(s->lim, j->host);
	if (!engine_timer_armed(s->pause_timer) ||
	    now + pause < s->pause_wake_us) {
		engine_timer_arm(s->pause_timer, (pause + 999) / 1000);
		s->pause_wake_us = now + pause;
	}
	return false;
}

static void
start_ready(struct sched *s)
{
	struct job *j, *next;
	int64_t now = util_now_us();

	s->nheld = 0;
	for (j = TAILQ_FIRST(&s->ready); j != NULL &&
	    s->stop_kind == ERR_NONE; j = next) {
		next = TAILQ_NEXT(j, q);
		if (s->inflight >= (size_t)s->cfg->concurrency)
			break;
		if (!host_allows(s, j, now)) {
			s->nheld++;
			continue;
		}
		if (s->cfg->rate > 0) {		/* --rate: a token a start */
			if (!rate_allows(s))
				break;
			limits_rate_take(s->lim, util_now_us());
		}
		dequeue(s, j);
		start_job(s, j);
		next = TAILQ_FIRST(&s->ready);	/* start_job may free jobs */
	}
}

/* --- input --- */

static void
input_readable(void *arg)
{
	struct sched *s = arg;

	s->watching = false;
	input_ready(s->in);
	kick(s);
}

static void
take_request(struct sched *s, struct request *r)
{
	const struct config *c = s->cfg;
	int64_t seq;
	struct job *j;

	if ((c->shard_n > 0 && r->index % c->shard_n != c->shard_k) ||
	    (s->resume != NULL && resume_done(s->resume, r->index))) {
		input_request_clear(r);
		return;
	}
	seq = s->next_seq++;
	if (r->err != ERR_NONE)
		emit_request_error(s, r, seq, r->err, r->errmsg);
	else if (s->stop_kind != ERR_NONE)
		emit_request_error(s, r, seq, s->stop_kind, s->stop_msg);
	else if ((j = sched_job_new(s, r, seq)) == NULL)
		emit_request_error(s, r, seq, ERR_INPUT, "out of memory");
	else {
		enqueue(s, j, false);
		return;		/* the job took r's strings and emptied it */
	}
	input_request_clear(r);
}

/* Lines taken in one pump pass at most: lines that start no transfer
 * (bad lines, --shard and --resume skips, a stop's records) give the
 * loop its turn too. */
#define INPUT_SLICE	1024

static void
read_input(struct sched *s)
{
	struct request r;
	int lines = 0;

	while (!s->input_eof && !s->watching && s->signal == 0 &&
	    !s->out_gone && !s->stop_pending) {
		/* A slot must be free (jobs their host holds back take none),
		 * and the jobs alive (waiting on a retry too) stay within the
		 * window, in either mode. */
		if (s->stop_kind == ERR_NONE &&
		    (s->inflight + s->nready - (s->nheld < s->nready ?
		    s->nheld : s->nready) >= (size_t)s->cfg->concurrency ||
		    s->njobs >= s->max_jobs))
			break;
		if (!output_admits(s->out, s->next_seq) ||
		    errout_pending() > s->cfg->window)
			break;
		if (lines++ >= INPUT_SLICE) {
			engine_timer_arm(s->yield, 0);
			break;
		}
		switch (input_next(s->in, &r)) {
		case INPUT_LINE:
			take_request(s, &r);
			start_ready(s);
			break;
		case INPUT_YIELD:
			/* A timer, not the pump task: it runs after the loop
			 * has looked at its fds (a signal) again. */
			engine_timer_arm(s->yield, 0);
			return;
		case INPUT_AGAIN:
			if (engine_watch(s->eng, input_fd(s->in),
			    input_readable, s) == -1) {
				s->input_eof = true;
				break;
			}
			s->watching = true;
			break;
		case INPUT_EOF:
			s->input_eof = true;
			break;
		}
	}
}

static void	out_writable(void *);
static void	err_writable(void *);

/* What is queued for stderr (reports on "-", the progress line): as for
 * the output, written as the reader takes it, never waited for. */
static void
err_service(struct sched *s)
{
	bool was_full = errout_pending() > s->cfg->window;
	int rc;

	if (errout_pending() == 0 || s->err_watching)
		return;
	rc = errout_flush();
	/* under the window again: admission, which it stopped, goes on */
	if (was_full && errout_pending() <= s->cfg->window)
		kick(s);
	if (rc != 1)
		return;
	if (engine_watch_write_err(s->eng, errout_fd(), err_writable,
	    s) == 0)
		s->err_watching = true;
	else
		engine_timer_arm(s->yield, 10);	/* try later */
}

static void
err_writable(void *arg)
{
	struct sched *s = arg;

	s->err_watching = false;
	err_service(s);
	kick(s);	/* room again: admission may go on */
}

/* Write what the reader takes now; if it takes no more, wait for it
 * (the loop never blocks on a write). */
static void
out_service(struct sched *s)
{
	bool was_full = output_full(s->out);
	uint64_t written = output_written(s->out);

	err_service(s);

	if (output_flush(s->out) != OUT_OK) {
		if (!s->out_gone) {
			s->out_gone = true;
			stop_request(s, ERR_CANCELLED, NULL);
		}
		return;
	}
	/* A write that made room in a full --window: admission may go on
	 * (a regular file is never watched, so nothing else would say so). */
	if ((was_full && !output_full(s->out)) ||
	    (s->npaused > 0 && output_written(s->out) != written))
		kick(s);	/* (and a paused page may have room) */
	if (!output_blocked(s->out) || s->out_watching)
		return;
	if (engine_watch_write(s->eng, output_fd(s->out), out_writable,
	    s) == 0)
		s->out_watching = true;
	else {
		/* Not watchable (out of memory, an odd device): try later. */
		output_writable(s->out);
		engine_timer_arm(s->yield, 10);
	}
}

static void
out_writable(void *arg)
{
	struct sched *s = arg;

	s->out_watching = false;
	output_writable(s->out);
	out_service(s);
	kick(s);	/* room again: admission may go on */
}

static void
flush_when_idle(void *arg)
{
	out_service(arg);
}

static void	paused_resume(struct sched *);

/* The driver: apply a stop, go on with paused --flatten pages, start
 * what may start, read what may be read; run from the loop only (the
 * pump task), never from a callback. */
static void
pump(void *arg)
{
	struct sched *s = arg;

	do {
		apply_stop(s);
		paused_resume(s);
		start_ready(s);
		read_input(s);
	} while (s->stop_pending);
	if (s->finished)
		return;
	if (output_blocked(s->out) && !s->out_watching)
		out_service(s);
	if (s->out_gone || s->signal != 0 ||
	    (s->input_eof && s->njobs == 0)) {
		s->finished = true;
		engine_stop(s->eng);
		return;
	}
	engine_task_soon(s->flush);
}

/* --- finishing a transfer --- */

static void
retry_fired(void *arg)
{
	struct job *j = arg;
	struct sched *s = j->sched;

	enqueue(s, j, true);
	kick(s);
}

/* A page is done (no retry, no hop): its records and what comes next. */
struct page {	/* complete_page sets each field but jp (job_page's) by hand */
	struct job_page	 jp;		/* the record, and if its body reads */
	const char	*body;		/* the raw body, items are copied from */
	struct json_span items;		/* the items' array (len 0: none) */
	long		 nitems;
	struct paginate_next next;
};

/* A --flatten page whose items wait for room in the output: a page of
 * tiny items makes far more bytes of records than of body (a server's
 * "[0,0,...]" makes a few hundred bytes of record of every two bytes of
 * body), so its items are written as the output takes them (flat.c makes
 * them one at a time), and meanwhile the page waits in its job. */
struct paused_page {
	struct flat	 items;		/* its own body and strings */
	struct paginate_next next;	/* the step after its last item */
};

/* Write f's records while the output has room (at least one: a page
 * always moves on); true when they are all written. */
static bool
flat_write(struct sched *s, struct job *j, struct flat *f)
{
	const struct record *r;

	while ((r = flat_next(f)) != NULL) {
		emit(s, j->seq, r);
		if (s->out_gone)
			return true;
		if (!output_room(s->out, j->seq))
			return false;
	}
	return true;
}

static void
paused_free(struct sched *s, struct job *j)
{
	struct paused_page *p = j->paused;

	if (p == NULL)
		return;
	flat_clear(&p->items);
	curl_url_cleanup(p->next.url);
	free(p->next.url_str);
	free(p);
	j->paused = NULL;
	s->npaused--;
}

/* Write the page's records: one, or with --flatten one per item.  A page
 * with no items writes one record with "item" and "item_index" null:
 * every page leaves a trace.  "last" is false on all but the request's
 * last record.  False when the items wait for room (j->paused). */
static bool
page_emit(struct sched *s, struct job *j, struct page *pg)
{
	struct paused_page *p;
	struct flat f;

	pg->jp.r.more = pg->next.url != NULL || pg->next.err != ERR_NONE;
	if (!s->cfg->flatten || pg->items.len == 0 ||
	    pg->jp.r.err != ERR_NONE) {
		emit(s, j->seq, &pg->jp.r);
		return true;
	}
	flat_begin(&f, &pg->jp.r, pg->body, pg->items.off, pg->items.len,
	    pg->nitems, pg->jp.r.more);
	if (flat_write(s, j, &f)) {
		flat_clear(&f);
		return true;
	}
	/* Out of memory the rest is written now: late rather than lost. */
	if ((p = malloc(sizeof(*p))) == NULL || flat_keep(&f) == -1) {
		free(p);
		while (!flat_write(s, j, &f))
			;
		flat_clear(&f);
		return true;
	}
	p->items = f;		/* its buffers with it */
	p->next = pg->next;
	UTIL_ZERO_BUT_TEXT(struct paginate_next, &pg->next, msg);
	j->paused = p;
	s->npaused++;
	return false;
}

static void	chain_advance(struct sched *, struct job *, struct page *);

/* Go on with the paused pages that have room again; a page whose items
 * are all written takes its step. */
static void
paused_resume(struct sched *s)
{
	struct job *j, *tmp;
	struct page pg;

	/* (glibc's sys/queue.h has no TAILQ_FOREACH_SAFE) */
	for (j = TAILQ_FIRST(&s->jobs); j != NULL; j = tmp) {
		tmp = TAILQ_NEXT(j, all);
		if (s->npaused == 0 || s->out_gone)
			return;
		if (j->paused == NULL || !output_room(s->out, j->seq) ||
		    !flat_write(s, j, &j->paused->items))
			continue;
		pg.next = j->paused->next;
		UTIL_ZERO_BUT_TEXT(struct paginate_next, &j->paused->next, msg);
		paused_free(s, j);
		chain_advance(s, j, &pg);
		curl_url_cleanup(pg.next.url);
		free(pg.next.url_str);
	}
}

/* Act on the page's step: the chain fails, ends, or goes on. */
static void
chain_advance(struct sched *s, struct job *j, struct page *pg)
{
	int64_t seq = j->seq;

	/* Records of the next page (or of the chain's error) name it; an
	 * error with no next URL names the page it came from. */
	if (pg->next.url_str != NULL) {
		free(j->page_url);
		j->page_url = pg->next.url_str;
		pg->next.url_str = NULL;
	} else if (j->page == 1 && j->req.url != NULL &&
	    (pg->next.err != ERR_NONE || pg->next.url != NULL)) {
		/* (not when the chain ends here: no record will name it) */
		free(j->page_url);
		j->page_url = strdup(j->req.url);
	}
	if (pg->next.err != ERR_NONE) {
		j->page++;
		j->attempts = 0;
		j->page_start_us = 0;
		job_fail(s, j, pg->next.err, pg->next.msg);
		return;
	}
	if (pg->next.url == NULL) {
		job_drop(s, j);
		seq_done(s, seq);
		return;
	}
	if (job_next_page(j, s->cfg, pg->next.url) == -1) {
		pg->next.url = NULL;
		job_fail(s, j, ERR_INPUT, "out of memory");
		return;
	}
	pg->next.url = NULL;
	enqueue(s, j, true);
}

static void
complete_page(struct sched *s, struct job *j, const struct xfer_res *res,
    enum err_kind kind, const char *msg)
{
	struct page pg;

	/* job_page clears pg.jp itself: the rest only, not 1 KB twice */
	pg.body = res->body;
	pg.items.off = pg.items.len = 0;
	pg.nitems = 0;
	UTIL_ZERO_BUT_TEXT(struct paginate_next, &pg.next, msg);
	job_page(j, s->cfg, s->read_pages, res, kind, msg, &pg.jp);
	if (pg.jp.r.err == ERR_NONE && s->read_pages) {
		struct paginate_page pp = {
			.headers = res->headers, .hlen = res->headers_len,
			.body = res->body, .blen = res->body_len,
			.not_json = pg.jp.not_json,
			.nitems = -1,
		};

		pg.next.err = paginate_items(s->cfg, &pp, &pg.items,
		    &pg.nitems, pg.next.msg, sizeof pg.next.msg);
		pp.nitems = pg.nitems;
		if (pg.next.err == ERR_NONE)
			paginate_step(s->cfg, &j->chain, job_curlu(j), j->page,
			    &pp, &pg.next);
	}
	/* A closed output ends every job; apply_stop frees this one. */
	if (page_emit(s, j, &pg) && !s->out_gone)
		chain_advance(s, j, &pg);
	curl_url_cleanup(pg.next.url);
	free(pg.next.url_str);
	job_page_clear(&pg.jp);
}

/* Tell the host's adaptive window what this answer said. */
static void
host_feedback(struct sched *s, struct job *j, const struct xfer_res *res)
{
	struct limits_answer a;
	struct ratelimit rl;
	int64_t now;

	if (s->cfg->no_adapt || j->host == NULL || res->status <= 0)
		return;
	now = util_now_us();
	if (res->headers_rx)
		ratelimit_parse(res->headers, res->headers_len, time(NULL),
		    &rl);
	else
		rl.remaining = rl.reset_ms = -1;	/* nothing to read */
	a.status = res->status;
	a.retry_after_ms = res->status == 429 || res->status == 503 ?
	    retry_after_ms(res->headers, res->headers_len, time(NULL)) : -1;
	a.remaining = rl.remaining;
	a.reset_ms = rl.reset_ms;
	a.sent_us = now - (int64_t)(res->total_ms * 1000.0);
	/* Out of memory, the answer goes uncounted: the lesser harm. */
	if (limits_host_feedback(s->lim, j->host, &a, now) == -1) {
		/* nothing more to do */
	}
}

/* An attempt of j ended as kind (with status and headers, if it was
 * answered): true when the retry rules want it again, and its timer is
 * set for then. */
static bool
retry_later(struct sched *s, struct job *j, enum err_kind kind, long status,
    const char *headers, size_t hlen)
{
	int64_t wait;

	/* The jitter only for a retry: glibc 2.36's arc4random is a
	 * getrandom system call each time. */
	wait = !retry_wanted(&s->retry, j->attempts, j->method, kind,
	    status) ? -1 : retry_wait(&s->retry, j->attempts, j->method,
	    kind, status, kind == ERR_HTTP ? retry_after_ms(headers, hlen,
	    time(NULL)) : -1, (double)arc4random() / 4294967296.0);
	if (wait < 0)
		return false;
	if (j->timer == NULL)
		j->timer = engine_timer_new(s->eng, retry_fired, j);
	if (j->timer == NULL)
		return false;
	save_discard(&j->save);
	engine_timer_arm(j->timer, wait);
	return true;
}

/* What to do with a finished attempt: a redirect hop, a retry, or the
 * page's end.  Each rule is asked in turn; this acts on the answers. */
static void
transfer_done(void *owner, const struct xfer_res *res)
{
	struct job *j = owner;
	struct sched *s = j->sched;
	const struct config *c = s->cfg;
	char msg[CURL_ERROR_SIZE + 64];
	struct redirect_hop hop;
	enum err_kind kind;

	j->x = NULL;
	s->inflight--;
	limits_host_add(j->host, -1);
	host_feedback(s, j, res);
	kick(s);
	kind = result_judge(c, res, j->save.err, msg, sizeof msg);
	if (kind == ERR_NONE && c->location && res->redirect_url != NULL &&
	    redirect_status(res->status)) {
		kind = redirect_decide(c, job_curlu(j), res->redirect_url,
		    res->status, j->redirects, j->method, &hop, msg,
		    sizeof msg);
		if (kind == ERR_NONE) {
			if (job_hop(j, c, &hop) == -1) {
				complete_page(s, j, res, ERR_INPUT,
				    "out of memory");
				return;
			}
			enqueue(s, j, true);
			return;
		}
	}
	if (!retry_later(s, j, kind, res->status, res->headers,
	    res->headers_len))
		complete_page(s, j, res, kind, msg);
}

/* --- signals, deadline, progress --- */

static void	 progress_fired(void *);

static void
on_signal(void *arg)
{
	struct sched *s = arg;
	int signo = signals_take(s->sig_fd);
	char msg[64];

	if (signals_take_winch() && s->prog != NULL) {
		progress_resize(s->prog);
		if (progress_clear(s->prog) == 0)
			progress_fired(s);
	}
	if (signo == 0 || s->signal != 0)
		return;
	s->signal = signo;
	snprintf(msg, sizeof msg, "interrupted by %s",
	    signo == SIGINT ? "SIGINT" : "SIGTERM");
	stop_request(s, ERR_CANCELLED, msg);
}

/* Why --deadline stopped the run: what was left, and the request that
 * had been running longest (or, with none running, the first waiting). */
static void
stop_why_deadline(struct sched *s, const char *msg)
{
	struct job *j, *old = NULL;
	int64_t now = util_now_us();
	char url[256];

	TAILQ_FOREACH(j, &s->jobs, all)
		if (old == NULL || (j->x != NULL && (old->x == NULL ||
		    j->attempt_start_us < old->attempt_start_us)))
			old = j;
	if (old == NULL) {
		snprintf(s->stop_why, sizeof s->stop_why, "stopped: %s with "
		    "no request running or queued", msg);
		return;
	}
	redact_url_text(job_url(old), job_url(old) ? strlen(job_url(old)) :
	    0, url, sizeof url);
	if (old->x != NULL)
		snprintf(s->stop_why, sizeof s->stop_why, "stopped: %s with "
		    "%zu requests running or queued; the longest running: %s %s "
		    "(index %lld, %.3fs)", msg, s->njobs, old->method, url,
		    (long long)old->req.index,
		    (double)(now - old->attempt_start_us) / 1e6);
	else
		snprintf(s->stop_why, sizeof s->stop_why, "stopped: %s with "
		    "%zu requests queued, none running; the first: %s %s "
		    "(index %lld)", msg, s->njobs, old->method, url,
		    (long long)old->req.index);
}

static void
deadline_fired(void *arg)
{
	struct sched *s = arg;
	char msg[96];

	snprintf(msg, sizeof msg, "--deadline of %.3fs reached",
	    (double)s->cfg->deadline_ms / 1000.0);
	if (s->stop_kind == ERR_NONE)
		stop_why_deadline(s, msg);
	stop_request(s, ERR_DEADLINE, msg);
}

/* The progress line's fields.  The total is known once the input has
 * ended, or from the URL arguments alone; from regular files it is
 * estimated by the share of bytes read. */
static void	window_holder(struct sched *, struct progress_fields *);

static void
progress_fields(struct sched *s, struct progress_fields *f)
{
	const struct config *c = s->cfg;
	double frac;

	memset(f, 0, sizeof(*f));
	f->done = s->reqs_done;
	f->ok = s->st.ok;
	f->failed = s->st.records - s->st.ok;
	f->inflight = s->inflight;
	f->elapsed_s = (double)(util_now_us() - s->t0_us) / 1e6;
	f->total = -1;
	if (s->input_eof)
		f->total = (double)s->next_seq;
	else if (c->ninputs == 0 && c->nurls > 0 && c->shard_n == 0 &&
	    s->resume == NULL)
		f->total = (double)c->nurls;
	else if ((frac = input_fraction(s->in)) > 0 && frac < 1) {
		f->total = (double)s->next_seq / frac;
		f->estimated = true;
	}
	window_holder(s, f);
}

/* Who holds admission when the --window budget is spent: the head
 * request (its index, how long it has run), or the reader (-1). */
static void
window_holder(struct sched *s, struct progress_fields *f)
{
	int64_t head = output_holder(s->out), now = util_now_us();
	struct job *j;

	if (!output_full(s->out))
		return;
	f->window_full = true;
	f->wait_index = -1;
	if (head == -1)
		return;
	TAILQ_FOREACH(j, &s->jobs, all) {
		if (j->seq != head)
			continue;
		f->wait_index = j->req.index;
		f->wait_secs = j->page_start_us > 0 ?
		    (double)(now - j->page_start_us) / 1e6 : 0;
		break;
	}
}

static void
progress_fired(void *arg)
{
	struct sched *s = arg;
	struct progress_fields f;

	if (s->prog == NULL)
		return;
	engine_timer_arm(s->progress, 250);
	/* Out of the way while a person types the input. */
	if (s->progress_after_eof && !s->input_eof)
		return;
	progress_fields(s, &f);
	if (progress_draw(s->prog, &f) == -1) {
		progress_free(s->prog);
		s->prog = NULL;
	}
	err_service(s);
}


static int
sched_events(struct sched *s)
{
	s->pump = engine_task_new(s->eng, pump, s, false);
	s->flush = engine_task_new(s->eng, flush_when_idle, s, true);
	s->rate_timer = engine_timer_new(s->eng, rate_fired, s);
	s->pause_timer = engine_timer_new(s->eng, rate_fired, s);
	s->deadline = engine_timer_new(s->eng, deadline_fired, s);
	s->progress = engine_timer_new(s->eng, progress_fired, s);
	s->yield = engine_timer_new(s->eng, rate_fired, s);
	if (s->pump == NULL || s->flush == NULL || s->rate_timer == NULL ||
	    s->pause_timer == NULL || s->yield == NULL ||
	    s->deadline == NULL || s->progress == NULL)
		return -1;
	s->sig_fd = signals_install();
	if (s->sig_fd == -1 ||
	    engine_watch_urgent(s->eng, s->sig_fd, on_signal, s) == -1)
		return -1;
	return 0;
}

struct sched *
sched_new(const struct config *c, struct input *in, struct output *out,
    const struct resume_set *resume, char *err, size_t errlen)
{
	struct sched *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = c;
	s->in = in;
	s->out = out;
	s->resume = resume;
	s->st.lat_off = c->stats == STATS_OFF;	/* and sched_set_report */
	TAILQ_INIT(&s->jobs);
	TAILQ_INIT(&s->ready);
	/* --items alone has no effect (cli_warn says so): no page read, and
	 * no chain that could fail on it */
	s->read_pages = c->page != PAGE_NONE || c->flatten;
	s->max_jobs = sched_window(c);
	s->retry.retries = c->retries;
	s->retry.delay_ms = c->retry_delay_ms;
	s->retry.max_wait_ms = c->retry_max_wait_ms;
	if (c->retry_on != NULL &&
	    retry_set_parse(&s->retry.on, c->retry_on, err, errlen) == -1)
		goto fail;
	/* every job may wait on a retry timer, plus the run's own timers */
	s->eng = engine_new(c, s->max_jobs + 16, transfer_done, err, errlen);
	if (s->eng == NULL)
		goto fail;
	s->lim = limits_new(c->per_host, c->rate);
	if (s->lim == NULL || sched_events(s) == -1) {
		snprintf(err, errlen, "cannot set up timers: out of memory");
		goto fail;
	}
	if (!c->no_adapt)
		limits_adapt(s->lim, c->per_host > 0 ? c->per_host :
		    c->concurrency, c->retry_max_wait_ms);
	output_set_interrupt(out, signals_flag());
	errout_set_interrupt(signals_flag());
	if (engine_notice(s->eng) != NULL)
		diag_warn("warning: %s", engine_notice(s->eng));
	if (!c->quiet && (c->progress == PROGRESS_ON ||
	    (c->progress == PROGRESS_AUTO && isatty(2))) &&
	    !progress_same_place(output_fd(out), 2)) {
		s->prog = progress_new(2);
		s->progress_after_eof = input_from_tty(c);
		if (s->prog != NULL && isatty(2) && signals_watch_winch() == -1)
			diag_warn("warning: the progress line will not follow "
			    "the terminal's size");
	}
	return s;
fail:
	sched_free(s);
	return NULL;
}

void
sched_run(struct sched *s, struct sched_outcome *o)
{
	int64_t end;

	s->t0_us = util_now_us();
	if (s->cfg->deadline_ms > 0)
		engine_timer_arm(s->deadline, s->cfg->deadline_ms);
	if (s->prog != NULL)
		engine_timer_arm(s->progress, 250);
	pump(s);
	if (!s->finished)
		engine_loop(s->eng);
	if (s->prog != NULL && progress_clear(s->prog) == -1) {
		progress_free(s->prog);
		s->prog = NULL;
	}
	s->st.elapsed_s = (double)(util_now_us() - s->t0_us) / 1e6;
	memset(o, 0, sizeof(*o));
	end = util_now_us() + (int64_t)OUTPUT_SIGNAL_DRAIN_MS * 1000;
	o->out = output_finish(s->out);
	/* Then what is queued for stderr, waiting; after a signal only for
	 * what is left of the output's time, as all of stderr from then on
	 * (errout_set_interrupt: for a signal that comes while it waits, the
	 * output's time from then). */
	if (s->signal != 0 || *signals_flag() != 0)
		errout_set_deadline(end);
	errout_drain();
	/* A signal can come while the last records are written, after the
	 * loop has ended. */
	if (s->signal == 0 && *signals_flag() != 0)
		s->signal = *signals_flag();
	o->signal = s->signal;
	o->stopped = s->stop_kind != ERR_NONE && s->signal == 0 &&
	    !s->out_gone;
	o->out_errno = output_errno(s->out);
	o->records = s->st.records;
	o->failed = s->st.records - s->st.ok;
	if (o->stopped && s->stop_why[0] != '\0')
		diag_error("%s", s->stop_why);
}

void
sched_set_report(struct sched *s, struct report *rp)
{
	s->report = rp;
	if (report_reads_latency(rp))
		s->st.lat_off = false;
}

const struct stats *
sched_stats(struct sched *s)
{
	struct stats_host *hosts, *h;
	struct limits_report r;
	size_t n = 0, pos = 0;

	/* The adapted hosts, as they are now.  Out of memory, they are left
	 * out of the summary. */
	free(s->hosts);
	hosts = NULL;
	while (limits_host_report(s->lim, &pos, &r)) {
		if ((n & (n - 1)) == 0) {	/* 0, 1, 2, 4, ...: double */
			h = reallocarray(hosts, n ? n * 2 : 1, sizeof(*h));
			if (h == NULL)
				break;
			hosts = h;
		}
		hosts[n].host = r.key;
		hosts[n].limit = r.limit;
		hosts[n].window = r.window;
		hosts[n].lowest = r.lowest;
		hosts[n++].throttled = r.throttled;
	}
	s->hosts = hosts;
	s->st.hosts = hosts;
	s->st.nhosts = n;
	return &s->st;
}

const char *
sched_stopped(const struct sched *s)
{
	if (s->stop_kind == ERR_NONE || s->out_gone)
		return NULL;
	return s->stop_why[0] != '\0' ? s->stop_why : s->stop_msg;
}

void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	while (!TAILQ_EMPTY(&s->jobs))
		job_drop(s, TAILQ_FIRST(&s->jobs));
	job_spares_free();
	engine_task_free(s->pump);
	engine_task_free(s->flush);
	engine_timer_free(s->rate_timer);
	engine_timer_free(s->pause_timer);
	engine_timer_free(s->deadline);
	engine_timer_free(s->progress);
	progress_free(s->prog);
	engine_timer_free(s->yield);
	engine_free(s->eng);
	limits_free(s->lim);
	free(s->hosts);
	free(s);
}

size_t
sched_window(const struct config *c)
{
	size_t w = (size_t)c->concurrency * 4;

	return w < 64 ? 64 : w;
}
