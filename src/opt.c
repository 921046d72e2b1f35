/* opt — a command line parsed against a typed option table: the argv
 * walk (short clusters, --name=value, "--"), one check per kind of value,
 * and the option lines of --help. */
#include "opt.h"
#include "util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The longest option name a typo is compared with. */
#define OPT_NAME_MAX	32

#define FIELD(t, o, type) ((type *)(void *)((char *)(t) + (o)->off))

enum opt_arg { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

struct opt_table {
	const struct opt	*opts;
	size_t			 n;
};

enum opt_result
opt_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return OPT_USAGE;
}

static enum opt_arg
opt_takes(const struct opt *o)
{
	if (o->kind == OPT_FLAG || o->kind == OPT_SET || o->kind == OPT_ACTION)
		return ARG_NONE;
	return o->optional ? ARG_OPTIONAL : ARG_REQUIRED;
}

void
opt_usage(const struct opt *opts, size_t n, FILE *f)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char left[64], sh[8] = "    ";
		const struct opt *o = &opts[i];
		const char *sep = opt_takes(o) == ARG_REQUIRED ? " " : "";

		if (o->group != NULL)
			fprintf(f, "\n%s:\n", o->group);
		if (o->letter != 0)
			snprintf(sh, sizeof sh, "-%c, ", o->letter);
		snprintf(left, sizeof left, "%s--%s%s%s", sh, o->name,
		    o->arg ? sep : "", o->arg ? o->arg : "");
		if (strlen(left) > 28)
			fprintf(f, "  %s\n  %-28s %s\n", left, "", o->help);
		else
			fprintf(f, "  %-28s %s\n", left, o->help);
	}
}

static int
push(const char ***arr, size_t *n, const char *s)
{
	const char **p = realloc(*arr, (*n + 1) * sizeof(**arr));

	if (p == NULL)
		return -1;
	p[(*n)++] = s;
	*arr = p;
	return 0;
}

/* The message states the range; a bound of a billion or more stands for
 * "any" and is left out ("a number >= 1", "a number"). */
static enum opt_result
set_long(void *t, const struct opt *o, const char *label, const char *arg,
    char *err, size_t errlen)
{
	char range[64];

	if (util_parse_long(arg, o->min, o->max, FIELD(t, o, long)) == 0)
		return OPT_OK;
	if (o->min <= -1000000000L)
		range[0] = '\0';
	else if (o->max >= 1000000000L)
		snprintf(range, sizeof range, " >= %ld", o->min);
	else
		snprintf(range, sizeof range, " from %ld to %ld", o->min,
		    o->max);
	return opt_error(err, errlen, "%s: '%s' is not a number%s", label,
	    arg, range);
}

/* Append item to the list in out: "a", "a or b", "a, b or c". */
static void
list_add(char *out, size_t len, bool first, bool last, const char *pre,
    const char *item)
{
	size_t used = strlen(out);

	if (used < len)
		snprintf(out + used, len - used, "%s%s%s", first ? "" :
		    last ? " or " : ", ", pre, item);
}

static enum opt_result
set_enum(void *t, const struct opt *o, const char *label, const char *arg,
    char *err, size_t errlen)
{
	char names[128] = "";
	size_t i;

	if (arg == NULL) {
		*FIELD(t, o, int) = o->value;
		return OPT_OK;
	}
	for (i = 0; o->values[i].name != NULL; i++)
		if (strcmp(arg, o->values[i].name) == 0) {
			*FIELD(t, o, int) = o->values[i].value;
			return OPT_OK;
		}
	for (i = 0; o->values[i].name != NULL; i++)
		list_add(names, sizeof names, i == 0,
		    o->values[i + 1].name == NULL, "", o->values[i].name);
	return opt_error(err, errlen, "%s: '%s' is not %s", label, arg,
	    names);
}

/* Apply option o with value arg (NULL when it takes none or was left
 * out); label is the option as the user spelt it, for messages. */
