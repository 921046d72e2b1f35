/* xfer — the per-transfer tier, as the struct per easy handle of curl's
 * multi-event.c: the handle is set up once for the run and reused
 * (CURLOPT_PRIVATE leads back here), its write and header callbacks
 * count and keep what arrives, and the header lists are built once.
 * Nothing here touches the event loop or the multi handle. */
#include "xfer.h"
#include "buf.h"
#include "util.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A response with more header lines or bytes than this is refused. */
#define MAX_HEADER_LINES	1000
#define MAX_HEADER_BYTES	(256u << 10)
/* Body buffers larger than this are freed between transfers. */
#define KEEP_BUF_BYTES		(256u << 10)

struct xfer_conf {
	const struct config *cfg;	/* borrowed */
	CURLSH		*share;		/* borrowed */
	bool		 env_proxy;	/* a *_proxy variable is set */
	bool		 forbid_reuse;	/* curl#10634 workaround */
	bool		 ua_header;	/* User-Agent goes in the lists */
	bool		 sticky_errno;	/* libcurl < 8.8.0: OS_ERRNO is kept */
	bool		 no_capath;	/* CURLOPT_CAPATH NULL: see ca_file */
	void		(*reconnect)(struct xfer *);	/* the engine's */
	struct curl_slist *run_headers;	/* owned: -H, --json's, User-Agent */
	struct curl_slist *safe_headers; /* owned: --json's, User-Agent */
};

struct xfer {
	const struct xfer_conf *xc;	/* borrowed */
	CURL		*easy;		/* owned */
	void		*owner;		/* NULL while idle; borrowed */
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
	bool		 renew;		/* an errno to forget: a new handle */
	bool		 bad_status_line;
	bool		 hdr_rx;	/* a header line starts with R or X */
	/* The last status line's code and version (a CURL_HTTP_VERSION_),
	 * 0 when it has none volley reads as libcurl does; unsure when an
	 * HTTP/ line came after a final response's headers (a trailer, or
	 * the response after a CONNECT's): libcurl says which counts. */
	long		 line_status, line_version;
	bool		 line_final;	/* the status line read is >= 200 */
	bool		 final_done;	/* ...and its header block has ended */
	bool		 line_unsure;
	bool		 block_start;	/* the next line starts a header block */
	int		(*sink)(void *, const char *, size_t);
	void		*sink_arg;
	char		 err[CURL_ERROR_SIZE];
	void		*tag;		/* the engine's, for its timer */
	long		*idle_conns;	/* the request's, or NULL */
	/* The connection is ready and the request about to go: libcurl's
	 * pre-request callback ran after the last socket it opened for
	 * the transfer (a reused connection that proves dead opens one). */
	bool		 req_ready;
	bool		 opened;	/* libcurl opened a socket for it */
	/* The final response closes its connection: "Connection: close",
	 * or HTTP/1.0, which libcurl closes but for a keep-alive. */
	bool		 conn_close;
	int64_t		 connect_limit_ms; /* the engine's, or 0 */
	/* The per-transfer options as the handle has them, so that one
	 * that does not change is not set again: an option costs libcurl
	 * a few hundred instructions however often it is the same. */
	bool		 set_known;	/* false: set them all */
	const struct curl_slist *set_hl;
	int64_t		 set_connect_ms;
	bool		 set_pipewait;
	bool		 set_plain_get;	/* GET, no body, no custom method */
};

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
	if (x->sink != NULL && x->sink(x->sink_arg, p, n) == -1) {
		x->sink_failed = true;
		return 0;
	}
	if (x->keep_body && buf_add(&x->body, p, n) == -1)
		return 0;
	return n;
}

/* CURLOPT_SOCKOPTFUNCTION: a new socket, about to connect.  One after
 * the request went out (libcurl retries a reused connection that died on
 * a new one) starts the engine's connect limit again, as libcurl starts
 * its own again. */
static int
sockopt_cb(void *userp, curl_socket_t s, curlsocktype purpose)
{
	struct xfer *x = userp;

	(void)s;
	(void)purpose;
	if (x->req_ready && x->connect_limit_ms > 0 &&
	    x->xc->reconnect != NULL)
		x->xc->reconnect(x);
	x->req_ready = false;
	x->opened = true;
	return CURL_SOCKOPT_OK;
}

