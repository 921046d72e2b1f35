/* fuzz_pointer — paginate_pointer: a JSON pointer (the input up to its
 * first NUL) over the JSON document after it.  Checked: *bad is set
 * exactly for pointers RFC 6901 calls malformed, "" is the root, and what
 * is found is a node of the tree, reached by the pointer's tokens. */
#include "fuzz.h"

#include "paginate.h"

#include <cjson/cJSON.h>

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

/* Is node in the tree at root? */
static int
in_tree(const cJSON *root, const cJSON *node)
{
	const cJSON *c;

	if (root == node)
		return 1;
	for (c = root->child; c != NULL; c = c->next)
		if (in_tree(c, node))
			return 1;
	return 0;
}

static int
count_tokens(const char *p)
{
	int n = 0;

	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* How deep node is below root, or -1. */
static int
depth_of(const cJSON *root, const cJSON *node)
{
	const cJSON *c;
	int d;

	if (root == node)
		return 0;
	for (c = root->child; c != NULL; c = c->next)
		if ((d = depth_of(c, node)) >= 0)
			return d + 1;
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *ptr = fuzz_part(&data, &size), *doc;
	cJSON *root;
	const cJSON *v;
	bool bad = false;

	doc = fuzz_cstr(data != NULL ? data : (const uint8_t *)"",
	    data != NULL ? size : 0);
	root = cJSON_ParseWithLength(doc, strlen(doc));
	if (root != NULL) {
		v = paginate_pointer(root, ptr, &bad);
		if (!valid_pointer(ptr))
			FUZZ_ASSERT(bad && v == NULL);
		else {
			FUZZ_ASSERT(!bad);
			if (*ptr == '\0')
				FUZZ_ASSERT(v == root);
			if (v != NULL) {
				FUZZ_ASSERT(in_tree(root, v));
				FUZZ_ASSERT(depth_of(root, v) ==
				    count_tokens(ptr));
			}
		}
	}
	cJSON_Delete(root);
	free(doc);
	free(ptr);
	return 0;
}
