/* engine — one event_base, one curl multi handle, driven through the
 * multi-socket API: libcurl tells us which sockets to watch (socket_cb)
 * and when to wake it (timer_cb); libevent tells libcurl what happened
 * (curl_multi_socket_action).  After every action the finished transfers
 * are drained with curl_multi_info_read and reported through done().
 *
 * Three tiers of state, as in curl's multi-event.c: the engine (here),
 * one struct xfer per easy handle (xfer.c; pooled, reached through
 * CURLOPT_PRIVATE) and one struct sock per socket (curl_multi_assign;
 * on CURL_POLL_REMOVE it goes to a free list for the next socket). */
#include "engine.h"
#include "util.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A watched socket, its event stored in the same allocation (libevent
 * tells the size: event_get_struct_event_size).  libcurl 7.88 removes a
 * connection's socket when its transfer ends and adds it again for the
 * next one on the connection: so a struct sock is kept on a free list,
 * at most as many as sockets were open at once, not freed and made
 * again per request. */
struct sock {
	struct engine	*e;
	struct sock	*next;		/* on the free list */
	bool		 added;		/* the event is pending */
	max_align_t	 ev[];		/* struct event storage */
};

/* The time limit of a running transfer (-t, per attempt; what is left
 * of it after redirects) is the engine's, not CURLOPT_TIMEOUT_MS: with
 * that option libcurl keeps every running transfer in its splay tree of
 * timeouts, moves it at each step and calls the timer callback about
 * twice a request (0.6k instructions a request on 7.88, 1.2k on 8.14).
 * A transfer with the run's -t goes on a list in start order, which is
 * deadline order: O(1) in and out, and one timer for the head.  Any other
 * limit (a redirect's remainder) gets a timer of its own.
 *
 * The connect limit of a transfer that libcurl was not given one (it is
 * expected to reuse a connection: xfer_connect_limit) goes on a second
 * such list; all on it have the run's --connect-timeout.  At its
 * deadline a transfer that has not sent its request yet ends as
 * libcurl's connect limit would end it, and any other leaves the list. */
enum { DL_TIME, DL_CONNECT, DL_N };

struct dl_link {
	struct limit	*prev, *next;
	int64_t		 end_us;	/* util_now_us() at the deadline */
	bool		 on;		/* on the list */
};

/* A list in deadline order, and one timer for its head. */
struct dlist {
	struct limit	*head, *tail;
	struct event	*timer;		/* owned */
	bool		 armed;		/* timer is pending */
};

struct limit {
	struct engine	*e;
	struct xfer	*x;
	struct event	*ev;		/* its own timer, or NULL */
	struct dl_link	 link[DL_N];
	int64_t		 ms;		/* as armed */
	int64_t		 end_us;	/* its own timer's deadline */
	enum { LIM_OFF, LIM_LISTED, LIM_TIMED } how;
};

/* An event that calls cb(arg): the body of a timer and of a task. */
struct cb_event {
	struct event	*ev;
	void		(*cb)(void *);
	void		*arg;
};

struct engine_timer {
	struct cb_event	 c;
};

struct engine_task {
	struct cb_event	 c;
};

struct engine {
	struct event_base *base;	/* owned */
	const struct config *cfg;	/* borrowed */
	CURLM		*multi;
	CURLSH		*share;
	struct xfer_conf *xc;		/* owned */
	struct event	*timer;		/* libcurl's (timer_cb) */
	int64_t		 timer_due_us;	/* libcurl's deadline; -1: none */
	int64_t		 timer_at_us;	/* when timer fires, if armed */
	bool		 timer_armed;	/* timer is pending */
	engine_done_fn	 done;
	struct xfer	**all;		/* every xfer made; owned */
	size_t		 nall;
	struct xfer	**pool;		/* idle xfers: a stack into all */
	size_t		 npool;
	bool		 h2c_no_reuse;	/* curl#10634 workaround */
	struct cb_event	 watch;		/* input fd readable */
	struct cb_event	 wwatch;	/* output fd writable */
	struct cb_event	 ewatch;	/* stderr writable (errout.h) */
	struct cb_event	 urgent;	/* the signal pipe */
	struct sock	*free_socks;	/* removed sockets' structs, owned */
	struct dlist	 dl[DL_N];	/* the -t and connect lists */
};