/* "Connection:" value p[0, n) (CRLF included) names close. */
static bool
conn_closes(const char *p, size_t n)
{
	unsigned char c;

	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (n < 5 || !util_prefix_ci(p, "close", 5))
		return false;
	c = n > 5 ? (unsigned char)p[5] : (unsigned char)'\r';
	return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == ',';
}

/* CURLOPT_PREREQFUNCTION (libcurl 7.80.0): connected, request next. */
static int
prereq_cb(void *userp, char *conn_primary_ip, char *conn_local_ip,
    int conn_primary_port, int conn_local_port)
{
	struct xfer *x = userp;

	(void)conn_primary_ip;
	(void)conn_local_ip;
	(void)conn_primary_port;
	(void)conn_local_port;
	x->req_ready = true;
	return CURL_PREREQFUNC_OK;
}

/* "HTTP/D[.D] DDD", not followed by a fourth digit.  libcurl 8.x takes
 * "HTTP/200 OK" as HTTP/1.0 200, 7.88 as no status at all; 8.x takes
 * "HTTP/1.1 2040" as 204, 7.88 refuses it: volley refuses both itself,
 * on every libcurl. */
static bool
status_line_ok(const char *p, size_t n)
{
	size_t i = 5;

	if (i >= n || p[i] < '0' || p[i] > '9')
		return false;
	i++;
	if (i + 1 < n && p[i] == '.' && p[i + 1] >= '0' && p[i + 1] <= '9')
		i += 2;
	return i + 4 <= n && p[i] == ' ' && p[i + 1] >= '0' &&
	    p[i + 1] <= '9' && p[i + 2] >= '0' && p[i + 2] <= '9' &&
	    p[i + 3] >= '0' && p[i + 3] <= '9' && (i + 4 == n ||
	    p[i + 4] < '0' || p[i + 4] > '9');
}

/* The code and version of a status line that status_line_ok passed,
 * for xfer_result to read without asking libcurl, where the version is
 * one libcurl takes (1.0, 1.1, 2, 3); any other leaves both 0, and
 * libcurl is asked. */
static void
status_line_read(struct xfer *x, const char *p)
{
	size_t i = p[6] == '.' ? 8 : 6;
	long v = 0;

	x->line_status = x->line_version = 0;
	x->line_final = p[i + 1] >= '2';
	if (i == 8 && p[5] == '1' && p[7] == '0')
		v = CURL_HTTP_VERSION_1_0;
	else if (i == 8 && p[5] == '1' && p[7] == '1')
		v = CURL_HTTP_VERSION_1_1;
	else if (i == 6 && p[5] == '2')
		v = CURL_HTTP_VERSION_2_0;
	else if (i == 6 && p[5] == '3')
		v = CURL_HTTP_VERSION_3;
	if (v == 0)
		return;
	x->line_version = v;
	x->line_status = (p[i + 1] - '0') * 100 + (p[i + 2] - '0') * 10 +
	    (p[i + 3] - '0');
}

/* A Content-Length line: libcurl 7.88 takes the last of several;
 * RFC 9112 says differing ones make the response invalid (-1). */
static int
content_length(struct xfer *x, const char *p, size_t n)
{
	size_t k = 0, i = 15;
	long long v = 0;
	int d;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	/* Up to 31 digits, saturating as strtoll does. */
	for (; i < n && k < 31 && p[i] >= '0' && p[i] <= '9'; i++, k++) {
		d = p[i] - '0';
		v = v > (LLONG_MAX - d) / 10 ? LLONG_MAX : v * 10 + d;
	}
	if (k == 0)
		v = -2;
	if (x->content_length != -1 && x->content_length != v) {
		x->conflicting_length = true;
		return -1;
	}
	x->content_length = v;
	return 0;
}

