/* failalloc — allocation-failure injection for the volley-fa test build. */
#ifndef VOLLEY_FAILALLOC_H
#define VOLLEY_FAILALLOC_H

/* Route libcurl's, cJSON's and libevent's allocations through the
 * counting allocator.  Call first thing in main. */
void	failalloc_install(void);

#endif
