/* SPDX-License-Identifier: ISC */
/* dc_certcache.h - signed certificates kept on disk, so a new process can
 * skip the plaintext certificate fetch.  A file read back is checked again
 * (format, validity window, and the signature against the configured
 * provider key unless the file is root's with a matching digest:
 * dc_certfile.h): a corrupted or planted file costs at most one fetch. */
#ifndef DC_CERTCACHE_H
#define DC_CERTCACHE_H

#include <stdint.h>
#include <time.h>
#include "dc_config.h"
#include "dc_cert.h"

/* Server identity: the first DC_CERTCACHE_ID_LEN bytes of
 * BLAKE2b(provider pk | name length | provider name | family | address |
 * port [| IPv6 scope id]).  The cache file is <dir>/<hex id>.cert.
 * -1 for an address family other than IPv4/IPv6. */
#define DC_CERTCACHE_ID_LEN 16
int dc_certcache_id(const struct dc_stamp *st,
		    uint8_t id[DC_CERTCACHE_ID_LEN]);

/* Looks in cfg->cert_cache_dir (files owned by root), then, for a process
 * with euid != 0 that is not AT_SECURE, in the per-user directory
 * ($XDG_CACHE_HOME/nss-dnscrypt or ~/.cache/nss-dnscrypt; files owned by
 * the euid): dc_cachefile.h.  cert_cache_dir "" (cert-cache none) disables the cache.
 * errno is preserved.
 * DC_OK with a valid certificate for st and *saved_at the time its file
 * was written (saved_at may be NULL), or an error (miss). */
dc_status dc_certcache_load(const struct dc_config *cfg,
			    const struct dc_stamp *st, time_t now,
			    struct dc_cert *out, time_t *saved_at);

/* c must have passed dc_cert_parse against st's provider key (a fetched
 * certificate): the file written says so (dc_certfile.h).
 * Best effort, atomic (write + rename); errors are ignored, errno is
 * preserved.  euid 0 writes cert_cache_dir (created 0755 if missing, file
 * 0644); any other euid writes its per-user directory (0700, file 0600). */
void dc_certcache_save(const struct dc_config *cfg, const struct dc_stamp *st,
		       const struct dc_cert *c);

#endif
