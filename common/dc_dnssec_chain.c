/* SPDX-License-Identifier: ISC */
/* dc_dnssec_chain.c - the chain of trust (RFC 4035 5.1-5.2), walked top
 * down: from the deepest zone whose keys are already trusted (an anchor,
 * or validated keys in the cache) towards the name, one label at a time,
 * asking DS for each: a signed DS set is a secure cut (its DNSKEY set must
 * hold a key that matches one DS and signs the set), a signed denial of
 * DS with the NS bit (or an NSEC3 opt-out span) is an insecure cut, a
 * signed denial without NS means no cut at that label.  Anything else
 * (unsigned, wrongly signed, a proof missing) is bogus: the zone above is
 * signed. */
#include <string.h>

#include "dc_dnssec_int.h"

/* DS digests the validator computes (RFC 4509: SHA-256 DS records make the
 * SHA-1 ones of the set ignored; RFC 6605: SHA-384). */
static int digest_supported(unsigned d, int have_sha256)
{
	return (d == LDNS_SHA1 && !have_sha256) || d == LDNS_SHA256 ||
	       d == LDNS_SHA384;
}

/* The DS records of ds that the validator can use. */
static ldns_rr_list *usable_ds(const ldns_rr_list *ds)
{
	ldns_rr_list *out = ldns_rr_list_new();
	int sha256 = 0;
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(ds); i++) {
		const ldns_rr *r = ldns_rr_list_rr(ds, i);

		if (dc_sec_alg_supported(
			    ldns_rdf2native_int8(ldns_rr_rdf(r, 1))) &&
		    ldns_rdf2native_int8(ldns_rr_rdf(r, 2)) == LDNS_SHA256)
			sha256 = 1;
	}
	for (i = 0; out != NULL && i < ldns_rr_list_rr_count(ds); i++) {
		const ldns_rr *r = ldns_rr_list_rr(ds, i);

		if (ldns_rr_get_type(r) == LDNS_RR_TYPE_DS &&
		    dc_sec_rr_sane(r) &&
		    dc_sec_alg_supported(
			    ldns_rdf2native_int8(ldns_rr_rdf(r, 1))) &&
		    digest_supported(ldns_rdf2native_int8(ldns_rr_rdf(r, 2)),
				     sha256))
			ldns_rr_list_push_rr(out, ldns_rr_clone(r));
	}
	return out;
}

/* The zone keys of a DNSKEY set. */
static ldns_rr_list *zone_keys_of(const ldns_rr_list *set)
{
	ldns_rr_list *out = ldns_rr_list_new();
	size_t i;

	for (i = 0; out != NULL && i < ldns_rr_list_rr_count(set); i++)
		if (dc_sec_is_zone_key(ldns_rr_list_rr(set, i)))
			ldns_rr_list_push_rr(
				out, ldns_rr_clone(ldns_rr_list_rr(set, i)));
	return out;
}

/* The DNSKEY set of zone, trusted through the validated DS set ds (or an
 * anchor): fetched, a key matching a usable DS must sign it.  INSECURE
 * when no DS is usable (RFC 4035 5.2). */
