/* SPDX-License-Identifier: ISC */
/* test_certcache.c - the on-disk certificate cache.  Runs as root (the
 * system directory); the per-user directory is tested in a child that
 * drops to uid/gid TEST_UID. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sodium.h>
#include "t.h"
#include "dc_certcache.h"
#include "dc_certfile.h"
#include "dc_cachefile.h"

#define NOW 1700000000u
#define TEST_UID 1234
#define OTHER_UID 1235 /* another user */

static uint8_t prov_pk[32], prov_sk[64], other_pk[32], other_sk[64];
static char sysdir[64], xdgdir[64], top[48];

/* ---- certificates ---- */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A signed es-version 2 certificate with extlen extension bytes. */
static void make_cert(struct dc_cert *c, uint32_t serial, uint32_t ts_start,
		      uint32_t ts_end, size_t extlen, const uint8_t *sk)
{
	uint8_t *b = c->raw;
	size_t i;

	memset(c, 0, sizeof *c);
	c->rawlen = DC_CERT_MIN_LEN + extlen;
	memcpy(b, "DNSC\0\2\0\0", 8);
	for (i = 0; i < 32; i++)
		b[72 + i] = (uint8_t)(0x40 + i);
	memcpy(b + 104, "MAGIC123", 8);
	put32(b + 112, serial);
	put32(b + 116, ts_start);
	put32(b + 120, ts_end);
	for (i = 0; i < extlen; i++)
		b[DC_CERT_MIN_LEN + i] = (uint8_t)(i * 7 + 1);
	crypto_sign_detached(b + 8, NULL, b + 72, c->rawlen - 72, sk);
}

static void std_cert(struct dc_cert *c, uint32_t serial)
{
	make_cert(c, serial, NOW - 3600, NOW + 3600, 0, prov_sk);
}

/* ---- stamps ---- */

static void stamp4(struct dc_stamp *st, const char *ip, int port,
		   const char *name)
{
	memset(st, 0, sizeof *st);
	st->kind = DC_STAMP_DNSCRYPT;
	st->addr.sin.sin_family = AF_INET;
	st->addr.sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &st->addr.sin.sin_addr);
	st->addrlen = sizeof st->addr.sin;
	memcpy(st->provider_pk, prov_pk, 32);
	strcpy(st->provider_name, name);
}

static void stamp6(struct dc_stamp *st, const char *ip, int port,
		   const char *name)
{
	memset(st, 0, sizeof *st);
	st->kind = DC_STAMP_DNSCRYPT;
	st->addr.sin6.sin6_family = AF_INET6;
	st->addr.sin6.sin6_port = htons((uint16_t)port);
	inet_pton(AF_INET6, ip, &st->addr.sin6.sin6_addr);
	st->addrlen = sizeof st->addr.sin6;
	memcpy(st->provider_pk, prov_pk, 32);
	strcpy(st->provider_name, name);
}

/* ---- files ---- */

static void cache_path(char *out, size_t cap, const char *dir,
		       const struct dc_stamp *st)
{
	uint8_t id[DC_CERTCACHE_ID_LEN];
	char hex[2 * DC_CERTCACHE_ID_LEN + 1];

	if (dc_certcache_id(st, id) != 0)
		abort();
	sodium_bin2hex(hex, sizeof hex, id, sizeof id);
	snprintf(out, cap, "%s/%s.cert", dir, hex);
}

static int write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, p, n) == (ssize_t)n && fchmod(fd, mode) == 0;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* The cache file for certificate c written as dc_certcache_save does, for
 * server st, but whatever key c was signed with. */
static int write_packed(const char *path, const struct dc_stamp *st,
			const struct dc_cert *c, mode_t mode)
{
	uint8_t id[DC_CERTCACHE_ID_LEN], file[DC_CERTFILE_MAX];
	size_t n;

	if (dc_certcache_id(st, id) != 0 ||
	    (n = dc_certfile_pack(id, st->provider_pk, c, file)) == 0)
		return -1;
	return write_file(path, file, n, mode);
}

static ssize_t read_all(const char *path, void *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap);
	close(fd);
	return n;
}

/* Entries of dir other than "." and "..", only those whose name holds
 * part when it is not NULL. */
static int count_names(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    (part == NULL || strstr(e->d_name, part) != NULL))
			n++;
	closedir(d);
	return n;
}

static int count_entries(const char *dir)
{
	return count_names(dir, NULL);
}

static int count_tmp(const char *dir)
{
	return count_names(dir, ".tmp");
}

static int exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

static void cfg_dir(struct dc_config *cfg, const char *dir)
{
	size_t n = strlen(dir);

	dc_config_init(cfg);
	if (n >= sizeof cfg->cert_cache_dir)
		abort();
	memcpy(cfg->cert_cache_dir, dir, n + 1);
}

static int load_serial(const struct dc_config *cfg, const struct dc_stamp *st,
		       time_t now, uint32_t *serial)
{
	struct dc_cert c;

	if (dc_certcache_load(cfg, st, now, &c, NULL) != DC_OK)
		return -1;
	*serial = c.serial;
	return 0;
}

static int hit(const struct dc_config *cfg, const struct dc_stamp *st)
{
	uint32_t s;

	return load_serial(cfg, st, NOW, &s) == 0;
}

