/* SPDX-License-Identifier: ISC */
/* dc_dnssec_int.h - what the files of the DNSSEC validator share
 * (common/dc_dnssec*.c, built into nss-dnscrypt/dnssec.so only).
 *
 *   dc_dnssec.c        the ops table, open/close, validate(): the answer
 *                      and its CNAME/DNAME chain, link by link
 *   dc_dnssec_anchor.c the trust anchor file
 *   dc_dnssec_cache.c  validated DNSKEY/DS sets and proven insecure cuts,
 *                      in memory and through io->load/io->store
 *   dc_dnssec_chain.c  the chain of trust, from an anchor down to a zone
 *   dc_dnssec_rrset.c  fetches, RRsets and RRSIG checks
 *   dc_dnssec_memo.c   signatures already checked
 *   dc_dnssec_denial.c proofs of non-existence: NSEC, and the records
 *   dc_dnssec_nsec3.c  NSEC3 proofs
 *   dc_dnssec_why.c    states and reasons in words
 *
 * ldns (1.8.3, Debian's libldns3) is used for parsing, RRSIG checks
 * (ldns_verify_rrsig_keylist_time, with the caller's now), DS digests
 * (ldns_rr_compare_ds, ldns_key_rr2ds) and NSEC3 hashing
 * (ldns_nsec3_hash_name).  Read in its sources for output, exit and
 * assert: the library prints only where STDERR_MSGS is defined (Debian's
 * build does not: libldns.so.3 has no stderr reference) and in its
 * *_print functions and ldns_nsec_covers_name() (printf on stdout for a
 * too-long NSEC3 name), which are not called (dc_dnssec_denial.c says
 * why its proofs are its own); it never exits; its abort() is in
 * ldns_rbtree code not reached here; its assert()s are in field accessors
 * (ldns_rdf_data/ldns_rdf_size of NULL, ...), which is why every record
 * read field by field passes dc_sec_rr_sane() first.  tests/fuzz/
 * fuzz_dnssec.c runs all of it on arbitrary input.
 */
#ifndef DC_DNSSEC_INT_H
#define DC_DNSSEC_INT_H

#include <stdarg.h>
#include <ldns/ldns.h>

#include "dc_dnssec.h"

/* Limits against a hostile server (each validate() call). */
#define DC_SEC_MAX_FETCH  16  /* io->fetch calls */
#define DC_SEC_MAX_DEPTH  12  /* zone cuts below an anchor */
#define DC_SEC_MAX_SIGS   4   /* RRSIGs tried per RRset */
#define DC_SEC_MAX_LINKS  12  /* CNAME/DNAME links followed */
#define DC_SEC_MAX_NSEC   16  /* NSEC/NSEC3 records looked at per proof */
/* RFC 9276 3.2: NSEC3 with more iterations than this is treated as
 * insecure (once its signature is checked), as BIND and Unbound do. */
#define DC_SEC_MAX_NSEC3_ITER 150
#define DC_SEC_MAX_TTL    86400 /* a validated set is kept at most a day */
#define DC_SEC_CACHE_MAX  256
/* A name in a reason (res->why holds DC_SEC_WHY_MAX bytes in all): longer
 * ones are cut, ending in "...", so that frames stay small. */
#define DC_SEC_NAME_MAX   128
#define DC_SEC_ABSENT_TTL 60 /* a miss of io->load is asked again after */
#define DC_SEC_MEMO_MAX   64 /* signatures already checked */

/* Fuzzing builds (tests/fuzz/run.sh defines DC_FUZZING) make every check
 * but accept signatures and DS digests that do not match, so that the
 * fuzzer reaches the proofs and the chain behind them. */
#ifdef DC_FUZZING
#define DC_SEC_CRYPTO_OK(x) ((void)(x), 1)
#else
#define DC_SEC_CRYPTO_OK(x) (x)
#endif

enum dc_sec_kind {
	DC_SEC_C_KEYS = 1, /* validated DNSKEY set (zone keys) of owner */
	DC_SEC_C_DS,       /* validated DS set of owner */
	DC_SEC_C_INSECURE  /* owner is a proven insecure delegation */
};

struct dc_sec_centry {
	ldns_rdf *owner;
	enum dc_sec_kind kind;
	ldns_rr_list *rrs; /* NULL for DC_SEC_C_INSECURE */
	time_t expires;
	int absent; /* not in the store either (for DC_SEC_ABSENT_TTL) */
};

