/*
 * fixture.c - the HTTP server volley's bats suite runs against.
 *
 * One process, one libevent loop, two loopback listeners on ephemeral ports:
 *  - the HTTP port (evhttp on 127.0.0.1, and on [::1] with the same port when
 *    it can) where the path picks the behaviour: JSON, status codes, delays,
 *    redirects, awkward bodies, huge headers, gzip, flaky endpoints,
 *    pagination chains, and request counters read back through /stats;
 *  - the raw port (evconnlistener + bufferevent) that writes hand-made,
 *    deliberately broken HTTP for the fault tests.
 * Delays are timers, never sleeps; big bodies are streamed in 64 KiB pieces
 * as the socket drains, never built in memory.  Every response survives the
 * client going away early.
 *
 * Usage: fixture [--daemon] [--log FILE].  It prints one line,
 * "FIXTURE_PORT=N FIXTURE_RAW_PORT=M FIXTURE_PID=P", once both ports listen.
 * tests/helper.bash wraps it; tests/05-fixture.bats tests it with curl.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <cjson/cJSON.h>
#include <zlib.h>

#define PIECE         65536                  /* streaming unit */
#define MAX_BYTES     200000000ULL           /* /bytes/N limit */
#define MAX_HEADERS   20000                  /* /headers/N limit */
#define MAX_BIGHEADER (16u * 1024 * 1024)    /* /bigheader/N limit */
#define MAX_DELAY_MS  3600000ULL             /* /delay/MS limit */
#define BOMB_SIZE     (200ULL * 1024 * 1024) /* /gzip-bomb, inflated */
#define BOMB_SEGMENT  (1024 * 1024)
#define KEY_BUCKETS   256
#define RAW_MAX_REQ   65536                  /* raw request head limit */
#define RAW_SLOW_SECS 120                    /* cap for the dribbling faults */
#define ENDLESS_LIMIT (4ULL << 30)           /* /endless stops here */
#define LIFETIME_SECS (30 * 60)              /* safety net */
#define HTTP_TIMEOUT_SECS 120

/* A per-key request counter: count[K] for every request with ?key=K. */
struct key_count {
	struct key_count *next;
	uint64_t count;
	char key[];
};

/*
 * A reply held back by a timer (/delay, /pg/slow).  evhttp keeps the request
 * attached to its connection while we hold it (it stops reading once a
 * request is complete, so a client that leaves is noticed only when the
 * reply is written), and frees it once answered or at evhttp_free.
 */
struct delay {
	struct evhttp_request *req; /* borrowed from evhttp */
	struct evbuffer *body;      /* owned until sent */
	struct event *timer;        /* owned */
	int code;
	int capped;                 /* a /capped request: leaves its count */
	char *until;                /* owned: /delay ?until= key, or NULL */
	uint64_t until_n;           /* answer once that key counts this many */
	struct delay *prev, *next;
};

/*
 * A /bytes/N body streamed in PIECE-sized chunks as the connection drains.
 * If the client leaves mid-body evhttp detaches the unfinished request from
 * the dying connection and hands it to us; stream_close_cb frees both.
 */
struct stream {
	struct evhttp_request *req;       /* borrowed; ours if detached */
	struct evhttp_connection *evcon;  /* borrowed */
	struct evbuffer *piece;           /* owned */
	uint64_t off, len;
};

/* Handler input for one HTTP request. */
struct call {
	struct evhttp_request *req;
	const char *path;       /* the URI's path, still percent-encoded */
	const char *rest;       /* path after a prefix route's prefix */
	struct evkeyvalq *q;    /* decoded query parameters */
};

struct route {
	const char *path; /* exact, or a prefix when it ends in '/' */
	void (*fn)(const struct call *);
	int counted;      /* counts in /stats; the introspection paths do not */
};

enum raw_state {
	RAW_READING,      /* waiting for the request head */
	RAW_ACTIVE,       /* behaviour running (ticks, endless, never) */
	RAW_FLUSH_CLOSE,  /* close cleanly once the output has drained */
	RAW_FLUSH_RST,    /* reset once the output has drained */
	RAW_LINGER        /* FIN sent; waiting for the peer's */
};

enum raw_mode { RAW_NONE, RAW_SLOW_HEADERS, RAW_TRICKLE, RAW_ENDLESS };

struct raw_conn {
	struct bufferevent *bev; /* owned; closes the socket */
	struct event *tick;      /* owned; only for the dribbling faults */
	enum raw_state state;
	enum raw_mode mode;
	uint64_t sent;           /* bytes written by ticks or /endless */
	unsigned ticks;
	struct raw_conn *prev, *next;
};

/* A raw route runs fn, or (fn NULL) sends reply as it stands and closes. */
struct raw_route {
	const char *path;
	void (*fn)(struct raw_conn *);
	const char *reply;
	size_t reply_len;
};
#define RAW_FN(p, f)		{.path = (p), .fn = (f)}
#define RAW_REPLY(p, lit)	{.path = (p), .reply = (lit), \
				 .reply_len = sizeof(lit) - 1}

static struct {
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *raw;       /* owned */
	struct evconnlistener *lev[3];    /* all listeners, for accept retry */
	int nlev;
	struct event *accept_retry;       /* owned */
	int http_port, raw_port;
	int log_requests;
	uint64_t requests, inflight, max_inflight;
	uint64_t capped, capped_max, capped_served, capped_rejected; /* /capped */
	struct key_count *keys[KEY_BUCKETS];
	struct delay *delays;             /* pending timed replies */
	struct raw_conn *raw_conns;       /* open raw connections */
	unsigned char *bomb;              /* owned; gzip of BOMB_SIZE zeros */
	size_t bomb_len;
	unsigned char *gz;                /* owned; gzip of {"gzip":true} */
	size_t gz_len;
	unsigned char broken[200];        /* gzip header + garbage */
	char pattern[PIECE + 26];         /* 'a'..'z' repeated */
	unsigned char binary[1024];       /* 0x00..0xff, four times */
} fx;

static const char usage_text[] =
    "usage: fixture [--daemon] [--log FILE]\n"
    "Serve volley's test endpoints on two ephemeral loopback ports and print\n"
    "FIXTURE_PORT=N FIXTURE_RAW_PORT=M FIXTURE_PID=P once both listen.\n"
    "  --daemon    detach once listening; the line carries the child's PID\n"
    "  --log FILE  append diagnostics and a request log to FILE\n";

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fixture: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* printf into a new string; NULL when out of memory.  Caller frees. */
static char *
strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---- small parsers and encoders ---- */

