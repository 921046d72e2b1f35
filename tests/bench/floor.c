/*
 * floor: the least a libcurl multi-socket client can do per request, to
 * measure what the linked libcurl costs on its own.  Not part of volley;
 * tests/bench/run.sh builds and runs it beside the real tools.
 *
 * One event_base drives curl_multi_socket_action; -c easy handles are
 * created once and reused; URLs are read from stdin with getline; bodies
 * are discarded; for each finished transfer one line with the status code
 * is written to stdout (so the floor still reports a result per URL, as
 * volley and curl -w do).  No header callback, no other getinfo.
 * CURLOPT_NOSIGNAL as in volley, so libcurl makes no signal calls.
 *
 *   floor [-c N] [-lean] [-opts] < urls
 *
 * By default it sends the request volley sends (User-Agent as a header
 * list entry, libcurl's default Accept; no proxy, so libcurl reads no
 * environment).
 * -lean drops the User-Agent and Accept headers too: the cheapest request
 * libcurl 7.88 can build.
 * -opts also sets, once per handle, the libcurl options volley sets for
 * such a run: a header callback that takes each line and does nothing
 * with it, --connect-timeout's default 10 s (CURLOPT_CONNECTTIMEOUT_MS), a
 * share of DNS and TLS sessions, an error buffer, the protocols,
 * CURLOPT_QUICK_EXIT, a body size limit.  What libcurl costs per request for what volley asks of it;
 * volley minus this is volley's own work.
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct event_base *base;
static CURLM *multi;
static struct event *timer;
static CURL **idle;
static size_t n_idle, live;
static int eof;
static char *line;
static size_t line_cap;
static struct curl_slist *headers;	/* the one header entry */

static size_t discard(char *p, size_t s, size_t n, void *u)
{
	(void)p; (void)u;
	return s * n;
}

/* -opts: what volley's xfer.c sets on each handle that a bare client
 * would not (the values of a default run) */
static CURLSH *share;
static char errbuf[CURL_ERROR_SIZE];

static void volley_opts(CURL *h)
{
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_SHARE, share);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_QUICK_EXIT, 1L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)10 * 1024 * 1024);
}

static void on_socket_event(evutil_socket_t fd, short what, void *arg);

static int socket_cb(CURL *e, curl_socket_t s, int what, void *u, void *sp)
{
	struct event *ev = sp;
	(void)e; (void)u;
	if (what == CURL_POLL_REMOVE) {
		if (ev) {
			event_free(ev);
			curl_multi_assign(multi, s, NULL);
		}
		return 0;
	}
	short kind = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) |
		((what & CURL_POLL_OUT) ? EV_WRITE : 0);
	if (ev) {
		event_del(ev);
		event_assign(ev, base, s, kind, on_socket_event, NULL);
	} else {
		ev = event_new(base, s, kind, on_socket_event, NULL);
		curl_multi_assign(multi, s, ev);
	}
	event_add(ev, NULL);
	return 0;
}

static void start_more(void)
{
	while (!eof && n_idle > 0) {
		ssize_t n = getline(&line, &line_cap, stdin);
		if (n < 0) {
			eof = 1;
			break;
		}
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		CURL *h = idle[--n_idle];
		curl_easy_setopt(h, CURLOPT_URL, line);
		curl_multi_add_handle(multi, h);
		live++;
	}
}

static void check_done(void)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		long code = 0;
		CURL *h = m->easy_handle;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		printf("%ld\n", m->data.result == CURLE_OK ? code : -1L);
		curl_multi_remove_handle(multi, h);
		idle[n_idle++] = h;
		live--;
	}
	start_more();
	if (eof && live == 0)
		event_base_loopbreak(base);
}

static void on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	int running, flags = ((what & EV_READ) ? CURL_CSELECT_IN : 0) |
		((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);
	(void)arg;
	curl_multi_socket_action(multi, fd, flags, &running);
	check_done();
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
	int running;
	(void)fd; (void)what; (void)arg;
	curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done();
}

static int timer_cb(CURLM *m, long ms, void *u)
{
	(void)m; (void)u;
	if (ms < 0) {
		evtimer_del(timer);
	} else {
		struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
		evtimer_add(timer, &tv);
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t c = 50;
	int lean = 0, opts = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			c = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "-lean"))
			lean = 1;
		else if (!strcmp(argv[i], "-opts"))
			opts = 1;
		else {
			fprintf(stderr, "usage: floor [-c N] [-lean] [-opts] < urls\n");
			return 2;
		}
	}
	if (c < 1)
		c = 1;
	signal(SIGPIPE, SIG_IGN);	/* with CURLOPT_NOSIGNAL, as volley */
	curl_global_init(CURL_GLOBAL_DEFAULT);
	base = event_base_new();
	multi = curl_multi_init();
	share = curl_share_init();
	curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	timer = evtimer_new(base, on_timeout, NULL);
	curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(multi, CURLMOPT_PIPELINING, (long)CURLPIPE_NOTHING);
	headers = curl_slist_append(NULL,
	    lean ? "Accept:" : "User-Agent: volley-floor/1");
	idle = calloc(c, sizeof *idle);
	for (size_t i = 0; i < c; i++) {
		CURL *h = curl_easy_init();
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_PROXY, "");
		curl_easy_setopt(h, CURLOPT_NOPROXY, "");
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
		if (opts)
			volley_opts(h);
		idle[n_idle++] = h;
	}
	start_more();
	if (live)
		event_base_dispatch(base);
	for (size_t i = 0; i < n_idle; i++)
		curl_easy_cleanup(idle[i]);
	free(idle);
	free(line);
	curl_slist_free_all(headers);
	event_free(timer);
	curl_multi_cleanup(multi);
	curl_share_cleanup(share);
	event_base_free(base);
	curl_global_cleanup();
	return 0;
}
