/* job — one input request on its way through the run: the chain of
 * pages, the attempts of a page, the hops of an attempt, and the state
 * each of them needs (URL, method, trust, --save file).  job.c keeps the
 * data right; sched.c alone moves jobs through queues and transfers. */
#ifndef VOLLEY_JOB_H
#define VOLLEY_JOB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>


#include "buf.h"
#include "cli.h"
#include "input.h"
#include "limits.h"
#include "paginate.h"
#include "record.h"
#include "redirect.h"
#include "save.h"
#include "xfer.h"

struct engine_timer;

struct job {
	/* the scheduler's: where the job is */
	TAILQ_ENTRY(job) all;		/* every live job */
	TAILQ_ENTRY(job) q;		/* the ready queue, when queued */
	bool		 queued;
	struct xfer	*x;		/* running transfer, or NULL */
	struct engine_timer *timer;	/* owned: retry backoff */
	void		*sched;		/* borrowed: the scheduler */

	/* the job's own */
	struct request	 req;		/* owned */
	int64_t		 seq;		/* order of admission */
	long		 page;		/* 1-based */
	long		 attempts;	/* of this page */
	long		 redirects;	/* of this attempt */
	bool		 hop;		/* next start continues an attempt */
	char		*hop_url;	/* owned: what the next start fetches,
					 * NULL = req.url */
	void		*url;		/* owned CURLU *: hop_url parsed, lazily */
	char		*page_url;	/* owned: the page's URL, pages > 1 */
	const char	*method;	/* borrowed: the method sent next */
	bool		 send_body;
	bool		 trusted;	/* -H headers go to this hop */
	char		*origin;	/* owned: origin of the request */
	struct limits	*lim;		/* borrowed: NULL without host limits */
	struct limits_host *host;	/* held in lim: this hop's origin */
	int64_t		 page_start_us;
	int64_t		 attempt_start_us;
	struct paginate_chain chain;
	struct save	 save;
	struct paused_page *paused;	/* the scheduler's: a --flatten
					 * page whose items wait for room */
};

/* A new job for request r (taken: r is left empty); NULL out of memory.
 * It holds its host in lim (when --per-host or adaptation is on) until
 * job_free. */
struct job	*job_new(const struct config *, struct limits *lim,
		    struct request *r, int64_t seq);
/* Free the job's own data (not its queue places or transfer).  The job
 * itself may be kept for a later job_new: job_spares_free frees those. */
void		 job_free(struct job *);
void		 job_spares_free(void);

/* The URL the next start fetches, and the same parsed (CURLU *, NULL
 * when libcurl cannot parse it). */
const char	*job_url(const struct job *);
void		*job_curlu(struct job *);

/* A start: a new attempt unless it continues one with a hop. */
void		 job_begin(struct job *, int64_t now_us);
/* The request of the next start (read_pages: pages need the body). */
void		 job_request(struct job *, const struct config *,
		    bool read_pages, int64_t now_us, struct xfer_req *);
/* Take a redirect hop (hop->url is taken).  0, or -1 out of memory. */
int		 job_hop(struct job *, const struct config *,
		    struct redirect_hop *);
/* Move to the next page at url (taken).  0, or -1 out of memory. */
int		 job_next_page(struct job *, const struct config *, void *url);

/* The record every record of the job's current page starts from. */
void		 job_record(const struct job *, const struct config *,
		    struct record *);

/* A finished page: its record (with body or --save file), and whether
 * its body can be read for pagination.  Buffers the record points into
 * live here. */
struct job_page {
	struct record	 r;
	const char	*not_json;	/* why the body cannot be read */
	struct buf	 path;		/* --save */
	char		 hex[SAVE_HEX_LEN];
	char		 body_msg[64];
	char		 save_msg[128];
};

void		 job_page(struct job *, const struct config *, bool read_pages,
		    const struct xfer_res *, enum err_kind, const char *msg,
		    struct job_page *);
void		 job_page_clear(struct job_page *);

#endif
