/* fuzz.h — what the libFuzzer targets (fuzz/fuzz_*.c) share: the entry
 * point's prototype, an assertion that aborts (libFuzzer then saves the
 * input as crash-*), and NUL-terminated copies of the input's parts.
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#ifndef VOLLEY_FUZZ_H
#define VOLLEY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A finding that is not a crash: say which promise broke, then abort. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: fuzz assertion failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* d[0..n) as a new NUL-terminated string (it may hold NULs itself). */
static inline char *
fuzz_cstr(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	if (n > 0)
		memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/* The next NUL-separated part of *d (*n bytes left), as a new string;
 * the last part runs to the end.  NULL when nothing is left. */
static inline char *
fuzz_part(const uint8_t **d, size_t *n)
{
	const uint8_t *z;
	char *s;
	size_t k;

	if (*d == NULL)
		return NULL;
	z = *n > 0 ? memchr(*d, '\0', *n) : NULL;
	k = z != NULL ? (size_t)(z - *d) : *n;
	s = fuzz_cstr(*d, k);
	if (z != NULL) {
		*d = z + 1;
		*n -= k + 1;
	} else
		*d = NULL;
	return s;
}

#endif
