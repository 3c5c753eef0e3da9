/* SPDX-License-Identifier: ISC */
/* test_secmemo.c - validated answers remembered (dc_secmemo.c): the key
 * ignores the id and TTLs and nothing else, the lifetime is capped by
 * TTLs and signature expirations, entries expire and are replaced; the
 * key depends on the trust anchor's digest. */
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "t.h"
#include "dc_dnssec.h"
#include "dc_secmemo.h"

/* a4.lab.test A: the A record (TTL 60) and its RRSIG (TTL 50, expiration
 * at offset 45+12+8). */
static size_t answer(uint8_t *m, uint32_t exp)
{
	static const uint8_t a[] = {
		0xab, 0xcd, 0x81, 0xa0, 0, 1, 0, 2, 0, 0, 0, 0,
		2, 'a', '4', 3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1,
		0xc0, 0x0c, 0, 46, 0, 1, 0, 0, 0, 50, 0, 32,
		0, 1, 15, 3, 0, 0, 0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0, 'S', 'I', 'G', 'S' };

	memcpy(m, a, sizeof a);
	m[65] = (uint8_t)(exp >> 24);
	m[66] = (uint8_t)(exp >> 16);
	m[67] = (uint8_t)(exp >> 8);
	m[68] = (uint8_t)exp;
	return sizeof a;
}

