/* SPDX-License-Identifier: ISC */
/* dc_config.h - the configuration file, /etc/nss-dnscrypt.conf by default.
 *
 * Line based: '#' starts a comment, blank lines are ignored, each other
 * line is "keyword value...".  See README.md for the keywords.
 */
#ifndef DC_CONFIG_H
#define DC_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include "dc_stamp.h"

#define DC_CONFIG_DEFAULT_PATH "/etc/nss-dnscrypt.conf"
#define DC_CONFIG_ENV          "NSS_DNSCRYPT_CONF"    /* path override */
#define DC_CONFIG_ENV_SERVER   "NSS_DNSCRYPT_SERVER"  /* one sdns:// stamp */
#define DC_MAX_SERVERS 16
#define DC_MAX_SEARCH  6
#define DC_MAX_RELAYS  16
#define DC_MAX_VIA     DC_MAX_RELAYS /* relays in one route */
#define DC_CFG_NAME_MAX    32      /* bytes in a server or relay name */

struct dc_config {
	struct dc_stamp servers[DC_MAX_SERVERS];
	int nservers;
	int timeout_ms;        /* per try; default 500 */
	int attempts;          /* tries per server; default 4 */
	int total_timeout_ms;  /* cap on one lookup; default 8000 */
	int ndots;             /* -1: take from resolv.conf */
	int nsearch;           /* -1: take from resolv.conf; 0..DC_MAX_SEARCH */
	char search[DC_MAX_SEARCH][256];
	int udp_size;          /* initial padded UDP query size; default 512 */
	int udp_max;           /* largest padded UDP query; default 1252 */
	int cache;             /* in-process answer cache on (1) or off (0) */
	int tcp_only;          /* send every query over TCP (UDP blocked) */
	char cert_cache_dir[256]; /* "" = no on-disk certificate cache */
	char log_target[256];  /* debug log: "" off, "syslog", or a file path */
	/* Several servers and relays (README "Several servers", "Relays"). */
	char server_name[DC_MAX_SERVERS][DC_CFG_NAME_MAX + 1]; /* "" unnamed */
	struct dc_stamp relays[DC_MAX_RELAYS];             /* kind 0x81 */
	char relay_name[DC_MAX_RELAYS][DC_CFG_NAME_MAX + 1];
	int nrelays;
	/* Route of server i: the relays (indices in relays[]) its queries go
	 * through, one at a time; nvia[i] == 0 is direct. */
	uint8_t via[DC_MAX_SERVERS][DC_MAX_VIA];
	int nvia[DC_MAX_SERVERS];
	uint8_t via_default[DC_MAX_VIA]; /* "route *": servers without a route */
	int nvia_default;
	int require_dnssec;    /* drop servers whose stamp lacks the property */
	int require_nolog;
	int require_nofilter;
	int direct_cert_fallback; /* fetch a certificate directly if the relay fails */
	int ephemeral_keys;    /* a fresh client key pair for every query */
	int dnssec;            /* DC_DNSSEC_NO or DC_DNSSEC_VALIDATE */
	char trust_anchor[256]; /* the anchor file read with dnssec validate */
	int key_cache;         /* client key + shared key kept between processes */
};

/* "dnssec no|validate" (README "DNSSEC").  A later mode trusting the
 * resolver's AD bit would be one more value here. */
enum { DC_DNSSEC_NO = 0, DC_DNSSEC_VALIDATE = 1 };

#define DC_CONFIG_MAX_SIZE   65536 /* bytes in a config file */
#define DC_CONFIG_LINE_MAX   1023  /* bytes in one line, without the newline */
#define DC_DEFAULT_CERT_CACHE "/var/cache/nss-dnscrypt"

/* Defaults, no server. */
void dc_config_init(struct dc_config *cfg);

/* Parse a whole file held in memory: defaults (dc_config_init), then the
 * file's settings.  name is used in error messages.  A file without a
 * server line is not an error here; a file whose servers the require-*
 * options all drop is.  Routes are resolved (names to indices) and
 * servers without a route of their own get the "route *" one.  On error returns DC_ECONFBAD, writes
 * "name:line: reason" (or "name: reason" for the whole file) and leaves
 * cfg at the defaults (DC_ENOMEM when the parser's state, on the heap,
 * cannot be had). */
dc_status dc_config_parse(const char *text, size_t len, const char *name,
			  struct dc_config *cfg, char *err, size_t errlen);

/* The DC_PROP_* bits cfg's require-* options ask of every server. */
uint64_t dc_config_required_props(const struct dc_config *cfg);

/* Read and parse a file (cloexec, size-bounded), as dc_config_parse.
 * A missing file (ENOENT, ENOTDIR) is DC_ECONFIG "path: reason"; a file
 * that exists but cannot be opened, examined or read (EACCES, EPERM,
 * EIO...) is DC_ECONFREAD, whose message says so; one that is not a
 * regular file, is too large or does not parse is DC_ECONFBAD; out of
 * descriptors or memory is DC_ESYS (errno kept). */
dc_status dc_config_load(const char *path, struct dc_config *cfg,
			 char *err, size_t errlen);

/* The configuration for this process: the file named by $NSS_DNSCRYPT_CONF
 * (read with secure_getenv) or the default path, then a server from
 * $NSS_DNSCRYPT_SERVER if set (replacing the file's servers; it takes the
 * "route *" relays and must pass the require-* options).  "Not
 * configured", DC_ECONFIG, is only a file that parses but names no server,
 * or a missing file ("no configuration: ...") without $NSS_DNSCRYPT_SERVER
 * (with it: defaults + that server).  The default path must pass
 * dc_config_check_owner.  An unreadable file is DC_ECONFREAD, a wrong one
 * (dc_config_load, dc_config_check_owner) or a bad $NSS_DNSCRYPT_SERVER
 * DC_ECONFBAD: these fail closed.  Empty variables count as unset. */
dc_status dc_config_load_default(struct dc_config *cfg, char *err, size_t errlen);

/* A program's own override of "dnssec" for every later
 * dc_config_load_default in this process (dnscrypt-resolve --dnssec,
 * --no-dnssec): DC_DNSSEC_VALIDATE or DC_DNSSEC_NO, with the trust-anchor
 * configured or the default; -1 (the start) takes the file's.  Call it
 * before the first lookup; the library never calls it. */
void dc_config_force_dnssec(int mode);

/* The check applied to the default system path: the file open on fd must
 * be owned by root and writable by neither group nor others.  DC_ECONFBAD
 * with "path is writable by others; refusing it"-style reasons. */
dc_status dc_config_check_owner(const char *path, int fd, char *err, size_t errlen);

#endif
