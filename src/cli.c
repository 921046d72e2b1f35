/* cli — the command line.  One table below lists every option once; it
 * drives getopt_long and --help, and the man page and the completions are
 * checked against --help by tests/70-docs.bats. */
#include "cli.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum opt_id {
	O_BODY = 256, O_CACERT, O_COMPRESSED, O_CONNECT_TIMEOUT, O_CURSOR_FIELD,
	O_CURSOR_PARAM, O_DEADLINE, O_FAIL_FAST, O_FLATTEN, O_HTTP11, O_HTTP2,
	O_HTTP2_PK, O_ITEMS, O_JSON, O_LOCATION_TRUSTED, O_MAX_BODY,
	O_MAX_PAGES, O_MAX_REDIRS, O_NEXT_FIELD, O_NEXT_LINK, O_NO_PROGRESS,
	O_PAGE_PARAM, O_PAGE_START, O_PER_HOST, O_PROGRESS, O_RATE, O_RESUME,
	O_RETRIES, O_RETRY_DELAY, O_RETRY_MAX_WAIT, O_SAVE, O_SHARD, O_STATS,
	O_TEMPLATE
};

struct opt {
	const char	*name;
	int		 has_arg;
	int		 id;		/* short letter or O_* */
	const char	*arg;		/* argument name for --help */
	const char	*help;
	const char	*group;		/* non-NULL starts a --help section */
};