static enum dc_sec_state keys_from_ds(struct dc_sec_walk *w,
				      const ldns_rdf *zone,
				      const ldns_rr_list *ds, time_t ds_expires,
				      ldns_rr_list **keys)
{
	char z[DC_SEC_NAME_MAX];
	ldns_rr_list *use = usable_ds(ds), *set = NULL, *sigs = NULL;
	ldns_rr_list *match = NULL;
	enum dc_sec_state st;
	ldns_pkt *pkt = NULL;
	size_t i, j;
	time_t exp;

	*keys = NULL;
	dc_sec_name(zone, z, sizeof(z));
	if (use == NULL) {
		st = dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
		goto done;
	}
	if (ldns_rr_list_rr_count(use) == 0) {
		dc_sec_cache_put(w, zone, DC_SEC_C_INSECURE, NULL, ds_expires);
		st = DC_SEC_INSECURE;
		goto done;
	}
	st = dc_sec_fetch_set(w, zone, LDNS_RR_TYPE_DNSKEY, &pkt, &set, &sigs);
	if (st != DC_SEC_SECURE)
		goto done;
	match = ldns_rr_list_new();
	if (match == NULL) {
		st = dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
		goto done;
	}
	if (ldns_rr_list_rr_count(set) == 0) {
		st = dc_sec_fail(w, DC_SEC_BOGUS,
				 "%s DNSKEY: none in the "
				 "answer, but a DS or anchor says the zone is "
				 "signed",
				 z);
		goto done;
	}
	for (i = 0; i < ldns_rr_list_rr_count(set); i++) {
		ldns_rr *k = ldns_rr_list_rr(set, i);

		if (!dc_sec_is_zone_key(k))
			continue;
		for (j = 0; j < ldns_rr_list_rr_count(use); j++)
			if (DC_SEC_CRYPTO_OK(ldns_rr_compare_ds(
				    ldns_rr_list_rr(use, j), k))) {
				ldns_rr_list_push_rr(match, ldns_rr_clone(k));
				break;
			}
	}
	if (ldns_rr_list_rr_count(match) == 0) {
		st = dc_sec_fail(w, DC_SEC_BOGUS,
				 "no DS for %s matches a DNSKEY of %s", z, z);
		goto done;
	}
	if (ldns_rr_list_rr_count(sigs) == 0) {
		st = dc_sec_fail(w, DC_SEC_BOGUS, "%s DNSKEY: missing RRSIG",
				 z);
		goto done;
	}
	st = dc_sec_verify(w, set, sigs, zone, match, &exp, NULL);
	if (st != DC_SEC_SECURE)
		goto done;
	*keys = zone_keys_of(set);
	if (*keys == NULL) {
		st = dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
		goto done;
	}
	dc_sec_cache_put(w, zone, DC_SEC_C_KEYS, *keys,
			 dc_sec_set_expiry(w, set, exp));
done:
	ldns_pkt_free(pkt);
	ldns_rr_list_deep_free(use);
	ldns_rr_list_deep_free(set);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(match);
	return st;
}

/* The anchors for exactly zone (a new list), or NULL. */
static ldns_rr_list *anchors_for(struct dc_sec_walk *w, const ldns_rdf *zone)
{
	ldns_rr_list *out = NULL;
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(w->v->anchors); i++) {
		const ldns_rr *a = ldns_rr_list_rr(w->v->anchors, i);

		if (ldns_dname_compare(ldns_rr_owner(a), zone) != 0)
			continue;
		if (out == NULL && (out = ldns_rr_list_new()) == NULL)
			return NULL;
		ldns_rr_list_push_rr(out, ldns_rr_clone(a));
	}
	return out;
}

/* The ancestor of name (or name) with n labels. */
static ldns_rdf *ancestor(const ldns_rdf *name, int n)
{
	int have = ldns_dname_label_count(name);

	return n >= have ? ldns_rdf_clone(name) :
			   ldns_dname_clone_from(name, (uint16_t)(have - n));
}

/* The deepest trusted starting point at or above target: *zone and its
 * *keys; INSECURE when a proven insecure cut is on the way. */
static enum dc_sec_state start(struct dc_sec_walk *w, const ldns_rdf *target,
			       ldns_rdf **zone, ldns_rr_list **keys)
{
	int n = ldns_dname_label_count(target);
	const struct dc_sec_centry *e;
	ldns_rr_list *anc;
	enum dc_sec_state st;
	ldns_rdf *a;

	*zone = NULL;
	*keys = NULL;
	for (; n >= 0; n--) {
		a = ancestor(target, n);
		if (a == NULL)
			return dc_sec_fail(w, DC_SEC_INDETERMINATE,
					   "out of memory");
		if (dc_sec_cache_get(w, a, DC_SEC_C_INSECURE) != NULL) {
			ldns_rdf_deep_free(a);
			return DC_SEC_INSECURE;
		}
		e = dc_sec_cache_get(w, a, DC_SEC_C_KEYS);
		if (e != NULL) {
			*keys = ldns_rr_list_clone(e->rrs);
			*zone = a;
			return *keys != NULL ?
				       DC_SEC_SECURE :
				       dc_sec_fail(w, DC_SEC_INDETERMINATE,
						   "out of memory");
		}
		anc = anchors_for(w, a);
		if (anc != NULL) {
			st = keys_from_ds(w, a, anc, w->now + DC_SEC_MAX_TTL,
					  keys);
			ldns_rr_list_deep_free(anc);
			if (st == DC_SEC_SECURE)
				*zone = a;
			else
				ldns_rdf_deep_free(a);
			return st;
		}
		ldns_rdf_deep_free(a);
	}
	return DC_SEC_INSECURE; /* no anchor at or above target */
}

