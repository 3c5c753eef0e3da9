/* SPDX-License-Identifier: ISC */
/* dc_dnssec_denial.c - NSEC (RFC 4035 5.4, RFC 6840 4.1, 4.3) and NSEC3
 * (RFC 5155 8) proofs of non-existence, of wildcard expansion and of
 * insecure delegations.
 *
 * The records are ldns's and their signatures are checked with ldns; the
 * proofs are written here rather than with ldns_dnssec_verify_denial*()
 * because, in ldns 1.8.3: ldns_nsec_covers_name() (which they call)
 * prints "error catting" on stdout for an NSEC3 whose owner is too long
 * (a hostile server's); the NSEC variant denies the wildcard below the
 * name's parent instead of the closest encloser (RFC 4035 5.4) and does
 * not refuse NSECs from the parent side of a delegation (RFC 6840 4.1);
 * the NSEC3 variant hashes with the first record's parameters, whatever
 * the others say, and knows no opt-out (RFC 5155 8.6).
 *
 * Only records whose RRSIG by the zone verifies, and whose RRSIG labels
 * equal their owner's (no wildcard-expanded NSEC: RFC 4035 5.3.4), count. */
#include <string.h>

#include "dc_dnssec_int.h"

#define H_MAX 64 /* hash bytes (SHA-1: 20) */

struct proof {
	ldns_rr *nsec[DC_SEC_MAX_NSEC];
	size_t nnsec;
	ldns_rr *nsec3[DC_SEC_MAX_NSEC];
	size_t nnsec3;
	uint8_t h3[DC_SEC_MAX_NSEC][H_MAX]; /* owner hash of nsec3[i] */
	size_t h3len;
	time_t expires;
	int over_cap; /* NSEC3 of unknown hash or too many iterations */
};

/* RFC 4034 4.1.2: window blocks of up to 32 bytes. */
int dc_sec_bitmap_has(const ldns_rdf *bitmap, ldns_rr_type type)
{
	const uint8_t *d = ldns_rdf_data(bitmap);
	size_t len = ldns_rdf_size(bitmap), i = 0;
	unsigned win = (unsigned)type >> 8, byte = ((unsigned)type & 0xff) / 8;

	while (i + 2 <= len) {
		unsigned wl = d[i + 1];

		if (wl == 0 || wl > 32 || i + 2 + wl > len)
			return 0;
		if (d[i] == win)
			return byte < wl && (d[i + 2 + byte] & (0x80 >> (type & 7)));
		i += 2 + wl;
	}
	return 0;
}

/* An empty bitmap (an empty non-terminal's NSEC3) has no field. */
static int has(const ldns_rr *rr, ldns_rr_type t)
{
	const ldns_rdf *b = ldns_rr_rdf(rr, ldns_rr_get_type(rr) ==
					LDNS_RR_TYPE_NSEC ? 1 : 5);

	return b != NULL && dc_sec_bitmap_has(b, t);
}

/* A parent-side delegation record: NS without SOA (RFC 6840 4.1). */
static int delegation(const ldns_rr *rr)
{
	return has(rr, LDNS_RR_TYPE_NS) && !has(rr, LDNS_RR_TYPE_SOA);
}

/* The first label of name, base32hex-decoded (an NSEC3 owner). */
static size_t b32_label(const ldns_rdf *name, uint8_t *out)
{
	const uint8_t *d = ldns_rdf_data(name);
	int n;

	if (ldns_rdf_size(name) < 2 || d[0] == 0 || d[0] > 63)
		return 0;
	n = ldns_b32_pton_extended_hex((const char *)d + 1, d[0], out, H_MAX);
	return n > 0 ? (size_t)n : 0;
}

static size_t nsec3_hash(const ldns_rr *p, const ldns_rdf *name, uint8_t *out)
{
	const ldns_rdf *salt = ldns_rr_rdf(p, 3);
	ldns_rdf *h;
	size_t n;

	if (ldns_rdf_size(salt) < 1 ||
	    ldns_rdf_data(salt)[0] != ldns_rdf_size(salt) - 1)
		return 0;
	h = ldns_nsec3_hash_name(name, ldns_rdf2native_int8(ldns_rr_rdf(p, 0)),
				 ldns_rdf2native_int16(ldns_rr_rdf(p, 2)),
				 ldns_rdf_data(salt)[0], ldns_rdf_data(salt) + 1);
	if (h == NULL)
		return 0;
	n = b32_label(h, out);
	ldns_rdf_deep_free(h);
	return n;
}

