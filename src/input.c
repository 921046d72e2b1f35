/* input — streaming line reader and request-line parser.
 *
 * Regular files, /dev/null and the like are read directly (epoll cannot
 * watch them); pipes, sockets and terminals are read once each time the
 * loop says they are readable, so a slow producer never blocks the loop;
 * -i files are opened with O_NONBLOCK, so a FIFO whose writer comes late
 * does not block the open.  A read never asks for more than one block,
 * and one call reads at most a slice (SLICE_READS blocks, SLICE_SKIPS
 * blank lines) before it gives the loop a turn (INPUT_YIELD): /dev/zero
 * or a file of comments cannot hold off a signal. */
#include "input.h"
#include "hdr.h"
#include "json.h"
#include "utf8.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_BLOCK	(64u << 10)
#define SLICE_READS	4
#define SLICE_SKIPS	4096

void
input_request_init(struct request *r)
{
	UTIL_ZERO_BUT_TEXT(struct request, r, errmsg);
}

void
input_request_clear(struct request *r)
{
	size_t i;

	free(r->url);
	free(r->method);
	for (i = 0; i < r->nheaders; i++)
		free(r->headers[i]);
	free(r->headers);
	free(r->body);
	free(r->id_json);
	free(r->input);
	input_request_init(r);
}

const char *
input_request_method(const struct config *c, const struct request *r)
{
	if (r->method != NULL)
		return r->method;
	if (c->method != NULL)
		return c->method;
	return r->has_body || c->has_data ? "POST" : "GET";
}

static void
req_error(struct request *r, enum err_kind k, const char *msg)
{
	r->err = k;
	snprintf(r->errmsg, sizeof r->errmsg, "%s", msg);
}

/* The error for a URL that does not start http:// or https:// (in any
 * case): its scheme, letters, digits, + - . up to the first "://", is
 * missing or is another one. */
static void
scheme_error(struct request *r, const char *url, size_t len)
{
	size_t slen;

	for (slen = 0; slen < len && ((url[slen] >= 'a' && url[slen] <= 'z') ||
	    (url[slen] >= 'A' && url[slen] <= 'Z') ||
	    (url[slen] >= '0' && url[slen] <= '9') || url[slen] == '+' ||
	    url[slen] == '-' || url[slen] == '.'); slen++)
		;
	if (slen == 0 || len - slen < 3 || memcmp(url + slen, "://", 3) != 0) {
		req_error(r, ERR_INVALID_URL,
		    "URL has no scheme (write http:// or https://)");
		return;
	}
	snprintf(r->errmsg, sizeof r->errmsg,
	    "scheme '%.*s' is not fetched: only http and https",
	    (int)(slen < 32 ? slen : 32), url);
	r->err = ERR_UNSUPPORTED_PROTOCOL;
}

void
input_check_url(struct request *r, const char *url, size_t len)
{
	const char *host;
	size_t i;

	if ((i = util_span_visible(url, len)) < len) {
		unsigned char c = (unsigned char)url[i];

		snprintf(r->errmsg, sizeof r->errmsg,
		    "URL contains %s at byte %zu", c == ' ' ? "a space" :
		    c == 0 ? "a NUL byte" : "a control character", i);
		r->err = ERR_INVALID_URL;
		return;
	}
	/* One compare a scheme (url is NUL-terminated: a shorter one stops
	 * it); this runs for every line. */
	if (util_prefix_ci(url, "http://", 7))
		host = url + 7;
	else if (util_prefix_ci(url, "https://", 8))
		host = url + 8;
	else {
		scheme_error(r, url, len);
		return;
	}
	switch (*host) {
	case '\0': case '/': case '?': case '#': case '@': case ':':
		req_error(r, ERR_INVALID_URL, "URL has no host");
		break;
	}
}

/* cJSON decodes \u0000 into a NUL, which would cut a string short (a
 * URL, a header or a body sent other than as written).  The id and a
 * JSON body are copied as written, so they may hold one. */
static bool
decoded_nul(const char *line, size_t len)
{
	/* the body only as a string: a JSON body is sent as written */
	static const struct {
		const char	*ptr;
		bool		 if_string;
	} f[] = {{"/url", false}, {"/method", false}, {"/headers", false},
	    {"/body", true}};
	size_t i, off, n;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		if (json_pointer_span(line, len, f[i].ptr, &off, &n) == 1 &&
		    (!f[i].if_string || (off < len && line[off] == '"')) &&
		    json_nul_escape(line + off, n, JSON_NUL_ANY))
			return true;
	/* and a member name: "url\u0000x" would be "url" to cJSON */
	return json_nul_escape(line, len, JSON_NUL_TOP_KEYS);
}

/* The member name of the line's object, minified as it was written (a
 * number keeps its digits, a string its escapes).  NULL: out of memory. */
