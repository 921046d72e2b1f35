/* redirect — where a request may go next, and what goes with it: the
 * one origin (trust) rule for -H headers on redirects and pagination
 * links, and the decision on each redirect hop. */
#ifndef VOLLEY_REDIRECT_H
#define VOLLEY_REDIRECT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "record.h"

/* u (a CURLU *) printed as URL text that parses back to it, malloc'd;
 * NULL if it cannot be printed or out of memory.  libcurl (7.88.1 and
 * 8.14.1) decodes a host's "%7F" to a raw DEL and prints it raw, which
 * neither its own parser nor a reader of the record takes back: any
 * byte <= 0x20 or 0x7f is percent-encoded again. */
char		*redirect_url_text(const void *u);
/* "scheme://host:port" of u (a CURLU *), lower case, malloc'd; or NULL. */
char		*redirect_origin(const void *u);
/* The same from a plain http(s) URL string into o (cap bytes), without
 * parsing it with libcurl (the per-host key of every request): its
 * length; 0 when the URL has anything unusual in its authority (userinfo,
 * IPv6, percent-encoding, port 0...) or the origin needs cap bytes or
 * more: then ask redirect_origin.  REDIRECT_ORIGIN_MAX holds any DNS
 * name's.  *lead, when not NULL, gets the length of the URL's bytes that
 * decided the origin (scheme, host, port): any URL with the same lead,
 * then the end, '/', '?' or '#', has the same origin. */
#define REDIRECT_ORIGIN_MAX	(sizeof("https://:65535") + 255)
size_t		 redirect_origin_text(const char *url, char *o, size_t cap,
		    size_t *lead);
/* The trust rule: do the run's -H headers go to a URL of origin to, for
 * a request whose own origin is from?  Only to the same origin, unless
 * --location-trusted. */
bool		 redirect_trusted(const struct config *, const char *from,
		    const char *to);

/* A redirect's answer: the next hop's URL (a CURLU *, owned by the
 * caller) and method, or an error kind with msg filled. */
struct redirect_hop {
	void		*url;
	const char	*method;	/* static or the method given */
	bool		 keep_body;
};

/* The scheme rule, for a redirect and for a next link alike: may a
 * request at base go to to (both CURLU *)?  Only to http and https, and
 * from https only to https unless --location-trusted.  ERR_NONE, or
 * ERR_UNSUPPORTED_PROTOCOL with msg filled; what names the move
 * ("redirect", "next link"). */
enum err_kind	 redirect_scheme_rule(const struct config *, const void *base,
		    const void *to, const char *what, char *msg, size_t len);
/* Is status a redirect that -L follows? */
bool		 redirect_status(long status);
/* Decide the hop from base (a CURLU *) to location after status, the
 * request's redirects-so-far-th.  ERR_NONE with *hop filled, or a kind
 * with msg filled. */
enum err_kind	 redirect_decide(const struct config *, const void *base,
		    const char *location, long status, long redirects,
		    const char *method, struct redirect_hop *hop, char *msg,
		    size_t len);

#endif
