/* json — the JSON writer's pieces: string escaping (any bytes in, valid
 * UTF-8 JSON out), verbatim copies of JSON text that has been checked,
 * the strict RFC 8259 scanner that does the checking, values read from
 * a page's text by JSON pointer, and the bump arena that cJSON allocates
 * from while a request line or a --replay record is parsed. */
#include "json.h"
#include "utf8.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 for bytes that can be copied into a JSON string as they are. */
static const unsigned char plain[256] = {
	['\x20'] = 1, ['\x21'] = 1, ['\x23'] = 1, ['\x24'] = 1, ['\x25'] = 1,
	['\x26'] = 1, ['\x27'] = 1, ['\x28'] = 1, ['\x29'] = 1, ['\x2a'] = 1,
	['\x2b'] = 1, ['\x2c'] = 1, ['\x2d'] = 1, ['\x2e'] = 1, ['\x2f'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1,
	['<'] = 1, ['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1,
	['`'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1,
};

/* The length of s[0..n)'s first run of plain bytes (0x20..0x7e but the
 * quote and the backslash), eight at a time while it lasts. */
static inline size_t
plain_span(const unsigned char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w = util_w_load(s + i);

		if (util_w_less(w, 0x20) || util_w_has(w, '"') ||
		    util_w_has(w, '\\') ||
		    (((w + UTIL_W_ONES) | w) & UTIL_W_HIGHS) != 0)	/* > 0x7e */
			break;
	}
	while (i < n && plain[s[i]])
		i++;
	return i;
}

/* U+0085, U+2028 or U+2029 (line breaks to some readers of JSON lines,
 * and not JSON string characters to ECMAScript before 2019) as its code
 * point, given a UTF-8 sequence of k bytes; else 0. */
static unsigned
json_line_break(const unsigned char *s, size_t k)
{
	if (k == 2 && s[0] == 0xc2 && s[1] == 0x85)
		return 0x85;
	if (k == 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0xa8 || s[2] == 0xa9))
		return s[2] == 0xa8 ? 0x2028 : 0x2029;
	return 0;
}

/* The escapes of a string body, without the quotes. */
int
json_escape(struct buf *b, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run, k;
	char esc[8];

	/* Worst case is 6 bytes out per byte in; reserve the common case. */
	if (buf_reserve(b, n + n / 8 + 2) == -1)
		return -1;
	while (i < n) {
		run = i + plain_span(s + i, n - i);
		if (run > i) {
			if (buf_add(b, s + i, run - i) == -1)
				return -1;
			i = run;
			if (i == n)
				break;
		}
		if (s[i] >= 0x80) {
			k = utf8_seq_len(s + i, n - i);
			if (k == 0) {
				if (buf_add(b, "\\ufffd", 6) == -1)
					return -1;
				i++;
			} else if (json_line_break(s + i, k)) {
				snprintf(esc, sizeof esc, "\\u%04x", 0xffffu &
				    json_line_break(s + i, k));
				if (buf_addstr(b, esc) == -1)
					return -1;
				i += k;
			} else {
				if (buf_add(b, s + i, k) == -1)
					return -1;
				i += k;
			}
			continue;
		}
		switch (s[i]) {
		case '"':  memcpy(esc, "\\\"", 3); break;
		case '\\': memcpy(esc, "\\\\", 3); break;
		case '\n': memcpy(esc, "\\n", 3); break;
		case '\r': memcpy(esc, "\\r", 3); break;
		case '\t': memcpy(esc, "\\t", 3); break;
		case '\b': memcpy(esc, "\\b", 3); break;
		case '\f': memcpy(esc, "\\f", 3); break;
		default:
			snprintf(esc, sizeof esc, "\\u%04x", s[i]);
			break;
		}
		if (buf_addstr(b, esc) == -1)
			return -1;
		i++;
	}
	return 0;
}


int
json_string(struct buf *b, const char *s, size_t n)
{
	size_t i;

	if (s == NULL)
		return buf_add(b, "null", 4);
	/* Mostly nothing to escape: one capacity check and one copy. */
	i = plain_span((const unsigned char *)s, n);
	if (i == n && buf_reserve(b, n + 2) == 0) {
		b->data[b->len] = '"';
		memcpy(b->data + b->len + 1, s, n);
		memcpy(b->data + b->len + n + 1, "\"", 2);
		b->len += n + 2;
		return 0;
	}
	if (buf_addc(b, '"') == -1 || json_escape(b, s, n) == -1)
		return -1;
	return buf_addc(b, '"');
}

/* Mostly a short plain string (a method, a version, a media type):
 * copied as it is scanned, into room reserved once, with no strlen and
 * no memcpy; anything longer or with a byte to escape goes the long
 * way. */
#define CSTR_QUICK	62

int
json_cstr(struct buf *b, const char *s)
{
	char *d;
	size_t i;

	if (s == NULL)
		return buf_add(b, "null", 4);
	if (buf_reserve(b, CSTR_QUICK + 2) == -1)
		return -1;
	d = b->data + b->len;
	*d++ = '"';
	for (i = 0; i < CSTR_QUICK && plain[(unsigned char)s[i]]; i++)
		d[i] = s[i];
	if (s[i] != '\0') {
		b->data[b->len] = '\0';	/* still text if the long way fails */
		return json_string(b, s, strlen(s));
	}
	d[i] = '"';
	d[i + 1] = '\0';
	b->len += i + 2;
	return 0;
}

/* The 4 hex digits at h: 1 a high surrogate (d800-dbff), 2 a low one
 * (dc00-dfff), else 0. */
static int
js_surrogate(const unsigned char *h)
{
	if ((h[0] | 0x20) != 'd' || !isxdigit(h[1]) || h[1] < '8')
		return 0;
	return (h[1] | 0x20) <= 'b' || h[1] <= '9' ? 1 : 2;
}

/* At p (before end), a high surrogate escape followed by a low one: a
 * pair, 12 bytes. */
static bool
js_is_pair(const unsigned char *p, const unsigned char *end)
{
	return end - p >= 12 && p[0] == '\\' && p[1] == 'u' &&
	    js_surrogate(p + 2) == 1 && p[6] == '\\' && p[7] == 'u' &&
	    isxdigit(p[8]) && isxdigit(p[9]) && isxdigit(p[10]) &&
	    isxdigit(p[11]) && js_surrogate(p + 8) == 2;
}

/* Append JSON text that json_parses accepted and that is valid UTF-8,
 * dropping the whitespace between tokens (so a record stays on one line)
 * and escaping, inside strings, what json_escape escapes and the text
 * may hold raw: DEL, U+0085, U+2028, U+2029 (and control characters, for
 * text that was not checked).  Numbers and escapes are copied as they
 * are: no precision is lost. */
int
json_minified(struct buf *b, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i, start = 0, k;
	bool in_str = false, esc = false;
	long cp;		/* the code point to escape, or -1 */
	char u[8];

	if (buf_reserve(b, n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (in_str) {
			cp = -1;
			k = 1;
			if (esc)
				esc = false;
			else if (c == '\\' && n - i >= 6 && s[i + 1] == 'u' &&
			    js_surrogate(s + i + 2) != 0) {
				/* a pair as it is; one alone as U+FFFD */
				if (js_is_pair(s + i, s + n)) {
					i += 11;
					continue;
				}
				if (buf_add(b, s + start, i - start) == -1 ||
				    buf_addstr(b, "\\ufffd") == -1)
					return -1;
				i += 5;
				start = i + 1;
			} else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			else if (c < 0x20 || c == 0x7f)
				cp = c;
			else if (c == 0xc2 || c == 0xe2) {
				k = utf8_seq_len(s + i, n - i);
				if (k > 0 && json_line_break(s + i, k) != 0)
					cp = (long)json_line_break(s + i, k);
				else
					k = 1;
			}
			if (cp != -1) {
				if (buf_add(b, s + start, i - start) == -1)
					return -1;
				snprintf(u, sizeof u, "\\u%04lx", cp & 0xffff);
				if (buf_addstr(b, u) == -1)
					return -1;
				i += k - 1;
				start = i + 1;
			}
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			if (buf_add(b, s + start, i - start) == -1)
				return -1;
			start = i + 1;
		}
	}
	return buf_add(b, s + start, n - start);
}

char *
json_print(const struct cJSON *v)
{
	char *t = cJSON_PrintUnformatted(v), *copy;

	if (t == NULL)
		return NULL;
	copy = strdup(t);
	cJSON_free(t);
	return copy;
}

#if UTIL_ASAN
#define ARENA_BYTES	0	/* let ASan see every cJSON allocation */
#else
#define ARENA_BYTES	(256u << 10)
#endif

static _Alignas(16) unsigned char arena[ARENA_BYTES + 16];
static size_t arena_off, arena_live;

static void *
arena_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > ARENA_BYTES - arena_off)
		return malloc(n);
	p = arena + arena_off;
	arena_off += n;
	arena_live++;
	return p;
}