/* One step down: is child (one label below zone) a cut?  SECURE with
 * *keys replaced by child's when it is a secure cut, SECURE with *keys
 * unchanged and *is_cut 0 when it is no cut, else INSECURE/BOGUS/...
 * last_unsigned: child is the owner of unsigned data, which is bogus
 * whether child exists or not (the caller says why). */
static enum dc_sec_state step(struct dc_sec_walk *w, const ldns_rdf *zone,
			      const ldns_rdf *child, int last_unsigned,
			      ldns_rr_list **keys, int *is_cut)
{
	char c[DC_SEC_NAME_MAX], z[DC_SEC_NAME_MAX];
	ldns_rr_list *ds = NULL, *sigs = NULL, *nk = NULL;
	const struct dc_sec_centry *e;
	enum dc_sec_denial what = DC_SEC_D_NONE;
	enum dc_sec_state st;
	ldns_pkt *pkt = NULL;
	time_t exp = 0;

	*is_cut = 0;
	dc_sec_name(child, c, sizeof(c));
	dc_sec_name(zone, z, sizeof(z));
	if (dc_sec_cache_get(w, child, DC_SEC_C_INSECURE) != NULL)
		return DC_SEC_INSECURE;
	if ((e = dc_sec_cache_get(w, child, DC_SEC_C_DS)) != NULL) {
		ds = ldns_rr_list_clone(e->rrs);
		exp = e->expires;
		goto have_ds;
	}
	st = dc_sec_fetch_set(w, child, LDNS_RR_TYPE_DS, &pkt, &ds, &sigs);
	if (st != DC_SEC_SECURE)
		goto done;
	if (ldns_rr_list_rr_count(ds) == 0) {
		ldns_rr_list *cn = dc_sec_rrset(ldns_pkt_answer(pkt), child,
						LDNS_RR_TYPE_CNAME);
		ldns_rr_list *cs = dc_sec_sigs(ldns_pkt_answer(pkt), child,
					       LDNS_RR_TYPE_CNAME);

		if (cn != NULL && cs != NULL && ldns_rr_list_rr_count(cn) > 0) {
			/* a CNAME owner is no cut (RFC 2181 10.1) */
			st = dc_sec_verify(w, cn, cs, zone, *keys, &exp, NULL);
		} else {
			st = dc_sec_denial(w, pkt, child, LDNS_RR_TYPE_DS, zone,
					   *keys, &what, &exp);
			if (st == DC_SEC_SECURE &&
			    what == DC_SEC_D_INSECURE_CUT) {
				dc_sec_cache_put(w, child, DC_SEC_C_INSECURE,
						 NULL, exp);
				st = DC_SEC_INSECURE;
			} else if (st == DC_SEC_SECURE &&
				   what == DC_SEC_D_NXDOMAIN &&
				   !last_unsigned) {
				st = dc_sec_fail(w, DC_SEC_BOGUS,
						 "%s does not exist "
						 "(proven by %s) but has data",
						 c, z);
			} else if (st == DC_SEC_SECURE &&
				   what != DC_SEC_D_NODATA &&
				   what != DC_SEC_D_NXDOMAIN) {
				st = dc_sec_fail(w, DC_SEC_BOGUS,
						 "%s DS: no DS and "
						 "no NSEC/NSEC3 proof from %s",
						 c, z);
			}
		}
		ldns_rr_list_deep_free(cn);
		ldns_rr_list_deep_free(cs);
		goto done;
	}
	if (ldns_rr_list_rr_count(sigs) == 0) {
		st = dc_sec_fail(w, DC_SEC_BOGUS, "%s DS: missing RRSIG", c);
		goto done;
	}
	st = dc_sec_verify(w, ds, sigs, zone, *keys, &exp, NULL);
	if (st != DC_SEC_SECURE)
		goto done;
	exp = dc_sec_set_expiry(w, ds, exp);
	dc_sec_cache_put(w, child, DC_SEC_C_DS, ds, exp);
have_ds:
	if (ds == NULL) {
		st = dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
		goto done;
	}
	st = keys_from_ds(w, child, ds, exp, &nk);
	if (st == DC_SEC_SECURE) {
		ldns_rr_list_deep_free(*keys);
		*keys = nk;
		*is_cut = 1;
	}
done:
	ldns_pkt_free(pkt);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(sigs);
	return st;
}

