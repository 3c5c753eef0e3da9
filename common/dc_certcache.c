/* SPDX-License-Identifier: ISC */
/* dc_certcache.c - on-disk certificate cache.
 *
 * One file per server identity, <dir>/<32 hex>.cert, holding the raw signed
 * certificate, in the cache directories (dc_cachefile.c: the system one,
 * then the per-user one).  A file holds the certificate with a digest that
 * binds it to the server (dc_certfile.h); what is read back is checked again, its signature too
 * unless the file is root's and its digest matches (dc_certfile.h says
 * why that is enough).
 */
#include <errno.h>
#include <string.h>
#include <sodium.h>
#include "dc_certcache.h"
#include "dc_cachefile.h"
#include "dc_certfile.h"

_Static_assert(DC_CERTCACHE_ID_LEN == DC_CERTFILE_ID_LEN, "one server id");

#define NAME_LEN   (DC_CERTCACHE_ID_LEN * 2 + sizeof ".cert") /* with NUL */
static void put_be(uint8_t *p, uint32_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

int dc_certcache_id(const struct dc_stamp *st,
		    uint8_t id[DC_CERTCACHE_ID_LEN])
{
	uint8_t buf[32 + 1 + DC_PROVIDER_NAME_MAX + 2 + 16 + 2 + 4];
	uint8_t h[32];
	size_t n = 32, nl = strnlen(st->provider_name, DC_PROVIDER_NAME_MAX);

	memcpy(buf, st->provider_pk, 32);
	buf[n++] = (uint8_t)nl;
	memcpy(buf + n, st->provider_name, nl);
	n += nl;
	put_be(buf + n, st->addr.sa.sa_family, 2);
	n += 2;
	if (st->addr.sa.sa_family == AF_INET) {
		memcpy(buf + n, &st->addr.sin.sin_addr, 4);
		memcpy(buf + n + 4, &st->addr.sin.sin_port, 2);
		n += 6;
	} else if (st->addr.sa.sa_family == AF_INET6) {
		memcpy(buf + n, &st->addr.sin6.sin6_addr, 16);
		memcpy(buf + n + 16, &st->addr.sin6.sin6_port, 2);
		put_be(buf + n + 18, st->addr.sin6.sin6_scope_id, 4);
		n += 22;
	} else {
		return -1;
	}
	crypto_generichash(h, sizeof h, buf, n, NULL, 0);
	memcpy(id, h, DC_CERTCACHE_ID_LEN);
	return 0;
}

static int file_name(const struct dc_stamp *st, char name[NAME_LEN],
		     uint8_t id[DC_CERTCACHE_ID_LEN])
{
	if (st->kind != DC_STAMP_DNSCRYPT || dc_certcache_id(st, id) != 0)
		return -1;
	sodium_bin2hex(name, NAME_LEN, id, DC_CERTCACHE_ID_LEN);
	memcpy(name + 2 * DC_CERTCACHE_ID_LEN, ".cert", sizeof ".cert");
	return 0;
}

/* ---- load ---- */

/* The certificate of st from one directory (user: the per-user one). */
static int load_from(const struct dc_config *cfg, int user, const char *name,
		     const uint8_t id[DC_CERTCACHE_ID_LEN],
		     const struct dc_stamp *st, time_t now, struct dc_cert *out,
		     time_t *saved_at)
{
	uint8_t buf[DC_CERTFILE_MAX + 1];
	ssize_t n = dc_cachefile_read(cfg, user, 0, name, buf, DC_CERTFILE_MAX, saved_at);

	if (n < 0)
		return -1;
	/* !user: the system directory, whose path and file only root may
	 * write (dc_safe_opendir, dc_cachefile.c). */
	if (dc_certfile_parse(buf, (size_t)n, id, st->provider_pk, !user, now,
			      out) != DC_CERT_VALID)
		return -1;
	return 0;
}

static int lookup(const struct dc_config *cfg, const struct dc_stamp *st,
		  time_t now, struct dc_cert *out, time_t *saved_at)
{
	uint8_t id[DC_CERTCACHE_ID_LEN];
	char name[NAME_LEN];

	if (file_name(st, name, id) != 0)
		return -1;
	if (load_from(cfg, 0, name, id, st, now, out, saved_at) == 0)
		return 0;
	return load_from(cfg, 1, name, id, st, now, out, saved_at);
}

dc_status dc_certcache_load(const struct dc_config *cfg,
			    const struct dc_stamp *st, time_t now,
			    struct dc_cert *out, time_t *saved_at)
{
	int saved = errno;
	dc_status rc = DC_OK;
	time_t mt = 0;

	if (saved_at == NULL)
		saved_at = &mt;
	if (lookup(cfg, st, now, out, saved_at) != 0) {
		memset(out, 0, sizeof *out); /* no half-parsed rejected file */
		rc = DC_ENOTFOUND;
	}
	errno = saved;
	return rc;
}

/* ---- save ---- */

void dc_certcache_save(const struct dc_config *cfg, const struct dc_stamp *st,
		       const struct dc_cert *c)
{
	int saved = errno;
	uint8_t id[DC_CERTCACHE_ID_LEN], file[DC_CERTFILE_MAX];
	char name[NAME_LEN];
	size_t len;

	if (file_name(st, name, id) == 0 &&
	    (len = dc_certfile_pack(id, st->provider_pk, c, file)) > 0)
		dc_cachefile_write(cfg, 0, name, file, len);
	errno = saved;
}
