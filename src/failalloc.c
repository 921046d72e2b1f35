/* failalloc — allocation-failure injection, in the volley-fa test build
 * only (make volley-fa).  VOLLEY_FAILALLOC=N makes the Nth allocation fail:
 * volley's own (malloc and friends, through the linker's --wrap) and
 * libcurl's, cJSON's and libevent's (through their allocator hooks).
 * VOLLEY_FAILALLOC_COUNT=1 prints how many allocations a run made. */
#include "failalloc.h"
#include "diag.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void	*__real_malloc(size_t);
void	*__real_calloc(size_t, size_t);
void	*__real_realloc(void *, size_t);
char	*__real_strdup(const char *);
char	*__real_strndup(const char *, size_t);
void	*__wrap_malloc(size_t);
void	*__wrap_calloc(size_t, size_t);
void	*__wrap_realloc(void *, size_t);
char	*__wrap_strdup(const char *);
char	*__wrap_strndup(const char *, size_t);

static unsigned long fail_at, count;
static int ready;

static int
failing(void)
{
	if (!ready) {
		const char *s = getenv("VOLLEY_FAILALLOC");
		char *end;

		ready = 1;
		fail_at = s ? strtoul(s, &end, 10) : 0;
	}
	return ++count == fail_at;
}

void *
__wrap_malloc(size_t n)
{
	return failing() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t m)
{
	return failing() ? NULL : __real_calloc(n, m);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return failing() ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	return failing() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return failing() ? NULL : __real_strndup(s, n);
}

static void
report(void)
{
	if (getenv("VOLLEY_FAILALLOC_COUNT") != NULL)
		diag_error("allocations: %lu", count);
}

void
failalloc_install(void)
{
	cJSON_Hooks h = {__wrap_malloc, free};

	event_set_mem_functions(__wrap_malloc, __wrap_realloc, free);
	cJSON_InitHooks(&h);
	if (getenv("VOLLEY_FAILALLOC_LIBCURL") != NULL)
		curl_global_init_mem(CURL_GLOBAL_DEFAULT, __wrap_malloc, free,
		    __wrap_realloc, __wrap_strdup, __wrap_calloc);
	if (atexit(report) != 0)
		diag_error("cannot report the allocation count at exit");
}
