/* SPDX-License-Identifier: ISC */
/* dc_dnssec_denial.c - proofs of non-existence, of wildcard expansion and
 * of insecure delegations: the records (NSEC here, RFC 4035 5.4, RFC 6840
 * 4.1, 4.3; NSEC3 in dc_dnssec_nsec3.c, RFC 5155 8).
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
			return byte < wl &&
			       (d[i + 2 + byte] & (0x80 >> (type & 7)));
		i += 2 + wl;
	}
	return 0;
}

/* An empty bitmap (an empty non-terminal's NSEC3) has no field. */
int dc_sec_has(const ldns_rr *rr, ldns_rr_type t)
{
	const ldns_rdf *b = ldns_rr_rdf(
		rr, ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC ? 1 : 5);

	return b != NULL && dc_sec_bitmap_has(b, t);
}

/* A parent-side delegation record: NS without SOA (RFC 6840 4.1). */
int dc_sec_delegation(const ldns_rr *rr)
{
	return dc_sec_has(rr, LDNS_RR_TYPE_NS) &&
	       !dc_sec_has(rr, LDNS_RR_TYPE_SOA);
}

/* What an NSEC or NSEC3 record m whose owner is the name asked proves
 * for type (RFC 4035 5.4, RFC 5155 8.5, 8.6; RFC 6840 4.1 for DS at a
 * delegation): NODATA, an insecure cut (DS denied at a delegation), or
 * bogus (the type, a CNAME or, but for DS, a delegation is there). */
enum dc_sec_denial dc_sec_match_denial(const ldns_rr *m, ldns_rr_type type)
{
	if (type == LDNS_RR_TYPE_DS)
		return dc_sec_has(m, LDNS_RR_TYPE_DS) ? DC_SEC_D_BOGUS :
		       dc_sec_delegation(m) ? DC_SEC_D_INSECURE_CUT :
					      DC_SEC_D_NODATA;
	if (dc_sec_has(m, type) || dc_sec_has(m, LDNS_RR_TYPE_CNAME) ||
	    dc_sec_delegation(m))
		return DC_SEC_D_BOGUS;
	return DC_SEC_D_NODATA;
}

/* Collects the checked NSEC and NSEC3 records of pkt's authority section. */
static enum dc_sec_state collect(struct dc_sec_walk *w, const ldns_pkt *pkt,
				 const ldns_rdf *zone, const ldns_rr_list *keys,
				 struct dc_sec_proof *p)
{
	const ldns_rr_list *auth = ldns_pkt_authority(pkt);
	size_t i, looked = 0;

	memset(p, 0, sizeof(*p));
	p->expires = w->now + DC_SEC_MAX_TTL;
	for (i = 0;
	     i < ldns_rr_list_rr_count(auth) && looked < 2 * DC_SEC_MAX_NSEC;
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
			ok = parent != NULL &&
			     ldns_dname_compare(parent, zone) == 0;
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
		ok = set != NULL && sigs != NULL &&
		     ldns_rr_list_rr_count(set) == 1 &&
		     dc_sec_verify(w, set, sigs, zone, keys, &exp, &lab) ==
			     DC_SEC_SECURE &&
		     lab == dc_sec_labels(ldns_rr_owner(rr));
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
		dc_sec_nsec3_add(p, rr);
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
	return ldns_dname_compare(o, nx) >= 0 ?
		       1 :
		       ldns_dname_compare(name, nx) < 0;
}

static const ldns_rr *nsec_match(const struct dc_sec_proof *p,
				 const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < p->nnsec; i++)
		if (ldns_dname_compare(ldns_rr_owner(p->nsec[i]), name) == 0)
			return p->nsec[i];
	return NULL;
}

/* A covering NSEC that may speak for name: not the parent side of a
 * delegation above name (RFC 6840 4.1). */
static const ldns_rr *nsec_cover(const struct dc_sec_proof *p,
				 const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < p->nnsec; i++) {
		const ldns_rr *rr = p->nsec[i];

		if (!nsec_covers(rr, name))
			continue;
		if ((dc_sec_delegation(rr) ||
		     dc_sec_has(rr, LDNS_RR_TYPE_DNAME)) &&
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
		int eq =
			a != NULL && b != NULL && ldns_dname_compare(a, b) == 0;

		ldns_rdf_deep_free(b);
		if (eq)
			return a;
		ldns_rdf_deep_free(a);
	}
	return ldns_dname_new_frm_str(".");
}

ldns_rdf *dc_sec_wildcard_of(const ldns_rdf *ce)
{
	ldns_rdf *w = ldns_dname_new_frm_str("*");

	if (w != NULL && ldns_dname_cat(w, ce) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(w);
		w = NULL;
	}
	return w;
}

