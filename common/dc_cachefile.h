/* SPDX-License-Identifier: ISC */
/* dc_cachefile.h - small files kept in the cache directories: the
 * certificates of dc_certcache.c, the server state of dc_servers.c, the
 * keys of dc_keycache.c, the DNSSEC sets and verdicts of dc_secval*.c.
 * The system directory is cfg->cert_cache_dir (files owned by root); a
 * process with euid != 0 that is not AT_SECURE has a per-user one too
 * ($XDG_CACHE_HOME/nss-dnscrypt or ~/.cache/nss-dnscrypt; files owned by
 * the euid).  cert_cache_dir "" (cert-cache none) disables both. */
#ifndef DC_CACHEFILE_H
#define DC_CACHEFILE_H

#include <stdint.h>
#include <time.h>
#include <sys/types.h>
#include "dc_config.h"

/* dc_cachefile_read reads name (no '/') from the system directory (files
 * owned by root) or, when user is set, from this process's per-user
 * directory (none for euid 0 and AT_SECURE processes) into buf, which
 * holds max bytes; the length, or -1 when it is missing, untrusted or
 * longer than max (also when it grew while being read); *mtime (mtime may be
 * NULL) the time the file was written.  dc_cachefile_write replaces name
 * atomically (write + rename) in the directory this euid writes: euid 0
 * cert_cache_dir (created 0755 if missing, file 0644), any other euid its
 * per-user directory (0700, file 0600); errors are ignored.  secret: the
 * file is written 0600 (root's too) and read only when neither group nor
 * others may read it.  Both do nothing with cert-cache none and preserve
 * errno. */
ssize_t dc_cachefile_read(const struct dc_config *cfg, int user, int secret,
			  const char *name, uint8_t *buf, size_t max, time_t *mtime);
void dc_cachefile_write(const struct dc_config *cfg, int secret,
			const char *name, const uint8_t *buf, size_t len);

#endif
