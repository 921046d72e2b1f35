/* Unit tests of cli_parse (cli.c's option table through opt.c): each kind
 * of option with good values, values out of range, junk, every enum
 * value, repeatable options, the options with a function of their own,
 * operands, and the messages of a usage error. */
#include "cli.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static char err[512];

/* Parse "volley" and the NULL-terminated words after c; stdout (--help)
 * goes to /dev/null.  The words are copied: cli_parse moves them. */
static enum cli_result
parse(struct config *c, ...)
{
	static char *argv[64];
	static char words[64][256];
	va_list ap;
	const char *w;
	int argc = 0, saved, null;
	enum cli_result r;

	argv[argc++] = (char *)"volley";
	va_start(ap, c);
	for (w = va_arg(ap, const char *); w != NULL && argc < 63;
	    w = va_arg(ap, const char *)) {
		snprintf(words[argc], sizeof words[argc], "%s", w);
		argv[argc] = words[argc];
		argc++;
	}
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	fflush(stdout);
	saved = dup(1);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	r = cli_parse(argc, argv, c, err, sizeof err);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);
	return r;
}

/* A usage error whose message is exactly msg. */
static int
refused(struct config *c, const char *msg)
{
	int ok = strcmp(err, msg) == 0;

	if (!ok)
		fprintf(stderr, "  message: %s\n  wanted:  %s\n", err, msg);
	cli_config_free(c);
	return ok;
}

#define REFUSED(msg, ...) do {						\
	struct config rc_;						\
	CHECK(parse(&rc_, __VA_ARGS__, NULL) == CLI_USAGE);		\
	CHECK(refused(&rc_, msg));					\
} while (0)

UNIT_TEST(cli_defaults)
{
	struct config c;

	CHECK(parse(&c, NULL) == CLI_OK);
	CHECK(c.concurrency == 50 && c.per_host == 0 && c.rate == 0);
	CHECK(c.timeout_ms == 30000 && c.connect_timeout_ms == 10000);
	CHECK(c.deadline_ms == 0 && c.retries == 0);
	CHECK(c.retry_delay_ms == 500 && c.retry_max_wait_ms == 30000);
	CHECK(c.max_redirs == 10 && c.max_pages == 1000 && c.page_start == 1);
	CHECK(c.max_body == 10u << 20);
	CHECK(strncmp(c.user_agent, "volley/", 7) == 0);
	CHECK(c.mode == MODE_GATHER && c.format == FORMAT_JSONL);
	CHECK(c.body == BODY_AUTO && c.stats == STATS_OFF);
	CHECK(c.progress == PROGRESS_AUTO && c.http == HTTPV_DEFAULT);
	CHECK(c.page == PAGE_NONE && !c.page_start_set && c.shard_n == 0);
	CHECK(c.nurls == 0 && c.ninputs == 0 && c.nheaders == 0);
	CHECK(!c.has_data && c.method == NULL && c.template == NULL);
	cli_config_free(&c);
}

UNIT_TEST(cli_flags)
{
	struct config c;

	CHECK(parse(&c, "-k", "--location", "--fail-fast", "--compressed",
	    "--location-trusted", "--flatten", NULL) == CLI_OK);
	CHECK(c.insecure && c.location && c.fail_fast && c.compressed);
	CHECK(c.location_trusted && c.flatten);
	CHECK(!c.quiet && !c.include_headers);
	cli_config_free(&c);
	/* A cluster of short flags. */
	CHECK(parse(&c, "-kLqI", NULL) == CLI_OK);
	CHECK(c.insecure && c.location && c.quiet && c.include_headers);
	cli_config_free(&c);
	/* The one-of-several switches: the last one wins. */
	CHECK(parse(&c, "--http2", NULL) == CLI_OK && c.http == HTTPV_2);
	cli_config_free(&c);
	CHECK(parse(&c, "--http2", "--http1.1", NULL) == CLI_OK &&
	    c.http == HTTPV_1_1);
	cli_config_free(&c);
	CHECK(parse(&c, "--http2-prior-knowledge", NULL) == CLI_OK &&
	    c.http == HTTPV_2_PRIOR);
	cli_config_free(&c);
	CHECK(parse(&c, "--progress", NULL) == CLI_OK &&
	    c.progress == PROGRESS_ON);
	cli_config_free(&c);
	CHECK(parse(&c, "--progress", "--no-progress", NULL) == CLI_OK &&
	    c.progress == PROGRESS_OFF);
	cli_config_free(&c);
	/* A flag takes no value. */
	REFUSED("option --fail-fast takes no argument", "--fail-fast=1");
	REFUSED("option --help takes no argument", "--help=x");
}

