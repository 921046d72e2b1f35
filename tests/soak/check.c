/*
 * check.c - the request generator and the record judge of `make soak`
 * (tests/soak/run.sh).  One table, mix[], says what each input line is
 * and what its record must say, so the two cannot drift apart.
 *
 *   check gen N PREFIX BASE LOCAL RAW REFUSED
 *	print N request lines on stdout; line I is of class slot[I % 1000]
 *   check verify N RETRIES PREFIX BASE LOCAL RAW REFUSED < records
 *	read volley's jsonl records; check that each line is strict JSON
 *	(RFC 8259, UTF-8, written here, not volley's scanner), that every
 *	index 0..N-1 has exactly one record, and that each record says what
 *	its class must get; print counts as KEY=VALUE lines on stdout and
 *	the first problems on stderr; exit 1 on any problem
 *   check refused PORT
 *	exit 0 when a connect to 127.0.0.1:PORT is refused
 *
 * BASE and LOCAL are the fixture's HTTP port under two host names (two
 * origins, so the 429 classes adapt their own window only), RAW its raw
 * port, REFUSED a port nothing listens on; PREFIX keeps /flaky keys and
 * string ids apart between runs.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define SLOTS     1000
#define SHOW_MAX  20		/* problems printed in full */
#define MAX_DEPTH 64

enum shape { PLAIN, JSON_ID, JSON_SID, JSON_POST, BAD_URL, BAD_JSON };
enum origin { O_BASE, O_LOCAL, O_RAW, O_REFUSED, O_NONE };
enum { ANY = -2, NUL = -1, ALL = -3 };	/* status, size, attempts */

/*
 * One class of request line.  path gets "?n=I" (or "&n=I") appended, so
 * every URL names its line.  attempts ALL is --retries + 1.
 */
struct cls {
	const char *name;
	int share;		/* lines per SLOTS */
	enum shape shape;
	enum origin origin;
	const char *path;
	const char *kind;	/* error kind, NULL for none */
	int status;		/* or NUL */
	int ok;
	int attempts;		/* or ALL */
	long size;		/* or NUL, ANY */
};

static const struct cls mix[] = {
	{"json", 700, PLAIN, O_BASE, "/json", NULL, 200, 1, 1, 26},
	{"json-id", 80, JSON_ID, O_BASE, "/json", NULL, 200, 1, 1, 26},
	{"json-sid", 40, JSON_SID, O_BASE, "/json", NULL, 200, 1, 1, 26},
	{"post", 20, JSON_POST, O_BASE, "/echo", NULL, 200, 1, 1, ANY},
	{"bytes", 20, PLAIN, O_BASE, "/bytes/20000", NULL, 200, 1, 1, 20000},
	{"delay", 20, PLAIN, O_BASE, "/delay/20", NULL, 200, 1, 1, 14},
	{"404", 30, PLAIN, O_BASE, "/status/404", "http", 404, 0, 1, 14},
	{"500", 15, PLAIN, O_BASE, "/status/500", "http", 500, 0, ALL, 14},
	{"429-ok", 20, PLAIN, O_LOCAL, "/flaky/1/429", NULL, 200, 1, 2, ANY},
	{"429", 5, PLAIN, O_LOCAL, "/status/429", "http", 429, 0, ALL, 14},
	{"reset", 12, PLAIN, O_RAW, "/reset", "read", NUL, 0, 1, NUL},
	{"close", 12, PLAIN, O_RAW, "/close", "read", NUL, 0, 1, NUL},
	{"short", 8, PLAIN, O_RAW, "/short", "read", 200, 0, 1, 100},
	{"never", 2, PLAIN, O_RAW, "/never", "timeout", NUL, 0, ALL, NUL},
	{"refused", 6, PLAIN, O_REFUSED, "/refused", "connect", NUL, 0, ALL,
	    NUL},
	{"bad-url", 5, BAD_URL, O_NONE, NULL, "invalid_url", NUL, 0, 0, NUL},
	{"bad-json", 5, BAD_JSON, O_NONE, NULL, "input", NUL, 0, 0, NUL},
};
#define NCLS (sizeof(mix) / sizeof(mix[0]))

/* Records are counted by error kind; "ok" is no error, "other" the rest. */
static const char *const kinds[] = {"ok", "http", "read", "timeout",
    "connect", "invalid_url", "input", "other"};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