/* Parse s[0..n) as decimal digits only, within [lo, hi]: 0, else -1. */
static int
parse_num(const char *s, size_t n, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The number that starts s and runs to the next '/' or the end. */
static int
parse_segment(const char *s, uint64_t lo, uint64_t hi, uint64_t *out,
    const char **after)
{
	size_t n = strcspn(s, "/");

	if (after != NULL)
		*after = s + n;
	return parse_num(s, n, lo, hi, out);
}

/* Query parameter `name` as a number, `def` when absent: 0, else -1. */
static int
query_num(struct evkeyvalq *q, const char *name, uint64_t def, uint64_t lo,
    uint64_t hi, uint64_t *out)
{
	const char *v = evhttp_find_header(q, name);

	if (v == NULL) {
		*out = def;
		return 0;
	}
	return parse_num(v, strlen(v), lo, hi, out);
}

/* Length of the well-formed UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (n < len)
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Text cJSON can carry: valid UTF-8 without NUL (its printer stops there). */
static int
is_json_text(const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if (s[i] == 0)
			return 0;
		k = utf8_seq(s + i, n - i);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* A copy of s with each invalid UTF-8 byte replaced by U+FFFD. */
static char *
utf8_fix(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, o = 0, k;
	char *out = malloc(n * 3 + 1);

	if (out == NULL)
		return NULL;
	while (i < n) {
		k = utf8_seq(p + i, n - i);
		if (k == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, p + i, k);
			o += k;
			i += k;
		}
	}
	out[o] = '\0';
	return out;
}

static char *
base64(const unsigned char *s, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		*o++ = tab[s[i] >> 2];
		*o++ = tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		*o++ = tab[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
		*o++ = tab[s[i + 2] & 63];
	}
	if (n - i == 1) {
		*o++ = tab[s[i] >> 2];
		*o++ = tab[(s[i] & 3) << 4];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		*o++ = tab[s[i] >> 2];
		*o++ = tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		*o++ = tab[(s[i + 1] & 15) << 2];
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* Add s (any bytes) to obj as a string with invalid UTF-8 replaced. */
static void
json_add_text(cJSON *obj, const char *name, const char *s)
{
	char *fixed = utf8_fix(s);

	if (fixed != NULL)
		cJSON_AddStringToObject(obj, name, fixed);
	free(fixed);
}

/* ---- counters ---- */

static size_t
key_hash(const char *k)
{
	uint32_t h = 2166136261u;

	while (*k != '\0')
		h = (h ^ (unsigned char)*k++) * 16777619u;
	return h % KEY_BUCKETS;
}

static struct key_count *
key_find(const char *k)
{
	struct key_count *e;

	for (e = fx.keys[key_hash(k)]; e != NULL; e = e->next)
		if (strcmp(e->key, k) == 0)
			return e;
	return NULL;
}

/* Count one more request for key k; the new count, 0 if out of memory. */
static uint64_t
key_bump(const char *k)
{
	struct key_count *e = key_find(k);
	size_t len, h;

	if (e == NULL) {
		len = strlen(k);
		e = malloc(sizeof(*e) + len + 1);
		if (e == NULL)
			return 0;
		memcpy(e->key, k, len + 1);
		e->count = 0;
		h = key_hash(k);
		e->next = fx.keys[h];
		fx.keys[h] = e;
	}
	return ++e->count;
}

static void
keys_clear(void)
{
	struct key_count *e, *next;
	size_t i;

	for (i = 0; i < KEY_BUCKETS; i++) {
		for (e = fx.keys[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
		fx.keys[i] = NULL;
	}
}

static void
stats_begin(void)
{
	fx.requests++;
	fx.inflight++;
	if (fx.inflight > fx.max_inflight)
		fx.max_inflight = fx.inflight;
}

static void
stats_end(void)
{
	if (fx.inflight > 0)
		fx.inflight--;
}

/* ---- replies ---- */

/*
 * Send code with body (may be NULL; the caller keeps ownership) and, when
 * ctype is given, that Content-Type.  `counted` requests leave the in-flight
 * gauge here.
 */
static void
send_buf(struct evhttp_request *req, int code, const char *ctype,
    struct evbuffer *body, int counted)
{
	if (ctype != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Content-Type", ctype);
	evhttp_send_reply(req, code, NULL, body);
	if (counted)
		stats_end();
}

/* obj printed into a new buffer; consumes obj.  NULL if out of memory. */
static struct evbuffer *
json_buf(cJSON *obj)
{
	char *text = obj != NULL ? cJSON_PrintUnformatted(obj) : NULL;
	struct evbuffer *buf = text != NULL ? evbuffer_new() : NULL;

	cJSON_Delete(obj);
	if (buf != NULL && evbuffer_add(buf, text, strlen(text)) != 0) {
		evbuffer_free(buf);
		buf = NULL;
	}
	cJSON_free(text);
	return buf;
}

static void
send_json(struct evhttp_request *req, int code, cJSON *obj, int counted)
{
	static const char oom[] = "{\"error\":\"out of memory\"}";
	struct evbuffer *buf = json_buf(obj);

	if (buf == NULL) {
		buf = evbuffer_new();
		code = 500;
		if (buf != NULL)
			evbuffer_add(buf, oom, sizeof(oom) - 1);
	}
	send_buf(req, code, "application/json", buf, counted);
	if (buf != NULL)
		evbuffer_free(buf);
}

static void
reply_json(struct evhttp_request *req, int code, cJSON *obj)
{
	send_json(req, code, obj, 1);
}

/* Reply with static data without copying it. */
static void
reply_static(struct evhttp_request *req, const char *ctype, const void *data,
    size_t len)
{
	struct evbuffer *buf = evbuffer_new();

	if (buf == NULL || evbuffer_add_reference(buf, data, len, NULL, NULL)) {
		if (buf != NULL)
			evbuffer_free(buf);
		send_json(req, 500, NULL, 1);
		return;
	}
	send_buf(req, 200, ctype, buf, 1);
	evbuffer_free(buf);
}

static void
reply_error(struct evhttp_request *req, int code, const char *msg, int counted)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "error", msg);
	send_json(req, code, o, counted);
}

static void
delay_unlink(struct delay *d)
{
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		fx.delays = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
}

static void
delay_free(struct delay *d)
{
	if (d == NULL)
		return;
	if (d->timer != NULL)
		event_free(d->timer);
	if (d->body != NULL)
		evbuffer_free(d->body);
	free(d->until);
	free(d);
}

static void
delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct delay *d = arg;

	delay_unlink(d);
	if (d->capped && fx.capped > 0)
		fx.capped--;
	send_buf(d->req, d->code, NULL, d->body, 1);
	delay_free(d);
}

/*
 * Send code + body (consumed; JSON) after ms milliseconds.  The pending
 * reply, or NULL if it could not be made (a 500 is sent then).
 */
static struct delay *
reply_later(struct evhttp_request *req, int code, struct evbuffer *body,
    uint64_t ms)
{
	struct delay *d = calloc(1, sizeof(*d));
	struct timeval tv;

	if (d == NULL || body == NULL)
		goto fail;
	d->req = req;
	d->code = code;
	d->body = body;
	d->timer = evtimer_new(fx.base, delay_cb, d);
	if (d->timer == NULL)
		goto fail;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000 * 1000);
	if (evtimer_add(d->timer, &tv) != 0)
		goto fail;
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	d->next = fx.delays;
	if (fx.delays != NULL)
		fx.delays->prev = d;
	fx.delays = d;
	return d;
fail:
	if (d != NULL)
		d->body = NULL; /* freed below, once */
	delay_free(d);
	if (body != NULL)
		evbuffer_free(body);
	send_json(req, 500, NULL, 1);
	return NULL;
}

/* Answer now the /delay replies waiting for key k to count n requests. */
static void
delays_release(const char *k, uint64_t n)
{
	struct delay *d;

	for (d = fx.delays; d != NULL; d = d->next) {
		if (d->until == NULL || n < d->until_n || strcmp(d->until, k) != 0)
			continue;
		free(d->until);
		d->until = NULL;
		event_active(d->timer, EV_TIMEOUT, 1);
	}
}

/* ---- HTTP handlers ---- */

static void
h_stats(const struct call *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "requests", (double)fx.requests);
	cJSON_AddNumberToObject(o, "inflight", (double)fx.inflight);
	cJSON_AddNumberToObject(o, "max_inflight", (double)fx.max_inflight);
	send_json(c->req, 200, o, 0);
}

/* In-flight is a gauge, not a counter: requests still pending stay in it. */
static void
h_reset(const struct call *c)
{
	fx.requests = 0;
	fx.max_inflight = fx.inflight;
	fx.capped_max = fx.capped;
	fx.capped_served = fx.capped_rejected = 0;
	keys_clear();
	send_json(c->req, 200, cJSON_CreateObject(), 0);
}

static void
h_count(const struct call *c)
{
	const char *k = evhttp_find_header(c->q, "key");
	struct key_count *e;
	cJSON *o;

	if (k == NULL) {
		reply_error(c->req, 400, "key required", 0);
		return;
	}
	e = key_find(k);
	o = cJSON_CreateObject();
	json_add_text(o, "key", k);
	cJSON_AddNumberToObject(o, "count", e != NULL ? (double)e->count : 0);
	send_json(c->req, 200, o, 0);
}

static void
h_json(const struct call *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddTrueToObject(o, "ok");
	json_add_text(o, "path", c->path);
	reply_json(c->req, 200, o);
}

static void
h_status(const struct call *c)
{
	uint64_t code;
	cJSON *o;

	if (parse_num(c->rest, strlen(c->rest), 100, 599, &code) != 0) {
		reply_error(c->req, 400, "status must be 100..599", 1);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "status", (double)code);
	reply_json(c->req, (int)code, o);
}

/* /items/N: a JSON array of N small objects, for --flatten. */
static void
h_items(const struct call *c)
{
	struct evbuffer *buf;
	uint64_t n, i;
	int bad = 0;

	if (parse_num(c->rest, strlen(c->rest), 0, 10000000, &n) != 0) {
		reply_error(c->req, 400, "items must be 0..10000000", 1);
		return;
	}
	if ((buf = evbuffer_new()) == NULL) {
		send_json(c->req, 500, NULL, 1);
		return;
	}
	bad |= evbuffer_add(buf, "[", 1);
	for (i = 0; i < n && !bad; i++)
		bad |= evbuffer_add_printf(buf, "%s{\"i\":%" PRIu64
		    ",\"s\":\"item %" PRIu64 " of a long page\"}",
		    i ? "," : "", i, i) < 0;
	bad |= evbuffer_add(buf, "]", 1);
	if (bad)
		send_json(c->req, 500, NULL, 1);
	else
		send_buf(c->req, 200, "application/json", buf, 1);
	evbuffer_free(buf);
}

/*
 * /delay/MS answers {"delayed":MS} after MS ms; with ?until=K&count=N, as
 * soon as N requests have carried key=K (since the last /reset) if that
 * comes first: a reply held until an event, with MS as its bound.  With
 * ?to=URL the answer after MS is a 302 to URL (a slow first hop).
 */
static void
h_delay(const struct call *c)
{
	const char *until = evhttp_find_header(c->q, "until");
	const char *to = evhttp_find_header(c->q, "to");
	struct key_count *e;
	struct delay *d;
	uint64_t ms, n = 0;
	cJSON *o;
	const char *after;

	if (parse_segment(c->rest, 0, MAX_DELAY_MS, &ms, &after) != 0) {
		reply_error(c->req, 400, "bad delay", 1);
		return;
	}
	if (until != NULL && (evhttp_find_header(c->q, "count") == NULL ||
	    query_num(c->q, "count", 0, 1, UINT32_MAX, &n) != 0)) {
		reply_error(c->req, 400, "want ?until=KEY&count=N", 1);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "delayed", (double)ms);
	if (to != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(c->req),
		    "Location", to);
	if ((d = reply_later(c->req, to != NULL ? 302 : 200, json_buf(o),
	    ms)) == NULL || until == NULL)
		return;
	if ((e = key_find(until)) != NULL && e->count >= n) {
		event_active(d->timer, EV_TIMEOUT, 1);
		return;
	}
	if ((d->until = strdup(until)) == NULL)
		return; /* answered at ms */
	d->until_n = n;
}

/*
 * /capped/N: at most N requests held at once (for ?ms=, default 50); one
 * more is answered 429 at once (with Retry-After: ?ra= when given), as a
 * server that serves N at a time.  /capped-stats reads the counts.
 */
static void
h_capped(const struct call *c)
{
	const char *ra = evhttp_find_header(c->q, "ra");
	uint64_t n, ms;
	cJSON *o;

	if (parse_num(c->rest, strlen(c->rest), 1, 100000, &n) != 0 ||
	    query_num(c->q, "ms", 50, 0, MAX_DELAY_MS, &ms) != 0) {
		reply_error(c->req, 400, "want /capped/N?ms=MS", 1);
		return;
	}
	o = cJSON_CreateObject();
	if (fx.capped >= n) {
		fx.capped_rejected++;
		if (ra != NULL)
			evhttp_add_header(evhttp_request_get_output_headers(
			    c->req), "Retry-After", ra);
		cJSON_AddNumberToObject(o, "status", 429);
		reply_json(c->req, 429, o);
		return;
	}
	fx.capped_served++;
	if (++fx.capped > fx.capped_max)
		fx.capped_max = fx.capped;
	cJSON_AddNumberToObject(o, "held", (double)ms);
	reply_later(c->req, 200, json_buf(o), ms);
	if (fx.delays != NULL && fx.delays->req == c->req)
		fx.delays->capped = 1;
	else
		fx.capped--;	/* answered already (500) */
}

static void
h_capped_stats(const struct call *c)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "inflight", (double)fx.capped);
	cJSON_AddNumberToObject(o, "max", (double)fx.capped_max);
	cJSON_AddNumberToObject(o, "served", (double)fx.capped_served);
	cJSON_AddNumberToObject(o, "rejected", (double)fx.capped_rejected);
	send_json(c->req, 200, o, 0);
}

