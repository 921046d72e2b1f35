/* redact — URLs with any password replaced by "***". */
#ifndef VOLLEY_REDACT_H
#define VOLLEY_REDACT_H

#include <stddef.h>

#include "buf.h"

/* url as a JSON string, any password redacted; NULL prints null. */
int	 redact_url_json(struct buf *, const char *url, size_t len);
/* url with any password redacted, as plain text into out (truncated to
 * outlen), for error messages. */
void	 redact_url_text(const char *url, char *out, size_t outlen);

#endif
