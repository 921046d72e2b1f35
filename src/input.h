/* input — the request list: a streaming line reader over the URL
 * arguments, -i files and stdin, and the parser that turns one line (a
 * URL or a JSON request) into a struct request.  It never reads more than
 * it needs for the next line; lines longer than INPUT_MAX_LINE are
 * skipped (and reported) without being held in memory. */
#ifndef VOLLEY_INPUT_H
#define VOLLEY_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "record.h"

#define INPUT_MAX_LINE	(1u << 20)

/* One request line.  Every pointer is owned; input_request_clear frees them. */
struct request {
	int64_t		 index;
	char		*url;		/* the URL as given, for records */
	size_t		 url_len;
	char		*method;	/* NULL: the run's default */
	char		**headers;	/* "K: V" */
	size_t		 nheaders;
	char		*body;
	size_t		 body_len;
	bool		 has_body;
	bool		 body_json;	/* a non-string JSON "body" */
	char		*id_json;	/* JSON text of "id", or NULL */
	char		*input;		/* --template: the line it was made of */
	size_t		 input_len;
	enum err_kind	 err;		/* ERR_NONE or why it can't be sent */
	char		 errmsg[200];
};

/* An empty request: every field zero, the message empty (its buffer is
 * not cleared byte by byte: this runs several times per request). */
void	 input_request_init(struct request *);
void	 input_request_clear(struct request *);
/* The method a request is sent with: its own, -X, else GET, or POST
 * when it has a body (its own or -d/--json).  The one default. */
const char *input_request_method(const struct config *,
	     const struct request *);

/* Parse one line (without its newline).  Returns 1 when it is a request
 * (which may carry an error), 0 for blank and comment lines. */
int	 input_parse_line(const char *, size_t, const struct config *,
	     struct request *);

/* Check url (NUL-terminated, len bytes): set r->err when it cannot be
 * fetched.  Only what can be told without parsing is checked here; the
 * rest (ports, hosts) libcurl checks when the transfer starts. */
void	 input_check_url(struct request *, const char *url, size_t len);

enum input_status {
	INPUT_LINE,	/* *r is filled */
	INPUT_AGAIN,	/* wait until input_fd is readable, then input_ready */
	INPUT_YIELD,	/* a slice is read without a request: let the loop
			 * run, then call again */
	INPUT_EOF
};

struct input;

struct input	*input_new(const struct config *);
enum input_status input_next(struct input *, struct request *);
int		 input_fd(const struct input *);
/* How far through the input the reader is, for the progress line: the
 * share of its bytes consumed, in [0, 1], or -1 when the size is not
 * known (a pipe, a terminal).  URL arguments alone give 1 once read. */
double		 input_fraction(const struct input *);
/* Does the reader take lines from a terminal (a person typing)? */
bool		 input_from_tty(const struct config *);
void		 input_ready(struct input *);
void		 input_free(struct input *);

#endif
