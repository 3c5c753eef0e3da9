/* SPDX-License-Identifier: ISC */
/* dc_cachefile.c - small files in the cache directories (dc_cachefile.h).
 *
 * Two directories:
 *   system:   cfg->cert_cache_dir, written by root (euid 0) only, 0644 files;
 *   per-user: $XDG_CACHE_HOME/nss-dnscrypt or $HOME/.cache/nss-dnscrypt
 *             (secure_getenv; else the passwd home of the euid), used by
 *             processes with euid != 0 that are not AT_SECURE, 0600 files.
 * Both directories are opened
 * component by component from "/" (dc_safe_opendir): every directory on the way
 * must belong to root or to the euid and be writable by no one else
 * unless sticky (/tmp), a symbolic link on the way is followed only when
 * root or the euid owns it, the directory itself is no symbolic link
 * (dc_safepath.h).
 * This code runs inside every process on the host: no output, no abort,
 * errno preserved, O_CLOEXEC.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sodium.h>
#include "dc_cachefile.h"
#include "dc_cachedir.h"
#include "dc_readfile.h"

#define SUBDIR     "nss-dnscrypt"
#define PW_BUF_MAX (1u << 20)

/* Set while this thread is inside getpwuid_r: a passwd backend that
 * resolves host names must not come back here. */
static __thread int in_getpw;

static int cache_enabled(const struct dc_config *cfg)
{
	return cfg->cert_cache_dir[0] == '/';
}

static int user_cache_allowed(void)
{
	return geteuid() != 0 && getauxval(AT_SECURE) == 0;
}

/* A file or directory we trust: owned by owner, writable by it alone. */
static int owned_ok(const struct stat *sb, uid_t owner)
{
	return sb->st_uid == owner && (sb->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* The passwd home directory of the euid into out, or -1. */
static int passwd_home(char *out, size_t cap)
{
	struct passwd pw, *res = NULL;
	size_t len = 4096;
	char *buf = NULL;
	int rc = -1, e;

	if (in_getpw)
		return -1;
	in_getpw = 1;
	for (;;) {
		char *nb = realloc(buf, len);
		if (nb == NULL)
			break;
		buf = nb;
		e = getpwuid_r(geteuid(), &pw, buf, len, &res);
		if (e == ERANGE && len < PW_BUF_MAX) {
			len *= 2;
			continue;
		}
		if (e == 0 && res != NULL && pw.pw_dir != NULL &&
		    pw.pw_dir[0] == '/' && strlen(pw.pw_dir) < cap) {
			strcpy(out, pw.pw_dir);
			rc = 0;
		}
		break;
	}
	free(buf);
	in_getpw = 0;
	return rc;
}

static int copy_str(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap)
		return -1;
	memcpy(out, s, n + 1);
	return 0;
}

static int append(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);

	return copy_str(out + n, cap - n, s);
}

/* The per-user cache directory, $XDG_CACHE_HOME/nss-dnscrypt, else
 * $HOME/.cache/nss-dnscrypt, else the passwd home's, in a buffer of
 * PATH_MAX bytes to free (on the heap: a lookup runs in 16 KiB of stack).
 * NULL when this process has none (euid 0, AT_SECURE). */
static char *user_dir(void)
{
	const char *xdg, *home;
	char *dir;
	size_t cap = PATH_MAX;

	if (!user_cache_allowed() || (dir = malloc(cap)) == NULL)
		return NULL;
	xdg = secure_getenv("XDG_CACHE_HOME");
	if (xdg != NULL && xdg[0] == '/') {
		if (copy_str(dir, cap, xdg) != 0)
			goto fail;
	} else {
		home = secure_getenv("HOME");
		if (home != NULL && home[0] == '/') {
			if (copy_str(dir, cap, home) != 0)
				goto fail;
		} else if (passwd_home(dir, cap) != 0) {
			goto fail;
		}
		if (append(dir, cap, "/.cache") != 0)
			goto fail;
	}
	if (append(dir, cap, "/" SUBDIR) == 0)
		return dir;
fail:
	free(dir);
	return NULL;
}

