/* SPDX-License-Identifier: ISC */
/* dc_dnssec_rrset.c - fetching through the caller, picking RRsets and
 * their RRSIGs out of a response, and checking the signatures. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dc_dnssec_int.h"
#include "dc_status.h"

enum dc_sec_state dc_sec_fetch(struct dc_sec_walk *w, const ldns_rdf *name,
			       ldns_rr_type type, ldns_pkt **pkt)
{
	char n[LDNS_MAX_DOMAINLEN + 8], t[16];
	unsigned char *ans = NULL;
	size_t alen = 0;
	ldns_pkt *p = NULL;
	ldns_pkt_rcode rc;
	ldns_rr *q;
	int st;

	*pkt = NULL;
	dc_sec_name(name, n, sizeof(n));
	if (w->io == NULL || w->io->fetch == NULL)
		return dc_sec_fail(w, DC_SEC_INDETERMINATE,
				   "cannot fetch %s %s: no fetch function", n,
				   dc_sec_type(type, t, sizeof(t)));
	if (w->fetches >= DC_SEC_MAX_FETCH)
		return dc_sec_fail(w, DC_SEC_INDETERMINATE,
				   "more than %d fetches needed (at %s %s)",
				   DC_SEC_MAX_FETCH, n,
				   dc_sec_type(type, t, sizeof(t)));
	w->fetches++;
	st = w->io->fetch(w->io->arg, n, (int)type, &ans, &alen);
	if (st != DC_OK || ans == NULL) {
		free(ans);
		return dc_sec_fail(
			w, DC_SEC_INDETERMINATE, "fetch of %s %s failed: %s", n,
			dc_sec_type(type, t, sizeof(t)),
			dc_strerror(st != DC_OK ? (dc_status)st : DC_EBADRESP));
	}
	if (ldns_wire2pkt(&p, ans, alen) != LDNS_STATUS_OK) {
		free(ans);
		return dc_sec_fail(w, DC_SEC_BOGUS, "%s %s: malformed response",
				   n, dc_sec_type(type, t, sizeof(t)));
	}
	free(ans);
	rc = ldns_pkt_get_rcode(p);
	q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
	if (q == NULL || ldns_rr_get_type(q) != type ||
	    ldns_dname_compare(ldns_rr_owner(q), name) != 0) {
		ldns_pkt_free(p);
		return dc_sec_fail(w, DC_SEC_BOGUS,
				   "%s %s: response to another question", n,
				   dc_sec_type(type, t, sizeof(t)));
	}
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN) {
		ldns_pkt_free(p);
		return dc_sec_fail(w, DC_SEC_INDETERMINATE,
				   "fetch of %s %s failed: rcode %u", n,
				   dc_sec_type(type, t, sizeof(t)),
				   (unsigned)rc);
	}
	*pkt = p;
	return DC_SEC_SECURE;
}

/* The records the validator reads field by field must have all their
 * fields (ldns leaves the missing ones NULL on short rdata, and several of
 * its accessors assert()). */
int dc_sec_rr_sane(const ldns_rr *rr)
{
	size_t want, opt = 0; /* the last field may be empty: a type bitmap */
	size_t i, n = ldns_rr_rd_count(rr);

	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
		return 0;
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_RRSIG: want = 9; break;
	case LDNS_RR_TYPE_DNSKEY: want = 4; break;
	case LDNS_RR_TYPE_DS: want = 4; break;
	case LDNS_RR_TYPE_NSEC:
		want = 2;
		opt = 1;
		break;
	case LDNS_RR_TYPE_NSEC3:
		want = 6;
		opt = 1;
		break;
	case LDNS_RR_TYPE_CNAME: want = 1; break;
	case LDNS_RR_TYPE_DNAME: want = 1; break;
	default: return 1;
	}
	if (n != want && n + opt != want)
		return 0;
	for (i = 0; i < n; i++)
		if (ldns_rr_rdf(rr, i) == NULL)
			return 0;
	return 1;
}