static char *
member_text(const char *line, size_t len, const char *ptr)
{
	struct buf b = {0};
	size_t off, n;

	if (json_pointer_span(line, len, ptr, &off, &n) != 1 ||
	    json_minified(&b, line + off, n) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static int
parse_json_request(const char *line, size_t len, struct request *r)
{
	cJSON *root, *url, *method, *headers, *body, *id, *h;
	const char *end = NULL;

	if (!utf8_valid(line, len)) {
		req_error(r, ERR_INPUT, "JSON request line is not valid UTF-8");
		return 0;
	}
	/* Strict JSON: the id and a JSON body are copied as written. */
	root = json_parses(line, len) ? cJSON_ParseWithLengthOpts(line, len,
	    &end, 0) : NULL;
	if (root == NULL || end != line + len) {
		req_error(r, ERR_INPUT, "JSON request line does not parse");
		cJSON_Delete(root);
		return 0;
	}
	if (!cJSON_IsObject(root)) {
		req_error(r, ERR_INPUT, "JSON request line is not an object");
		goto out;
	}
	if (decoded_nul(line, len)) {
		req_error(r, ERR_INPUT, "JSON request line holds \\u0000 (a "
		    "NUL character) in its url, method, headers, body or a "
		    "member name");
		goto out;
	}
	id = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (id != NULL && (r->id_json = member_text(line, len, "/id")) ==
	    NULL)
		goto oom;
	url = cJSON_GetObjectItemCaseSensitive(root, "url");
	if (!cJSON_IsString(url)) {
		req_error(r, ERR_INPUT, "JSON request needs a \"url\" string");
		goto out;
	}
	r->url_len = strlen(url->valuestring);
	if ((r->url = strdup(url->valuestring)) == NULL)
		goto oom;
	method = cJSON_GetObjectItemCaseSensitive(root, "method");
	if (method != NULL) {
		if (!cJSON_IsString(method) || !hdr_token(method->valuestring,
		    strlen(method->valuestring))) {
			req_error(r, ERR_INPUT,
			    "\"method\" must be a method name");
			goto out;
		}
		if ((r->method = strdup(method->valuestring)) == NULL)
			goto oom;
	}
	headers = cJSON_GetObjectItemCaseSensitive(root, "headers");
	if (headers != NULL) {
		size_t n = (size_t)cJSON_GetArraySize(headers);

		if (!cJSON_IsObject(headers)) {
			req_error(r, ERR_INPUT, "\"headers\" must be an object");
			goto out;
		}
		if (n > 0 && (r->headers = calloc(n, sizeof(char *))) == NULL)
			goto oom;
		cJSON_ArrayForEach(h, headers) {
			struct buf hb = {0};

			if (!cJSON_IsString(h) || !hdr_token(h->string,
			    strlen(h->string)) || !hdr_value(h->valuestring,
			    strlen(h->valuestring))) {
				req_error(r, ERR_INPUT, "\"headers\" must map "
				    "token names to string values without "
				    "control characters (CR, LF, ...)");
				goto out;
			}
			/* "K;" is curl's way to send a header with no value */
			if (buf_printf(&hb, *h->valuestring ? "%s: %s" : "%s;",
			    h->string, h->valuestring) == -1)
				goto oom;
			r->headers[r->nheaders++] = buf_steal(&hb);
		}
	}
	body = cJSON_GetObjectItemCaseSensitive(root, "body");
	if (body != NULL && !cJSON_IsNull(body)) {
		if (cJSON_IsString(body))
			r->body = strdup(body->valuestring);
		else {
			r->body = member_text(line, len, "/body");
			r->body_json = true;
		}
		if (r->body == NULL)
			goto oom;
		r->body_len = strlen(r->body);
		r->has_body = true;
	}
	input_check_url(r, r->url, r->url_len);
out:
	cJSON_Delete(root);
	return 0;
oom:
	req_error(r, ERR_INPUT, "out of memory");
	goto out;
}

/* {} = the line percent-encoded, {raw} = the line as it is. */
static int
apply_template(const char *tpl, const char *line, size_t len,
    struct buf *out)
{
	char *enc = curl_easy_escape(NULL, line, (int)len);
	const char *p = tpl;
	int rc = -1;

	if (enc == NULL)
		return -1;
	while (*p) {
		if (strncmp(p, "{}", 2) == 0) {
			if (buf_addstr(out, enc) == -1)
				goto out;
			p += 2;
		} else if (strncmp(p, "{raw}", 5) == 0) {
			if (buf_add(out, line, len) == -1)
				goto out;
			p += 5;
		} else if (buf_addc(out, *p++) == -1)
			goto out;
	}
	rc = 0;
out:
	curl_free(enc);
	return rc;
}

int
input_parse_line(const char *line, size_t len, const struct config *cfg,
    struct request *r)
{
	struct buf b = {0};

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
	    line[len - 1] == '\t'))
		len--;
	while (len > 0 && (*line == ' ' || *line == '\t' || *line == '\r')) {
		line++;
		len--;
	}
	if (len == 0 || *line == '#')
		return 0;
	input_request_init(r);
	if (*line == '{') {
		parse_json_request(line, len, r);
		return 1;
	}
	if (cfg != NULL && cfg->template != NULL) {
		if (apply_template(cfg->template, line, len, &b) == -1 ||
		    (r->input = strndup(line, len)) == NULL) {
			buf_free(&b);
			req_error(r, ERR_INPUT, "out of memory");
			return 1;
		}
		r->input_len = len;
		r->url_len = b.len;
		r->url = buf_steal(&b);
	} else {
		/* the line at its own size, not in a buffer's 256 bytes */
		if ((r->url = malloc(len + 1)) == NULL) {
			req_error(r, ERR_INPUT, "out of memory");
			return 1;
		}
		memcpy(r->url, line, len);
		r->url[len] = '\0';
		r->url_len = len;
	}
	input_check_url(r, r->url, r->url_len);
	return 1;
}