static const char *
method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	}
	return "UNKNOWN";
}

/* Add header name: value to obj, joining a repeated name with ", ". */
static int
echo_header(cJSON *obj, const char *rawname, const char *rawvalue)
{
	char *name = utf8_fix(rawname), *value = utf8_fix(rawvalue);
	char *joined = NULL;
	cJSON *prev;
	int rc = -1;

	if (name == NULL || value == NULL)
		goto out;
	prev = cJSON_GetObjectItem(obj, name); /* case-insensitive */
	if (prev != NULL && cJSON_IsString(prev)) {
		joined = strf("%s, %s", prev->valuestring, value);
		if (joined == NULL || cJSON_SetValuestring(prev, joined) == NULL)
			goto out;
	} else if (cJSON_AddStringToObject(obj, name, value) == NULL) {
		goto out;
	}
	rc = 0;
out:
	free(joined);
	free(name);
	free(value);
	return rc;
}

static void
h_echo(const struct call *c)
{
	struct evhttp_request *req = c->req;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	const unsigned char *body = evbuffer_pullup(in, -1);
	struct evkeyval *kv;
	cJSON *o = cJSON_CreateObject(), *h;
	char *s;

	cJSON_AddStringToObject(o, "method",
	    method_name(evhttp_request_get_command(req)));
	json_add_text(o, "uri", evhttp_request_get_uri(req));
	h = cJSON_AddObjectToObject(o, "headers");
	for (kv = evhttp_request_get_input_headers(req)->tqh_first; kv != NULL;
	    kv = kv->next.tqe_next) {
		if (h == NULL || echo_header(h, kv->key, kv->value) != 0) {
			cJSON_Delete(o);
			send_json(req, 500, NULL, 1);
			return;
		}
	}
	if (n > 0 && body == NULL) {
		cJSON_Delete(o);
		send_json(req, 500, NULL, 1);
		return;
	}
	if (is_json_text(body, n)) {
		s = malloc(n + 1);
		if (s != NULL) {
			if (n > 0)
				memcpy(s, body, n);
			s[n] = '\0';
			cJSON_AddStringToObject(o, "body", s);
		}
	} else {
		s = base64(body, n);
		if (s != NULL)
			cJSON_AddStringToObject(o, "body_base64", s);
	}
	if (s == NULL) {
		cJSON_Delete(o);
		o = NULL; /* send_json answers 500 */
	}
	free(s);
	reply_json(req, 200, o);
}

static void
redirect(struct evhttp_request *req, int code, const char *location)
{
	cJSON *o;

	if (evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Location", location) != 0) {
		reply_error(req, 400, "bad location", 1);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "status", code);
	reply_json(req, code, o);
}

static void
h_redirect(const struct call *c)
{
	uint64_t n;
	char loc[64];

	if (parse_num(c->rest, strlen(c->rest), 0, 1000000000, &n) != 0) {
		reply_error(c->req, 400, "bad redirect count", 1);
		return;
	}
	if (n == 0)
		snprintf(loc, sizeof(loc), "/json");
	else
		snprintf(loc, sizeof(loc), "/redirect/%" PRIu64, n - 1);
	redirect(c->req, 302, loc);
}

static void
h_redirect_to(const struct call *c)
{
	const char *url = evhttp_find_header(c->q, "url");
	uint64_t code;

	if (url == NULL ||
	    query_num(c->q, "status", 302, 100, 599, &code) != 0) {
		reply_error(c->req, 400, "need url and status 100..599", 1);
		return;
	}
	redirect(c->req, (int)code, url);
}

static void
h_redirect_loop(const struct call *c)
{
	redirect(c->req, 302, "/redirect-loop");
}

static void
h_redirect_echo(const struct call *c)
{
	redirect(c->req, 302, "/echo");
}

static void
h_binary(const struct call *c)
{
	reply_static(c->req, "application/octet-stream", fx.binary,
	    sizeof(fx.binary));
}

static void
h_latin1(const struct call *c)
{
	static const char body[] = "caf\xe9 na\xefve\n";

	reply_static(c->req, "text/plain; charset=iso-8859-1", body,
	    sizeof(body) - 1);
}

static void
h_text(const struct call *c)
{
	reply_static(c->req, "text/plain", "hello\n", 6);
}

static void
h_empty(const struct call *c)
{
	send_buf(c->req, 200, "text/plain", NULL, 1);
}

static void
h_nocontent(const struct call *c)
{
	send_buf(c->req, 204, NULL, NULL, 1);
}

static void
h_ctrl(const struct call *c)
{
	static const char body[] =
	    "plain text; esc=\x1b[31m; del=\x7f; ls=\xe2\x80\xa8; nul=\0; "
	    "tab=\t; cr=\r; end\n";

	reply_static(c->req, "text/plain", body, sizeof(body) - 1);
}

static void
h_notjson(const struct call *c)
{
	static const char body[] = "{\"broken\": ";

	reply_static(c->req, "application/json", body, sizeof(body) - 1);
}

static void
h_bignum(const struct call *c)
{
	static const char body[] =
	    "{\"n\":12345678901234567890123,\"f\":1.000000000000000000001}";

	reply_static(c->req, "application/json", body, sizeof(body) - 1);
}

static void
stream_free(struct stream *st)
{
	if (st->piece != NULL)
		evbuffer_free(st->piece);
	free(st);
}

/* The connection under a /bytes stream is going away mid-body. */
static void
stream_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct stream *st = arg;

	/* Detached by evhttp (client left): the request is ours to free.
	 * Still attached (evhttp_free at exit): evhttp frees it. */
	if (evhttp_request_get_connection(st->req) == NULL)
		evhttp_request_free(st->req);
	stream_free(st);
	stats_end();
}

/* Queue the next piece; its callback runs once the socket has taken it. */
static void
stream_push(struct stream *st);

static void
stream_more_cb(struct evhttp_connection *evcon, void *arg)
{
	struct stream *st = arg;

	if (st->off < st->len) {
		stream_push(st);
		return;
	}
	evhttp_connection_set_closecb(st->evcon, NULL, NULL);
	evhttp_send_reply_end(st->req);
	stream_free(st);
	stats_end();
}

static void
stream_push(struct stream *st)
{
	uint64_t left = st->len - st->off;
	size_t n = left < PIECE ? (size_t)left : PIECE;

	evbuffer_add_reference(st->piece, fx.pattern + st->off % 26, n, NULL,
	    NULL);
	st->off += n;
	evhttp_send_reply_chunk_with_cb(st->req, st->piece, stream_more_cb, st);
}

