/* check.h — the unit tests' tiny harness.  Each tests/unit/<module>.c
 * holds the tests of one module as UNIT_TEST(name) { CHECK(...); }
 * blocks; they register themselves, and unit.c's main runs them all in
 * file and line order, printing "ok N name" / "not ok N name" and a
 * closing "N checks, N failed". */
#ifndef VOLLEY_CHECK_H
#define VOLLEY_CHECK_H

#include <stdio.h>

struct unit_case {
	const char		*name;
	void			(*fn)(void);
	struct unit_case	*next;
};

extern int unit_failures, unit_checks;
void	unit_register(struct unit_case *);
/* s parsed by libcurl (a CURLU *, free with curl_url_cleanup), or NULL
 * when it does not parse. */
void	*unit_curlu(const char *s);

#define CHECK(cond) do { unit_checks++; if (!(cond)) { unit_failures++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
	#cond); } } while (0)

#define UNIT_TEST(fn)							\
	static void test_##fn(void);					\
	static struct unit_case fn##_case = {#fn, test_##fn, NULL};	\
	__attribute__((constructor)) static void fn##_reg(void)	\
	{ unit_register(&fn##_case); }					\
	static void test_##fn(void)

#endif