/* ---- tests (root, system directory) ---- */

static void test_roundtrip(const struct dc_config *cfg)
{
	struct dc_stamp st;
	struct dc_cert c, got;
	char path[PATH_MAX], udir[PATH_MAX];
	struct stat sb;

	stamp4(&st, "192.0.2.1", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 41);
	memset(&got, 0xaa, sizeof got);
	T_EQ_INT(dc_certcache_load(cfg, &st, NOW, &got, NULL), DC_ENOTFOUND,
		 "empty cache: miss");
	T_EQ_INT(got.rawlen, 0, "a miss leaves out zeroed");
	dc_certcache_save(cfg, &st, &c);
	T_EQ_INT(dc_certcache_load(cfg, &st, NOW, &got, NULL), DC_OK,
		 "save then load: hit");
	T_OK(got.rawlen == c.rawlen && memcmp(got.raw, c.raw, c.rawlen) == 0,
	     "the same raw certificate comes back");
	T_EQ_INT(got.serial, 41, "parsed serial");
	T_OK(memcmp(got.client_magic, "MAGIC123", 8) == 0, "parsed client magic");
	cache_path(path, sizeof path, cfg->cert_cache_dir, &st);
	T_OK(lstat(path, &sb) == 0 && S_ISREG(sb.st_mode), "file %s exists", path);
	{
		time_t saved_at = 0;
		T_OK(dc_certcache_load(cfg, &st, NOW, &got, &saved_at) == DC_OK &&
		     saved_at == sb.st_mtime, "the time the file was written comes back "
		     "(the refresh age is counted from it)");
	}
	T_EQ_INT(sb.st_mode & 07777, 0644, "system file mode 0644 (as root)");
	T_EQ_INT(sb.st_uid, 0, "system file owned by root");
	{
		uint8_t file[DC_CERTFILE_MAX + 1];
		ssize_t n = read_all(path, file, sizeof file);
		T_OK(n == (ssize_t)(DC_CERTFILE_HEAD + c.rawlen) &&
		     memcmp(file, "DCf1", 4) == 0 &&
		     memcmp(file + DC_CERTFILE_HEAD, c.raw, c.rawlen) == 0,
		     "file holds the format, the digest and the raw certificate");
	}
	T_EQ_INT(count_entries(cfg->cert_cache_dir), 1, "no temp file left");
	snprintf(udir, sizeof udir, "%s/nss-dnscrypt", xdgdir);
	T_OK(!exists(udir), "root does not create the per-user directory");
	dc_certcache_save(cfg, &st, &c);
	T_EQ_INT(count_entries(cfg->cert_cache_dir), 1,
		 "saving again replaces the file");
}

static void test_tampered(const struct dc_config *cfg)
{
	struct dc_stamp st;
	struct dc_cert c;
	char path[PATH_MAX];
	uint8_t buf[2048];
	size_t i, offs[] = { 0, 10, 80, 113, 123 };

	stamp4(&st, "192.0.2.2", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 5);
	cache_path(path, sizeof path, cfg->cert_cache_dir, &st);
	for (i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		memcpy(buf, c.raw, c.rawlen);
		buf[offs[i]] ^= 0x01;
		write_file(path, buf, c.rawlen, 0644);
		T_OK(!hit(cfg, &st), "byte %zu flipped: miss", offs[i]);
	}
	write_file(path, c.raw, c.rawlen - 1, 0644);
	T_OK(!hit(cfg, &st), "truncated by one byte: miss");
	write_file(path, c.raw, 100, 0644);
	T_OK(!hit(cfg, &st), "truncated to 100 bytes: miss");
	write_file(path, c.raw, 0, 0644);
	T_OK(!hit(cfg, &st), "empty file: miss");
	memcpy(buf, c.raw, c.rawlen);
	buf[c.rawlen] = 0;
	write_file(path, buf, c.rawlen + 1, 0644);
	T_OK(!hit(cfg, &st), "one trailing byte: miss");
	dc_certcache_save(cfg, &st, &c);
	T_OK(hit(cfg, &st), "a fresh save repairs it");
}

static void test_foreign_expired(const struct dc_config *cfg)
{
	struct dc_stamp st;
	struct dc_cert c;
	uint32_t serial = 0;

	char path[PATH_MAX];

	stamp4(&st, "192.0.2.3", 443, "2.dnscrypt-cert.example");
	cache_path(path, sizeof path, cfg->cert_cache_dir, &st);
	make_cert(&c, 9, NOW - 3600, NOW + 3600, 0, other_sk);
	write_file(path, c.raw, c.rawlen, 0644);
	T_OK(!hit(cfg, &st), "signed by another provider key (a bare certificate, "
	     "the earlier format): miss");
	make_cert(&c, 9, NOW - 7200, NOW - 1, 0, prov_sk);
	dc_certcache_save(cfg, &st, &c);
	T_OK(!hit(cfg, &st), "expired certificate: miss");
	T_OK(load_serial(cfg, &st, NOW - 3600, &serial) == 0 && serial == 9,
	     "the same file is a hit while it was valid");
	make_cert(&c, 9, NOW + 60, NOW + 7200, 0, prov_sk);
	dc_certcache_save(cfg, &st, &c);
	T_OK(!hit(cfg, &st), "not yet valid: miss");
}

