/* SPDX-License-Identifier: ISC */
/* test_cachedir.c - the cache directories kept for one lookup
 * (dc_cachedir.h): outside a span every open is a walk of its own and
 * its descriptor is closed by dc_cachedir_close; inside one the same path
 * and owner give the same descriptor, another owner or path does not,
 * dc_cachedir_close leaves it open, and dc_cachedir_drop closes it and
 * preserves errno; a path that fails the owner checks is not kept. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "dc_cachedir.h"

static int is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

int main(void)
{
	char base[] = "/tmp/test_cachedir.XXXXXX", a[64], b[64];
	uid_t me = geteuid();
	int fd1, fd2, fd3, fd4;

	if (mkdtemp(base) == NULL || chmod(base, 0755) != 0) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	snprintf(a, sizeof a, "%s/a", base);
	snprintf(b, sizeof b, "%s/b", base);
	if (mkdir(a, 0755) != 0 || mkdir(b, 0755) != 0) {
		printf("Bail out! mkdir\n");
		return 1;
	}

	fd1 = dc_cachedir_open(a, me, 0, 0);
	fd2 = dc_cachedir_open(a, me, 0, 0);
	T_OK(fd1 >= 0 && fd2 >= 0 && fd1 != fd2, "not holding: each open walks anew");
	T_OK((fcntl(fd1, F_GETFD) & FD_CLOEXEC) != 0, "the descriptor is close-on-exec");
	dc_cachedir_close(fd1);
	dc_cachedir_close(fd2);
	T_OK(!is_open(fd1) && !is_open(fd2), "not holding: dc_cachedir_close closes");

	dc_cachedir_hold();
	fd1 = dc_cachedir_open(a, me, 0, 0);
	fd2 = dc_cachedir_open(a, me, 0, 0);
	T_OK(fd1 >= 0 && fd1 == fd2, "holding: the same path and owner give the same descriptor");
	dc_cachedir_close(fd2);
	T_OK(is_open(fd1), "holding: dc_cachedir_close leaves a kept descriptor open");
	fd3 = dc_cachedir_open(b, me, 0, 0);
	T_OK(fd3 >= 0 && fd3 != fd1, "holding: another path is another descriptor");
	fd4 = dc_cachedir_open(a, me + 1, 0, 0);
	T_EQ_INT(fd4, -1, "holding: another owner is walked again and fails its checks");
	fd4 = dc_cachedir_open(b, me, 0, 0);
	T_EQ_INT(fd4, fd3, "holding: the second path is kept too");
	errno = ENOSPC;
	dc_cachedir_drop();
	T_EQ_INT(errno, ENOSPC, "dc_cachedir_drop preserves errno");
	T_OK(!is_open(fd1) && !is_open(fd3), "dc_cachedir_drop closes what was kept");
	fd2 = dc_cachedir_open(a, me, 0, 0);
	fd4 = dc_cachedir_open(a, me, 0, 0);
	T_OK(fd2 >= 0 && fd4 >= 0 && fd2 != fd4, "after the drop: each open walks anew");
	dc_cachedir_close(fd2);
	dc_cachedir_close(fd4);

	/* a directory writable by others fails the walk: nothing kept */
	dc_cachedir_hold();
	chmod(b, 0777);
	T_EQ_INT(dc_cachedir_open(b, me, 0, 0), -1, "holding: a directory writable by others is refused");
	chmod(b, 0755);
	dc_cachedir_drop();

	rmdir(a);
	rmdir(b);
	rmdir(base);
	T_DONE();
}
