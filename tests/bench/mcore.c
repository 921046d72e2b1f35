/*
 * mcore: a prototype of one event loop per core, for docs/multicore.md.
 * Not part of volley and not in the default build: `make tests/bench/mcore`,
 * run by tests/bench/mcore.sh.
 *
 * T threads, each with its own event_base and its own curl multi handle
 * driven through the multi-socket API (as tests/bench/floor.c), its own
 * easy handles (-c N in all, split over the threads) and so its own
 * connection pool.  Shared between them:
 *
 *   - the input: one stream of URLs (stdin) behind a mutex; a loop with
 *     idle handles takes as many lines as it has handles, each with the
 *     next sequence number;
 *   - the reorder stage: a ring of W slots (-w, in records), one per
 *     sequence number in flight.  A finished transfer writes its line into
 *     its slot; whoever finishes the head moves the run of finished slots
 *     into the output buffer, in input order.  No line is taken from the
 *     input unless its slot is free (seq < head + W), so memory is bounded
 *     by W whatever order transfers finish in.  A loop that found the
 *     window full asks to be woken (event_active from the thread that
 *     moves the head: hence evthread_use_pthreads).
 *
 * MCORE_VERBOSE=1 in the environment: per loop, the requests it did, and
 * how often and how long the shared locks were held, on stderr.
 *
 * Output: one line per URL in input order, "<seq> <status>\n" (status -1
 * for a failed transfer), so order and completeness can be checked.
 *
 *   mcore [-t THREADS] [-c N] [-w WINDOW] [-cacert FILE] [-fresh] [-nocapath]
 *         < urls
 *
 * -cacert FILE  trust FILE (the self-signed test certificate)
 * -fresh        CURLOPT_FORBID_REUSE: a new connection for every request
 * -nocapath     CURLOPT_CAPATH NULL: Debian's libcurl has a default CA path
 *               (/etc/ssl/certs), and with one set libcurl (7.88 and 8.14)
 *               does not cache the CA store, so every new connection reads
 *               and parses the CA file again (the default bundle: ~145
 *               certificates, ~40 ms of CPU); without it the store is kept
 *
 * libcurl's rules for threads are kept: curl_global_init once before any
 * thread, and no handle (easy or multi) is used by two threads; there is
 * no curl_share between loops (each has its own DNS and connection cache).
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OUT_FLUSH	(64u << 10)
#define LINE_MAX_OUT	32

struct slot {
	char		 line[LINE_MAX_OUT];
	unsigned char	 len;
	bool		 done;
};

struct hd {			/* one easy handle and the request it carries */
	CURL		*h;
	int64_t		 seq;
	char		*url;
	size_t		 cap;
};

struct loop {
	int		 id;
	pthread_t	 tid;
	struct event_base *base;
	CURLM		*multi;
	struct event	*timer;
	struct event	*wake;		/* the window moved */
	struct hd	*hds;
	struct hd	**idle;
	size_t		 nhd, nidle, live;
	bool		 eof;
	atomic_int	 want_wake;
	unsigned long	 done;
};

static struct {
	/* input */
	pthread_mutex_t	 in_mu;
	int64_t		 next_seq;
	bool		 eof;
	/* reorder stage */
	pthread_mutex_t	 out_mu;
	struct slot	*ring;
	size_t		 window;
	_Atomic int64_t	 head;
	char		*out;
	size_t		 outlen;
	/* the loops, to wake */
	struct loop	*loops;
	int		 nloops;
	const char	*cacert;
	bool		 fresh;
	bool		 nocapath;
	struct curl_slist *headers;
} g;

/* With MCORE_VERBOSE: lock acquisitions, those that found the lock taken,
 * and the time the locks were held (the serial part of the run).  A hold
 * of more than LONG_HOLD_NS is counted apart: on a busy machine that is a
 * thread preempted while it held the lock, not work done under it. */
#define LONG_HOLD_NS	20000L
static bool verbose;
static atomic_ulong locks, waits, held_ns, long_holds;
static _Thread_local struct timespec locked_at;