struct cfg {
	uint64_t n;
	long retries;
	const char *prefix;
	const char *origin[O_NONE];	/* scheme://host:port */
};

/* The judge's tallies. */
struct tally {
	uint64_t lines, bad, dup, problems, http_attempts, extra, spurious;
	uint64_t by_kind[NKINDS];	/* by kinds[] */
	uint64_t by_cls[NCLS];
	unsigned char *seen;		/* owned; one byte per index */
};

static unsigned char slot[SLOTS];	/* slot -> class */

/*
 * Spread the classes over the slots: block j of the shares goes to slot
 * j * 379 % 1000 (379 is prime to 1000), so the rare classes are not in
 * one run of lines.
 */
static void
slots_init(void)
{
	size_t c, j = 0;
	int k, sum = 0;

	for (c = 0; c < NCLS; c++)
		sum += mix[c].share;
	if (sum != SLOTS) {
		fprintf(stderr, "check: the shares add up to %d\n", sum);
		exit(2);
	}
	for (c = 0; c < NCLS; c++)
		for (k = 0; k < mix[c].share; k++, j++)
			slot[j * 379 % SLOTS] = (unsigned char)c;
}

/* The line for index i into buf; its URL ("" when it has none) into url. */
static void
line_make(const struct cfg *g, uint64_t i, char *buf, size_t size,
    char *url, size_t usize)
{
	const struct cls *c = &mix[slot[i % SLOTS]];

	url[0] = '\0';
	if (c->origin != O_NONE) {
		if (strcmp(c->name, "429-ok") == 0)
			snprintf(url, usize, "%s%s?key=%s-%" PRIu64 "&n=%"
			    PRIu64, g->origin[c->origin], c->path, g->prefix,
			    i, i);
		else
			snprintf(url, usize, "%s%s?n=%" PRIu64,
			    g->origin[c->origin], c->path, i);
	}
	switch (c->shape) {
	case PLAIN:
		snprintf(buf, size, "%s", url);
		break;
	case JSON_ID:
		snprintf(buf, size, "{\"url\":\"%s\",\"id\":%" PRIu64 "}",
		    url, i);
		break;
	case JSON_SID:
		snprintf(buf, size, "{\"id\":\"%s-%" PRIu64 "\",\"url\":\"%s\"}",
		    g->prefix, i, url);
		break;
	case JSON_POST:
		snprintf(buf, size, "{\"url\":\"%s\",\"method\":\"POST\","
		    "\"body\":\"b-%" PRIu64 "\",\"id\":%" PRIu64 "}", url, i, i);
		break;
	case BAD_URL:
		snprintf(buf, size, "not a url %" PRIu64, i);
		snprintf(url, usize, "%s", buf);
		break;
	case BAD_JSON:
		snprintf(buf, size, "{\"url\": %" PRIu64, i);
		break;
	}
}

/* ---- strict JSON (RFC 8259), with UTF-8 checked in strings ---- */

static int jv_value(const char **, const char *, int);

static void
jv_ws(const char **p, const char *e)
{
	while (*p < e && (**p == ' ' || **p == '\t' || **p == '\n' ||
	    **p == '\r'))
		(*p)++;
}

static int
jv_hex(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	    (ch >= 'A' && ch <= 'F');
}

/* One UTF-8 sequence at *p (first byte >= 0x80): shortest form, no
 * surrogates, at most U+10FFFF. */
static int
jv_utf8(const char **p, const char *e)
{
	const unsigned char *s = (const unsigned char *)*p;
	unsigned long cp;
	int n, k;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 3;
		cp = s[0] & 0x07;
	} else
		return -1;
	if (e - *p <= n)
		return -1;
	for (k = 1; k <= n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -1;
	*p += n + 1;
	return 0;
}

static int
jv_string(const char **p, const char *e)
{
	int k;

	(*p)++;		/* the opening quote */
	while (*p < e) {
		unsigned char ch = (unsigned char)**p;

		if (ch == '"') {
			(*p)++;
			return 0;
		}
		if (ch < 0x20)
			return -1;
		if (ch >= 0x80) {
			if (jv_utf8(p, e) != 0)
				return -1;
			continue;
		}
		(*p)++;
		if (ch != '\\')
			continue;
		if (*p >= e)
			return -1;
		ch = (unsigned char)*(*p)++;
		if (ch == 'u') {
			for (k = 0; k < 4; k++, (*p)++)
				if (*p >= e || !jv_hex(**p))
					return -1;
		} else if (strchr("\"\\/bfnrt", ch) == NULL || ch == '\0')
			return -1;
	}
	return -1;
}

