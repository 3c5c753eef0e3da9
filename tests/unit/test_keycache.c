/* SPDX-License-Identifier: ISC */
/* test_keycache.c - key-cache yes (dc_keycache.h): the key file's format,
 * and the files: written 0600, read only by their owner's processes,
 * refused when others may read or write them, for another certificate,
 * once too old.  Runs as root (the system directory); the per-user
 * directory in a child running as TEST_UID. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sodium.h>
#include "t.h"
#include "dc_certcache.h"
#include "dc_certfile.h"
#include "dc_keycache.h"

#define NOW 1700000000
#define TEST_UID 1234

static char top[48], sysdir[64], xdgdir[64];

static void make_cert(struct dc_cert *c, uint32_t serial)
{
	memset(c, 0, sizeof *c);
	c->rawlen = DC_CERT_MIN_LEN;
	memcpy(c->raw, "DNSC\0\2\0\0", 8);
	memset(c->raw + 72, 0x42, 32);
	c->raw[112] = (uint8_t)serial;
	c->es_version = DC_ES_XCHACHA20;
	memcpy(c->client_magic, "MAGIC123", 8);
	memcpy(c->raw + 104, "MAGIC123", 8);
	c->serial = serial;
}

static void make_session(struct dc_session *s, uint8_t fill)
{
	memset(s, 0, sizeof *s);
	s->es_version = DC_ES_XCHACHA20;
	memcpy(s->client_magic, "MAGIC123", 8);
	memset(s->client_pk, fill, 32);
	memset(s->shared, fill + 1, 32);
}

static void stamp4(struct dc_stamp *st, const char *ip)
{
	memset(st, 0, sizeof *st);
	st->kind = DC_STAMP_DNSCRYPT;
	st->addr.sin.sin_family = AF_INET;
	st->addr.sin.sin_port = htons(443);
	inet_pton(AF_INET, ip, &st->addr.sin.sin_addr);
	st->addrlen = sizeof st->addr.sin;
	memset(st->provider_pk, 7, 32);
	strcpy(st->provider_name, "2.dnscrypt-cert.example");
}

static void key_path(char *out, size_t cap, const char *dir, const struct dc_stamp *st)
{
	uint8_t id[DC_CERTCACHE_ID_LEN];
	char hex[2 * DC_CERTCACHE_ID_LEN + 1];

	dc_certcache_id(st, id);
	sodium_bin2hex(hex, sizeof hex, id, sizeof id);
	snprintf(out, cap, "%s/%s.key", dir, hex);
}

static void cfg_dir(struct dc_config *cfg, const char *dir)
{
	dc_config_init(cfg);
	snprintf(cfg->cert_cache_dir, sizeof cfg->cert_cache_dir, "%s", dir);
	cfg->key_cache = 1;
}

static int same(const struct dc_session *a, const struct dc_session *b)
{
	return memcmp(a, b, sizeof *a) == 0;
}

static void test_format(void)
{
	uint8_t d[32], d2[32], f[DC_KEYFILE_LEN];
	struct dc_session s, out;
	struct dc_cert c;

	make_cert(&c, 1);
	make_session(&s, 0x10);
	memset(d, 3, sizeof d);
	memset(d2, 4, sizeof d2);
	dc_keyfile_pack(d, &s, NOW, f);
	T_OK(memcmp(f, "DCk1", 4) == 0, "format: magic DCk1");
	T_OK(dc_keyfile_parse(f, sizeof f, d, &c, NOW, &out) == 0 && same(&out, &s),
	     "format: the session comes back (es-version and magic from the certificate)");
	T_EQ_INT(dc_keyfile_parse(f, sizeof f, d2, &c, NOW, &out), -1,
		 "format: another certificate's digest: refused");
	T_EQ_INT(dc_keyfile_parse(f, sizeof f - 1, d, &c, NOW, &out), -1, "format: short: refused");
	T_EQ_INT(dc_keyfile_parse(f, sizeof f, d, &c, NOW + DC_KEYFILE_MAX_AGE - 1, &out), 0,
		 "format: just under the maximum age: used");
	T_EQ_INT(dc_keyfile_parse(f, sizeof f, d, &c, NOW + DC_KEYFILE_MAX_AGE, &out), -1,
		 "format: the maximum age: refused");
	T_EQ_INT(dc_keyfile_parse(f, sizeof f, d, &c, NOW - 60, &out), 0,
		 "format: made a minute ahead of the clock: used");
	T_EQ_INT(dc_keyfile_parse(f, sizeof f, d, &c, NOW - 61, &out), -1,
		 "format: made further ahead: refused");
	f[0] ^= 1;
	T_EQ_INT(dc_keyfile_parse(f, sizeof f, d, &c, NOW, &out), -1, "format: bad magic: refused");
	f[0] ^= 1;
	memset(s.shared, 0, 32);
	dc_keyfile_pack(d, &s, NOW, f);
	T_EQ_INT(dc_keyfile_parse(f, sizeof f, d, &c, NOW, &out), -1,
		 "format: an all-zero shared key: refused");
}

static void test_files(void)
{
	struct dc_config cfg, none;
	struct dc_stamp st, st2;
	struct dc_cert c, c2;
	struct dc_session s, out;
	char path[PATH_MAX];
	struct stat sb;

	cfg_dir(&cfg, sysdir);
	cfg_dir(&none, "");
	stamp4(&st, "192.0.2.1");
	stamp4(&st2, "192.0.2.2");
	make_cert(&c, 1);
	make_cert(&c2, 2);
	make_session(&s, 0x20);
	key_path(path, sizeof path, sysdir, &st);

	T_EQ_INT(dc_keycache_load(&cfg, &st, &c, NOW, &out), DC_ENOTFOUND, "empty: miss");
	errno = 4321;
	dc_keycache_save(&cfg, &st, &c, &s, NOW);
	T_EQ_INT(errno, 4321, "save keeps errno");
	T_OK(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600 && sb.st_uid == 0,
	     "root's key file: 0600, root's (not 0644 like its certificate)");
	T_OK(dc_keycache_load(&cfg, &st, &c, NOW, &out) == DC_OK && same(&out, &s),
	     "save then load: the same session");
	T_EQ_INT(dc_keycache_load(&cfg, &st, &c2, NOW, &out), DC_ENOTFOUND,
		 "another certificate of the server: miss");
	T_EQ_INT(dc_keycache_load(&cfg, &st2, &c, NOW, &out), DC_ENOTFOUND,
		 "another server: miss");
	T_EQ_INT(dc_keycache_load(&cfg, &st, &c, NOW + DC_KEYFILE_MAX_AGE, &out), DC_ENOTFOUND,
		 "after DC_KEYFILE_MAX_AGE: miss");
	chmod(path, 0640);
	T_EQ_INT(dc_keycache_load(&cfg, &st, &c, NOW, &out), DC_ENOTFOUND,
		 "group-readable key file: miss");
	chmod(path, 0604);
	T_EQ_INT(dc_keycache_load(&cfg, &st, &c, NOW, &out), DC_ENOTFOUND,
		 "world-readable key file: miss");
	chmod(path, 0600);
	T_OK(chown(path, TEST_UID, TEST_UID) == 0 &&
	     dc_keycache_load(&cfg, &st, &c, NOW, &out) == DC_ENOTFOUND,
	     "key file of another user in root's directory: miss");
	T_OK(chown(path, 0, 0) == 0 && dc_keycache_load(&cfg, &st, &c, NOW, &out) == DC_OK,
	     "root's again: hit");
	T_EQ_INT(dc_keycache_load(&none, &st, &c, NOW, &out), DC_ENOTFOUND,
		 "cert-cache none: miss");
	dc_keycache_save(&none, &st2, &c, &s, NOW);
	key_path(path, sizeof path, sysdir, &st2);
	T_OK(access(path, F_OK) != 0, "cert-cache none: nothing written");
}

/* As TEST_UID: root's key file is not read, the user's own is written
 * 0600 in the per-user directory and read back. */