/* Same hash parameters (algorithm, iterations, salt). */
static int same_params(const ldns_rr *a, const ldns_rr *b)
{
	return ldns_rdf_compare(ldns_rr_rdf(a, 0), ldns_rr_rdf(b, 0)) == 0 &&
	       ldns_rdf_compare(ldns_rr_rdf(a, 2), ldns_rr_rdf(b, 2)) == 0 &&
	       ldns_rdf_compare(ldns_rr_rdf(a, 3), ldns_rr_rdf(b, 3)) == 0;
}

/* Collects the checked NSEC and NSEC3 records of pkt's authority section. */
static enum dc_sec_state collect(struct dc_sec_walk *w, const ldns_pkt *pkt,
				 const ldns_rdf *zone, const ldns_rr_list *keys,
				 struct proof *p)
{
	const ldns_rr_list *auth = ldns_pkt_authority(pkt);
	size_t i, looked = 0;

	memset(p, 0, sizeof(*p));
	p->expires = w->now + DC_SEC_MAX_TTL;
	for (i = 0; i < ldns_rr_list_rr_count(auth) && looked < 2 * DC_SEC_MAX_NSEC;
	     i++) {
		ldns_rr *rr = ldns_rr_list_rr(auth, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		ldns_rr_list *set, *sigs;
		ldns_rdf *parent;
		time_t exp = 0;
		int lab = -1, ok;

		if ((t != LDNS_RR_TYPE_NSEC && t != LDNS_RR_TYPE_NSEC3) ||
		    !dc_sec_rr_sane(rr))
			continue;
		if (t == LDNS_RR_TYPE_NSEC ? p->nnsec >= DC_SEC_MAX_NSEC :
		    p->nnsec3 >= DC_SEC_MAX_NSEC)
			continue;
		if (t == LDNS_RR_TYPE_NSEC3) {
			parent = ldns_dname_left_chop(ldns_rr_owner(rr));
			ok = parent != NULL && ldns_dname_compare(parent, zone) == 0;
			ldns_rdf_deep_free(parent);
		} else {
			ok = ldns_dname_compare(ldns_rr_owner(rr), zone) == 0 ||
			     ldns_dname_is_subdomain(ldns_rr_owner(rr), zone);
		}
		if (!ok)
			continue;
		looked++;
		set = dc_sec_rrset(auth, ldns_rr_owner(rr), t);
		sigs = dc_sec_sigs(auth, ldns_rr_owner(rr), t);
		ok = set != NULL && sigs != NULL && ldns_rr_list_rr_count(set) == 1 &&
		     dc_sec_verify(w, set, sigs, zone, keys, &exp, &lab) ==
		     DC_SEC_SECURE && lab == dc_sec_labels(ldns_rr_owner(rr));
		ldns_rr_list_deep_free(set);
		ldns_rr_list_deep_free(sigs);
		if (!ok)
			continue;
		exp = dc_sec_set_expiry(w, NULL, exp);
		if (ldns_rr_ttl(rr) < (uint32_t)(exp - w->now))
			exp = w->now + ldns_rr_ttl(rr);
		if (exp < p->expires)
			p->expires = exp;
		if (t == LDNS_RR_TYPE_NSEC) {
			p->nsec[p->nnsec++] = rr;
			continue;
		}
		if (ldns_rdf2native_int8(ldns_rr_rdf(rr, 0)) != LDNS_SHA1 ||
		    ldns_rdf2native_int16(ldns_rr_rdf(rr, 2)) > DC_SEC_MAX_NSEC3_ITER) {
			p->over_cap = 1; /* RFC 5155 8.1, RFC 9276 3.2 */
			continue;
		}
		if (p->nnsec3 > 0 && !same_params(p->nsec3[0], rr))
			continue;
		if (b32_label(ldns_rr_owner(rr), p->h3[p->nnsec3]) != 20 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 4)) != 21)
			continue;
		p->nsec3[p->nnsec3++] = rr;
	}
	return DC_SEC_SECURE;
}

/* NSEC: owner < name < next in canonical order, the last NSEC of the zone
 * (next is the apex) covering everything after its owner. */