static size_t
header_cb(char *p, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nmemb;
	bool length = false, start = x->block_start;

	/* One test of the first byte finds the few lines read here. */
	x->block_start = false;
	switch (n > 0 ? p[0] | 0x20 : 0) {
	case 'h':
		/* A status line starts a new response (1xx, then the real
		 * one), at the start of a header block: inside one, libcurl
		 * reads any line as a header.  One after a final response's
		 * headers is a trailer, or the response after a CONNECT's
		 * (or a retried request's): which of them is the status,
		 * libcurl says. */
		if (n < 5 || !start || !util_prefix_ci(p, "http/", 5))
			break;
		if (x->final_done)
			x->line_unsure = true;
		if (memcmp(p, "HTTP/", 5) != 0) {
			/* libcurl reads "http/1.1 404" as HTTP/1.0 200 */
			if (!x->final_done) {
				x->bad_status_line = true;
				return 0;
			}
			break;
		}
		if (!status_line_ok(p, n)) {
			x->bad_status_line = true;
			return 0;
		}
		status_line_read(x, p);
		x->final_done = false;
		x->conn_close = x->line_version == CURL_HTTP_VERSION_1_0;
		buf_reset(&x->hdr);
		x->hdr_lines = 0;
		x->content_length = -1;
		x->hdr_rx = false;
		break;
	case 'r':
	case 'x':
		x->hdr_rx = true;
		break;
	case '\r' | 0x20:
	case '\n' | 0x20:
		/* the blank line that ends a header block */
		if (n <= 2 && (p[0] == '\r' || p[0] == '\n')) {
			x->block_start = true;
			if (x->line_final)
				x->final_done = true;
		}
		break;
	case 'c':
		length = n > 15 && (p[8] | 0x20) == 'l' &&
		    util_has_prefix_ci(p, "content-length:", 15);
		if (n > 11 && (p[3] | 0x20) == 'n' &&
		    util_has_prefix_ci(p, "connection:", 11))
			x->conn_close = conn_closes(p + 11, n - 11);
		break;
	}
	/* The limits first: a line past them is "too large" whatever it
	 * says. */
	if (++x->hdr_lines > MAX_HEADER_LINES ||
	    x->hdr.len + n > MAX_HEADER_BYTES) {
		x->headers_too_large = true;
		return 0;
	}
	if (length && content_length(x, p, n) == -1)
		return 0;
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
setup_easy(const struct xfer_conf *xc, CURL *h)
{
	const struct config *c = xc->cfg;
	CURLcode rc = CURLE_OK;

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);	/* the scheduler follows */
	if (!xc->ua_header)
		SET(CURLOPT_USERAGENT, c->user_agent);
	SET(CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->cacert != NULL)
		SET(CURLOPT_CAINFO, c->cacert);
	if (c->capath != NULL)
		SET(CURLOPT_CAPATH, c->capath);
	else if (xc->no_capath)
		SET(CURLOPT_CAPATH, (char *)NULL);
	if (c->proxy != NULL)
		SET(CURLOPT_PROXY, c->proxy);
	else if (!xc->env_proxy) {
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
	if (xc->forbid_reuse)
		SET(CURLOPT_FORBID_REUSE, 1L);
	SET(CURLOPT_QUICK_EXIT, 1L);
	SET(CURLOPT_SHARE, xc->share);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_HEADERFUNCTION, header_cb);
	if (c->max_body < (uint64_t)INT64_MAX)
		SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_body);
#undef SET
	return rc == CURLE_OK ? 0 : -1;
}

/* Whether the peers are verified against a CA file: --cacert, or the one
 * libcurl was built with (CURLINFO_CAINFO, 7.84.0).  libcurl's OpenSSL
 * backend keeps the store it builds from that file for the next
 * connections (CURLOPT_CA_CACHE_TIMEOUT, 7.87.0) only when no CA path is
 * set, and Debian's libcurl has a default one (/etc/ssl/certs) beside
 * the file: with it, every new connection parses the whole bundle again,
 * about 40 ms of CPU for Debian's.  So without --capath volley clears the
 * CA path where there is a file to trust; with no file, the path is all
 * libcurl has and stays. */
