/* fuzz_link — paginate_link_next over any header block.  Checked: the
 * next URL found is the text between a '<' and the '>' that ends it, in
 * a Link field of the block. */
#include "fuzz.h"

#include "hdr.h"
#include "paginate.h"

/* Is "<" u ">" inside a Link field of the block? */
static int
in_link_field(const char *block, size_t len, const char *u)
{
	struct hdr_iter it;
	struct hdr_field f;
	size_t k = strlen(u), i;

	hdr_iter_init(&it, block, len);
	while (hdr_next(&it, &f)) {
		if (!hdr_is(&f, "Link") || f.vlen < k + 2)
			continue;
		for (i = 0; i + k + 2 <= f.vlen; i++)
			if (f.value[i] == '<' && f.value[i + k + 1] == '>' &&
			    memcmp(f.value + i + 1, u, k) == 0)
				return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *block = fuzz_cstr(data, size), *next;

	next = paginate_link_next(block, size);
	if (next != NULL) {
		FUZZ_ASSERT(strchr(next, '>') == NULL);
		FUZZ_ASSERT(strchr(next, '\n') == NULL);
		FUZZ_ASSERT(in_link_field(block, size, next));
	}
	free(next);
	free(block);
	return 0;
}
