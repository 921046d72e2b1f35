/* engine — one event_base, one curl multi handle, driven through the
 * multi-socket API: libcurl tells us which sockets to watch (socket_cb)
 * and when to wake it (timer_cb); libevent tells libcurl what happened
 * (curl_multi_socket_action).  After every action the finished transfers
 * are drained with curl_multi_info_read and reported through done().
 *
 * Three tiers of state, as in curl's multi-event.c: the engine, one
 * struct xfer per easy handle (reused from a pool, reached through
 * CURLOPT_PRIVATE) and one struct sock per socket (curl_multi_assign,
 * freed on CURL_POLL_REMOVE). */
#include "engine.h"
#include "record.h"
#include "util.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A response with more header lines or bytes than this is refused. */
#define MAX_HEADER_LINES	1000
#define MAX_HEADER_BYTES	(256u << 10)
/* Body buffers larger than this are freed between transfers. */
#define KEEP_BUF_BYTES		(256u << 10)

struct xfer {
	struct engine	*e;
	CURL		*easy;
	void		*owner;		/* NULL while idle; borrowed */
	bool		 running;
	struct curl_slist *slist;	/* owned; per-request headers */
	struct buf	 body;
	struct buf	 hdr;
	unsigned	 hdr_lines;
	int64_t		 received;
	uint64_t	 max_body;
	bool		 keep_body;
	bool		 too_large;
	bool		 headers_too_large;
	bool		 conflicting_length;
	bool		 sink_failed;
	int64_t		 content_length;	/* -1 until a header gives it */
	int		(*sink)(void *, const char *, size_t);
	char		 err[CURL_ERROR_SIZE];
};

struct sock {
	struct event	*ev;
	struct engine	*e;
};

struct engine_timer {
	struct event	*ev;
	void		(*cb)(void *);
	void		*arg;
};

struct engine {
	struct event_base *base;	/* owned */
	const struct config *cfg;	/* borrowed */
	CURLM		*multi;
	CURLSH		*share;
	struct event	*timer;
	engine_done_fn	 done;
	struct xfer	**all;		/* every xfer made; owned */
	size_t		 nall;
	struct xfer	**pool;		/* idle xfers: a stack into all */
	size_t		 npool;
	struct curl_slist *run_headers;	/* -H, --json's, User-Agent */
	struct curl_slist *safe_headers; /* --json's, User-Agent */
	bool		 h2c_no_reuse;	/* curl#10634 workaround */
	bool		 env_proxy;	/* a *_proxy variable is set */
	bool		 ua_header;	/* User-Agent goes in the lists */
	struct event	*watch;		/* input fd readable */
	void		(*watch_cb)(void *);
	void		*watch_arg;
	struct event	*idle;		/* lowest priority */
	void		(*idle_cb)(void *);
	void		*idle_arg;
	struct event	*sigint;	/* the signal pipe */
	void		(*sig_cb)(void *, int);
	void		*sig_arg;
};

/* Three priorities: 0 for signals, 1 (libevent's default for 3) for all
 * I/O and timers, 2 for the idle callback, which so runs only when
 * nothing else is ready. */
#define PRIO_SIGNAL	0
#define PRIO_IDLE	2

static void	check_done(struct engine *);

static void
event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	int running = 0;
	int flags = (what & EV_READ ? CURL_CSELECT_IN : 0) |
	    (what & EV_WRITE ? CURL_CSELECT_OUT : 0);

	curl_multi_socket_action(e->multi, fd, flags, &running);
	check_done(e);
}

static void
timer_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	int running = 0;

	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(e);
}

/* CURLMOPT_TIMERFUNCTION: only (re)arm our timer; never call libcurl. */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct engine *e = userp;
	struct timeval tv;

	if (timeout_ms < 0) {
		evtimer_del(e->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(e->timer, &tv);
	return 0;
}

/* CURLMOPT_SOCKETFUNCTION. */
static int
socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct engine *e = userp;
	struct sock *sk = socketp;
	short kind;

	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			if (sk->ev != NULL)
				event_free(sk->ev);
			free(sk);
		}
		return 0;
	}
	/* Out of memory here, the socket goes unwatched and its transfer
	 * ends at its timeout.  Returning -1 instead would make 7.88 abort
	 * every transfer, and it can crash doing so. */
	kind = (short)(EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
	    (what & CURL_POLL_OUT ? EV_WRITE : 0));
	if (sk == NULL) {
		sk = calloc(1, sizeof(*sk));
		if (sk == NULL)
			return 0;
		sk->e = e;
		curl_multi_assign(e->multi, s, sk);
	} else if (sk->ev != NULL) {
		event_free(sk->ev);
		sk->ev = NULL;
	}
	sk->ev = event_new(e->base, s, kind, event_cb, e);
	if (sk->ev != NULL && event_add(sk->ev, NULL) == -1) {
		event_free(sk->ev);
		sk->ev = NULL;
	}
	return 0;
}