UNIT_TEST(cli_numbers)
{
	struct config c;

	CHECK(parse(&c, "-c", "5", "--per-host", "0", "--retries", "1000",
	    "--max-redirs", "0", "--max-pages", "1000000000", NULL) == CLI_OK);
	CHECK(c.concurrency == 5 && c.per_host == 0 && c.retries == 1000);
	CHECK(c.max_redirs == 0 && c.max_pages == 1000000000L);
	cli_config_free(&c);
	/* Every spelling of a value. */
	CHECK(parse(&c, "-c7", NULL) == CLI_OK && c.concurrency == 7);
	cli_config_free(&c);
	CHECK(parse(&c, "--concurrency=8", NULL) == CLI_OK &&
	    c.concurrency == 8);
	cli_config_free(&c);
	CHECK(parse(&c, "--concurrency", "100000", NULL) == CLI_OK &&
	    c.concurrency == 100000);
	cli_config_free(&c);
	/* The ranges, both ends, and junk. */
	REFUSED("-c: '0' is not a number from 1 to 100000", "-c", "0");
	REFUSED("--concurrency: '100001' is not a number from 1 to 100000",
	    "--concurrency", "100001");
	REFUSED("-c: 'abc' is not a number from 1 to 100000", "-c", "abc");
	REFUSED("-c: '5x' is not a number from 1 to 100000", "-c", "5x");
	REFUSED("--concurrency: '' is not a number from 1 to 100000",
	    "--concurrency=");
	REFUSED("--per-host: '-1' is not a number from 0 to 100000",
	    "--per-host", "-1");
	REFUSED("--retries: '1001' is not a number from 0 to 1000",
	    "--retries", "1001");
	REFUSED("--max-redirs: '-1' is not a number from 0 to 1000",
	    "--max-redirs", "-1");
	REFUSED("--max-pages: '0' is not a number >= 1", "--max-pages", "0");
	/* --page-start: any whole number, and only with --page-param. */
	CHECK(parse(&c, "--page-param", "p", "--page-start", "-5", NULL) ==
	    CLI_OK && c.page_start == -5 && c.page_start_set);
	cli_config_free(&c);
	REFUSED("--page-start: 'x' is not a number", "--page-param", "p",
	    "--page-start", "x");
	REFUSED("--page-start needs --page-param", "--page-start", "2");
}

UNIT_TEST(cli_durations_sizes_rates)
{
	struct config c;

	CHECK(parse(&c, "-t", "2.5s", "--connect-timeout", "1.5s",
	    "--deadline", "2m", "--retry-delay", "0", "--retry-max-wait", "1h",
	    NULL) == CLI_OK);
	CHECK(c.timeout_ms == 2500 && c.connect_timeout_ms == 1500);
	CHECK(c.connect_timeout_set && c.retry_delay_set &&
	    c.retry_max_wait_set && !c.max_pages_set && !c.max_redirs_set);
	CHECK(c.deadline_ms == 120000 && c.retry_delay_ms == 0);
	CHECK(c.retry_max_wait_ms == 3600000);
	cli_config_free(&c);
	/* values that contradict each other */
	REFUSED("--retry-delay 2s is longer than --retry-max-wait 1s, which "
	    "caps every wait", "--retry-delay", "2s", "--retry-max-wait",
	    "1s");
	REFUSED("--retry-delay 40s is longer than --retry-max-wait 30s, which "
	    "caps every wait", "--retry-delay", "40s");
	REFUSED("--connect-timeout 10s is longer than --timeout 5s, which "
	    "limits the whole attempt (-t 0 for no limit)", "-t", "5s",
	    "--connect-timeout", "10s");
	REFUSED("--connect-timeout 60s is longer than --timeout 30s, which "
	    "limits the whole attempt (-t 0 for no limit)",
	    "--connect-timeout", "60s");
	/* one value under the other's default is fine */
	CHECK(parse(&c, "-t", "5s", "--retry-max-wait", "100ms", NULL) ==
	    CLI_OK);
	cli_config_free(&c);
	CHECK(parse(&c, "-t", "0", "--connect-timeout", "60s",
	    "--retry-delay", "30s", NULL) == CLI_OK);
	cli_config_free(&c);
	REFUSED("-t: '-1s' is not a duration (250ms, 5s, 2m, 1h)", "-t",
	    "-1s");
	REFUSED("--timeout: 'abc' is not a duration (250ms, 5s, 2m, 1h)",
	    "--timeout", "abc");
	REFUSED("--deadline: '5x' is not a duration (250ms, 5s, 2m, 1h)",
	    "--deadline=5x");

	CHECK(parse(&c, "--max-body", "512K", NULL) == CLI_OK &&
	    c.max_body == 512 * 1024);
	cli_config_free(&c);
	CHECK(parse(&c, "--max-body=1G", NULL) == CLI_OK &&
	    c.max_body == 1u << 30);
	cli_config_free(&c);
	REFUSED("--max-body: '10X' is not a size (512K, 10M)", "--max-body",
	    "10X");
	REFUSED("--max-body: '-1' is not a size (512K, 10M)", "--max-body",
	    "-1");

	CHECK(parse(&c, "--rate", "5", NULL) == CLI_OK && c.rate == 5);
	cli_config_free(&c);
	CHECK(parse(&c, "--rate", "120/m", NULL) == CLI_OK && c.rate == 2);
	cli_config_free(&c);
	CHECK(parse(&c, "--rate", "3600/h", NULL) == CLI_OK && c.rate == 1);
	cli_config_free(&c);
	REFUSED("--rate: '0' is not N, N/s, N/m or N/h with N > 0", "--rate",
	    "0");
	REFUSED("--rate: '5/x' is not N, N/s, N/m or N/h with N > 0",
	    "--rate", "5/x");
	REFUSED("--rate: '1e10' is not N, N/s, N/m or N/h with N > 0",
	    "--rate", "1e10");
}

