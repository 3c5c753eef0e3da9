/* SPDX-License-Identifier: ISC */
/* dc_certfile.h - the bytes of a certificate cache file (dc_certcache.c
 * reads and writes the files; this is the pure format).
 *
 *   "DCf1" | BLAKE2b-256("nss-dnscrypt certfile 1" | server id (16) |
 *            provider pk (32) | certificate) | certificate
 *
 * The digest binds the exact certificate bytes to the server identity the
 * file is named after (dc_certcache_id: provider key, provider name,
 * address) and to the provider key it was verified against.  It is not a
 * secret: it proves the file is what dc_certcache_save wrote for that
 * server after a full check, not who wrote it.  Who wrote it is proved by
 * the owner and mode checks of the file and of every directory on its path
 * (dc_certcache.c, dc_safepath.h). */
#ifndef DC_CERTFILE_H
#define DC_CERTFILE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "dc_cert.h"

#define DC_CERTFILE_ID_LEN 16
#define DC_CERTFILE_HEAD   (4 + 32)
#define DC_CERTFILE_MAX    (DC_CERTFILE_HEAD + DC_CERT_MAX_LEN)

/* The digest above, of certificate bytes cert (len) of server id. */
void dc_certfile_digest(const uint8_t id[DC_CERTFILE_ID_LEN],
			const uint8_t provider_pk[32], const uint8_t *cert,
			size_t len, uint8_t out[32]);

/* The file for certificate c (fully checked against provider_pk) of server
 * id into out (DC_CERTFILE_MAX bytes); its length, or 0 if c has no raw
 * certificate of a valid length. */
size_t dc_certfile_pack(const uint8_t id[DC_CERTFILE_ID_LEN],
			const uint8_t provider_pk[32], const struct dc_cert *c,
			uint8_t *out);

/* Parse a file read back for server id.  Its Ed25519 signature is not
 * checked again only when root_written (the file and every directory on
 * its path belong to root and nobody else may write them: only root can
 * have put it there, and only after a full check unless root itself forged
 * it, and root already decides which module and which configuration every
 * process loads) and the digest matches.  Everything else is fully checked
 * with dc_cert_parse: a digest that does not match (a corrupted or
 * tampered file, one copied under another server's name), a per-user file
 * (any program running as that user may write the user's cache, confined
 * ones included, which could not otherwise touch its other programs), and
 * a file of the earlier format (the bare certificate).  The format,
 * es-version and validity window are always checked. */
dc_cert_check dc_certfile_parse(const uint8_t *buf, size_t len,
				const uint8_t id[DC_CERTFILE_ID_LEN],
				const uint8_t provider_pk[32], int root_written,
				time_t now, struct dc_cert *out);

#endif
