/* cli — volley's command line: the option table (each option's kind,
 * range and field of struct config; opt.c does the parsing), the checks
 * that need the whole line, and --help.  The man page and the completions
 * are checked against --help by tests/70-docs.bats. */
#include "cli.h"
#include "diag.h"
#include "hdr.h"
#include "json.h"
#include "opt.h"
#include "retry.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define F(field)	offsetof(struct config, field)
#define FIELD(t, o, type) ((type *)(void *)((char *)(t) + (o)->off))
#define O		OPT_ENTRY

/* OPT_SET and OPT_ENUM store an int. */
_Static_assert(sizeof(enum out_mode) == sizeof(int) &&
    sizeof(enum out_format) == sizeof(int) &&
    sizeof(enum body_mode) == sizeof(int) &&
    sizeof(enum http_version) == sizeof(int) &&
    sizeof(enum stats_mode) == sizeof(int) &&
    sizeof(enum progress_mode) == sizeof(int), "enums are not int-sized");

static const struct opt_value mode_values[] = {
	{"gather", MODE_GATHER}, {"as-completed", MODE_AS_COMPLETED}, {NULL, 0}
};
static const struct opt_value format_values[] = {
	{"jsonl", FORMAT_JSONL}, {"json", FORMAT_JSON}, {NULL, 0}
};
static const struct opt_value body_values[] = {
	{"auto", BODY_AUTO}, {"json", BODY_JSON}, {"text", BODY_TEXT},
	{"base64", BODY_BASE64}, {"none", BODY_NONE}, {NULL, 0}
};
static const struct opt_value stats_values[] = {
	{"json", STATS_JSON}, {"text", STATS_TEXT}, {NULL, 0}
};

/* Read all of path ("-" = stdin) into a new buffer.  0 or -1 with errno. */
static int
slurp(const char *path, struct buf *out)
{
	char chunk[65536];
	ssize_t n;
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (fd != 0)
			close(fd);
		errno = EISDIR;
		return -1;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_add(out, chunk, (size_t)n) == -1) {
			n = -1;
			errno = ENOMEM;
			break;
		}
	}
	if (fd != 0)
		close(fd);
	return n == 0 ? 0 : -1;
}

static void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->concurrency = 50;
	c->timeout_ms = 30000;
	c->connect_timeout_ms = 10000;
	c->retry_delay_ms = 500;
	c->retry_max_wait_ms = 30000;
	c->user_agent = "volley/" VOLLEY_VERSION;
	c->max_redirs = 10;
	c->page_start = 1;
	c->max_pages = 1000;
	c->max_body = 10u << 20;
	c->window = 32u << 20;
}

/* -d / --json (.value 1): a literal, or @FILE. Repeated -d are joined
 * with '&' as curl does; repeated --json are concatenated. */
static enum opt_result
set_data(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	struct config *c = t;
	struct buf b = {0};
	bool json = o->value != 0;

	if (c->has_data && c->data_json != json)
		return opt_error(err, errlen,
		    "-d and --json cannot be combined");
	if (c->has_data) {
		if (buf_add(&b, c->data, c->data_len) == -1 ||
		    (!json && buf_addc(&b, '&') == -1))
			goto oom;
	}
	if (arg[0] == '@') {
		if (slurp(arg + 1, &b) == -1) {
			buf_free(&b);
			return opt_error(err, errlen, "%s: %s", arg + 1,
			    strerror(errno));
		}
	} else if (buf_addstr(&b, arg) == -1)
		goto oom;
	free(c->data);
	c->data_len = b.len;
	c->data = buf_steal(&b);
	c->has_data = true;
	c->data_json = json;
	return OPT_OK;
oom:
	buf_free(&b);
	return opt_error(err, errlen, "out of memory");
}

static enum opt_result
set_rate(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	char *end;
	double v, per;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || !(v > 0) || v > 1e9)
		goto bad;
	if (*end == '\0' || strcmp(end, "/s") == 0)
		per = 1;
	else if (strcmp(end, "/m") == 0)
		per = 60;
	else if (strcmp(end, "/h") == 0)
		per = 3600;
	else
		goto bad;
	*FIELD(t, o, double) = v / per;
	return OPT_OK;
bad:
	return opt_error(err, errlen,
	    "%s: '%s' is not N, N/s, N/m or N/h with N > 0", label, arg);
}