UNIT_TEST(cli_enums)
{
	static const struct {
		const char *opt, *val;
		size_t off;
		int want;
	} ok[] = {
		{"-m", "gather", offsetof(struct config, mode), MODE_GATHER},
		{"--mode", "as-completed", offsetof(struct config, mode),
		    MODE_AS_COMPLETED},
		{"-f", "jsonl", offsetof(struct config, format), FORMAT_JSONL},
		{"--format", "json", offsetof(struct config, format),
		    FORMAT_JSON},
		{"--body", "auto", offsetof(struct config, body), BODY_AUTO},
		{"--body", "json", offsetof(struct config, body), BODY_JSON},
		{"--body", "text", offsetof(struct config, body), BODY_TEXT},
		{"--body", "base64", offsetof(struct config, body),
		    BODY_BASE64},
		{"--body", "none", offsetof(struct config, body), BODY_NONE},
	};
	struct config c;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		CHECK(parse(&c, ok[i].opt, ok[i].val, NULL) == CLI_OK);
		CHECK(*(int *)(void *)((char *)&c + ok[i].off) == ok[i].want);
		cli_config_free(&c);
	}
	CHECK(parse(&c, "-mas-completed", NULL) == CLI_OK &&
	    c.mode == MODE_AS_COMPLETED);
	cli_config_free(&c);
	REFUSED("-m: 'nope' is not gather or as-completed", "-m", "nope");
	REFUSED("--format: 'yaml' is not jsonl or json", "--format", "yaml");
	REFUSED("--body: 'html' is not auto, json, text, base64 or none",
	    "--body=html");
	REFUSED("--body: 'JSON' is not auto, json, text, base64 or none",
	    "--body", "JSON");

	/* --stats: the value is optional and only after '='. */
	CHECK(parse(&c, "--stats", NULL) == CLI_OK && c.stats == STATS_AUTO);
	cli_config_free(&c);
	CHECK(parse(&c, "--stats=json", NULL) == CLI_OK &&
	    c.stats == STATS_JSON);
	cli_config_free(&c);
	CHECK(parse(&c, "--stats", "json", NULL) == CLI_OK &&
	    c.stats == STATS_AUTO && c.nurls == 1 &&
	    strcmp(c.urls[0], "json") == 0);
	cli_config_free(&c);
	CHECK(parse(&c, "--stats=text", NULL) == CLI_OK &&
	    c.stats == STATS_TEXT);
	cli_config_free(&c);
	REFUSED("--stats: 'yaml' is not json or text", "--stats=yaml");
	REFUSED("--stats: '' is not json or text", "--stats=");
}

