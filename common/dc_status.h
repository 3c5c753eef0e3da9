/* SPDX-License-Identifier: ISC */
/* dc_status.h - the one internal status enum of nss-dnscrypt.
 *
 * Every function of common/ that can fail returns a dc_status.  Front ends
 * turn it into their own conventions in exactly one place each
 * (nss/nss_status.c for (nss_status, errno, h_errno)).
 */
#ifndef DC_STATUS_H
#define DC_STATUS_H

typedef enum dc_status {
	DC_OK = 0,
	DC_ENOTFOUND,   /* NXDOMAIN: the name does not exist */
	DC_ENODATA,     /* the name exists but has no record of that type */
	DC_ETIMEOUT,    /* no (valid) answer within the configured budget */
	DC_ECONNREFUSED,/* the resolver refused the connection / ICMP unreachable */
	DC_EBADRESP,    /* malformed, tampered or unauthenticated answer */
	DC_ESERVFAIL,   /* the resolver answered SERVFAIL */
	DC_EREFUSED,    /* the resolver answered REFUSED (or NOTIMP/FORMERR) */
	DC_ECERT,       /* no valid certificate for the resolver */
	DC_ENOMEM,      /* out of memory */
	DC_ERANGE,      /* caller's buffer too small */
	DC_EBADNAME,    /* the name is not a valid host name (res_hnok) */
	DC_ENOQUERY,    /* no query can be built for the name (res_mkquery) */
	DC_EBADARG,     /* invalid argument (family, length, ...) */
	DC_ECONFIG,     /* not configured: no file, or a file that names no server */
	DC_EPARSE,      /* malformed input (stamp, config line, certificate) */
	DC_ESYS,        /* a system call failed; errno holds the reason */
	DC_EBADFRAME,   /* a TCP answer frame too short, cut or unauthenticated */
	DC_ECONFREAD,   /* the configuration exists but cannot be read (EACCES, EIO...) */
	DC_ECONFBAD,    /* the configuration exists but is wrong: it does not parse, it
	                 * fails the owner and mode checks, a set variable is bad */
	DC_EBOGUS,      /* dnssec validate: the answer is bogus or its proof could
	                 * not be had (RFC 4033 5: bogus, indeterminate) */
	DC_EDNSSEC,     /* dnssec validate, but the validator object or the trust
	                 * anchor cannot be loaded: no answer can be checked */
	DC_STATUS_MAX
} dc_status;

#include <stddef.h>

/* Write a one-line message to err (nothing if err is NULL or errlen 0). */
__attribute__((format(printf, 3, 4)))
void dc_set_err(char *err, size_t errlen, const char *fmt, ...);

/* A short English description, never NULL. */
const char *dc_strerror(dc_status st);

#endif
