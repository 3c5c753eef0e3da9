/* SPDX-License-Identifier: ISC */
/* dc_dnssec.c - the validator's entry points (dc_dnssec.h): the one
 * exported symbol of nss-dnscrypt/dnssec.so, and validate(), which walks
 * the answer to (qname, qtype) link by link: each CNAME or DNAME in the
 * zone that signed it, then the final RRset, or the NXDOMAIN/NODATA proof
 * for the last name. */
#include <errno.h>
#include <string.h>

#include "dc_dnssec_int.h"
#include "dc_status.h"

static struct dc_sec_validator *sec_open(const unsigned char *anchor, size_t len,
					 char *err, size_t errlen)
{
	int saved = errno;
	struct dc_sec_validator *v = NULL;

	if (anchor == NULL || len > DC_SEC_ANCHOR_MAX_FILE) {
		dc_set_err(err, errlen, "no trust anchor, or larger than %d bytes",
			   DC_SEC_ANCHOR_MAX_FILE);
		goto done;
	}
	v = calloc(1, sizeof(*v));
	if (v == NULL) {
		dc_set_err(err, errlen, "out of memory");
		goto done;
	}
	v->anchors = dc_sec_anchor_parse((const char *)anchor, len, err, errlen);
	if (v->anchors == NULL) {
		free(v);
		v = NULL;
	}
done:
	errno = saved;
	return v;
}

static void sec_close(struct dc_sec_validator *v)
{
	int saved = errno;

	if (v != NULL) {
		dc_sec_cache_free(v);
		dc_sec_memo_free(v);
		ldns_rr_list_deep_free(v->anchors);
		free(v);
	}
	errno = saved;
}

/* The name a DNAME at owner (target) makes of name (RFC 6672 2.2). */
static ldns_rdf *dname_subst(const ldns_rdf *name, const ldns_rdf *owner,
			     const ldns_rdf *target)
{
	int n = ldns_dname_label_count(name), o = ldns_dname_label_count(owner);
	ldns_rdf *out = NULL, *l;
	int i;

	for (i = 0; i < n - o; i++) {
		l = ldns_dname_label(name, (uint8_t)i);
		if (l == NULL)
			goto bad;
		if (out == NULL) {
			out = l;
		} else {
			if (ldns_dname_cat(out, l) != LDNS_STATUS_OK) {
				ldns_rdf_deep_free(l);
				goto bad;
			}
			ldns_rdf_deep_free(l);
		}
	}
	if (out == NULL || ldns_dname_cat(out, target) != LDNS_STATUS_OK)
		goto bad;
	return out;
bad:
	ldns_rdf_deep_free(out);
	return NULL;
}

/* One RRset of the answer section: signed and chained, and when expanded
 * from a wildcard, the expansion proven. */
static enum dc_sec_state check_link(struct dc_sec_walk *w, const ldns_pkt *pkt,
				    const ldns_rdf *owner, ldns_rr_type type,
				    ldns_rr_list **rrset)
{
	ldns_rr_list *keys = NULL;
	ldns_rdf *zone = NULL;
	enum dc_sec_state st;
	int labels = -1;

	st = dc_sec_signed_rrset(w, ldns_pkt_answer(pkt), owner, type, rrset,
				 &labels, &zone);
	if (st == DC_SEC_SECURE && labels >= 0 &&
	    labels < dc_sec_labels(owner)) {
		st = dc_sec_zone_keys(w, zone, &keys);
		if (st == DC_SEC_SECURE)
			st = dc_sec_wildcard_proof(w, pkt, owner, labels, zone,
						   keys);
	}
	ldns_rr_list_deep_free(keys);
	ldns_rdf_deep_free(zone);
	return st;
}

/* A DNAME of the answer section above name, or NULL. */
static const ldns_rr *find_dname(const ldns_pkt *pkt, const ldns_rdf *name)
{
	const ldns_rr_list *a = ldns_pkt_answer(pkt);
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(a); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(a, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNAME &&
		    dc_sec_rr_sane(rr) &&
		    ldns_dname_is_subdomain(name, ldns_rr_owner(rr)))
			return rr;
	}
	return NULL;
}

