/* SPDX-License-Identifier: ISC */
/* dc_secbind.h - binding what DNSSEC validation leaves on disk (verdicts
 * on answers, validated DNSKEY and DS sets) to the trust anchor it was
 * validated under.  The cache directories are shared by every
 * configuration that names them, and a configuration's anchor changes (a
 * KSK rollover, a private anchor in a lab, another trust-anchor line): a
 * verdict or a key set validated under one anchor must never count under
 * another.  The binding is a digest of the anchor file's bytes (not its
 * path: the same path holds a new key after a rollover). */
#ifndef DC_SECBIND_H
#define DC_SECBIND_H

#include <stddef.h>
#include <stdint.h>

#include "dc_status.h"

#define DC_SECBIND_DIGEST 32      /* BLAKE2b-256 */

/* The anchor file at path, read once: opened O_CLOEXEC, a regular file
 * of at most DC_SEC_ANCHOR_MAX_FILE bytes.  Its bytes in *bytes (malloc'd,
 * *len of them; the caller frees them) and their digest: the validator is
 * opened with these very bytes (dc_sec_ops.open), so the anchor it holds
 * is the one the digest names.  DC_OK, or DC_EDNSSEC with the reason in
 * err ("PATH: No such file or directory", "PATH: not a regular file",
 * "PATH: larger than N bytes") and *bytes NULL.  errno is preserved. */
dc_status dc_secbind_anchor(const char *path, uint8_t **bytes, size_t *len,
			    uint8_t digest[DC_SECBIND_DIGEST], char *err, size_t errlen);

/* A key-set file's bytes: "DCSK1", the anchor digest, then the blob the
 * validator stores.  out has room for DC_SECBIND_HDR + len bytes; returns
 * the length. */
#define DC_SECBIND_HDR (5 + DC_SECBIND_DIGEST)
size_t dc_secbind_seal(const uint8_t digest[DC_SECBIND_DIGEST],
		       const uint8_t *blob, size_t len, uint8_t *out);

/* The blob in a key-set file's bytes when they were sealed under digest:
 * its offset in in (DC_SECBIND_HDR), or 0 when the file is not one or was
 * sealed under another anchor (the set is then fetched and validated
 * again). */
size_t dc_secbind_open(const uint8_t digest[DC_SECBIND_DIGEST], const uint8_t *in,
		       size_t len);

#endif