static void
lock(pthread_mutex_t *mu)
{
	if (!verbose) {
		pthread_mutex_lock(mu);
		return;
	}
	atomic_fetch_add_explicit(&locks, 1, memory_order_relaxed);
	if (pthread_mutex_trylock(mu) != 0) {
		atomic_fetch_add_explicit(&waits, 1, memory_order_relaxed);
		pthread_mutex_lock(mu);
	}
	clock_gettime(CLOCK_MONOTONIC, &locked_at);
}

static void
unlock(pthread_mutex_t *mu)
{
	struct timespec now;

	long ns;

	if (verbose) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		ns = (now.tv_sec - locked_at.tv_sec) * 1000000000L +
		    now.tv_nsec - locked_at.tv_nsec;
		if (ns > LONG_HOLD_NS)
			atomic_fetch_add_explicit(&long_holds, 1,
			    memory_order_relaxed);
		else
			atomic_fetch_add_explicit(&held_ns, (unsigned long)ns,
			    memory_order_relaxed);
	}
	pthread_mutex_unlock(mu);
}

static size_t
discard(char *p, size_t s, size_t n, void *u)
{
	(void)p; (void)u;
	return s * n;
}

static void
out_write(void)
{
	size_t off = 0;

	while (off < g.outlen) {
		ssize_t n = write(1, g.out + off, g.outlen - off);
		if (n <= 0) {
			perror("mcore: write");
			exit(1);
		}
		off += (size_t)n;
	}
	g.outlen = 0;
}

/* seq is finished: put its line in its slot, and if it is the head,
 * move every finished line from the head on into the output. */
static void
reorder_put(int64_t seq, long status)
{
	struct slot *s = &g.ring[seq % (int64_t)g.window];
	int64_t head;
	int i;

	lock(&g.out_mu);
	s->len = (unsigned char)snprintf(s->line, sizeof s->line, "%lld %ld\n",
	    (long long)seq, status);
	s->done = true;
	head = atomic_load(&g.head);
	if (seq != head) {
		unlock(&g.out_mu);
		return;
	}
	for (;;) {
		s = &g.ring[head % (int64_t)g.window];
		if (!s->done)
			break;
		memcpy(g.out + g.outlen, s->line, s->len);
		g.outlen += s->len;
		s->done = false;
		head++;
		if (g.outlen > OUT_FLUSH)
			out_write();
	}
	atomic_store(&g.head, head);
	unlock(&g.out_mu);
	/* Loops that found the window full: it moved. */
	for (i = 0; i < g.nloops; i++)
		if (atomic_exchange(&g.loops[i].want_wake, 0))
			event_active(g.loops[i].wake, EV_READ, 0);
}

/* Take up to nidle lines from the shared input, within the window. */
static void
start_more(struct loop *l)
{
	struct hd *batch[256];
	size_t n = 0, i;

	if (l->eof || l->nidle == 0)
		return;
	lock(&g.in_mu);
	while (n < l->nidle && n < 256 && !g.eof) {
		struct hd *d = l->idle[l->nidle - 1 - n];
		ssize_t len;

		if (g.next_seq >= atomic_load(&g.head) + (int64_t)g.window) {
			/* Full: ask to be woken, then look again (the
			 * head may have moved before we asked). */
			atomic_store(&l->want_wake, 1);
			if (g.next_seq >= atomic_load(&g.head) +
			    (int64_t)g.window)
				break;
			atomic_store(&l->want_wake, 0);
		}
		len = getline(&d->url, &d->cap, stdin);
		if (len < 0) {
			g.eof = true;
			break;
		}
		if (len > 0 && d->url[len - 1] == '\n')
			d->url[--len] = '\0';
		if (len == 0)
			continue;
		d->seq = g.next_seq++;
		batch[n++] = d;
	}
	if (g.eof)
		l->eof = true;
	unlock(&g.in_mu);
	l->nidle -= n;
	for (i = 0; i < n; i++) {
		curl_easy_setopt(batch[i]->h, CURLOPT_URL, batch[i]->url);
		curl_multi_add_handle(l->multi, batch[i]->h);
		l->live++;
	}
}