/* Issue 16: a file of root's in the system directory whose digest matches
 * is not verified again (dc_certfile.h); anything else is. */
static void test_presigned(const struct dc_config *cfg)
{
	struct dc_stamp st, st2;
	struct dc_cert c, forged;
	char path[PATH_MAX];
	uint8_t buf[DC_CERTFILE_MAX + 1];
	ssize_t n;
	size_t i, offs[] = { 1, 4, 35, DC_CERTFILE_HEAD + 10, DC_CERTFILE_HEAD + 80,
			     DC_CERTFILE_HEAD + 113, DC_CERTFILE_HEAD + 123 };
	int want[] = { 0, 1, 1, 0, 0, 0, 0 };

	stamp4(&st, "192.0.2.7", 443, "2.dnscrypt-cert.example");
	stamp4(&st2, "192.0.2.8", 443, "2.dnscrypt-cert.example");
	cache_path(path, sizeof path, cfg->cert_cache_dir, &st);
	std_cert(&c, 12);
	dc_certcache_save(cfg, &st, &c);
	n = read_all(path, buf, sizeof buf);
	for (i = 0; n > 0 && i < sizeof offs / sizeof offs[0]; i++) {
		buf[offs[i]] ^= 0x01;
		write_file(path, buf, (size_t)n, 0644);
		T_EQ_INT(hit(cfg, &st), want[i], "file byte %zu flipped: %s", offs[i],
			 want[i] ? "the digest does not match, verified again: hit" : "miss");
		buf[offs[i]] ^= 0x01;
	}
	write_file(path, buf, (size_t)n - 1, 0644);
	T_OK(!hit(cfg, &st), "file truncated by one byte: miss");
	buf[n] = 0;
	write_file(path, buf, (size_t)n + 1, 0644);
	T_OK(!hit(cfg, &st), "file with one trailing byte: miss");

	make_cert(&forged, 13, NOW - 3600, NOW + 3600, 0, other_sk);
	write_packed(path, &st, &forged, 0644);
	T_OK(hit(cfg, &st), "root's file with a matching digest: its signature is "
	     "not checked again (a certificate of another key is taken)");
	write_packed(path, &st2, &c, 0644);
	T_OK(hit(cfg, &st), "another server's digest on a good certificate: "
	     "verified again: hit");
	write_packed(path, &st2, &forged, 0644);
	T_OK(!hit(cfg, &st), "another server's file (digest of its own id) copied "
	     "under this server's name: verified again: miss");
	memcpy(st2.provider_pk, other_pk, 32);
	st2.addr = st.addr;
	write_packed(path, &st2, &forged, 0644);
	T_OK(!hit(cfg, &st), "a digest made with another provider key: verified "
	     "again: miss");
	make_cert(&forged, 14, NOW - 7200, NOW - 1, 0, prov_sk);
	write_packed(path, &st, &forged, 0644);
	T_OK(!hit(cfg, &st), "root's file, digest matching, expired: miss");
	make_cert(&forged, 14, NOW - 3600, NOW + 3600, 0, other_sk);
	write_packed(path, &st, &forged, 0664);
	T_OK(!hit(cfg, &st), "root's file, digest matching, group-writable: miss");
	write_packed(path, &st, &forged, 0644);
	T_OK(chown(path, TEST_UID, 0) == 0 && !hit(cfg, &st),
	     "digest matching, file of another user in the system directory: miss");
	unlink(path);
}

static void test_size(const struct dc_config *cfg)
{
	struct dc_stamp st;
	struct dc_cert c;
	char path[PATH_MAX];
	uint8_t buf[4096];

	stamp4(&st, "192.0.2.4", 443, "2.dnscrypt-cert.example");
	make_cert(&c, 3, NOW - 3600, NOW + 3600,
		  DC_CERT_MAX_LEN - DC_CERT_MIN_LEN, prov_sk);
	dc_certcache_save(cfg, &st, &c);
	T_OK(hit(cfg, &st), "a %d-byte certificate: hit", DC_CERT_MAX_LEN);
	cache_path(path, sizeof path, cfg->cert_cache_dir, &st);
	memcpy(buf, c.raw, c.rawlen);
	memset(buf + c.rawlen, 0, sizeof buf - c.rawlen);
	write_file(path, buf, DC_CERT_MAX_LEN + 1, 0644);
	T_OK(!hit(cfg, &st), "a %d-byte file: miss", DC_CERT_MAX_LEN + 1);
	write_file(path, buf, sizeof buf, 0644);
	T_OK(!hit(cfg, &st), "a %zu-byte file: miss", sizeof buf);
}