UNIT_TEST(cli_strings_and_lists)
{
	struct config c;

	CHECK(parse(&c, "-A", "ua/1", "-o", "out", "--cacert", "/etc/passwd",
	    "-x", "http://p:3128", "-X", "PATCH", "--template", "http://h/{}",
	    NULL) == CLI_OK);
	CHECK(strcmp(c.user_agent, "ua/1") == 0);
	CHECK(strcmp(c.output, "out") == 0);
	CHECK(strcmp(c.cacert, "/etc/passwd") == 0);
	cli_config_free(&c);
	REFUSED("--cacert: /nonexistent/ca.pem: No such file or directory",
	    "--cacert", "/nonexistent/ca.pem");
	REFUSED("--cacert: /: is a directory", "--cacert", "/");
	CHECK(parse(&c, "-A", "ua/1", "-o", "out", "--cacert", "/etc/passwd",
	    "-x", "http://p:3128", "-X", "PATCH", "--template", "http://h/{}",
	    NULL) == CLI_OK);
	CHECK(strcmp(c.proxy, "http://p:3128") == 0);
	CHECK(strcmp(c.method, "PATCH") == 0);
	CHECK(strcmp(c.template, "http://h/{}") == 0);
	cli_config_free(&c);
	CHECK(parse(&c, "--template", "http://h/{raw}", NULL) == CLI_OK);
	cli_config_free(&c);
	REFUSED("-X: '' is not a method", "-X", "");
	REFUSED("--request: 'GE T' is not a method", "--request", "GE T");
	REFUSED("-X: 'A:B' is not a method", "-X", "A:B");
	REFUSED("--template: http://h/ has no {} or {raw}", "--template",
	    "http://h/");

	/* Repeatable: every value kept, in order. */
	CHECK(parse(&c, "-H", "A: 1", "--header", "B: 2", "-HC;", "-i", "-",
	    "--input=-", NULL) == CLI_OK);
	CHECK(c.nheaders == 3 && strcmp(c.headers[0], "A: 1") == 0 &&
	    strcmp(c.headers[1], "B: 2") == 0 &&
	    strcmp(c.headers[2], "C;") == 0);
	CHECK(c.ninputs == 2 && strcmp(c.inputs[1], "-") == 0);
	cli_config_free(&c);
	REFUSED("-H: 'nocolon' is not 'Name: value'", "-H", "nocolon");
	REFUSED("--header: a header cannot hold CR, LF or another control "
	    "character", "--header", "A: b\r\nC: d");
	REFUSED("-H: a header cannot hold CR, LF or another control "
	    "character", "-H", "A: b\001");
	REFUSED("-H: a header cannot hold CR, LF or another control "
	    "character", "-H", "A\nB: c");
	REFUSED("-H: 'A B: c' has a header name that is not a token "
	    "(letters, digits, !#$%&'*+-.^_`|~)",
	    "-H", "A B: c");
	REFUSED("-H: ': c' has a header name that is not a token "
	    "(letters, digits, !#$%&'*+-.^_`|~)", "-H",
	    ": c");
	REFUSED("-H: 'A;b' is not 'Name: value'", "-H", "A;b");
	REFUSED("-A: a header value cannot hold a control character (CR, "
	    "LF, ...)",
	    "-A", "x\r\nX-Injected: yes");
	REFUSED("--user-agent: a header value cannot hold a control "
	    "character (CR, LF, ...)",
	    "--user-agent", "x\x7f");
	REFUSED("-X: a method cannot hold a control character", "-X",
	    "GET\r\nX: y");
	REFUSED("-X: a method cannot hold a control character", "-X",
	    "G\001");
	REFUSED("-X: 'G(' is not a method", "-X", "G(");
	REFUSED("-x: a URL cannot hold a control character", "-x",
	    "http://p:1/\r\nX: y");
	REFUSED("--template: a URL cannot hold a control character",
	    "--template", "http://h/{}\r\nX: y");
	REFUSED("--template: a URL cannot hold a space", "--template",
	    "http://h/{} HTTP/1.1");
	CHECK(parse(&c, "-A", "tab\there \xc3\xa9", "-H", "A:", "-H",
	    "B: tab\tok", NULL) == CLI_OK);
	cli_config_free(&c);
	REFUSED("/nonexistent/in: No such file or directory", "-i",
	    "/nonexistent/in");
	REFUSED("/: is a directory", "-i", "/");
	CHECK(parse(&c, "--save", "/", NULL) == CLI_OK &&
	    strcmp(c.save_dir, "/") == 0);
	cli_config_free(&c);
	REFUSED("--save: /nonexistent is not a directory", "--save",
	    "/nonexistent");
	REFUSED("--resume writes to its FILE: -o must name the same file",
	    "--resume", "a", "-o", "b");
	CHECK(parse(&c, "--resume", "a", "-o", "a", NULL) == CLI_OK);
	cli_config_free(&c);
}