static int
ca_file(const struct config *c, bool *found)
{
	CURL *h;
	char *def = NULL;

	*found = c->cacert != NULL;
	if (*found || c->capath != NULL)
		return 0;
	if ((h = curl_easy_init()) == NULL)
		return -1;
	if (curl_easy_getinfo(h, CURLINFO_CAINFO, &def) == CURLE_OK)
		*found = def != NULL && def[0] != '\0';
	curl_easy_cleanup(h);
	return 0;
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

struct xfer_conf *
xfer_conf_new(const struct config *c, void *share, bool env_proxy,
    bool forbid_reuse, char *err, size_t errlen)
{
	struct xfer_conf *xc = calloc(1, sizeof(*xc));
	bool failed = false;
	size_t i;

	if (xc == NULL)
		goto oom;
	xc->cfg = c;
	xc->share = share;
	xc->env_proxy = env_proxy;
	xc->forbid_reuse = forbid_reuse;
	/* Before 8.8.0 libcurl never clears CURLINFO_OS_ERRNO between the
	 * transfers of a handle (curl commit 798a37b), so an errno read
	 * after one would belong to an earlier one. */
	xc->sticky_errno = curl_version_info(CURLVERSION_NOW)->version_num <
	    0x080800;
	if (ca_file(c, &xc->no_capath) == -1)
		goto oom;
	for (i = 0; i < c->nheaders; i++)
		xc->run_headers = slist_add(xc->run_headers, c->headers[i],
		    &failed);
	if (c->has_data && c->data_json) {
		static const char *const jh[] = {
			"Content-Type: application/json",
			"Accept: application/json",
		};
		for (i = 0; i < 2; i++) {
			if (!slist_has(xc->run_headers, jh[i],
			    header_name_len(jh[i])))
				xc->run_headers = slist_add(xc->run_headers,
				    jh[i], &failed);
			xc->safe_headers = slist_add(xc->safe_headers, jh[i],
			    &failed);
		}
	}
	/* libcurl 7.88 formats CURLOPT_USERAGENT into a fresh string for
	 * every transfer (about 5,000 instructions); as one more entry of the
	 * header list it costs about 1,400 fewer.  Through a proxy it stays
	 * an option, so that a CONNECT still carries it.  -A "" sends none,
	 * as CURLOPT_USERAGENT "" does. */
	xc->ua_header = c->proxy == NULL && !env_proxy;
	if (xc->ua_header && c->user_agent[0] != '\0') {
		struct buf ua = {0};

		if (buf_printf(&ua, "User-Agent: %s", c->user_agent) == -1)
			goto oom;
		if (!slist_has(xc->run_headers, "User-Agent", 10))
			xc->run_headers = slist_add(xc->run_headers, ua.data,
			    &failed);
		xc->safe_headers = slist_add(xc->safe_headers, ua.data,
		    &failed);
		buf_free(&ua);
	}
	if (failed)
		goto oom;
	return xc;
oom:
	snprintf(err, errlen, "cannot start the engine: out of memory");
	xfer_conf_free(xc);
	return NULL;
}

void
xfer_conf_free(struct xfer_conf *xc)
{
	if (xc == NULL)
		return;
	curl_slist_free_all(xc->run_headers);
	curl_slist_free_all(xc->safe_headers);
	free(xc);
}

struct xfer *
xfer_new(const struct xfer_conf *xc)
{
	struct xfer *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->xc = xc;
	x->easy = curl_easy_init();
	if (x->easy == NULL || setup_easy(xc, x->easy) == -1) {
		xfer_free(x);
		return NULL;
	}
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->err);
	if (curl_easy_setopt(x->easy, CURLOPT_SOCKOPTFUNCTION, sockopt_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(x->easy, CURLOPT_SOCKOPTDATA, x) != CURLE_OK ||
	    curl_easy_setopt(x->easy, CURLOPT_PREREQFUNCTION, prereq_cb) !=
	    CURLE_OK ||
	    curl_easy_setopt(x->easy, CURLOPT_PREREQDATA, x) != CURLE_OK) {
		xfer_free(x);
		return NULL;
	}
	return x;
}

void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->slist);
	buf_free(&x->body);
	buf_free(&x->hdr);
	free(x);
}

void *
xfer_easy(const struct xfer *x)
{
	return x->easy;
}

void *
xfer_tag(const struct xfer *x)
{
	return x->tag;
}

void
xfer_set_tag(struct xfer *x, void *tag)
{
	x->tag = tag;
}

int64_t
xfer_connect_limit(const struct xfer *x)
{
	return x->connect_limit_ms;
}

/* Nothing but a proxy's answer to CONNECT can come before the request
 * goes out, and the pre-request callback runs after the tunnel and TLS. */
bool
xfer_connecting(const struct xfer *x)
{
	return !x->req_ready;
}

void
xfer_conf_on_reconnect(struct xfer_conf *xc, void (*fn)(struct xfer *))
{
	xc->reconnect = fn;
}