static void test_symlink(const struct dc_config *cfg)
{
	struct dc_stamp st;
	struct dc_cert c, old;
	char path[PATH_MAX], target[PATH_MAX];
	uint8_t buf[2048];
	struct stat sb;
	ssize_t n;

	stamp4(&st, "192.0.2.5", 443, "2.dnscrypt-cert.example");
	std_cert(&old, 1);
	std_cert(&c, 2);
	snprintf(target, sizeof target, "%s/target", top);
	write_file(target, old.raw, old.rawlen, 0644);
	cache_path(path, sizeof path, cfg->cert_cache_dir, &st);
	T_OK(symlink(target, path) == 0, "symlink at the final path");
	T_OK(!hit(cfg, &st), "load does not follow the symlink: miss");
	dc_certcache_save(cfg, &st, &c);
	n = read_all(target, buf, sizeof buf);
	T_OK(n == (ssize_t)old.rawlen && memcmp(buf, old.raw, old.rawlen) == 0,
	     "save did not write through the symlink");
	T_OK(lstat(path, &sb) == 0 && S_ISREG(sb.st_mode),
	     "save replaced the symlink by a regular file");
	T_OK(hit(cfg, &st), "and it loads");
	unlink(target);
}

static void test_owner_mode(const struct dc_config *cfg)
{
	struct dc_stamp st;
	struct dc_cert c;
	char path[PATH_MAX];

	stamp4(&st, "192.0.2.6", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 6);
	dc_certcache_save(cfg, &st, &c);
	cache_path(path, sizeof path, cfg->cert_cache_dir, &st);
	T_OK(chown(path, TEST_UID, TEST_UID) == 0 && !hit(cfg, &st),
	     "system file owned by uid %d: miss", TEST_UID);
	T_OK(chown(path, 0, TEST_UID) == 0 && hit(cfg, &st),
	     "owned by root again (group %d): hit", TEST_UID);
	T_OK(chmod(path, 0664) == 0 && !hit(cfg, &st), "group-writable: miss");
	T_OK(chmod(path, 0646) == 0 && !hit(cfg, &st), "other-writable: miss");
	T_OK(chmod(path, 0600) == 0 && hit(cfg, &st), "mode 0600: hit");
	T_OK(chmod(path, 0444) == 0 && hit(cfg, &st), "mode 0444: hit");
	T_OK(chmod(cfg->cert_cache_dir, 0770) == 0 && !hit(cfg, &st),
	     "group-writable system directory: miss");
	T_OK(chmod(cfg->cert_cache_dir, 0755) == 0 &&
	     chown(cfg->cert_cache_dir, TEST_UID, 0) == 0 && !hit(cfg, &st),
	     "system directory owned by uid %d: miss", TEST_UID);
	T_OK(chown(cfg->cert_cache_dir, 0, 0) == 0 &&
	     chmod(cfg->cert_cache_dir, 0700) == 0 && hit(cfg, &st),
	     "restored: hit");
}

static void test_special_files(const struct dc_config *cfg)
{
	struct dc_stamp st;
	struct dc_cert c;
	char path[PATH_MAX];

	struct stat sb;

	stamp4(&st, "192.0.2.7", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 7);
	cache_path(path, sizeof path, cfg->cert_cache_dir, &st);
	T_OK(mkfifo(path, 0644) == 0 && !hit(cfg, &st),
	     "a FIFO at the path: miss, without blocking");
	unlink(path);
	T_OK(mkdir(path, 0755) == 0 && !hit(cfg, &st),
	     "a directory at the path: miss");
	errno = 0;
	dc_certcache_save(cfg, &st, &c);
	T_EQ_INT(errno, 0, "save over a directory fails silently");
	T_OK(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	     count_entries(cfg->cert_cache_dir) > 0, "the directory is left alone");
	T_EQ_INT(count_entries(path), 0, "and nothing is written into it");
	T_EQ_INT(count_tmp(cfg->cert_cache_dir), 0, "the temp file is removed");
	rmdir(path);
}

static void test_none(void)
{
	struct dc_config cfg;
	struct dc_stamp st;
	struct dc_cert c;
	char err[256], path[PATH_MAX];
	static const char text[] = "cert-cache none\n";

	T_EQ_INT(dc_config_parse(text, sizeof text - 1, "t", &cfg, err, sizeof err),
		 DC_OK, "cert-cache none parses");
	T_EQ_INT(cfg.cert_cache_dir[0], 0, "none is the empty directory");
	stamp4(&st, "192.0.2.8", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 8);
	dc_certcache_save(&cfg, &st, &c);
	cache_path(path, sizeof path, sysdir, &st);
	T_OK(!exists(path), "none: save writes nothing");
	write_file(path, c.raw, c.rawlen, 0644);
	T_OK(!hit(&cfg, &st), "none: load is always a miss");
	unlink(path);
}