/* Three priorities: 0 for signals, 1 (libevent's default for 3) for all
 * I/O, timers and tasks, 2 for idle tasks, which so run only when
 * nothing else is ready. */
#define PRIO_URGENT	0
#define PRIO_IDLE	2

static void	check_done(struct engine *);
static void	pool_put(struct engine *, struct xfer *);

static void
event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	int running = 0;
	int flags = ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
	    ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);

	curl_multi_socket_action(e->multi, fd, flags, &running);
	check_done(e);
}

/* (Re)arm a timer event for us microseconds from now. */
static void
arm_us(struct event *ev, int64_t us)
{
	struct timeval tv = {(time_t)(us / 1000000),
	    (suseconds_t)(us % 1000000)};

	event_add(ev, &tv);
}

static void
timer_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct engine *e = arg;
	int running = 0;
	int64_t now;

	e->timer_armed = false;
	if (e->timer_due_us < 0)
		return;
	now = util_now_us();
	if (e->timer_due_us - now > 1000) {	/* the deadline moved on */
		e->timer_at_us = e->timer_due_us;
		e->timer_armed = true;
		arm_us(e->timer, e->timer_due_us - now);
		return;
	}
	e->timer_due_us = -1;
	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(e);
}

/* CURLMOPT_TIMERFUNCTION: only note libcurl's deadline and arm our
 * timer; never call libcurl.  libcurl moves its deadline about twice a
 * request (a transfer's connect limit stays in its tree of timeouts until
 * the transfer ends, so each end moves the earliest one on), mostly
 * later.  A later deadline leaves the timer armed for the earlier time,
 * when timer_event_cb arms it again for what is due then: an event_add
 * every few dozen requests where there were two a request (0.45k
 * instructions a request on 7.88, 0.25k on 8.14).  A deadline within
 * 1 ms is run: libcurl takes an early call (it runs what is due and asks
 * for its timer again). */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct engine *e = userp;
	int64_t now;

	if (timeout_ms < 0) {
		e->timer_due_us = -1;	/* a pending timer finds nothing */
		return 0;
	}
	now = util_now_us();
	e->timer_due_us = now + (int64_t)timeout_ms * 1000;
	if (e->timer_armed && e->timer_at_us <= e->timer_due_us)
		return 0;	/* fires first, and arms again then */
	e->timer_at_us = e->timer_due_us;
	e->timer_armed = true;
	arm_us(e->timer, (int64_t)timeout_ms * 1000);
	return 0;
}

static struct event *
sock_event(struct sock *sk)
{
	return (struct event *)(void *)sk->ev;
}

/* CURLMOPT_SOCKETFUNCTION. */
static int
socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct engine *e = userp;
	struct sock *sk = socketp;
	short kind;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (sk != NULL) {
			if (sk->added)
				event_del(sock_event(sk));
			sk->added = false;
			sk->next = e->free_socks;
			e->free_socks = sk;
		}
		return 0;
	}
	/* Out of memory here, the socket goes unwatched and its transfer
	 * ends at its timeout.  Returning -1 instead would make 7.88 abort
	 * every transfer, and it can crash doing so. */
	kind = (short)(EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
	    (what & CURL_POLL_OUT ? EV_WRITE : 0));
	if (sk == NULL) {
		if ((sk = e->free_socks) != NULL)
			e->free_socks = sk->next;
		else if ((sk = malloc(sizeof(*sk) +
		    event_get_struct_event_size())) == NULL)
			return 0;
		sk->e = e;
		sk->next = NULL;
		sk->added = false;
		if (curl_multi_assign(e->multi, s, sk) != CURLM_OK) {
			sk->next = e->free_socks;
			e->free_socks = sk;
			return 0;
		}
	} else if (sk->added) {
		event_del(sock_event(sk));
		sk->added = false;
	}
	if (event_assign(sock_event(sk), e->base, s, kind, event_cb, e) == 0 &&
	    event_add(sock_event(sk), NULL) == 0)
		sk->added = true;
	return 0;
}