static enum opt_result
set_accept(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	struct config *c = t;

	if (util_parse_ranges(arg, c->accept, sizeof c->accept /
	    sizeof c->accept[0], &c->naccept) == -1)
		return opt_error(err, errlen, "%s: '%s' is not a list of "
		    "statuses and ranges in 100-999 (e.g. 200-299,304)", label,
		    arg);
	return OPT_OK;
}

static enum opt_result
check_report(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	if (report_parse(arg, NULL, NULL) == -1)
		return opt_error(err, errlen, "%s: '%s' is not FORMAT:PATH with "
		    "FORMAT junit, tap, github or markdown", label, arg);
	return OPT_OK;
}

static enum opt_result
check_method(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	if (!hdr_value(arg, strlen(arg)))
		return opt_error(err, errlen, "%s: a method cannot hold a "
		    "control character", label);
	if (!hdr_token(arg, strlen(arg)))
		return opt_error(err, errlen, "%s: '%s' is not a method",
		    label, arg);
	return OPT_OK;
}

static enum opt_result
check_retry_on(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	struct retry_set set;
	char why[160];

	if (retry_set_parse(&set, arg, why, sizeof why) == -1)
		return opt_error(err, errlen, "%s: %s", label, why);
	return OPT_OK;
}

static enum opt_result
check_header(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	const char *why = hdr_request_line(arg);

	if (why == NULL)
		return OPT_OK;
	if (!hdr_value(arg, strlen(arg)))	/* do not print it */
		return opt_error(err, errlen, "%s: a header cannot hold CR, "
		    "LF or another control character", label);
	return opt_error(err, errlen, "%s: '%s' %s", label, arg, why);
}

/* -A: a header value. */
static enum opt_result
check_value(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	if (!hdr_value(arg, strlen(arg)))
		return opt_error(err, errlen, "%s: a header value cannot hold "
		    "a control character (CR, LF, ...)", label);
	return OPT_OK;
}

/* -x and --template: URLs, so no control character or space (in a
 * template, lines are encoded into {}; {raw} is checked per request). */
static enum opt_result
check_url_text(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	const unsigned char *p;

	for (p = (const unsigned char *)arg; *p != '\0'; p++)
		if (!util_visible(*p))
			return opt_error(err, errlen, "%s: a URL cannot hold "
			    "%s", label, *p == ' ' ? "a space" :
			    "a control character");
	return OPT_OK;
}

static enum opt_result
check_template(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	if (strstr(arg, "{}") == NULL && strstr(arg, "{raw}") == NULL)
		return opt_error(err, errlen, "%s: %s has no {} or {raw}",
		    label, arg);
	return check_url_text(t, o, label, arg, err, errlen);
}

/* --next-link, --next-field, --page-param, --cursor-param: one style
 * (.value) per run; all but --next-link name a field or parameter. */
static enum opt_result
set_page_style(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	struct config *c = t;

	if (c->page != PAGE_NONE && c->page != (enum page_style)o->value)
		return opt_error(err, errlen, "only one of --next-link, "
		    "--next-field, --page-param, --cursor-param");
	c->page = (enum page_style)o->value;
	if (arg == NULL)
		return OPT_OK;
	*FIELD(t, o, const char *) = arg;
	/* a parameter needs a name; "" is a pointer to the whole body */
	if (*arg == '\0' && o->value != PAGE_FIELD)
		return opt_error(err, errlen, "%s: empty argument", label);
	return OPT_OK;
}

static enum opt_result
set_shard(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	struct config *c = t;
	const char *slash = strchr(arg, '/');
	char k[32];

	if (slash == NULL)
		return opt_error(err, errlen, "%s: '%s' is not K/N", label,
		    arg);
	if ((size_t)(slash - arg) >= sizeof k)
		goto bad;
	memcpy(k, arg, (size_t)(slash - arg));
	k[slash - arg] = '\0';
	if (util_parse_long(k, 0, 1000000, &c->shard_k) == -1 ||
	    util_parse_long(slash + 1, 1, 1000000, &c->shard_n) == -1 ||
	    c->shard_k >= c->shard_n)
		goto bad;
	return OPT_OK;
bad:
	return opt_error(err, errlen, "%s: '%s' is not K/N with 0 <= K < N",
	    label, arg);
}

/* --help (.value 0) and --version (1). */
static enum opt_result
show_info(void *t, const struct opt *o, const char *label,
    const char *arg, char *err, size_t errlen)
{
	if (o->value == 0)
		cli_usage();
	else
		printf("volley %s\n", VOLLEY_VERSION);
	return OPT_EXIT;
}

