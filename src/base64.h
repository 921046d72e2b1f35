/* base64 — RFC 4648 encoding into a buffer. */
#ifndef VOLLEY_BASE64_H
#define VOLLEY_BASE64_H

#include "buf.h"

int	 base64_encode(struct buf *, const void *, size_t);

#endif