/* --- the reader --- */

struct input {
	const struct config *cfg;
	size_t		 next_arg;	/* next URL argument */
	size_t		 next_file;	/* next -i source */
	bool		 use_stdin;	/* no URL and no -i: read stdin */
	int		 fd;		/* current source, -1 = none */
	bool		 own_fd;
	bool		 pollable;	/* pipe, socket or terminal */
	bool		 readable;	/* the loop said so */
	bool		 eof;		/* current source ended */
	bool		 first_line;	/* strip a BOM here */
	bool		 skipping;	/* inside an overlong line */
	const char	*name;
	struct buf	 rb;
	size_t		 pos;		/* start of unread data in rb */
	size_t		 scanned;	/* rb[pos..scanned) has no newline */
	int64_t		 count;
	uint64_t	 bytes_read;	/* from every source so far */
	int64_t		 bytes_total;	/* of every source; -1 = not known */
};

/* The size of the sources when all are regular files (stdin too). */
static int64_t
sources_size(const struct config *c, bool use_stdin)
{
	struct stat st;
	int64_t total = 0;
	size_t i;

	if (use_stdin)
		return fstat(0, &st) == 0 && S_ISREG(st.st_mode) ?
		    (int64_t)st.st_size : -1;
	for (i = 0; i < c->ninputs; i++) {
		if ((strcmp(c->inputs[i], "-") == 0 ? fstat(0, &st) :
		    stat(c->inputs[i], &st)) == -1 || !S_ISREG(st.st_mode))
			return -1;
		total += (int64_t)st.st_size;
	}
	return total;
}

double
input_fraction(const struct input *in)
{
	uint64_t used;

	if (in->bytes_total < 0)
		return -1;
	if (in->bytes_total == 0)
		return in->next_arg >= in->cfg->nurls ? 1 : 0;
	used = in->bytes_read - (in->fd != -1 ? in->rb.len - in->pos : 0);
	return (double)used / (double)in->bytes_total > 1 ? 1 :
	    (double)used / (double)in->bytes_total;
}

bool
input_from_tty(const struct config *c)
{
	size_t i;
	bool stdin_used = c->nurls == 0 && c->ninputs == 0;

	for (i = 0; i < c->ninputs; i++)
		if (strcmp(c->inputs[i], "-") == 0)
			stdin_used = true;
	return stdin_used && isatty(0);
}

struct input *
input_new(const struct config *cfg)
{
	struct input *in = calloc(1, sizeof(*in));

	if (in == NULL)
		return NULL;
	in->cfg = cfg;
	in->fd = -1;
	in->use_stdin = cfg->nurls == 0 && cfg->ninputs == 0;
	in->bytes_total = sources_size(cfg, in->use_stdin);
	return in;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	if (in->own_fd)
		close(in->fd);
	buf_free(&in->rb);
	free(in);
}

int
input_fd(const struct input *in)
{
	return in->fd;
}

void
input_ready(struct input *in)
{
	in->readable = true;
}

static void
close_source(struct input *in)
{
	if (in->own_fd)
		close(in->fd);
	in->fd = -1;
	in->own_fd = false;
	in->eof = false;
	in->skipping = false;
	buf_reset(&in->rb);
	in->pos = in->scanned = 0;
}

