/* fuzz_response — fuzzed HTTP responses through the real code path.  A
 * server thread on 127.0.0.1 answers every connection with the input's
 * bytes and closes; each input runs one request through cli_parse,
 * input, sched, engine, xfer, result, job, record and output (all of
 * volley but main.c), into a memory file.  Checked: exactly one record,
 * one line of valid UTF-8 JSON, that tells the truth:
 *  - ok records: when the response starts with a plain status line
 *    ("HTTP/1.x DDD", not 1xx), the record's status is DDD; when its
 *    header lines are plain ("Name: value" CRLF, no Transfer-Encoding,
 *    one all-digit Content-Length or none), its size is the body bytes
 *    the server sent after the headers (up to Content-Length), and
 *    Content-Length was not more than was sent;
 *  - such a plain, complete 200-399 response is an ok record;
 *  - a record that is not ok names its error kind. */
#define _GNU_SOURCE
#include "fuzz.h"

#include "cli.h"
#include "input.h"
#include "json.h"
#include "output.h"
#include "sched.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int listen_fd = -1;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *answer;
static size_t answer_len;
static char url[64];

/* Read the request's head (to its blank line), then send the answer. */
static void
serve_one(int fd)
{
	char req[8192];
	size_t got = 0;
	ssize_t n;
	unsigned char *copy;
	size_t len, off = 0;
	struct timeval tv = {5, 0};

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	while (got < sizeof req - 1) {
		n = recv(fd, req + got, sizeof req - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
		req[got] = '\0';
		if (strstr(req, "\r\n\r\n") != NULL)
			break;
	}
	pthread_mutex_lock(&mu);
	len = answer_len;
	copy = malloc(len + 1);
	if (copy != NULL && len > 0)
		memcpy(copy, answer, len);
	pthread_mutex_unlock(&mu);
	while (copy != NULL && off < len) {
		n = send(fd, copy + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(copy);
	shutdown(fd, SHUT_WR);
	close(fd);
}

static void *
serve(void *arg)
{
	int fd;

	for (;;) {
		fd = accept(listen_fd, NULL, NULL);
		if (fd >= 0)
			serve_one(fd);
	}
	return arg;
}

static void
setup(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	pthread_t t;
	int one = 1;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd == -1 ||
	    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof one) == -1 ||
	    bind(listen_fd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    listen(listen_fd, 16) == -1 ||
	    getsockname(listen_fd, (struct sockaddr *)&sa, &sl) == -1 ||
	    pthread_create(&t, NULL, serve, NULL) != 0)
		abort();
	pthread_detach(t);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/fuzz",
	    ntohs(sa.sin_port));
}

/* What a plain response says, by this file's own reading. */
struct plain {
	int	 code;		/* from a plain status line, else 0 */
	int	 headers_plain;	/* every header line plain */
	long	 size;		/* body bytes it means, -1 unknown */
	int	 complete;	/* Content-Length <= bytes sent */
};

static int
tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* One "Name: value\r\n" line at p (n bytes to its CR); 1 if plain. */
static int
plain_field(const char *p, size_t n, long *clen, int *nclen, int *te)
{
	size_t i = 0, v;

	while (i < n && tchar((unsigned char)p[i]) && p[i] != '\0')
		i++;
	if (i == 0 || i >= n || p[i] != ':')
		return 0;
	for (v = i + 1; v < n; v++)
		if ((unsigned char)p[v] < 0x20 && p[v] != '\t')
			return 0;
		else if ((unsigned char)p[v] >= 0x7f)
			return 0;
	v = i + 1;
	while (v < n && (p[v] == ' ' || p[v] == '\t'))
		v++;
	if (i == 17 && strncasecmp(p, "transfer-encoding", 17) == 0)
		*te = 1;
	if (i == 14 && strncasecmp(p, "content-length", 14) == 0) {
		size_t e = n;

		while (e > v && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		(*nclen)++;
		if (e == v || e - v > 6 || strspn(p + v, "0123456789") <
		    e - v)
			return 0;
		*clen = strtol(p + v, NULL, 10);
	}
	return 1;
}

static void
read_plain(const char *r, size_t n, struct plain *pl)
{
	const char *p, *eol, *end = r + n;
	long clen = -1;
	int nclen = 0, te = 0, lines = 0;

	memset(pl, 0, sizeof(*pl));
	pl->size = -1;
	if (n < 14 || memcmp(r, "HTTP/1.", 7) != 0 ||
	    (r[7] != '0' && r[7] != '1') || r[8] != ' ' ||
	    strspn(r + 9, "0123456789") < 3 || (r[12] != ' ' &&
	    r[12] != '\r') || r[9] == '0')
		return;
	pl->code = (r[9] - '0') * 100 + (r[10] - '0') * 10 + (r[11] - '0');
	if (pl->code < 200)
		pl->code = 0;
	eol = memmem(r, n, "\r\n", 2);
	if (eol == NULL)
		return;
	for (p = r + 12; p < eol; p++)	/* the reason phrase */
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return;
	for (p = eol + 2; p < end; p = eol + 2) {
		eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		if (eol == NULL)
			return;
		if (eol == p)
			break;		/* the blank line */
		if (++lines > 100 || memchr(p, '\n', (size_t)(eol - p)) ||
		    !plain_field(p, (size_t)(eol - p), &clen, &nclen, &te))
			return;
	}
	if (eol == NULL || eol != p || te || nclen > 1 || pl->code == 0 ||
	    pl->code == 204 || pl->code == 304)
		return;
	pl->headers_plain = 1;
	n = (size_t)(end - (eol + 2));
	pl->complete = clen < 0 || (size_t)clen <= n;
	pl->size = clen >= 0 && (size_t)clen < n ? clen : (long)n;
}

static char *
run_once(const char *argv_extra)
{
	static char prog[] = "volley", q[] = "-q", np[] = "--no-progress",
	    t[] = "--timeout=5s", ct[] = "--connect-timeout=5s";
	static char u[64], extra[16];
	char *argv[8] = {prog, q, np, t, ct, u, NULL, NULL}, err[256];
	struct config cfg;
	struct input *in;
	struct output *out;
	struct sched *s;
	struct sched_outcome o;
	char *text;
	int fd, argc = 6;
	off_t len;

	snprintf(u, sizeof u, "%s", url);
	if (argv_extra != NULL) {
		snprintf(extra, sizeof extra, "%s", argv_extra);
		argv[argc++] = extra;
	}
	FUZZ_ASSERT(cli_parse(argc, argv, &cfg, err, sizeof err) == CLI_OK);
	fd = memfd_create("volley-fuzz", MFD_CLOEXEC);
	FUZZ_ASSERT(fd != -1);
	in = input_new(&cfg);
	out = output_new(&cfg, fd, sched_window(&cfg));
	FUZZ_ASSERT(in != NULL && out != NULL);
	s = sched_new(&cfg, in, out, NULL, err, sizeof err);
	FUZZ_ASSERT(s != NULL);
	sched_run(s, &o);
	FUZZ_ASSERT(o.records == 1 && o.out == OUT_OK && o.signal == 0);
	sched_free(s);
	output_free(out);
	input_free(in);
	cli_config_free(&cfg);
	len = lseek(fd, 0, SEEK_END);
	FUZZ_ASSERT(len > 0);
	text = malloc((size_t)len + 1);
	FUZZ_ASSERT(text != NULL &&
	    pread(fd, text, (size_t)len, 0) == (ssize_t)len);
	text[len] = '\0';
	close(fd);
	return text;
}

static void
check_record(const char *text, const struct plain *pl)
{
	size_t n = strlen(text);
	const cJSON *ok, *status, *size, *error, *kind;
	cJSON *rec;

	FUZZ_ASSERT(n > 1 && text[n - 1] == '\n');
	FUZZ_ASSERT(memchr(text, '\n', n - 1) == NULL);
	FUZZ_ASSERT(utf8_valid(text, n));
	FUZZ_ASSERT(json_parses(text, n - 1));
	rec = cJSON_ParseWithLength(text, n - 1);
	FUZZ_ASSERT(cJSON_IsObject(rec));
	ok = cJSON_GetObjectItemCaseSensitive(rec, "ok");
	status = cJSON_GetObjectItemCaseSensitive(rec, "status");
	size = cJSON_GetObjectItemCaseSensitive(rec, "size");
	error = cJSON_GetObjectItemCaseSensitive(rec, "error");
	FUZZ_ASSERT(cJSON_IsBool(ok));
	if (cJSON_IsTrue(ok)) {
		FUZZ_ASSERT(cJSON_IsNumber(status));
		if (pl->code != 0)
			FUZZ_ASSERT(status->valuedouble == pl->code);
		if (pl->headers_plain) {
			FUZZ_ASSERT(pl->complete);
			FUZZ_ASSERT(cJSON_IsNumber(size) &&
			    size->valuedouble == (double)pl->size);
		}
	} else {
		kind = cJSON_GetObjectItemCaseSensitive(error, "kind");
		FUZZ_ASSERT(cJSON_IsString(kind) && *kind->valuestring);
		if (pl->headers_plain && pl->complete)
			FUZZ_ASSERT(pl->code >= 400);
	}
	cJSON_Delete(rec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct plain pl;
	char *text;

	if (!ready) {
		setup();
		ready = 1;
	}
	pthread_mutex_lock(&mu);
	free(answer);
	answer = malloc(size + 1);
	FUZZ_ASSERT(answer != NULL);
	if (size > 0)
		memcpy(answer, data, size);
	answer_len = size;
	pthread_mutex_unlock(&mu);
	read_plain((const char *)data, size, &pl);
	/* -I (the headers in the record) for odd sizes */
	text = run_once(size & 1 ? "-I" : NULL);
	if (getenv("VOLLEY_FUZZ_SHOW") != NULL)	/* to read a reproducer */
		fprintf(stderr, "record: %s", text);
	check_record(text, &pl);
	free(text);
	return 0;
}