/* lim at the end of list k, ms from now. */
static void
dl_append(struct engine *e, int k, struct limit *lim, int64_t ms)
{
	struct dlist *d = &e->dl[k];
	struct dl_link *l = &lim->link[k];

	l->end_us = util_now_us() + ms * 1000;
	l->prev = d->tail;
	l->next = NULL;
	l->on = true;
	if (d->tail != NULL)
		d->tail->link[k].next = lim;
	else
		d->head = lim;
	d->tail = lim;
	if (!d->armed) {
		d->armed = true;
		arm_us(d->timer, ms * 1000);
	}
}

static void
dl_unlink(struct engine *e, int k, struct limit *lim)
{
	struct dlist *d = &e->dl[k];
	struct dl_link *l = &lim->link[k];

	if (!l->on)
		return;
	if (l->prev != NULL)
		l->prev->link[k].next = l->next;
	else
		d->head = l->next;
	if (l->next != NULL)
		l->next->link[k].prev = l->prev;
	else
		d->tail = l->prev;
	l->prev = l->next = NULL;
	l->on = false;
}

static void
limit_stop(struct xfer *x)
{
	struct limit *lim = xfer_tag(x);

	if (lim->how == LIM_LISTED)
		dl_unlink(lim->e, DL_TIME, lim);
	else if (lim->how == LIM_TIMED)
		event_del(lim->ev);
	lim->how = LIM_OFF;
	dl_unlink(lim->e, DL_CONNECT, lim);
}

/* A transfer is over, with code: take the handle out, report, recycle
 * (as hiperfifo.c does).  timed_out_ms > 0: its time limit ended it,
 * and libcurl, which did not, is told nothing but the removal. */
static void
finish(struct engine *e, struct xfer *x, int code, int64_t timed_out_ms)
{
	struct xfer_res res;

	limit_stop(x);
	curl_multi_remove_handle(e->multi, xfer_easy(x));
	if (timed_out_ms > 0)
		xfer_timed_out(x, timed_out_ms);
	xfer_result(x, code, &res);
	/* libcurl's clock stops at the transfer's last activity. */
	if (res.total_ms < (double)timed_out_ms)
		res.total_ms = (double)timed_out_ms;
	if (res.timing.total_ms < (double)timed_out_ms)
		res.timing.total_ms = (double)timed_out_ms;
	e->done(xfer_owner(x), &res);
	pool_put(e, x);
}

/* The attempt ran out of time: end it as libcurl would have, with
 * CURLE_OPERATION_TIMEDOUT. */
static void
limit_expire(struct limit *lim)
{
	finish(lim->e, lim->x, CURLE_OPERATION_TIMEDOUT, lim->ms);
}

/* The connect limit of a transfer libcurl was not given one: one still
 * before its request ends as libcurl's limit would have ended it. */
static void
connect_expire(struct limit *lim)
{
	if (xfer_connecting(lim->x))
		finish(lim->e, lim->x, CURLE_OPERATION_TIMEDOUT,
		    xfer_connect_limit(lim->x));
	else
		dl_unlink(lim->e, DL_CONNECT, lim);
}

/* A transfer whose connect limit the engine keeps connects again after
 * its request went out (libcurl retries a reused connection that died):
 * the limit starts again.  From inside libcurl: lists and a timer only. */
static void
connect_again(struct xfer *x)
{
	struct limit *lim = xfer_tag(x);

	dl_unlink(lim->e, DL_CONNECT, lim);
	dl_append(lim->e, DL_CONNECT, lim, xfer_connect_limit(x));
}

/* libevent's clock is coarse (and cached per loop iteration): a timer
 * can fire a few ms early.  Each attempt gets all of its ms. */
static void
limit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct limit *lim = arg;
	int64_t left = lim->end_us - util_now_us();

	(void)fd;
	(void)what;
	if (left > 0)
		arm_us(lim->ev, left);
	else
		limit_expire(lim);
}

/* The head of list k is due.  done() may start transfers (listed
 * behind, later, and arming the timer for theirs) or cancel them
 * (unlisted): the head is read again each time, and the timer set for
 * it at the end.  Left armed when the list empties (for a deadline since
 * gone), the timer costs one early wake-up, not a del and an add a
 * request. */