void
xfer_timed_out(struct xfer *x, int64_t ms)
{
	/* Before the request went out: still resolving or connecting. */
	if (xfer_connecting(x))
		snprintf(x->err, sizeof x->err, "Connection timed out after "
		    "%lld milliseconds", (long long)ms);
	else if (x->content_length >= 0)
		snprintf(x->err, sizeof x->err, "Operation timed out after "
		    "%lld milliseconds with %lld out of %lld bytes received",
		    (long long)ms, (long long)x->received,
		    (long long)x->content_length);
	else
		snprintf(x->err, sizeof x->err, "Operation timed out after "
		    "%lld milliseconds with %lld bytes received",
		    (long long)ms, (long long)x->received);
}

void *
xfer_owner(const struct xfer *x)
{
	return x->owner;
}

/* The handle again, without the state libcurl keeps (an errno): options
 * are copied; the share is not, by curl_easy_duphandle's rule. */
static void
xfer_renew(struct xfer *x)
{
	CURL *dup = curl_easy_duphandle(x->easy);

	x->renew = false;
	if (dup == NULL || curl_easy_setopt(dup, CURLOPT_SHARE,
	    x->xc->share) != CURLE_OK) {
		curl_easy_cleanup(dup);	/* keep the old one: only an errno */
		return;
	}
	curl_easy_cleanup(x->easy);
	x->easy = dup;
	x->set_known = false;
}

void
xfer_idle(struct xfer *x)
{
	if (x->renew)
		xfer_renew(x);
	x->owner = NULL;
	x->idle_conns = NULL;	/* a cancelled transfer gives none back */
	curl_slist_free_all(x->slist);
	x->slist = NULL;
	if (x->body.cap > KEEP_BUF_BYTES)
		buf_free(&x->body);
	if (x->hdr.cap > KEEP_BUF_BYTES)
		buf_free(&x->hdr);
}

/* The request's own headers, then the run's unless overridden: the run's
 * -H only where the origin rule trusts the target. */
static const struct curl_slist *
request_headers(struct xfer *x, const struct xfer_req *r, bool *failed)
{
	const struct curl_slist *hl = r->trusted ? x->xc->run_headers :
	    x->xc->safe_headers;
	size_t i;

	if (r->nheaders == 0 && !r->body_json)
		return hl;
	for (i = 0; i < r->nheaders; i++)
		x->slist = slist_add(x->slist, r->headers[i], failed);
	for (; hl != NULL; hl = hl->next)
		if (!has_header(r->headers, r->nheaders, hl->data,
		    header_name_len(hl->data)))
			x->slist = slist_add(x->slist, hl->data, failed);
	if (r->body_json && !slist_has(x->slist, "Content-Type", 12))
		x->slist = slist_add(x->slist,
		    "Content-Type: application/json", failed);
	return x->slist;
}

/* Where a connection can be shared (HTTP/2: https with ALPN, --http2,
 * --http2-prior-knowledge), a burst of requests to one origin waits for
 * the first connection to say so instead of each opening its own.  Not
 * for plain http otherwise: libcurl 7.88 would hold the second request
 * until the first one's response is over. */
static bool
pipewait(const struct xfer_conf *xc, const char *url)
{
	switch (xc->cfg->http) {
	case HTTPV_2:
	case HTTPV_2_PRIOR:
		return !xc->forbid_reuse;
	case HTTPV_DEFAULT:
		return util_prefix_ci(url, "https:", 6);
	case HTTPV_1_1:
		break;
	}
	return false;
}

/* The connect limit libcurl is given: --connect-timeout, or the attempt's
 * time limit where that is shorter.  (The attempt's limit itself is the
 * engine's timer, not CURLOPT_TIMEOUT_MS; but libcurl spreads its connect
 * time over a host's addresses, and must know the whole of it.) */
static int64_t
connect_ms(const struct xfer_conf *xc, const struct xfer_req *r)
{
	int64_t c = xc->cfg->connect_timeout_ms;

	if (r->timeout_ms > 0 && (c <= 0 || r->timeout_ms < c))
		c = r->timeout_ms;
	return c;
}

/* m is the method name (a literal): strcmp, without a call for the
 * first byte that differs. */
