/* fuzz_hdr — the header walker (hdr_next, hdr_find) over any block.
 * Checked: every field lies inside the block, on one line; its name is
 * not empty and holds no ':'; its value has no blank or CR at either
 * end; status lines are not fields; hdr_find finds the first field of
 * that name, as the walk does. */
#include "fuzz.h"

#include "hdr.h"

#include <strings.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *block = fuzz_cstr(data, size);
	const char *end = block + size;
	struct hdr_iter it;
	struct hdr_field f, g, first = {0};
	size_t nfields = 0, nlines = 1, i;
	int have_first = 0;

	for (i = 0; i < size; i++)
		nlines += block[i] == '\n';
	hdr_iter_init(&it, block, size);
	while (hdr_next(&it, &f)) {
		nfields++;
		FUZZ_ASSERT(nfields <= nlines);
		FUZZ_ASSERT(f.name >= block && f.name + f.nlen <= end);
		FUZZ_ASSERT(f.value >= f.name + f.nlen + 1 &&
		    f.value + f.vlen <= end);
		FUZZ_ASSERT(f.nlen > 0);
		FUZZ_ASSERT(memchr(f.name, ':', f.nlen) == NULL);
		FUZZ_ASSERT(memchr(f.name, '\n', f.nlen) == NULL);
		FUZZ_ASSERT(memchr(f.value, '\n', f.vlen) == NULL);
		FUZZ_ASSERT(f.nlen < 5 || memcmp(f.name, "HTTP/", 5) != 0);
		if (f.vlen > 0) {
			FUZZ_ASSERT(f.value[0] != ' ' && f.value[0] != '\t');
			FUZZ_ASSERT(f.value[f.vlen - 1] != ' ' &&
			    f.value[f.vlen - 1] != '\t' &&
			    f.value[f.vlen - 1] != '\r');
		}
		if (!have_first && f.nlen == 4 &&
		    strncasecmp(f.name, "link", 4) == 0) {
			first = f;
			have_first = 1;
		}
	}
	FUZZ_ASSERT(hdr_find(block, size, "Link", &g) == have_first);
	if (have_first)
		FUZZ_ASSERT(g.name == first.name && g.value == first.value &&
		    g.vlen == first.vlen);
	free(block);
	return 0;
}
