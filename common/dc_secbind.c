/* SPDX-License-Identifier: ISC */
/* dc_secbind.c - DNSSEC state on disk bound to the trust anchor
 * (dc_secbind.h).
 *
 * Key-set files carry the digest in a header rather than in their names:
 * a key is up to 255 bytes already (dc_dnssec.h), so "dnssec-" + key +
 * a digest could pass NAME_MAX (255); the header keeps every name as it
 * was and checks the whole 32-byte digest.  Two configurations with other
 * anchors sharing a directory overwrite each other's sets: a cost (a
 * fetch), never a wrong verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "dc_dnssec.h"
#include "dc_secbind.h"
#include "dc_readfile.h"

#define MAGIC "DCSK1"

dc_status dc_secbind_anchor(const char *path, uint8_t **bytes, size_t *len,
			    uint8_t digest[DC_SECBIND_DIGEST], char *err, size_t errlen)
{
	crypto_generichash_state *h = NULL;
	uint8_t *data = NULL;
	size_t n = 0;
	dc_status rc = DC_EDNSSEC;
	int fd, r, e = errno;

	*bytes = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO put there must not hang the lookup in open(); it
	 * is refused below, and a regular file ignores the flag. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		dc_set_err(err, errlen, "%s: %s", path, strerror(errno));
		goto done;
	}
	r = dc_readfile_fd(fd, DC_SEC_ANCHOR_MAX_FILE, &data, &n);
	if (r == EINVAL) {
		dc_set_err(err, errlen, "%s: not a regular file", path);
		goto done;
	}
	if (r == EFBIG) {
		dc_set_err(err, errlen, "%s: larger than %d bytes", path,
			   DC_SEC_ANCHOR_MAX_FILE);
		goto done;
	}
	if (r == ENOMEM) {
		dc_set_err(err, errlen, "out of memory");
		goto done;
	}
	if (r != 0) {
		dc_set_err(err, errlen, "%s: %s", path, strerror(r));
		goto done;
	}
	/* The hash state off the stack: a lookup runs in 16 KiB. */
	h = malloc(sizeof *h);
	if (!h) {
		dc_set_err(err, errlen, "out of memory");
		goto done;
	}
	if (crypto_generichash_init(h, NULL, 0, DC_SECBIND_DIGEST) != 0 ||
	    crypto_generichash_update(h, data, n) != 0 ||
	    crypto_generichash_final(h, digest, DC_SECBIND_DIGEST) != 0) {
		dc_set_err(err, errlen, "%s: cannot be digested", path);
		goto done;
	}
	*bytes = data;
	*len = n;
	data = NULL;
	rc = DC_OK;
done:
	if (h)
		sodium_memzero(h, sizeof *h);
	free(h);
	free(data);
	if (fd >= 0)
		close(fd);
	errno = e;
	return rc;
}

size_t dc_secbind_seal(const uint8_t digest[DC_SECBIND_DIGEST],
		       const uint8_t *blob, size_t len, uint8_t *out)
{
	memcpy(out, MAGIC, 5);
	memcpy(out + 5, digest, DC_SECBIND_DIGEST);
	memcpy(out + DC_SECBIND_HDR, blob, len);
	return DC_SECBIND_HDR + len;
}

size_t dc_secbind_open(const uint8_t digest[DC_SECBIND_DIGEST], const uint8_t *in,
		       size_t len)
{
	if (len < DC_SECBIND_HDR || memcmp(in, MAGIC, 5) != 0 ||
	    memcmp(in + 5, digest, DC_SECBIND_DIGEST) != 0)
		return 0;
	return DC_SECBIND_HDR;
}