static void
check_done(struct loop *l)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(l->multi, &left)) != NULL) {
		struct hd *d;
		long code = 0;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &d);
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
		if (m->data.result != CURLE_OK)
			code = -1;
		curl_multi_remove_handle(l->multi, m->easy_handle);
		reorder_put(d->seq, code);
		l->idle[l->nidle++] = d;
		l->live--;
		l->done++;
	}
	start_more(l);
	if (l->eof && l->live == 0)
		event_base_loopbreak(l->base);
}

static void	on_socket(evutil_socket_t, short, void *);

static int
socket_cb(CURL *e, curl_socket_t s, int what, void *u, void *sp)
{
	struct loop *l = u;
	struct event *ev = sp;
	short kind;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (ev != NULL) {
			event_free(ev);
			curl_multi_assign(l->multi, s, NULL);
		}
		return 0;
	}
	kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
	    ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (ev != NULL) {
		event_del(ev);
		event_assign(ev, l->base, s, kind, on_socket, l);
	} else {
		ev = event_new(l->base, s, kind, on_socket, l);
		curl_multi_assign(l->multi, s, ev);
	}
	event_add(ev, NULL);
	return 0;
}

static void
on_socket(evutil_socket_t fd, short what, void *arg)
{
	struct loop *l = arg;
	int running, flags = ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
	    ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);

	curl_multi_socket_action(l->multi, fd, flags, &running);
	check_done(l);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct loop *l = arg;
	int running;

	(void)fd; (void)what;
	curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(l);
}

static int
timer_cb(CURLM *m, long ms, void *u)
{
	struct loop *l = u;
	struct timeval tv;

	(void)m;
	if (ms < 0)
		evtimer_del(l->timer);
	else {
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		evtimer_add(l->timer, &tv);
	}
	return 0;
}

static void
on_wake(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	check_done(arg);
}

