/* redact — URLs with any password replaced by "***". */
#ifndef VOLLEY_REDACT_H
#define VOLLEY_REDACT_H

#include <stddef.h>

#include "buf.h"

/* url as a JSON string, any password redacted; NULL prints null. */
int	 redact_url_json(struct buf *, const char *url, size_t len);
/* url's n bytes with any password redacted, as plain text into out (cut
 * to outlen after redacting), for messages and reports. */
void	 redact_url_text(const char *url, size_t n, char *out,
	    size_t outlen);

#endif