static void
arena_free(void *p)
{
	unsigned char *c = p;

	if (c >= arena && c < arena + ARENA_BYTES) {
		if (--arena_live == 0)
			arena_off = 0;
		return;
	}
	free(p);
}

void
json_arena_install(void)
{
	cJSON_Hooks h = {arena_alloc, arena_free};

	if (ARENA_BYTES > 0)
		cJSON_InitHooks(&h);
}

/* A strict RFC 8259 check, no tree and no allocation.  cJSON 1.7.15 is
 * lenient (a BOM, any byte <= 0x20 as whitespace, "01", "1.", "-.5"), and
 * a body that is copied into a record verbatim must be JSON for every
 * reader, so this decides.  A page's values are read from its text
 * (json_pointer_span); cJSON reads only request lines and --replay
 * records. */
struct jscan {
	const unsigned char *p, *end;
	int depth;
	bool dirty;	/* json_minified would not copy it as it stands */
	bool high;	/* a byte >= 0x80 (only strings can hold one) */
};

/* Bytes that end a run of plain string characters: the quote, the
 * backslash, control characters, DEL (json_minified escapes it) and,
 * until the first one is seen, every byte >= 0x80 (the text is then not
 * plain ASCII); after it (str_stop_utf8) only the lead bytes of U+0085,
 * U+2028 and U+2029, which json_minified escapes too, so text that is
 * mostly not ASCII does not leave the fast loop at every byte. */
