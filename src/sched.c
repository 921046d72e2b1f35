/* sched — requests in, records out.
 *
 * A job is one input request: a chain of pages, each page one or more
 * attempts, each attempt one or more redirect hops.  Jobs wait in the
 * ready queue, run on the engine, and end with their records written
 * to the output.  The run's limits are enforced here, before a transfer
 * starts, so a timeout never counts time spent waiting in a queue:
 * -c (transfers in flight), --per-host, --rate (a token bucket that
 * holds one token: smooth, never bursty), and the gather window (no new
 * request while the oldest unfinished one holds the window full).
 *
 * Input is read only when a slot is free, so memory follows -c and the
 * window, not the length of the list. */
#include "sched.h"
#include "engine.h"
#include "paginate.h"
#include "record.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>
#include <unistd.h>

struct job {
	TAILQ_ENTRY(job) all;		/* s->jobs */
	TAILQ_ENTRY(job) q;		/* s->ready, when queued */
	bool		 queued;
	struct sched	*s;
	struct request	 req;		/* owned */
	int64_t		 seq;
	long		 page;		/* 1-based */
	long		 attempts;	/* of this page */
	long		 redirects;	/* of this attempt */
	bool		 hop;		/* next start continues an attempt */
	char		*hop_url;	/* owned: what the next start fetches,
					 * NULL = req.url */
	CURLU		*url;		/* owned: hop_url parsed, made lazily */
	char		*page_url;	/* owned: the page's URL, pages > 1 */
	const char	*method;	/* borrowed: req, cfg or "GET" */
	bool		 send_body;
	bool		 trusted;	/* -H headers go to this hop */
	char		*origin;	/* owned: origin of the request */
	char		*hostkey;	/* owned: --per-host key of this hop */
	struct xfer	*x;		/* running transfer */
	struct engine_timer *wait;	/* owned: retry backoff */
	int64_t		 page_start_us;
	int64_t		 attempt_start_us;
	long		 page_num;	/* --page-param value */
	uint64_t	*seen;		/* owned: hashes of page URLs */
	size_t		 nseen, seen_cap;
	/* --save */
	int		 save_fd;
	int		 save_errno;	/* why the last write failed */
	char		*save_tmp;	/* owned */
	EVP_MD_CTX	*sha;		/* owned */
};

TAILQ_HEAD(jobq, job);

struct host {
	char		*key;
	long		 n;
};

struct sched {
	const struct config *cfg;	/* borrowed */
	struct input	*in;		/* borrowed */
	struct output	*out;		/* borrowed */
	const struct resume_set *resume; /* borrowed */
	struct engine	*eng;		/* owned */
	struct jobq	 jobs;
	struct jobq	 ready;
	size_t		 njobs, nready, inflight;
	size_t		 max_jobs;	/* live jobs at most (sched_window) */
	int64_t		 next_seq;
	bool		 input_eof;
	bool		 watching;	/* waiting for the input fd */
	bool		 in_pump, again;
	bool		 finished;
	/* --rate */
	int64_t		 next_token_us;
	struct engine_timer *rate_timer;
	/* --per-host */
	struct host	*hosts;
	size_t		 nhosts;
	/* stops */
	enum err_kind	 stop_kind;	/* ERR_CANCELLED or ERR_DEADLINE */
	char		 stop_msg[96];
	int		 signal;
	bool		 out_gone;
	bool		 fail_fast_hit;	/* a record failed: stop in pump() */
	struct engine_timer *deadline;
	/* progress and stats */
	struct engine_timer *progress;
	bool		 show_progress;
	struct stats	 st;
	int64_t		 t0_us;
	bool		 need_tree;	/* pages need the parsed body */
	char		 err[256];
};

static void	pump(struct sched *);
static void	emit_request_error(struct sched *, struct request *,
		    int64_t seq, enum err_kind, const char *);
static void	stop_all(struct sched *, enum err_kind, const char *);

static bool
idempotent(const char *m)
{
	return m == NULL || strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
	    strcmp(m, "PUT") == 0 || strcmp(m, "DELETE") == 0 ||
	    strcmp(m, "OPTIONS") == 0 || strcmp(m, "TRACE") == 0;
}

/* The method a job's next request uses: NULL in j->method means the
 * default, GET, or POST when there is a body. */
static const char *
job_method(const struct job *j)
{
	return j->method ? j->method : j->send_body ? "POST" : "GET";
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* "scheme://host:port", lower case, or NULL. */
static char *
origin_of(CURLU *u)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *o = NULL;
	struct buf b = {0};
	size_t i;

	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK && buf_printf(&b, "%s://%s:%s", scheme, host, port) == 0) {
		for (i = 0; i < b.len; i++)
			if (b.data[i] >= 'A' && b.data[i] <= 'Z')
				b.data[i] = (char)(b.data[i] - 'A' + 'a');
		o = buf_steal(&b);
	}
	buf_free(&b);
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	return o;
}

static bool
is_https(const char *origin)
{
	return origin != NULL && strncmp(origin, "https:", 6) == 0;
}

/* --- per-host counts --- */

static struct host *
host_find(struct sched *s, const char *key, bool make)
{
	size_t i;
	struct host *h;

	for (i = 0; i < s->nhosts; i++)
		if (strcmp(s->hosts[i].key, key) == 0)
			return &s->hosts[i];
	if (!make)
		return NULL;
	for (i = 0; i < s->nhosts; i++)	/* reuse an idle entry */
		if (s->hosts[i].n == 0) {
			char *k = strdup(key);

			if (k == NULL)
				return NULL;
			free(s->hosts[i].key);
			s->hosts[i].key = k;
			return &s->hosts[i];
		}
	h = realloc(s->hosts, (s->nhosts + 1) * sizeof(*h));
	if (h == NULL)
		return NULL;
	s->hosts = h;
	h = &s->hosts[s->nhosts];
	if ((h->key = strdup(key)) == NULL)
		return NULL;
	h->n = 0;
	s->nhosts++;
	return h;
}

