/* fuzz_pointer — json_pointer_span, which reads a page's values from its
 * text: a JSON pointer (the input up to its first NUL) over the JSON
 * document after it, against a walk of cJSON's tree by RFC 6901.
 * Checked, for a valid pointer and a document that json_parses accepts
 * and cJSON reads: the text finds a value exactly when the tree does,
 * its span is one JSON value that cJSON reads as the tree's node, and ""
 * is the whole document; a malformed pointer is -1.  Documents with a
 * member name holding \u0000 are left out of the comparison (cJSON cuts
 * the name there; the text compares it whole). */
#include "fuzz.h"

#include "json.h"

#include <cjson/cJSON.h>

#define WS	" \t\r\n"

static int
valid_pointer(const char *p)
{
	if (*p != '\0' && *p != '/')
		return 0;
	for (; *p; p++)
		if (*p == '~' && p[1] != '0' && p[1] != '1')
			return 0;
	return 1;
}

/* RFC 6901 on cJSON's tree: the first member of a name, an index with no
 * leading zero and at most 9 digits (as json_pointer_span). */
static const cJSON *
tree_walk(const cJSON *cur, const char *p)
{
	char tok[4096];
	size_t n;

	while (cur != NULL && *p == '/') {
		for (p++, n = 0; *p != '\0' && *p != '/'; p++) {
			char c = *p;

			if (c == '~')
				c = *++p == '0' ? '~' : '/';
			if (n + 1 < sizeof tok)
				tok[n++] = c;
		}
		tok[n] = '\0';
		if (cJSON_IsArray(cur)) {
			size_t i;
			int k = 0;

			if (n == 0 || n > 9 || (n > 1 && tok[0] == '0'))
				return NULL;
			for (i = 0; i < n; i++) {
				if (tok[i] < '0' || tok[i] > '9')
					return NULL;
				k = k * 10 + (tok[i] - '0');
			}
			cur = cJSON_GetArrayItem(cur, k);
		} else if (cJSON_IsObject(cur))
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
		else
			cur = NULL;
	}
	return cur;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *ptr = fuzz_part(&data, &size), *doc;
	size_t len, off = 0, n = 0;
	cJSON *root, *got;
	const cJSON *v;
	int rc;

	doc = fuzz_cstr(data != NULL ? data : (const uint8_t *)"",
	    data != NULL ? size : 0);
	len = strlen(doc);
	rc = json_pointer_span(doc, len, ptr, &off, &n);
	if (!valid_pointer(ptr))
		FUZZ_ASSERT(rc == -1);
	if (rc == 1) {
		FUZZ_ASSERT(off + n <= len && n > 0);
		FUZZ_ASSERT(json_parses(doc + off, n));
	}
	root = NULL;
	if (valid_pointer(ptr) && strlen(ptr) < 4096 &&
	    json_parses(doc, len) &&
	    !json_nul_escape(doc, len, JSON_NUL_KEYS))
		root = cJSON_ParseWithLength(doc, len);
	if (root != NULL) {
		FUZZ_ASSERT(rc != -1);
		v = tree_walk(root, ptr);
		FUZZ_ASSERT((v != NULL) == (rc == 1));
		if (*ptr == '\0')	/* the document but its white space */
			FUZZ_ASSERT(rc == 1 && strspn(doc, WS) == off &&
			    strspn(doc + off + n, WS) == len - off - n);
		if (v != NULL) {
			char *a, *b;

			got = cJSON_ParseWithLength(doc + off, n);
			FUZZ_ASSERT(got != NULL);
			/* printed, as cJSON_Compare says inf is not inf */
			a = cJSON_PrintUnformatted(got);
			b = cJSON_PrintUnformatted(v);
			FUZZ_ASSERT(a != NULL && b != NULL && strcmp(a, b) == 0);
			free(a);
			free(b);
			cJSON_Delete(got);
		}
	}
	cJSON_Delete(root);
	free(doc);
	free(ptr);
	return 0;
}
