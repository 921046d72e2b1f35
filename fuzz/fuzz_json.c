/* fuzz_json — the strict JSON scanner (json_parses) and the verbatim
 * copy (json_minified), compared with cJSON.  Checked:
 *  - what json_parses accepts, cJSON accepts too (cJSON is the more
 *    lenient), unless it holds a \u escape of a lone surrogate, which
 *    cJSON refuses and RFC 8259's grammar allows;
 *  - what cJSON accepts and json_parses refuses holds one of cJSON's
 *    known leniencies: a byte below 0x20 that is not JSON whitespace, a
 *    BOM, a number RFC 8259 does not allow (01, 1., -.5, 1e, 1+2), or
 *    a \u escape without four hex digits;
 *  - cJSON's own printing of a tree passes json_parses;
 *  - json_minified of accepted UTF-8 text is one line that passes
 *    json_parses and means the same to cJSON;
 *  - json_check says ascii exactly when no byte is >= 0x80, and its
 *    clean span is what json_minified writes;
 *  - record_classify (which trusts that ascii flag to skip a UTF-8 pass)
 *    says JSON exactly for strict UTF-8 JSON, else text for UTF-8, else
 *    base64, with a clean span only for JSON;
 *  - a document generated from the input's bytes (objects and arrays
 *    nested up to 80 deep in any order, scalars of every kind, some
 *    whitespace) is JSON to the scanner and to cJSON, clean exactly when
 *    it has no whitespace inside, and with any one closer of the other
 *    kind it is JSON to neither: random bytes seldom nest deeply enough
 *    to test the scanner's stack of open containers. */
#include "fuzz.h"

#include "cli.h"
#include "json.h"
#include "record.h"
#include "utf8.h"

#include <cjson/cJSON.h>
#include <ctype.h>

/* Does s hold "\uD800".."\uDFFF" (a surrogate escape) anywhere? */
static int
has_surrogate_escape(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 6 <= n; i++)
		if (s[i] == '\\' && s[i + 1] == 'u' &&
		    (s[i + 2] == 'd' || s[i + 2] == 'D') &&
		    strchr("89abAB" "cdefCDEF", s[i + 3]) != NULL &&
		    s[i + 3] != '\0')
			return 1;
	return 0;
}

