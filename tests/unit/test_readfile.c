/* SPDX-License-Identifier: ISC */
/* test_readfile.c - dc_readfile.c: a buffer of max bytes is filled and
 * never passed, a source that has more than max bytes (a file that grew
 * while being read: a pipe here, which fstat cannot size) is refused with
 * EFBIG, and dc_readfile_fd keeps only regular files of at most max bytes
 * and preserves errno. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "t.h"
#include "dc_readfile.h"

enum { MAX = 64 };

/* n bytes of 'x' through a pipe; its read end. */
static int pipe_of(size_t n)
{
	uint8_t b[MAX + 8];
	int p[2];

	memset(b, 'x', sizeof b);
	if (n > sizeof b || pipe2(p, O_CLOEXEC) != 0 || write(p[1], b, n) != (ssize_t)n)
		abort();
	close(p[1]);
	return p[0];
}

int main(void)
{
	uint8_t *buf = malloc(MAX), *got;
	char path[] = "/tmp/test_readfile.XXXXXX";
	size_t len;
	ssize_t n;
	int fd;

	if (!buf)
		return 2;
	memset(buf, 'y', MAX);
	fd = pipe_of(MAX - 1);
	T_EQ_INT(dc_readfile_into(fd, buf, MAX), MAX - 1, "max - 1 bytes: read whole");
	close(fd);
	fd = pipe_of(MAX);
	T_EQ_INT(dc_readfile_into(fd, buf, MAX), MAX, "max bytes: read whole into max bytes");
	close(fd);
	fd = pipe_of(MAX + 1);
	errno = 0;
	n = dc_readfile_into(fd, buf, MAX);
	T_OK(n == -1 && errno == EFBIG, "max + 1 bytes (grown while read): EFBIG");
	close(fd);

	fd = pipe_of(3);
	errno = 1234;
	T_EQ_INT(dc_readfile_fd(fd, MAX, &got, &len), EINVAL, "a pipe is not a regular file: EINVAL");
	T_OK(got == NULL && len == 0 && errno == 1234, "... nothing returned, errno kept");
	close(fd);

	fd = mkstemp(path);
	if (fd < 0 || write(fd, buf, MAX) != MAX || lseek(fd, 0, SEEK_SET) != 0)
		return 2;
	T_EQ_INT(dc_readfile_fd(fd, MAX - 1, &got, &len), EFBIG, "a file over max by its size: EFBIG");
	T_OK(lseek(fd, 0, SEEK_SET) == 0 && dc_readfile_fd(fd, MAX, &got, &len) == 0 &&
	     len == MAX && memcmp(got, buf, MAX) == 0, "a file of max bytes: read whole");
	free(got);
	T_OK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0 &&
	     dc_readfile_fd(fd, MAX, &got, &len) == 0 && len == 0 && got != NULL,
	     "an empty file: length 0, a buffer to free");
	free(got);
	close(fd);
	unlink(path);
	free(buf);
	T_DONE();
}
