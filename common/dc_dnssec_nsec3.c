/* SPDX-License-Identifier: ISC */
/* dc_dnssec_nsec3.c - NSEC3 proofs (RFC 5155 8): matching and covering
 * hashes, the closest encloser proof, NXDOMAIN, NODATA, wildcard NODATA,
 * DS absence and opt-out.  The records in the proof were checked by
 * dc_dnssec_denial.c (which says why the proofs are not ldns's). */
#include <string.h>

#include "dc_dnssec_int.h"

/* The first label of name, base32hex-decoded (an NSEC3 owner). */
static size_t b32_label(const ldns_rdf *name, uint8_t *out)
{
	const uint8_t *d = ldns_rdf_data(name);
	int n;

	if (ldns_rdf_size(name) < 2 || d[0] == 0 || d[0] > 63)
		return 0;
	n = ldns_b32_pton_extended_hex((const char *)d + 1, d[0], out,
				       DC_SEC_H_MAX);
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
				 ldns_rdf_data(salt)[0],
				 ldns_rdf_data(salt) + 1);
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

/* Keeps rr (its RRSIG checked) in p when it is usable: SHA-1 (RFC 5155
 * 8.1: unknown hashes are ignored) within the iterations cap (RFC 9276
 * 3.2: over it, the zone is treated as insecure), with the parameters of
 * the first one kept (8.2), a 20-byte owner hash and next hash. */
void dc_sec_nsec3_add(struct dc_sec_proof *p, ldns_rr *rr)
{
	if (p->nnsec3 >= DC_SEC_MAX_NSEC)
		return;
	if (ldns_rdf2native_int8(ldns_rr_rdf(rr, 0)) != LDNS_SHA1 ||
	    ldns_rdf2native_int16(ldns_rr_rdf(rr, 2)) > DC_SEC_MAX_NSEC3_ITER) {
		p->over_cap = 1;
		return;
	}
	if (p->nnsec3 > 0 && !same_params(p->nsec3[0], rr))
		return;
	if (b32_label(ldns_rr_owner(rr), p->h3[p->nnsec3]) != 20 ||
	    ldns_rdf_size(ldns_rr_rdf(rr, 4)) != 21)
		return;
	p->nsec3[p->nnsec3++] = rr;
}

/* NSEC3 i matches (hash == owner hash) or covers (owner < hash < next). */
static int n3_match(const struct dc_sec_proof *p, size_t i, const uint8_t *h)
{
	return memcmp(p->h3[i], h, 20) == 0;
}

static int n3_covers(const struct dc_sec_proof *p, size_t i, const uint8_t *h)
{
	const uint8_t *o = p->h3[i];
	const uint8_t *nx = ldns_rdf_data(ldns_rr_rdf(p->nsec3[i], 4)) + 1;

	if (memcmp(o, h, 20) >= 0)
		return memcmp(o, nx, 20) >= 0 && memcmp(h, nx, 20) < 0;
	return memcmp(o, nx, 20) >= 0 || memcmp(h, nx, 20) < 0;
}

const ldns_rr *dc_sec_nsec3_find(const struct dc_sec_proof *p,
				 const ldns_rdf *name, int cover)
{
	uint8_t h[DC_SEC_H_MAX];
	size_t i;

	if (p->nnsec3 == 0 || nsec3_hash(p->nsec3[0], name, h) != 20)
		return NULL;
	for (i = 0; i < p->nnsec3; i++)
		if (cover ? n3_covers(p, i, h) : n3_match(p, i, h))
			return p->nsec3[i];
	return NULL;
}

enum dc_sec_denial dc_sec_nsec3_proof(const struct dc_sec_proof *p,
				      const ldns_rdf *name, ldns_rr_type type,
				      const ldns_rdf *zone)
{
	const ldns_rr *m = dc_sec_nsec3_find(p, name, 0), *c = NULL, *cm = NULL;
	int n = ldns_dname_label_count(name), k,
	    zl = ldns_dname_label_count(zone);
	enum dc_sec_denial d = DC_SEC_D_NONE;
	ldns_rdf *ce = NULL, *nc = NULL, *wc;

	if (m != NULL) /* RFC 5155 8.5, 8.6 */
		return dc_sec_match_denial(m, type);
	/* closest encloser proof (8.3) */
	for (k = n - 1; k >= zl && c == NULL; k--) {
		ldns_rdf_deep_free(ce);
		ldns_rdf_deep_free(nc);
		ce = ldns_dname_clone_from(name, (uint16_t)(n - k));
		nc = ldns_dname_clone_from(name, (uint16_t)(n - k - 1));
		if (ce == NULL || nc == NULL)
			goto done;
		cm = dc_sec_nsec3_find(p, ce, 0);
		if (cm == NULL)
			continue;
		if (dc_sec_delegation(cm) ||
		    dc_sec_has(cm, LDNS_RR_TYPE_DNAME)) {
			d = DC_SEC_D_BOGUS;
			goto done;
		}
		c = dc_sec_nsec3_find(p, nc, 1);
		if (c == NULL)
			goto done;
	}
	if (c == NULL)
		goto done;
	if (type == LDNS_RR_TYPE_DS &&
	    (ldns_rdf2native_int8(ldns_rr_rdf(c, 1)) & 1)) {
		d = DC_SEC_D_INSECURE_CUT; /* opt-out span (8.6) */
		goto done;
	}
	wc = dc_sec_wildcard_of(ce);
	if (wc != NULL) {
		const ldns_rr *wm = dc_sec_nsec3_find(p, wc, 0);

		if (wm != NULL) /* wildcard NODATA (8.7) */
			d = dc_sec_has(wm, type) ||
					    dc_sec_has(wm, LDNS_RR_TYPE_CNAME) ?
				    DC_SEC_D_BOGUS :
				    DC_SEC_D_NODATA;
		else if (dc_sec_nsec3_find(p, wc, 1) != NULL)
			/* 8.4; under opt-out, the name may be an unsigned
			 * delegation left out of the chain (RFC 7129 5.1) */
			d = ldns_rdf2native_int8(ldns_rr_rdf(c, 1)) & 1 ?
				    DC_SEC_D_INSECURE :
				    DC_SEC_D_NXDOMAIN;
	}
	ldns_rdf_deep_free(wc);
done:
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(nc);
	return d;
}