static bool
host_has_room(struct sched *s, struct job *j)
{
	struct host *h;

	if (s->cfg->per_host <= 0 || j->hostkey == NULL)
		return true;
	h = host_find(s, j->hostkey, false);
	return h == NULL || h->n < s->cfg->per_host;
}

static void
host_take(struct sched *s, struct job *j, long d)
{
	struct host *h;

	if (s->cfg->per_host <= 0 || j->hostkey == NULL)
		return;
	h = host_find(s, j->hostkey, d > 0);
	if (h != NULL)
		h->n += d;
}

/* --- jobs --- */

static void
save_discard(struct job *j)
{
	if (j->save_fd > 0)
		close(j->save_fd);
	j->save_fd = -1;
	if (j->save_tmp != NULL)
		unlink(j->save_tmp);
	free(j->save_tmp);
	j->save_tmp = NULL;
}

static void
job_free(struct job *j)
{
	struct sched *s;

	if (j == NULL)
		return;
	s = j->s;
	if (j->x != NULL) {
		engine_cancel(s->eng, j->x);
		j->x = NULL;
		s->inflight--;
		host_take(s, j, -1);
	}
	if (j->queued) {
		TAILQ_REMOVE(&s->ready, j, q);
		s->nready--;
	}
	TAILQ_REMOVE(&s->jobs, j, all);
	s->njobs--;
	engine_timer_free(j->wait);
	save_discard(j);
	EVP_MD_CTX_free(j->sha);
	curl_url_cleanup(j->url);
	free(j->hop_url);
	free(j->page_url);
	free(j->origin);
	free(j->hostkey);
	free(j->seen);
	request_clear(&j->req);
	free(j);
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

static int
remember_url(struct job *j, const char *url)
{
	uint64_t h = hash_str(url), *p;
	size_t i;

	for (i = 0; i < j->nseen; i++)
		if (j->seen[i] == h)
			return 1;
	if (j->nseen == j->seen_cap) {
		size_t cap = j->seen_cap ? j->seen_cap * 2 : 8;

		p = realloc(j->seen, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		j->seen = p;
		j->seen_cap = cap;
	}
	j->seen[j->nseen++] = h;
	return 0;
}

/* The URL the job's next start fetches. */
static const char *
job_url(const struct job *j)
{
	return j->hop_url != NULL ? j->hop_url : j->req.url;
}

/* That URL parsed (made on first use: most requests never need it), or
 * NULL when libcurl cannot parse it. */
static CURLU *
job_curlu(struct job *j)
{
	if (j->url == NULL && (j->url = curl_url()) != NULL &&
	    curl_url_set(j->url, CURLUPART_URL, job_url(j),
	    CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		curl_url_cleanup(j->url);
		j->url = NULL;
	}
	return j->url;
}

/* Point the job at u (owned now) for its next hop or page.  -1 if u
 * cannot be printed back (out of memory). */
static int
job_target(struct job *j, CURLU *u)
{
	const struct config *c = j->s->cfg;
	char *origin, *str = NULL;

	/* The request's own origin, found on the first move away from it. */
	if (j->origin == NULL && job_curlu(j) != NULL)
		j->origin = origin_of(j->url);
	if (curl_url_get(u, CURLUPART_URL, &str, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return -1;
	}
	free(j->hop_url);
	j->hop_url = strdup(str);
	curl_free(str);
	curl_url_cleanup(j->url);
	j->url = u;
	origin = origin_of(u);
	j->trusted = c->location_trusted || (origin != NULL &&
	    j->origin != NULL && strcmp(origin, j->origin) == 0);
	free(j->hostkey);
	j->hostkey = c->per_host > 0 ? origin : NULL;
	if (j->hostkey != origin)
		free(origin);
	return j->hop_url != NULL ? 0 : -1;
}

static struct job *
job_new(struct sched *s, struct request *r, int64_t seq)
{
	const struct config *c = s->cfg;
	struct job *j = calloc(1, sizeof(*j));
	CURLU *u;
	char *first = NULL;

	if (j == NULL)
		return NULL;
	j->s = s;
	j->req = *r;
	memset(r, 0, sizeof(*r));
	j->seq = seq;
	j->page = 1;
	j->save_fd = -1;
	j->method = j->req.method != NULL ? j->req.method : c->method;
	j->send_body = j->req.has_body || c->has_data;
	TAILQ_INSERT_TAIL(&s->jobs, j, all);
	s->njobs++;
	j->trusted = true;
	/* A URL libcurl cannot parse fails when its transfer starts. */
	if (c->per_host > 0 && job_curlu(j) != NULL)
		j->hostkey = origin_of(j->url);
	if (c->page != PAGE_NONE && (u = job_curlu(j)) != NULL) {
		if (curl_url_get(u, CURLUPART_URL, &first, 0) == CURLUE_OK)
			remember_url(j, first);
		curl_free(first);
	}
	if (c->page == PAGE_PARAM && (u = job_curlu(j)) != NULL) {
		char *v = paginate_get_param(u, c->page_param);
		long n;

		j->page_num = c->page_start;
		if (v != NULL && util_parse_long(v, -1000000000L, 1000000000L,
		    &n) == 0)
			j->page_num = n;
		else {
			char num[32], *str = NULL;

			snprintf(num, sizeof num, "%ld", j->page_num);
			if (paginate_set_param(u, c->page_param, num) == 0 &&
			    curl_url_get(u, CURLUPART_URL, &str, 0) ==
			    CURLUE_OK)
				j->hop_url = strdup(str);
			curl_free(str);
		}
		free(v);
	}
	return j;
}

/* --- records --- */

static void
count_record(struct sched *s, const struct record *r)
{
	struct stats *st = &s->st;

	st->records++;
	if (r->err == ERR_NONE)
		st->ok++;
	else
		st->by_kind[r->err < 20 ? r->err : 0]++;
	st->by_class[r->status >= 100 && r->status < 600 ? r->status / 100 :
	    0]++;
	if (r->size > 0)
		st->bytes += (uint64_t)r->size;
	if (r->time_ms >= 0 && r->status > 0)
		stats_add(st, r->time_ms);
}

/* Write one record of seq; then fail-fast and a closed output apply. */
static void
emit(struct sched *s, int64_t seq, const struct record *r)
{
	struct buf *b;

	if (s->out_gone)
		return;
	struct record m;

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
		record_encode(b, &m);
		r = &m;
	}
	output_end(s->out, seq);
	count_record(s, r);
	/* Stops are acted on in pump(), once the job that wrote this record
	 * is done with it: stopping here would cancel that very job. */
	if (output_state(s->out) != OUT_OK)
		s->out_gone = true;
	else if (r->err != ERR_NONE && s->cfg->fail_fast &&
	    s->stop_kind == ERR_NONE)
		s->fail_fast_hit = true;
}

/* The record of a request that got no response (yet): what every
 * record of it shares. */
static void
request_record(const struct sched *s, const struct request *rq,
    struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->index = rq->index;
	r->id_json = rq->id_json;
	r->url = rq->url;
	r->url_len = rq->url_len;
	r->method = rq->method ? rq->method : s->cfg->method ? s->cfg->method :
	    (rq->has_body || s->cfg->has_data) ? "POST" : "GET";
	r->size = -1;
	r->time_ms = -1;
	r->page = 1;
	r->with_headers = s->cfg->include_headers;
	r->body_enc = s->cfg->body == BODY_NONE ? BENC_NONE : BENC_MISSING;
	r->curl_code = -1;
}

static void
emit_request_error(struct sched *s, struct request *rq, int64_t seq,
    enum err_kind kind, const char *msg)
{
	struct record r;

	request_record(s, rq, &r);
	r.err = kind;
	r.errmsg = msg;
	emit(s, seq, &r);
	output_done(s->out, seq);
}

/* The shared part of every record of a job's current page. */
static void
page_record(struct job *j, struct record *r)
{
	request_record(j->s, &j->req, r);
	if (j->page > 1) {
		r->url = j->page_url;
		r->url_len = j->page_url ? strlen(j->page_url) : 0;
	}
	r->method = job_method(j);
	r->time_ms = j->page_start_us > 0 ?
	    (double)(util_now_us() - j->page_start_us) / 1000.0 : -1;
	r->attempts = j->attempts;
	r->page = j->page;
}

/* End a job with one error record (cancel, deadline, start failure). */
static void
job_fail(struct job *j, enum err_kind kind, const char *msg)
{
	struct sched *s = j->s;
	struct record r;
	int64_t seq = j->seq;

	page_record(j, &r);
	r.err = kind;
	r.errmsg = msg;
	emit(s, seq, &r);
	job_free(j);
	output_done(s->out, seq);
}

static void
stop_all(struct sched *s, enum err_kind kind, const char *msg)
{
	struct job *j;

	if (s->stop_kind == ERR_NONE) {
		s->stop_kind = kind;
		snprintf(s->stop_msg, sizeof s->stop_msg, "%s",
		    msg ? msg : "cancelled");
	}
	while ((j = TAILQ_FIRST(&s->jobs)) != NULL) {
		if (s->out_gone) {
			job_free(j);
			continue;
		}
		job_fail(j, s->stop_kind, s->stop_msg);
	}
}

/* --- starting transfers --- */

static int
save_sink(void *owner, const char *p, size_t n)
{
	struct job *j = owner;
	ssize_t w;

	j->save_errno = EIO;
	if (j->save_fd < 0 || EVP_DigestUpdate(j->sha, p, n) != 1)
		return -1;
	while (n > 0) {
		w = write(j->save_fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == -1)
				j->save_errno = errno;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The file name of this page's body (or its temporary name).  0 or -1
 * with errno set. */
static int
save_name(struct job *j, struct buf *b, bool tmp)
{
	const struct config *c = j->s->cfg;
	int rc;

	buf_reset(b);
	if (j->page > 1)
		rc = buf_printf(b, "%s/%s%lld.%ld%s", c->save_dir, tmp ? "." : "",
		    (long long)j->req.index, j->page, tmp ? ".part" : "");
	else
		rc = buf_printf(b, "%s/%s%lld%s", c->save_dir, tmp ? "." : "",
		    (long long)j->req.index, tmp ? ".part" : "");
	if (rc == -1 || b->data == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Open (or empty) the temporary file for this hop's body. */
static int
save_open(struct job *j)
{
	struct buf b = {0};

	if (j->sha == NULL && (j->sha = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(j->sha, EVP_sha256(), NULL) != 1)
		return -1;
	if (j->save_fd >= 0) {
		if (ftruncate(j->save_fd, 0) == -1 ||
		    lseek(j->save_fd, 0, SEEK_SET) == -1)
			return -1;
		return 0;
	}
	if (save_name(j, &b, true) == -1)
		return -1;
	j->save_fd = open(b.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644);
	if (j->save_fd < 0) {
		buf_free(&b);
		return -1;
	}
	j->save_tmp = buf_steal(&b);
	return 0;
}

static void
start_job(struct sched *s, struct job *j)
{
	const struct config *c = s->cfg;
	struct xfer_req r;
	int64_t now = util_now_us();
	char err[256];

	memset(&r, 0, sizeof(r));
	if (!j->hop) {
		j->attempts++;
		j->redirects = 0;
		j->attempt_start_us = now;
		if (j->attempts == 1)
			j->page_start_us = now;
	}
	j->hop = false;
	r.url = job_url(j);
	r.method = j->method;
	r.run_headers = j->trusted;
	if (j->trusted) {
		r.headers = j->req.headers;
		r.nheaders = j->req.nheaders;
	}
	if (j->send_body) {
		r.has_body = true;
		if (j->req.has_body) {
			r.body = j->req.body;
			r.body_len = j->req.body_len;
			r.body_json = j->req.body_json;
		} else {
			r.body = c->data;
			r.body_len = c->data_len;
		}
	}
	if (c->timeout_ms > 0) {
		r.timeout_ms = c->timeout_ms - (now - j->attempt_start_us) / 1000;
		if (r.timeout_ms <= 0) {
			job_fail(j, ERR_TIMEOUT, "timed out across redirects");
			return;
		}
	}
	r.keep_body = c->body != BODY_NONE || s->need_tree;
	if (c->save_dir != NULL) {
		if (save_open(j) == -1) {
			snprintf(err, sizeof err, "--save: cannot write in %s: "
			    "%s", c->save_dir, strerror(errno));
			job_fail(j, ERR_INPUT, err);
			return;
		}
		r.sink = save_sink;
		r.keep_body = s->need_tree;
	}
	j->x = engine_start(s->eng, &r, j, err, sizeof err);
	if (j->x == NULL) {
		job_fail(j, ERR_CONNECT, err);
		return;
	}
	s->inflight++;
	host_take(s, j, +1);
}

static void
rate_fired(void *arg)
{
	pump(arg);
}

/* May one more transfer start now (--rate)?  If not, arm the timer. */
static bool
rate_allows(struct sched *s)
{
	int64_t now;

	if (s->cfg->rate <= 0)
		return true;
	now = util_now_us();
	if (now < s->next_token_us) {
		if (!engine_timer_armed(s->rate_timer))
			engine_timer_arm(s->rate_timer,
			    (s->next_token_us - now + 999) / 1000);
		return false;
	}
	return true;
}

static void
rate_take(struct sched *s)
{
	int64_t now = util_now_us(), step;

	if (s->cfg->rate <= 0)
		return;
	step = (int64_t)(1e6 / s->cfg->rate);
	s->next_token_us = (s->next_token_us > now ? s->next_token_us : now) +
	    step;
}

static void
start_ready(struct sched *s)
{
	struct job *j, *next;

	for (j = TAILQ_FIRST(&s->ready); j != NULL && s->stop_kind ==
	    ERR_NONE && s->signal == 0 && !s->fail_fast_hit && !s->out_gone;
	    j = next) {
		next = TAILQ_NEXT(j, q);
		if (s->inflight >= (size_t)s->cfg->concurrency)
			break;
		if (!host_has_room(s, j))
			continue;
		if (!rate_allows(s))
			break;
		rate_take(s);
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
	pump(s);
}

static void
take_request(struct sched *s, struct request *r)
{
	const struct config *c = s->cfg;
	int64_t seq;
	struct job *j;

	if ((c->shard_n > 0 && r->index % c->shard_n != c->shard_k) ||
	    (s->resume != NULL && resume_done(s->resume, r->index))) {
		request_clear(r);
		return;
	}
	seq = s->next_seq++;
	if (r->err != ERR_NONE)
		emit_request_error(s, r, seq, r->err, r->errmsg);
	else if (s->stop_kind != ERR_NONE)
		emit_request_error(s, r, seq, s->stop_kind, s->stop_msg);
	else if ((j = job_new(s, r, seq)) == NULL)
		emit_request_error(s, r, seq, ERR_INPUT, "out of memory");
	else
		enqueue(s, j, false);
	request_clear(r);
}

static void
read_input(struct sched *s)
{
	struct request r;

	while (!s->input_eof && !s->watching && s->signal == 0 &&
	    !s->out_gone) {
		/* A slot must be free, and the jobs alive (waiting on a retry
		 * too) stay within the window, in either mode. */
		if (s->stop_kind == ERR_NONE &&
		    (s->inflight + s->nready >= (size_t)s->cfg->concurrency ||
		    s->njobs >= s->max_jobs))
			break;
		if (!output_admits(s->out, s->next_seq))
			break;
		if (s->fail_fast_hit)
			break;	/* pump() stops the run first */
		switch (input_next(s->in, &r)) {
		case INPUT_LINE:
			take_request(s, &r);
			start_ready(s);
			break;
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

static void
flush_when_idle(void *arg)
{
	struct sched *s = arg;

	if (output_flush(s->out) != OUT_OK && !s->out_gone) {
		s->out_gone = true;
		pump(s);
	}
}

static void
pump(struct sched *s)
{
	if (s->in_pump) {
		s->again = true;
		return;
	}
	s->in_pump = true;
	do {
		s->again = false;
		if (s->out_gone) {
			stop_all(s, ERR_CANCELLED, NULL);
			break;
		}
		if (s->fail_fast_hit) {
			s->fail_fast_hit = false;
			stop_all(s, ERR_CANCELLED,
			    "cancelled by --fail-fast after a failed record");
		}
		start_ready(s);
		read_input(s);
	} while (s->again || s->fail_fast_hit || s->out_gone);
	s->in_pump = false;
	if (s->finished)
		return;
	if (s->out_gone || s->signal != 0 ||
	    (s->input_eof && s->njobs == 0)) {
		s->finished = true;
		engine_stop(s->eng);
		return;
	}
	engine_when_idle(s->eng, flush_when_idle, s);
}

/* --- finishing a transfer --- */

static const char *
find_header(const char *h, size_t len, const char *name, size_t *vlen)
{
	const char *p = h, *end = h + len, *eol, *v;
	size_t nlen = strlen(name);

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) ==
		    0 && p[nlen] == ':') {
			v = p + nlen + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(eol - v);
			while (*vlen > 0 && (v[*vlen - 1] == '\r' ||
			    v[*vlen - 1] == ' '))
				(*vlen)--;
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

/* Retry-After in ms: seconds or an HTTP date (past = 0); -1 if absent. */
static int64_t
retry_after_ms(const struct xfer_res *res)
{
	size_t n;
	const char *v = find_header(res->headers, res->headers_len,
	    "Retry-After", &n);
	char tmp[128];
	long secs;
	time_t when;

	if (v == NULL || n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	if (util_parse_long(tmp, 0, 1000000000L, &secs) == 0)
		return (int64_t)secs * 1000;
	when = curl_getdate(tmp, NULL);
	if (when == -1)
		return -1;
	when -= time(NULL);
	return when <= 0 ? 0 : (int64_t)when * 1000;
}

static void
retry_fired(void *arg)
{
	struct job *j = arg;

	enqueue(j->s, j, true);
	pump(j->s);
}

/* Should this outcome be retried, and after how long?  -1: no. */
static int64_t
retry_wait(struct job *j, const struct xfer_res *res, enum err_kind kind)
{
	const struct config *c = j->s->cfg;
	int64_t ra, cap, base;
	long st = res->status;

	if (j->attempts > c->retries || !idempotent(job_method(j)))
		return -1;
	if (kind != ERR_CONNECT && kind != ERR_TIMEOUT && !(kind == ERR_HTTP &&
	    (st == 429 || st == 502 || st == 503 || st == 504)))
		return -1;
	ra = kind == ERR_HTTP ? retry_after_ms(res) : -1;
	if (ra >= 0)
		return ra > c->retry_max_wait_ms ? -1 : ra;
	/* Exponential backoff with full jitter. */
	base = c->retry_delay_ms;
	cap = c->retry_max_wait_ms;
	for (long k = 1; k < j->attempts && base < cap; k++)
		base *= 2;
	if (base > cap)
		base = cap;
	return base > 0 ? (int64_t)(arc4random_uniform((uint32_t)
	    (base > 0x7fffffff ? 0x7fffffff : base) + 1)) : 0;
}

/* Classify a finished transfer: the error kind and its message. */
static enum err_kind
result_kind(const struct job *j, const struct xfer_res *res, char *msg,
    size_t len)
{
	enum err_kind k;

	if (res->too_large) {
		snprintf(msg, len, "body larger than --max-body");
		return ERR_BODY_TOO_LARGE;
	}
	if (res->headers_too_large) {
		snprintf(msg, len, "response headers too large (more than "
		    "1000 lines or 256 KiB)");
		return ERR_PROTOCOL;
	}
	if (res->conflicting_length) {
		snprintf(msg, len, "conflicting Content-Length headers");
		return ERR_PROTOCOL;
	}
	if (res->sink_failed) {
		snprintf(msg, len, "--save: cannot write the body: %s",
		    strerror(j->save_errno));
		return ERR_INPUT;
	}
	if (res->curl_code != 0) {
		k = (enum err_kind)engine_error_kind(res->curl_code,
		    res->errbuf);
		if (k == ERR_PROTOCOL && res->curl_code == 27 && res->status > 0)
			/* 7.88's word for a header line over 100 KB */
			snprintf(msg, len, "a response header is too large "
			    "(libcurl: %s)", engine_strerror(res->curl_code));
		else
			snprintf(msg, len, "%s", res->errbuf && *res->errbuf ?
			    res->errbuf : engine_strerror(res->curl_code));
		return k;
	}
	if (res->status >= 400) {
		snprintf(msg, len, "HTTP status %ld", res->status);
		return ERR_HTTP;
	}
	return ERR_NONE;
}

/* Follow a redirect: 0 when the job is ready for its next hop, or an
 * error kind with msg filled. */
static enum err_kind
follow(struct job *j, const struct xfer_res *res, char *msg, size_t len)
{
	const struct config *c = j->s->cfg;
	CURLU *u;
	char *scheme = NULL, *from = NULL, *to = NULL;
	enum err_kind k = ERR_NONE;

	if (j->redirects >= c->max_redirs) {
		snprintf(msg, len, "more than %ld redirects", c->max_redirs);
		return ERR_TOO_MANY_REDIRECTS;
	}
	if (job_curlu(j) == NULL) {
		snprintf(msg, len, "the URL does not parse");
		return ERR_INVALID_URL;
	}
	u = paginate_resolve(j->url, res->redirect_url, msg, len);
	if (u == NULL)
		return ERR_INVALID_URL;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
		snprintf(msg, len, "redirect to a scheme that is not fetched: "
		    "%.60s", scheme ? scheme : "?");
		k = ERR_UNSUPPORTED_PROTOCOL;
		goto out;
	}
	from = origin_of(j->url);
	to = origin_of(u);
	if (!c->location_trusted && is_https(from) && !is_https(to)) {
		snprintf(msg, len, "redirect from https to http refused "
		    "(--location-trusted allows it)");
		k = ERR_UNSUPPORTED_PROTOCOL;
		goto out;
	}
	j->redirects++;
	/* As browsers and curl: 303 turns into GET, and so do 301 and 302
	 * after a POST; 307 and 308 keep the method and the body. */
	if ((res->status == 303 && strcmp(job_method(j), "HEAD") != 0) ||
	    ((res->status == 301 || res->status == 302) &&
	    strcmp(job_method(j), "POST") == 0)) {
		j->method = "GET";
		j->send_body = false;
	}
	if (job_target(j, u) == -1) {
		u = NULL;
		snprintf(msg, len, "out of memory");
		k = ERR_INPUT;
		goto out;
	}
	u = NULL;
	j->hop = true;
out:
	curl_url_cleanup(u);
	curl_free(scheme);
	free(from);
	free(to);
	return k;
}

/* Fill a record's body fields from a response. */
static void
record_body(struct sched *s, struct record *r, const struct xfer_res *res,
    int is_json, char *msg, size_t len)
{
	bool not_json;

	if (s->cfg->save_dir != NULL)
		return;
	r->body = res->body;
	r->body_len = res->body_len;
	r->body_enc = (enum body_enc)record_classify(s->cfg->body, res->body,
	    res->body_len, is_json, &not_json);
	if (not_json && r->err == ERR_NONE) {
		r->err = ERR_DECODE;
		snprintf(msg, len, "body is not JSON (--body json)");
		r->errmsg = msg;
	}
}

/* Finish --save for this page: rename into place, fill the record.  A
 * body that cannot be finished makes the record an error: it must not
 * look saved, nor vanish without a word. */
static void
save_finish(struct job *j, struct record *r, struct buf *path, char *hex,
    char *msg, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int fd = j->save_fd;

	if (fd < 0 || j->save_tmp == NULL)
		return;
	j->save_fd = -1;
	if (EVP_DigestFinal_ex(j->sha, md, &n) != 1 || close(fd) == -1 ||
	    save_name(j, path, false) == -1 ||
	    rename(j->save_tmp, path->data) == -1) {
		snprintf(msg, len, "--save: cannot finish the file: %s",
		    strerror(errno));
		save_discard(j);
		r->err = ERR_INPUT;
		r->errmsg = msg;
		return;
	}
	free(j->save_tmp);
	j->save_tmp = NULL;
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	r->saved = path->data;
	r->sha256 = hex;
}

/* After a good page: where does the chain go next?  Returns the next
 * URL (owned CURLU *), or NULL with *perr/msg set if the chain fails
 * (ERR_NONE: it simply ends). */
static CURLU *
next_page(struct job *j, const struct xfer_res *res, const cJSON *tree,
    long nitems, enum err_kind *perr, char *msg, size_t len)
{
	const struct config *c = j->s->cfg;
	const cJSON *v;
	char *ref = NULL, *str = NULL;
	CURLU *u = NULL;
	bool bad;
	char num[32];

	*perr = ERR_NONE;
	if (nitems == 0 || j->page >= c->max_pages || c->page == PAGE_NONE)
		return NULL;
	if (job_curlu(j) == NULL) {
		snprintf(msg, len, "the page URL does not parse");
		*perr = ERR_PAGINATION;
		return NULL;
	}
	switch (c->page) {
	case PAGE_NONE:
		return NULL;
	case PAGE_LINK:
		ref = paginate_link_next(res->headers, res->headers_len);
		if (ref == NULL)
			return NULL;
		u = paginate_resolve(j->url, ref, msg, len);
		break;
	case PAGE_FIELD:
		v = tree ? paginate_pointer(tree, c->next_field, &bad) : NULL;
		if (tree == NULL) {
			snprintf(msg, len, "--next-field: the body is not JSON");
			*perr = ERR_PAGINATION;
			return NULL;
		}
		if (v == NULL || cJSON_IsNull(v) || (cJSON_IsString(v) &&
		    *v->valuestring == '\0'))
			return NULL;
		if (!cJSON_IsString(v)) {
			snprintf(msg, len, "--next-field %s is not a string",
			    c->next_field);
			*perr = ERR_PAGINATION;
			return NULL;
		}
		u = paginate_resolve(j->url, v->valuestring, msg, len);
		break;
	case PAGE_PARAM:
		if (nitems < 0) {
			snprintf(msg, len, "--page-param: no items to count "
			    "(give --items, or the body must be an array)");
			*perr = ERR_PAGINATION;
			return NULL;
		}
		u = curl_url_dup(j->url);
		snprintf(num, sizeof num, "%ld", j->page_num + 1);
		if (u == NULL || paginate_set_param(u, c->page_param, num) ==
		    -1) {
			snprintf(msg, len, "out of memory");
			*perr = ERR_INPUT;
			curl_url_cleanup(u);
			return NULL;
		}
		break;
	case PAGE_CURSOR:
		if (tree == NULL) {
			snprintf(msg, len, "--cursor-field: the body is not "
			    "JSON");
			*perr = ERR_PAGINATION;
			return NULL;
		}
		v = paginate_pointer(tree, c->cursor_field, &bad);
		if (v == NULL || cJSON_IsNull(v) || (cJSON_IsString(v) &&
		    *v->valuestring == '\0'))
			return NULL;
		if (cJSON_IsString(v))
			str = strdup(v->valuestring);
		else if (cJSON_IsNumber(v))
			str = json_print(v);
		else {
			snprintf(msg, len, "--cursor-field %s is not a string "
			    "or number", c->cursor_field);
			*perr = ERR_PAGINATION;
			return NULL;
		}
		u = curl_url_dup(j->url);
		if (u == NULL || str == NULL ||
		    paginate_set_param(u, c->cursor_param, str) == -1) {
			snprintf(msg, len, "out of memory");
			*perr = ERR_INPUT;
			curl_url_cleanup(u);
			u = NULL;
		}
		free(str);
		return u;
	}
	free(ref);
	if (u == NULL && *perr == ERR_NONE)
		*perr = ERR_PAGINATION;
	return u;
}

/* A page is done (no retry, no redirect): write its records and either
 * move the chain to its next page or end the job. */
static void
complete_page(struct job *j, const struct xfer_res *res, enum err_kind kind,
    char *msg)
{
	struct sched *s = j->s;
	const struct config *c = s->cfg;
	struct record r;
	cJSON *tree = NULL;
	const cJSON *items = NULL, *it;
	long nitems = -1, k;
	enum err_kind chain_err = ERR_NONE;
	char chain_msg[256] = "", body_msg[64], hex[2 * EVP_MAX_MD_SIZE + 1];
	char save_msg[128], shown[160];
	struct buf path = {0};
	CURLU *next = NULL;
	char *next_url = NULL;	/* owned until it becomes j->page_url */
	bool bad;
	int64_t seq = j->seq;

	page_record(j, &r);
	r.final_url = res->effective_url;
	r.err = kind;
	r.errmsg = kind != ERR_NONE ? msg : NULL;
	if (res->status > 0) {
		r.status = res->status;
		r.http_version = res->http_version;
		r.content_type = res->content_type;
		r.size = res->size;
		r.headers = res->headers;
		r.headers_len = res->headers_len;
	}
	if (res->curl_code != 0)
		r.curl_code = res->curl_code;

	/* A page's values are read with cJSON, once the body is known to be
	 * strict JSON (cJSON alone would take a JSON prefix, or a BOM). */
	if (s->need_tree && kind == ERR_NONE && res->body_len > 0 &&
	    utf8_valid(res->body, res->body_len) &&
	    json_parses(res->body, res->body_len))
		tree = cJSON_ParseWithLength(res->body, res->body_len);
	if (res->status > 0 && kind != ERR_BODY_TOO_LARGE)
		record_body(s, &r, res, s->need_tree && kind == ERR_NONE &&
		    res->body_len > 0 ? (tree != NULL) : -1, body_msg,
		    sizeof body_msg);
	if (c->save_dir != NULL && res->status > 0 && (r.err == ERR_NONE ||
	    r.err == ERR_HTTP))
		save_finish(j, &r, &path, hex, save_msg, sizeof save_msg);
	else
		save_discard(j);

	if (r.err == ERR_NONE && s->need_tree) {
		if (c->items != NULL) {
			items = tree ? paginate_pointer(tree, c->items, &bad) :
			    NULL;
			if (tree == NULL || (items != NULL &&
			    !cJSON_IsArray(items))) {
				chain_err = ERR_PAGINATION;
				snprintf(chain_msg, sizeof chain_msg,
				    "--items %s is not an array", c->items);
				items = NULL;
			} else
				nitems = items ? cJSON_GetArraySize(items) : 0;
		} else if (cJSON_IsArray(tree)) {
			items = tree;
			nitems = cJSON_GetArraySize(items);
		}
		if (chain_err == ERR_NONE)
			next = next_page(j, res, tree, nitems, &chain_err,
			    chain_msg, sizeof chain_msg);
	}
	if (next != NULL) {
		char *s_next = NULL;

		if (curl_url_get(next, CURLUPART_URL, &s_next, 0) == CURLUE_OK)
			next_url = strdup(s_next);
		if (next_url == NULL || remember_url(j, next_url) != 0) {
			/* The error record names the looping URL. */
			chain_err = ERR_PAGINATION;
			url_redact_str(next_url, shown, sizeof shown);
			snprintf(chain_msg, sizeof chain_msg,
			    "next URL already fetched in this chain: %s", shown);
			curl_url_cleanup(next);
			next = NULL;
		}
		curl_free(s_next);
	}

	if (c->flatten && items != NULL && r.err == ERR_NONE) {
		struct record ir = r;

		ir.body_enc = BENC_NONE;
		ir.saved = NULL;
		k = 0;
		cJSON_ArrayForEach(it, items) {
			char *txt = json_print(it);

			ir.item = txt ? txt : "null";
			ir.item_index = k++;
			emit(s, seq, &ir);
			free(txt);
			if (s->out_gone || s->stop_kind != ERR_NONE)
				break;
		}
	} else
		emit(s, seq, &r);
	cJSON_Delete(tree);
	buf_free(&path);
	/* emit may have stopped the run, which ends every job. */
	if (s->out_gone || s->stop_kind != ERR_NONE) {
		curl_url_cleanup(next);
		free(next_url);
		return;
	}
	/* Records of the next page (or of the chain's error) name it; an
	 * error with no next URL names the page it came from. */
	if (next_url != NULL) {
		free(j->page_url);
		j->page_url = next_url;
	} else if (j->page == 1 && j->req.url != NULL) {
		free(j->page_url);
		j->page_url = strdup(j->req.url);
	}
	if (chain_err != ERR_NONE) {
		j->page++;
		j->attempts = 0;
		j->page_start_us = 0;
		curl_url_cleanup(next);
		job_fail(j, chain_err, chain_msg);
		return;
	}
	if (next == NULL) {
		job_free(j);
		output_done(s->out, seq);
		return;
	}
	/* The next page: same method, headers and body, unless the method
	 * is not idempotent, in which case it becomes a GET without body. */
	j->page++;
	j->attempts = 0;
	j->page_start_us = 0;
	if (!idempotent(job_method(j))) {
		j->method = "GET";
		j->send_body = false;
	}
	if (c->page == PAGE_PARAM)
		j->page_num++;
	if (job_target(j, next) == -1) {
		job_fail(j, ERR_INPUT, "out of memory");
		return;
	}
	enqueue(s, j, true);
}

static void
transfer_done(void *owner, struct xfer *x, const struct xfer_res *res)
{
	struct job *j = owner;
	struct sched *s = j->s;
	char msg[CURL_ERROR_SIZE + 64];
	enum err_kind kind;
	int64_t wait;

	j->x = NULL;
	s->inflight--;
	host_take(s, j, -1);
	kind = result_kind(j, res, msg, sizeof msg);
	if (kind == ERR_NONE && s->cfg->location && res->redirect_url != NULL &&
	    (res->status == 301 || res->status == 302 || res->status == 303 ||
	    res->status == 307 || res->status == 308)) {
		kind = follow(j, res, msg, sizeof msg);
		if (kind == ERR_NONE) {
			enqueue(s, j, true);
			pump(s);
			return;
		}
	}
	wait = retry_wait(j, res, kind);
	if (wait >= 0) {
		if (j->wait == NULL)
			j->wait = engine_timer_new(s->eng, retry_fired, j);
		if (j->wait != NULL) {
			save_discard(j);
			engine_timer_arm(j->wait, wait);
			pump(s);
			return;
		}
	}
	complete_page(j, res, kind, msg);
	pump(s);
}

/* --- signals, deadline, progress --- */

static void
on_signal(void *arg, int signo)
{
	struct sched *s = arg;
	char msg[64];

	if (s->signal != 0)
		_exit(128 + signo);	/* a second signal: at once */
	s->signal = signo;
	snprintf(msg, sizeof msg, "interrupted by %s",
	    signo == SIGINT ? "SIGINT" : "SIGTERM");
	stop_all(s, ERR_CANCELLED, msg);
	pump(s);
}

static void
deadline_fired(void *arg)
{
	struct sched *s = arg;
	char msg[96];

	snprintf(msg, sizeof msg, "--deadline of %.3fs reached",
	    (double)s->cfg->deadline_ms / 1000.0);
	stop_all(s, ERR_DEADLINE, msg);
	pump(s);
}

static void
progress_fired(void *arg)
{
	struct sched *s = arg;
	double el = (double)(util_now_us() - s->t0_us) / 1e6;
	char line[160];
	int n;

	n = snprintf(line, sizeof line, "\r\033[K%llu done, %zu running, "
	    "%llu failed, %.0f/s", (unsigned long long)s->st.records,
	    s->inflight, (unsigned long long)(s->st.records - s->st.ok),
	    el > 0 ? (double)s->st.records / el : 0.0);
	if (n > 0 && write(2, line, (size_t)n) < 0)
		s->show_progress = false;
	if (s->show_progress)
		engine_timer_arm(s->progress, 250);
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
	TAILQ_INIT(&s->jobs);
	TAILQ_INIT(&s->ready);
	s->need_tree = c->page != PAGE_NONE || c->items != NULL || c->flatten;
	s->max_jobs = sched_window(c);
	/* every job may wait on a retry timer, plus the run's own timers */
	s->eng = engine_new(c, s->max_jobs + 16, transfer_done, err, errlen);
	if (s->eng == NULL)
		goto fail;
	s->rate_timer = engine_timer_new(s->eng, rate_fired, s);
	s->deadline = engine_timer_new(s->eng, deadline_fired, s);
	s->progress = engine_timer_new(s->eng, progress_fired, s);
	if (s->rate_timer == NULL || s->deadline == NULL ||
	    s->progress == NULL || engine_on_signals(s->eng, on_signal, s) ==
	    -1) {
		snprintf(err, errlen, "cannot set up timers: out of memory");
		goto fail;
	}
	output_set_interrupt(out, engine_signal_flag());
	if (engine_notice(s->eng) != NULL && !c->quiet)
		fprintf(stderr, "volley: warning: %s\n", engine_notice(s->eng));
	s->show_progress = !c->quiet && (c->progress == PROGRESS_ON ||
	    (c->progress == PROGRESS_AUTO && isatty(2)));
	return s;
fail:
	sched_free(s);
	return NULL;
}

void
sched_run(struct sched *s, struct sched_outcome *o)
{
	s->t0_us = util_now_us();
	if (s->cfg->deadline_ms > 0)
		engine_timer_arm(s->deadline, s->cfg->deadline_ms);
	if (s->show_progress)
		engine_timer_arm(s->progress, 250);
	pump(s);
	if (!s->finished)
		engine_loop(s->eng);
	if (s->show_progress && write(2, "\r\033[K", 4) < 0)
		s->show_progress = false;
	s->st.elapsed_s = (double)(util_now_us() - s->t0_us) / 1e6;
	/* A signal can end the run through a write it interrupted, before
	 * the loop has read it from the signal pipe. */
	if (s->signal == 0 && *engine_signal_flag() != 0)
		s->signal = *engine_signal_flag();
	memset(o, 0, sizeof(*o));
	o->signal = s->signal;
	o->stopped = s->stop_kind != ERR_NONE && s->signal == 0 &&
	    !s->out_gone;
	o->out = output_finish(s->out);
	o->out_errno = output_errno(s->out);
	o->records = s->st.records;
	o->failed = s->st.records - s->st.ok;
}

void
sched_print_stats(const struct sched *s, bool json)
{
	stats_print(&s->st, json);
}

void
sched_free(struct sched *s)
{
	size_t i;

	if (s == NULL)
		return;
	while (!TAILQ_EMPTY(&s->jobs))
		job_free(TAILQ_FIRST(&s->jobs));
	engine_timer_free(s->rate_timer);
	engine_timer_free(s->deadline);
	engine_timer_free(s->progress);
	engine_free(s->eng);
	for (i = 0; i < s->nhosts; i++)
		free(s->hosts[i].key);
	free(s->hosts);
	free(s);
}

size_t
sched_window(const struct config *c)
{
	size_t w = (size_t)c->concurrency * 4;

	return w < 64 ? 64 : w;
}

/* --- --resume --- */

static int
bit_set(uint64_t **bits, size_t *words, int64_t i)
{
	size_t w = (size_t)i / 64;

	if (w >= *words) {
		size_t n = w + 1 > *words * 2 ? w + 1 : *words * 2;
		uint64_t *p = realloc(*bits, n * sizeof(*p));

		if (p == NULL)
			return -1;
		memset(p + *words, 0, (n - *words) * sizeof(*p));
		*bits = p;
		*words = n;
	}
	(*bits)[w] |= 1ULL << (i % 64);
	return 0;
}

int
resume_load(struct resume_set *rs, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, okw = 0, badw = 0;
	ssize_t n;

	memset(rs, 0, sizeof(*rs));
	if (f == NULL)
		return errno == ENOENT ? 0 : (snprintf(err, errlen, "%s: %s",
		    path, strerror(errno)), -1);
	snprintf(err, errlen, "%s: out of memory", path);
	while ((n = getline(&line, &cap, f)) != -1) {
		cJSON *j = cJSON_ParseWithLength(line, (size_t)n);
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(j, "index");
		const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "ok");

		/* A torn last line (a crash mid-write) is simply ignored. */
		if (cJSON_IsNumber(idx) && idx->valuedouble >= 0 &&
		    idx->valuedouble < 1e15) {
			int64_t i = (int64_t)idx->valuedouble;

			if (bit_set(cJSON_IsTrue(ok) ? &rs->ok : &rs->bad,
			    cJSON_IsTrue(ok) ? &okw : &badw, i) == -1) {
				cJSON_Delete(j);
				snprintf(err, errlen, "%s: out of memory", path);
				free(line);
				fclose(f);
				return -1;
			}
		}
		cJSON_Delete(j);
	}
	free(line);
	fclose(f);
	rs->words = okw;
	/* bad may be shorter or longer; pad to the same length */
	if (badw < okw) {
		uint64_t *p = realloc(rs->bad, okw * sizeof(*p));

		if (p == NULL && okw > 0)
			return -1;
		if (okw > 0)
			memset(p + badw, 0, (okw - badw) * sizeof(*p));
		rs->bad = p;
	}
	return 0;
}

bool
resume_done(const struct resume_set *rs, int64_t i)
{
	size_t w = (size_t)i / 64;
	uint64_t m = 1ULL << (i % 64);

	return w < rs->words && (rs->ok[w] & m) && !(rs->bad[w] & m);
}

void
resume_free(struct resume_set *rs)
{
	free(rs->ok);
	free(rs->bad);
	memset(rs, 0, sizeof(*rs));
}
