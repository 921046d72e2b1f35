/* hdr — the header-block walker. */
#include "hdr.h"

#include <string.h>
#include <strings.h>

void
hdr_iter_init(struct hdr_iter *it, const char *block, size_t len)
{
	it->p = block;
	it->end = block != NULL ? block + len : NULL;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t';
}

bool
hdr_next(struct hdr_iter *it, struct hdr_field *f)
{
	const char *line, *eol, *colon, *vs, *ve;

	while (it->p != NULL && it->p < it->end) {
		line = it->p;
		eol = memchr(line, '\n', (size_t)(it->end - line));
		if (eol == NULL)
			eol = it->end;
		it->p = eol < it->end ? eol + 1 : it->end;
		if ((size_t)(eol - line) >= 5 && memcmp(line, "HTTP/", 5) == 0)
			continue;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (colon == NULL || colon == line)
			continue;
		vs = colon + 1;
		ve = eol;
		while (vs < ve && blank(*vs))
			vs++;
		while (ve > vs && (ve[-1] == '\r' || blank(ve[-1])))
			ve--;
		f->name = line;
		f->nlen = (size_t)(colon - line);
		f->value = vs;
		f->vlen = (size_t)(ve - vs);
		return true;
	}
	return false;
}

bool
hdr_is(const struct hdr_field *f, const char *name)
{
	return f->nlen == strlen(name) && strncasecmp(f->name, name,
	    f->nlen) == 0;
}

bool
hdr_find(const char *block, size_t len, const char *name,
    struct hdr_field *f)
{
	struct hdr_iter it;

	hdr_iter_init(&it, block, len);
	while (hdr_next(&it, f))
		if (hdr_is(f, name))
			return true;
	return false;
}

/* --- what a request line or header may hold --- */

bool
hdr_token(const char *s, size_t n)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c != '\0' &&
		    strchr(extra, c) != NULL)))
			return false;
	}
	return true;
}

bool
hdr_value(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

const char *
hdr_request_line(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n = strlen(s);

	if (colon == NULL) {
		/* "Name;": curl's way to send a header with no value */
		if (n < 2 || s[n - 1] != ';')
			return "is not 'Name: value'";
		colon = s + n - 1;
	}
	if (!hdr_token(s, (size_t)(colon - s)))
		return "has a header name that is not a token (letters, "
		    "digits, !#$%&'*+-.^_`|~)";
	if (!hdr_value(colon + 1, strlen(colon + 1)))
		return "has a control character (CR, LF, ...) in its value";
	return NULL;
}