static int
jv_digits(const char **p, const char *e)
{
	const char *s = *p;

	while (*p < e && **p >= '0' && **p <= '9')
		(*p)++;
	return *p > s ? 0 : -1;
}

static int
jv_number(const char **p, const char *e)
{
	if (**p == '-')
		(*p)++;
	if (*p < e && **p == '0')
		(*p)++;
	else if (jv_digits(p, e) != 0)
		return -1;
	if (*p < e && **p == '.') {
		(*p)++;
		if (jv_digits(p, e) != 0)
			return -1;
	}
	if (*p < e && (**p == 'e' || **p == 'E')) {
		(*p)++;
		if (*p < e && (**p == '+' || **p == '-'))
			(*p)++;
		if (jv_digits(p, e) != 0)
			return -1;
	}
	return 0;
}

/* An object or array at *p; close is '}' or ']'. */
static int
jv_members(const char **p, const char *e, int depth, char close)
{
	(*p)++;
	jv_ws(p, e);
	if (*p < e && **p == close) {
		(*p)++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			if (*p >= e || **p != '"' || jv_string(p, e) != 0)
				return -1;
			jv_ws(p, e);
			if (*p >= e || **p != ':')
				return -1;
			(*p)++;
		}
		if (jv_value(p, e, depth + 1) != 0)
			return -1;
		if (*p < e && **p == ',') {
			(*p)++;
			jv_ws(p, e);
			continue;
		}
		if (*p < e && **p == close) {
			(*p)++;
			return 0;
		}
		return -1;
	}
}

