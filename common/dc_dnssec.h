/* SPDX-License-Identifier: ISC */
/* dc_dnssec.h - the interface between the lookup core and the DNSSEC
 * validator (issue 15).
 *
 * The validator (common/dc_dnssec*.c, on ldns) is built into a private
 * shared object, $(libdir)/nss-dnscrypt/dnssec.so, which the core loads
 * with dlopen(RTLD_NOW | RTLD_LOCAL) only when the configuration says
 * "dnssec validate": with "dnssec no" nothing of it (nor ldns, nor
 * libcrypto) is mapped.  Its one exported symbol is DC_SEC_OPS_SYMBOL, a
 * const struct dc_sec_ops.  Everything the validator needs from the
 * network (DNSKEY and DS sets, denial proofs for DS) it asks through
 * dc_sec_io.fetch, i.e. through the encrypted lookup engine: the
 * validator never opens a socket and never sees plaintext DNS.
 *
 * Rules the validator keeps (it lives inside other people's processes):
 * no output on stdout or stderr, no exit or abort, errno preserved, no
 * global state without a lock, nothing kept across fork that a child may
 * not use (plain memory only).
 */
#ifndef DC_DNSSEC_H
#define DC_DNSSEC_H

#include <stddef.h>
#include <time.h>

#define DC_SEC_ABI        2 /* 2: open takes the anchor's bytes, not a path */
#define DC_SEC_OPS_SYMBOL "dc_sec_ops_v1"
#define DC_SEC_OBJECT     "nss-dnscrypt/dnssec.so" /* beside the loader */
#define DC_SEC_DEFAULT_ANCHOR "/usr/share/dns/root.key" /* dns-root-data */
#define DC_SEC_WHY_MAX    256
#define DC_SEC_ANCHOR_MAX_FILE 65536 /* bytes of a trust anchor file, at most */

/* RFC 4033 section 5 states.  Secure and insecure answers are used;
 * bogus and indeterminate are errors (DC_EBOGUS: TRYAGAIN, EAI_AGAIN,
 * TRY_AGAIN, exit 2), never "not found". */
enum dc_sec_state {
	DC_SEC_SECURE = 1,   /* chain of trust from the anchor, proof checked */
	DC_SEC_INSECURE,     /* provably unsigned (no DS at a delegation, or
	                      * only unsupported algorithms: RFC 4035 5.2) */
	DC_SEC_BOGUS,        /* should be signed but the proof fails */
	DC_SEC_INDETERMINATE /* the proof could not be had (fetch failed) */
};

struct dc_sec_result {
	enum dc_sec_state state;
	/* For bogus and indeterminate, why in words: which zone, which
	 * record, what failed ("lab.test. A: RRSIG expired 2026-12-01
	 * 00:00:00 UTC", "no DS for lab.test. matches a DNSKEY", ...). */
	char why[DC_SEC_WHY_MAX];
};

/* What the validator asks of its caller. */
struct dc_sec_io {
	void *arg;
	/* Ask name (presentation form, absolute) type class IN, with EDNS DO
	 * and CD set, through the engine, within the lookup's budget.
	 * Returns a dc_status value (0 = DC_OK) and, on DC_OK, a malloc'd
	 * whole DNS response in *ans (freed by the validator) of *alen bytes;
	 * NXDOMAIN and NODATA responses are DC_OK here (their proofs are in
	 * them). */
	int (*fetch)(void *arg, const char *name, int type,
		     unsigned char **ans, size_t *alen);
	/* Optional (NULL: none) persistent store of validated DNSKEY and DS
	 * sets, in the certificate cache directory, under its ownership
	 * rules.  key is printable ([a-z0-9.-_], at most 255 bytes).  load
	 * returns a malloc'd copy or NULL; store replaces. */
	unsigned char *(*load)(void *arg, const char *key, size_t *len);
	void (*store)(void *arg, const char *key,
		      const unsigned char *blob, size_t len);
};

struct dc_sec_validator; /* per lookup context (per thread): no lock */

struct dc_sec_ops {
	int abi; /* DC_SEC_ABI */
	/* Parses the trust anchor: the len bytes of the anchor file (DS or
	 * DNSKEY records in zone file form, as /usr/share/dns/root.key; at
	 * most DC_SEC_ANCHOR_MAX_FILE), read once by the core, which binds
	 * what is kept on disk to their digest (dc_secbind.h).  The validator
	 * reads no file and keeps no pointer to anchor.  NULL with err set on
	 * failure ("line 3: not a resource record": the core names the file). */
	struct dc_sec_validator *(*open)(const unsigned char *anchor, size_t len,
					 char *err, size_t errlen);
	void (*close)(struct dc_sec_validator *v);
	/* Validates ans, the whole response to (qname, qtype) class IN,
	 * following its CNAME/DNAME chain link by link, at time now.  Always
	 * fills res. */
	void (*validate)(struct dc_sec_validator *v, const char *qname,
			 int qtype, const unsigned char *ans, size_t alen,
			 const struct dc_sec_io *io, time_t now,
			 struct dc_sec_result *res);
};

#endif