/* Open the next file source; 1 opened, 0 none left, -1 failed (*r set). */
static int
open_source(struct input *in, struct request *r)
{
	const char *path;
	struct stat st;
	int fd;

	if (in->use_stdin) {
		in->use_stdin = false;
		path = "-";
	} else if (in->next_file < in->cfg->ninputs)
		path = in->cfg->inputs[in->next_file++];
	else
		return 0;
	if (strcmp(path, "-") == 0) {
		fd = 0;
		in->own_fd = false;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd == -1) {
			memset(r, 0, sizeof(*r));
			snprintf(r->errmsg, sizeof r->errmsg, "%s: %s", path,
			    strerror(errno));
			r->err = ERR_INPUT;
			return -1;
		}
		in->own_fd = true;
	}
	in->fd = fd;
	in->name = path;
	in->pollable = fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode) || (S_ISCHR(st.st_mode) && isatty(fd)));
	in->readable = false;
	in->eof = false;
	in->first_line = true;
	return 1;
}

/* Hand a line to the parser; 1 if it made a request. */
static int
take_line(struct input *in, const char *line, size_t len, struct request *r)
{
	if (in->first_line) {
		in->first_line = false;
		if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			line += 3;
			len -= 3;
		}
	}
	if (input_parse_line(line, len, in->cfg, r) == 0)
		return 0;
	r->index = in->count++;
	return 1;
}

static void
overlong(struct input *in, struct request *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->errmsg, sizeof r->errmsg,
	    "line longer than %u bytes: skipped", INPUT_MAX_LINE);
	r->err = ERR_INPUT;
	r->index = in->count++;
	in->first_line = false;
}

enum input_status
input_next(struct input *in, struct request *r)
{
	ssize_t n;
	char *nl;
	int reads = 0, skips = 0;

	for (;;) {
		if (reads >= SLICE_READS || skips >= SLICE_SKIPS)
			return INPUT_YIELD;
		/* URL arguments come first. */
		if (in->next_arg < in->cfg->nurls) {
			const char *u = in->cfg->urls[in->next_arg++];

			in->first_line = false;
			if (take_line(in, u, strlen(u), r))
				return INPUT_LINE;
			continue;
		}
		if (in->fd == -1) {
			int rc = open_source(in, r);

			if (rc == 0)
				return INPUT_EOF;
			if (rc == -1) {
				r->index = in->count++;
				return INPUT_LINE;
			}
		}
		nl = in->scanned < in->rb.len ? memchr(in->rb.data +
		    in->scanned, '\n', in->rb.len - in->scanned) : NULL;
		if (nl != NULL) {
			char *line = in->rb.data + in->pos;
			size_t len = (size_t)(nl - line);
			bool was_skipping = in->skipping;

			in->pos = in->scanned = (size_t)(nl - in->rb.data) + 1;
			in->skipping = false;
			/* (a long line found whole in one read is as long as
			 * one that came in pieces) */
			if (was_skipping || len > INPUT_MAX_LINE) {
				overlong(in, r);
				return INPUT_LINE;
			}
			if (take_line(in, line, len, r))
				return INPUT_LINE;
			skips++;
			continue;
		}
		in->scanned = in->rb.len;
		if (in->rb.len - in->pos > INPUT_MAX_LINE) {
			/* Forget the line's bytes; report it at its end. */
			in->skipping = true;
			in->rb.len = in->pos = in->scanned = 0;
		}
		if (in->eof) {
			bool was_skipping = in->skipping;
			size_t len = in->rb.len - in->pos;
			char *line = in->rb.data + in->pos;
			int made = 0;

			if (was_skipping || len > INPUT_MAX_LINE) {
				was_skipping = true;
				overlong(in, r);
			} else if (len > 0)
				made = take_line(in, line, len, r);
			close_source(in);
			if (was_skipping || made)
				return INPUT_LINE;
			continue;
		}
		if (in->pollable && !in->readable)
			return INPUT_AGAIN;
		/* Make room: drop what has been consumed, then read a block. */
		if (in->pos > 0) {
			memmove(in->rb.data, in->rb.data + in->pos,
			    in->rb.len - in->pos);
			in->rb.len -= in->pos;
			in->scanned -= in->pos;
			in->pos = 0;
		}
		if (buf_reserve(&in->rb, READ_BLOCK) == -1) {
			in->eof = true;	/* out of memory: end this source */
			continue;
		}
		n = read(in->fd, in->rb.data + in->rb.len, READ_BLOCK);
		in->readable = false;
		if (n > 0)
			in->bytes_read += (uint64_t)n;
		reads++;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return INPUT_AGAIN;
		if (n == -1) {
			/* The rest of this source is unknown: say so in a
			 * record, then go on with the next source. */
			memset(r, 0, sizeof(*r));
			snprintf(r->errmsg, sizeof r->errmsg,
			    "%s: read error: %s", strcmp(in->name, "-") == 0 ?
			    "stdin" : in->name, strerror(errno));
			r->err = ERR_INPUT;
			r->index = in->count++;
			close_source(in);
			return INPUT_LINE;
		}
		if (n == 0) {
			in->eof = true;
			continue;
		}
		in->rb.len += (size_t)n;
		in->rb.data[in->rb.len] = '\0';
	}
}