static inline bool
method_is(const char *m, const char *name)
{
	return m[0] == name[0] && strcmp(m + 1, name + 1) == 0;
}

int
xfer_prepare(struct xfer *x, const struct xfer_req *r, void *owner,
    char *err, size_t errlen)
{
	CURL *h = x->easy;
	const struct curl_slist *hl;
	bool failed = false, head = method_is(r->method, "HEAD");
	bool plain_get = !r->has_body && method_is(r->method, "GET");
	bool pw = pipewait(x->xc, r->url), known = x->set_known;
	int64_t cms = connect_ms(x->xc, r);
	CURLcode rc = CURLE_OK;

	/* Expected to reuse a connection: the connect limit is the
	 * engine's (where -t is not the same limit), not libcurl's. */
	x->idle_conns = x->xc->forbid_reuse ? NULL : r->idle_conns;
	x->connect_limit_ms = 0;
	if (x->idle_conns != NULL && *x->idle_conns > 0) {
		(*x->idle_conns)--;
		if (r->timeout_ms <= 0 || cms < r->timeout_ms)
			x->connect_limit_ms = cms;
		cms = 0;
	}

	x->owner = owner;
	x->err[0] = '\0';
	buf_reset(&x->body);
	buf_reset(&x->hdr);
	x->hdr_lines = 0;
	x->received = 0;
	x->max_body = x->xc->cfg->max_body;
	x->keep_body = r->keep_body;
	x->too_large = x->headers_too_large = x->sink_failed = false;
	x->conflicting_length = false;
	x->bad_status_line = false;
	x->req_ready = x->opened = false;
	x->conn_close = false;
	x->hdr_rx = false;
	x->line_status = x->line_version = 0;
	x->line_final = x->final_done = x->line_unsure = false;
	x->block_start = true;
	x->content_length = -1;
	x->sink = r->sink;
	x->sink_arg = r->sink_arg;
	hl = request_headers(x, r, &failed);

#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(h, opt, val); } while (0)
	/* A string, not a CURLU: with CURLOPT_CURLU libcurl 7.88 prints the
	 * whole URL back out for every transfer (and, on a reused handle,
	 * keeps the previous one unless CURLOPT_URL is cleared first). */
	SET(CURLOPT_URL, r->url);
	if (!known || hl != x->set_hl)
		SET(CURLOPT_HTTPHEADER, hl);
	if (!known || cms != x->set_connect_ms)
		SET(CURLOPT_CONNECTTIMEOUT_MS, (long)cms);
	if (!known || !plain_get || !x->set_plain_get) {
		if (r->has_body) {
			SET(CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)r->body_len);
			SET(CURLOPT_POSTFIELDS, r->body);
		} else
			SET(CURLOPT_HTTPGET, 1L);
		SET(CURLOPT_NOBODY, head ? 1L : 0L);
		/* HEAD reads no body: its Content-Length is no size to
		 * refuse (libcurl checks it against this before the end). */
		if (x->xc->cfg->max_body < (uint64_t)INT64_MAX)
			SET(CURLOPT_MAXFILESIZE_LARGE, head ? (curl_off_t)0 :
			    (curl_off_t)x->xc->cfg->max_body);
		/* What libcurl sends by itself (GET, POST with a body,
		 * HEAD with NOBODY) needs no custom request line. */
		SET(CURLOPT_CUSTOMREQUEST, !head && !method_is(r->method,
		    r->has_body ? "POST" : "GET") ? r->method : NULL);
	}
	if (!known || pw != x->set_pipewait)
		SET(CURLOPT_PIPEWAIT, pw ? 1L : 0L);