/* The chain from qname: cur is the walk's own. */
static enum dc_sec_state walk(struct dc_sec_walk *w, const ldns_pkt *pkt,
			      const ldns_rdf *qname, ldns_rr_type qtype)
{
	enum dc_sec_state state = DC_SEC_SECURE, st;
	ldns_rdf *cur = ldns_rdf_clone(qname), *next;
	ldns_rr_list *set = NULL;
	const ldns_rr *dn;
	int i;

	for (i = 0; cur != NULL && i <= DC_SEC_MAX_LINKS; i++) {
		next = NULL;
		set = dc_sec_rrset(ldns_pkt_answer(pkt), cur, qtype);
		if (set != NULL && ldns_rr_list_rr_count(set) > 0) {
			ldns_rr_list_deep_free(set);
			set = NULL;
			state = dc_sec_worse(
				state, check_link(w, pkt, cur, qtype, &set));
			goto done;
		}
		ldns_rr_list_deep_free(set);
		set = dc_sec_rrset(ldns_pkt_answer(pkt), cur,
				   LDNS_RR_TYPE_CNAME);
		if ((dn = find_dname(pkt, cur)) != NULL) {
			ldns_rr_list_deep_free(set);
			set = NULL;
			/* the CNAME synthesized from it is unsigned: skipped
			 * (RFC 6672 5.3.1) */
			st = check_link(w, pkt, ldns_rr_owner(dn),
					LDNS_RR_TYPE_DNAME, &set);
			if (set != NULL)
				next = dname_subst(cur, ldns_rr_owner(dn),
						   ldns_rr_rdf(dn, 0));
		} else if (set != NULL && ldns_rr_list_rr_count(set) > 0 &&
			   qtype != LDNS_RR_TYPE_CNAME) {
			ldns_rr_list_deep_free(set);
			set = NULL;
			st = check_link(w, pkt, cur, LDNS_RR_TYPE_CNAME, &set);
			if (set != NULL)
				next = ldns_rdf_clone(ldns_rr_rdf(
					ldns_rr_list_rr(set, 0), 0));
		} else {
			st = dc_sec_denial_signed(w, pkt, cur, qtype,
						  ldns_pkt_get_rcode(pkt) ==
							  LDNS_RCODE_NXDOMAIN);
			state = dc_sec_worse(state, st);
			goto done;
		}
		ldns_rr_list_deep_free(set);
		set = NULL;
		state = dc_sec_worse(state, st);
		if (st != DC_SEC_SECURE && st != DC_SEC_INSECURE) {
			ldns_rdf_deep_free(next);
			goto done;
		}
		ldns_rdf_deep_free(cur);
		cur = next;
	}
	state = cur == NULL ?
			dc_sec_fail(w, DC_SEC_BOGUS,
				    "cannot follow the CNAME/DNAME chain") :
			dc_sec_fail(w, DC_SEC_BOGUS,
				    "CNAME/DNAME chain longer than %d",
				    DC_SEC_MAX_LINKS);
done:
	ldns_rr_list_deep_free(set);
	ldns_rdf_deep_free(cur);
	return state;
}

static void sec_validate(struct dc_sec_validator *v, const char *qname,
			 int qtype, const unsigned char *ans, size_t alen,
			 const struct dc_sec_io *io, time_t now,
			 struct dc_sec_result *res)
{
	int saved = errno;
	struct dc_sec_walk w = {v, io, now, 0, res};
	ldns_rdf *q = NULL;
	ldns_pkt *pkt = NULL;
	const ldns_rr *qr;
	ldns_pkt_rcode rc;

	res->why[0] = '\0';
	if (v == NULL || qname == NULL || ans == NULL || qtype <= 0 ||
	    qtype > 0xffff) {
		res->state = dc_sec_fail(&w, DC_SEC_INDETERMINATE,
					 "validator called without an answer");
		goto done;
	}
	if (ldns_wire2pkt(&pkt, ans, alen) != LDNS_STATUS_OK) {
		res->state = dc_sec_fail(&w, DC_SEC_BOGUS, "malformed answer");
		goto done;
	}
	q = ldns_dname_new_frm_str(qname);
	qr = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	if (q == NULL || qr == NULL ||
	    ldns_rr_get_type(qr) != (ldns_rr_type)qtype ||
	    ldns_dname_compare(ldns_rr_owner(qr), q) != 0) {
		res->state = dc_sec_fail(&w, DC_SEC_BOGUS,
					 "the answer is to another question");
		goto done;
	}
	rc = ldns_pkt_get_rcode(pkt);
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN) {
		res->state = dc_sec_fail(&w, DC_SEC_INDETERMINATE,
					 "answer with rcode %u", (unsigned)rc);
		goto done;
	}
	res->state = walk(&w, pkt, q, (ldns_rr_type)qtype);
done:
	if (res->state == DC_SEC_SECURE || res->state == DC_SEC_INSECURE)
		res->why[0] = '\0';
	else if (res->why[0] == '\0')
		dc_sec_fail(&w, res->state, "validation failed");
	ldns_rdf_deep_free(q);
	ldns_pkt_free(pkt);
	errno = saved;
}

__attribute__((visibility("default"))) const struct dc_sec_ops dc_sec_ops_v1 = {
	.abi = DC_SEC_ABI,
	.open = sec_open,
	.close = sec_close,
	.validate = sec_validate,
};
