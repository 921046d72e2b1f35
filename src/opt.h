/* opt — a command line parsed against a typed option table.  Each entry
 * says what kind of value the option takes, its range, and where in the
 * caller's struct it goes (an offset), as curl's tool_getparam.c types its
 * ARG_* entries; checking is done once per kind here, and only the odd
 * options need a function of their own.  Knows nothing of volley's
 * options: cli.c holds the table. */
#ifndef VOLLEY_OPT_H
#define VOLLEY_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_kind {
	OPT_FLAG,	/* no value: sets a bool */
	OPT_SET,	/* no value: stores .value in an int-sized enum */
	OPT_ACTION,	/* no value: calls .fn */
	OPT_LONG,	/* a whole number in [.min, .max] into a long */
	OPT_DURATION,	/* DUR into an int64_t of milliseconds */
	OPT_SIZE,	/* SIZE into a uint64_t of bytes */
	OPT_ENUM,	/* one of .values into an int-sized enum */
	OPT_STRING,	/* const char *, borrowed from argv */
	OPT_LIST,	/* repeatable: appended to a const char ** that
			 * opt_parse grows with realloc; the caller frees it */
	OPT_CUSTOM	/* a value handled by .fn alone */
};

/* What parsing one option, or a whole line, comes to. */
enum opt_result {
	OPT_OK,
	OPT_EXIT,	/* an action asked to stop (--help) */
	OPT_USAGE	/* err holds the message */
};

struct opt_value {
	const char	*name;
	int		 value;
};

struct opt;
/* The value arg (NULL if none) of option o, spelt label on the command
 * line, for the struct at target.  For OPT_STRING and OPT_LIST, .fn only
 * checks the value before it is stored. */
typedef enum opt_result (*opt_fn)(void *target, const struct opt *o,
    const char *label, const char *arg, char *err, size_t errlen);

struct opt {
	const char	*name;		/* the long form, without "--" */
	char		 letter;	/* the short form, or 0 */
	enum opt_kind	 kind;
	size_t		 off;		/* offsetof the field in the target */
	const char	*arg;		/* the value's name in --help */
	const char	*help;
	size_t		 off_n;		/* OPT_LIST: offsetof the count */
	size_t		 off_seen;	/* if non-zero: a bool set when given */
	long		 min, max;	/* OPT_LONG */
	int		 value;		/* OPT_SET; OPT_ENUM: a bare --name */
	bool		 optional;	/* OPT_ENUM: the value is optional */
	const struct opt_value *values;	/* OPT_ENUM, ends at a NULL name */
	opt_fn		 fn;
	const char	*group;		/* non-NULL starts a --help section */
};

/* The columns every entry has; the rest are named where used. */
#define OPT_ENTRY(n, l, k, f, a, h) \
	.name = n, .letter = l, .kind = k, .off = f, .arg = a, .help = h

/* Parse argv[1..] into target.  Options and operands may mix, as with GNU
 * getopt; "--" ends the options.  The operands are moved to argv[1..],
 * in order, and their number stored in *nargs. */
enum opt_result	 opt_parse(const struct opt *, size_t nopts, int argc,
		     char **argv, void *target, size_t *nargs, char *err,
		     size_t errlen);
/* The option lines of --help: "  -c, --concurrency N   help". */
void		 opt_usage(const struct opt *, size_t nopts, FILE *);
/* Fill err; returns OPT_USAGE. */
enum opt_result	 opt_error(char *err, size_t errlen, const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));

#endif