static enum opt_result
apply(void *t, const struct opt *o, const char *label, const char *arg,
    char *err, size_t errlen)
{
	enum opt_result r;

	if ((o->kind == OPT_STRING || o->kind == OPT_LIST) && o->fn != NULL) {
		r = o->fn(t, o, label, arg, err, errlen);
		if (r != OPT_OK)
			return r;
	}
	if (o->off_seen != 0)
		*(bool *)(void *)((char *)t + o->off_seen) = true;
	switch (o->kind) {
	case OPT_FLAG:
		*FIELD(t, o, bool) = true;
		return OPT_OK;
	case OPT_SET:
		*FIELD(t, o, int) = o->value;
		return OPT_OK;
	case OPT_ACTION:
	case OPT_CUSTOM:
		return o->fn(t, o, label, arg, err, errlen);
	case OPT_LONG:
		return set_long(t, o, label, arg, err, errlen);
	case OPT_DURATION:
		switch (util_parse_duration(arg, FIELD(t, o, int64_t))) {
		case 0:
			return OPT_OK;
		case -2:
			return opt_error(err, errlen, "%s: '%s' is longer than "
			    "100 years", label, arg);
		default:
			return opt_error(err, errlen, "%s: '%s' is not a "
			    "duration (250ms, 5s, 2m, 1h)", label, arg);
		}
	case OPT_SIZE:
		if (util_parse_size(arg, FIELD(t, o, uint64_t)) == 0)
			return OPT_OK;
		return opt_error(err, errlen,
		    "%s: '%s' is not a size (512K, 10M)", label, arg);
	case OPT_ENUM:
		return set_enum(t, o, label, arg, err, errlen);
	case OPT_STRING:
		*FIELD(t, o, const char *) = arg;
		return OPT_OK;
	case OPT_LIST:
		if (push(FIELD(t, o, const char **),
		    (size_t *)(void *)((char *)t + o->off_n), arg) == -1)
			return opt_error(err, errlen, "out of memory");
		return OPT_OK;
	}
	return opt_error(err, errlen, "%s: no such kind of option", label);
}

static const struct opt *
by_letter(const struct opt_table *tab, int ch)
{
	size_t i;

	for (i = 0; i < tab->n; i++)
		if (tab->opts[i].letter != 0 && tab->opts[i].letter == ch)
			return &tab->opts[i];
	return NULL;
}

/* The option named by exactly the first len bytes of name, or NULL.
 * Abbreviations are not taken, as curl, hurl (clap) and gh (pflag) take
 * none: a name that works today must not turn ambiguous when an option
 * is added.  unknown() suggests the full names instead. */
static const struct opt *
by_name(const struct opt_table *tab, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < tab->n; i++)
		if (strncmp(tab->opts[i].name, name, len) == 0 &&
		    tab->opts[i].name[len] == '\0')
			return &tab->opts[i];
	return NULL;
}

/* Optimal string alignment distance (Levenshtein with adjacent
 * transpositions) between a[0..la) and b, or SIZE_MAX if a is too long. */