static void
dl_fire(struct engine *e, int k)
{
	struct dlist *d = &e->dl[k];
	int64_t now = util_now_us();

	d->armed = false;
	while (d->head != NULL && d->head->link[k].end_us <= now) {
		if (k == DL_TIME)
			limit_expire(d->head);
		else
			connect_expire(d->head);
	}
	if (d->head != NULL) {
		d->armed = true;
		arm_us(d->timer, d->head->link[k].end_us - now);
	}
}

static void
limit_list_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	dl_fire(arg, DL_TIME);
}

static void
connect_list_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	dl_fire(arg, DL_CONNECT);
}

static int
limit_new(struct engine *e, struct xfer *x)
{
	struct limit *lim = calloc(1, sizeof(*lim));

	if (lim == NULL)
		return -1;
	lim->e = e;
	lim->x = x;
	xfer_set_tag(x, lim);
	return 0;
}

static void
limit_free(struct xfer *x)
{
	struct limit *lim = xfer_tag(x);

	if (lim != NULL) {
		if (lim->ev != NULL)
			event_free(lim->ev);
		free(lim);
	}
}

/* 0, or -1 when the timer cannot be made. */
static int
limit_arm(struct engine *e, struct xfer *x, int64_t ms)
{
	struct limit *lim = xfer_tag(x);

	lim->how = LIM_OFF;
	if (ms <= 0)
		return 0;
	lim->ms = ms;
	if (ms == e->cfg->timeout_ms) {
		dl_append(e, DL_TIME, lim, ms);
		lim->how = LIM_LISTED;
		return 0;
	}
	lim->end_us = util_now_us() + ms * 1000;
	if (lim->ev == NULL &&
	    (lim->ev = event_new(e->base, -1, 0, limit_cb, lim)) == NULL)
		return -1;
	lim->how = LIM_TIMED;
	arm_us(lim->ev, ms * 1000);
	return 0;
}

/* An idle transfer from the pool, or a new one. */
static struct xfer *
pool_get(struct engine *e)
{
	struct xfer *x, **p;

	if (e->npool > 0)
		return e->pool[--e->npool];
	/* Arrays of pointers: sizeof(*p) is meant (clang-tidy 14 cannot be
	 * told so but by NOLINT). */
	p = realloc(e->all, (e->nall + 1) * sizeof(*p)); /* NOLINT(bugprone-sizeof-expression) */
	if (p == NULL)
		return NULL;
	e->all = p;
	p = realloc(e->pool, (e->nall + 1) * sizeof(*p)); /* NOLINT(bugprone-sizeof-expression) */
	if (p == NULL)
		return NULL;
	e->pool = p;
	if ((x = xfer_new(e->xc)) == NULL)
		return NULL;
	if (limit_new(e, x) == -1) {
		xfer_free(x);
		return NULL;
	}
	e->all[e->nall++] = x;
	return x;
}

static void
pool_put(struct engine *e, struct xfer *x)
{
	xfer_idle(x);
	e->pool[e->npool++] = x;
}

int
engine_start(struct engine *e, const struct xfer_req *r, void *owner,
    struct xfer **xp, char *err, size_t errlen)
{
	struct xfer *x = pool_get(e);
	CURLMcode mc;

	if (x == NULL) {
		snprintf(err, errlen, "cannot make a transfer: out of memory");
		return -1;
	}
	if (xfer_prepare(x, r, owner, err, errlen) == -1) {
		pool_put(e, x);
		return -1;
	}
	mc = curl_multi_add_handle(e->multi, xfer_easy(x));
	if (mc != CURLM_OK) {
		snprintf(err, errlen, "cannot start the transfer: %s",
		    curl_multi_strerror(mc));
		pool_put(e, x);
		return -1;
	}
	if (limit_arm(e, x, r->timeout_ms) == -1) {
		snprintf(err, errlen, "cannot start the transfer: its time "
		    "limit cannot be set (out of memory)");
		curl_multi_remove_handle(e->multi, xfer_easy(x));
		pool_put(e, x);
		return -1;
	}
	if (xfer_connect_limit(x) > 0)
		dl_append(e, DL_CONNECT, xfer_tag(x), xfer_connect_limit(x));
	*xp = x;
	return 0;
}

void
engine_cancel(struct engine *e, struct xfer *x)
{
	if (x == NULL)
		return;
	limit_stop(x);
	curl_multi_remove_handle(e->multi, xfer_easy(x));
	pool_put(e, x);
}