/* From the trusted start down to target.  want_zone: target must be a
 * zone (a signer) and *keys are its keys; else *zone is the signed zone
 * target lies in. */
static enum dc_sec_state descend(struct dc_sec_walk *w, const ldns_rdf *target,
				 int want_zone, ldns_rr_list **keys,
				 ldns_rdf **zone)
{
	char t[DC_SEC_NAME_MAX], z[DC_SEC_NAME_MAX];
	int n, end = ldns_dname_label_count(target), cuts = 0, is_cut;
	enum dc_sec_state st;
	ldns_rdf *child;

	st = start(w, target, zone, keys);
	if (st != DC_SEC_SECURE)
		return st;
	for (n = ldns_dname_label_count(*zone) + 1; n <= end; n++) {
		child = ancestor(target, n);
		if (child == NULL)
			return dc_sec_fail(w, DC_SEC_INDETERMINATE,
					   "out of memory");
		st = step(w, *zone, child, !want_zone && n == end, keys,
			  &is_cut);
		if (st != DC_SEC_SECURE) {
			ldns_rdf_deep_free(child);
			return st;
		}
		if (is_cut) {
			ldns_rdf_deep_free(*zone);
			*zone = child;
			if (++cuts > DC_SEC_MAX_DEPTH)
				return dc_sec_fail(
					w, DC_SEC_BOGUS,
					"more than %d "
					"zone cuts above %s",
					DC_SEC_MAX_DEPTH,
					dc_sec_name(target, t, sizeof(t)));
		} else {
			ldns_rdf_deep_free(child);
		}
	}
	if (want_zone && ldns_dname_compare(*zone, target) != 0)
		return dc_sec_fail(w, DC_SEC_BOGUS,
				   "signer %s is not a zone "
				   "(no DS for it in %s)",
				   dc_sec_name(target, t, sizeof(t)),
				   dc_sec_name(*zone, z, sizeof(z)));
	return DC_SEC_SECURE;
}

enum dc_sec_state dc_sec_zone_keys(struct dc_sec_walk *w, const ldns_rdf *zone,
				   ldns_rr_list **keys)
{
	ldns_rdf *z = NULL;
	enum dc_sec_state st;

	*keys = NULL;
	st = descend(w, zone, 1, keys, &z);
	ldns_rdf_deep_free(z);
	if (st != DC_SEC_SECURE) {
		ldns_rr_list_deep_free(*keys);
		*keys = NULL;
	}
	return st;
}

enum dc_sec_state dc_sec_unsigned(struct dc_sec_walk *w, const ldns_rdf *name,
				  ldns_rr_type type, const char *what)
{
	char n[DC_SEC_NAME_MAX], z[DC_SEC_NAME_MAX], t[16];
	ldns_rr_list *keys = NULL;
	ldns_rdf *zone = NULL;
	enum dc_sec_state st;

	st = descend(w, name, 0, &keys, &zone);
	if (st == DC_SEC_SECURE)
		st = dc_sec_fail(w, DC_SEC_BOGUS,
				 "%s %s: %s (zone %s is signed)",
				 dc_sec_name(name, n, sizeof(n)),
				 dc_sec_type(type, t, sizeof(t)), what,
				 dc_sec_name(zone, z, sizeof(z)));
	ldns_rr_list_deep_free(keys);
	ldns_rdf_deep_free(zone);
	return st;
}