#define STOP8(c)	[(c)] = 1, [(c) + 1] = 1, [(c) + 2] = 1, [(c) + 3] = 1, \
	[(c) + 4] = 1, [(c) + 5] = 1, [(c) + 6] = 1, [(c) + 7] = 1
#define STOP32(c)	STOP8(c), STOP8((c) + 8), STOP8((c) + 16), STOP8((c) + 24)
static const unsigned char str_stop[256] = {
	STOP32(0x00), ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
	STOP32(0x80), STOP32(0xa0), STOP32(0xc0), STOP32(0xe0),
};
static const unsigned char str_stop_utf8[256] = {
	STOP32(0x00), ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
	[0xc2] = 1, [0xe2] = 1,
};
#undef STOP32
#undef STOP8

#define JSON_MAX_DEPTH	1000

/* What a scan found besides the grammar, in one word so that the loops
 * can keep it in a register. */
#define JS_DIRTY	1u	/* json_minified would not copy it as it stands */
#define JS_HIGH		2u	/* a byte >= 0x80 (only strings can hold one) */

static inline bool
js_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Past the JSON whitespace at p. */
static inline const unsigned char *
js_ws_end(const unsigned char *p, const unsigned char *end)
{
	while (p < end && js_is_ws(*p))
		p++;
	return p;
}