/* ---- read ---- */

/* Read at most max bytes of the regular file name in dfd, trusted only if
 * owned by owner and writable by nobody else; the length or -1. */
static ssize_t read_file(int dfd, const char *name, uid_t owner, int secret,
			 uint8_t *buf, size_t max, time_t *mtime)
{
	struct stat sb;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO at the path must not hang us. */
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || !owned_ok(&sb, owner) ||
	    (secret && (sb.st_mode & 077) != 0) || (size_t)sb.st_size > max) {
		close(fd);
		return -1;
	}
	if (mtime)
		*mtime = sb.st_mtime;
	/* A file that grew meanwhile is refused. */
	n = dc_readfile_into(fd, buf, max);
	close(fd);
	return n;
}

/* ---- write ---- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = write(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Create a fresh temp file next to name; tmp receives its name. */
static int create_tmp(int dfd, const char *name, mode_t mode, char *tmp,
		      size_t cap)
{
	uint8_t rnd[6];
	char hex[sizeof rnd * 2 + 1];
	int i, fd;

	for (i = 0; i < 8; i++) {
		randombytes_buf(rnd, sizeof rnd);
		sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
		if (snprintf(tmp, cap, ".%s.%s.tmp", name, hex) >= (int)cap)
			return -1;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC | O_NOCTTY, mode);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static void save_in(int dfd, const char *name, mode_t mode,
		    const uint8_t *data, size_t len)
{
	char tmp[NAME_MAX + 1];
	int fd = create_tmp(dfd, name, mode, tmp, sizeof tmp);
	int ok;

	if (fd < 0)
		return;
	/* fchmod: the file mode must not depend on the host's umask. */
	ok = fchmod(fd, mode) == 0 && write_all(fd, data, len) == 0;
	ok = close(fd) == 0 && ok;
	/* rename replaces a symlink at name, it never writes through it. */
	if (!ok || renameat(dfd, tmp, dfd, name) != 0)
		unlinkat(dfd, tmp, 0);
}

/* The directory this euid writes: root the system one (created 0755 if
 * missing), others their per-user one (0700; its parent, $XDG_CACHE_HOME
 * or ~/.cache, is created too if missing). */
static int open_write_dir(const struct dc_config *cfg)
{
	char *dir;
	int fd;

	if (geteuid() == 0)
		return dc_cachedir_open(cfg->cert_cache_dir, 0, 1, 0755);
	if ((dir = user_dir()) == NULL)
		return -1;
	fd = dc_cachedir_open(dir, geteuid(), 2, 0700);
	free(dir);
	return fd;
}

/* ---- the files ---- */

ssize_t dc_cachefile_read(const struct dc_config *cfg, int user, int secret,
			  const char *name, uint8_t *buf, size_t max, time_t *mtime)
{
	char *dir = NULL;
	uid_t owner = user ? geteuid() : 0;
	ssize_t n = -1;
	int saved = errno, dfd;

	if (!cache_enabled(cfg) || strchr(name, '/') != NULL)
		goto out;
	if (user && (dir = user_dir()) == NULL)
		goto out;
	dfd = dc_cachedir_open(user ? dir : cfg->cert_cache_dir, owner, 0, 0);
	if (dfd >= 0) {
		n = read_file(dfd, name, owner, secret, buf, max, mtime);
		dc_cachedir_close(dfd);
	}
out:
	free(dir);
	errno = saved;
	return n;
}

void dc_cachefile_write(const struct dc_config *cfg, int secret,
			const char *name, const uint8_t *buf, size_t len)
{
	int saved = errno, root = geteuid() == 0, dfd;

	if (cache_enabled(cfg) && strchr(name, '/') == NULL &&
	    strlen(name) + 32 <= NAME_MAX) {
		dfd = open_write_dir(cfg);
		if (dfd >= 0) {
			save_in(dfd, name, root && !secret ? 0644 : 0600, buf, len);
			dc_cachedir_close(dfd);
		}
	}
	errno = saved;
}