/* In --help order.  Keep the man page and completions/ in step. */
static const struct opt opts[] = {
	{"input", required_argument, 'i', "FILE",
	    "read request lines from FILE (repeatable, - is stdin)", "Input"},
	{"template", required_argument, O_TEMPLATE, "URL",
	    "build each URL from URL: {} = the line percent-encoded, {raw} = as is",
	    NULL},

	{"concurrency", required_argument, 'c', "N",
	    "at most N requests in flight (default 50)", "Limits and time"},
	{"per-host", required_argument, O_PER_HOST, "N",
	    "at most N in flight per origin (scheme, host, port; 0 = no limit)",
	    NULL},
	{"rate", required_argument, O_RATE, "N[/s|/m|/h]",
	    "start at most N requests per second (or minute, hour)", NULL},
	{"timeout", required_argument, 't', "DUR",
	    "time limit for each attempt (default 30s; 0 = none)", NULL},
	{"connect-timeout", required_argument, O_CONNECT_TIMEOUT, "DUR",
	    "time limit to connect (default 10s)", NULL},
	{"deadline", required_argument, O_DEADLINE, "DUR",
	    "time limit for the whole run; the rest get deadline records", NULL},
	{"retries", required_argument, O_RETRIES, "N",
	    "retry idempotent requests on connect errors, timeouts, 429, 502-504"
	    " (default 0)", NULL},
	{"retry-delay", required_argument, O_RETRY_DELAY, "DUR",
	    "base of the exponential backoff (default 500ms)", NULL},
	{"retry-max-wait", required_argument, O_RETRY_MAX_WAIT, "DUR",
	    "longest single wait before a retry (default 30s)", NULL},
	{"fail-fast", no_argument, O_FAIL_FAST, NULL,
	    "the first failed record cancels everything else (exit 3)", NULL},

	{"request", required_argument, 'X', "METHOD",
	    "HTTP method (default GET, or POST with -d/--json)", "Request"},
	{"header", required_argument, 'H', "'K: V'",
	    "add a request header (repeatable)", NULL},
	{"data", required_argument, 'd', "STR|@FILE",
	    "send STR (or FILE's bytes) as the body, form-encoded type", NULL},
	{"json", required_argument, O_JSON, "STR|@FILE",
	    "send a JSON body with JSON Content-Type and Accept", NULL},
	{"user-agent", required_argument, 'A', "STR",
	    "User-Agent header (default volley/" VOLLEY_VERSION ")", NULL},
	{"location", no_argument, 'L', NULL, "follow redirects", NULL},
	{"max-redirs", required_argument, O_MAX_REDIRS, "N",
	    "at most N redirects per request (default 10)", NULL},
	{"location-trusted", no_argument, O_LOCATION_TRUSTED, NULL,
	    "send -H headers to other origins on redirects and next links",
	    NULL},
	{"insecure", no_argument, 'k', NULL,
	    "do not verify TLS certificates", NULL},
	{"cacert", required_argument, O_CACERT, "FILE",
	    "verify TLS peers with the CA certificates in FILE", NULL},
	{"proxy", required_argument, 'x', "URL", "use this proxy", NULL},
	{"compressed", no_argument, O_COMPRESSED, NULL,
	    "ask for a compressed response and decompress it", NULL},
	{"http1.1", no_argument, O_HTTP11, NULL, "use HTTP/1.1", NULL},
	{"http2", no_argument, O_HTTP2, NULL,
	    "use HTTP/2 (TLS ALPN, or h2c upgrade for http)", NULL},
	{"http2-prior-knowledge", no_argument, O_HTTP2_PK, NULL,
	    "use HTTP/2 without HTTP/1.1 upgrade", NULL},

	{"next-link", no_argument, O_NEXT_LINK, NULL,
	    "follow Link: <...>; rel=\"next\" headers", "Pagination"},
	{"next-field", required_argument, O_NEXT_FIELD, "PTR",
	    "follow the URL at JSON pointer PTR in the body", NULL},
	{"page-param", required_argument, O_PAGE_PARAM, "NAME",
	    "increment query parameter NAME until a page has no items", NULL},
	{"page-start", required_argument, O_PAGE_START, "N",
	    "first page number when the URL has none (default 1)", NULL},
	{"cursor-param", required_argument, O_CURSOR_PARAM, "NAME",
	    "send the cursor in query parameter NAME", NULL},
	{"cursor-field", required_argument, O_CURSOR_FIELD, "PTR",
	    "the next cursor is at JSON pointer PTR in the body", NULL},
	{"items", required_argument, O_ITEMS, "PTR",
	    "a page's items are at PTR (default: the body if an array)", NULL},
	{"flatten", no_argument, O_FLATTEN, NULL,
	    "one record per item instead of one per page", NULL},
	{"max-pages", required_argument, O_MAX_PAGES, "N",
	    "at most N pages per chain (default 1000)", NULL},

	{"mode", required_argument, 'm', "MODE",
	    "gather (input order, default) or as-completed", "Output"},
	{"format", required_argument, 'f', "FMT",
	    "jsonl (default) or json (one array)", NULL},
	{"body", required_argument, O_BODY, "HOW",
	    "auto (default), json, text, base64 or none", NULL},
	{"max-body", required_argument, O_MAX_BODY, "SIZE",
	    "largest body kept (default 10M); more is body_too_large", NULL},
	{"include-headers", no_argument, 'I', NULL,
	    "add the response headers to each record", NULL},
	{"output", required_argument, 'o', "FILE",
	    "write records to FILE instead of stdout", NULL},
	{"save", required_argument, O_SAVE, "DIR",
	    "write bodies to files in DIR; records get saved, size, sha256",
	    NULL},
	{"stats", optional_argument, O_STATS, "[=json]",
	    "print a summary on stderr at the end", NULL},
	{"progress", no_argument, O_PROGRESS, NULL,
	    "show progress on stderr even when it is not a terminal", NULL},
	{"no-progress", no_argument, O_NO_PROGRESS, NULL,
	    "never show progress", NULL},
	{"quiet", no_argument, 'q', NULL,
	    "no warnings or progress on stderr", NULL},
	{"shard", required_argument, O_SHARD, "K/N",
	    "fetch only requests whose index % N == K", NULL},
	{"resume", required_argument, O_RESUME, "FILE",
	    "skip requests recorded ok in FILE and append new records to it",
	    NULL},

	{"help", no_argument, 'h', NULL, "show this help and exit", "Other"},
	{"version", no_argument, 'V', NULL, "show the version and exit", NULL},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

void
cli_usage(void)
{
	size_t i;

	printf("Usage: volley [OPTIONS] [URL...]\n"
	    "Fetch URLs concurrently and print one JSON record per request.\n"
	    "URLs come from the arguments, from -i FILE, or from stdin; a line\n"
	    "starting with { is a JSON request: "
	    "{\"url\",\"method\",\"headers\",\"body\",\"id\"}.\n");
	for (i = 0; i < NOPTS; i++) {
		char left[64];
		const struct opt *o = &opts[i];

		if (o->group != NULL)
			printf("\n%s:\n", o->group);
		if (o->id < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->id,
			    o->name, o->arg && o->has_arg == required_argument ?
			    " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name,
			    o->arg && o->has_arg == required_argument ? " " : "",
			    o->arg ? o->arg : "");
		if (strlen(left) > 28)
			printf("  %s\n  %-28s %s\n", left, "", o->help);
		else
			printf("  %-28s %s\n", left, o->help);
	}
	printf("\nDUR: 250ms, 5s, 1.5s, 2m, 1h (a bare number is seconds).  "
	    "SIZE: 512K, 10M, 1G.\n"
	    "Exit: 0 all ok, 1 some record not ok, 2 usage error, 3 stopped by\n"
	    "--fail-fast or --deadline, 4 output not written, 130 SIGINT, "
	    "143 SIGTERM.\n"
	    "See volley(1).\n");
}

static enum cli_result
usage_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum cli_result
usage_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return CLI_USAGE;
}

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

