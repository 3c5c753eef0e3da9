/* SPDX-License-Identifier: ISC */
/* dc_readfile.h - a small file read whole, once: the configuration file,
 * the trust anchor, the cache directories' files. */
#ifndef DC_READFILE_H
#define DC_READFILE_H

#include <stdint.h>
#include <sys/types.h>

/* Up to max bytes of fd into buf, which holds max bytes and no more, then
 * one read of a byte beside it, so that a file that grew while being read
 * is told from one that fits: the length, or -1 with errno EFBIG (more
 * than max bytes) or read's.  EINTR is retried. */
ssize_t dc_readfile_into(int fd, uint8_t *buf, size_t max);

/* fd, which must be a regular file of at most max bytes (by fstat, and as
 * read), whole into a new buffer of its length (*buf, to free; *len).
 * 0, or an errno: EINVAL not a regular file, EFBIG larger than max,
 * ENOMEM, or fstat's or read's.  errno itself is preserved. */
int dc_readfile_fd(int fd, size_t max, uint8_t **buf, size_t *len);

#endif