static void
h_bytes(const struct call *c)
{
	struct evhttp_request *req = c->req;
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	struct stream *st;
	uint64_t n;
	char len[24];

	if (parse_num(c->rest, strlen(c->rest), 0, MAX_BYTES, &n) != 0) {
		reply_error(req, 400, "bytes must be 0..200000000", 1);
		return;
	}
	if (n <= PIECE) {
		reply_static(req, "text/plain", fx.pattern, (size_t)n);
		return;
	}
	snprintf(len, sizeof(len), "%" PRIu64, n);
	evhttp_add_header(out, "Content-Type", "text/plain");
	evhttp_add_header(out, "Content-Length", len);
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		send_buf(req, 200, NULL, NULL, 1);
		return;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL || (st->piece = evbuffer_new()) == NULL) {
		free(st);
		evhttp_remove_header(out, "Content-Length");
		send_json(req, 500, NULL, 1);
		return;
	}
	st->req = req;
	st->evcon = evhttp_request_get_connection(req);
	st->len = n;
	evhttp_connection_set_closecb(st->evcon, stream_close_cb, st);
	evhttp_send_reply_start(req, 200, NULL);
	stream_push(st);
}

static void
h_headers(const struct call *c)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(c->req);
	uint64_t n, i;
	char name[32], value[24];
	cJSON *o;

	if (parse_num(c->rest, strlen(c->rest), 0, MAX_HEADERS, &n) != 0) {
		reply_error(c->req, 400, "headers must be 0..20000", 1);
		return;
	}
	for (i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "X-H-%" PRIu64, i);
		snprintf(value, sizeof(value), "%" PRIu64, i);
		evhttp_add_header(out, name, value);
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "headers", (double)n);
	reply_json(c->req, 200, o);
}

static void
h_bigheader(const struct call *c)
{
	uint64_t n;
	char *v;
	cJSON *o;

	if (parse_num(c->rest, strlen(c->rest), 0, MAX_BIGHEADER, &n) != 0) {
		reply_error(c->req, 400, "bigheader must be 0..16777216", 1);
		return;
	}
	v = malloc((size_t)n + 1);
	if (v == NULL) {
		send_json(c->req, 500, NULL, 1);
		return;
	}
	memset(v, 'x', (size_t)n);
	v[n] = '\0';
	evhttp_add_header(evhttp_request_get_output_headers(c->req), "X-Big",
	    v);
	free(v);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "bigheader", (double)n);
	reply_json(c->req, 200, o);
}

static void
add_gzip_encoding(struct evhttp_request *req)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Encoding", "gzip");
}

static void
h_gzip(const struct call *c)
{
	add_gzip_encoding(c->req);
	reply_static(c->req, "application/json", fx.gz, fx.gz_len);
}

static void
h_gzip_bomb(const struct call *c)
{
	add_gzip_encoding(c->req);
	reply_static(c->req, "application/octet-stream", fx.bomb, fx.bomb_len);
}

static void
h_gzip_broken(const struct call *c)
{
	add_gzip_encoding(c->req);
	reply_static(c->req, "application/json", fx.broken,
	    sizeof(fx.broken));
}

static void
h_flaky(const struct call *c)
{
	const char *key = evhttp_find_header(c->q, "key");
	const char *ra = evhttp_find_header(c->q, "ra");
	const char *after;
	struct key_count *e;
	uint64_t k, s, attempt;
	cJSON *o;

	if (parse_segment(c->rest, 0, 1000000, &k, &after) != 0 ||
	    *after != '/' ||
	    parse_num(after + 1, strlen(after + 1), 100, 599, &s) != 0) {
		reply_error(c->req, 400, "want /flaky/K/S", 1);
		return;
	}
	/* With ?key= the request was counted on arrival; without, count it
	 * under the empty key. */
	if (key != NULL) {
		e = key_find(key);
		attempt = e != NULL ? e->count : 0;
	} else {
		attempt = key_bump("");
	}
	if (attempt == 0) { /* the counter could not be allocated */
		send_json(c->req, 500, NULL, 1);
		return;
	}
	o = cJSON_CreateObject();
	if (attempt > k) {
		cJSON_AddTrueToObject(o, "ok");
		cJSON_AddNumberToObject(o, "attempt", (double)attempt);
		reply_json(c->req, 200, o);
		return;
	}
	if (ra != NULL && evhttp_add_header(evhttp_request_get_output_headers(
	    c->req), "Retry-After", ra) != 0) {
		cJSON_Delete(o);
		reply_error(c->req, 400, "bad ra", 1);
		return;
	}
	cJSON_AddNumberToObject(o, "status", (double)s);
	cJSON_AddNumberToObject(o, "attempt", (double)attempt);
	reply_json(c->req, (int)s, o);
}

static void
h_header_echo(const struct call *c)
{
	const char *name = evhttp_find_header(c->q, "name");
	const char *value = evhttp_find_header(c->q, "value");
	const char *name2 = evhttp_find_header(c->q, "name2");
	const char *value2 = evhttp_find_header(c->q, "value2");

	if (name == NULL || value == NULL || *name == '\0' ||
	    evhttp_add_header(evhttp_request_get_output_headers(c->req), name,
	    value) != 0 || (name2 != NULL && (value2 == NULL ||
	    evhttp_add_header(evhttp_request_get_output_headers(c->req), name2,
	    value2) != 0))) {
		reply_error(c->req, 400, "need a valid name and value", 1);
		return;
	}
	reply_json(c->req, 200, cJSON_CreateObject());
}

static void
h_link(const struct call *c)
{
	const char *rel = evhttp_find_header(c->q, "rel");
	const char *to = evhttp_find_header(c->q, "to");
	char *v;
	int rc;

	if (to == NULL) {
		reply_error(c->req, 400, "need to=URL", 1);
		return;
	}
	v = strf("<%s>; rel=\"%s\"", to, rel != NULL ? rel : "next");
	if (v == NULL) {
		send_json(c->req, 500, NULL, 1);
		return;
	}
	rc = evhttp_add_header(evhttp_request_get_output_headers(c->req),
	    "Link", v);
	free(v);
	if (rc != 0) {
		reply_error(c->req, 400, "bad link", 1);
		return;
	}
	reply_json(c->req, 200, cJSON_CreateArray());
}

/* ---- pagination ---- */

struct pg {
	uint64_t page, n, chain;
	char *key; /* owned; "&key=<encoded>" or "" so next links keep it */
};

static int
pg_args(const struct call *c, struct pg *p)
{
	const char *key = evhttp_find_header(c->q, "key");
	char *enc;

	p->key = NULL;
	if (query_num(c->q, "page", 1, 1, 1000000000, &p->page) != 0 ||
	    query_num(c->q, "n", 3, 0, 1000000000, &p->n) != 0 ||
	    query_num(c->q, "chain", 0, 0, 1000000000, &p->chain) != 0) {
		reply_error(c->req, 400, "bad page, n or chain", 1);
		return -1;
	}
	enc = key != NULL ? evhttp_encode_uri(key) : NULL;
	p->key = key == NULL ? strdup("") : enc ? strf("&key=%s", enc) : NULL;
	free(enc);
	if (p->key == NULL) {
		send_json(c->req, 500, NULL, 1);
		return -1;
	}
	return 0;
}

/* Page p's items: "c<chain>-p<page>-i<k>" for k = 1, 2; none past the end. */
static cJSON *
pg_items(const struct pg *p)
{
	cJSON *a = cJSON_CreateArray();
	char item[80];
	int k;

	if (p->page > p->n)
		return a;
	for (k = 1; k <= 2; k++) {
		snprintf(item, sizeof(item), "c%" PRIu64 "-p%" PRIu64 "-i%d",
		    p->chain, p->page, k);
		cJSON_AddItemToArray(a, cJSON_CreateString(item));
	}
	return a;
}

/* "<prefix>?page=P&n=N&chain=C<extra><key>"; NULL if out of memory. */
static char *
pg_url(const char *prefix, uint64_t page, const struct pg *p,
    const char *extra)
{
	return strf("%s?page=%" PRIu64 "&n=%" PRIu64 "&chain=%" PRIu64 "%s%s",
	    prefix, page, p->n, p->chain, extra, p->key);
}

static void
h_pg_link(const struct call *c)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(c->req);
	struct pg p;
	char *first = NULL, *last = NULL, *next = NULL, *v = NULL;
	char *v2 = NULL;

	if (pg_args(c, &p) != 0)
		return;
	first = pg_url("/pg/link", 1, &p, "");
	last = pg_url("/pg/link", p.n > 0 ? p.n : 1, &p, "");
	if (p.page >= p.n) {
		v = first ? strf("<%s>; rel=\"first\"", first) : NULL;
	} else if (p.page % 2 == 0) {
		next = pg_url("/pg/link", p.page + 1, &p, "");
		if (first && next && last)
			v = strf("<%s>; rel=\"first\", <%s>; rel=\"next\", "
			    "<%s>; rel=\"last\"", first, next, last);
	} else {
		/* Odd pages: next in its own header, unquoted, relative to
		 * the current path. */
		next = pg_url("link", p.page + 1, &p, "");
		if (first && last)
			v = strf("<%s>; rel=\"first\", <%s>; rel=\"last\"",
			    first, last);
		if (next)
			v2 = strf("<%s>; rel=next", next);
		if (v2 == NULL) {
			free(v);
			v = NULL;
		}
	}
	if (v == NULL) {
		send_json(c->req, 500, NULL, 1);
	} else {
		evhttp_add_header(out, "Link", v);
		if (v2 != NULL)
			evhttp_add_header(out, "Link", v2);
		reply_json(c->req, 200, pg_items(&p));
	}
	free(first);
	free(last);
	free(next);
	free(v);
	free(v2);
	free(p.key);
}