static int
jv_word(const char **p, const char *e, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(e - *p) < n || memcmp(*p, w, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* A value and the white space after it. */
static int
jv_value(const char **p, const char *e, int depth)
{
	int r;

	jv_ws(p, e);
	if (*p >= e || depth > MAX_DEPTH)
		return -1;
	switch (**p) {
	case '{':
		r = jv_members(p, e, depth, '}');
		break;
	case '[':
		r = jv_members(p, e, depth, ']');
		break;
	case '"':
		r = jv_string(p, e);
		break;
	case 't':
		r = jv_word(p, e, "true");
		break;
	case 'f':
		r = jv_word(p, e, "false");
		break;
	case 'n':
		r = jv_word(p, e, "null");
		break;
	default:
		r = jv_number(p, e);
		break;
	}
	jv_ws(p, e);
	return r;
}

/* 0 when s[0..len) is one JSON object and nothing else. */
static int
jv_check(const char *s, size_t len)
{
	const char *p = s, *e = s + len;

	jv_ws(&p, e);
	if (p >= e || *p != '{')
		return -1;
	if (jv_value(&p, e, 0) != 0)
		return -1;
	return p == e ? 0 : -1;
}

/* ---- the judge ---- */

static void problem(struct tally *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Count a problem; print the first SHOW_MAX with (the start of) line. */
static void
problem(struct tally *t, const char *line, const char *fmt, ...)
{
	va_list ap;

	if (t->problems++ >= SHOW_MAX)
		return;
	fputs("soak: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  in: %.300s\n", line);
}

static const cJSON *
field(const cJSON *o, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(o, name);
}

/* 1 when o.name is the integer want (NUL: null). */
static int
is_int(const cJSON *o, const char *name, long want)
{
	const cJSON *v = field(o, name);

	if (want == NUL)
		return cJSON_IsNull(v);
	return cJSON_IsNumber(v) && v->valuedouble == (double)want;
}

/* 1 when o.name is the string want (NULL: null). */
static int
is_str(const cJSON *o, const char *name, const char *want)
{
	const cJSON *v = field(o, name);

	if (want == NULL)
		return cJSON_IsNull(v);
	return cJSON_IsString(v) && strcmp(v->valuestring, want) == 0;
}

static void
kind_count(struct tally *t, const char *kind)
{
	size_t k;

	for (k = 1; k < NKINDS - 1; k++)
		if (kind != NULL && strcmp(kind, kinds[k]) == 0)
			break;
	t->by_kind[kind == NULL ? 0 : k]++;
}

/* What the body of a class must hold, beyond its size. */
static int
body_ok(const struct cls *c, const cJSON *rec, uint64_t i)
{
	const cJSON *b = field(rec, "body");
	char want[64];

	if (strcmp(c->path, "/json") == 0)
		return is_str(b, "path", "/json");
	if (c->shape == JSON_POST) {
		snprintf(want, sizeof(want), "b-%" PRIu64, i);
		return is_str(b, "body", want);
	}
	if (strcmp(c->name, "429-ok") == 0)
		return cJSON_IsTrue(field(b, "ok"));
	return 1;
}

/*
 * The record of line i against its class.  A request that timed out
 * once on a busy machine and then succeeded has attempts above the
 * class's: counted (extra) and reported, not a failure; so is a request
 * whose every attempt timed out (spurious): run.sh bounds both.
 */
static void
judge_one(const struct cfg *g, struct tally *t, const cJSON *rec,
    uint64_t i, const char *line)
{
	const struct cls *c = &mix[slot[i % SLOTS]];
	const cJSON *err = field(rec, "error"), *att = field(rec, "attempts");
	char id[128], url[512], buf[1024];
	long want_att = c->attempts == ALL ? g->retries + 1 : c->attempts;
	const char *kind = NULL;

	line_make(g, i, buf, sizeof(buf), url, sizeof(url));
	snprintf(id, sizeof(id), "%s-%" PRIu64, g->prefix, i);
	if (cJSON_IsObject(err))
		kind = cJSON_IsString(field(err, "kind")) ?
		    field(err, "kind")->valuestring : "?";
	kind_count(t, kind);
	t->by_cls[slot[i % SLOTS]]++;
	if (!is_str(rec, "url", url[0] != '\0' ? url : NULL) ||
	    !is_str(rec, "method", c->shape == JSON_POST ? "POST" : "GET") ||
	    !(c->shape == JSON_ID || c->shape == JSON_POST ?
	    is_int(rec, "id", (long)i) :
	    c->shape == JSON_SID ? is_str(rec, "id", id) :
	    cJSON_IsNull(field(rec, "id"))) ||
	    !is_int(rec, "page", 1) || !cJSON_IsTrue(field(rec, "last")) ||
	    !cJSON_IsBool(field(rec, "ok")) || !cJSON_IsNumber(att)) {
		problem(t, line, "record %" PRIu64 " (%s): wrong url, method, "
		    "id, page, last, ok or attempts", i, c->name);
		return;
	}
	if (c->origin == O_BASE || c->origin == O_LOCAL)
		t->http_attempts += (uint64_t)att->valuedouble;
	if (kind != NULL && strcmp(kind, "timeout") == 0 &&
	    (c->kind == NULL || strcmp(c->kind, "timeout") != 0) &&
	    c->origin != O_NONE && att->valuedouble ==
	    (c->shape == JSON_POST ? 1 : g->retries + 1)) {
		t->spurious++;
		return;
	}
	if ((c->kind == NULL ? kind != NULL :
	    kind == NULL || strcmp(kind, c->kind) != 0) ||
	    !is_int(rec, "status", c->status) ||
	    cJSON_IsTrue(field(rec, "ok")) != c->ok ||
	    (c->size != ANY && !is_int(rec, "size", c->size)) ||
	    (c->ok && !body_ok(c, rec, i))) {
		problem(t, line, "record %" PRIu64 " (%s): want kind %s, "
		    "status %d, size %ld", i, c->name,
		    c->kind ? c->kind : "none", c->status, c->size);
		return;
	}
	if (att->valuedouble == want_att)
		return;
	/*
	 * More attempts than the class needs: a retried timeout (the only
	 * retryable failure these classes can meet).  A volley that retried
	 * what it must not would do it to the whole class, far above the
	 * bound run.sh sets.
	 */
	if (att->valuedouble > want_att && att->valuedouble <= g->retries + 1 &&
	    c->shape != JSON_POST && c->attempts != ALL) {
		t->extra++;
		return;
	}
	problem(t, line, "record %" PRIu64 " (%s): attempts %g, want %ld", i,
	    c->name, att->valuedouble, want_att);
}

/* One line of volley's output (without its newline). */
static void
judge_line(const struct cfg *g, struct tally *t, const char *line,
    size_t len)
{
	const cJSON *idx;
	cJSON *rec;
	uint64_t i;

	t->lines++;
	if (jv_check(line, len) != 0) {
		t->bad++;
		problem(t, line, "line %" PRIu64 " is not one strict JSON "
		    "object", t->lines);
		return;
	}
	if ((rec = cJSON_ParseWithLength(line, len)) == NULL) {
		problem(t, line, "line %" PRIu64 ": cJSON cannot read it",
		    t->lines);
		return;
	}
	idx = field(rec, "index");
	if (!cJSON_IsNumber(idx) || idx->valuedouble < 0 ||
	    idx->valuedouble >= (double)g->n ||
	    idx->valuedouble != (double)(uint64_t)idx->valuedouble) {
		problem(t, line, "line %" PRIu64 ": index out of range",
		    t->lines);
		goto done;
	}
	i = (uint64_t)idx->valuedouble;
	if (t->seen[i]++ != 0) {
		t->dup++;
		problem(t, line, "index %" PRIu64 ": a second record", i);
		goto done;
	}
	judge_one(g, t, rec, i, line);
done:
	cJSON_Delete(rec);
}

static int
verify(const struct cfg *g)
{
	struct tally t;
	char *line = NULL;
	size_t cap = 0, k;
	ssize_t len;
	uint64_t i, missing = 0;

	memset(&t, 0, sizeof(t));
	if ((t.seen = calloc(g->n ? g->n : 1, 1)) == NULL) {
		perror("check: calloc");
		return 2;
	}
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] != '\n') {
			problem(&t, line, "the last line has no newline");
			break;
		}
		judge_line(g, &t, line, (size_t)len - 1);
	}
	if (ferror(stdin)) {
		perror("check: stdin");
		return 2;
	}
	for (i = 0; i < g->n; i++)
		if (!t.seen[i] && missing++ < SHOW_MAX)
			fprintf(stderr, "soak: index %" PRIu64 ": no record\n",
			    i);
	printf("lines=%" PRIu64 "\nnot_json=%" PRIu64 "\nmissing=%" PRIu64
	    "\nduplicate=%" PRIu64 "\nproblems=%" PRIu64 "\nextra_attempts=%"
	    PRIu64 "\nspurious_timeouts=%" PRIu64 "\nhttp_attempts=%" PRIu64
	    "\n", t.lines, t.bad, missing, t.dup, t.problems, t.extra,
	    t.spurious, t.http_attempts);
	printf("kinds=");
	for (k = 0; k < NKINDS; k++)
		printf("%s%s:%" PRIu64, k ? " " : "", kinds[k], t.by_kind[k]);
	printf("\nclasses=");
	for (k = 0; k < NCLS; k++)
		printf("%s%s:%" PRIu64, k ? " " : "", mix[k].name, t.by_cls[k]);
	printf("\n");
	free(line);
	free(t.seen);
	return t.problems || missing || t.lines != g->n ? 1 : 0;
}