static void test_identities(const struct dc_config *cfg)
{
	struct dc_stamp st[7];
	struct dc_cert c;
	uint8_t id[7][DC_CERTCACHE_ID_LEN];
	uint32_t serial;
	int i, j, distinct = 1, all = 1;

	stamp4(&st[0], "192.0.2.10", 443, "2.dnscrypt-cert.example");
	stamp4(&st[1], "192.0.2.10", 444, "2.dnscrypt-cert.example");
	stamp4(&st[2], "192.0.2.11", 443, "2.dnscrypt-cert.example");
	stamp4(&st[3], "192.0.2.10", 443, "2.dnscrypt-cert.example2");
	stamp4(&st[4], "192.0.2.10", 443, "2.dnscrypt-cert.example");
	st[4].provider_pk[0] ^= 1;
	stamp6(&st[5], "2001:db8::10", 443, "2.dnscrypt-cert.example");
	stamp6(&st[6], "2001:db8::10", 443, "2.dnscrypt-cert.example");
	st[6].addr.sin6.sin6_scope_id = 2;
	for (i = 0; i < 7; i++)
		dc_certcache_id(&st[i], id[i]);
	for (i = 0; i < 7; i++)
		for (j = i + 1; j < 7; j++)
			if (memcmp(id[i], id[j], sizeof id[i]) == 0)
				distinct = 0;
	T_OK(distinct, "port, address, name, key, family, scope give distinct ids");
	for (i = 0; i < 7; i++) {
		if (i == 4) /* only its id differs; tested below */
			continue;
		std_cert(&c, 100 + (uint32_t)i);
		dc_certcache_save(cfg, &st[i], &c);
	}
	for (i = 0; i < 7; i++) {
		if (i == 4)
			continue;
		if (load_serial(cfg, &st[i], NOW, &serial) != 0 ||
		    serial != 100 + (uint32_t)i)
			all = 0;
	}
	T_OK(all, "each identity loads its own certificate");
	T_OK(!hit(cfg, &st[4]), "another provider key finds no file");
	st[0].kind = DC_STAMP_RELAY;
	T_OK(!hit(cfg, &st[0]), "a relay stamp: miss");
}

static void test_errno(const struct dc_config *cfg)
{
	struct dc_config none;
	struct dc_stamp st;
	struct dc_cert c;

	cfg_dir(&none, "");
	stamp4(&st, "192.0.2.20", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 20);
	errno = 12345;
	T_OK(!hit(cfg, &st) && errno == 12345, "errno kept by a miss");
	errno = 12345;
	dc_certcache_save(cfg, &st, &c);
	T_EQ_INT(errno, 12345, "errno kept by save");
	errno = 12345;
	T_OK(hit(cfg, &st) && errno == 12345, "errno kept by a hit");
	errno = 12345;
	dc_certcache_save(&none, &st, &c);
	T_OK(!hit(&none, &st) && errno == 12345, "errno kept when disabled");
}

static void test_dir_creation(void)
{
	struct dc_config cfg;
	struct dc_stamp st;
	struct dc_cert c;
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct stat sb;
	mode_t old;

	stamp4(&st, "192.0.2.30", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 30);
	snprintf(dir, sizeof dir, "%s/created", top);
	cfg_dir(&cfg, dir);
	old = umask(077);
	dc_certcache_save(&cfg, &st, &c);
	umask(old);
	T_OK(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	     (sb.st_mode & 07777) == 0755,
	     "missing system directory created 0755 (umask 077)");
	T_OK(hit(&cfg, &st), "and the certificate is there");
	cache_path(path, sizeof path, dir, &st);
	T_OK(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0644,
	     "system file 0644 despite umask 077");
	chmod(dir, 0775);
	stamp4(&st, "192.0.2.31", 443, "2.dnscrypt-cert.example");
	dc_certcache_save(&cfg, &st, &c);
	T_EQ_INT(count_entries(dir), 1, "save refuses a group-writable directory");
	snprintf(dir, sizeof dir, "%s/no/such", top);
	cfg_dir(&cfg, dir);
	errno = 0;
	dc_certcache_save(&cfg, &st, &c);
	T_OK(errno == 0 && !exists(dir), "missing parent: nothing created, silently");
}

static void test_root_ignores_user_dir(const struct dc_config *cfg)
{
	struct dc_stamp st;
	struct dc_cert c;
	char udir[PATH_MAX], path[PATH_MAX];

	stamp4(&st, "192.0.2.40", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 40);
	snprintf(udir, sizeof udir, "%s/nss-dnscrypt", xdgdir);
	mkdir(udir, 0700);
	cache_path(path, sizeof path, udir, &st);
	write_file(path, c.raw, c.rawlen, 0600);
	T_OK(!hit(cfg, &st), "root does not read the per-user directory");
	unlink(path);
	rmdir(udir);
}

/* ---- per-user directory, in a child running as TEST_UID ---- */

enum {
	U_SAVE_FILE, U_FILE_MODE, U_DIR_MODE, U_HIT,
	U_GROUP_WRITABLE, U_DIR_WRITABLE, U_SYSTEM_FIRST, U_SYSTEM_BAD, U_HOME_FILE,
	U_HOME_CACHE_MODE, U_HOME_HIT, U_NONE, U_FOREIGN_OWNER, U_NO_HOME,
	U_ERRNO, U_LINK_MINE, U_LINK_OTHER, U_LINK_OTHER_SAVE, U_WW, U_WW_SAVE,
	U_STICKY, U_OTHER_DIR, U_LAST_LINK, U_PRESIGNED, U_N
};