/*
 * {"data":[items],"links":{"next":URL|null}} for /pg/field, /pg/fail and
 * /pg/slow; `extra` holds the endpoint's own parameters for the next URL.
 */
static void
pg_field_like(const struct call *c, const char *name, int absolute,
    const char *extra, uint64_t delay_ms, int fail_page)
{
	struct pg p;
	cJSON *o, *links;
	char *prefix = NULL, *next = NULL;

	if (pg_args(c, &p) != 0)
		return;
	if (fail_page != 0 && p.page == (uint64_t)fail_page) {
		free(p.key);
		reply_error(c->req, 500, "boom", 1);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "data", pg_items(&p));
	links = cJSON_AddObjectToObject(o, "links");
	if (p.page < p.n) {
		prefix = absolute ? strf("http://127.0.0.1:%d%s", fx.http_port,
		    name) : strdup(name);
		next = prefix != NULL ? pg_url(prefix, p.page + 1, &p, extra)
		    : NULL;
		if (next == NULL) {
			cJSON_Delete(o);
			o = NULL; /* answers 500 */
		} else {
			cJSON_AddStringToObject(links, "next", next);
		}
	} else {
		cJSON_AddNullToObject(links, "next");
	}
	if (delay_ms > 0)
		reply_later(c->req, 200, json_buf(o), delay_ms);
	else
		reply_json(c->req, 200, o);
	free(prefix);
	free(next);
	free(p.key);
}

static void
h_pg_field(const struct call *c)
{
	uint64_t abs_;

	if (query_num(c->q, "abs", 0, 0, 1, &abs_) != 0) {
		reply_error(c->req, 400, "abs must be 0 or 1", 1);
		return;
	}
	pg_field_like(c, "/pg/field", (int)abs_, abs_ ? "&abs=1" : "&abs=0", 0,
	    0);
}

static void
h_pg_fail(const struct call *c)
{
	pg_field_like(c, "/pg/fail", 0, "", 0, 2);
}

static void
h_pg_slow(const struct call *c)
{
	uint64_t ms;
	char extra[40];

	if (query_num(c->q, "ms", 100, 0, MAX_DELAY_MS, &ms) != 0) {
		reply_error(c->req, 400, "bad ms", 1);
		return;
	}
	snprintf(extra, sizeof(extra), "&ms=%" PRIu64, ms);
	pg_field_like(c, "/pg/slow", 0, extra, ms, 0);
}

static void
h_pg_num(const struct call *c)
{
	const char *other = evhttp_find_header(c->q, "other");
	struct pg p;
	cJSON *o;

	if (pg_args(c, &p) != 0)
		return;
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "items", pg_items(&p));
	if (other != NULL)
		json_add_text(o, "other", other);
	else
		cJSON_AddNullToObject(o, "other");
	reply_json(c->req, 200, o);
	free(p.key);
}

static void
h_pg_cursor(const struct call *c)
{
	const char *cur = evhttp_find_header(c->q, "cursor");
	struct pg p;
	cJSON *o, *meta;
	char next[32];

	if (pg_args(c, &p) != 0)
		return;
	if (cur != NULL && (cur[0] != 'c' || parse_num(cur + 1,
	    strlen(cur + 1), 1, 1000000000, &p.page) != 0)) {
		free(p.key);
		reply_error(c->req, 400, "cursor must be c<page>", 1);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "items", pg_items(&p));
	meta = cJSON_AddObjectToObject(o, "meta");
	if (p.page < p.n) {
		snprintf(next, sizeof(next), "c%" PRIu64, p.page + 1);
		cJSON_AddStringToObject(meta, "next_cursor", next);
	} else {
		cJSON_AddNullToObject(meta, "next_cursor");
	}
	reply_json(c->req, 200, o);
	free(p.key);
}

static void
h_pg_loop(const struct call *c)
{
	cJSON *o = cJSON_CreateObject(), *items;

	evhttp_add_header(evhttp_request_get_output_headers(c->req), "Link",
	    "</pg/loop?page=1>; rel=\"next\"");
	items = cJSON_AddArrayToObject(o, "items");
	cJSON_AddItemToArray(items, cJSON_CreateNumber(1));
	cJSON_AddStringToObject(o, "next", "/pg/loop?page=1");
	reply_json(c->req, 200, o);
}

/* /body?hex=HEX[&link=URL]: exactly the bytes given in hex, as
 * application/json, with a Link rel="next" header when link is given. */
static void
h_body(const struct call *c)
{
	const char *hex = evhttp_find_header(c->q, "hex");
	const char *link = evhttp_find_header(c->q, "link");
	struct evbuffer *buf = evbuffer_new();
	size_t i, n;

	if (buf == NULL || hex == NULL || (n = strlen(hex)) % 2 != 0) {
		if (buf != NULL)
			evbuffer_free(buf);
		reply_error(c->req, 400, "need hex=, an even number of digits", 1);
		return;
	}
	for (i = 0; i < n; i += 2) {
		char two[3] = {hex[i], hex[i + 1], '\0'}, *end;
		unsigned char b = (unsigned char)strtoul(two, &end, 16);

		if (*end != '\0') {
			evbuffer_free(buf);
			reply_error(c->req, 400, "bad hex digit", 1);
			return;
		}
		evbuffer_add(buf, &b, 1);
	}
	if (link != NULL) {
		char h[1024];

		snprintf(h, sizeof h, "<%s>; rel=\"next\"", link);
		evhttp_add_header(evhttp_request_get_output_headers(c->req),
		    "Link", h);
	}
	send_buf(c->req, 200, "application/json", buf, 1);
	evbuffer_free(buf);
}

static const struct route routes[] = {
	{"/body", h_body, 1},
	{"/stats", h_stats, 0},
	{"/reset", h_reset, 0},
	{"/count", h_count, 0},
	{"/json", h_json, 1},
	{"/json/", h_json, 1},
	{"/status/", h_status, 1},
	{"/delay/", h_delay, 1},
	{"/capped/", h_capped, 1},
	{"/capped-stats", h_capped_stats, 0},
	{"/items/", h_items, 1},
	{"/echo", h_echo, 1},
	{"/redirect/", h_redirect, 1},
	{"/redirect-to", h_redirect_to, 1},
	{"/redirect-loop", h_redirect_loop, 1},
	{"/redirect-echo", h_redirect_echo, 1},
	{"/binary", h_binary, 1},
	{"/latin1", h_latin1, 1},
	{"/text", h_text, 1},
	{"/empty", h_empty, 1},
	{"/nocontent", h_nocontent, 1},
	{"/ctrl", h_ctrl, 1},
	{"/notjson", h_notjson, 1},
	{"/bignum", h_bignum, 1},
	{"/bytes/", h_bytes, 1},
	{"/headers/", h_headers, 1},
	{"/bigheader/", h_bigheader, 1},
	{"/gzip", h_gzip, 1},
	{"/gzip-bomb", h_gzip_bomb, 1},
	{"/gzip-broken", h_gzip_broken, 1},
	{"/flaky/", h_flaky, 1},
	{"/header-echo", h_header_echo, 1},
	{"/link", h_link, 1},
	{"/pg/link", h_pg_link, 1},
	{"/pg/field", h_pg_field, 1},
	{"/pg/num", h_pg_num, 1},
	{"/pg/cursor", h_pg_cursor, 1},
	{"/pg/loop", h_pg_loop, 1},
	{"/pg/fail", h_pg_fail, 1},
	{"/pg/slow", h_pg_slow, 1},
};

static const struct route *
route_find(const char *path, const char **rest)
{
	size_t i, len;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		len = strlen(routes[i].path);
		if (routes[i].path[len - 1] == '/') {
			if (strncmp(path, routes[i].path, len) == 0) {
				*rest = path + len;
				return &routes[i];
			}
		} else if (strcmp(path, routes[i].path) == 0) {
			*rest = path + len;
			return &routes[i];
		}
	}
	return NULL;
}

static void
http_cb(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path, *query, *key;
	const struct route *r;
	struct evkeyvalq q = {NULL, NULL};
	struct call c;
	int counted;

	/* evhttp calls back with no URI when the request could not be read. */
	if (uri == NULL) {
		evhttp_send_error(req, 400, NULL);
		return;
	}
	path = evhttp_uri_get_path(uri);
	if (path == NULL || *path == '\0')
		path = "/";
	query = evhttp_uri_get_query(uri);
	q.tqh_last = &q.tqh_first;
	if (fx.log_requests)
		note("%s %s", method_name(evhttp_request_get_command(req)),
		    evhttp_request_get_uri(req));
	r = route_find(path, &c.rest);
	counted = r == NULL || r->counted;
	if (counted)
		stats_begin();
	if (query != NULL && evhttp_parse_query_str(query, &q) != 0) {
		reply_error(req, 400, "malformed query string", counted);
		goto out;
	}
	if (r == NULL) {
		reply_error(req, 404, "no such endpoint", 1);
		goto out;
	}
	key = evhttp_find_header(&q, "key");
	if (r->counted && key != NULL)
		delays_release(key, key_bump(key));
	c.req = req;
	c.path = path;
	c.q = &q;
	r->fn(&c);
out:
	evhttp_clear_headers(&q);
}