/* An RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
strict_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else {
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i == n;
}

/* Four hex digits at s (n bytes left)? */
static int
hex4(const char *s, size_t n)
{
	size_t i;

	if (n < 4)
		return 0;
	for (i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* One of cJSON's leniencies, outside strings or in them? */
static int
lenient(const char *s, size_t n)
{
	size_t i, k;
	int in_str = 0, esc = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		return 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 && c != ' ' && c != '\t' && c != '\n' &&
		    c != '\r')
			return 1;
		if (in_str && c < 0x20)
			return 1;	/* raw, even \t \n \r, in a string */
		if (in_str) {
			if (esc && c == 'u' && !hex4(s + i + 1, n - i - 1))
				return 1;	/* cJSON reads bad hex as 0 */
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (c == '"') {
			in_str = 1;
			continue;
		}
		if (c == '-' || (c >= '0' && c <= '9')) {
			/* what cJSON takes as the number's text */
			for (k = i; k < n && strchr("0123456789+-eE.",
			    s[k]) != NULL && s[k] != '\0'; k++)
				;
			if (!strict_number(s + i, k - i))
				return 1;
			i = k - 1;
		}
	}
	return 0;
}

/* The next choice from the input: its next byte, 0 once it is used up
 * (which ends every container: the document stays as long as the input). */
static unsigned
pick(const uint8_t **d, size_t *n)
{
	if (*n == 0)
		return 0;
	(*n)--;
	return *(*d)++;
}

static const char *const scalars[] = {
	"0", "-1.5e3", "\"s\"", "\"\\u00e9\\n\"", "true", "false", "null", "\"\"",
};

/* A value into b, driven by the input; *ws set if whitespace was put
 * inside a container. */
static void
gen_value(struct buf *b, const uint8_t **d, size_t *n, int depth, bool *ws)
{
	unsigned c = pick(d, n), k, i;
	bool object = c % 4 == 1;

	if (depth == 0 || c % 4 >= 2 || c == 0) {
		buf_addstr(b, scalars[(c / 4) % 8]);
		return;
	}
	buf_addc(b, object ? '{' : '[');
	k = pick(d, n) % 4;
	for (i = 0; i < k; i++) {
		if (i > 0)
			buf_addc(b, ',');
		if (pick(d, n) % 8 == 7) {
			buf_addstr(b, " \n");
			*ws = true;
		}
		if (object)
			buf_addstr(b, "\"k\":");
		gen_value(b, d, n, depth - 1, ws);
	}
	buf_addc(b, object ? '}' : ']');
}

static void
generated(const uint8_t *data, size_t size)
{
	struct buf b = {0};
	struct json_span sp;
	bool ws = false;
	cJSON *tree;
	size_t i, k, closers = 0, at;

	gen_value(&b, &data, &size, 80, &ws);
	FUZZ_ASSERT(b.data != NULL);
	FUZZ_ASSERT(json_check(b.data, b.len, &sp));
	FUZZ_ASSERT(ws ? sp.len == 0 : sp.off == 0 && sp.len == b.len);
	tree = cJSON_ParseWithLength(b.data, b.len);
	FUZZ_ASSERT(tree != NULL);
	cJSON_Delete(tree);
	for (i = 0; i < b.len; i++)
		closers += b.data[i] == '}' || b.data[i] == ']';
	if (closers > 0) {
		at = pick(&data, &size) % closers;
		for (i = k = 0; i < b.len; i++)
			if ((b.data[i] == '}' || b.data[i] == ']') && k++ == at)
				break;
		b.data[i] = b.data[i] == '}' ? ']' : '}';
		FUZZ_ASSERT(!json_parses(b.data, b.len));
		tree = cJSON_ParseWithLength(b.data, b.len);
		FUZZ_ASSERT(tree == NULL);
	}
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = NULL;
	bool strict = json_parses(s, size);
	cJSON *tree, *again;
	struct buf b = {0};
	char *printed, *p2;
	struct json_span sp;
	size_t i;
	bool high = false;

	for (i = 0; i < size; i++)
		high = high || data[i] >= 0x80;
	struct json_span cs;
	bool utf8 = utf8_valid(s, size), nj;
	enum body_enc enc;

	(void)json_check(s, size, &sp);
	if (strict)
		FUZZ_ASSERT(sp.ascii == !high);
	if (size > 0) {
		enc = record_classify(BODY_AUTO, s, size, &nj, &cs);
		FUZZ_ASSERT(enc == (strict && utf8 ? BENC_JSON : utf8 ?
		    BENC_TEXT : BENC_BASE64));
		FUZZ_ASSERT(enc == BENC_JSON ? cs.off == sp.off &&
		    cs.len == sp.len : cs.len == 0);
	}
	tree = cJSON_ParseWithLengthOpts(s, size, &end, 0);
	/* cJSON stops after the value; what it calls whitespace may follow */
	while (tree != NULL && end < s + size && (unsigned char)*end <= 0x20)
		end++;
	if (tree != NULL && end != s + size) {
		cJSON_Delete(tree);	/* text after the value */
		tree = NULL;
	}
	if (strict && !has_surrogate_escape(s, size))
		FUZZ_ASSERT(tree != NULL);
	if (tree != NULL && !strict)
		FUZZ_ASSERT(lenient(s, size));
	if (tree != NULL) {
		printed = cJSON_PrintUnformatted(tree);
		if (printed != NULL)
			FUZZ_ASSERT(json_parses(printed, strlen(printed)));
		cJSON_free(printed);
	}
	if (strict && utf8_valid(s, size)) {
		FUZZ_ASSERT(json_minified(&b, s, size) == 0);
		FUZZ_ASSERT(json_parses(b.data, b.len));
		FUZZ_ASSERT(memchr(b.data, '\n', b.len) == NULL);
		if (sp.len > 0)
			FUZZ_ASSERT(sp.len == b.len &&
			    memcmp(s + sp.off, b.data, b.len) == 0);
		if (tree != NULL) {
			again = cJSON_ParseWithLength(b.data, b.len);
			FUZZ_ASSERT(again != NULL);
			/* as printed: cJSON_Compare says inf != inf */
			printed = cJSON_PrintUnformatted(tree);
			p2 = cJSON_PrintUnformatted(again);
			FUZZ_ASSERT(printed != NULL && p2 != NULL &&
			    strcmp(printed, p2) == 0);
			cJSON_free(printed);
			cJSON_free(p2);
			cJSON_Delete(again);
		}
	}
	cJSON_Delete(tree);
	buf_free(&b);
	generated(data, size);
	return 0;
}