/* Copies of the records of section sect with that owner and type. */
ldns_rr_list *dc_sec_rrset(const ldns_rr_list *sect, const ldns_rdf *owner,
			   ldns_rr_type type)
{
	ldns_rr_list *out = ldns_rr_list_new();
	size_t i;

	for (i = 0; out != NULL && i < ldns_rr_list_rr_count(sect); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(sect, i);
		ldns_rr *c;

		if (ldns_rr_get_type(rr) != type || !dc_sec_rr_sane(rr) ||
		    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
			continue;
		c = ldns_rr_clone(rr);
		if (c == NULL || !ldns_rr_list_push_rr(out, c)) {
			ldns_rr_free(c);
			ldns_rr_list_deep_free(out);
			return NULL;
		}
	}
	return out;
}

/* Copies of the RRSIGs of section sect over (owner, type). */
ldns_rr_list *dc_sec_sigs(const ldns_rr_list *sect, const ldns_rdf *owner,
			  ldns_rr_type type)
{
	ldns_rr_list *all = dc_sec_rrset(sect, owner, LDNS_RR_TYPE_RRSIG);
	ldns_rr_list *out = ldns_rr_list_new();
	size_t i;

	for (i = 0;
	     all != NULL && out != NULL && i < ldns_rr_list_rr_count(all);
	     i++) {
		ldns_rr *rr = ldns_rr_list_rr(all, i);

		if (ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == type) {
			ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
		}
	}
	ldns_rr_list_deep_free(all);
	return out;
}

/* The answer to the question (owner, type), fetched: *set, the RRset of
 * type at owner, and *sigs, its signatures (both empty when it has none).
 * The caller frees *pkt, *set and *sigs whatever the outcome. */
enum dc_sec_state dc_sec_fetch_set(struct dc_sec_walk *w, const ldns_rdf *owner,
				   ldns_rr_type type, ldns_pkt **pkt,
				   ldns_rr_list **set, ldns_rr_list **sigs)
{
	enum dc_sec_state st = dc_sec_fetch(w, owner, type, pkt);

	if (st != DC_SEC_SECURE)
		return st;
	*set = dc_sec_rrset(ldns_pkt_answer(*pkt), owner, type);
	*sigs = dc_sec_sigs(ldns_pkt_answer(*pkt), owner, type);
	if (*set == NULL || *sigs == NULL)
		return dc_sec_fail(w, DC_SEC_INDETERMINATE, "out of memory");
	return DC_SEC_SECURE;
}

/* RSA/SHA-256, RSA/SHA-512, ECDSA P-256 and P-384, Ed25519 (RFC 8624
 * "MUST"s); anything else is unsupported: a zone whose DS set names no
 * supported algorithm is insecure (RFC 4035 5.2, RFC 6840 5.2). */
int dc_sec_alg_supported(unsigned alg)
{
	return alg == LDNS_RSASHA256 || alg == LDNS_RSASHA512 ||
	       alg == LDNS_ECDSAP256SHA256 || alg == LDNS_ECDSAP384SHA384 ||
	       alg == LDNS_ED25519;
}

/* RFC 4034 2.1.1: only keys with the Zone Key flag verify RRSIGs, and
 * 2.1.2: protocol is 3. */
int dc_sec_is_zone_key(const ldns_rr *k)
{
	return ldns_rr_get_type(k) == LDNS_RR_TYPE_DNSKEY &&
	       dc_sec_rr_sane(k) &&
	       (ldns_rdf2native_int16(ldns_rr_dnskey_flags(k)) & 0x0100) &&
	       ldns_rdf2native_int8(ldns_rr_dnskey_protocol(k)) == 3;
}

/* Labels of name as the RRSIG Labels field counts them (RFC 4034 3.1.3:
 * neither the root nor a leading "*"). */
int dc_sec_labels(const ldns_rdf *name)
{
	int n = ldns_dname_label_count(name);
	const uint8_t *d = ldns_rdf_data(name);

	if (n > 0 && d[0] == 1 && d[1] == '*')
		n--;
	return n;
}

enum dc_sec_state dc_sec_verify(struct dc_sec_walk *w,
				const ldns_rr_list *rrset,
				const ldns_rr_list *sigs, const ldns_rdf *zone,
				const ldns_rr_list *keys, time_t *expires,
				int *labels)
{
	char n[DC_SEC_NAME_MAX], z[DC_SEC_NAME_MAX], t[16];
	char when[40], why[DC_SEC_NAME_MAX + 80];
	const ldns_rr *first = ldns_rr_list_rr(rrset, 0);
	size_t i, tried = 0;
	ldns_rr_list *good;
	ldns_status s;

	dc_sec_name(ldns_rr_owner(first), n, sizeof(n));
	dc_sec_name(zone, z, sizeof(z));
	snprintf(why, sizeof(why), "no RRSIG by %s", z);
	for (i = 0; i < ldns_rr_list_rr_count(sigs) && tried < DC_SEC_MAX_SIGS;
	     i++) {
		ldns_rr *sig = ldns_rr_list_rr(sigs, i);
		unsigned alg =
			ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig));
		int lab = ldns_rdf2native_int8(ldns_rr_rrsig_labels(sig));

		if (ldns_dname_compare(ldns_rr_rrsig_signame(sig), zone) != 0)
			continue;
		tried++;
		if (!dc_sec_alg_supported(alg)) {
			snprintf(why, sizeof(why), "unsupported algorithm %u",
				 alg);
			continue;
		}
		if (lab > dc_sec_labels(ldns_rr_owner(first))) {
			snprintf(why, sizeof(why), "RRSIG labels %d > owner's",
				 lab);
			continue;
		}
		if (dc_sec_memo_hit(w, rrset, sig, keys, expires)) {
			if (labels != NULL)
				*labels = lab;
			return DC_SEC_SECURE;
		}
		good = ldns_rr_list_new();
		s = ldns_verify_rrsig_keylist_time(rrset, sig, keys, w->now,
						   good);
		if (DC_SEC_CRYPTO_OK(s == LDNS_STATUS_OK)) {
			uint32_t e = ldns_rdf2native_int32(
				ldns_rr_rrsig_expiration(sig));
			*expires = w->now + (int32_t)(e - (uint32_t)w->now);
			if (labels != NULL)
				*labels = lab;
			if (ldns_rr_list_rr_count(good) > 0)
				dc_sec_memo_put(w, rrset, sig,
						ldns_rr_list_rr(good, 0),
						dc_sec_set_expiry(w, rrset,
								  *expires));
			ldns_rr_list_free(good); /* keys' records */
			return DC_SEC_SECURE;
		}
		ldns_rr_list_free(good);
		if (s == LDNS_STATUS_CRYPTO_SIG_EXPIRED) {
			dc_sec_time(ldns_rdf2native_int32(
					    ldns_rr_rrsig_expiration(sig)),
				    w->now, when, sizeof(when));
			snprintf(why, sizeof(why), "RRSIG expired %s", when);
		} else if (s == LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED) {
			dc_sec_time(ldns_rdf2native_int32(
					    ldns_rr_rrsig_inception(sig)),
				    w->now, when, sizeof(when));
			snprintf(why, sizeof(why),
				 "RRSIG not yet valid (from %s)", when);
		} else if (s == LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY) {
			snprintf(why, sizeof(why),
				 "no DNSKEY of %s with key tag %u", z,
				 (unsigned)ldns_rdf2native_int16(
					 ldns_rr_rrsig_keytag(sig)));
		} else {
			snprintf(why, sizeof(why),
				 "signature does not verify (%s)",
				 ldns_get_errorstr_by_id(s));
		}
	}
	return dc_sec_fail(w, DC_SEC_BOGUS, "%s %s: %s", n,
			   dc_sec_type(ldns_rr_get_type(first), t, sizeof(t)),
			   why);
}

