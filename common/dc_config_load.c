/* SPDX-License-Identifier: ISC */
/* dc_config_load.c - reading the configuration: a file (cloexec, bounded
 * in size, and for the default system path owned by root and writable by
 * no one else) handed to dc_config_parse, and the configuration of this
 * process: $NSS_DNSCRYPT_CONF or the default path, then a server from
 * $NSS_DNSCRYPT_SERVER.
 *
 * Only a missing file (ENOENT, ENOTDIR) or one that names no server is
 * "not configured" (DC_ECONFIG, UNAVAIL).  A file that is there but cannot
 * be read (EACCES, EPERM, EIO, any other open or read error: a 0600 file
 * and a user, an AppArmor, SELinux or Landlock denial) is DC_ECONFREAD; one
 * that is read but is wrong (not a regular file, too large, refused by the
 * owner and mode checks, does not parse) and a bad $NSS_DNSCRYPT_SERVER
 * are DC_ECONFBAD: lookups fail closed, since a typo or a tampered file
 * must not send them to a plaintext source.  A program may override
 * "dnssec" for itself (dc_config_force_dnssec); nothing in the
 * environment does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_config.h"
#include "dc_readfile.h"

static void err_errno(char *err, size_t errlen, const char *path, int e)
{
	char buf[128];

	dc_set_err(err, errlen, "%s: %s", path, strerror_r(e, buf, sizeof buf));
}

/* The file is there but this process cannot read it. */
static dc_status err_unreadable(char *err, size_t errlen, const char *path, int e)
{
	char buf[128];

	dc_set_err(err, errlen, "%s exists but cannot be read (%s): name lookups "
		   "fail until this process can read it; they never fall back to "
		   "plain DNS", path, strerror_r(e, buf, sizeof buf));
	return DC_ECONFREAD;
}

dc_status dc_config_check_owner(const char *path, int fd, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return err_unreadable(err, errlen, path, errno);
	if (st.st_mode & S_IWOTH) {
		dc_set_err(err, errlen, "%s is writable by others; refusing it", path);
		return DC_ECONFBAD;
	}
	if (st.st_mode & S_IWGRP) {
		dc_set_err(err, errlen, "%s is writable by its group; refusing it", path);
		return DC_ECONFBAD;
	}
	if (st.st_uid != 0) {
		dc_set_err(err, errlen, "%s is owned by uid %lu, not root; refusing it",
			path, (unsigned long)st.st_uid);
		return DC_ECONFBAD;
	}
	return DC_OK;
}

/* At most DC_CONFIG_MAX_SIZE bytes of a regular file into *text. */
static dc_status read_fd(int fd, const char *path, char **text, size_t *len,
			 char *err, size_t errlen)
{
	uint8_t *buf;
	int e = dc_readfile_fd(fd, DC_CONFIG_MAX_SIZE, &buf, len);

	switch (e) {
	case 0:
		*text = (char *)buf;
		return DC_OK;
	case EINVAL:
		dc_set_err(err, errlen, "%s: not a regular file", path);
		return DC_ECONFBAD;
	case EFBIG:
		dc_set_err(err, errlen, "%s: file is larger than %d KiB", path,
			DC_CONFIG_MAX_SIZE / 1024);
		return DC_ECONFBAD;
	case ENOMEM:
		dc_set_err(err, errlen, "%s: out of memory", path);
		return DC_ENOMEM;
	default:
		return err_unreadable(err, errlen, path, e);
	}
}

/* *open_errno is set to the errno of a failed open, else 0. */
static dc_status load_file(const char *path, int check_owner,
			   struct dc_config *cfg, char *err, size_t errlen,
			   int *open_errno)
{
	char *text = NULL;
	size_t len = 0;
	dc_status rc;
	int fd;

	*open_errno = 0;
	dc_config_init(cfg);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		*open_errno = e;
		if (e == ENOENT || e == ENOTDIR) {
			err_errno(err, errlen, path, e);
			return DC_ECONFIG;
		}
		/* Out of descriptors or memory is a passing failure of this
		 * process, not "not configured": UNAVAIL would let nsswitch
		 * go on to the next source. */
		if (e == EMFILE || e == ENFILE || e == ENOMEM || e == EINTR ||
		    e == EAGAIN) {
			err_errno(err, errlen, path, e);
			errno = e;
			return DC_ESYS;
		}
		return err_unreadable(err, errlen, path, e);
	}
	rc = check_owner ? dc_config_check_owner(path, fd, err, errlen) : DC_OK;
	if (rc == DC_OK)
		rc = read_fd(fd, path, &text, &len, err, errlen);
	close(fd);
	if (rc == DC_OK) {
		rc = dc_config_parse(text, len, path, cfg, err, errlen);
		free(text);
	}
	return rc;
}