#undef SET
	/* After a failure which of them took is not known: all again. */
	x->set_known = rc == CURLE_OK;
	x->set_hl = hl;
	x->set_connect_ms = cms;
	x->set_plain_get = plain_get;
	x->set_pipewait = pw;
	if (rc != CURLE_OK || failed) {
		snprintf(err, errlen, "cannot set up the transfer: %s",
		    failed ? "out of memory" : curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/* The phases of the transfer from libcurl's clock (each *_TIME_T info
 * is in libcurl since 7.61.0; NUM_CONNECTS since 7.12.3).  The infos
 * count from the start; a phase that did not happen (a reused
 * connection, plain http, no response) reads 0 and is null here. */
static void
xfer_timing(struct xfer *x, int curl_code, curl_off_t total,
    struct record_timing *t)
{
	curl_off_t dns = 0, conn = 0, tls = 0, ttfb = 0;
	long nconn = 0;

	/* The connection phases only for a new connection (on a reused one
	 * they are not this transfer's): three infos fewer mostly.  A
	 * transfer that succeeded made one if libcurl opened a socket for
	 * it; one that failed may have opened sockets that never
	 * connected, which libcurl does not count. */
	if (curl_code != CURLE_OK)
		curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &nconn);
	else
		nconn = x->opened;
	if (nconn > 0) {
		curl_easy_getinfo(x->easy, CURLINFO_NAMELOOKUP_TIME_T, &dns);
		curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &conn);
		curl_easy_getinfo(x->easy, CURLINFO_APPCONNECT_TIME_T, &tls);
	}
	curl_easy_getinfo(x->easy, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
	t->set = true;
	t->dns_ms = t->connect_ms = t->tls_ms = t->ttfb_ms = -1;
	if (nconn > 0 && dns > 0)
		t->dns_ms = (double)dns / 1000.0;
	if (nconn > 0 && conn > 0)
		t->connect_ms = (double)(conn - (dns < conn ? dns : 0)) / 1000.0;
	if (nconn > 0 && tls > 0 && conn > 0)
		t->tls_ms = (double)(tls - (conn < tls ? conn : tls)) / 1000.0;
	if (ttfb > 0)
		t->ttfb_ms = (double)ttfb / 1000.0;
	t->total_ms = (double)total / 1000.0;
}

void
xfer_result(struct xfer *x, int curl_code, struct xfer_res *res)
{
	long ver = 0;
	curl_off_t total = 0;
	char *ct = NULL, *eff = NULL, *loc = NULL;

	memset(res, 0, sizeof(*res));
	res->curl_code = curl_code;
	res->errbuf = x->err;
	res->too_large = x->too_large;
	res->headers_too_large = x->headers_too_large;
	res->conflicting_length = x->conflicting_length;
	res->bad_status_line = x->bad_status_line;
	res->sink_failed = x->sink_failed;
	/* Its connection, kept by libcurl as far as volley can tell. */
	if (x->idle_conns != NULL && curl_code == CURLE_OK && !x->conn_close)
		(*x->idle_conns)++;
	x->idle_conns = NULL;
	/* A transfer that succeeded ended on its response's status line,
	 * which header_cb read as libcurl does (two infos fewer). */
	if (curl_code == CURLE_OK && x->line_status > 0 && !x->line_unsure) {
		res->status = x->line_status;
		ver = x->line_version;
	} else {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE,
		    &res->status);
		curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &ver);
	}
	if (x->bad_status_line)
		res->status = 0;	/* what 8.x read into it was not one */
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
	/* Read only where it is used: a 3xx that -L may follow. */
	if (res->status >= 300 && res->status < 400)
		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &total);
	/* A transfer that succeeds can leave an errno too: a refused IPv6
	 * attempt before the IPv4 one that worked, or (7.88) the TLS close
	 * of a connection the server ended, run on a transfer that reused
	 * it and succeeded. */
	if (curl_code != CURLE_OK || x->xc->sticky_errno) {
		curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &res->os_errno);
		x->renew = x->xc->sticky_errno && res->os_errno != 0;
	}
	if (curl_code == CURLE_RECV_ERROR)
		curl_easy_getinfo(x->easy, CURLINFO_HTTP_CONNECTCODE,
		    &res->connect_code);
	res->tls = (eff != NULL && util_prefix_ci(eff, "https:", 6)) ||
	    (x->xc->cfg->proxy != NULL &&
	    util_prefix_ci(x->xc->cfg->proxy, "https:", 6));
	res->http_version = res->status > 0 ? version_name(ver) : NULL;
	res->content_type = ct;
	res->effective_url = eff;
	res->redirect_url = loc;
	res->headers = x->hdr.data;
	res->headers_len = x->hdr.len;
	res->headers_rx = x->hdr_rx;
	res->body = x->body.data;
	res->body_len = x->body.len;
	res->size = x->received;
	res->total_ms = (double)total / 1000.0;
	xfer_timing(x, curl_code, total, &res->timing);
}