/* -d / --json: a literal, or @FILE. Repeated -d are joined with '&' as
 * curl does; repeated --json are concatenated. */
static int
add_data(struct config *c, const char *arg, bool json, char *err,
    size_t errlen)
{
	struct buf b = {0};

	if (c->has_data && c->data_json != json) {
		snprintf(err, errlen, "-d and --json cannot be combined");
		return -1;
	}
	if (c->has_data) {
		if (buf_add(&b, c->data, c->data_len) == -1 ||
		    (!json && buf_addc(&b, '&') == -1))
			goto oom;
	}
	if (arg[0] == '@') {
		if (slurp(arg + 1, &b) == -1) {
			snprintf(err, errlen, "%s: %s", arg + 1,
			    strerror(errno));
			buf_free(&b);
			return -1;
		}
	} else if (buf_addstr(&b, arg) == -1)
		goto oom;
	free(c->data);
	c->data_len = b.len;
	c->data = buf_steal(&b);
	c->has_data = true;
	c->data_json = json;
	return 0;
oom:
	buf_free(&b);
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int
parse_rate(const char *s, double *out)
{
	char *end;
	double v, per = 1;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !(v > 0) || v > 1e9)
		return -1;
	if (*end == '\0' || strcmp(end, "/s") == 0)
		per = 1;
	else if (strcmp(end, "/m") == 0)
		per = 60;
	else if (strcmp(end, "/h") == 0)
		per = 3600;
	else
		return -1;
	*out = v / per;
	return 0;
}

static int
push(const char ***arr, size_t *n, const char *s)
{
	const char **p = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (p == NULL)
		return -1;
	p[(*n)++] = s;
	*arr = p;
	return 0;
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
}

/* An RFC 6901 pointer: "" or "/..." with ~ only as ~0 or ~1. */
static bool
valid_pointer(const char *p)
{
	if (*p != '\0' && *p != '/')
		return false;
	for (; *p; p++)
		if (*p == '~' && p[1] != '0' && p[1] != '1')
			return false;
	return true;
}

static int
set_page_style(struct config *c, enum page_style s)
{
	if (c->page != PAGE_NONE && c->page != s)
		return -1;
	c->page = s;
	return 0;
}

