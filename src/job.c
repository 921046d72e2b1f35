/* job — one request's data through its pages, attempts and hops. */
#include "job.h"
#include "json.h"
#include "result.h"
#include "retry.h"
#include "utf8.h"
#include "util.h"

#include <curl/curl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Hold the host of j's URL (o: its origin, or NULL to find it). */
static void
job_hold(struct job *j, const char *o)
{
	char key[REDIRECT_ORIGIN_MAX];
	char *made = NULL;
	size_t lead;

	if (o == NULL && j->req.url != NULL) {
		/* the last request's origin, or the key without libcurl's
		 * parser */
		if ((j->host = limits_host_hold_lead(j->lim, j->req.url)) != NULL)
			return;
		if (redirect_origin_text(j->req.url, key, sizeof key,
		    &lead) > 0) {
			j->host = limits_host_hold(j->lim, key);
			limits_host_remember(j->lim, j->host, j->req.url, lead);
			return;
		}
	}
	if (o == NULL && job_curlu(j) != NULL)
		o = made = redirect_origin(j->url);
	j->host = limits_host_hold(j->lim, o);
	free(made);
}

/* Freed jobs kept for the next ones, at most JOB_SPARE (36 KiB): a run
 * takes and frees one per request, in bursts (a gather window's records
 * written at once) that glibc's thread cache, 7 chunks of a size, does
 * not hold, so each would cost a trip through malloc's bins.  None under
 * ASan, which should see every job freed. */
#if UTIL_ASAN
#define JOB_SPARE	0
#else
#define JOB_SPARE	64
#endif
static struct job *spare[JOB_SPARE + 1];
static size_t nspare;

struct job *
job_new(const struct config *c, struct limits *lim, struct request *r,
    int64_t seq)
{
	struct job *j;

	if (nspare > 0) {
		j = spare[--nspare];
		memset(j, 0, sizeof(*j));
	} else if ((j = util_zalloc(sizeof(*j))) == NULL)
		return NULL;
	/* the message only where there is one: it is most of the request */
	memcpy(&j->req, r, offsetof(struct request, errmsg));
	if (r->err != ERR_NONE)
		memcpy(j->req.errmsg, r->errmsg, sizeof(r->errmsg));
	input_request_init(r);
	j->seq = seq;
	j->page = 1;
	save_init(&j->save);
	j->method = input_request_method(c, &j->req);
	j->send_body = j->req.has_body || c->has_data;
	j->trusted = true;
	/* A URL libcurl cannot parse fails when its transfer starts. */
	if (lim != NULL && (c->per_host > 0 || !c->no_adapt)) {
		j->lim = lim;
		job_hold(j, NULL);
	}
	if (c->page != PAGE_NONE)
		j->hop_url = paginate_chain_init(&j->chain, c, job_curlu(j));
	return j;
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	save_clear(&j->save);
	curl_url_cleanup(j->url);
	free(j->hop_url);
	free(j->page_url);
	free(j->origin);
	limits_host_release(j->lim, j->host);
	paginate_chain_clear(&j->chain);
	input_request_clear(&j->req);
#if JOB_SPARE > 0
	if (nspare < JOB_SPARE) {
		spare[nspare++] = j;
		return;
	}
#endif
	free(j);
}

void
job_spares_free(void)
{
	while (nspare > 0)
		free(spare[--nspare]);
}

const char *
job_url(const struct job *j)
{
	return j->hop_url != NULL ? j->hop_url : j->req.url;
}