struct dc_sec_memo;

struct dc_sec_validator {
	ldns_rr_list *anchors; /* DS form (DNSKEY anchors are digested) */
	struct dc_sec_centry *cache;
	size_t ncache;
	struct dc_sec_memo *memo;
	size_t nmemo, memo_next;
};

/* One validate() call. */
struct dc_sec_walk {
	struct dc_sec_validator *v;
	const struct dc_sec_io *io;
	time_t now;
	int fetches;
	struct dc_sec_result *res;
};

/* dc_dnssec.c: the object's one exported symbol (DC_SEC_OPS_SYMBOL) */
extern const struct dc_sec_ops dc_sec_ops_v1;

/* dc_dnssec_anchor.c: the anchor file's bytes (the core reads the file:
 * dc_secbind_anchor) as DS records; NULL with err set */
ldns_rr_list *dc_sec_anchor_parse(const char *text, size_t len, char *err,
				  size_t errlen);

/* dc_dnssec_cache.c: lookups return the cache's own list (not a copy),
 * valid until the next dc_sec_cache_put. */
const struct dc_sec_centry *dc_sec_cache_get(struct dc_sec_walk *w,
					     const ldns_rdf *owner,
					     enum dc_sec_kind kind);
void dc_sec_cache_put(struct dc_sec_walk *w, const ldns_rdf *owner,
		      enum dc_sec_kind kind, const ldns_rr_list *rrs,
		      time_t expires);
void dc_sec_cache_free(struct dc_sec_validator *v);
size_t dc_sec_blob_pack(const struct dc_sec_centry *e, unsigned char **out);
int dc_sec_blob_unpack(const unsigned char *blob, size_t len,
		       const ldns_rdf *owner, enum dc_sec_kind kind,
		       time_t now, struct dc_sec_centry *e);

/* dc_dnssec_chain.c: the validated zone keys of zone (*keys: a copy, the
 * caller's); SECURE, or INSECURE (an insecure cut at or above zone),
 * BOGUS, INDETERMINATE. */
enum dc_sec_state dc_sec_zone_keys(struct dc_sec_walk *w, const ldns_rdf *zone,
				   ldns_rr_list **keys);
/* Unsigned data at name (what: "missing RRSIG", "no NSEC proof"...):
 * INSECURE when a proven insecure cut is at or above name, BOGUS when
 * name is in a signed zone. */
enum dc_sec_state dc_sec_unsigned(struct dc_sec_walk *w, const ldns_rdf *name,
				  ldns_rr_type type, const char *what);

/* dc_dnssec_rrset.c */
enum dc_sec_state dc_sec_fetch(struct dc_sec_walk *w, const ldns_rdf *name,
			       ldns_rr_type type, ldns_pkt **pkt);
int dc_sec_rr_sane(const ldns_rr *rr);
int dc_sec_labels(const ldns_rdf *name);
ldns_rr_list *dc_sec_rrset(const ldns_rr_list *sect, const ldns_rdf *owner,
			   ldns_rr_type type);
ldns_rr_list *dc_sec_sigs(const ldns_rr_list *sect, const ldns_rdf *owner,
			  ldns_rr_type type);
enum dc_sec_state dc_sec_fetch_set(struct dc_sec_walk *w, const ldns_rdf *owner,
				   ldns_rr_type type, ldns_pkt **pkt,
				   ldns_rr_list **set, ldns_rr_list **sigs);
int dc_sec_alg_supported(unsigned alg);
int dc_sec_is_zone_key(const ldns_rr *dnskey);
enum dc_sec_state dc_sec_verify(struct dc_sec_walk *w,
				const ldns_rr_list *rrset,
				const ldns_rr_list *sigs, const ldns_rdf *zone,
				const ldns_rr_list *keys, time_t *expires,
				int *labels);
time_t dc_sec_set_expiry(struct dc_sec_walk *w, const ldns_rr_list *rrset,
			 time_t sig_expires);
ldns_rdf *dc_sec_signer(const ldns_rr_list *sigs);
enum dc_sec_state dc_sec_signed_rrset(struct dc_sec_walk *w,
				      const ldns_rr_list *sect,
				      const ldns_rdf *owner, ldns_rr_type type,
				      ldns_rr_list **rrset_out, int *labels,
				      ldns_rdf **zone_out);