static size_t
write_cb(char *p, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nmemb;

	if ((uint64_t)x->received + n > x->max_body) {
		x->too_large = true;
		return 0;
	}
	x->received += (int64_t)n;
	if (x->sink != NULL && x->sink(x->owner, p, n) == -1) {
		x->sink_failed = true;
		return 0;
	}
	if (x->keep_body && buf_add(&x->body, p, n) == -1)
		return 0;
	return n;
}

static size_t
header_cb(char *p, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nmemb;

	/* A new status line starts a new response (1xx, then the real one). */
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		buf_reset(&x->hdr);
		x->hdr_lines = 0;
		x->content_length = -1;
	}
	if (++x->hdr_lines > MAX_HEADER_LINES ||
	    x->hdr.len + n > MAX_HEADER_BYTES) {
		x->headers_too_large = true;
		return 0;
	}
	/* libcurl 7.88 takes the last of several Content-Length headers;
	 * RFC 9112 says differing ones make the response invalid. */
	if (n > 15 && strncasecmp(p, "content-length:", 15) == 0) {
		char tmp[32];
		size_t k = 0, i = 15;
		long long v;

		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
		while (i < n && k + 1 < sizeof tmp && p[i] >= '0' &&
		    p[i] <= '9')
			tmp[k++] = p[i++];
		tmp[k] = '\0';
		v = k > 0 ? strtoll(tmp, NULL, 10) : -2;
		if (x->content_length != -1 && x->content_length != v) {
			x->conflicting_length = true;
			return 0;
		}
		x->content_length = v;
	}
	if (buf_add(&x->hdr, p, n) == -1)
		return 0;
	return n;
}

static struct curl_slist *
slist_add(struct curl_slist *l, const char *s, bool *failed)
{
	struct curl_slist *n = curl_slist_append(l, s);

	if (n == NULL)
		*failed = true;
	return n != NULL ? n : l;
}

/* The name part of "Name: value" or "Name;" */
static size_t
header_name_len(const char *h)
{
	return strcspn(h, ":;");
}

static bool
has_header(char *const *list, size_t n, const char *name, size_t nlen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (header_name_len(list[i]) == nlen &&
		    strncasecmp(list[i], name, nlen) == 0)
			return true;
	return false;
}

static bool
slist_has(const struct curl_slist *l, const char *name, size_t nlen)
{
	for (; l != NULL; l = l->next)
		if (header_name_len(l->data) == nlen &&
		    strncasecmp(l->data, name, nlen) == 0)
			return true;
	return false;
}

static int
setup_easy(struct engine *e, CURL *h)
{
	const struct config *c = e->cfg;
	CURLcode rc = CURLE_OK;

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);	/* the scheduler follows */
	if (!e->ua_header)
		SET(CURLOPT_USERAGENT, c->user_agent);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
	SET(CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->cacert != NULL)
		SET(CURLOPT_CAINFO, c->cacert);
	if (c->proxy != NULL)
		SET(CURLOPT_PROXY, c->proxy);
	else if (!e->env_proxy) {
		/* no proxy: skip libcurl's per-transfer environment lookups */
		SET(CURLOPT_PROXY, "");
		SET(CURLOPT_NOPROXY, "");
	}
	if (c->compressed)
		SET(CURLOPT_ACCEPT_ENCODING, "");
	switch (c->http) {
	case HTTPV_1_1:
		SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
		break;
	case HTTPV_2:
		SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_0);
		break;
	case HTTPV_2_PRIOR:
		SET(CURLOPT_HTTP_VERSION,
		    (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
		break;
	case HTTPV_DEFAULT:
		break;
	}
	if (e->h2c_no_reuse)
		SET(CURLOPT_FORBID_REUSE, 1L);
	SET(CURLOPT_QUICK_EXIT, 1L);
	SET(CURLOPT_SHARE, e->share);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_HEADERFUNCTION, header_cb);
	if (c->max_body < (uint64_t)INT64_MAX)
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
#undef SET
	return rc == CURLE_OK ? 0 : -1;
}