/* Drain what libcurl finished. */
static void
check_done(struct engine *e)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(e->multi, &left)) != NULL) {
		struct xfer *x = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
		finish(e, x, (int)msg->data.result, 0);
	}
}

static void
fire_cb(evutil_socket_t fd, short what, void *arg)
{
	struct cb_event *c = arg;

	c->cb(c->arg);
}

/* An event on fd for what (EV_READ, EV_WRITE, EV_PERSIST; fd -1 and 0
 * for one that is only activated), calling cb(arg). */
static int
cb_event_on(struct cb_event *c, struct engine *e, int fd, short what,
    void (*cb)(void *), void *arg, int prio)
{
	c->cb = cb;
	c->arg = arg;
	c->ev = event_new(e->base, fd, what, fire_cb, c);
	if (c->ev == NULL || (prio >= 0 && event_priority_set(c->ev, prio) ==
	    -1))
		return -1;
	return 0;
}

static int
cb_event_init(struct cb_event *c, struct engine *e, void (*cb)(void *),
    void *arg, int prio)
{
	return cb_event_on(c, e, -1, 0, cb, arg, prio);
}

static void
cb_event_clear(struct cb_event *c)
{
	if (c->ev != NULL)
		event_free(c->ev);
	c->ev = NULL;
}

struct engine_timer *
engine_timer_new(struct engine *e, void (*cb)(void *), void *arg)
{
	struct engine_timer *t = calloc(1, sizeof(*t));

	if (t != NULL && cb_event_init(&t->c, e, cb, arg, -1) == -1) {
		engine_timer_free(t);
		t = NULL;
	}
	return t;
}

void
engine_timer_arm(struct engine_timer *t, int64_t ms)
{
	arm_us(t->c.ev, ms < 0 ? 0 : ms * 1000);
}

bool
engine_timer_armed(const struct engine_timer *t)
{
	return t != NULL && evtimer_pending(t->c.ev, NULL);
}

void
engine_timer_free(struct engine_timer *t)
{
	if (t == NULL)
		return;
	cb_event_clear(&t->c);
	free(t);
}

struct engine_task *
engine_task_new(struct engine *e, void (*cb)(void *), void *arg, bool idle)
{
	struct engine_task *t = calloc(1, sizeof(*t));

	if (t != NULL && cb_event_init(&t->c, e, cb, arg,
	    idle ? PRIO_IDLE : -1) == -1) {
		engine_task_free(t);
		t = NULL;
	}
	return t;
}

void
engine_task_soon(struct engine_task *t)
{
	/* An active event reports the flags it was activated with. */
	if (!event_pending(t->c.ev, EV_TIMEOUT, NULL))
		event_active(t->c.ev, EV_TIMEOUT, 0);
}

void
engine_task_free(struct engine_task *t)
{
	if (t == NULL)
		return;
	cb_event_clear(&t->c);
	free(t);
}

/* Watch fd for what, once (or until stopped with EV_PERSIST), in the
 * watch slot w: a new watch replaces the old one; fd -1 just stops. */
static int
watch_set(struct engine *e, struct cb_event *w, int fd, short what,
    void (*cb)(void *), void *arg, int prio)
{
	cb_event_clear(w);
	if (fd < 0)
		return 0;
	if (cb_event_on(w, e, fd, what, cb, arg, prio) == -1 ||
	    event_add(w->ev, NULL) == -1)
		return -1;
	return 0;
}

int
engine_watch(struct engine *e, int fd, void (*cb)(void *), void *arg)
{
	return watch_set(e, &e->watch, fd, EV_READ, cb, arg, -1);
}

int
engine_watch_write(struct engine *e, int fd, void (*cb)(void *), void *arg)
{
	return watch_set(e, &e->wwatch, fd, EV_WRITE, cb, arg, -1);
}

int
engine_watch_write_err(struct engine *e, int fd, void (*cb)(void *),
    void *arg)
{
	return watch_set(e, &e->ewatch, fd, EV_WRITE, cb, arg, -1);
}