enum cli_result
cli_parse(int argc, char **argv, struct config *c, char *err, size_t errlen)
{
	struct option lopts[NOPTS + 1];
	char shorts[2 * NOPTS + 2], *sp = shorts;
	const char *name;
	size_t i;
	int ch, idx;
	uint64_t size;
	char *slash;

	config_defaults(c);
	sp = shorts;
	*sp++ = ':';
	for (i = 0; i < NOPTS; i++) {
		lopts[i].name = opts[i].name;
		lopts[i].has_arg = opts[i].has_arg;
		lopts[i].flag = NULL;
		lopts[i].val = opts[i].id;
		if (opts[i].id < 256) {
			*sp++ = (char)opts[i].id;
			if (opts[i].has_arg == required_argument)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	memset(&lopts[NOPTS], 0, sizeof(lopts[NOPTS]));

	opterr = 0;
	optind = 1;
	while ((idx = -1, ch = getopt_long(argc, argv, shorts, lopts, &idx)) !=
	    -1) {
		name = idx >= 0 ? lopts[idx].name : NULL;
		switch (ch) {
		case 'i':
			if (push(&c->inputs, &c->ninputs, optarg) == -1)
				return usage_err(err, errlen, "out of memory");
			break;
		case O_TEMPLATE:
			if (strstr(optarg, "{}") == NULL &&
			    strstr(optarg, "{raw}") == NULL)
				return usage_err(err, errlen,
				    "--template: %s has no {} or {raw}", optarg);
			c->template = optarg;
			break;
		case 'c':
			if (util_parse_long(optarg, 1, 100000,
			    &c->concurrency) == -1)
				return usage_err(err, errlen,
				    "-c: '%s' is not a number from 1 to 100000",
				    optarg);
			break;
		case O_PER_HOST:
			if (util_parse_long(optarg, 0, 100000, &c->per_host) ==
			    -1)
				return usage_err(err, errlen,
				    "--per-host: '%s' is not a number >= 0",
				    optarg);
			break;
		case O_RATE:
			if (parse_rate(optarg, &c->rate) == -1)
				return usage_err(err, errlen,
				    "--rate: '%s' is not N, N/s, N/m or N/h "
				    "with N > 0", optarg);
			break;
		case 't':
		case O_CONNECT_TIMEOUT:
		case O_DEADLINE:
		case O_RETRY_DELAY:
		case O_RETRY_MAX_WAIT: {
			int64_t *dst = ch == 't' ? &c->timeout_ms :
			    ch == O_CONNECT_TIMEOUT ? &c->connect_timeout_ms :
			    ch == O_DEADLINE ? &c->deadline_ms :
			    ch == O_RETRY_DELAY ? &c->retry_delay_ms :
			    &c->retry_max_wait_ms;
			if (util_parse_duration(optarg, dst) == -1)
				return usage_err(err, errlen,
				    "%s%s: '%s' is not a duration (250ms, 5s, "
				    "2m, 1h)", name ? "--" : "-",
				    name ? name : "t", optarg);
			break;
		}
		case O_RETRIES:
			if (util_parse_long(optarg, 0, 1000, &c->retries) == -1)
				return usage_err(err, errlen,
				    "--retries: '%s' is not a number from 0 to "
				    "1000", optarg);
			break;
		case O_FAIL_FAST:
			c->fail_fast = true;
			break;
		case 'X':
			if (*optarg == '\0' || strpbrk(optarg, " \t\r\n:") !=
			    NULL)
				return usage_err(err, errlen,
				    "-X: '%s' is not a method", optarg);
			c->method = optarg;
			break;
		case 'H':
			if (strchr(optarg, ':') == NULL &&
			    strchr(optarg, ';') == NULL)
				return usage_err(err, errlen,
				    "-H: '%s' is not 'Name: value'", optarg);
			if (strpbrk(optarg, "\r\n") != NULL)
				return usage_err(err, errlen,
				    "-H: a header cannot hold CR or LF");
			if (push(&c->headers, &c->nheaders, optarg) == -1)
				return usage_err(err, errlen, "out of memory");
			break;
		case 'd':
		case O_JSON:
			if (add_data(c, optarg, ch == O_JSON, err, errlen) ==
			    -1)
				return CLI_USAGE;
			break;
		case 'A':
			c->user_agent = optarg;
			break;
		case 'L':
			c->location = true;
			break;
		case O_MAX_REDIRS:
			if (util_parse_long(optarg, 0, 1000, &c->max_redirs) ==
			    -1)
				return usage_err(err, errlen,
				    "--max-redirs: '%s' is not a number from 0 "
				    "to 1000", optarg);
			break;
		case O_LOCATION_TRUSTED:
			c->location_trusted = true;
			break;
		case 'k':
			c->insecure = true;
			break;
		case O_CACERT:
			c->cacert = optarg;
			break;
		case 'x':
			c->proxy = optarg;
			break;
		case O_COMPRESSED:
			c->compressed = true;
			break;
		case O_HTTP11:
			c->http = HTTPV_1_1;
			break;
		case O_HTTP2:
			c->http = HTTPV_2;
			break;
		case O_HTTP2_PK:
			c->http = HTTPV_2_PRIOR;
			break;
		case O_NEXT_LINK:
		case O_NEXT_FIELD:
		case O_PAGE_PARAM:
		case O_CURSOR_PARAM: {
			enum page_style s = ch == O_NEXT_LINK ? PAGE_LINK :
			    ch == O_NEXT_FIELD ? PAGE_FIELD :
			    ch == O_PAGE_PARAM ? PAGE_PARAM : PAGE_CURSOR;
			if (set_page_style(c, s) == -1)
				return usage_err(err, errlen,
				    "only one of --next-link, --next-field, "
				    "--page-param, --cursor-param");
			if (ch == O_NEXT_FIELD)
				c->next_field = optarg;
			else if (ch == O_PAGE_PARAM)
				c->page_param = optarg;
			else if (ch == O_CURSOR_PARAM)
				c->cursor_param = optarg;
			if (ch != O_NEXT_LINK && *optarg == '\0')
				return usage_err(err, errlen,
				    "--%s: empty argument", name);
			break;
		}
		case O_PAGE_START:
			if (util_parse_long(optarg, -1000000000L, 1000000000L,
			    &c->page_start) == -1)
				return usage_err(err, errlen,
				    "--page-start: '%s' is not a number",
				    optarg);
			c->page_start_set = true;
			break;
		case O_CURSOR_FIELD:
			c->cursor_field = optarg;
			break;
		case O_ITEMS:
			c->items = optarg;
			break;
		case O_FLATTEN:
			c->flatten = true;
			break;
		case O_MAX_PAGES:
			if (util_parse_long(optarg, 1, 1000000000L,
			    &c->max_pages) == -1)
				return usage_err(err, errlen,
				    "--max-pages: '%s' is not a number >= 1",
				    optarg);
			break;
		case 'm':
			if (strcmp(optarg, "gather") == 0)
				c->mode = MODE_GATHER;
			else if (strcmp(optarg, "as-completed") == 0)
				c->mode = MODE_AS_COMPLETED;
			else
				return usage_err(err, errlen,
				    "-m: '%s' is not gather or as-completed",
				    optarg);
			break;
		case 'f':
			if (strcmp(optarg, "jsonl") == 0)
				c->format = FORMAT_JSONL;
			else if (strcmp(optarg, "json") == 0)
				c->format = FORMAT_JSON;
			else
				return usage_err(err, errlen,
				    "-f: '%s' is not jsonl or json", optarg);
			break;
		case O_BODY: {
			static const char *const names[] = {"auto", "json",
			    "text", "base64", "none"};
			size_t k;

			for (k = 0; k < 5; k++)
				if (strcmp(optarg, names[k]) == 0)
					break;
			if (k == 5)
				return usage_err(err, errlen,
				    "--body: '%s' is not auto, json, text, "
				    "base64 or none", optarg);
			c->body = (enum body_mode)k;
			break;
		}
		case O_MAX_BODY:
			if (util_parse_size(optarg, &size) == -1)
				return usage_err(err, errlen,
				    "--max-body: '%s' is not a size (512K, 10M)",
				    optarg);
			c->max_body = size;
			break;
		case 'I':
			c->include_headers = true;
			break;
		case 'o':
			c->output = optarg;
			break;
		case O_SAVE:
			c->save_dir = optarg;
			break;
		case O_STATS:
			if (optarg == NULL)
				c->stats = STATS_AUTO;
			else if (strcmp(optarg, "json") == 0)
				c->stats = STATS_JSON;
			else
				return usage_err(err, errlen,
				    "--stats: '%s' is not json", optarg);
			break;
		case O_PROGRESS:
			c->progress = PROGRESS_ON;
			break;
		case O_NO_PROGRESS:
			c->progress = PROGRESS_OFF;
			break;
		case 'q':
			c->quiet = true;
			break;
		case O_SHARD:
			slash = strchr(optarg, '/');
			if (slash == NULL)
				return usage_err(err, errlen,
				    "--shard: '%s' is not K/N", optarg);
			*slash = '\0';
			if (util_parse_long(optarg, 0, 1000000, &c->shard_k) ==
			    -1 || util_parse_long(slash + 1, 1, 1000000,
			    &c->shard_n) == -1 || c->shard_k >= c->shard_n) {
				*slash = '/';
				return usage_err(err, errlen,
				    "--shard: '%s' is not K/N with 0 <= K < N",
				    optarg);
			}
			*slash = '/';
			break;
		case O_RESUME:
			c->resume = optarg;
			break;
		case 'h':
			cli_usage();
			return CLI_EXIT;
		case 'V':
			printf("volley %s\n", VOLLEY_VERSION);
			return CLI_EXIT;
		case ':':
			if (optopt != 0 && optopt < 256)
				return usage_err(err, errlen,
				    "option -%c needs an argument", optopt);
			return usage_err(err, errlen,
			    "option %s needs an argument", argv[optind - 1]);
		case '?':
		default:
			if (optopt != 0 && optopt < 256)
				return usage_err(err, errlen,
				    "unknown option -%c", optopt);
			return usage_err(err, errlen, "unknown option %s",
			    argv[optind - 1]);
		}
	}
	c->urls = argv + optind;
	c->nurls = (size_t)(argc - optind);

	{
		const char *ptrs[][2] = {{"--next-field", c->next_field},
		    {"--cursor-field", c->cursor_field},
		    {"--items", c->items}};

		for (i = 0; i < 3; i++)
			if (ptrs[i][1] != NULL && !valid_pointer(ptrs[i][1]))
				return usage_err(err, errlen, "%s: '%s' is not a "
				    "JSON pointer (\"\", or /a/b with ~0 and ~1 "
				    "escapes)", ptrs[i][0], ptrs[i][1]);
	}

	if (c->page == PAGE_CURSOR && c->cursor_field == NULL)
		return usage_err(err, errlen,
		    "--cursor-param needs --cursor-field");
	if (c->cursor_field != NULL && c->page != PAGE_CURSOR)
		return usage_err(err, errlen,
		    "--cursor-field needs --cursor-param");
	if (c->page_start_set && c->page != PAGE_PARAM)
		return usage_err(err, errlen, "--page-start needs --page-param");
	if (c->resume != NULL && c->output != NULL &&
	    strcmp(c->resume, c->output) != 0)
		return usage_err(err, errlen,
		    "--resume writes to its FILE: -o must name the same file");
	if (c->save_dir != NULL) {
		struct stat st;

		if (stat(c->save_dir, &st) == -1 || !S_ISDIR(st.st_mode))
			return usage_err(err, errlen,
			    "--save: %s is not a directory", c->save_dir);
	}
	for (i = 0; i < c->ninputs; i++) {
		struct stat st;

		if (strcmp(c->inputs[i], "-") == 0)
			continue;
		if (stat(c->inputs[i], &st) == -1)
			return usage_err(err, errlen, "%s: %s", c->inputs[i],
			    strerror(errno));
		if (S_ISDIR(st.st_mode))
			return usage_err(err, errlen, "%s: is a directory",
			    c->inputs[i]);
	}
	return CLI_OK;
}

void
config_free(struct config *c)
{
	free(c->inputs);
	free(c->headers);
	free(c->data);
	memset(c, 0, sizeof(*c));
}