UNIT_TEST(cli_data)
{
	char path[] = "/tmp/volley-unit-XXXXXX";
	struct config c;
	int fd;

	CHECK(parse(&c, "-d", "a=1", "--data", "b=2", NULL) == CLI_OK);
	CHECK(c.has_data && !c.data_json && c.data_len == 7 &&
	    strcmp(c.data, "a=1&b=2") == 0);
	cli_config_free(&c);
	CHECK(parse(&c, "--json", "{\"a\":", "--json", "1}", NULL) == CLI_OK);
	CHECK(c.has_data && c.data_json && strcmp(c.data, "{\"a\":1}") == 0);
	cli_config_free(&c);
	REFUSED("-d and --json cannot be combined", "-d", "a", "--json", "{}");
	REFUSED("-d and --json cannot be combined", "--json", "{}", "-d", "a");
	REFUSED("/nonexistent: No such file or directory", "-d",
	    "@/nonexistent");
	REFUSED("/: Is a directory", "--json", "@/");

	fd = mkstemp(path);
	CHECK(fd != -1 && write(fd, "x\0y", 3) == 3);
	close(fd);
	CHECK(parse(&c, "-d", "", NULL) == CLI_OK && c.has_data &&
	    c.data_len == 0);
	cli_config_free(&c);
	{
		char at[64];

		snprintf(at, sizeof at, "@%s", path);
		CHECK(parse(&c, "--data", at, NULL) == CLI_OK);
		CHECK(c.data_len == 3 && memcmp(c.data, "x\0y", 3) == 0);
		cli_config_free(&c);
	}
	unlink(path);
}

UNIT_TEST(cli_pagination)
{
	struct config c;

	CHECK(parse(&c, "--next-link", NULL) == CLI_OK && c.page == PAGE_LINK);
	cli_config_free(&c);
	CHECK(parse(&c, "--next-field", "/next", "--items", "/data", NULL) ==
	    CLI_OK && c.page == PAGE_FIELD &&
	    strcmp(c.next_field, "/next") == 0 &&
	    strcmp(c.items, "/data") == 0);
	cli_config_free(&c);
	CHECK(parse(&c, "--page-param", "page", NULL) == CLI_OK &&
	    c.page == PAGE_PARAM && strcmp(c.page_param, "page") == 0);
	cli_config_free(&c);
	CHECK(parse(&c, "--cursor-param", "after", "--cursor-field",
	    "/m/a~1b", NULL) == CLI_OK && c.page == PAGE_CURSOR &&
	    strcmp(c.cursor_param, "after") == 0);
	cli_config_free(&c);
	/* The same style twice is fine; two styles are not. */
	CHECK(parse(&c, "--next-link", "--next-link", NULL) == CLI_OK);
	cli_config_free(&c);
	REFUSED("only one of --next-link, --next-field, --page-param, "
	    "--cursor-param", "--next-link", "--page-param", "p");
	REFUSED("--page-param: empty argument", "--page-param", "");
	REFUSED("--cursor-param: empty argument", "--cursor-param=");
	/* "" is a pointer: the whole body */
	CHECK(parse(&c, "--next-field=", NULL) == CLI_OK &&
	    c.page == PAGE_FIELD && strcmp(c.next_field, "") == 0);
	cli_config_free(&c);
	REFUSED("--cursor-param needs --cursor-field", "--cursor-param", "c");
	REFUSED("--cursor-field needs --cursor-param", "--cursor-field", "/c");
	REFUSED("--next-field: 'x' is not a JSON pointer (\"\", or /a/b with "
	    "~0 and ~1 escapes)", "--next-field", "x");
	REFUSED("--cursor-field: '/~2' is not a JSON pointer (\"\", or /a/b "
	    "with ~0 and ~1 escapes)", "--cursor-param", "c", "--cursor-field",
	    "/~2");
	REFUSED("--items: 'abc' is not a JSON pointer (\"\", or /a/b with ~0 "
	    "and ~1 escapes)", "--items", "abc");
}