static struct xfer *
xfer_get(struct engine *e)
{
	struct xfer *x, **p;

	if (e->npool > 0)
		return e->pool[--e->npool];
	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return NULL;
	x->e = e;
	x->easy = curl_easy_init();
	p = realloc(e->all, (e->nall + 1) * sizeof(*p));
	if (x->easy == NULL || p == NULL || setup_easy(e, x->easy) == -1) {
		if (p != NULL)
			e->all = p;
		curl_easy_cleanup(x->easy);
		free(x);
		return NULL;
	}
	e->all = p;
	p = realloc(e->pool, (e->nall + 1) * sizeof(*p));
	if (p == NULL) {
		curl_easy_cleanup(x->easy);
		free(x);
		return NULL;
	}
	e->pool = p;
	e->all[e->nall++] = x;
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->err);
	return x;
}

static void
xfer_put(struct engine *e, struct xfer *x)
{
	x->owner = NULL;
	x->running = false;
	curl_slist_free_all(x->slist);
	x->slist = NULL;
	if (x->body.cap > KEEP_BUF_BYTES)
		buf_free(&x->body);
	if (x->hdr.cap > KEEP_BUF_BYTES)
		buf_free(&x->hdr);
	e->pool[e->npool++] = x;
}

struct xfer *
engine_start(struct engine *e, const struct xfer_req *r, void *owner,
    char *err, size_t errlen)
{
	struct xfer *x = xfer_get(e);
	CURL *h;
	struct curl_slist *hl;
	bool failed = false;
	CURLcode rc = CURLE_OK;
	CURLMcode mc;
	size_t i;

	if (x == NULL) {
		snprintf(err, errlen, "cannot make a transfer: out of memory");
		return NULL;
	}
	h = x->easy;
	x->owner = owner;
	x->err[0] = '\0';
	buf_reset(&x->body);
	buf_reset(&x->hdr);
	x->hdr_lines = 0;
	x->received = 0;
	x->max_body = e->cfg->max_body;
	x->keep_body = r->keep_body;
	x->too_large = x->headers_too_large = x->sink_failed = false;
	x->conflicting_length = false;
	x->content_length = -1;
	x->sink = r->sink;

	/* Headers: the request's own, then the run's unless overridden. */
	hl = r->run_headers ? e->run_headers : e->safe_headers;
	if (r->nheaders > 0 || r->body_json) {
		for (i = 0; i < r->nheaders; i++)
			x->slist = slist_add(x->slist, r->headers[i], &failed);
		for (; hl != NULL; hl = hl->next)
			if (!has_header(r->headers, r->nheaders, hl->data,
			    header_name_len(hl->data)))
				x->slist = slist_add(x->slist, hl->data,
				    &failed);
		if (r->body_json && !slist_has(x->slist, "Content-Type", 12))
			x->slist = slist_add(x->slist,
			    "Content-Type: application/json", &failed);
		hl = x->slist;
	}

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	/* A string, not a CURLU: with CURLOPT_CURLU libcurl 7.88 prints the
	 * whole URL back out for every transfer (and, on a reused handle,
	 * keeps the previous one unless CURLOPT_URL is cleared first). */
	SET(CURLOPT_URL, r->url);
	SET(CURLOPT_HTTPHEADER, hl);
	SET(CURLOPT_TIMEOUT_MS, (long)r->timeout_ms);
	if (r->has_body) {
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
		SET(CURLOPT_POSTFIELDS, r->body);
	} else
		SET(CURLOPT_HTTPGET, 1L);
	SET(CURLOPT_NOBODY, r->method != NULL &&
	    strcmp(r->method, "HEAD") == 0 ? 1L : 0L);
	SET(CURLOPT_CUSTOMREQUEST, r->method != NULL &&
	    strcmp(r->method, "HEAD") != 0 && strcmp(r->method,
	    r->has_body ? "POST" : "GET") != 0 ? r->method : NULL);
#undef SET
	if (rc != CURLE_OK || failed) {
		snprintf(err, errlen, "cannot set up the transfer: %s",
		    failed ? "out of memory" : curl_easy_strerror(rc));
		xfer_put(e, x);
		return NULL;
	}
	mc = curl_multi_add_handle(e->multi, h);
	if (mc != CURLM_OK) {
		snprintf(err, errlen, "cannot start the transfer: %s",
		    curl_multi_strerror(mc));
		xfer_put(e, x);
		return NULL;
	}
	x->running = true;
	return x;
}

