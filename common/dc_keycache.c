/* SPDX-License-Identifier: ISC */
/* dc_keycache.c - client and shared keys kept between processes
 * (key-cache yes; dc_keycache.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "dc_keycache.h"
#include "dc_cachefile.h"
#include "dc_certcache.h"
#include "dc_certfile.h"

static const uint8_t key_magic[4] = { 'D', 'C', 'k', '1' };

void dc_keyfile_pack(const uint8_t certdigest[32], const struct dc_session *s,
		     time_t now, uint8_t out[DC_KEYFILE_LEN])
{
	uint64_t t = (uint64_t)now;

	memcpy(out, key_magic, 4);
	for (int i = 0; i < 8; i++)
		out[4 + i] = (uint8_t)(t >> (56 - 8 * i));
	memcpy(out + 12, certdigest, 32);
	memcpy(out + 44, s->client_pk, 32);
	memcpy(out + 76, s->shared, 32);
}

int dc_keyfile_parse(const uint8_t *buf, size_t len, const uint8_t certdigest[32],
		     const struct dc_cert *cert, time_t now, struct dc_session *out)
{
	uint64_t t = 0;

	if (len != DC_KEYFILE_LEN || memcmp(buf, key_magic, 4) != 0 ||
	    sodium_memcmp(buf + 12, certdigest, 32) != 0 ||
	    sodium_is_zero(buf + 44, 32) || sodium_is_zero(buf + 76, 32))
		return -1;
	for (int i = 0; i < 8; i++)
		t = t << 8 | buf[4 + i];
	if (now < 0 || t > (uint64_t)now + 60 ||
	    (t < (uint64_t)now && (uint64_t)now - t >= DC_KEYFILE_MAX_AGE))
		return -1;
	memset(out, 0, sizeof *out);
	out->es_version = cert->es_version;
	memcpy(out->client_magic, cert->client_magic, 8);
	memcpy(out->client_pk, buf + 44, 32);
	memcpy(out->shared, buf + 76, 32);
	return 0;
}

/* <id hex>.key and the certificate's digest. */
static int name_digest(const struct dc_stamp *st, const struct dc_cert *cert,
		       char name[2 * DC_CERTCACHE_ID_LEN + sizeof ".key"],
		       uint8_t d[32])
{
	uint8_t id[DC_CERTCACHE_ID_LEN];

	if (dc_certcache_id(st, id) != 0 || cert->rawlen < DC_CERT_MIN_LEN ||
	    cert->rawlen > DC_CERT_MAX_LEN)
		return -1;
	sodium_bin2hex(name, 2 * DC_CERTCACHE_ID_LEN + 1, id, sizeof id);
	memcpy(name + 2 * DC_CERTCACHE_ID_LEN, ".key", sizeof ".key");
	dc_certfile_digest(id, st->provider_pk, cert->raw, cert->rawlen, d);
	return 0;
}

dc_status dc_keycache_load(const struct dc_config *cfg, const struct dc_stamp *st,
			   const struct dc_cert *cert, time_t now,
			   struct dc_session *out)
{
	char name[2 * DC_CERTCACHE_ID_LEN + sizeof ".key"];
	uint8_t d[32], buf[DC_KEYFILE_LEN + 1];
	dc_status rc = DC_ENOTFOUND;
	int saved = errno;
	ssize_t n;

	if (name_digest(st, cert, name, d) != 0)
		goto done;
	/* Only the directory this euid writes: root's keys are not another
	 * user's, nor theirs root's. */
	n = dc_cachefile_read(cfg, geteuid() != 0, 1, name, buf, DC_KEYFILE_LEN, NULL);
	if (n > 0 && dc_keyfile_parse(buf, (size_t)n, d, cert, now, out) == 0)
		rc = DC_OK;
	sodium_memzero(buf, sizeof buf);
done:
	errno = saved;
	return rc;
}

void dc_keycache_save(const struct dc_config *cfg, const struct dc_stamp *st,
		      const struct dc_cert *cert, const struct dc_session *s,
		      time_t now)
{
	char name[2 * DC_CERTCACHE_ID_LEN + sizeof ".key"];
	uint8_t d[32], buf[DC_KEYFILE_LEN];
	int saved = errno;

	if (name_digest(st, cert, name, d) == 0) {
		dc_keyfile_pack(d, s, now, buf);
		dc_cachefile_write(cfg, 1, name, buf, sizeof buf);
		sodium_memzero(buf, sizeof buf);
	}
	errno = saved;
}