static const char *const u_desc[U_N] = {
	"user: save writes $XDG_CACHE_HOME/nss-dnscrypt/<id>.cert",
	"user: file mode 0600, owned by the user",
	"user: directory mode 0700",
	"user: load hits the per-user file",
	"user: group-writable per-user file: miss",
	"user: group-writable per-user directory: miss (and back)",
	"user: the system directory is read first",
	"user: a system file invalid at now falls back to the per-user one",
	"user: without XDG_CACHE_HOME, $HOME/.cache/nss-dnscrypt is used",
	"user: ~/.cache created 0700",
	"user: and it loads",
	"user: none disables the per-user directory too",
	"user: a per-user file owned by root: miss",
	"user: no XDG_CACHE_HOME, no HOME, no passwd entry: no cache, silently",
	"user: errno kept",
	"user: path: a symbolic link of the user's own on the way is followed (hit)",
	"user: path: under a symbolic link owned by another user: miss",
	"user: path: ... and nothing is saved through it",
	"user: path: under a world-writable directory without the sticky bit: miss",
	"user: path: ... and nothing is saved there",
	"user: path: under a world-writable sticky directory of root (/tmp): hit",
	"user: path: under a directory owned by another user: miss",
	"user: path: nss-dnscrypt itself a symbolic link (ours): miss",
	"user: a per-user file with a matching digest is verified again "
	"(another key's certificate: miss)",
};

/* dc_certcache_save(st, c), then whether the certificate is in
 * TOP/SUB/nss-dnscrypt. */
static int saved_under(const struct dc_config *cfg, const struct dc_stamp *st,
		       const struct dc_cert *c, const char *sub)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];

	dc_certcache_save(cfg, st, c);
	snprintf(dir, sizeof dir, "%s/%s/nss-dnscrypt", top, sub);
	cache_path(path, sizeof path, dir, st);
	return exists(path);
}

/* Issue 14, 7: the per-user path is walked component by component.
 * Under top (set up by plant_paths): real/ (ours), lm -> real (our
 * link), lo -> real (another user's link), ww/u (ww 0777, not sticky),
 * st/u (st 01777), od/u (od 0755 of another user), ll/nss-dnscrypt ->
 * ../real/nss-dnscrypt (our link); each u and real holds nss-dnscrypt/
 * with a valid certificate for st. */
static void path_checks(uint8_t *r)
{
	struct dc_config cfg;
	struct dc_stamp st, st5;
	struct dc_cert c;
	char dir[PATH_MAX];

	cfg_dir(&cfg, sysdir);
	stamp4(&st, "192.0.2.53", 443, "2.dnscrypt-cert.example");
	stamp4(&st5, "192.0.2.55", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 80);
#define XDG(sub) (snprintf(dir, sizeof dir, "%s/%s", top, sub), \
		  setenv("XDG_CACHE_HOME", dir, 1))
	XDG("lm");
	r[U_LINK_MINE] = hit(&cfg, &st);
	XDG("lo");
	r[U_LINK_OTHER] = !hit(&cfg, &st);
	r[U_LINK_OTHER_SAVE] = !saved_under(&cfg, &st5, &c, "real");
	XDG("ww/u");
	r[U_WW] = !hit(&cfg, &st);
	r[U_WW_SAVE] = !saved_under(&cfg, &st5, &c, "ww/u");
	XDG("st/u");
	r[U_STICKY] = hit(&cfg, &st);
	XDG("od/u");
	r[U_OTHER_DIR] = !hit(&cfg, &st);
	XDG("ll");
	r[U_LAST_LINK] = !hit(&cfg, &st);
#undef XDG
	setenv("XDG_CACHE_HOME", xdgdir, 1);
}

/* A directory DIR (mode, owner) holding nss-dnscrypt/ and the
 * certificate for st, both the test user's. */
static int plant(const char *sub, mode_t mode, uid_t owner, const struct dc_stamp *st,
		 const struct dc_cert *c)
{
	char dir[PATH_MAX], udir[PATH_MAX + 16], path[PATH_MAX + 64];

	snprintf(dir, sizeof dir, "%s/%s", top, sub);
	snprintf(udir, sizeof udir, "%s/nss-dnscrypt", dir);
	cache_path(path, sizeof path, udir, st);
	return mkdir(dir, mode) == 0 && chmod(dir, mode) == 0 && chown(dir, owner, owner) == 0 &&
	       mkdir(udir, 0700) == 0 && chown(udir, TEST_UID, TEST_UID) == 0 &&
	       write_file(path, c->raw, c->rawlen, 0600) == 0 &&
	       chown(path, TEST_UID, TEST_UID) == 0 ? 0 : -1;
}

static int plant_paths(void)
{
	struct dc_stamp st;
	struct dc_cert c;
	char a[PATH_MAX], b[PATH_MAX];
	int ok = 1;

	stamp4(&st, "192.0.2.53", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 80);
	ok &= plant("real", 0700, TEST_UID, &st, &c) == 0;
	snprintf(a, sizeof a, "%s/lm", top);
	ok &= symlink("real", a) == 0 && lchown(a, TEST_UID, TEST_UID) == 0;
	snprintf(a, sizeof a, "%s/lo", top);
	ok &= symlink("real", a) == 0 && lchown(a, OTHER_UID, OTHER_UID) == 0;
	snprintf(a, sizeof a, "%s/ww", top);
	ok &= mkdir(a, 0777) == 0 && chmod(a, 0777) == 0;
	ok &= plant("ww/u", 0700, TEST_UID, &st, &c) == 0;
	snprintf(a, sizeof a, "%s/st", top);
	ok &= mkdir(a, 01777) == 0 && chmod(a, 01777) == 0;
	ok &= plant("st/u", 0700, TEST_UID, &st, &c) == 0;
	snprintf(a, sizeof a, "%s/od", top);
	ok &= mkdir(a, 0755) == 0 && chown(a, OTHER_UID, OTHER_UID) == 0;
	ok &= plant("od/u", 0700, TEST_UID, &st, &c) == 0;
	snprintf(a, sizeof a, "%s/ll", top);
	snprintf(b, sizeof b, "%s/ll/nss-dnscrypt", top);
	ok &= mkdir(a, 0700) == 0 && chown(a, TEST_UID, TEST_UID) == 0 &&
	      symlink("../real/nss-dnscrypt", b) == 0 && lchown(b, TEST_UID, TEST_UID) == 0;
	return ok ? 0 : -1;
}