static inline void
js_ws(struct jscan *j)
{
	const unsigned char *p = j->p;

	if (p < j->end && *p > ' ')	/* mostly: no whitespace */
		return;
	p = js_ws_end(p, j->end);
	if (p != j->p && j->depth > 0)	/* inside the value */
		j->dirty = true;
	j->p = p;
}

/* After a surrogate escape (p past its digits): a high one followed by a
 * low one is a pair (past both); any other is alone, which RFC 8259 lets
 * pass and some readers (cJSON, jq 1.6) refuse: json_minified writes it
 * \ufffd, so the text is not copied as it stands. */
static const unsigned char *
js_pair(const unsigned char *p, const unsigned char *end, unsigned *f)
{
	if (js_is_pair(p - 6, end))
		return p + 6;
	*f |= JS_DIRTY;
	return p;
}

/* A string's text from p (past its opening quote, or past plain bytes
 * of it already read): past its closing quote, or NULL. */
static const unsigned char *
js_str_end(const unsigned char *p, const unsigned char *end, unsigned *f)
{
	const unsigned char *stop = *f & JS_HIGH ? str_stop_utf8 : str_stop;
	unsigned char c;
	int k;

	for (;;) {
		while (p < end && !stop[*p])
			p++;
		if (p >= end)
			return NULL;
		if ((c = *p++) == '"')
			return p;
		if (c >= 0x80) {
			*f |= JS_HIGH;
			stop = str_stop_utf8;
			if ((c == 0xc2 && p < end && *p == 0x85) ||
			    (c == 0xe2 && end - p >= 2 && p[0] == 0x80 &&
			    (p[1] == 0xa8 || p[1] == 0xa9)))
				*f |= JS_DIRTY;
			continue;
		}
		if (c < 0x20)
			return NULL;
		if (c == 0x7f) {
			*f |= JS_DIRTY;
			continue;
		}
		/* what is left is the backslash */
		if (p >= end)
			return NULL;
		c = *p++;
		if (c == 'u') {
			for (k = 0; k < 4 && p < end && isxdigit(*p); k++)
				p++;
			if (k < 4)
				return NULL;
			if (js_surrogate(p - 4) != 0)
				p = js_pair(p, end, f);
		} else if (c == 0 || strchr("\"\\/bfnrt", c) == NULL)
			return NULL;
	}
}

static inline const unsigned char *
js_digits_end(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *start = p;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p > start ? p : NULL;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at p: past it, or NULL. */
static inline const unsigned char *
js_num_end(const unsigned char *p, const unsigned char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if ((p = js_digits_end(p, end)) == NULL)
		return NULL;
	if (p < end && *p == '.' && (p = js_digits_end(p + 1, end)) == NULL)
		return NULL;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		p = js_digits_end(p, end);
	}
	return p;
}

/* A number or a literal at p (before end): past it, or NULL. */
static inline const unsigned char *
js_scalar_end(const unsigned char *p, const unsigned char *end)
{
	switch (*p) {
	case 't':
		return end - p >= 4 && memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return end - p >= 5 && memcmp(p, "false", 5) == 0 ? p + 5 :
		    NULL;
	case 'n':
		return end - p >= 4 && memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		return js_num_end(p, end);
	}
}

static bool
js_string(struct jscan *j)
{
	unsigned f = (j->dirty ? JS_DIRTY : 0) | (j->high ? JS_HIGH : 0);
	const unsigned char *p = js_str_end(j->p + 1, j->end, &f);

	j->dirty = f & JS_DIRTY;
	j->high = f & JS_HIGH;
	if (p == NULL)
		return false;
	j->p = p;
	return true;
}

/* Inside a container, past whitespace: JS_DIRTY if there was some. */
#define JS_SKIP_WS(p, end, f) do {					\
	if ((p) < (end) && *(p) <= ' ') {				\
		const unsigned char *ws_ = (p);				\
		(p) = js_ws_end((p), (end));				\
		if ((p) != ws_)						\
			(f) |= JS_DIRTY;				\
	}								\
} while (0)