static int nsec_covers(const ldns_rr *rr, const ldns_rdf *name)
{
	const ldns_rdf *o = ldns_rr_owner(rr), *nx = ldns_rr_rdf(rr, 0);

	if (ldns_dname_compare(o, name) >= 0)
		return 0;
	return ldns_dname_compare(o, nx) >= 0 ? 1 :
	       ldns_dname_compare(name, nx) < 0;
}

static const ldns_rr *nsec_match(const struct proof *p, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < p->nnsec; i++)
		if (ldns_dname_compare(ldns_rr_owner(p->nsec[i]), name) == 0)
			return p->nsec[i];
	return NULL;
}

/* A covering NSEC that may speak for name: not the parent side of a
 * delegation above name (RFC 6840 4.1). */
static const ldns_rr *nsec_cover(const struct proof *p, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < p->nnsec; i++) {
		const ldns_rr *rr = p->nsec[i];

		if (!nsec_covers(rr, name))
			continue;
		if ((delegation(rr) || has(rr, LDNS_RR_TYPE_DNAME)) &&
		    ldns_dname_is_subdomain(name, ldns_rr_owner(rr)))
			continue;
		return rr;
	}
	return NULL;
}

/* The longest ancestor of name shared with other. */
static ldns_rdf *common(const ldns_rdf *name, const ldns_rdf *other)
{
	int n = ldns_dname_label_count(name), m = ldns_dname_label_count(other);
	int k = n < m ? n : m;

	for (; k > 0; k--) {
		ldns_rdf *a = ldns_dname_clone_from(name, (uint16_t)(n - k));
		ldns_rdf *b = ldns_dname_clone_from(other, (uint16_t)(m - k));
		int eq = a != NULL && b != NULL && ldns_dname_compare(a, b) == 0;

		ldns_rdf_deep_free(b);
		if (eq)
			return a;
		ldns_rdf_deep_free(a);
	}
	return ldns_dname_new_frm_str(".");
}

static ldns_rdf *wildcard_of(const ldns_rdf *ce)
{
	ldns_rdf *w = ldns_dname_new_frm_str("*");

	if (w != NULL && ldns_dname_cat(w, ce) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(w);
		w = NULL;
	}
	return w;
}

static enum dc_sec_denial nsec_proof(const struct proof *p,
				     const ldns_rdf *name, ldns_rr_type type)
{
	const ldns_rr *m = nsec_match(p, name), *c;
	ldns_rdf *ce, *ce2, *wc;
	enum dc_sec_denial d = DC_SEC_D_NONE;

	if (m != NULL) {
		if (type == LDNS_RR_TYPE_DS)
			return has(m, LDNS_RR_TYPE_DS) ? DC_SEC_D_BOGUS :
			       delegation(m) ? DC_SEC_D_INSECURE_CUT : DC_SEC_D_NODATA;
		if (has(m, type) || has(m, LDNS_RR_TYPE_CNAME) || delegation(m))
			return DC_SEC_D_BOGUS;
		return DC_SEC_D_NODATA;
	}
	c = nsec_cover(p, name);
	if (c == NULL)
		return DC_SEC_D_NONE;
	/* an empty non-terminal: the next name is below name */
	if (ldns_dname_is_subdomain(ldns_rr_rdf(c, 0), name))
		return DC_SEC_D_NODATA;
	ce = common(name, ldns_rr_owner(c));
	ce2 = common(name, ldns_rr_rdf(c, 0));
	if (ce != NULL && ce2 != NULL &&
	    ldns_dname_label_count(ce2) > ldns_dname_label_count(ce)) {
		ldns_rdf_deep_free(ce);
		ce = ce2;
		ce2 = NULL;
	}
	wc = ce != NULL ? wildcard_of(ce) : NULL;
	if (wc != NULL) {
		const ldns_rr *wm = nsec_match(p, wc);

		if (wm != NULL) /* the wildcard exists: 4035 5.4 */
			d = has(wm, type) || has(wm, LDNS_RR_TYPE_CNAME) ?
			    DC_SEC_D_BOGUS : DC_SEC_D_NODATA;
		else if (nsec_cover(p, wc) != NULL)
			d = DC_SEC_D_NXDOMAIN;
	}
	ldns_rdf_deep_free(wc);
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(ce2);
	return d;
}

/* NSEC3 i matches (hash == owner hash) or covers (owner < hash < next). */
static int n3_match(const struct proof *p, size_t i, const uint8_t *h)
{
	return memcmp(p->h3[i], h, 20) == 0;
}