static size_t
distance(const char *a, size_t la, const char *b)
{
	size_t d[OPT_NAME_MAX + 1][OPT_NAME_MAX + 1], i, j, lb = strlen(b);

	if (la > OPT_NAME_MAX || lb > OPT_NAME_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
			size_t best = sub < del ? sub : del;

			best = best < ins ? best : ins;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* Whether the option named o is offered for the unknown name: name is a
 * prefix of it, or it is among the nearest (best; 0 = none is near). */
static bool
offered(const char *name, size_t len, const char *o, size_t best)
{
	if (len > 0 && strncmp(o, name, len) == 0)
		return true;
	return best > 0 && distance(name, len, o) == best;
}

/* "unknown option --NAME", with the options it may have meant: those it
 * is a prefix of (--http), and the nearest by edit distance if that is at
 * most 2 and less than half its length (--concurency). */
static enum opt_result
unknown(const struct opt_table *tab, const char *name, size_t len,
    char *err, size_t errlen)
{
	char list[256] = "";
	size_t i, d, k = 0, n = 0, best = 0;

	for (i = 0; i < tab->n; i++) {
		if (len > 0 && strncmp(tab->opts[i].name, name, len) == 0)
			continue;
		d = distance(name, len, tab->opts[i].name);
		if (d <= 2 && 2 * d < len && (best == 0 || d < best))
			best = d;
	}
	for (i = 0; i < tab->n; i++)
		n += offered(name, len, tab->opts[i].name, best);
	for (i = 0; i < tab->n; i++)
		if (offered(name, len, tab->opts[i].name, best)) {
			list_add(list, sizeof list, k == 0, k + 1 == n, "--",
			    tab->opts[i].name);
			k++;
		}
	if (n == 0)
		return opt_error(err, errlen, "unknown option --%.*s",
		    (int)len, name);
	return opt_error(err, errlen, "unknown option --%.*s (did you mean "
	    "%s?)", (int)len, name, list);
}

/* One "--name[=value]" word at argv[*i]; a required value may be the next
 * word, and then *i moves past it. */
static enum opt_result
parse_long(const struct opt_table *tab, int argc, char **argv, int *i,
    void *t, char *err, size_t errlen)
{
	const char *word = argv[*i] + 2, *eq = strchr(word, '='), *arg = NULL;
	size_t len = eq != NULL ? (size_t)(eq - word) : strlen(word);
	const struct opt *o = by_name(tab, word, len);
	char label[64];

	if (o == NULL && len == 0)
		return opt_error(err, errlen, "unknown option %s", argv[*i]);
	if (o == NULL)
		return unknown(tab, word, len, err, errlen);
	snprintf(label, sizeof label, "--%s", o->name);
	if (eq != NULL && opt_takes(o) == ARG_NONE)
		return opt_error(err, errlen, "option %s takes no argument",
		    label);
	if (eq != NULL)
		arg = eq + 1;
	else if (opt_takes(o) == ARG_REQUIRED) {
		if (*i + 1 >= argc)
			return opt_error(err, errlen,
			    "option %s needs an argument", label);
		arg = argv[++*i];
	}
	return apply(t, o, label, arg, err, errlen);
}

/* One "-abc" word: flags, and the last may take the rest of the word or
 * the next word as its value. */
static enum opt_result
parse_short(const struct opt_table *tab, int argc, char **argv, int *i,
    void *t, char *err, size_t errlen)
{
	const char *p, *arg;
	const struct opt *o;
	enum opt_result r;
	char label[3] = "-?";

	for (p = argv[*i] + 1; *p != '\0'; p++) {
		o = by_letter(tab, *p);
		if (o == NULL)
			return opt_error(err, errlen, "unknown option -%c", *p);
		label[1] = *p;
		arg = NULL;
		if (opt_takes(o) != ARG_NONE) {
			if (p[1] != '\0')
				arg = p + 1;
			else if (*i + 1 < argc)
				arg = argv[++*i];
			else
				return opt_error(err, errlen,
				    "option %s needs an argument", label);
		}
		r = apply(t, o, label, arg, err, errlen);
		if (r != OPT_OK || arg != NULL)
			return r;
	}
	return OPT_OK;
}

/* Each operand goes to argv[1 + *nargs]: a slot whose word was already
 * read, as there are never more operands than words seen. */
enum opt_result
opt_parse(const struct opt *opts, size_t nopts, int argc, char **argv,
    void *target, size_t *nargs, char *err, size_t errlen)
{
	struct opt_table tab = {opts, nopts};
	enum opt_result r;
	int i;

	*nargs = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (++i < argc)
				argv[1 + (*nargs)++] = argv[i];
			break;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			argv[1 + (*nargs)++] = argv[i];
			continue;
		}
		if (argv[i][1] == '-')
			r = parse_long(&tab, argc, argv, &i, target, err,
			    errlen);
		else
			r = parse_short(&tab, argc, argv, &i, target, err,
			    errlen);
		if (r != OPT_OK)
			return r;
	}
	return OPT_OK;
}