/* A string at p (its quote): past it, or NULL.  Its plain bytes are
 * skipped here, inlined where the scan is; the rest (an escape, a byte
 * >= 0x80, DEL, a control character) goes to js_str_end. */
#define JS_STRING(p, end, f, stop) do {					\
	const unsigned char *s_ = (p) + 1;				\
	while (s_ < (end) && !(stop)[*s_])				\
		s_++;							\
	if (s_ < (end) && *s_ == '"')					\
		(p) = s_ + 1;						\
	else if (((p) = js_str_end(s_, (end), &(f))) != NULL)		\
		(stop) = (f) & JS_HIGH ? str_stop_utf8 : str_stop;	\
} while (0)

/* With d containers open, the innermost one's kind (1 an object): bit d
 * of outer, written when the next one opened inside it.  None is open at
 * d == 0. */
static inline bool
js_outer(const uint64_t *outer, unsigned d)
{
	return d > 0 && (outer[d / 64] >> (d % 64)) & 1;
}

/* One value at j->p and its leading whitespace, without recursion.
 * The containers open in it (d of them, under the j->depth the walk is
 * at) are a stack of bits (1 an object) under the innermost one's kind
 * (object).  p, end and the flags stay in locals: through j, every byte
 * read (an unsigned char may alias anything) would load them again. */
static bool
js_value(struct jscan *j)
{
	uint64_t outer[(JSON_MAX_DEPTH + 63) / 64];
	const unsigned char *p, *end = j->end, *stop;
	unsigned f;
	unsigned d = 0;			/* containers open in this value */
	uint64_t bit;
	unsigned char c;
	bool object = false;

	js_ws(j);
	p = j->p;
	f = (j->dirty ? JS_DIRTY : 0) | (j->high ? JS_HIGH : 0);
	stop = f & JS_HIGH ? str_stop_utf8 : str_stop;
	for (;;) {
		/* a value at p, its whitespace skipped */
		if (p >= end)
			return false;
		switch (*p) {
		case '{':
		case '[':
			if ((size_t)j->depth + d >= JSON_MAX_DEPTH)
				return false;
			/* the parent's kind, over what an earlier
			 * container at this depth left */
			bit = (uint64_t)1 << (d % 64);
			if (d % 64 == 0)	/* a word first used */
				outer[d / 64] = 0;
			outer[d / 64] = object ? outer[d / 64] | bit :
			    outer[d / 64] & ~bit;
			d++;
			object = *p++ == '{';
			JS_SKIP_WS(p, end, f);
			if (p < end && *p == (object ? '}' : ']')) {
				p++;
				object = js_outer(outer, --d);
				break;
			}
			if (object)
				goto member;
			continue;			/* the first element */
		case '"':
			JS_STRING(p, end, f, stop);
			break;
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			/* inside a container (js_ws took the value's own) */
			p = js_ws_end(p, end);
			f |= JS_DIRTY;
			continue;
		default:
			p = js_scalar_end(p, end);
			break;
		}
		if (p == NULL)
			return false;
		/* after a value: its end, a comma or a close; whitespace
		 * is looked for only when neither is there */
		for (;;) {
			if (d == 0) {
				j->p = p;
				j->dirty = f & JS_DIRTY;
				j->high = f & JS_HIGH;
				return true;
			}
			c = p < end ? *p : 0;
			if (c == ',') {
				p++;
				if (object)
					goto member;
				break;			/* the next element */
			}
			if (c == (object ? '}' : ']')) {
				p++;
				object = js_outer(outer, --d);
				continue;
			}
			if (!js_is_ws(c))
				return false;
			p = js_ws_end(p, end);
			f |= JS_DIRTY;
		}
		continue;
member:
		/* a member's name and its colon */
		if ((p < end ? *p : 0) != '"') {
			JS_SKIP_WS(p, end, f);
			if (p >= end || *p != '"')
				return false;
		}
		JS_STRING(p, end, f, stop);
		if (p == NULL)
			return false;
		if ((p < end ? *p : 0) != ':')
			JS_SKIP_WS(p, end, f);
		if (p >= end || *p++ != ':')
			return false;
	}
}