/* ---- raw fault port ---- */

static void raw_linger(struct raw_conn *rc);

static void
raw_free(struct raw_conn *rc)
{
	if (rc->prev != NULL)
		rc->prev->next = rc->next;
	else
		fx.raw_conns = rc->next;
	if (rc->next != NULL)
		rc->next->prev = rc->prev;
	if (rc->tick != NULL)
		event_free(rc->tick);
	bufferevent_free(rc->bev);
	free(rc);
}

static void
raw_send(struct raw_conn *rc, const void *data, size_t len)
{
	bufferevent_write(rc->bev, data, len);
}

#define RAW_SEND(rc, lit) raw_send((rc), (lit), sizeof(lit) - 1)

/* Close with RST: SO_LINGER {1, 0}, then close(). */
static void
raw_reset(struct raw_conn *rc)
{
	struct linger lg = {1, 0};

	setsockopt(bufferevent_getfd(rc->bev), SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg));
	raw_free(rc);
}

/* Close cleanly once everything queued has been written. */
static void
raw_finish(struct raw_conn *rc)
{
	if (rc->tick != NULL) {
		event_free(rc->tick);
		rc->tick = NULL;
	}
	rc->state = RAW_FLUSH_CLOSE;
	bufferevent_setwatermark(rc->bev, EV_WRITE, 0, 0);
	if (evbuffer_get_length(bufferevent_get_output(rc->bev)) == 0)
		raw_linger(rc);
}

/*
 * Send FIN, then wait (briefly) for the peer's before closing: closing with
 * unread input would turn the clean close into a reset.
 */
static void
raw_linger(struct raw_conn *rc)
{
	struct timeval tv = {5, 0};

	rc->state = RAW_LINGER;
	shutdown(bufferevent_getfd(rc->bev), SHUT_WR);
	bufferevent_disable(rc->bev, EV_WRITE);
	bufferevent_set_timeouts(rc->bev, &tv, NULL);
	bufferevent_enable(rc->bev, EV_READ);
}

static void
raw_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	static const char header[] = "X-Slow: ";
	struct raw_conn *rc = arg;
	char byte;

	rc->ticks++;
	if (rc->mode == RAW_SLOW_HEADERS) {
		byte = rc->sent < sizeof(header) - 1 ? header[rc->sent] : 'a';
		if (rc->ticks > RAW_SLOW_SECS * 5) {
			raw_finish(rc);
			return;
		}
	} else {
		byte = fx.pattern[rc->sent % 26];
		if (rc->sent >= 100000 || rc->ticks > RAW_SLOW_SECS * 10) {
			raw_finish(rc);
			return;
		}
	}
	raw_send(rc, &byte, 1);
	rc->sent++;
}

static int
raw_start_ticks(struct raw_conn *rc, enum raw_mode mode, long ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	rc->mode = mode;
	rc->state = RAW_ACTIVE;
	rc->tick = event_new(fx.base, -1, EV_PERSIST, raw_tick_cb, rc);
	if (rc->tick == NULL || event_add(rc->tick, &tv) != 0) {
		raw_free(rc);
		return -1;
	}
	return 0;
}

static void
raw_endless_fill(struct raw_conn *rc)
{
	struct evbuffer *out = bufferevent_get_output(rc->bev);

	while (evbuffer_get_length(out) < 2 * PIECE && rc->sent < ENDLESS_LIMIT) {
		if (evbuffer_add_reference(out, fx.pattern, PIECE, NULL, NULL))
			break;
		rc->sent += PIECE;
	}
	if (rc->sent >= ENDLESS_LIMIT)
		raw_finish(rc);
}

