/* utf8 — strict UTF-8 checks. */
#ifndef VOLLEY_UTF8_H
#define VOLLEY_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
bool	 utf8_valid(const char *, size_t);
/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is invalid. */
size_t	 utf8_seq_len(const unsigned char *s, size_t avail);

#endif