bool
json_check(const char *s, size_t n, struct json_span *clean)
{
	struct jscan j = {(const unsigned char *)s,
	    (const unsigned char *)s + n, 0, false, false};
	const unsigned char *start, *stop;

	if (clean != NULL) {
		clean->off = clean->len = 0;
		clean->ascii = false;
	}
	if (n == 0)
		return false;
	js_ws(&j);
	start = j.p;
	if (!js_value(&j))
		return false;
	stop = j.p;
	js_ws(&j);
	if (j.p != j.end)
		return false;
	if (clean != NULL)
		clean->ascii = !j.high;
	if (clean != NULL && !j.dirty) {
		clean->off = (size_t)(start - (const unsigned char *)s);
		clean->len = (size_t)(stop - start);
	}
	return true;
}

bool
json_parses(const char *s, size_t n)
{
	return json_check(s, n, NULL);
}

/* --- values inside raw JSON text, found with the scanner's grammar --- */

static int
js_hex4(const unsigned char *p, unsigned *v)
{
	int k;

	*v = 0;
	for (k = 0; k < 4; k++) {
		if (!isxdigit(p[k]))
			return -1;
		*v = *v * 16 + (unsigned)(isdigit(p[k]) ? p[k] - '0' :
		    (p[k] | 0x20) - 'a' + 10);
	}
	return 0;
}

static int
js_put_utf8(struct buf *b, unsigned cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_add(b, u, n);
}

bool
json_nul_escape(const char *s, size_t n, int keys)
{
	const char *p = s, *end = s + n;
	bool in = false, nul = false;
	long depth = 0;

	while (p < end) {
		if (!in) {
			if (*p == '{' || *p == '[')
				depth++;
			else if (*p == '}' || *p == ']')
				depth--;
			else if (*p == '"') {
				in = true;
				nul = false;
			}
			p++;
			continue;
		}
		if (*p == '\\') {
			if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0)
				nul = true;
			p += 2;		/* past the escape's second byte */
			continue;
		}
		if (*p++ != '"')
			continue;
		in = false;
		if (!nul)
			continue;
		if (keys == JSON_NUL_ANY)
			return true;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
		    *p == '\r'))
			p++;
		if ((keys == JSON_NUL_KEYS || depth == 1) && p < end &&
		    *p == ':')
			return true;
	}
	return false;
}

