/* SPDX-License-Identifier: ISC */
/* dc_certfile.c - the bytes of a certificate cache file (dc_certfile.h). */
#include <string.h>
#include <sodium.h>
#include "dc_certfile.h"

static const uint8_t file_magic[4] = { 'D', 'C', 'f', '1' };
static const char domain[] = "nss-dnscrypt certfile 1";

void dc_certfile_digest(const uint8_t id[DC_CERTFILE_ID_LEN],
			const uint8_t provider_pk[32], const uint8_t *cert,
			size_t len, uint8_t out[32])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const uint8_t *)domain, sizeof domain);
	crypto_generichash_update(&h, id, DC_CERTFILE_ID_LEN);
	crypto_generichash_update(&h, provider_pk, 32);
	crypto_generichash_update(&h, cert, len);
	crypto_generichash_final(&h, out, 32);
}

size_t dc_certfile_pack(const uint8_t id[DC_CERTFILE_ID_LEN],
			const uint8_t provider_pk[32], const struct dc_cert *c,
			uint8_t *out)
{
	if (c->rawlen < DC_CERT_MIN_LEN || c->rawlen > DC_CERT_MAX_LEN)
		return 0;
	memcpy(out, file_magic, sizeof file_magic);
	dc_certfile_digest(id, provider_pk, c->raw, c->rawlen, out + 4);
	memcpy(out + DC_CERTFILE_HEAD, c->raw, c->rawlen);
	return DC_CERTFILE_HEAD + c->rawlen;
}

dc_cert_check dc_certfile_parse(const uint8_t *buf, size_t len,
				const uint8_t id[DC_CERTFILE_ID_LEN],
				const uint8_t provider_pk[32], int root_written,
				time_t now, struct dc_cert *out)
{
	uint8_t d[32];
	int match;

	if (len < sizeof file_magic || memcmp(buf, file_magic, sizeof file_magic) != 0)
		return dc_cert_parse(buf, len, provider_pk, now, out);
	if (len < DC_CERTFILE_HEAD + DC_CERT_MIN_LEN || len > DC_CERTFILE_MAX)
		return DC_CERT_BAD_FORMAT;
	buf += DC_CERTFILE_HEAD;
	len -= DC_CERTFILE_HEAD;
	dc_certfile_digest(id, provider_pk, buf, len, d);
	match = sodium_memcmp(d, buf - 32, 32) == 0;
	if (root_written && match)
		return dc_cert_parse_presigned(buf, len, now, out);
	return dc_cert_parse(buf, len, provider_pk, now, out);
}