static void user_checks(const char *pubdir, const char *home, uint8_t *r)
{
	struct dc_config cfg, pub, none;
	struct dc_stamp st, st2, st3;
	struct dc_cert c;
	char path[PATH_MAX + 64], udir[PATH_MAX + 64];
	struct stat sb;
	uint32_t serial = 0;

	umask(0);
	cfg_dir(&cfg, sysdir);
	cfg_dir(&pub, pubdir);
	cfg_dir(&none, "");
	stamp4(&st, "192.0.2.50", 443, "2.dnscrypt-cert.example");
	stamp4(&st2, "192.0.2.51", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 50);
	errno = 12345;
	dc_certcache_save(&cfg, &st, &c);
	r[U_ERRNO] = errno == 12345;
	snprintf(udir, sizeof udir, "%s/nss-dnscrypt", xdgdir);
	cache_path(path, sizeof path, udir, &st);
	r[U_SAVE_FILE] = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	r[U_FILE_MODE] = (sb.st_mode & 07777) == 0600 && sb.st_uid == TEST_UID;
	r[U_DIR_MODE] = stat(udir, &sb) == 0 && (sb.st_mode & 07777) == 0700;
	r[U_HIT] = hit(&cfg, &st);
	chmod(path, 0620);
	r[U_GROUP_WRITABLE] = !hit(&cfg, &st);
	chmod(path, 0600);
	snprintf(udir, sizeof udir, "%s/nss-dnscrypt", xdgdir);
	chmod(udir, 0770);
	r[U_DIR_WRITABLE] = !hit(&cfg, &st);
	chmod(udir, 0700);
	r[U_DIR_WRITABLE] = r[U_DIR_WRITABLE] && hit(&cfg, &st);
	{
		struct dc_cert forged;
		make_cert(&forged, 51, NOW - 3600, NOW + 3600, 0, other_sk);
		r[U_PRESIGNED] = write_packed(path, &st, &forged, 0600) == 0 &&
				 !hit(&cfg, &st);
		dc_certcache_save(&cfg, &st, &c);
		r[U_PRESIGNED] = r[U_PRESIGNED] && hit(&cfg, &st);
	}

	/* pubdir (0755, root) holds serial 60 for st2, valid from NOW - 3600;
	 * ours is valid from NOW - 90000. */
	make_cert(&c, 61, NOW - 90000, NOW + 3600, 0, prov_sk);
	dc_certcache_save(&pub, &st2, &c);
	r[U_SYSTEM_FIRST] = load_serial(&pub, &st2, NOW, &serial) == 0 &&
			    serial == 60;
	r[U_SYSTEM_BAD] = load_serial(&pub, &st2, NOW - 86400, &serial) == 0 &&
			  serial == 61;

	stamp4(&st3, "192.0.2.52", 443, "2.dnscrypt-cert.example");
	r[U_FOREIGN_OWNER] = !hit(&cfg, &st3);

	r[U_NONE] = !hit(&none, &st);
	unsetenv("XDG_CACHE_HOME");
	setenv("HOME", home, 1);
	r[U_NONE] = r[U_NONE] && !hit(&none, &st);
	std_cert(&c, 70);
	dc_certcache_save(&cfg, &st, &c);
	snprintf(udir, sizeof udir, "%s/.cache/nss-dnscrypt", home);
	cache_path(path, sizeof path, udir, &st);
	r[U_HOME_FILE] = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
			 (sb.st_mode & 07777) == 0600;
	snprintf(udir, sizeof udir, "%s/.cache", home);
	r[U_HOME_CACHE_MODE] = stat(udir, &sb) == 0 && (sb.st_mode & 07777) == 0700;
	r[U_HOME_HIT] = load_serial(&cfg, &st, NOW, &serial) == 0 && serial == 70;

	unsetenv("HOME");
	errno = 12345;
	dc_certcache_save(&cfg, &st2, &c);
	r[U_NO_HOME] = !hit(&cfg, &st) && errno == 12345;
	path_checks(r);
}