/* dc_dnssec_memo.c: 1 (and *expires) when sig was checked over rrset with
 * one of keys before and still holds at w->now. */
int dc_sec_memo_hit(struct dc_sec_walk *w, const ldns_rr_list *rrset,
		    const ldns_rr *sig, const ldns_rr_list *keys,
		    time_t *expires);
void dc_sec_memo_put(struct dc_sec_walk *w, const ldns_rr_list *rrset,
		     const ldns_rr *sig, const ldns_rr *key, time_t expires);
void dc_sec_memo_free(struct dc_sec_validator *v);

/* dc_dnssec_denial.c and dc_dnssec_nsec3.c */
#define DC_SEC_H_MAX 64 /* NSEC3 hash bytes (SHA-1: 20) */

/* The checked NSEC and NSEC3 records of one response. */
struct dc_sec_proof {
	ldns_rr *nsec[DC_SEC_MAX_NSEC];
	size_t nnsec;
	ldns_rr *nsec3[DC_SEC_MAX_NSEC];
	size_t nnsec3;
	uint8_t h3[DC_SEC_MAX_NSEC][DC_SEC_H_MAX]; /* owner hash of nsec3[i] */
	time_t expires;
	int over_cap; /* NSEC3 of unknown hash or too many iterations */
};

enum dc_sec_denial {
	DC_SEC_D_NONE = 0,     /* no (checked) proof */
	DC_SEC_D_NXDOMAIN,     /* the name does not exist */
	DC_SEC_D_NODATA,       /* the name exists, not the type */
	DC_SEC_D_INSECURE_CUT, /* DS: an unsigned delegation (NS, no DS) or
	                        * NSEC3 opt-out span, or NSEC3 over the cap */
	DC_SEC_D_INSECURE,     /* NXDOMAIN over an NSEC3 opt-out span */
	DC_SEC_D_BOGUS         /* a proof that contradicts the question */
};
/* The NSEC/NSEC3 records of pkt's authority section signed by zone
 * (keys), about (name, type): SECURE with *what (and *expires, when the
 * proof's signatures expire), INSECURE (NSEC3 over the iterations cap or
 * of an unknown hash), BOGUS or INDETERMINATE. */
enum dc_sec_state dc_sec_denial(struct dc_sec_walk *w, const ldns_pkt *pkt,
				const ldns_rdf *name, ldns_rr_type type,
				const ldns_rdf *zone, const ldns_rr_list *keys,
				enum dc_sec_denial *what, time_t *expires);
enum dc_sec_state dc_sec_denial_signed(struct dc_sec_walk *w,
				       const ldns_pkt *pkt,
				       const ldns_rdf *name, ldns_rr_type type,
				       int nxdomain);
enum dc_sec_state dc_sec_wildcard_proof(struct dc_sec_walk *w,
					const ldns_pkt *pkt,
					const ldns_rdf *qname, int labels,
					const ldns_rdf *zone,
					const ldns_rr_list *keys);
int dc_sec_bitmap_has(const ldns_rdf *bitmap, ldns_rr_type type);
int dc_sec_has(const ldns_rr *nsec_or_nsec3, ldns_rr_type type);
int dc_sec_delegation(const ldns_rr *nsec_or_nsec3);
enum dc_sec_denial dc_sec_match_denial(const ldns_rr *m, ldns_rr_type type);
ldns_rdf *dc_sec_wildcard_of(const ldns_rdf *ce);
void dc_sec_nsec3_add(struct dc_sec_proof *p, ldns_rr *rr);
const ldns_rr *dc_sec_nsec3_find(const struct dc_sec_proof *p,
				 const ldns_rdf *name, int cover);
enum dc_sec_denial dc_sec_nsec3_proof(const struct dc_sec_proof *p,
				      const ldns_rdf *name, ldns_rr_type type,
				      const ldns_rdf *zone);

/* dc_dnssec_why.c */
__attribute__((format(printf, 3, 4)))
enum dc_sec_state dc_sec_fail(struct dc_sec_walk *w, enum dc_sec_state st,
			      const char *fmt, ...);
char *dc_sec_name(const ldns_rdf *name, char *buf, size_t len);
const char *dc_sec_type(ldns_rr_type type, char *buf, size_t len);
void dc_sec_time(uint32_t t, time_t now, char *buf, size_t len);
enum dc_sec_state dc_sec_worse(enum dc_sec_state a, enum dc_sec_state b);

#endif
