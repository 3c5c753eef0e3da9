/* SPDX-License-Identifier: ISC */
/* dc_certcache.c - on-disk certificate cache.
 *
 * One file per server identity, <dir>/<32 hex>.cert, holding the raw signed
 * certificate.  Two directories:
 *   system:   cfg->cert_cache_dir, written by root (euid 0) only, 0644 files;
 *   per-user: $XDG_CACHE_HOME/nss-dnscrypt or $HOME/.cache/nss-dnscrypt
 *             (secure_getenv; else the passwd home of the euid), used by
 *             processes with euid != 0 that are not AT_SECURE, 0600 files.
 * A file holds the certificate with a digest that binds it to the server
 * (dc_certfile.h); what is read back is checked again, its signature too
 * unless the file is root's and its digest matches (dc_certfile.h says
 * why that is enough).  Both directories are opened
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
#include "dc_certcache.h"
#include "dc_cachedir.h"
#include "dc_certfile.h"

_Static_assert(DC_CERTCACHE_ID_LEN == DC_CERTFILE_ID_LEN, "one server id");

#define NAME_LEN   (DC_CERTCACHE_ID_LEN * 2 + sizeof ".cert") /* with NUL */
#define SUBDIR     "nss-dnscrypt"
#define PW_BUF_MAX (1u << 20)

/* Set while this thread is inside getpwuid_r: a passwd backend that
 * resolves host names must not come back here. */
static __thread int in_getpw;

static void put_be(uint8_t *p, uint32_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

int dc_certcache_id(const struct dc_stamp *st,
		    uint8_t id[DC_CERTCACHE_ID_LEN])
{
	uint8_t buf[32 + 1 + DC_PROVIDER_NAME_MAX + 2 + 16 + 2 + 4];
	uint8_t h[32];
	size_t n = 32, nl = strnlen(st->provider_name, DC_PROVIDER_NAME_MAX);

	memcpy(buf, st->provider_pk, 32);
	buf[n++] = (uint8_t)nl;
	memcpy(buf + n, st->provider_name, nl);
	n += nl;
	put_be(buf + n, st->addr.sa.sa_family, 2);
	n += 2;
	if (st->addr.sa.sa_family == AF_INET) {
		memcpy(buf + n, &st->addr.sin.sin_addr, 4);
		memcpy(buf + n + 4, &st->addr.sin.sin_port, 2);
		n += 6;
	} else if (st->addr.sa.sa_family == AF_INET6) {
		memcpy(buf + n, &st->addr.sin6.sin6_addr, 16);
		memcpy(buf + n + 16, &st->addr.sin6.sin6_port, 2);
		put_be(buf + n + 18, st->addr.sin6.sin6_scope_id, 4);
		n += 22;
	} else {
		return -1;
	}
	crypto_generichash(h, sizeof h, buf, n, NULL, 0);
	memcpy(id, h, DC_CERTCACHE_ID_LEN);
	return 0;
}

static int file_name(const struct dc_stamp *st, char name[NAME_LEN],
		     uint8_t id[DC_CERTCACHE_ID_LEN])
{
	if (st->kind != DC_STAMP_DNSCRYPT || dc_certcache_id(st, id) != 0)
		return -1;
	sodium_bin2hex(name, NAME_LEN, id, DC_CERTCACHE_ID_LEN);
	memcpy(name + 2 * DC_CERTCACHE_ID_LEN, ".cert", sizeof ".cert");
	return 0;
}

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

/* ---- load ---- */

/* Read at most max bytes of the regular file name in dfd, trusted only if
 * owned by owner and writable by nobody else; the length or -1. */
static ssize_t read_file(int dfd, const char *name, uid_t owner, int secret,
			 uint8_t *buf, size_t max, time_t *mtime)
{
	struct stat sb;
	size_t n = 0;
	ssize_t r = 0;
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
	/* up to max + 1 bytes: a file that grew meanwhile is refused */
	while (n < max + 1) {
		r = read(fd, buf + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (r < 0 || n > max)
		return -1;
	return (ssize_t)n;
}

static int load_from(const char *dir, const char *name,
		     const uint8_t id[DC_CERTCACHE_ID_LEN], uid_t owner,
		     const struct dc_stamp *st, time_t now, struct dc_cert *out,
		     time_t *saved_at)
{
	uint8_t buf[DC_CERTFILE_MAX + 1];
	int dfd = dc_cachedir_open(dir, owner, 0, 0);
	ssize_t n;

	if (dfd < 0)
		return -1;
	n = read_file(dfd, name, owner, 0, buf, DC_CERTFILE_MAX, saved_at);
	dc_cachedir_close(dfd);
	if (n < 0)
		return -1;
	/* owner 0: the system directory, whose path and file only root may
	 * write (dc_safe_opendir, read_file). */
	if (dc_certfile_parse(buf, (size_t)n, id, st->provider_pk, owner == 0, now,
			      out) != DC_CERT_VALID)
		return -1;
	return 0;
}

static int lookup(const struct dc_config *cfg, const struct dc_stamp *st,
		  time_t now, struct dc_cert *out, time_t *saved_at)
{
	uint8_t id[DC_CERTCACHE_ID_LEN];
	char name[NAME_LEN], *dir;
	int rc;

	if (!cache_enabled(cfg) || file_name(st, name, id) != 0)
		return -1;
	if (load_from(cfg->cert_cache_dir, name, id, 0, st, now, out, saved_at) == 0)
		return 0;
	if ((dir = user_dir()) == NULL)
		return -1;
	rc = load_from(dir, name, id, geteuid(), st, now, out, saved_at);
	free(dir);
	return rc;
}

dc_status dc_certcache_load(const struct dc_config *cfg,
			    const struct dc_stamp *st, time_t now,
			    struct dc_cert *out, time_t *saved_at)
{
	int saved = errno;
	dc_status rc = DC_OK;
	time_t mt = 0;

	if (saved_at == NULL)
		saved_at = &mt;
	if (lookup(cfg, st, now, out, saved_at) != 0) {
		memset(out, 0, sizeof *out); /* no half-parsed rejected file */
		rc = DC_ENOTFOUND;
	}
	errno = saved;
	return rc;
}

/* ---- save ---- */

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

void dc_certcache_save(const struct dc_config *cfg, const struct dc_stamp *st,
		       const struct dc_cert *c)
{
	int saved = errno;
	uint8_t id[DC_CERTCACHE_ID_LEN], file[DC_CERTFILE_MAX];
	char name[NAME_LEN];
	int root = geteuid() == 0, dfd;
	size_t len;

	if (cache_enabled(cfg) && file_name(st, name, id) == 0 &&
	    (len = dc_certfile_pack(id, st->provider_pk, c, file)) > 0) {
		dfd = open_write_dir(cfg);
		if (dfd >= 0) {
			save_in(dfd, name, root ? 0644 : 0600, file, len);
			dc_cachedir_close(dfd);
		}
	}
	errno = saved;
}

/* ---- other small files in the same directories ---- */

ssize_t dc_cachefile_read(const struct dc_config *cfg, int user, int secret,
			  const char *name, uint8_t *buf, size_t max)
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
		n = read_file(dfd, name, owner, secret, buf, max, NULL);
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