static int n3_covers(const struct proof *p, size_t i, const uint8_t *h)
{
	const uint8_t *o = p->h3[i];
	const uint8_t *nx = ldns_rdf_data(ldns_rr_rdf(p->nsec3[i], 4)) + 1;

	if (memcmp(o, h, 20) >= 0)
		return memcmp(o, nx, 20) >= 0 && memcmp(h, nx, 20) < 0;
	return memcmp(o, nx, 20) >= 0 || memcmp(h, nx, 20) < 0;
}

static const ldns_rr *n3_find(const struct proof *p, const ldns_rdf *name,
			      int cover)
{
	uint8_t h[H_MAX];
	size_t i;

	if (p->nnsec3 == 0 || nsec3_hash(p->nsec3[0], name, h) != 20)
		return NULL;
	for (i = 0; i < p->nnsec3; i++)
		if (cover ? n3_covers(p, i, h) : n3_match(p, i, h))
			return p->nsec3[i];
	return NULL;
}

static enum dc_sec_denial nsec3_proof(const struct proof *p,
				      const ldns_rdf *name, ldns_rr_type type,
				      const ldns_rdf *zone)
{
	const ldns_rr *m = n3_find(p, name, 0), *c = NULL, *cm = NULL;
	int n = ldns_dname_label_count(name), k, zl = ldns_dname_label_count(zone);
	enum dc_sec_denial d = DC_SEC_D_NONE;
	ldns_rdf *ce = NULL, *nc = NULL, *wc;

	if (m != NULL) { /* RFC 5155 8.5, 8.6 */
		if (type == LDNS_RR_TYPE_DS)
			return has(m, LDNS_RR_TYPE_DS) ? DC_SEC_D_BOGUS :
			       delegation(m) ? DC_SEC_D_INSECURE_CUT : DC_SEC_D_NODATA;
		if (has(m, type) || has(m, LDNS_RR_TYPE_CNAME) || delegation(m))
			return DC_SEC_D_BOGUS;
		return DC_SEC_D_NODATA;
	}
	/* closest encloser proof (8.3) */
	for (k = n - 1; k >= zl && c == NULL; k--) {
		ldns_rdf_deep_free(ce);
		ldns_rdf_deep_free(nc);
		ce = ldns_dname_clone_from(name, (uint16_t)(n - k));
		nc = ldns_dname_clone_from(name, (uint16_t)(n - k - 1));
		if (ce == NULL || nc == NULL)
			goto done;
		cm = n3_find(p, ce, 0);
		if (cm == NULL)
			continue;
		if (delegation(cm) || has(cm, LDNS_RR_TYPE_DNAME)) {
			d = DC_SEC_D_BOGUS;
			goto done;
		}
		c = n3_find(p, nc, 1);
		if (c == NULL)
			goto done;
	}
	if (c == NULL)
		goto done;
	if (type == LDNS_RR_TYPE_DS && (ldns_rdf2native_int8(ldns_rr_rdf(c, 1)) & 1)) {
		d = DC_SEC_D_INSECURE_CUT; /* opt-out span (8.6) */
		goto done;
	}
	wc = wildcard_of(ce);
	if (wc != NULL) {
		const ldns_rr *wm = n3_find(p, wc, 0);

		if (wm != NULL) /* wildcard NODATA (8.7) */
			d = has(wm, type) || has(wm, LDNS_RR_TYPE_CNAME) ?
			    DC_SEC_D_BOGUS : DC_SEC_D_NODATA;
		else if (n3_find(p, wc, 1) != NULL)
			d = DC_SEC_D_NXDOMAIN; /* 8.4 */
	}
	ldns_rdf_deep_free(wc);
done:
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(nc);
	return d;
}

enum dc_sec_state dc_sec_denial(struct dc_sec_walk *w, const ldns_pkt *pkt,
				const ldns_rdf *name, ldns_rr_type type,
				const ldns_rdf *zone, const ldns_rr_list *keys,
				enum dc_sec_denial *what, time_t *expires)
{
	struct proof *p = calloc(1, sizeof(*p));
	enum dc_sec_state st;

