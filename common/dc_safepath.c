/* SPDX-License-Identifier: ISC */
/* dc_safepath.c - opening a cache directory without trusting the path to
 * it (issue 14, 7): component by component from "/" with openat
 * (O_NOFOLLOW | O_DIRECTORY), the usual safe-path rules at every step
 * (OpenSSH's safe_path, sudo's sudo_secure_dir: owned by root or by the
 * user, writable by no one else; we accept a sticky directory such as
 * /tmp too, where others cannot rename or remove our entries).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "dc_safepath.h"

#define MAX_LINKS 32 /* symbolic links followed in one walk */

/* A directory on the way to a cache directory: owned by root or by the
 * euid, and writable by no one else unless sticky (others cannot then
 * rename or remove our entries: /tmp). */
static int on_path_ok(const struct stat *sb, uid_t me)
{
	if (!S_ISDIR(sb->st_mode) || (sb->st_uid != 0 && sb->st_uid != me))
		return 0;
	return (sb->st_mode & (S_IWGRP | S_IWOTH)) == 0 || (sb->st_mode & S_ISVTX);
}

static int open_root(uid_t me)
{
	struct stat sb;
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0 && (fstat(fd, &sb) != 0 || !on_path_ok(&sb, me))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Components of p from here on. */
static int count_components(const char *p)
{
	int n = 0;

	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			return n;
		n++;
		while (*p != '\0' && *p != '/')
			p++;
	}
}

int dc_safe_opendir(const char *path, uid_t owner, int create, mode_t mode)
{
	/* rest: what is left to walk (with a '/' before it); tmp: a link's
	 * target and the path made with it. */
	struct bufs { char rest[2 * PATH_MAX], tmp[2 * PATH_MAX]; } *b;
	char comp[NAME_MAX + 1], *p;
	int dfd = -1, fd, links = 0, made = 0;
	struct stat sb;
	uid_t me = geteuid(); /* once a walk: a system call each */

	if (path[0] != '/' || strlen(path) >= PATH_MAX || (b = malloc(sizeof(*b))) == NULL)
		return -1;
	memcpy(b->rest, path, strlen(path) + 1);
	p = b->rest;
	if ((dfd = open_root(me)) < 0)
		goto fail;
	for (;;) {
		size_t n;
		int last, left;

		while (*p == '/')
			p++;
		for (n = 0; p[n] != '\0' && p[n] != '/'; n++)
			;
		if (n == 0 || n > NAME_MAX)
			goto fail;
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		left = count_components(p);
		last = left == 0;
		if (!last && strcmp(comp, ".") == 0)
			continue;
		if (last && (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0))
			goto fail;
		fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && left < create) {
			if (mkdirat(dfd, comp, last ? mode : 0700) == 0)
				made = last;
			else if (errno != EEXIST)
				goto fail;
			fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			ssize_t k;

			/* ELOOP or ENOTDIR: a symbolic link (or not a directory) */
			if (last || (errno != ELOOP && errno != ENOTDIR) || ++links > MAX_LINKS ||
			    fstatat(dfd, comp, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
			    !S_ISLNK(sb.st_mode) || (sb.st_uid != 0 && sb.st_uid != me))
				goto fail;
			k = readlinkat(dfd, comp, b->tmp, PATH_MAX);
			if (k <= 0 || k >= PATH_MAX)
				goto fail;
			b->tmp[k] = '\0';
			if (strlen(p) + (size_t)k + 2 > sizeof(b->rest))
				goto fail;
			/* the target, then what followed the link */
			memmove(b->tmp + k + 1, p, strlen(p) + 1);
			b->tmp[k] = '/';
			memcpy(b->rest, b->tmp, (size_t)k + 1 + strlen(b->tmp + k + 1) + 1);
			p = b->rest;
			if (p[0] == '/') {
				close(dfd);
				if ((dfd = open_root(me)) < 0)
					goto fail;
			}
			continue;
		}
		close(dfd);
		dfd = fd;
		if (fstat(dfd, &sb) != 0)
			goto fail;
		if (last) {
			if (!S_ISDIR(sb.st_mode) || sb.st_uid != owner || (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
			    (made && fchmod(dfd, mode) != 0))
				goto fail;
			free(b);
			return dfd;
		}
		if (!on_path_ok(&sb, me))
			goto fail;
	}
fail:
	if (dfd >= 0)
		close(dfd);
	free(b);
	return -1;
}
