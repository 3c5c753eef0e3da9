/* SPDX-License-Identifier: ISC */
/* dc_readfile.c - a small file read whole, once (dc_readfile.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_readfile.h"

ssize_t dc_readfile_into(int fd, uint8_t *buf, size_t max)
{
	size_t n = 0;
	ssize_t r = 0;
	uint8_t more;

	while (n < max) {
		r = read(fd, buf + n, max - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return (ssize_t)n;
		n += (size_t)r;
	}
	do
		r = read(fd, &more, 1);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r > 0) {
		errno = EFBIG;
		return -1;
	}
	return (ssize_t)n;
}

int dc_readfile_fd(int fd, size_t max, uint8_t **buf, size_t *len)
{
	struct stat st;
	uint8_t *b, *shrunk;
	ssize_t n;
	int e = errno, rc = 0;

	*buf = NULL;
	*len = 0;
	if (fstat(fd, &st) != 0)
		rc = errno;
	else if (!S_ISREG(st.st_mode))
		rc = EINVAL;
	else if ((uintmax_t)st.st_size > max)
		rc = EFBIG;
	else if ((b = malloc(max ? max : 1)) == NULL)
		rc = ENOMEM;
	else if ((n = dc_readfile_into(fd, b, max)) < 0) {
		rc = errno;
		free(b);
	} else {
		/* The caller keeps the file's bytes, not max of them. */
		shrunk = realloc(b, n ? (size_t)n : 1);
		*buf = shrunk ? shrunk : b;
		*len = (size_t)n;
	}
	errno = e;
	return rc;
}