UNIT_TEST(cli_shard)
{
	struct config c;

	CHECK(parse(&c, "--shard", "0/1", NULL) == CLI_OK &&
	    c.shard_k == 0 && c.shard_n == 1);
	cli_config_free(&c);
	CHECK(parse(&c, "--shard=2/3", NULL) == CLI_OK && c.shard_k == 2 &&
	    c.shard_n == 3);
	cli_config_free(&c);
	REFUSED("--shard: '3' is not K/N", "--shard", "3");
	REFUSED("--shard: '3/3' is not K/N with 0 <= K < N", "--shard", "3/3");
	REFUSED("--shard: '-1/3' is not K/N with 0 <= K < N", "--shard",
	    "-1/3");
	REFUSED("--shard: '1/0' is not K/N with 0 <= K < N", "--shard", "1/0");
	REFUSED("--shard: 'a/b' is not K/N with 0 <= K < N", "--shard", "a/b");
}

UNIT_TEST(cli_operands_and_errors)
{
	struct config c;

	/* Operands mix with options; "--" ends the options; "-" is one. */
	CHECK(parse(&c, "u1", "-k", "u2", "-c", "3", "-", "--", "-c", "--x",
	    NULL) == CLI_OK);
	CHECK(c.insecure && c.concurrency == 3 && c.nurls == 5);
	CHECK(c.nurls == 5 && strcmp(c.urls[0], "u1") == 0 &&
	    strcmp(c.urls[1], "u2") == 0 && strcmp(c.urls[2], "-") == 0 &&
	    strcmp(c.urls[3], "-c") == 0 && strcmp(c.urls[4], "--x") == 0);
	cli_config_free(&c);
	/* A value is taken even when it starts with '-'. */
	CHECK(parse(&c, "-A", "-k", NULL) == CLI_OK && !c.insecure &&
	    strcmp(c.user_agent, "-k") == 0);
	cli_config_free(&c);

	REFUSED("unknown option --bogus", "--bogus");
	REFUSED("unknown option --bogus", "--bogus=3");
	REFUSED("unknown option --=3", "--=3");
	REFUSED("unknown option -Z", "-Z");
	REFUSED("unknown option -Z", "-kZ");
	REFUSED("option -c needs an argument", "-c");
	REFUSED("option --concurrency needs an argument", "--concurrency");
	REFUSED("option -H needs an argument", "-k", "-H");
	/* The first error stops the parse. */
	REFUSED("-c: '0' is not a number from 1 to 100000", "-c", "0",
	    "--bogus");

	/* --help and --version stop at once (what follows is not read). */
	CHECK(parse(&c, "--help", "-c", "0", NULL) == CLI_EXIT);
	cli_config_free(&c);
	CHECK(parse(&c, "-kV", NULL) == CLI_EXIT);
	cli_config_free(&c);
	CHECK(parse(&c, "-c", "0", "-h", NULL) == CLI_USAGE);
	cli_config_free(&c);
}

UNIT_TEST(cli_unknown_long_options)
{
	/* No abbreviation is taken, unique or not: the options it may
	 * stand for are named instead. */
	REFUSED("unknown option --conc (did you mean --concurrency?)",
	    "--conc", "3");
	REFUSED("unknown option --stat (did you mean --stats?)", "--stat");
	REFUSED("unknown option --stat (did you mean --stats?)",
	    "--stat=json");
	REFUSED("unknown option --http (did you mean --http1.1, --http2 or "
	    "--http2-prior-knowledge?)", "--http");
	REFUSED("unknown option --retry (did you mean --retry-delay, "
	    "--retry-max-wait or --retry-on?)", "--retry", "2");
	/* Typos: the nearest names within an edit distance of 2. */
	REFUSED("unknown option --concurency (did you mean --concurrency?)",
	    "--concurency", "5");
	REFUSED("unknown option --concurency (did you mean --concurrency?)",
	    "--concurency=5");
	REFUSED("unknown option --quite (did you mean --quiet?)", "--quite");
	REFUSED("unknown option --maxbody (did you mean --max-body?)",
	    "--maxbody", "1M");
	REFUSED("unknown option --http3 (did you mean --http2?)", "--http3");
	REFUSED("unknown option --jsonl (did you mean --json?)", "--jsonl",
	    "{}");
	/* Nothing near: no guess; a short name is not matched loosely. */
	REFUSED("unknown option --bogus", "--bogus");
	REFUSED("unknown option --verbose", "--verbose");
	REFUSED("unknown option --ab", "--ab");
	REFUSED("unknown option --aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "--aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}
