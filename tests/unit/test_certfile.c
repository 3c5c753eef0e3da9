/* SPDX-License-Identifier: ISC */
/* test_certfile.c - the bytes of a certificate cache file (dc_certfile.h):
 * the digest binds server id, provider key and certificate; only a
 * root-written file with a matching digest skips the signature check. */
#include <stdint.h>
#include <string.h>
#include <sodium.h>
#include "t.h"
#include "dc_certfile.h"

#define NOW 1700000000u

static uint8_t pk[32], sk[64], opk[32], osk[64];

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void make_cert(struct dc_cert *c, uint32_t ts_end, const uint8_t *key)
{
	memset(c, 0, sizeof *c);
	c->rawlen = DC_CERT_MIN_LEN + 3;
	memcpy(c->raw, "DNSC\0\2\0\0", 8);
	memset(c->raw + 72, 0x42, 32);
	memcpy(c->raw + 104, "MAGIC123", 8);
	put32(c->raw + 112, 7);
	put32(c->raw + 116, NOW - 60);
	put32(c->raw + 120, ts_end);
	crypto_sign_detached(c->raw + 8, NULL, c->raw + 72, c->rawlen - 72, key);
}

static dc_cert_check parse(const uint8_t *f, size_t n, const uint8_t *id,
			   const uint8_t *key, int root)
{
	struct dc_cert out;

	return dc_certfile_parse(f, n, id, key, root, NOW, &out);
}

int main(void)
{
	uint8_t id[DC_CERTFILE_ID_LEN], id2[DC_CERTFILE_ID_LEN];
	uint8_t f[DC_CERTFILE_MAX + 1], g[DC_CERTFILE_MAX];
	struct dc_cert c, bad, out;
	size_t n;

	if (sodium_init() < 0)
		return 2;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(opk, osk);
	memset(id, 1, sizeof id);
	memset(id2, 2, sizeof id2);
	make_cert(&c, NOW + 60, sk);
	make_cert(&bad, NOW + 60, osk);

	n = dc_certfile_pack(id, pk, &c, f);
	T_EQ_INT(n, DC_CERTFILE_HEAD + c.rawlen, "pack: header and certificate");
	T_OK(memcmp(f, "DCf1", 4) == 0 && memcmp(f + DC_CERTFILE_HEAD, c.raw, c.rawlen) == 0,
	     "pack: format magic, then the certificate as received");
	memset(&out, 0, sizeof out);
	T_EQ_INT(dc_certfile_parse(f, n, id, pk, 1, NOW, &out), DC_CERT_VALID,
		 "root's file: valid");
	T_OK(out.serial == 7 && out.rawlen == c.rawlen &&
	     memcmp(out.raw, c.raw, c.rawlen) == 0, "the certificate comes back");
	T_EQ_INT(parse(f, n, id, pk, 0), DC_CERT_VALID, "user's file: valid (verified)");
	T_EQ_INT(dc_certfile_parse(f, n, id, pk, 1, NOW + 61, &out), DC_CERT_EXPIRED,
		 "root's file: the validity window is still checked");

	n = dc_certfile_pack(id, pk, &bad, g);
	T_EQ_INT(parse(g, n, id, pk, 1), DC_CERT_VALID,
		 "root's file, digest matching: the signature is not checked again");
	T_EQ_INT(parse(g, n, id, pk, 0), DC_CERT_BAD_SIGNATURE,
		 "user's file: the signature is checked");
	T_EQ_INT(parse(g, n, id2, pk, 1), DC_CERT_BAD_SIGNATURE,
		 "another server id: digest differs, signature checked");
	T_EQ_INT(parse(f, DC_CERTFILE_HEAD + c.rawlen, id, opk, 1), DC_CERT_BAD_SIGNATURE,
		 "another provider key: digest differs, signature checked");
	g[DC_CERTFILE_HEAD + 80] ^= 1;
	T_EQ_INT(parse(g, n, id, pk, 1), DC_CERT_BAD_SIGNATURE,
		 "a certificate byte changed: digest differs, signature checked");
	f[10] ^= 1;
	T_EQ_INT(parse(f, n, id, pk, 1), DC_CERT_VALID,
		 "a digest byte changed, certificate intact: verified, valid");
	f[10] ^= 1;

	T_EQ_INT(parse(c.raw, c.rawlen, id, pk, 1), DC_CERT_VALID,
		 "a bare certificate (earlier format): verified, valid");
	T_EQ_INT(parse(bad.raw, bad.rawlen, id, pk, 1), DC_CERT_BAD_SIGNATURE,
		 "a bare certificate of another key: refused even from root");
	T_EQ_INT(parse(f, DC_CERTFILE_HEAD + DC_CERT_MIN_LEN - 1, id, pk, 1),
		 DC_CERT_BAD_FORMAT, "too short for a certificate: bad format");
	T_EQ_INT(parse(f, DC_CERTFILE_MAX + 1, id, pk, 1), DC_CERT_BAD_FORMAT,
		 "longer than the biggest file: bad format");
	T_EQ_INT(parse(f, 3, id, pk, 1), DC_CERT_BAD_FORMAT, "3 bytes: bad format");
	T_EQ_INT(parse(f, 0, id, pk, 1), DC_CERT_BAD_FORMAT, "empty: bad format");
	bad.rawlen = DC_CERT_MIN_LEN - 1;
	T_EQ_INT(dc_certfile_pack(id, pk, &bad, g), 0, "pack refuses a short certificate");
	bad.rawlen = DC_CERT_MAX_LEN + 1;
	T_EQ_INT(dc_certfile_pack(id, pk, &bad, g), 0, "pack refuses a long certificate");
	T_DONE();
}
