/* SPDX-License-Identifier: ISC */
/* fuzz_keyfile.c - libFuzzer target for dc_keyfile_parse, the parser of a
 * key cache file (key-cache yes: a file in a cache directory).
 *
 * A crash, a sanitizer report or a broken invariant (__builtin_trap) is a
 * finding: a file taken has the exact length, the certificate's digest, a
 * non-zero key, and packs back to the same bytes. */
#include <stdint.h>
#include <string.h>

#include "dc_keycache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW ((time_t)1700000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t d[32] = { 5, 6, 7 };
	static struct dc_cert cert = { .es_version = 2 };
	struct dc_session s;
	uint8_t again[DC_KEYFILE_LEN];
	uint64_t t = 0;

	if (dc_keyfile_parse(data, size, d, &cert, NOW, &s) != 0)
		return 0;
	if (size != DC_KEYFILE_LEN || memcmp(data + 12, d, 32) != 0 ||
	    s.es_version != 2)
		__builtin_trap();
	for (int i = 0; i < 8; i++)
		t = t << 8 | data[4 + i];
	dc_keyfile_pack(d, &s, (time_t)t, again);
	if (memcmp(again, data, size) != 0)
		__builtin_trap();
	return 0;
}