	*what = DC_SEC_D_NONE;
	if (p == NULL)
		return dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
	st = collect(w, pkt, zone, keys, p);
	if (st == DC_SEC_SECURE) {
		if (p->nnsec > 0)
			*what = nsec_proof(p, name, type);
		if (*what == DC_SEC_D_NONE && p->nnsec3 > 0)
			*what = nsec3_proof(p, name, type, zone);
		if (*what == DC_SEC_D_NONE && p->over_cap)
			st = DC_SEC_INSECURE;
		*expires = p->expires;
	}
	free(p);
	return st;
}

/* The denial in pkt's authority section for (name, type), whoever signed
 * it: nxdomain says which one the response claims. */
enum dc_sec_state dc_sec_denial_signed(struct dc_sec_walk *w,
				       const ldns_pkt *pkt,
				       const ldns_rdf *name, ldns_rr_type type,
				       int nxdomain)
{
	char n[LDNS_MAX_DOMAINLEN + 8], tb[16];
	const ldns_rr_list *auth = ldns_pkt_authority(pkt);
	const char *t;
	enum dc_sec_denial what = DC_SEC_D_NONE;
	ldns_rr_list *keys = NULL;
	const ldns_rdf *signer = NULL;
	enum dc_sec_state st;
	time_t exp;
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(auth) && signer == NULL; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(auth, i);
		ldns_rr_type c;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG || !dc_sec_rr_sane(rr))
			continue;
		c = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
		if (c == LDNS_RR_TYPE_NSEC || c == LDNS_RR_TYPE_NSEC3)
			signer = ldns_rr_rrsig_signame(rr);
	}
	dc_sec_name(name, n, sizeof(n));
	t = dc_sec_type(type, tb, sizeof(tb));
	if (signer == NULL)
		return dc_sec_unsigned(w, name, type, nxdomain ?
				       "NXDOMAIN without a signed NSEC/NSEC3 proof" :
				       "NODATA without a signed NSEC/NSEC3 proof");
	if (!ldns_dname_is_subdomain(name, signer) &&
	    ldns_dname_compare(name, signer) != 0)
		return dc_sec_fail(w, DC_SEC_BOGUS, "%s %s: denial signed by a "
				   "zone not above it", n, t);
	st = dc_sec_zone_keys(w, signer, &keys);
	if (st == DC_SEC_SECURE)
		st = dc_sec_denial(w, pkt, name, type, signer, keys, &what, &exp);
	ldns_rr_list_deep_free(keys);
	if (st != DC_SEC_SECURE)
		return st;
	if (what == (nxdomain ? DC_SEC_D_NXDOMAIN : DC_SEC_D_NODATA))
		return DC_SEC_SECURE;
	if (!nxdomain && type == LDNS_RR_TYPE_DS && what == DC_SEC_D_INSECURE_CUT)
		return DC_SEC_SECURE;
	return dc_sec_fail(w, DC_SEC_BOGUS, "%s %s: %s not proven by NSEC/NSEC3",
			   n, t, nxdomain ? "NXDOMAIN" : "NODATA");
}

/* An answer expanded from a wildcard (RRSIG labels < owner labels): the
 * name itself must not exist (RFC 4035 5.3.4; NSEC3: the next closer
 * name is covered, RFC 5155 8.8). */
enum dc_sec_state dc_sec_wildcard_proof(struct dc_sec_walk *w,
					const ldns_pkt *pkt,
					const ldns_rdf *qname, int labels,
					const ldns_rdf *zone,
					const ldns_rr_list *keys)
{
	char n[LDNS_MAX_DOMAINLEN + 8];
	struct proof *p = calloc(1, sizeof(*p));
	int have = ldns_dname_label_count(qname), ok = 0;
	ldns_rdf *nc;

	if (p == NULL)
		return dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
	collect(w, pkt, zone, keys, p);
	if (nsec_match(p, qname) == NULL && nsec_cover(p, qname) != NULL)
		ok = 1;
	if (!ok && labels < have) {
		nc = ldns_dname_clone_from(qname, (uint16_t)(have - labels - 1));
		ok = nc != NULL && n3_find(p, nc, 1) != NULL;
		ldns_rdf_deep_free(nc);
	}
	if (!ok && p->over_cap) {
		free(p);
		return DC_SEC_INSECURE;
	}
	free(p);
	if (ok)
		return DC_SEC_SECURE;
	return dc_sec_fail(w, DC_SEC_BOGUS, "%s: wildcard answer without an "
			   "NSEC/NSEC3 proof that the name does not exist",
			   dc_sec_name(qname, n, sizeof(n)));
}