/* Made on first use: most requests never need it. */
void *
job_curlu(struct job *j)
{
	if (j->url == NULL && (j->url = curl_url()) != NULL &&
	    curl_url_set(j->url, CURLUPART_URL, job_url(j),
	    CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		curl_url_cleanup(j->url);
		j->url = NULL;
	}
	return j->url;
}

/* Point the job at u (taken) for its next hop or page, under the origin
 * rule.  -1 if u cannot be printed back (out of memory). */
static int
job_target(struct job *j, const struct config *c, CURLU *u)
{
	char *origin, *str;

	/* The request's own origin, found on the first move away from it. */
	if (j->origin == NULL && job_curlu(j) != NULL)
		j->origin = redirect_origin(j->url);
	if ((str = redirect_url_text(u)) == NULL) {
		curl_url_cleanup(u);
		return -1;
	}
	free(j->hop_url);
	j->hop_url = str;
	curl_url_cleanup(j->url);
	j->url = u;
	origin = redirect_origin(u);
	j->trusted = redirect_trusted(c, j->origin, origin);
	if (j->lim != NULL) {
		/* the new host held before the old is let go: a hop
		 * within one origin keeps its entry */
		struct limits_host *was = j->host;

		j->host = NULL;
		if (origin != NULL)
			job_hold(j, origin);
		limits_host_release(j->lim, was);
	}
	free(origin);
	return 0;
}

void
job_begin(struct job *j, int64_t now)
{
	if (!j->hop) {
		j->attempts++;
		j->redirects = 0;
		j->attempt_start_us = now;
		if (j->attempts == 1)
			j->page_start_us = now;
	}
	j->hop = false;
}

void
job_request(struct job *j, const struct config *c, bool read_pages,
    int64_t now, struct xfer_req *r)
{
	memset(r, 0, sizeof(*r));
	r->url = job_url(j);
	r->method = j->method;
	r->trusted = j->trusted;
	if (j->trusted) {
		r->headers = j->req.headers;
		r->nheaders = j->req.nheaders;
	}
	if (j->send_body) {
		r->has_body = true;
		if (j->req.has_body) {
			r->body = j->req.body;
			r->body_len = j->req.body_len;
			r->body_json = j->req.body_json;
		} else {
			r->body = c->data;
			r->body_len = c->data_len;
		}
	}
	if (c->timeout_ms > 0)
		r->timeout_ms = c->timeout_ms - (now - j->attempt_start_us) /
		    1000;
	r->keep_body = c->body != BODY_NONE || read_pages;
	if (c->save_dir != NULL) {
		r->sink = save_write;
		r->sink_arg = &j->save;
		r->keep_body = read_pages;
	}
}

int
job_hop(struct job *j, const struct config *c, struct redirect_hop *hop)
{
	CURLU *u = hop->url;

	hop->url = NULL;
	j->redirects++;
	j->method = hop->method;
	j->send_body = j->send_body && hop->keep_body;
	if (job_target(j, c, u) == -1)
		return -1;
	j->hop = true;
	return 0;
}

int
job_next_page(struct job *j, const struct config *c, void *url)
{
	/* Same method, headers and body, unless the method is not
	 * idempotent, in which case it becomes a GET without body. */
	j->page++;
	j->attempts = 0;
	j->page_start_us = 0;
	if (!retry_idempotent(j->method)) {
		j->method = "GET";
		j->send_body = false;
	}
	return job_target(j, c, url);
}

void
job_record(const struct job *j, const struct config *c, struct record *r)
{
	result_request_record(c, &j->req, j->method, r);
	if (j->page > 1) {
		r->url = j->page_url;
		r->url_len = j->page_url ? strlen(j->page_url) : 0;
	}
	r->time_ms = j->page_start_us > 0 ?
	    (double)(util_now_us() - j->page_start_us) / 1000.0 : -1;
	r->attempts = j->attempts;
	r->page = j->page;
}

/* --save: rename the page's file into place; a body that cannot be
 * finished makes the record an error: it must not look saved, nor
 * vanish without a word. */
static void
job_page_save(struct job *j, const struct config *c,
    const struct xfer_res *res, struct job_page *pg)
{
	struct record *r = &pg->r;
	int rc;

	if (res->status <= 0 || (r->err != ERR_NONE && r->err != ERR_HTTP)) {
		save_discard(&j->save);
		return;
	}
	rc = save_finish(&j->save, c->save_dir, j->req.index, j->page,
	    &pg->path, pg->hex, pg->save_msg, sizeof pg->save_msg);
	if (rc == 0) {
		r->saved = pg->path.data;
		r->sha256 = pg->hex;
	} else if (rc == -1) {
		r->err = ERR_INPUT;
		r->errmsg = pg->save_msg;
	}
}

/* A page's values are read from its text (json_pointer_span), once the
 * body is known to be strict JSON in UTF-8: NULL, or why it cannot be
 * read.  A member name holding \u0000 is compared whole, and a lone
 * surrogate read as U+FFFD.  enc: how the record shows the body, which
 * says it when the body was checked for the record. */
static const char *
page_json(enum body_enc enc, const char *body, size_t len)
{
	if (enc == BENC_JSON ||
	    (utf8_valid(body, len) && json_parses(body, len)))
		return NULL;
	return "the body is not JSON";
}

void
job_page(struct job *j, const struct config *c, bool read_pages,
    const struct xfer_res *res, enum err_kind kind, const char *msg,
    struct job_page *pg)
{
	struct record *r = &pg->r;

	/* r is job_record's to fill (it starts from zero); of the rest
	 * the text buffers are written before they are read. */
	pg->not_json = NULL;
	memset(&pg->path, 0, sizeof(pg->path));
	pg->hex[0] = pg->body_msg[0] = pg->save_msg[0] = '\0';
	job_record(j, c, r);
	result_response(r, res);
	/* libcurl refused the URL before sending anything (a port out of
	 * range, an authority it cannot read): a record of nothing sent, as
	 * for a URL volley refuses itself. */
	if (res->curl_code == CURLE_URL_MALFORMAT && j->redirects == 0) {
		r->attempts = 0;
		r->final_url = NULL;
		r->time_ms = -1;
		r->timing.set = false;
	}
	r->err = kind;
	r->errmsg = kind != ERR_NONE ? msg : NULL;
	if (res->status > 0 && kind != ERR_BODY_TOO_LARGE)
		result_body(c, r, res, pg->body_msg, sizeof pg->body_msg);
	pg->not_json = "the body is empty";
	if (read_pages && kind == ERR_NONE && res->body_len > 0)
		pg->not_json = page_json(r->body_enc, res->body,
		    res->body_len);
	if (c->save_dir != NULL)
		job_page_save(j, c, res, pg);
}

void
job_page_clear(struct job_page *pg)
{
	buf_free(&pg->path);
}