/* When a validated set is to be checked again: its smallest TTL (at most
 * a day), and never after its signature expires. */
time_t dc_sec_set_expiry(struct dc_sec_walk *w, const ldns_rr_list *rrset,
			 time_t sig_expires)
{
	uint32_t ttl = DC_SEC_MAX_TTL;
	size_t i;
	time_t e;

	for (i = 0; i < ldns_rr_list_rr_count(rrset); i++)
		if (ldns_rr_ttl(ldns_rr_list_rr(rrset, i)) < ttl)
			ttl = ldns_rr_ttl(ldns_rr_list_rr(rrset, i));
	e = w->now + (time_t)ttl;
	return sig_expires < e ? sig_expires : e;
}

/* The signer named by the first RRSIG (the others are checked against the
 * same zone); NULL when there is none. */
ldns_rdf *dc_sec_signer(const ldns_rr_list *sigs)
{
	const ldns_rr *s = ldns_rr_list_rr(sigs, 0);

	return s != NULL ? ldns_rr_rrsig_signame(s) : NULL;
}

/* The RRset (owner, type) of sect, checked: signed by a zone at or above
 * owner whose keys chain to an anchor, or provably unsigned. */
enum dc_sec_state dc_sec_signed_rrset(struct dc_sec_walk *w,
				      const ldns_rr_list *sect,
				      const ldns_rdf *owner, ldns_rr_type type,
				      ldns_rr_list **rrset_out, int *labels,
				      ldns_rdf **zone_out)
{
	char n[DC_SEC_NAME_MAX], t[16];
	ldns_rr_list *rrset = dc_sec_rrset(sect, owner, type);
	ldns_rr_list *sigs = dc_sec_sigs(sect, owner, type);
	ldns_rr_list *keys = NULL;
	enum dc_sec_state st;
	ldns_rdf *signer;
	time_t exp;

	*rrset_out = NULL;
	if (rrset == NULL || sigs == NULL ||
	    ldns_rr_list_rr_count(rrset) == 0) {
		st = dc_sec_fail(w, DC_SEC_BOGUS, "%s %s: no such RRset",
				 dc_sec_name(owner, n, sizeof(n)),
				 dc_sec_type(type, t, sizeof(t)));
		goto done;
	}
	signer = dc_sec_signer(sigs);
	if (signer == NULL) {
		st = dc_sec_unsigned(w, owner, type, "missing RRSIG");
		goto done;
	}
	if (!ldns_dname_is_subdomain(owner, signer) &&
	    ldns_dname_compare(owner, signer) != 0) {
		st = dc_sec_fail(w, DC_SEC_BOGUS,
				 "%s %s: RRSIG signer is not above the owner",
				 dc_sec_name(owner, n, sizeof(n)),
				 dc_sec_type(type, t, sizeof(t)));
		goto done;
	}
	st = dc_sec_zone_keys(w, signer, &keys);
	if (st != DC_SEC_SECURE)
		goto done;
	st = dc_sec_verify(w, rrset, sigs, signer, keys, &exp, labels);
	if (st == DC_SEC_SECURE && zone_out != NULL)
		*zone_out = ldns_rdf_clone(signer);
done:
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);
	if (st == DC_SEC_SECURE || st == DC_SEC_INSECURE)
		*rrset_out = rrset;
	else
		ldns_rr_list_deep_free(rrset);
	return st;
}
