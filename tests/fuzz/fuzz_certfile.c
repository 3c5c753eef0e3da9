/* SPDX-License-Identifier: ISC */
/* fuzz_certfile.c - libFuzzer target for dc_certfile_parse, the parser of
 * a certificate cache file (a file in a cache directory: corrupted or
 * planted, it must only ever cost a fetch).
 *
 * A crash, a sanitizer report or a broken invariant (__builtin_trap) is a
 * finding: a file valid for a user's cache is valid for root's too; a
 * valid one holds a certificate of a legal length whose window contains
 * now; a valid root file packs back to the same bytes. */
#include <stdint.h>
#include <string.h>

#include "dc_certfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW ((time_t)1700000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t id[DC_CERTFILE_ID_LEN] = { 1, 2, 3 };
	static const uint8_t pk[32] = { 9, 8, 7 };
	static uint8_t again[DC_CERTFILE_MAX];
	struct dc_cert c, u;
	dc_cert_check root, user;

	if (size > DC_CERTFILE_MAX + 1)
		return 0;
	root = dc_certfile_parse(data, size, id, pk, 1, NOW, &c);
	user = dc_certfile_parse(data, size, id, pk, 0, NOW, &u);
	if (user == DC_CERT_VALID && root != DC_CERT_VALID)
		__builtin_trap();
	if (root != DC_CERT_VALID)
		return 0;
	if (c.rawlen < DC_CERT_MIN_LEN || c.rawlen > DC_CERT_MAX_LEN ||
	    (time_t)c.ts_start > NOW || (time_t)c.ts_end < NOW)
		__builtin_trap();
	if (size >= 4 && memcmp(data, "DCf1", 4) == 0 &&
	    (dc_certfile_pack(id, pk, &c, again) != size ||
	     memcmp(again, data, size) != 0))
		__builtin_trap();
	return 0;
}
