/* SPDX-License-Identifier: ISC */
/* fuzz_strip.c - libFuzzer target for what the DNSSEC wiring does to the
 * bytes of an answer and a query: dc_wire_strip_dnssec (RRSIG, NSEC and
 * NSEC3 taken out, pointers moved), dc_wire_query_dnssec (DO and CD, an
 * OPT record added), dc_wire_answer_flags, and the key and lifetime of a
 * remembered verdict (dc_secmemo_key, dc_secmemo_lifetime) and the memo
 * file read back (dc_secmemo_unpack), a key-set file's header
 * (dc_secbind_open).  Whatever comes out must be
 * no longer than what went in (strip), idempotent, and parse again as far
 * as the original did (the OPT record found again when it was last).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "dc_secbind.h"
#include "dc_secmemo.h"
#include "dc_wire.h"
#include "dc_wire_strip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t anchor[DC_SECBIND_DIGEST] = { 1, 2, 3 };
	uint8_t *m, key[DC_SECMEMO_KEY];
	static int init;
	size_t n, n2;

	if (size > 65535)
		return 0;
	if (!init && sodium_init() < 0)
		abort();
	init = 1;
	if (dc_secmemo_key(anchor, data, size, key) != 0 && dc_secmemo_lifetime(data, size, 1800000000) != 0)
		abort();  /* a message without a key is never kept */
	{
		static struct dc_secmemo memo;
		dc_secmemo_unpack(&memo, data, size, 1800000000);
	}
	/* A key-set file: the blob is only ever past the header, in it. */
	n = dc_secbind_open(anchor, data, size);
	if (n != 0 && (n != DC_SECBIND_HDR || n > size))
		abort();
	m = malloc(size + 11 + 1);
	if (!m)
		return 0;
	memcpy(m, data, size);
	n = dc_wire_strip_dnssec(m, size);
	if (n > size)
		abort();
	n2 = dc_wire_strip_dnssec(m, n);
	if (n2 != n)
		abort();
	if (dc_wire_last_opt(data, size) && !dc_wire_last_opt(m, n))
		abort();
	dc_wire_answer_flags(m, n, data[0] & 1, data[0] & 2);

	memcpy(m, data, size);
	n = dc_wire_query_dnssec(m, size, size + 11);
	if (n != 0 && (n < size || n > size + 11 || !dc_wire_last_opt(m, n)))
		abort();
	free(m);
	return 0;
}
