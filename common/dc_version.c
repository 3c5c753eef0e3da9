/* SPDX-License-Identifier: ISC */
/* dc_version.c - the version text of dc_version.h, and reading it back
 * from a file.  DC_DEPS_PACKAGES (the Makefile's dpkg-query of
 * libc-ares-dev and libsodium-dev) names the Debian packages, whose
 * revision changes with a security update when the upstream version does
 * not.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ares.h>
#include <sodium.h>

#include "dc_version.h"

#ifndef DC_DEPS_PACKAGES
#define DC_DEPS_PACKAGES "unknown"
#endif

const char dc_version_text[] = DC_VERSION_MARK ARES_VERSION_STR ", libsodium "
	SODIUM_VERSION_STRING " (Debian packages: " DC_DEPS_PACKAGES ")";

#define DC_VERSION_FILE_MAX (64u << 20)

int dc_version_of_file(const char *path, char *out, size_t cap)
{
	const size_t ml = sizeof(DC_VERSION_MARK) - 1;
	struct stat st;
	char *buf = NULL, *p;
	size_t len = 0, n;
	int fd, rc = -1, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0)
		goto done;
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)DC_VERSION_FILE_MAX) {
		errno = EINVAL;
		goto done;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto done;
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = 0;
	/* The mark alone (a reader's needle, as in this very object) is
	 * followed by a NUL; the text by the c-ares version. */
	errno = ENODATA;
	for (p = buf; (p = memmem(p, len - (size_t)(p - buf), DC_VERSION_MARK, ml)) != NULL;
	     p += ml) {
		if (p + ml < buf + len && p[ml] >= '0' && p[ml] <= '9')
			break;
	}
	if (!p || cap == 0)
		goto done;
	n = strnlen(p, len - (size_t)(p - buf));
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = 0;
	rc = 0;
done:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return rc;
}
