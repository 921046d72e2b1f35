/* fuzz_utf8 — the UTF-8 check and the string escaper over any bytes.
 * Checked: utf8_valid and utf8_seq_len agree with a plain decoder
 * written from RFC 3629; json_string's output is valid UTF-8 and JSON,
 * one line, holds no raw control character, DEL, U+2028 or U+2029, and
 * decodes back to the input when that was valid UTF-8 without NUL. */
#include "fuzz.h"

#include "json.h"
#include "utf8.h"

#include <cjson/cJSON.h>

/* The length of the UTF-8 sequence at s (RFC 3629, section 4), or 0. */
static size_t
ref_seq(const unsigned char *s, size_t avail)
{
	unsigned long cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000))
		return 0;		/* overlong */
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

static int
ref_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		if ((k = ref_seq(s + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char *s = data;
	struct buf b = {0};
	cJSON *back;
	size_t i;
	int valid = ref_valid(data, size);

	FUZZ_ASSERT(utf8_valid((const char *)data, size) == valid);
	for (i = 0; i < size; i++)
		FUZZ_ASSERT(utf8_seq_len(s + i, size - i) ==
		    ref_seq(s + i, size - i));
	FUZZ_ASSERT(json_string(&b, (const char *)data, size) == 0);
	FUZZ_ASSERT(b.len >= 2 && b.data[0] == '"' && b.data[b.len - 1] == '"');
	FUZZ_ASSERT(utf8_valid(b.data, b.len));
	FUZZ_ASSERT(json_parses(b.data, b.len));
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		FUZZ_ASSERT(c >= 0x20 && c != 0x7f);
		FUZZ_ASSERT(!(c == 0xe2 && i + 2 < b.len &&
		    (unsigned char)b.data[i + 1] == 0x80 &&
		    ((unsigned char)b.data[i + 2] == 0xa8 ||
		    (unsigned char)b.data[i + 2] == 0xa9)));
	}
	if (valid && memchr(data, '\0', size) == NULL) {
		back = cJSON_ParseWithLength(b.data, b.len);
		FUZZ_ASSERT(cJSON_IsString(back));
		FUZZ_ASSERT(strlen(back->valuestring) == size &&
		    memcmp(back->valuestring, data, size) == 0);
		cJSON_Delete(back);
	}
	buf_free(&b);
	return 0;
}