static const char raw_head_1000[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
    "Content-Length: 1000\r\n\r\n";

static void
raw_close(struct raw_conn *rc)
{
	raw_finish(rc);
}

static void
raw_rst(struct raw_conn *rc)
{
	raw_reset(rc);
}

static void
raw_reset_mid(struct raw_conn *rc)
{
	RAW_SEND(rc, raw_head_1000);
	raw_send(rc, fx.pattern, 100);
	rc->state = RAW_FLUSH_RST;
}

static void
raw_short(struct raw_conn *rc)
{
	RAW_SEND(rc, raw_head_1000);
	raw_send(rc, fx.pattern, 100);
	raw_finish(rc);
}

/* A chunked body cut by a reset: a read error, not a bad chunk. */
static void
raw_chunked_reset(struct raw_conn *rc)
{
	RAW_SEND(rc, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
	rc->state = RAW_FLUSH_RST;
}

/* A second, different Content-Length as header line 1001: one past
 * volley's limit of 1000 lines, which decides first. */
static void
raw_conflict_cl_late(struct raw_conn *rc)
{
	char line[32];
	int i, n;

	RAW_SEND(rc, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n");
	for (i = 3; i <= 1000; i++) {
		n = snprintf(line, sizeof line, "X-Filler-%d: x\r\n", i);
		raw_send(rc, line, (size_t)n);
	}
	RAW_SEND(rc, "Content-Length: 6\r\n\r\nhello");
	raw_finish(rc);
}

static void
raw_slow_headers(struct raw_conn *rc)
{
	RAW_SEND(rc, "HTTP/1.1 200 OK\r\n");
	raw_start_ticks(rc, RAW_SLOW_HEADERS, 200);
}

static void
raw_trickle(struct raw_conn *rc)
{
	RAW_SEND(rc, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 100000\r\n\r\n");
	raw_start_ticks(rc, RAW_TRICKLE, 100);
}

static void
raw_never(struct raw_conn *rc)
{
	rc->state = RAW_ACTIVE;
}

static void
raw_endless(struct raw_conn *rc)
{
	RAW_SEND(rc, "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Connection: close\r\n\r\n");
	rc->state = RAW_ACTIVE;
	rc->mode = RAW_ENDLESS;
	/* The write callback refills whenever the output drops to a piece. */
	bufferevent_setwatermark(rc->bev, EV_WRITE, PIECE, 0);
	raw_endless_fill(rc);
}

static void
raw_not_found(struct raw_conn *rc)
{
	RAW_SEND(rc, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n");
	raw_finish(rc);
}

static const struct raw_route raw_routes[] = {
	RAW_FN("/close", raw_close),
	RAW_FN("/reset", raw_rst),
	RAW_FN("/reset-mid", raw_reset_mid),
	RAW_FN("/short", raw_short),
	RAW_REPLY("/chunked-trunc",
	    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"),
	RAW_FN("/chunked-reset", raw_chunked_reset),
	RAW_REPLY("/bad-chunk",
	    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nzzz\r\nhello\r\n0\r\n\r\n"),
	RAW_REPLY("/conflict-cl",
	    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 5\r\nContent-Length: 10\r\n\r\nhello"),
	RAW_FN("/conflict-cl-late", raw_conflict_cl_late),
	RAW_REPLY("/bad-status",
	    "HTTP/1.1 abc OK\r\n\r\n"),
	/* No version number: libcurl 7.88 ends it with CURLE_OK, no status. */
	RAW_REPLY("/no-version",
	    "HTTP/200 OK\r\n\r\nok"),
	/* Status lines that are not "HTTP/1.1 200 OK" but that libcurl takes:
	 * volley reads a good one's code and version itself (xfer.c), and must
	 * read what libcurl reads. */
	RAW_REPLY("/v10",
	    "HTTP/1.0 203 Non-Authoritative\r\n"
	    "Content-Length: 2\r\n\r\nok"),
	/* An interim 103 (its own status line and headers), then the final
	 * 201. */
	RAW_REPLY("/interim",
	    "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok"),
	/* A code with no reason phrase, nor the space before it. */
	RAW_REPLY("/bare-code",
	    "HTTP/1.1 202\r\nContent-Length: 2\r\n\r\nok"),
	/* Four digits: libcurl 8.x reads 204, 7.88 refuses it. */
	RAW_REPLY("/long-code",
	    "HTTP/1.1 2040 OK\r\nContent-Length: 2\r\n\r\nok"),
	/* The code run into its reason phrase: both libcurls read 200. */
	RAW_REPLY("/code-run",
	    "HTTP/1.1 200OK\r\nContent-Length: 2\r\n\r\nok"),
	/* A chunked 200 whose trailer looks like a status line: libcurl gives
	 * trailers to the header callback; the status is still 200. */
	RAW_REPLY("/trailer-status",
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
	    "Trailer: spoof\r\n\r\n2\r\nok\r\n0\r\n"
	    "HTTP/1.1 503 spoof: 1\r\n\r\n"),
	/* A 103, then a final status line in lower case, which libcurl reads
	 * as HTTP/1.0 200 whatever its code. */
	RAW_REPLY("/lower-status",
	    "HTTP/1.1 103 Early Hints\r\n\r\n"
	    "http/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nok"),
	/* A header line (not a status line) that starts with "http/": a field
	 * name no RFC allows, which libcurl passes on as a header. */
	RAW_REPLY("/http-header",
	    "HTTP/1.1 200 OK\r\nhttp/x: y\r\n"
	    "Content-Length: 2\r\n\r\nok"),
	/* A line in a status line's shape inside a header block: libcurl
	 * reads a status line only at a block's start, and this one as a
	 * header line; the status is 429.  Found by fuzz/fuzz_response. */
	RAW_REPLY("/header-status",
	    "HTTP/1.1 429 Slow\r\nRer: 1\r\nHTTP/1.1 200 OK: spoof\r\n"
	    "Content-Length: 2\r\n\r\nok"),
	RAW_REPLY("/garbage",
	    "\x01\x02 garbage\r\n\r\n"),
	RAW_REPLY("/http09",
	    "hello world\n"),
	RAW_REPLY("/nul-header",
	    "HTTP/1.1 200 OK\r\nX-Nul: a\0b\r\nContent-Type: "
	    "text/plain\r\nContent-Length: 2\r\n\r\nok"),
	RAW_FN("/slow-headers", raw_slow_headers),
	RAW_FN("/trickle", raw_trickle),
	RAW_FN("/never", raw_never),
	RAW_FN("/endless", raw_endless),
};

/* The request line's path (without query), or "" if there is none. */
static void
raw_path(const char *head, size_t len, char *path, size_t size)
{
	const char *eol = memchr(head, '\r', len), *sp, *end;
	size_t n = 0;

	if (eol == NULL)
		eol = head + len;
	sp = memchr(head, ' ', (size_t)(eol - head));
	if (sp != NULL) {
		sp++;
		end = sp;
		while (end < eol && *end != ' ' && *end != '?')
			end++;
		n = (size_t)(end - sp);
		if (n >= size)
			n = 0;
		else
			memcpy(path, sp, n);
	}
	path[n] = '\0';
}

static void
raw_read_cb(struct bufferevent *bev, void *arg)
{
	struct raw_conn *rc = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr end;
	const char *head;
	char path[256];
	size_t i;

	if (rc->state != RAW_READING) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (end.pos < 0) {
		if (evbuffer_get_length(in) > RAW_MAX_REQ)
			raw_free(rc);
		return;
	}
	head = (const char *)evbuffer_pullup(in, end.pos + 4);
	if (head == NULL) {
		raw_free(rc);
		return;
	}
	raw_path(head, (size_t)end.pos + 4, path, sizeof(path));
	/* Anything after the head (a body) is ignored, like later input. */
	evbuffer_drain(in, evbuffer_get_length(in));
	if (fx.log_requests)
		note("raw %s", path);
	bufferevent_set_timeouts(bev, NULL, NULL);
	rc->state = RAW_ACTIVE;
	for (i = 0; i < sizeof(raw_routes) / sizeof(raw_routes[0]); i++) {
		if (strcmp(path, raw_routes[i].path) == 0) {
			if (raw_routes[i].fn != NULL) {
				raw_routes[i].fn(rc); /* may free rc */
				return;
			}
			raw_send(rc, raw_routes[i].reply,
			    raw_routes[i].reply_len);
			raw_finish(rc);
			return;
		}
	}
	raw_not_found(rc);
}

static void
raw_write_cb(struct bufferevent *bev, void *arg)
{
	struct raw_conn *rc = arg;
	size_t left = evbuffer_get_length(bufferevent_get_output(bev));

	switch (rc->state) {
	case RAW_FLUSH_CLOSE:
		if (left == 0)
			raw_linger(rc);
		break;
	case RAW_FLUSH_RST:
		if (left == 0)
			raw_reset(rc);
		break;
	case RAW_ACTIVE:
		if (rc->mode == RAW_ENDLESS)
			raw_endless_fill(rc);
		break;
	case RAW_READING:
	case RAW_LINGER:
		break;
	}
}

/*
 * Error or timeout ends the exchange; so does EOF while waiting for a
 * request, while lingering, or on /never.  A peer that only half-closed
 * still gets the rest of its response: a peer that is really gone makes
 * the next write fail.
 */
static void
raw_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct raw_conn *rc = arg;

	if (what == (BEV_EVENT_READING | BEV_EVENT_EOF) &&
	    (rc->state == RAW_FLUSH_CLOSE || rc->state == RAW_FLUSH_RST ||
	    (rc->state == RAW_ACTIVE && rc->mode != RAW_NONE))) {
		bufferevent_disable(bev, EV_READ);
		return;
	}
	raw_free(rc);
}

static void
raw_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct raw_conn *rc = calloc(1, sizeof(*rc));
	struct timeval tv = {60, 0};

	if (rc != NULL)
		rc->bev = bufferevent_socket_new(fx.base, fd,
		    BEV_OPT_CLOSE_ON_FREE);
	if (rc == NULL || rc->bev == NULL) {
		free(rc);
		evutil_closesocket(fd);
		return;
	}
	rc->next = fx.raw_conns;
	if (fx.raw_conns != NULL)
		fx.raw_conns->prev = rc;
	fx.raw_conns = rc;
	bufferevent_setcb(rc->bev, raw_read_cb, raw_write_cb, raw_event_cb, rc);
	bufferevent_set_timeouts(rc->bev, &tv, NULL);
	bufferevent_enable(rc->bev, EV_READ | EV_WRITE);
}

/* ---- listeners, signals, lifetime ---- */

static void
accept_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	int i;

	for (i = 0; i < fx.nlev; i++)
		evconnlistener_enable(fx.lev[i]);
}

/* Out of descriptors: pause accepting for a moment instead of spinning. */
static void
accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct timeval tv = {0, 100000};

	evconnlistener_disable(lev);
	if (!evtimer_pending(fx.accept_retry, NULL))
		evtimer_add(fx.accept_retry, &tv);
}

static void
stop_cb(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(fx.base);
}

static int
listen_on(int family, const char *addr, int port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, addr, &in4->sin_addr);
		len = sizeof(*in4);
	} else {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, addr, &in6->sin6_addr);
		len = sizeof(*in6);
	}
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, SOMAXCONN) != 0 ||
	    evutil_make_socket_nonblocking(fd) != 0 ||
	    evutil_make_socket_closeonexec(fd) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		return -1;
	return ntohs(sin.sin_port);
}

/* ---- precomputed bodies ---- */

/* deflate in[0..n) with `flush` into out; 0, else -1. */
static int
zpump(z_stream *z, const void *in, size_t n, int flush, struct evbuffer *out)
{
	unsigned char buf[16384];
	int rc;

	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)n;
	do {
		z->next_out = buf;
		z->avail_out = sizeof(buf);
		rc = deflate(z, flush);
		if (rc == Z_STREAM_ERROR)
			return -1;
		if (evbuffer_add(out, buf, sizeof(buf) - z->avail_out) != 0)
			return -1;
	} while (z->avail_out == 0 || z->avail_in > 0);
	return 0;
}

static int
take(struct evbuffer *b, unsigned char **out, size_t *outlen)
{
	size_t n = evbuffer_get_length(b);

	*out = malloc(n > 0 ? n : 1);
	if (*out == NULL)
		return -1;
	*outlen = n;
	return evbuffer_remove(b, *out, n) == (int)n ? 0 : -1;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static const unsigned char gzip_header[10] = {
	0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3
};

/* A gzip member holding data[0..n). */
static int
gzip_bytes(const void *data, size_t n, unsigned char **out, size_t *outlen)
{
	struct evbuffer *b = evbuffer_new();
	z_stream z;
	int rc = -1;

	memset(&z, 0, sizeof(z));
	if (b == NULL || deflateInit2(&z, 9, Z_DEFLATED, 31, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		if (b != NULL)
			evbuffer_free(b);
		return -1;
	}
	if (zpump(&z, data, n, Z_FINISH, b) == 0)
		rc = take(b, out, outlen);
	deflateEnd(&z);
	evbuffer_free(b);
	return rc;
}

/*
 * gzip of BOMB_SIZE zero bytes (~200 KB).  Deflating all of it costs a
 * quarter second per fixture start, so deflate one segment with a full
 * flush, which resets the compressor: every segment then compresses to the
 * same bytes, repeated here, with CRC and length combined arithmetically.
 * Should two segments ever differ, fall back to deflating everything.
 */
static int
gzip_zeros(unsigned char **out, size_t *outlen)
{
	struct evbuffer *all = evbuffer_new(), *s1 = evbuffer_new();
	struct evbuffer *s2 = evbuffer_new();
	unsigned char *zero = calloc(1, BOMB_SEGMENT), *seg = NULL, *seg2 = NULL;
	unsigned char trailer[8];
	size_t seglen = 0, seg2len = 0, i, nseg = BOMB_SIZE / BOMB_SEGMENT;
	uLong crc1, crc = crc32(0L, Z_NULL, 0);
	z_stream z;
	int rc = -1, zok = 0;

	memset(&z, 0, sizeof(z));
	if (all == NULL || s1 == NULL || s2 == NULL || zero == NULL)
		goto out;
	if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_RLE) != Z_OK)
		goto out;
	zok = 1;
	if (zpump(&z, zero, BOMB_SEGMENT, Z_FULL_FLUSH, s1) != 0 ||
	    zpump(&z, zero, BOMB_SEGMENT, Z_FULL_FLUSH, s2) != 0 ||
	    take(s1, &seg, &seglen) != 0 || take(s2, &seg2, &seg2len) != 0)
		goto out;
	crc1 = crc32(0L, zero, BOMB_SEGMENT);
	if (evbuffer_add(all, gzip_header, sizeof(gzip_header)) != 0)
		goto out;
	if (seglen == seg2len && memcmp(seg, seg2, seglen) == 0) {
		for (i = 0; i < nseg; i++)
			if (evbuffer_add(all, seg, seglen) != 0)
				goto out;
	} else {
		/* Start over with one plain raw stream. */
		deflateEnd(&z);
		zok = 0;
		if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_RLE) != Z_OK)
			goto out;
		zok = 1;
		for (i = 0; i < nseg; i++)
			if (zpump(&z, zero, BOMB_SEGMENT, Z_NO_FLUSH, all) != 0)
				goto out;
	}
	for (i = 0; i < nseg; i++)
		crc = crc32_combine(crc, crc1, BOMB_SEGMENT);
	if (zpump(&z, NULL, 0, Z_FINISH, all) != 0)
		goto out;
	put_le32(trailer, (uint32_t)crc);
	put_le32(trailer + 4, (uint32_t)(BOMB_SIZE & 0xffffffffu));
	if (evbuffer_add(all, trailer, sizeof(trailer)) != 0)
		goto out;
	rc = take(all, out, outlen);