static int
gen(const struct cfg *g)
{
	char buf[1024], url[512];
	uint64_t i;

	for (i = 0; i < g->n; i++) {
		line_make(g, i, buf, sizeof(buf), url, sizeof(url));
		if (puts(buf) == EOF)
			break;
	}
	/* A reader that left (volley stopped) is its own failure. */
	return fflush(stdout) == 0 || errno == EPIPE ? 0 : 1;
}

static int
refused(const char *port)
{
	struct sockaddr_in sin;
	int fd, r;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)strtoul(port, NULL, 10));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 2;
	r = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno == ECONNREFUSED ? 0 : 1;
	close(fd);
	return r;
}

static uint64_t
num_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "check: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

static void
usage(void)
{
	fputs("usage: check gen N PREFIX BASE LOCAL RAW REFUSED\n"
	    "       check verify N RETRIES PREFIX BASE LOCAL RAW REFUSED\n"
	    "       check refused PORT\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct cfg g;
	int a = 3, k;

	memset(&g, 0, sizeof(g));
	if (argc == 3 && strcmp(argv[1], "refused") == 0)
		return refused(argv[2]);
	if (argc == 8 && strcmp(argv[1], "gen") == 0)
		;
	else if (argc == 9 && strcmp(argv[1], "verify") == 0)
		g.retries = (long)num_arg(argv[a++]);
	else
		usage();
	g.n = num_arg(argv[2]);
	g.prefix = argv[a++];
	for (k = 0; k < O_NONE; k++)
		g.origin[k] = argv[a++];
	slots_init();
	return argv[1][0] == 'g' ? gen(&g) : verify(&g);
}