static void test_user(void)
{
	char pubdir[PATH_MAX], home[PATH_MAX], path[PATH_MAX], udir[PATH_MAX];
	struct dc_config pub;
	struct dc_stamp st, st2;
	struct dc_cert c;
	uint8_t r[U_N];
	uint32_t serial = 0;
	int fds[2], status, i;
	pid_t pid;

	memset(r, 0, sizeof r);
	snprintf(pubdir, sizeof pubdir, "%s/pub", top);
	snprintf(home, sizeof home, "%s/home", top);
	cfg_dir(&pub, pubdir);
	stamp4(&st2, "192.0.2.51", 443, "2.dnscrypt-cert.example");
	std_cert(&c, 60);
	dc_certcache_save(&pub, &st2, &c); /* as root: creates pubdir 0755 */
	mkdir(home, 0700);
	chmod(top, 0755);
	/* a valid certificate in the per-user directory, but owned by root */
	snprintf(udir, sizeof udir, "%s/nss-dnscrypt", xdgdir);
	mkdir(udir, 0700);
	if (chown(udir, TEST_UID, TEST_UID) != 0) {
		T_OK(0, "set up the per-user test");
		return;
	}
	stamp4(&st, "192.0.2.52", 443, "2.dnscrypt-cert.example");
	cache_path(path, sizeof path, udir, &st);
	write_file(path, c.raw, c.rawlen, 0644);
	if (chown(xdgdir, TEST_UID, TEST_UID) != 0 ||
	    chown(home, TEST_UID, TEST_UID) != 0 || plant_paths() != 0 || pipe(fds) != 0) {
		T_OK(0, "set up the per-user test");
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (setgroups(0, NULL) == 0 && setresgid(TEST_UID, TEST_UID, TEST_UID) == 0 &&
		    setresuid(TEST_UID, TEST_UID, TEST_UID) == 0)
			user_checks(pubdir, home, r);
		(void)!write(fds[1], r, sizeof r);
		_exit(0);
	}
	close(fds[1]);
	T_OK(pid > 0 && read(fds[0], r, sizeof r) == (ssize_t)sizeof r,
	     "child as uid %d reported", TEST_UID);
	close(fds[0]);
	waitpid(pid, &status, 0);
	for (i = 0; i < U_N; i++)
		T_OK(r[i], "%s", u_desc[i]);

	stamp4(&st, "192.0.2.50", 443, "2.dnscrypt-cert.example");
	cache_path(path, sizeof path, sysdir, &st);
	T_OK(!exists(path), "user: nothing written to the system directory");
	cache_path(path, sizeof path, pubdir, &st2);
	T_OK(load_serial(&pub, &st2, NOW, &serial) == 0 && serial == 60,
	     "user: the system file is untouched");
}

/* dc_cachefile_read fills a buffer of exactly max bytes and no more (run
 * under ASan by make check-san): a file of max bytes is read whole, one of
 * max + 1 is refused. */
static void test_read_bounds(const struct dc_config *cfg)
{
	enum { MAX = 100 };
	uint8_t data[MAX + 1], *buf = malloc(MAX);
	char path[PATH_MAX];
	ssize_t n;

	if (!buf)
		abort();
	memset(data, 'x', sizeof data);
	snprintf(path, sizeof path, "%s/bounds.test", cfg->cert_cache_dir);
	T_OK(write_file(path, data, MAX, 0644) == 0, "a file of max bytes written");
	n = dc_cachefile_read(cfg, 0, 0, "bounds.test", buf, MAX, NULL);
	T_EQ_INT(n, MAX, "a file of max bytes: read whole into max bytes");
	T_OK(write_file(path, data, MAX - 1, 0644) == 0 &&
	     dc_cachefile_read(cfg, 0, 0, "bounds.test", buf, MAX, NULL) == MAX - 1,
	     "a file of max - 1 bytes: read whole");
	T_OK(write_file(path, data, MAX + 1, 0644) == 0 &&
	     dc_cachefile_read(cfg, 0, 0, "bounds.test", buf, MAX, NULL) == -1,
	     "a file of max + 1 bytes: refused");
	unlink(path);
	free(buf);
}

int main(void)
{
	struct dc_config cfg;
	char cmd[PATH_MAX + 16];

	if (sodium_init() < 0)
		return 2;
	crypto_sign_keypair(prov_pk, prov_sk);
	crypto_sign_keypair(other_pk, other_sk);
	strcpy(top, "/tmp/test_certcache.XXXXXX");
	if (mkdtemp(top) == NULL)
		return 2;
	snprintf(sysdir, sizeof sysdir, "%s/sys", top);
	snprintf(xdgdir, sizeof xdgdir, "%s/xdg", top);
	if (mkdir(sysdir, 0700) != 0 || mkdir(xdgdir, 0700) != 0)
		return 2;
	setenv("XDG_CACHE_HOME", xdgdir, 1);
	cfg_dir(&cfg, sysdir);

	if (geteuid() != 0) {
		printf("# not root: only the tests that need no root\n");
		test_none();
		T_DONE();
	}
	test_roundtrip(&cfg);
	test_read_bounds(&cfg);
	test_tampered(&cfg);
	test_foreign_expired(&cfg);
	test_presigned(&cfg);
	test_size(&cfg);
	test_symlink(&cfg);
	test_owner_mode(&cfg);
	test_special_files(&cfg);
	test_none();
	test_identities(&cfg);
	test_errno(&cfg);
	test_dir_creation();
	test_root_ignores_user_dir(&cfg);
	test_user();

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", top);
	T_DONE();
}