static void
loop_init(struct loop *l, size_t c)
{
	size_t i;

	l->base = event_base_new();
	l->multi = curl_multi_init();
	l->timer = evtimer_new(l->base, on_timeout, l);
	l->wake = event_new(l->base, -1, 0, on_wake, l);
	if (l->base == NULL || l->multi == NULL || l->timer == NULL ||
	    l->wake == NULL) {
		fprintf(stderr, "mcore: out of memory\n");
		exit(1);
	}
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
	curl_multi_setopt(l->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
	curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, (long)c + 16);
	l->nhd = c;
	l->hds = calloc(c, sizeof(*l->hds));
	l->idle = calloc(c, sizeof(*l->idle));
	for (i = 0; i < c; i++) {
		struct hd *d = &l->hds[i];

		d->h = curl_easy_init();
		curl_easy_setopt(d->h, CURLOPT_PRIVATE, d);
		curl_easy_setopt(d->h, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(d->h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(d->h, CURLOPT_PROXY, "");
		curl_easy_setopt(d->h, CURLOPT_NOPROXY, "");
		curl_easy_setopt(d->h, CURLOPT_HTTPHEADER, g.headers);
		if (g.cacert != NULL)
			curl_easy_setopt(d->h, CURLOPT_CAINFO, g.cacert);
		if (g.fresh)
			curl_easy_setopt(d->h, CURLOPT_FORBID_REUSE, 1L);
		if (g.nocapath)
			curl_easy_setopt(d->h, CURLOPT_CAPATH, NULL);
		l->idle[l->nidle++] = d;
	}
}

static void
loop_free(struct loop *l)
{
	size_t i;

	for (i = 0; i < l->nhd; i++) {
		curl_easy_cleanup(l->hds[i].h);
		free(l->hds[i].url);
	}
	free(l->hds);
	free(l->idle);
	curl_multi_cleanup(l->multi);
	event_free(l->timer);
	event_free(l->wake);
	event_base_free(l->base);
}

static void *
loop_run(void *arg)
{
	struct loop *l = arg;

	start_more(l);
	/* A loop that found the window full has nothing live, and no
	 * event but its wake: the loop must not end for want of events. */
	if (!(l->eof && l->live == 0))
		event_base_loop(l->base, EVLOOP_NO_EXIT_ON_EMPTY);
	return NULL;
}

int
main(int argc, char **argv)
{
	size_t c = 50, window = 4096, per;
	int t = 1, k;
	sigset_t set;

	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "-t") && k + 1 < argc)
			t = atoi(argv[++k]);
		else if (!strcmp(argv[k], "-c") && k + 1 < argc)
			c = strtoul(argv[++k], NULL, 10);
		else if (!strcmp(argv[k], "-w") && k + 1 < argc)
			window = strtoul(argv[++k], NULL, 10);
		else if (!strcmp(argv[k], "-cacert") && k + 1 < argc)
			g.cacert = argv[++k];
		else if (!strcmp(argv[k], "-fresh"))
			g.fresh = true;
		else if (!strcmp(argv[k], "-nocapath"))
			g.nocapath = true;
		else {
			fprintf(stderr, "usage: mcore [-t THREADS] [-c N] "
			    "[-w WINDOW] [-cacert FILE] [-fresh] [-nocapath] "
			    "< urls\n");
			return 2;
		}
	}
	if (t < 1 || t > 64 || c < (size_t)t || window < c) {
		fprintf(stderr, "mcore: need 1 <= -t <= 64, -c >= -t, "
		    "-w >= -c\n");
		return 2;
	}
	verbose = getenv("MCORE_VERBOSE") != NULL;
	signal(SIGPIPE, SIG_IGN);
	/* Once, before any thread: libcurl's global state and libevent's
	 * locks (event_active from another thread needs them). */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	evthread_use_pthreads();
	pthread_mutex_init(&g.in_mu, NULL);
	pthread_mutex_init(&g.out_mu, NULL);
	g.window = window;
	g.ring = calloc(window, sizeof(*g.ring));
	g.out = malloc(OUT_FLUSH + LINE_MAX_OUT * window);
	g.headers = curl_slist_append(NULL, "User-Agent: volley-mcore/1");
	g.nloops = t;
	g.loops = calloc((size_t)t, sizeof(*g.loops));
	if (g.ring == NULL || g.out == NULL || g.loops == NULL) {
		fprintf(stderr, "mcore: out of memory\n");
		return 1;
	}
	per = c / (size_t)t;
	for (k = 0; k < t; k++) {
		g.loops[k].id = k;
		loop_init(&g.loops[k], per + ((size_t)k < c % (size_t)t));
	}
	/* Signals go to the main thread only (it just joins here). */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (k = 0; k < t; k++)
		pthread_create(&g.loops[k].tid, NULL, loop_run, &g.loops[k]);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	for (k = 0; k < t; k++)
		pthread_join(g.loops[k].tid, NULL);
	out_write();
	if (atomic_load(&g.head) != g.next_seq) {
		fprintf(stderr, "mcore: %lld lines read, %lld written\n",
		    (long long)g.next_seq, (long long)atomic_load(&g.head));
		return 1;
	}
	if (verbose) {
		for (k = 0; k < t; k++)
			fprintf(stderr, "mcore: loop %d did %lu\n", k,
			    g.loops[k].done);
		fprintf(stderr, "mcore: %lu lock acquisitions, %lu found the "
		    "lock taken, %lu held over %ld us; the others held "
		    "%.3f ms in all (%.0f ns per request)\n",
		    atomic_load(&locks), atomic_load(&waits),
		    atomic_load(&long_holds), LONG_HOLD_NS / 1000,
		    (double)atomic_load(&held_ns) / 1e6,
		    (double)atomic_load(&held_ns) / (double)(g.next_seq ?
		    g.next_seq : 1));
	}
	for (k = 0; k < t; k++)
		loop_free(&g.loops[k]);
	free(g.ring);
	free(g.out);
	free(g.loops);
	curl_slist_free_all(g.headers);
	curl_global_cleanup();
	return 0;
}