static enum dc_sec_denial nsec_proof(const struct dc_sec_proof *p,
				     const ldns_rdf *name, ldns_rr_type type)
{
	const ldns_rr *m = nsec_match(p, name), *c;
	ldns_rdf *ce, *ce2, *wc;
	enum dc_sec_denial d = DC_SEC_D_NONE;

	if (m != NULL)
		return dc_sec_match_denial(m, type);
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
	wc = ce != NULL ? dc_sec_wildcard_of(ce) : NULL;
	if (wc != NULL) {
		const ldns_rr *wm = nsec_match(p, wc);

		if (wm != NULL) /* the wildcard exists: 4035 5.4 */
			d = dc_sec_has(wm, type) ||
					    dc_sec_has(wm, LDNS_RR_TYPE_CNAME) ?
				    DC_SEC_D_BOGUS :
				    DC_SEC_D_NODATA;
		else if (nsec_cover(p, wc) != NULL)
			d = DC_SEC_D_NXDOMAIN;
	}
	ldns_rdf_deep_free(wc);
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(ce2);
	return d;
}

enum dc_sec_state dc_sec_denial(struct dc_sec_walk *w, const ldns_pkt *pkt,
				const ldns_rdf *name, ldns_rr_type type,
				const ldns_rdf *zone, const ldns_rr_list *keys,
				enum dc_sec_denial *what, time_t *expires)
{
	struct dc_sec_proof *p = calloc(1, sizeof(*p));
	enum dc_sec_state st;

	*what = DC_SEC_D_NONE;
	if (p == NULL)
		return dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
	st = collect(w, pkt, zone, keys, p);
	if (st == DC_SEC_SECURE) {
		if (p->nnsec > 0)
			*what = nsec_proof(p, name, type);
		if (*what == DC_SEC_D_NONE && p->nnsec3 > 0)
			*what = dc_sec_nsec3_proof(p, name, type, zone);
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
	char n[DC_SEC_NAME_MAX], tb[16];
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

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
		    !dc_sec_rr_sane(rr))
			continue;
		c = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
		if (c == LDNS_RR_TYPE_NSEC || c == LDNS_RR_TYPE_NSEC3)
			signer = ldns_rr_rrsig_signame(rr);
	}
	dc_sec_name(name, n, sizeof(n));
	t = dc_sec_type(type, tb, sizeof(tb));
	if (signer == NULL)
		return dc_sec_unsigned(
			w, name, type,
			nxdomain ?
				"NXDOMAIN without a signed NSEC/NSEC3 proof" :
				"NODATA without a signed NSEC/NSEC3 proof");
	if (!ldns_dname_is_subdomain(name, signer) &&
	    ldns_dname_compare(name, signer) != 0)
		return dc_sec_fail(w, DC_SEC_BOGUS,
				   "%s %s: denial signed by a "
				   "zone not above it",
				   n, t);
	st = dc_sec_zone_keys(w, signer, &keys);
	if (st == DC_SEC_SECURE)
		st = dc_sec_denial(w, pkt, name, type, signer, keys, &what,
				   &exp);
	ldns_rr_list_deep_free(keys);
	if (st != DC_SEC_SECURE)
		return st;
	if (what == (nxdomain ? DC_SEC_D_NXDOMAIN : DC_SEC_D_NODATA))
		return DC_SEC_SECURE;
	if (nxdomain && what == DC_SEC_D_INSECURE)
		return DC_SEC_INSECURE;
	if (!nxdomain && type == LDNS_RR_TYPE_DS &&
	    what == DC_SEC_D_INSECURE_CUT)
		return DC_SEC_SECURE;
	/* No proof from that zone: still insecure when the name lies below
	 * an unsigned delegation (a referral to it, from an authoritative
	 * server, carries the parent's NSEC), else bogus. */
	return dc_sec_unsigned(w, name, type,
			       nxdomain ? "NXDOMAIN not proven by NSEC/NSEC3" :
					  "NODATA not proven by NSEC/NSEC3");
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
	char n[DC_SEC_NAME_MAX];
	struct dc_sec_proof *p = calloc(1, sizeof(*p));
	int have = ldns_dname_label_count(qname), ok = 0;
	const ldns_rr *c;
	ldns_rdf *nc;

	if (p == NULL)
		return dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
	collect(w, pkt, zone, keys, p);
	if (nsec_match(p, qname) == NULL && nsec_cover(p, qname) != NULL)
		ok = 1;
	if (!ok && labels < have) {
		nc = ldns_dname_clone_from(qname,
					   (uint16_t)(have - labels - 1));
		c = nc != NULL ? dc_sec_nsec3_find(p, nc, 1) : NULL;
		ok = c != NULL;
		ldns_rdf_deep_free(nc);
		if (c != NULL && (ldns_rdf2native_int8(ldns_rr_rdf(c, 1)) & 1)) {
			free(p); /* opt-out: RFC 5155 8.8 */
			return DC_SEC_INSECURE;
		}
	}
	if (!ok && p->over_cap) {
		free(p);
		return DC_SEC_INSECURE;
	}
	free(p);
	if (ok)
		return DC_SEC_SECURE;
	return dc_sec_fail(w, DC_SEC_BOGUS,
			   "%s: wildcard answer without an "
			   "NSEC/NSEC3 proof that the name does not exist",
			   dc_sec_name(qname, n, sizeof(n)));
}