static void test_user(void)
{
	struct dc_config cfg;
	struct dc_stamp st;
	struct dc_cert c;
	struct dc_session s, out;
	char path[PATH_MAX];
	uint8_t r[3] = { 0, 0, 0 };
	int fds[2], status;
	pid_t pid;

	cfg_dir(&cfg, sysdir);
	stamp4(&st, "192.0.2.1");   /* root saved a key for it in test_files */
	make_cert(&c, 1);
	chmod(top, 0755);
	chmod(sysdir, 0755);
	if (chown(xdgdir, TEST_UID, TEST_UID) != 0 || pipe(fds) != 0) {
		T_OK(0, "set up the per-user test");
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct stat sb;
		char udir[PATH_MAX];
		close(fds[0]);
		if (setgroups(0, NULL) == 0 && setresgid(TEST_UID, TEST_UID, TEST_UID) == 0 &&
		    setresuid(TEST_UID, TEST_UID, TEST_UID) == 0) {
			r[0] = dc_keycache_load(&cfg, &st, &c, NOW, &out) == DC_ENOTFOUND;
			make_session(&s, 0x30);
			dc_keycache_save(&cfg, &st, &c, &s, NOW);
			snprintf(udir, sizeof udir, "%s/nss-dnscrypt", xdgdir);
			key_path(path, sizeof path, udir, &st);
			r[1] = stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0600 &&
			       sb.st_uid == TEST_UID;
			r[2] = dc_keycache_load(&cfg, &st, &c, NOW, &out) == DC_OK && same(&out, &s);
		}
		(void)!write(fds[1], r, sizeof r);
		_exit(0);
	}
	close(fds[1]);
	T_OK(pid > 0 && read(fds[0], r, sizeof r) == (ssize_t)sizeof r, "child reported");
	close(fds[0]);
	waitpid(pid, &status, 0);
	T_OK(r[0], "user: root's key file is not read");
	T_OK(r[1], "user: the user's key file is 0600, the user's, in the per-user directory");
	T_OK(r[2], "user: and read back");
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	if (sodium_init() < 0)
		return 2;
	test_format();
	if (geteuid() != 0) {
		printf("# not root: only the format\n");
		T_DONE();
	}
	strcpy(top, "/tmp/test_keycache.XXXXXX");
	if (mkdtemp(top) == NULL)
		return 2;
	snprintf(sysdir, sizeof sysdir, "%s/sys", top);
	snprintf(xdgdir, sizeof xdgdir, "%s/xdg", top);
	if (mkdir(sysdir, 0755) != 0 || mkdir(xdgdir, 0700) != 0)
		return 2;
	setenv("XDG_CACHE_HOME", xdgdir, 1);
	test_files();
	test_user();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", top);
	T_DONE();
}