void
engine_cancel(struct engine *e, struct xfer *x)
{
	if (x == NULL || !x->running)
		return;
	curl_multi_remove_handle(e->multi, x->easy);
	xfer_put(e, x);
}

static const char *
version_name(long v)
{
	switch (v) {
	case CURL_HTTP_VERSION_1_0: return "1.0";
	case CURL_HTTP_VERSION_1_1: return "1.1";
	case CURL_HTTP_VERSION_2_0: return "2";
	case CURL_HTTP_VERSION_3: return "3";
	default: return NULL;
	}
}

static void
check_done(struct engine *e)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(e->multi, &left)) != NULL) {
		struct xfer *x = NULL;
		struct xfer_res res;
		long ver = 0;
		curl_off_t total = 0;
		char *ct = NULL, *eff = NULL, *loc = NULL;
		void *owner;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
		memset(&res, 0, sizeof(res));
		res.curl_code = msg->data.result;
		curl_multi_remove_handle(e->multi, x->easy);
		x->running = false;

		res.errbuf = x->err;
		res.too_large = x->too_large;
		res.headers_too_large = x->headers_too_large;
		res.conflicting_length = x->conflicting_length;
		res.sink_failed = x->sink_failed;
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &res.status);
		curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &ver);
		curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
		curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc);
		curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total);
		res.http_version = res.status > 0 ? version_name(ver) : NULL;
		res.content_type = ct;
		res.effective_url = eff;
		res.redirect_url = loc;
		res.headers = x->hdr.data;
		res.headers_len = x->hdr.len;
		res.body = x->body.data;
		res.body_len = x->body.len;
		res.size = x->received;
		res.total_ms = (double)total / 1000.0;

		owner = x->owner;
		e->done(owner, x, &res);
		xfer_put(e, x);
	}
}

static void
fire_timer(evutil_socket_t fd, short what, void *arg)
{
	struct engine_timer *t = arg;

	t->cb(t->arg);
}

struct engine_timer *
engine_timer_new(struct engine *e, void (*cb)(void *), void *arg)
{
	struct engine_timer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->cb = cb;
	t->arg = arg;
	t->ev = evtimer_new(e->base, fire_timer, t);
	if (t->ev == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
engine_timer_arm(struct engine_timer *t, int64_t ms)
{
	struct timeval tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(t->ev, &tv);
}

bool
engine_timer_armed(const struct engine_timer *t)
{
	return t != NULL && evtimer_pending(t->ev, NULL);
}

void
engine_timer_free(struct engine_timer *t)
{
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}

static void
watch_fired(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;

	e->watch_cb(e->watch_arg);
}

int
engine_watch(struct engine *e, int fd, void (*cb)(void *), void *arg)
{
	if (e->watch != NULL) {
		event_free(e->watch);
		e->watch = NULL;
	}
	if (fd < 0)
		return 0;
	e->watch_cb = cb;
	e->watch_arg = arg;
	e->watch = event_new(e->base, fd, EV_READ, watch_fired, e);
	if (e->watch == NULL || event_add(e->watch, NULL) == -1)
		return -1;
	return 0;
}

static void
idle_fired(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;

	e->idle_cb(e->idle_arg);
}

void
engine_when_idle(struct engine *e, void (*cb)(void *), void *arg)
{
	e->idle_cb = cb;
	e->idle_arg = arg;
	if (!event_pending(e->idle, EV_TIMEOUT, NULL))
		event_active(e->idle, EV_TIMEOUT, 0);
}

/* SIGINT and SIGTERM: our own handler, without SA_RESTART, so that a
 * write blocked on a reader that does not read is interrupted too (with
 * libevent's, which restarts, it would swallow the signal).  The handler
 * records the signal and wakes the loop through a pipe; a second signal
 * exits at once, whatever the loop is doing. */
static volatile sig_atomic_t caught;
static int sig_pipe[2] = {-1, -1};

static void
on_os_signal(int signo)
{
	int saved = errno;
	char b = (char)signo;

	if (caught != 0)
		_exit(128 + signo);
	caught = signo;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* the loop reads caught anyway when it wakes */
	}
	errno = saved;
}

volatile sig_atomic_t *
engine_signal_flag(void)
{
	return &caught;
}

static void
signal_fired(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	char b[16];

	while (read(fd, b, sizeof b) > 0)
		;
	if (caught != 0)
		e->sig_cb(e->sig_arg, (int)caught);
}

int
engine_on_signals(struct engine *e, void (*cb)(void *, int), void *arg)
{
	struct sigaction sa;

	e->sig_cb = cb;
	e->sig_arg = arg;
	if (sig_pipe[0] == -1) {
		int i;

		if (pipe(sig_pipe) == -1)
			return -1;
		for (i = 0; i < 2; i++)
			if (fcntl(sig_pipe[i], F_SETFL, O_NONBLOCK) == -1 ||
			    fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC) == -1)
				return -1;
	}
	e->sigint = event_new(e->base, sig_pipe[0], EV_READ | EV_PERSIST,
	    signal_fired, e);
	if (e->sigint == NULL ||
	    event_priority_set(e->sigint, PRIO_SIGNAL) == -1 ||
	    event_add(e->sigint, NULL) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_os_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: see above */
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1)
		return -1;
	return 0;
}