out:
	if (zok)
		deflateEnd(&z);
	if (all != NULL)
		evbuffer_free(all);
	if (s1 != NULL)
		evbuffer_free(s1);
	if (s2 != NULL)
		evbuffer_free(s2);
	free(zero);
	free(seg);
	free(seg2);
	return rc;
}

static int
bodies_init(void)
{
	static const char gz_json[] = "{\"gzip\":true}";
	size_t i;

	for (i = 0; i < sizeof(fx.pattern); i++)
		fx.pattern[i] = (char)('a' + i % 26);
	for (i = 0; i < sizeof(fx.binary); i++)
		fx.binary[i] = (unsigned char)(i & 0xff);
	/* A valid header, then 0xff: a final block of reserved type 3. */
	memcpy(fx.broken, gzip_header, sizeof(gzip_header));
	memset(fx.broken + sizeof(gzip_header), 0xff,
	    sizeof(fx.broken) - sizeof(gzip_header));
	if (gzip_bytes(gz_json, sizeof(gz_json) - 1, &fx.gz, &fx.gz_len) != 0)
		return -1;
	return gzip_zeros(&fx.bomb, &fx.bomb_len);
}

/* ---- process ---- */

static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		rl.rlim_cur = 1048576; /* hard limit "infinity" but nr_open */
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Keep 0-2 open so no socket ever becomes stdout. */
static void
keep_std_fds(void)
{
	int fd;

	do {
		fd = open("/dev/null", O_RDWR);
	} while (fd >= 0 && fd <= 2);
	if (fd > 2)
		close(fd);
}

/* The daemon child: own session, stdio off the caller's pipes, and no
 * inherited descriptors (bats waits on its fd 3 until every holder exits). */
static int
detach(int logfd, const int *keep, int nkeep)
{
	long maxfd = sysconf(_SC_OPEN_MAX);
	int fd, i, null = open("/dev/null", O_RDWR);

	if (null < 0 || setsid() < 0)
		return -1;
	if (dup2(null, 0) < 0 || dup2(logfd >= 0 ? logfd : null, 1) < 0 ||
	    dup2(logfd >= 0 ? logfd : null, 2) < 0)
		return -1;
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;
	for (fd = 3; fd < maxfd; fd++) {
		for (i = 0; i < nkeep; i++)
			if (keep[i] == fd)
				break;
		if (i == nkeep)
			close(fd);
	}
	return 0;
}

static void
cleanup(void)
{
	struct delay *d;

	/* Timed replies: evhttp_free frees their still-attached requests. */
	while ((d = fx.delays) != NULL) {
		delay_unlink(d);
		delay_free(d);
	}
	while (fx.raw_conns != NULL)
		raw_free(fx.raw_conns);
	/* Frees every connection; open /bytes streams go via their closecb. */
	if (fx.http != NULL)
		evhttp_free(fx.http);
	if (fx.raw != NULL)
		evconnlistener_free(fx.raw);
	if (fx.accept_retry != NULL)
		event_free(fx.accept_retry);
	keys_clear();
	free(fx.bomb);
	free(fx.gz);
}

static int
serve(int http4, int http6, int rawfd)
{
	struct event *sigterm = NULL, *sigint = NULL, *lifetime = NULL;
	struct evhttp_bound_socket *bound;
	struct timeval life = {LIFETIME_SECS, 0};
	int fds[2] = {http4, http6}, i, rc = 1;

	fx.base = event_base_new();
	if (fx.base == NULL) {
		note("event_base_new failed");
		return 1;
	}
	fx.http = evhttp_new(fx.base);
	fx.accept_retry = evtimer_new(fx.base, accept_retry_cb, NULL);
	if (fx.http == NULL || fx.accept_retry == NULL)
		goto out;
	evhttp_set_allowed_methods(fx.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_timeout(fx.http, HTTP_TIMEOUT_SECS);
	evhttp_set_gencb(fx.http, http_cb, NULL);
	for (i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		bound = evhttp_accept_socket_with_handle(fx.http, fds[i]);
		if (bound == NULL) {
			note("cannot serve HTTP on fd %d", fds[i]);
			goto out;
		}
		fx.lev[fx.nlev] = evhttp_bound_socket_get_listener(bound);
		evconnlistener_set_error_cb(fx.lev[fx.nlev++], accept_error_cb);
	}
	fx.raw = evconnlistener_new(fx.base, raw_accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE, 0, rawfd);
	if (fx.raw == NULL) {
		note("cannot serve the raw port");
		goto out;
	}
	evconnlistener_set_error_cb(fx.raw, accept_error_cb);
	fx.lev[fx.nlev++] = fx.raw;
	sigterm = evsignal_new(fx.base, SIGTERM, stop_cb, NULL);
	sigint = evsignal_new(fx.base, SIGINT, stop_cb, NULL);
	lifetime = evtimer_new(fx.base, stop_cb, NULL);
	if (sigterm == NULL || sigint == NULL || lifetime == NULL ||
	    evsignal_add(sigterm, NULL) != 0 || evsignal_add(sigint, NULL) != 0 ||
	    evtimer_add(lifetime, &life) != 0)
		goto out;
	if (event_base_dispatch(fx.base) != -1)
		rc = 0;
	note("stopping");
out:
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	if (lifetime != NULL)
		event_free(lifetime);
	cleanup();
	event_base_free(fx.base);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"daemon", no_argument, NULL, 'd'},
		{"log", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *logpath = NULL;
	int daemonize = 0, opt, http4, http6, rawfd, logfd = -1;
	pid_t pid;

	while ((opt = getopt_long(argc, argv, "dl:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			daemonize = 1;
			break;
		case 'l':
			logpath = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	keep_std_fds();
	signal(SIGPIPE, SIG_IGN);
	raise_nofile();
	if (logpath != NULL) {
		logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		    0644);
		if (logfd < 0) {
			note("open %s: %s", logpath, strerror(errno));
			return 1;
		}
		fx.log_requests = 1;
	}
	http4 = listen_on(AF_INET, "127.0.0.1", 0);
	fx.http_port = http4 >= 0 ? local_port(http4) : -1;
	rawfd = listen_on(AF_INET, "127.0.0.1", 0);
	fx.raw_port = rawfd >= 0 ? local_port(rawfd) : -1;
	if (fx.http_port <= 0 || fx.raw_port <= 0) {
		note("listen on 127.0.0.1: %s", strerror(errno));
		return 1;
	}
	http6 = listen_on(AF_INET6, "::1", fx.http_port); /* optional */
	if (bodies_init() != 0) {
		note("out of memory building bodies");
		return 1;
	}
	if (daemonize) {
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			note("fork: %s", strerror(errno));
			return 1;
		}
		if (pid > 0) {
			if (printf("FIXTURE_PORT=%d FIXTURE_RAW_PORT=%d "
			    "FIXTURE_PID=%ld\n", fx.http_port, fx.raw_port,
			    (long)pid) < 0 || fflush(stdout) != 0) {
				kill(pid, SIGTERM);
				return 1;
			}
			return 0;
		}
		{
			int keep[3] = {http4, http6, rawfd};

			if (detach(logfd, keep, 3) != 0)
				_exit(1);
			logfd = -1; /* closed by detach */
		}
	} else {
		if (logfd >= 0 && dup2(logfd, 2) < 0)
			return 1;
		if (printf("FIXTURE_PORT=%d FIXTURE_RAW_PORT=%d FIXTURE_PID=%ld\n",
		    fx.http_port, fx.raw_port, (long)getpid()) < 0 ||
		    fflush(stdout) != 0)
			return 1;
	}
	if (logfd >= 0)
		close(logfd);
	note("serving http %d, raw %d", fx.http_port, fx.raw_port);
	return serve(http4, http6, rawfd);
}