int main(void)
{
	static struct dc_secmemo memo;
	static const uint8_t anchor[DC_SECBIND_DIGEST] = { 0x11, 0x22 };
	uint8_t other[DC_SECBIND_DIGEST] = { 0x11, 0x22 };
	uint8_t m[128], k1[DC_SECMEMO_KEY], k2[DC_SECMEMO_KEY];
	time_t now = 1800000000;
	size_t len;

	if (sodium_init() < 0)
		return 1;
	len = answer(m, (uint32_t)now + 1000);
	T_EQ_INT(dc_secmemo_key(anchor, m, len, k1), 0, "a key for an answer");
	m[0] ^= 0xff;
	m[38] = 7;                       /* the A record's TTL */
	m[54] = 9;                       /* the RRSIG's TTL */
	T_OK(dc_secmemo_key(anchor, m, len, k2) == 0 && memcmp(k1, k2, sizeof k1) == 0,
	     "another id and other TTLs: the same key");
	m[44] = 2;                       /* the address */
	dc_secmemo_key(anchor, m, len, k2);
	T_OK(memcmp(k1, k2, sizeof k1) != 0, "a changed record: another key");
	len = answer(m, (uint32_t)now + 1000);
	m[len - 1] ^= 1;                 /* the signature */
	dc_secmemo_key(anchor, m, len, k2);
	T_OK(memcmp(k1, k2, sizeof k1) != 0, "a changed signature: another key");
	len = answer(m, (uint32_t)now + 1000);
	m[3] = 0x83;                     /* NXDOMAIN */
	dc_secmemo_key(anchor, m, len, k2);
	T_OK(memcmp(k1, k2, sizeof k1) != 0, "another rcode: another key");
	len = answer(m, (uint32_t)now + 1000);
	len = answer(m, (uint32_t)now + 1000);
	other[DC_SECBIND_DIGEST - 1] = 1;  /* the last byte of the digest */
	T_OK(dc_secmemo_key(other, m, len, k2) == 0 && memcmp(k1, k2, sizeof k1) != 0,
	     "the same answer under another trust anchor: another key");
	T_OK(dc_secmemo_key(anchor, m, len, k2) == 0 && memcmp(k1, k2, sizeof k1) == 0,
	     "... and under the same anchor again: the same key");
	T_EQ_INT(dc_secmemo_key(anchor, m, len - 1, k2), -1, "a cut answer: no key");
	T_EQ_INT(dc_secmemo_key(anchor, m, 11, k2), -1, "no header: no key");

	T_EQ_INT(dc_secmemo_lifetime(m, len, now), 50, "lifetime: the smallest TTL");
	len = answer(m, (uint32_t)now + 20);
	T_EQ_INT(dc_secmemo_lifetime(m, len, now), 20, "... or the signature's expiration");
	len = answer(m, (uint32_t)now - 5);
	T_EQ_INT(dc_secmemo_lifetime(m, len, now), 0, "an expired signature: not kept");
	len = answer(m, (uint32_t)now + 1000);
	m[38] = 0;
	m[37] = 0;
	m[36] = 0;
	m[35] = 0;
	T_EQ_INT(dc_secmemo_lifetime(m, len, now), 0, "a TTL of 0: not kept");
	len = answer(m, (uint32_t)now + 100000);
	m[35] = 0x7f;                    /* TTLs past the cap */
	m[53] = 0x7f;
	T_EQ_INT(dc_secmemo_lifetime(m, len, now), DC_SECMEMO_MAX_TTL, "capped");
	len = answer(m, (uint32_t)now + 1000);
	T_EQ_INT(dc_secmemo_lifetime(m, len - 1, now), 0, "a cut answer: not kept");

	T_EQ_INT(dc_secmemo_get(&memo, k1, now), 0, "empty: nothing");
	dc_secmemo_put(&memo, k1, DC_SEC_SECURE, now, 50);
	T_EQ_INT(dc_secmemo_get(&memo, k1, now + 49), DC_SEC_SECURE, "kept within its lifetime");
	T_EQ_INT(dc_secmemo_get(&memo, k1, now + 50), 0, "gone after it");
	dc_secmemo_put(&memo, k1, DC_SEC_INSECURE, now, 0);
	T_EQ_INT(dc_secmemo_get(&memo, k1, now), DC_SEC_SECURE, "a lifetime of 0 keeps nothing new");
	for (int i = 0; i < DC_SECMEMO_ENTRIES; i++) {
		uint8_t k[DC_SECMEMO_KEY];
		memset(k, 0, sizeof k);
		k[0] = (uint8_t)i;
		k[1] = 0xee;
		dc_secmemo_put(&memo, k, DC_SEC_INSECURE, now, 100);
	}
	T_EQ_INT(dc_secmemo_get(&memo, k1, now), 0, "full: the oldest entries are replaced");
	dc_secmemo_put(&memo, k1, DC_SEC_SECURE, now, 100);
	T_EQ_INT(dc_secmemo_get(&memo, k1, now), DC_SEC_SECURE, "and new ones kept");

	/* The file of a memo: live entries only, read back; bad ones ignored. */
	{
		static struct dc_secmemo a, b;
		static uint8_t f[DC_SECMEMO_FILE_MAX], g[DC_SECMEMO_FILE_MAX];
		uint8_t k[DC_SECMEMO_KEY];
		size_t n;

		memset(k, 7, sizeof k);
		dc_secmemo_put(&a, k1, DC_SEC_SECURE, now, 100);
		dc_secmemo_put(&a, k, DC_SEC_INSECURE, now, 10);
		n = dc_secmemo_pack(&a, now, f);
		T_EQ_INT(n, 5 + 2 * DC_SECMEMO_REC, "two live entries packed");
		dc_secmemo_unpack(&b, f, n, now + 5);
		T_OK(dc_secmemo_get(&b, k1, now + 99) == DC_SEC_SECURE &&
		     dc_secmemo_get(&b, k, now + 9) == DC_SEC_INSECURE &&
		     dc_secmemo_get(&b, k, now + 10) == 0,
		     "read back: states and expiries kept");
		T_EQ_INT(dc_secmemo_pack(&a, now + 10, g), 5 + DC_SECMEMO_REC,
			 "an expired entry is not packed");
		memset(&b, 0, sizeof b);
		dc_secmemo_unpack(&b, f, n, now + 100);
		T_EQ_INT(dc_secmemo_get(&b, k1, now + 100), 0, "expired entries are not read");
		memcpy(g, f, n);
		g[5 + DC_SECMEMO_KEY + 8] = DC_SEC_BOGUS;
		g[5 + DC_SECMEMO_REC + DC_SECMEMO_KEY + 2] = 0x7f;   /* far future */
		memset(&b, 0, sizeof b);
		dc_secmemo_unpack(&b, g, n, now);
		T_OK(dc_secmemo_get(&b, k1, now) == 0 && dc_secmemo_get(&b, k, now) == 0,
		     "a bogus state, an expiry past the cap: ignored");
		memset(&b, 0, sizeof b);
		dc_secmemo_unpack(&b, f, n - 1, now);
		T_EQ_INT(dc_secmemo_get(&b, k1, now), 0, "a cut file: ignored");
		f[0] = 'X';
		dc_secmemo_unpack(&b, f, n, now);
		T_EQ_INT(dc_secmemo_get(&b, k1, now), 0, "another magic: ignored");
	}
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}