int
engine_loop(struct engine *e)
{
	return event_base_dispatch(e->base);
}

void
engine_stop(struct engine *e)
{
	event_base_loopbreak(e->base);
}

/* libevent keeps pending timers in a heap that grows (reallocates) when
 * a timer is added past its size.  Grow it once now, for every timer
 * the run can have, so that arming a timer later never allocates: a
 * failed evtimer_add in libcurl's timer callback would stall the run. */
static int
reserve_timers(struct event_base *base, size_t n)
{
	struct event **evs = calloc(n, sizeof(*evs));
	struct timeval tv = {3600, 0};
	size_t i;
	int rc = 0;

	if (evs == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		evs[i] = evtimer_new(base, fire_timer, NULL);
		if (evs[i] == NULL || evtimer_add(evs[i], &tv) == -1)
			rc = -1;
	}
	for (i = 0; i < n; i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	free(evs);
	return rc;
}

struct engine *
engine_new(const struct config *c, size_t timers, engine_done_fn done,
    char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof(*e));
	bool failed = false;
	size_t i;

	if (e == NULL)
		goto oom;
	e->cfg = c;
	e->done = done;
	/* libcurl reads these for every transfer; read them once here. */
	e->env_proxy = getenv("http_proxy") || getenv("https_proxy") ||
	    getenv("HTTPS_PROXY") || getenv("all_proxy") ||
	    getenv("ALL_PROXY");
	e->base = event_base_new();
	if (e->base == NULL || event_base_priority_init(e->base, 3) == -1)
		goto oom;
	e->multi = curl_multi_init();
	e->share = curl_share_init();
	e->timer = evtimer_new(e->base, timer_event_cb, e);
	e->idle = event_new(e->base, -1, 0, idle_fired, e);
	if (e->multi == NULL || e->share == NULL || e->timer == NULL ||
	    e->idle == NULL || event_priority_set(e->idle, PRIO_IDLE) == -1 ||
	    reserve_timers(e->base, timers) == -1)
		goto oom;
	/* TLS sessions and DNS answers outlive a single easy handle. */
	curl_share_setopt(e->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(e->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS,
	    (long)c->concurrency + 16);
	/* Plain HTTP/1.1 must not wait to learn whether it can multiplex. */
	if (c->http == HTTPV_1_1)
		curl_multi_setopt(e->multi, CURLMOPT_PIPELINING,
		    (long)CURLPIPE_NOTHING);
	/* Before 8.0.0 libcurl breaks a reused h2c prior-knowledge
	 * connection ("Error in the HTTP2 framing layer", curl#10634):
	 * there, give every such transfer a connection of its own. */
	if (c->http == HTTPV_2_PRIOR &&
	    curl_version_info(CURLVERSION_NOW)->version_num < 0x080000) {
		e->h2c_no_reuse = true;
		curl_multi_setopt(e->multi, CURLMOPT_PIPELINING,
		    (long)CURLPIPE_NOTHING);
	}

	for (i = 0; i < c->nheaders; i++)
		e->run_headers = slist_add(e->run_headers, c->headers[i],
		    &failed);
	if (c->has_data && c->data_json) {
		static const char *const jh[] = {
			"Content-Type: application/json",
			"Accept: application/json",
		};
		for (i = 0; i < 2; i++) {
			if (!slist_has(e->run_headers, jh[i],
			    header_name_len(jh[i])))
				e->run_headers = slist_add(e->run_headers,
				    jh[i], &failed);
			e->safe_headers = slist_add(e->safe_headers, jh[i],
			    &failed);
		}
	}
	/* libcurl 7.88 formats CURLOPT_USERAGENT into a fresh string for
	 * every transfer (about 5,000 instructions); as one more entry of the
	 * header list it costs about 1,400 fewer.  Through a proxy it stays
	 * an option, so that a CONNECT still carries it.  -A "" sends none,
	 * as CURLOPT_USERAGENT "" does. */
	e->ua_header = c->proxy == NULL && !e->env_proxy;
	if (e->ua_header && c->user_agent[0] != '\0') {
		struct buf ua = {0};

		if (buf_printf(&ua, "User-Agent: %s", c->user_agent) == -1)
			goto oom;
		if (!slist_has(e->run_headers, "User-Agent", 10))
			e->run_headers = slist_add(e->run_headers, ua.data,
			    &failed);
		e->safe_headers = slist_add(e->safe_headers, ua.data,
		    &failed);
		buf_free(&ua);
	}
	if (failed)
		goto oom;
	return e;
oom:
	snprintf(err, errlen, "cannot start the engine: out of memory");
	engine_free(e);
	return NULL;
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	/* Handles out of the multi, then the multi (its socket callbacks
	 * still need the event base), then the handles, then our events. */
	for (i = 0; i < e->nall; i++)
		if (e->all[i]->running)
			curl_multi_remove_handle(e->multi, e->all[i]->easy);
	if (e->multi != NULL)
		curl_multi_cleanup(e->multi);
	for (i = 0; i < e->nall; i++) {
		curl_easy_cleanup(e->all[i]->easy);
		curl_slist_free_all(e->all[i]->slist);
		buf_free(&e->all[i]->body);
		buf_free(&e->all[i]->hdr);
		free(e->all[i]);
	}
	free(e->all);
	free(e->pool);
	if (e->share != NULL)
		curl_share_cleanup(e->share);
	if (e->timer != NULL)
		event_free(e->timer);
	if (e->idle != NULL)
		event_free(e->idle);
	if (e->watch != NULL)
		event_free(e->watch);
	if (e->sigint != NULL)
		event_free(e->sigint);
	if (e->base != NULL)
		event_base_free(e->base);
	curl_slist_free_all(e->run_headers);
	curl_slist_free_all(e->safe_headers);
	free(e);
}

int
engine_error_kind(int code, const char *errbuf)
{
	switch ((CURLcode)code) {
	case CURLE_OK:
		return ERR_NONE;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* Also what 7.88 says of HTTP/0.9 and bogus status lines. */
		return errbuf != NULL && strstr(errbuf, "not supported") !=
		    NULL ? ERR_UNSUPPORTED_PROTOCOL : ERR_PROTOCOL;
	case CURLE_URL_MALFORMAT:
		return ERR_INVALID_URL;
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
		return ERR_DNS;
	case CURLE_COULDNT_CONNECT:
	case CURLE_PROXY:
		return ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return ERR_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		return ERR_TLS;
	case CURLE_RECV_ERROR:
		/* 7.88 reports garbage chunk sizes as a receive error. */
		return errbuf != NULL && strstr(errbuf, "chunked") != NULL ?
		    ERR_PROTOCOL : ERR_READ;
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return ERR_READ;
	case CURLE_BAD_CONTENT_ENCODING:
		return ERR_DECODE;
	case CURLE_TOO_MANY_REDIRECTS:
		return ERR_TOO_MANY_REDIRECTS;
	case CURLE_FILESIZE_EXCEEDED:
		return ERR_BODY_TOO_LARGE;
	case CURLE_ABORTED_BY_CALLBACK:
		return ERR_CANCELLED;
	default:
		/* Weird replies, HTTP/2 framing, and 7.88's "out of memory"
		 * for a header line over 100 KB. */
		return ERR_PROTOCOL;
	}
}

const char *
engine_strerror(int code)
{
	return curl_easy_strerror((CURLcode)code);
}

const char *
engine_notice(const struct engine *e)
{
	return e->h2c_no_reuse ? "libcurl before 8.0.0 cannot reuse "
	    "--http2-prior-knowledge connections (curl#10634): each request "
	    "gets a connection of its own" : NULL;
}
