/* dc_config.h - the configuration file, /etc/nss-dnscrypt.conf by default.
 *
 * Line based: '#' starts a comment, blank lines are ignored, each other
 * line is "keyword value...".  See README.md for the keywords.
 */
#ifndef DC_CONFIG_H
#define DC_CONFIG_H

#include <stddef.h>
#include "dc_stamp.h"

#define DC_CONFIG_DEFAULT_PATH "/etc/nss-dnscrypt.conf"
#define DC_CONFIG_ENV          "NSS_DNSCRYPT_CONF"    /* path override */
#define DC_CONFIG_ENV_SERVER   "NSS_DNSCRYPT_SERVER"  /* one sdns:// stamp */
#define DC_MAX_SERVERS 16
#define DC_MAX_SEARCH  6

struct dc_config {
	struct dc_stamp servers[DC_MAX_SERVERS];
	int nservers;
	int timeout_ms;        /* per try; default 1000 */
	int attempts;          /* tries per server; default 3 */
	int total_timeout_ms;  /* cap on one lookup; default 5000 */
	int ndots;             /* -1: take from resolv.conf */
	int nsearch;           /* -1: take from resolv.conf; 0..DC_MAX_SEARCH */
	char search[DC_MAX_SEARCH][256];
	int udp_size;          /* initial padded UDP query size; default 512 */
	int udp_max;           /* largest padded UDP query; default 1252 */
	int cache;             /* in-process answer cache on (1) or off (0) */
	char cert_cache_dir[256]; /* "" = no on-disk certificate cache */
};

/* Defaults, no server. */
void dc_config_init(struct dc_config *cfg);

/* Parse a whole file held in memory.  name is used in error messages.
 * On error returns DC_ECONFIG/DC_EPARSE and writes "name:line: reason". */
dc_status dc_config_parse(const char *text, size_t len, const char *name,
			  struct dc_config *cfg, char *err, size_t errlen);

/* Read and parse a file (cloexec, size-bounded). */
dc_status dc_config_load(const char *path, struct dc_config *cfg,
			 char *err, size_t errlen);

/* The configuration for this process: the file named by $NSS_DNSCRYPT_CONF
 * (read with secure_getenv) or the default path, then a server from
 * $NSS_DNSCRYPT_SERVER if set (replacing the file's servers).  A config
 * with no server is DC_ECONFIG. */
dc_status dc_config_load_default(struct dc_config *cfg, char *err, size_t errlen);

#endif
