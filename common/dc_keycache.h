/* SPDX-License-Identifier: ISC */
/* dc_keycache.h - "key-cache yes" (issue 16, off by default): the client
 * public key and the shared key made with one resolver certificate, kept
 * between the processes of one user, so that a new process makes neither
 * a key pair nor a shared key (two X25519 operations, about 700,000
 * instructions).  The price: every process of that user talks to that
 * server with one key for up to DC_KEYFILE_MAX_AGE, so the server (and
 * anyone who can read its traffic's keys) can link their queries, as it
 * links those of all programs behind one dnscrypt-proxy daemon.
 *
 * One file per server, <id>.key (dc_certcache_id) next to its
 * certificate, written 0600 in the directory this euid writes (root: the
 * system directory; others: their own), read only from there and only
 * when no other user may read it (dc_cachefile_read, secret):
 *
 *   "DCk1" | made at (8, big-endian seconds) | digest of the certificate
 *   (32, dc_certfile_digest) | client public key (32) | shared key (32)
 *
 * The client secret key is not kept.  A file is used only with the very
 * certificate it was made with, and only for DC_KEYFILE_MAX_AGE after it
 * was made; a new certificate, an older file or a lookup that had to
 * fetch the certificate again (DC_CERT_REFETCH: the key may be what
 * failed) makes a new key and replaces the file.  Nothing in the file is
 * checked against the certificate cryptographically (that would cost the
 * X25519 it saves): like the keys in a daemon's memory, it is trusted
 * because only its owner can have written it. */
#ifndef DC_KEYCACHE_H
#define DC_KEYCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "dc_config.h"
#include "dc_crypt.h"

#define DC_KEYFILE_LEN     (4 + 8 + 32 + 32 + 32)
#define DC_KEYFILE_MAX_AGE (4 * 3600) /* as the certificate cache's refresh */

/* The file for session s (made with the certificate whose digest is
 * certdigest) at time now, into out. */
void dc_keyfile_pack(const uint8_t certdigest[32], const struct dc_session *s,
		     time_t now, uint8_t out[DC_KEYFILE_LEN]);

/* The session in a file read back, for the certificate cert whose digest
 * is certdigest, at time now: 0 and out (es-version and client magic from
 * cert), or -1 (wrong length or format, another certificate, made over
 * DC_KEYFILE_MAX_AGE ago or more than a minute ahead, an all-zero key). */
int dc_keyfile_parse(const uint8_t *buf, size_t len, const uint8_t certdigest[32],
		     const struct dc_cert *cert, time_t now, struct dc_session *out);

/* The cached session of server st with certificate cert: DC_OK and out,
 * or DC_ENOTFOUND.  errno is preserved. */
dc_status dc_keycache_load(const struct dc_config *cfg, const struct dc_stamp *st,
			   const struct dc_cert *cert, time_t now,
			   struct dc_session *out);

/* Keep session s of server st with certificate cert (best effort, atomic,
 * errno preserved). */
void dc_keycache_save(const struct dc_config *cfg, const struct dc_stamp *st,
		      const struct dc_cert *cert, const struct dc_session *s,
		      time_t now);

#endif