int
json_string_decode(struct buf *b, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *end = s + n;
	unsigned cp, lo;
	char c;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return -1;
	if (buf_add(b, "", 0) == -1)	/* an empty string is not NULL */
		return -1;
	for (s++, end--; s < end; ) {
		if (*s != '\\') {
			if (*s < 0x20 || buf_addc(b, (char)*s++) == -1)
				return -1;
			continue;
		}
		if (end - s < 2)
			return -1;
		switch (s[1]) {
		case '"': case '\\': case '/': c = (char)s[1]; break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (end - s < 6 || js_hex4(s + 2, &cp) == -1)
				return -1;
			s += 6;
			if (cp >= 0xd800 && cp < 0xdc00 && end - s >= 6 &&
			    s[0] == '\\' && s[1] == 'u' &&
			    js_hex4(s + 2, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				s += 6;
			} else if (cp >= 0xd800 && cp < 0xe000)
				cp = 0xfffd;	/* a lone surrogate */
			if (js_put_utf8(b, cp) == -1)
				return -1;
			continue;
		default:
			return -1;
		}
		if (buf_addc(b, c) == -1)
			return -1;
		s += 2;
	}
	return 0;
}

/* One RFC 6901 reference token of ptr (at *pp, past its '/'), decoded. */
static int
js_token(const char **pp, struct buf *tok)
{
	const char *p = *pp;

	buf_reset(tok);
	if (buf_add(tok, "", 0) == -1)
		return -1;
	for (; *p != '\0' && *p != '/'; p++) {
		char c = *p;

		if (c == '~') {
			if (p[1] != '0' && p[1] != '1')
				return -1;
			c = *++p == '0' ? '~' : '/';
		}
		if (buf_addc(tok, c) == -1)
			return -1;
	}
	*pp = p;
	return 0;
}

/* At a value (j->p): move to its member or element named tok.  1 found
 * (j->p at it), 0 absent, -1 the text or memory failed. */
static int
js_child(struct jscan *j, const struct buf *tok, struct buf *key)
{
	bool object;
	unsigned long want = 0, k;
	const unsigned char *ks;
	size_t i;

	js_ws(j);
	if (j->p >= j->end || (*j->p != '{' && *j->p != '['))
		return 0;
	object = *j->p++ == '{';
	if (!object) {
		/* an index: digits, no leading zero, at most 9 of them
		 * (no unsigned long wraps, on any platform) */
		if (tok->len == 0 || tok->len > 9 ||
		    (tok->len > 1 && tok->data[0] == '0'))
			return 0;
		for (i = 0; i < tok->len; i++) {
			if (tok->data[i] < '0' || tok->data[i] > '9')
				return 0;
			want = want * 10 + (unsigned long)(tok->data[i] - '0');
		}
	}
	js_ws(j);
	if (j->p < j->end && *j->p == (object ? '}' : ']'))
		return 0;
	for (k = 0;; k++) {
		js_ws(j);
		if (object) {
			ks = j->p;
			if (j->p >= j->end || *j->p != '"' || !js_string(j))
				return -1;
			buf_reset(key);
			if (json_string_decode(key, (const char *)ks,
			    (size_t)(j->p - ks)) == -1)
				return -1;
			js_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return -1;
			js_ws(j);
			if (key->len == tok->len &&
			    memcmp(key->data, tok->data, tok->len) == 0)
				return 1;
		} else if (k == want)
			return 1;
		if (!js_value(j))
			return -1;
		js_ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		return *j->p == (object ? '}' : ']') ? 0 : -1;
	}
}

bool
json_pointer_valid(const char *p)
{
	if (*p != '\0' && *p != '/')
		return false;
	for (; *p != '\0'; p++)
		if (*p == '~' && p[1] != '0' && p[1] != '1')
			return false;
	return true;
}

int
json_pointer_span(const char *s, size_t n, const char *ptr, size_t *off,
    size_t *len)
{
	struct jscan j = {(const unsigned char *)s,
	    (const unsigned char *)s + n, 0, false, false};
	struct buf tok = {0}, key = {0};
	const unsigned char *start;
	int rc = 1;

	/* the whole pointer, also past where the walk may stop */
	if (!json_pointer_valid(ptr))
		return -1;
	while (rc == 1 && *ptr == '/') {
		ptr++;
		if (js_token(&ptr, &tok) == -1)
			rc = -1;
		else
			rc = js_child(&j, &tok, &key);
	}
	buf_free(&tok);
	buf_free(&key);
	if (rc != 1)
		return rc;
	js_ws(&j);
	start = j.p;
	if (!js_value(&j))
		return -1;
	*off = (size_t)(start - (const unsigned char *)s);
	*len = (size_t)(j.p - start);
	return 1;
}

bool
json_array_next(const char *s, size_t n, size_t *pos, size_t *off,
    size_t *len)
{
	struct jscan j = {(const unsigned char *)s + *pos,
	    (const unsigned char *)s + n, 0, false, false};
	const unsigned char *start;

	js_ws(&j);
	if (j.p >= j.end)
		return false;
	if (*pos == 0) {
		if (*j.p++ != '[')
			return false;
		js_ws(&j);
		if (j.p < j.end && *j.p == ']')
			return false;
	} else if (*j.p++ != ',')
		return false;
	js_ws(&j);
	start = j.p;
	if (!js_value(&j))
		return false;
	*off = (size_t)(start - (const unsigned char *)s);
	*len = (size_t)(j.p - start);
	*pos = *off + *len;
	return true;
}