dc_status dc_config_load(const char *path, struct dc_config *cfg,
			 char *err, size_t errlen)
{
	int open_errno;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL) {
		dc_config_init(cfg);
		dc_set_err(err, errlen, "no configuration file given");
		return DC_ECONFIG;
	}
	return load_file(path, 0, cfg, err, errlen, &open_errno);
}

/* $NSS_DNSCRYPT_SERVER replaces the file's servers. */
static dc_status env_server(const char *text, struct dc_config *cfg,
			    char *err, size_t errlen)
{
	struct dc_stamp st;
	char why[256];
	uint64_t need;

	if (dc_stamp_parse(text, &st, why, sizeof why) != DC_OK) {
		dc_set_err(err, errlen, "%s: %s", DC_CONFIG_ENV_SERVER, why);
		return DC_ECONFBAD;
	}
	if (st.kind != DC_STAMP_DNSCRYPT) {
		dc_set_err(err, errlen, "%s: a relay stamp (0x81) cannot be used as a server",
			DC_CONFIG_ENV_SERVER);
		return DC_ECONFBAD;
	}
	need = dc_config_required_props(cfg);
	if ((st.props & need) != need) {
		dc_set_err(err, errlen, "%s: the server lacks a property the require-* "
			"options ask for", DC_CONFIG_ENV_SERVER);
		return DC_ECONFBAD;
	}
	for (int i = 0; i < DC_MAX_SERVERS; i++) {
		memset(&cfg->servers[i], 0, sizeof cfg->servers[i]);
		cfg->server_name[i][0] = '\0';
		cfg->nvia[i] = 0;
	}
	cfg->servers[0] = st;
	cfg->nservers = 1;
	/* the file's named routes name servers that are gone; "route *"
	 * still holds */
	memcpy(cfg->via[0], cfg->via_default, sizeof cfg->via[0]);
	cfg->nvia[0] = cfg->nvia_default;
	return DC_OK;
}

/* Set by a program before its first lookup, read by every thread's
 * context after it: atomic. */
static int g_force_dnssec = -1;

void dc_config_force_dnssec(int mode)
{
	__atomic_store_n(&g_force_dnssec, mode, __ATOMIC_RELEASE);
}

dc_status dc_config_load_default(struct dc_config *cfg, char *err, size_t errlen)
{
	const char *path = secure_getenv(DC_CONFIG_ENV);
	const char *server = secure_getenv(DC_CONFIG_ENV_SERVER);
	char why[512];
	int from_env = path != NULL && path[0] != '\0';
	int open_errno, force;
	dc_status rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (!from_env)
		path = DC_CONFIG_DEFAULT_PATH;
	if (server != NULL && server[0] == '\0')
		server = NULL;
	rc = load_file(path, !from_env, cfg, why, sizeof why, &open_errno);
	if (rc != DC_OK) {
		int missing = open_errno == ENOENT || open_errno == ENOTDIR;
		if (missing && server != NULL) {
			dc_config_init(cfg);
		} else if (missing) {
			dc_set_err(err, errlen, "no configuration: %s", why);
			return DC_ECONFIG;
		} else {
			dc_set_err(err, errlen, "%s", why);
			return rc;
		}
	}
	if (server != NULL && env_server(server, cfg, err, errlen) != DC_OK)
		return DC_ECONFBAD;
	force = __atomic_load_n(&g_force_dnssec, __ATOMIC_ACQUIRE);
	if (force == DC_DNSSEC_NO || force == DC_DNSSEC_VALIDATE)
		cfg->dnssec = force;
	if (cfg->nservers == 0) {
		dc_set_err(err, errlen, "no server configured in %s", path);
		return DC_ECONFIG;
	}
	return DC_OK;
}