int
engine_watch_urgent(struct engine *e, int fd, void (*cb)(void *), void *arg)
{
	return watch_set(e, &e->urgent, fd, EV_READ | EV_PERSIST, cb, arg,
	    PRIO_URGENT);
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
 * the run can have (the caller's, and the transfers' time limits), so
 * that arming a timer later never allocates: a failed evtimer_add in
 * libcurl's timer callback would stall the run. */
static int
reserve_timers(struct event_base *base, size_t n)
{
	/* an array of pointers: sizeof(*evs) is meant */
	struct event **evs = calloc(n, sizeof(*evs)); /* NOLINT(bugprone-sizeof-expression) */
	struct timeval tv = {3600, 0};
	size_t i;
	int rc = 0;

	if (evs == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		evs[i] = evtimer_new(base, fire_cb, NULL);
		if (evs[i] == NULL || evtimer_add(evs[i], &tv) == -1)
			rc = -1;
	}
	for (i = 0; i < n; i++)
		if (evs[i] != NULL)
			event_free(evs[i]);
	free(evs);
	return rc;
}

static void
setup_multi(struct engine *e, const struct config *c)
{
	/* TLS sessions and DNS answers outlive a single easy handle.  (The
	 * multi handle has a DNS cache of its own, but 7.88 prunes it on
	 * every lookup: 576 instructions a request, against 146 for the
	 * share's lock and unlock.) */
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
}

struct engine *
engine_new(const struct config *c, size_t timers, engine_done_fn done,
    char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof(*e));
	bool env_proxy;

	if (e == NULL)
		goto oom;
	e->cfg = c;
	e->done = done;
	e->base = event_base_new();
	if (e->base == NULL || event_base_priority_init(e->base, 3) == -1)
		goto oom;
	e->multi = curl_multi_init();
	e->share = curl_share_init();
	e->timer = evtimer_new(e->base, timer_event_cb, e);
	e->timer_due_us = -1;
	e->dl[DL_TIME].timer = evtimer_new(e->base, limit_list_cb, e);
	e->dl[DL_CONNECT].timer = evtimer_new(e->base, connect_list_cb, e);
	if (e->multi == NULL || e->share == NULL || e->timer == NULL ||
	    e->dl[DL_TIME].timer == NULL || e->dl[DL_CONNECT].timer == NULL ||
	    reserve_timers(e->base, timers + c->concurrency + 3) == -1)
		goto oom;
	setup_multi(e, c);
	/* libcurl reads these for every transfer; read them once here. */
	env_proxy = getenv("http_proxy") || getenv("https_proxy") ||
	    getenv("HTTPS_PROXY") || getenv("all_proxy") ||
	    getenv("ALL_PROXY");
	e->xc = xfer_conf_new(c, e->share, env_proxy, e->h2c_no_reuse, err,
	    errlen);
	if (e->xc == NULL) {
		engine_free(e);
		return NULL;
	}
	xfer_conf_on_reconnect(e->xc, connect_again);
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
	/* Handles out of the multi (a handle not in it is fine), then the
	 * multi (its socket callbacks still need the event base), then the
	 * handles, then our events, then the base. */
	for (i = 0; i < e->nall; i++)
		curl_multi_remove_handle(e->multi, xfer_easy(e->all[i]));
	if (e->multi != NULL)
		curl_multi_cleanup(e->multi);
	while (e->free_socks != NULL) {
		struct sock *sk = e->free_socks;

		e->free_socks = sk->next;
		free(sk);
	}
	for (i = 0; i < e->nall; i++) {
		limit_free(e->all[i]);
		xfer_free(e->all[i]);
	}
	free(e->all);
	free(e->pool);
	xfer_conf_free(e->xc);
	if (e->share != NULL)
		curl_share_cleanup(e->share);
	if (e->timer != NULL)
		event_free(e->timer);
	for (i = 0; i < DL_N; i++)
		if (e->dl[i].timer != NULL)
			event_free(e->dl[i].timer);
	cb_event_clear(&e->watch);
	cb_event_clear(&e->wwatch);
	cb_event_clear(&e->ewatch);
	cb_event_clear(&e->urgent);
	if (e->base != NULL)
		event_base_free(e->base);
	free(e);
}

const char *
engine_notice(const struct engine *e)
{
	return e->h2c_no_reuse ? "libcurl before 8.0.0 cannot reuse "
	    "--http2-prior-knowledge connections (curl#10634): each request "
	    "gets a connection of its own" : NULL;
}