/* In --help order.  Keep the man page and completions/ in step. */
static const struct opt opts[] = {
	{O("input", 'i', OPT_LIST, F(inputs), "FILE",
	    "read request lines from FILE (repeatable, - is stdin)"),
	    .off_n = F(ninputs), .group = "Input"},
	{O("template", 0, OPT_STRING, F(template), "URL",
	    "build each URL from URL: {} = the line percent-encoded, {raw} = "
	    "as is"), .fn = check_template},

	{O("concurrency", 'c', OPT_LONG, F(concurrency), "N",
	    "at most N requests in flight (default 50)"), .min = 1,
	    .max = 100000, .group = "Limits and time"},
	{O("per-host", 0, OPT_LONG, F(per_host), "N",
	    "at most N in flight per origin (scheme, host, port; 0 = no "
	    "limit)"), .min = 0, .max = 100000},
	{O("rate", 0, OPT_CUSTOM, F(rate), "N[/s|/m|/h]",
	    "start at most N requests per second (or minute, hour)"),
	    .fn = set_rate},
	{O("timeout", 't', OPT_DURATION, F(timeout_ms), "DUR",
	    "time limit for each attempt (default 30s; 0 = none)")},
	{O("connect-timeout", 0, OPT_DURATION, F(connect_timeout_ms), "DUR",
	    "time limit to connect (default 10s)"),
	    .off_seen = F(connect_timeout_set)},
	{O("deadline", 0, OPT_DURATION, F(deadline_ms), "DUR",
	    "time limit for the whole run; the rest get deadline records")},
	{O("retries", 0, OPT_LONG, F(retries), "N",
	    "retry idempotent requests on connect errors, timeouts, 408, 429, "
	    "500, 502-504 (default 0)"), .min = 0, .max = 1000},
	{O("retry-delay", 0, OPT_DURATION, F(retry_delay_ms), "DUR",
	    "base of the exponential backoff (default 500ms)"),
	    .off_seen = F(retry_delay_set)},
	{O("retry-max-wait", 0, OPT_DURATION, F(retry_max_wait_ms), "DUR",
	    "longest single wait before a retry (default 30s)"),
	    .off_seen = F(retry_max_wait_set)},
	{O("retry-on", 0, OPT_STRING, F(retry_on), "LIST",
	    "what --retries retries instead: statuses, ranges, connect, "
	    "timeout, read, dns, tls, protocol"), .fn = check_retry_on},
	{O("no-adapt", 0, OPT_FLAG, F(no_adapt), NULL,
	    "keep each host's concurrency fixed on 429, 503 and rate limits")},
	{O("fail-fast", 0, OPT_FLAG, F(fail_fast), NULL,
	    "the first failed record cancels everything else (exit 3)")},
	{O("accept", 0, OPT_CUSTOM, 0, "LIST",
	    "statuses that are ok, e.g. 200-299,304 (default: below 400)"),
	    .fn = set_accept},

	{O("request", 'X', OPT_STRING, F(method), "METHOD",
	    "HTTP method (default GET, or POST with -d/--json)"),
	    .fn = check_method, .group = "Request"},
	{O("header", 'H', OPT_LIST, F(headers), "'K: V'",
	    "add a request header (repeatable)"), .off_n = F(nheaders),
	    .fn = check_header},
	{O("data", 'd', OPT_CUSTOM, 0, "STR|@FILE",
	    "send STR (or FILE's bytes) as the body, form-encoded type"),
	    .fn = set_data},
	{O("json", 0, OPT_CUSTOM, 0, "STR|@FILE",
	    "send a JSON body with JSON Content-Type and Accept"), .value = 1,
	    .fn = set_data},
	{O("user-agent", 'A', OPT_STRING, F(user_agent), "STR",
	    "User-Agent header (default volley/" VOLLEY_VERSION ")"),
	    .fn = check_value},
	{O("location", 'L', OPT_FLAG, F(location), NULL, "follow redirects")},
	{O("max-redirs", 0, OPT_LONG, F(max_redirs), "N",
	    "at most N redirects per request (default 10)"), .min = 0,
	    .max = 1000, .off_seen = F(max_redirs_set)},
	{O("location-trusted", 0, OPT_FLAG, F(location_trusted), NULL,
	    "send -H headers to other origins on redirects and next links")},
	{O("insecure", 'k', OPT_FLAG, F(insecure), NULL,
	    "do not verify TLS certificates")},
	{O("cacert", 0, OPT_STRING, F(cacert), "FILE",
	    "verify TLS peers with the CA certificates in FILE")},
	{O("capath", 0, OPT_STRING, F(capath), "DIR",
	    "also trust the hashed CA certificates in DIR (c_rehash)")},
	{O("proxy", 'x', OPT_STRING, F(proxy), "URL", "use this proxy"),
	    .fn = check_url_text},
	{O("compressed", 0, OPT_FLAG, F(compressed), NULL,
	    "ask for a compressed response and decompress it")},
	{O("http1.1", 0, OPT_SET, F(http), NULL, "use HTTP/1.1"),
	    .value = HTTPV_1_1},
	{O("http2", 0, OPT_SET, F(http), NULL,
	    "use HTTP/2 (TLS ALPN, or h2c upgrade for http)"),
	    .value = HTTPV_2},
	{O("http2-prior-knowledge", 0, OPT_SET, F(http), NULL,
	    "use HTTP/2 without HTTP/1.1 upgrade"), .value = HTTPV_2_PRIOR},

	{O("next-link", 0, OPT_ACTION, 0, NULL,
	    "follow Link: <...>; rel=\"next\" headers"), .value = PAGE_LINK,
	    .fn = set_page_style, .group = "Pagination"},
	{O("next-field", 0, OPT_CUSTOM, F(next_field), "PTR",
	    "follow the URL at JSON pointer PTR in the body"),
	    .value = PAGE_FIELD, .fn = set_page_style},
	{O("page-param", 0, OPT_CUSTOM, F(page_param), "NAME",
	    "increment query parameter NAME until a page has no items"),
	    .value = PAGE_PARAM, .fn = set_page_style},
	{O("page-start", 0, OPT_LONG, F(page_start), "N",
	    "first page number when the URL has none (default 1)"),
	    .min = -1000000000L, .max = 1000000000L,
	    .off_seen = F(page_start_set)},
	{O("cursor-param", 0, OPT_CUSTOM, F(cursor_param), "NAME",
	    "send the cursor in query parameter NAME"), .value = PAGE_CURSOR,
	    .fn = set_page_style},
	{O("cursor-field", 0, OPT_STRING, F(cursor_field), "PTR",
	    "the next cursor is at JSON pointer PTR in the body")},
	{O("items", 0, OPT_STRING, F(items), "PTR",
	    "a page's items are at PTR (default: the body if an array)")},
	{O("flatten", 0, OPT_FLAG, F(flatten), NULL,
	    "one record per item instead of one per page")},
	{O("max-pages", 0, OPT_LONG, F(max_pages), "N",
	    "at most N pages per chain (default 1000)"), .min = 1,
	    .max = 1000000000L, .off_seen = F(max_pages_set)},

	{O("mode", 'm', OPT_ENUM, F(mode), "MODE",
	    "gather (input order, default) or as-completed"),
	    .values = mode_values, .group = "Output"},
	{O("format", 'f', OPT_ENUM, F(format), "FMT",
	    "jsonl (default) or json (one array)"), .values = format_values},
	{O("body", 0, OPT_ENUM, F(body), "HOW",
	    "auto (default), json, text, base64 or none"),
	    .values = body_values},
	{O("max-body", 0, OPT_SIZE, F(max_body), "SIZE",
	    "largest body kept (default 10M); more is body_too_large")},
	{O("window", 0, OPT_SIZE, F(window), "SIZE",
	    "bytes of records held for output at most (default 32M)")},
	{O("include-headers", 'I', OPT_FLAG, F(include_headers), NULL,
	    "add the response headers to each record")},
	{O("output", 'o', OPT_STRING, F(output), "FILE",
	    "write records to FILE instead of stdout")},
	{O("save", 0, OPT_STRING, F(save_dir), "DIR",
	    "write bodies to files in DIR; records get saved, size, sha256")},
	{O("stats", 0, OPT_ENUM, F(stats), "[=json|text]",
	    "print a summary on stderr at the end"), .value = STATS_AUTO,
	    .optional = true, .values = stats_values},
	{O("report", 0, OPT_LIST, F(reports), "FMT:PATH",
	    "also write a junit, tap, github or markdown report (- = stderr)"),
	    .off_n = F(nreports), .fn = check_report},
	{O("replay", 0, OPT_STRING, F(replay), "FILE",
	    "fetch nothing: --stats and --report from FILE's jsonl records")},
	{O("progress", 0, OPT_SET, F(progress), NULL,
	    "show progress on stderr even when it is not a terminal"),
	    .value = PROGRESS_ON},
	{O("no-progress", 0, OPT_SET, F(progress), NULL, "never show progress"),
	    .value = PROGRESS_OFF},
	{O("quiet", 'q', OPT_FLAG, F(quiet), NULL,
	    "no warnings or progress on stderr")},
	{O("shard", 0, OPT_CUSTOM, 0, "K/N",
	    "fetch only requests whose index % N == K"), .fn = set_shard},
	{O("resume", 0, OPT_STRING, F(resume), "FILE",
	    "skip requests recorded ok in FILE and append new records to it")},

	{O("help", 'h', OPT_ACTION, 0, NULL, "show this help and exit"),
	    .fn = show_info, .group = "Other"},
	{O("version", 'V', OPT_ACTION, 0, NULL, "show the version and exit"),
	    .value = 1, .fn = show_info},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

void
cli_usage(void)
{
	printf("Usage: volley [OPTIONS] [URL...]\n"
	    "Fetch URLs concurrently and print one JSON record per request.\n"
	    "URLs come from the arguments, from -i FILE, or from stdin; a line\n"
	    "starting with { is a JSON request: "
	    "{\"url\",\"method\",\"headers\",\"body\",\"id\"}.\n");
	opt_usage(opts, NOPTS, stdout);
	printf("\nDUR: 250ms, 5s, 1.5s, 2m, 1h, 1m30s (a bare number is "
	    "seconds).\nSIZE: 512K, 10M, 1G.\n"
	    "Exit: 0 all ok, 1 some record not ok, 2 usage error, 3 stopped by\n"
	    "--fail-fast or --deadline, 4 output not written, 130 SIGINT, "
	    "143 SIGTERM.\n"
	    "See volley(1).\n");
}

static enum opt_result check_inputs(struct config *, char *, size_t);

/* What needs the whole command line: option pairs, JSON pointers, and
 * the files and directories named. */
static enum opt_result
check_config(struct config *c, char *err, size_t errlen)
{
	const char *ptrs[][2] = {{"--next-field", c->next_field},
	    {"--cursor-field", c->cursor_field}, {"--items", c->items}};
	struct stat st;
	size_t i;

	for (i = 0; i < 3; i++)
		if (ptrs[i][1] != NULL && !json_pointer_valid(ptrs[i][1]))
			return opt_error(err, errlen, "%s: '%s' is not a JSON "
			    "pointer (\"\", or /a/b with ~0 and ~1 escapes)",
			    ptrs[i][0], ptrs[i][1]);
	if (c->page == PAGE_CURSOR && c->cursor_field == NULL)
		return opt_error(err, errlen,
		    "--cursor-param needs --cursor-field");
	if (c->cursor_field != NULL && c->page != PAGE_CURSOR)
		return opt_error(err, errlen,
		    "--cursor-field needs --cursor-param");
	if (c->page_start_set && c->page != PAGE_PARAM)
		return opt_error(err, errlen,
		    "--page-start needs --page-param");
	/* Values that contradict each other (one set only to a value the
	 * other's default cuts short is not: -t 5s alone is fine). */
	if (c->retry_delay_set && c->retry_delay_ms > c->retry_max_wait_ms)
		return opt_error(err, errlen, "--retry-delay %.3gs is longer "
		    "than --retry-max-wait %.3gs, which caps every wait",
		    (double)c->retry_delay_ms / 1000,
		    (double)c->retry_max_wait_ms / 1000);
	if (c->connect_timeout_set && c->timeout_ms > 0 &&
	    c->connect_timeout_ms > c->timeout_ms)
		return opt_error(err, errlen, "--connect-timeout %.3gs is "
		    "longer than --timeout %.3gs, which limits the whole "
		    "attempt (-t 0 for no limit)",
		    (double)c->connect_timeout_ms / 1000,
		    (double)c->timeout_ms / 1000);
	if (c->resume != NULL && c->format == FORMAT_JSON)
		return opt_error(err, errlen, "--resume needs -f jsonl: a "
		    "JSON array cannot be appended to");
	if (c->resume != NULL && c->output != NULL &&
	    strcmp(c->resume, c->output) != 0)
		return opt_error(err, errlen,
		    "--resume writes to its FILE: -o must name the same file");
	if (c->save_dir != NULL &&
	    (stat(c->save_dir, &st) == -1 || !S_ISDIR(st.st_mode)))
		return opt_error(err, errlen, "--save: %s is not a directory",
		    c->save_dir);
	if (c->replay != NULL && (c->nurls > 0 || c->ninputs > 0))
		return opt_error(err, errlen,
		    "--replay reads records, not requests: no URLs or -i");
	if (c->cacert != NULL && (stat(c->cacert, &st) == -1 ||
	    access(c->cacert, R_OK) == -1))
		return opt_error(err, errlen, "--cacert: %s: %s", c->cacert,
		    strerror(errno));
	if (c->cacert != NULL && S_ISDIR(st.st_mode))
		return opt_error(err, errlen, "--cacert: %s: is a directory",
		    c->cacert);
	if (c->capath != NULL && stat(c->capath, &st) == -1)
		return opt_error(err, errlen, "--capath: %s: %s", c->capath,
		    strerror(errno));
	if (c->capath != NULL && !S_ISDIR(st.st_mode))
		return opt_error(err, errlen, "--capath: %s: not a directory",
		    c->capath);
	if (c->capath != NULL && access(c->capath, X_OK) == -1)
		return opt_error(err, errlen, "--capath: %s: %s", c->capath,
		    strerror(errno));
	return check_inputs(c, err, errlen);
}

/* The -i files and stdin: each can be read (a FIFO without a writer yet
 * can; access() asks without opening). */
static enum opt_result
check_inputs(struct config *c, char *err, size_t errlen)
{
	bool use_stdin = c->nurls == 0 && c->ninputs == 0 &&
	    c->replay == NULL;
	struct stat st;
	size_t i;

	for (i = 0; i < c->ninputs; i++) {
		if (strcmp(c->inputs[i], "-") == 0) {
			use_stdin = true;
			continue;
		}
		if (stat(c->inputs[i], &st) == -1 ||
		    access(c->inputs[i], R_OK) == -1)
			return opt_error(err, errlen, "%s: %s", c->inputs[i],
			    strerror(errno));
		if (S_ISDIR(st.st_mode))
			return opt_error(err, errlen, "%s: is a directory",
			    c->inputs[i]);
	}
	if (use_stdin && fstat(0, &st) == 0 && S_ISDIR(st.st_mode))
		return opt_error(err, errlen, "stdin: is a directory");
	return OPT_OK;
}

void
cli_warn(const struct config *c)
{
	const char *why = "without --next-link, --next-field, --page-param "
	    "or --cursor-param";

	if (c->max_pages_set && c->page == PAGE_NONE)
		diag_warn("--max-pages has no effect %s", why);
	if (c->items != NULL && c->page == PAGE_NONE && !c->flatten)
		diag_warn("--items has no effect without pagination or "
		    "--flatten");
	if (c->max_redirs_set && !c->location)
		diag_warn("--max-redirs has no effect without -L");
	if (c->location_trusted && !c->location && c->page == PAGE_NONE)
		diag_warn("--location-trusted has no effect without -L or "
		    "pagination");
	if (c->retry_on != NULL && c->retries == 0)
		diag_warn("--retry-on has no effect without --retries");
	if (c->save_dir != NULL && c->body != BODY_AUTO)
		diag_warn("--body has no effect with --save (the record "
		    "names the file instead)");
	/* --retry-max-wait also bounds a host's pause, unless --no-adapt */
	if (c->retry_delay_set && c->retries == 0)
		diag_warn("--retry-delay has no effect without --retries");
	if (c->retry_max_wait_set && c->no_adapt && c->retries == 0)
		diag_warn("--retry-max-wait has no effect without --retries "
		    "under --no-adapt");
}

enum cli_result
cli_parse(int argc, char **argv, struct config *c, char *err, size_t errlen)
{
	size_t nurls;

	config_defaults(c);
	switch (opt_parse(opts, NOPTS, argc, argv, c, &nurls, err, errlen)) {
	case OPT_EXIT:
		return CLI_EXIT;
	case OPT_USAGE:
		return CLI_USAGE;
	case OPT_OK:
		break;
	}
	c->urls = argv + 1;
	c->nurls = nurls;
	return check_config(c, err, errlen) == OPT_OK ? CLI_OK : CLI_USAGE;
}

void
cli_config_free(struct config *c)
{
	free(c->inputs);
	free(c->headers);
	free(c->reports);
	free(c->data);
	memset(c, 0, sizeof(*c));
}
