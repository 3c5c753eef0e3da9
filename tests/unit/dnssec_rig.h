/* SPDX-License-Identifier: ISC */
/* dnssec_rig.h - signed zones in memory and a fake resolver answering from
 * them, for the validator's unit tests (test_dnssec*.c).
 *
 * Each zone gets one key (flags 257, signing everything) made with ldns in
 * the test, is signed with ldns_zone_sign (NSEC) or ldns_zone_sign_nsec3,
 * children first so that their DS records go into their parents.  The
 * fake resolver answers as a validating-unaware recursive resolver with DO
 * set would: the RRset with its RRSIGs, CNAMEs followed, wildcards
 * expanded, and for NXDOMAIN/NODATA/wildcards every NSEC/NSEC3 of the zone
 * with its RRSIGs in the authority section (the zones are small; the
 * validator picks what it needs).  DS is answered from the parent zone.
 * Faults: fetches failing, RRSIGs stripped from the answer section, every
 * DNSSEC record stripped, an A record altered after signing.
 */
#ifndef DNSSEC_RIG_H
#define DNSSEC_RIG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "dc_dnssec.h"
#include "dc_status.h"

#define RIG_T0 1800000000u /* 2027-01-15: "now" of the tests */
#define RIG_DAY 86400u
#define RIG_MAXZ 16

struct rig_zone {
	ldns_rdf *apex;
	ldns_key_list *keys; /* the zone's key, owned */
	ldns_rr *dnskey;
	ldns_rr_list *rrs; /* signed (or not), SOA included */
};

struct rig_store {
	char key[300];
	unsigned char *blob;
	size_t len;
};

struct rig {
	struct rig_zone z[RIG_MAXZ];
	int nz;
	int fetches;
	int loads;
	int fail_fetch;    /* fetches answer DC_ETIMEOUT */
	int strip_sigs;    /* RRSIGs removed from answer sections */
	int strip_dnssec;  /* RRSIG, NSEC, NSEC3, DNSKEY, DS removed everywhere */
	int tamper;        /* A records get 203.0.113.66 after signing */
	int forge_nx;      /* NXDOMAIN, with the zone's NSECs, for any A */
	int strip_auth;    /* the answer's authority section removed */
	int referral;      /* names of unsigned zones: the parent's referral */
	struct rig_store st[64];
	int nst;
};

static ldns_rr *rig_rr(const char *text)
{
	ldns_rr *rr = NULL;

	if (ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL) != LDNS_STATUS_OK) {
		printf("# bad test record: %s\n", text);
		exit(1);
	}
	return rr;
}

static ldns_key *rig_key(const char *apex, ldns_signing_algorithm alg,
			 uint32_t inception, uint32_t expiration)
{
	ldns_key *k = ldns_key_new_frm_algorithm(alg, alg == LDNS_SIGN_RSASHA256 ||
						 alg == LDNS_SIGN_RSASHA512 ? 1024 : 256);
	ldns_rr *rr;

	if (k == NULL) {
		printf("# cannot make a key of algorithm %d\n", (int)alg);
		exit(1);
	}
	ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(apex));
	ldns_key_set_flags(k, 257);
	ldns_key_set_inception(k, inception);
	ldns_key_set_expiration(k, expiration);
	rr = ldns_key2rr(k);
	ldns_key_set_keytag(k, ldns_calc_keytag(rr));
	ldns_rr_free(rr);
	return k;
}

/* Signs every RRset of rrs owned by the zone (not the NS of a delegation)
 * with kl, adding the RRSIGs to out. */
static void rig_sign_sets(ldns_rr_list *out, const ldns_rr_list *rrs,
			  const ldns_rdf *apex, ldns_key_list *kl)
{
	size_t i, j;

	for (i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(rrs, i);
		ldns_rr_list *set, *sigs;
		int seen = 0;

		for (j = 0; j < i; j++)
			if (ldns_rr_get_type(ldns_rr_list_rr(rrs, j)) ==
			    ldns_rr_get_type(rr) && ldns_dname_compare(
			    ldns_rr_owner(ldns_rr_list_rr(rrs, j)),
			    ldns_rr_owner(rr)) == 0)
				seen = 1;
		if (seen || (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS &&
		    ldns_dname_compare(ldns_rr_owner(rr), apex) != 0))
			continue;
		set = ldns_rr_list_new();
		for (j = i; j < ldns_rr_list_rr_count(rrs); j++)
			if (ldns_rr_get_type(ldns_rr_list_rr(rrs, j)) ==
			    ldns_rr_get_type(rr) && ldns_dname_compare(
			    ldns_rr_owner(ldns_rr_list_rr(rrs, j)),
			    ldns_rr_owner(rr)) == 0)
				ldns_rr_list_push_rr(set, ldns_rr_list_rr(rrs, j));
		sigs = ldns_sign_public(set, kl);
		for (j = 0; sigs != NULL && j < ldns_rr_list_rr_count(sigs); j++)
			ldns_rr_list_push_rr(out, ldns_rr_list_rr(sigs, j));
		ldns_rr_list_free(sigs);
		ldns_rr_list_free(set);
	}
}

/* An owner with NS and no DS below the apex: an unsigned delegation. */
static int rig_unsigned_cut(const ldns_rr_list *rrs, const ldns_rdf *o,
			    const ldns_rdf *apex)
{
	size_t i;
	int ns = 0, ds = 0;

	for (i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrs, i);

		if (ldns_dname_compare(ldns_rr_owner(rr), o) != 0)
			continue;
		ns |= ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS;
		ds |= ldns_rr_get_type(rr) == LDNS_RR_TYPE_DS;
	}
	return ns && !ds && ldns_dname_compare(o, apex) != 0;
}

/* RIG_OPTOUT in rig_zone's nsec3: NSEC3 opt-out (RFC 5155 6), unsigned
 * delegations left out of the chain. */
#define RIG_OPTOUT 0x10000

/* NSEC3 (RFC 5155 7.1, no salt) by hand: ldns 1.8.3's
 * ldns_dnssec_zone_sign_nsec3 on a zone built with ldns_dnssec_zone_add_rr
 * (and ldns_zone_sign_nsec3) gives one NSEC3 for the whole zone
 * (ldns-signzone -n, which reads its zone file otherwise, is right). */
static void rig_nsec3(ldns_rr_list *out, const ldns_rdf *apex, int iter)
{
	int optout = (iter & RIG_OPTOUT) != 0;
	ldns_rdf *names[64], *hashes[64];
	char text[2048], *h, *nh, *a = ldns_rdf2str(apex);
	size_t n = 0, i, j, k;
	ldns_rr *rr;

	iter &= ~RIG_OPTOUT;
	/* every owner and empty non-terminal */
	for (i = 0; i < ldns_rr_list_rr_count(out); i++) {
		ldns_rdf *o = ldns_rdf_clone(ldns_rr_owner(ldns_rr_list_rr(out, i)));

		if (optout && rig_unsigned_cut(out, o, apex)) {
			ldns_rdf_deep_free(o);
			continue;
		}
		while (o != NULL) {
			int have = 0;

			for (j = 0; j < n; j++)
				have |= ldns_dname_compare(names[j], o) == 0;
			if (have || n == 64 || ldns_dname_label_count(o) <
			    ldns_dname_label_count(apex)) {
				ldns_rdf_deep_free(o);
				break;
			}
			names[n++] = o;
			o = ldns_dname_left_chop(o);
		}
	}
	for (i = 0; i < n; i++)
		hashes[i] = ldns_nsec3_hash_name(names[i], 1, (uint16_t)iter, 0, NULL);
	for (i = 0; i < n; i++) {
		size_t next = n;

		for (j = 0; j < n; j++)   /* the next hash, or the smallest */
			if (ldns_dname_compare(hashes[j], hashes[i]) > 0 &&
			    (next == n || ldns_dname_compare(hashes[j], hashes[next]) < 0))
				next = j;
		if (next == n)
			for (next = 0, j = 1; j < n; j++)
				if (ldns_dname_compare(hashes[j], hashes[next]) < 0)
					next = j;
		h = ldns_rdf2str(hashes[i]);
		nh = ldns_rdf2str(hashes[next]);
		nh[strlen(nh) - 1] = '\0';
		snprintf(text, sizeof(text), "%s%s 300 IN NSEC3 1 %d %d - %s", h, a,
			 optout, iter, nh);
		for (k = 0; k < ldns_rr_list_rr_count(out); k++) {
			ldns_rr *x = ldns_rr_list_rr(out, k);
			char *t;
			int dup = 0;

			if (ldns_dname_compare(ldns_rr_owner(x), names[i]) != 0)
				continue;
			for (j = 0; j < k; j++)
				dup |= ldns_rr_get_type(ldns_rr_list_rr(out, j)) ==
				       ldns_rr_get_type(x) && ldns_dname_compare(
				       ldns_rr_owner(ldns_rr_list_rr(out, j)),
				       names[i]) == 0;
			if (dup)
				continue;
			t = ldns_rr_type2str(ldns_rr_get_type(x));
			strcat(text, " ");
			strcat(text, t);
			free(t);
		}
		if (strcmp(text + strlen(text) - 4, " SOA") == 0 ||
		    strstr(text, " A") != NULL)
			strcat(text, " RRSIG");
		rr = rig_rr(text);
		ldns_rr_list_push_rr(out, rr);
		free(h);
		free(nh);
	}
	snprintf(text, sizeof(text), "%s 0 IN NSEC3PARAM 1 0 %d -", a, iter);
	ldns_rr_list_push_rr(out, rig_rr(text));
	for (i = 0; i < n; i++) {
		ldns_rdf_deep_free(names[i]);
		ldns_rdf_deep_free(hashes[i]);
	}
	free(a);
}

/* The records of zone signed with kl: NSEC through ldns's dnssec_zone
 * signer, NSEC3 (nsec3 iterations) by rig_nsec3 and ldns_sign_public. */
static ldns_rr_list *rig_sign(const ldns_zone *zone, ldns_key_list *kl,
			      int nsec3)
{
	ldns_dnssec_zone *dz;
	ldns_rr_list *added, *out = ldns_rr_list_new(), *sigs;
	const ldns_rdf *apex = ldns_rr_owner(ldns_zone_soa(zone));
	size_t i;

	ldns_rr_list_push_rr(out, ldns_rr_clone(ldns_zone_soa(zone)));
	for (i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(zone)); i++)
		ldns_rr_list_push_rr(out, ldns_rr_clone(
			ldns_rr_list_rr(ldns_zone_rrs(zone), i)));
	if (nsec3 >= 0) {
		rig_nsec3(out, apex, nsec3);
		sigs = ldns_rr_list_new();
		rig_sign_sets(sigs, out, apex, kl);
		ldns_rr_list_cat(out, sigs);
		ldns_rr_list_free(sigs);
		return out;
	}
	dz = ldns_dnssec_zone_new();
	added = ldns_rr_list_new();
	for (i = 0; i < ldns_rr_list_rr_count(out); i++)
		ldns_dnssec_zone_add_rr(dz, ldns_rr_clone(ldns_rr_list_rr(out, i)));
	if (ldns_dnssec_zone_sign(dz, added, kl,
				  ldns_dnssec_default_replace_signatures,
				  NULL) != LDNS_STATUS_OK) {
		printf("# cannot sign\n");
		exit(1);
	}
	for (i = 0; i < ldns_rr_list_rr_count(added); i++)
		ldns_rr_list_push_rr(out, ldns_rr_clone(ldns_rr_list_rr(added, i)));
	ldns_dnssec_zone_deep_free(dz);
	ldns_rr_list_free(added); /* the zone's own records */
	return out;
}

/* Adds a zone: text is its records, one per line (owner absolute); key
 * NULL for an unsigned zone; nsec3 < 0 NSEC, else NSEC3 with that many
 * iterations.  Its DS (SHA-256) is returned for the parent's text. */
static ldns_rr *rig_zone(struct rig *r, const char *apex, const char *text,
			 ldns_key *key, int nsec3)
{
	struct rig_zone *z = &r->z[r->nz++];
	ldns_zone *zone = ldns_zone_new();
	ldns_key_list *kl;
	char line[1024], soa[400];
	const char *p = text;
	ldns_rr *ds = NULL;

	z->apex = ldns_dname_new_frm_str(apex);
	snprintf(soa, sizeof(soa), "%s 3600 IN SOA ns%s%s host%s%s 1 3600 600 "
		 "86400 300", apex, apex[1] ? "." : "", apex, apex[1] ? "." : "",
		 apex);
	ldns_zone_set_soa(zone, rig_rr(soa));
	while (*p != '\0') {
		size_t n = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		if (n > 0)
			ldns_zone_push_rr(zone, rig_rr(line));
		p += n + (p[n] == '\n');
	}
	if (key == NULL) {
		z->rrs = ldns_rr_list_clone(ldns_zone_rrs(zone));
		ldns_rr_list_push_rr(z->rrs, ldns_rr_clone(ldns_zone_soa(zone)));
		ldns_zone_deep_free(zone);
		return NULL;
	}
	z->dnskey = ldns_key2rr(key);
	ldns_zone_push_rr(zone, ldns_rr_clone(z->dnskey));
	kl = z->keys = ldns_key_list_new();
	ldns_key_list_push_key(kl, key);
	z->rrs = rig_sign(zone, kl, nsec3);
	ldns_zone_deep_free(zone);
	ds = ldns_key_rr2ds(z->dnskey, LDNS_SHA256);
	return ds;
}

/* The zone that answers (name, type): the deepest apex at or above name,
 * the parent's for DS at an apex. */
static struct rig_zone *rig_find(struct rig *r, const ldns_rdf *name,
				 ldns_rr_type type)
{
	struct rig_zone *best = NULL;
	int i;

	for (i = 0; i < r->nz; i++) {
		const ldns_rdf *a = r->z[i].apex;

		if (ldns_dname_compare(a, name) != 0 &&
		    !ldns_dname_is_subdomain(name, a))
			continue;
		if (type == LDNS_RR_TYPE_DS && ldns_dname_compare(a, name) == 0 &&
		    ldns_dname_label_count(a) > 0)
			continue;
		if (best == NULL || ldns_dname_label_count(a) >
		    ldns_dname_label_count(best->apex))
			best = &r->z[i];
	}
	return best;
}

static int rig_is_dnssec(ldns_rr_type t)
{
	return t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC ||
	       t == LDNS_RR_TYPE_NSEC3 || t == LDNS_RR_TYPE_DNSKEY ||
	       t == LDNS_RR_TYPE_DS;
}

/* Records of z at owner of type (and the RRSIGs over it), owner renamed
 * to as (wildcard expansion) when as is not NULL. */
static int rig_add(ldns_rr_list *out, const struct rig_zone *z,
		   const ldns_rdf *owner, ldns_rr_type type, const ldns_rdf *as)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i), *c;
		ldns_rr_type t = ldns_rr_get_type(rr);

		if (ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
			continue;
		if (t != type && !(t == LDNS_RR_TYPE_RRSIG &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == type))
			continue;
		c = ldns_rr_clone(rr);
		if (as != NULL) {
			ldns_rdf_deep_free(ldns_rr_owner(c));
			ldns_rr_set_owner(c, ldns_rdf_clone(as));
		}
		ldns_rr_list_push_rr(out, c);
		n += t == type;
	}
	return n;
}

static void rig_add_denial(ldns_rr_list *out, const struct rig_zone *z)
{
	size_t i;

	rig_add(out, z, z->apex, LDNS_RR_TYPE_SOA, NULL);
	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		ldns_rr *rr = ldns_rr_list_rr(z->rrs, i);
		ldns_rr_type t = ldns_rr_get_type(rr);

		if (t == LDNS_RR_TYPE_RRSIG)
			t = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
		if (t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3)
			ldns_rr_list_push_rr(out, ldns_rr_clone(rr));
	}
}

static int rig_exists(const struct rig_zone *z, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(z->rrs); i++) {
		const ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(z->rrs, i));
		ldns_rr_type t = ldns_rr_get_type(ldns_rr_list_rr(z->rrs, i));

		if (t == LDNS_RR_TYPE_NSEC3 || (t == LDNS_RR_TYPE_RRSIG &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(
		    ldns_rr_list_rr(z->rrs, i))) == LDNS_RR_TYPE_NSEC3))
			continue;
		if (ldns_dname_compare(o, name) == 0 ||
		    ldns_dname_is_subdomain(o, name))
			return 1;
	}
	return 0;
}

/* A DNAME of z above name: added to out with the CNAME it makes (unsigned,
 * RFC 6672); the new name, or NULL. */
static ldns_rdf *rig_dname(const struct rig_zone *z, const ldns_rdf *name,
			   ldns_rr_list *out)
{
	int n = ldns_dname_label_count(name), k;

	for (k = 1; k < n - ldns_dname_label_count(z->apex); k++) {
		ldns_rdf *a = ldns_dname_clone_from(name, (uint16_t)k), *nn = NULL;
		size_t before = ldns_rr_list_rr_count(out);

		if (rig_add(out, z, a, LDNS_RR_TYPE_DNAME, NULL) > 0) {
			ldns_rr *d = NULL, *c;
			size_t i;
			char *left, *suffix, *tgt, buf[600];

			for (i = before; i < ldns_rr_list_rr_count(out); i++)
				if (ldns_rr_get_type(ldns_rr_list_rr(out, i)) ==
				    LDNS_RR_TYPE_DNAME)
					d = ldns_rr_list_rr(out, i);
			left = ldns_rdf2str(name);
			suffix = ldns_rdf2str(a);
			tgt = ldns_rdf2str(ldns_rr_rdf(d, 0));
			left[strlen(left) - strlen(suffix)] = '\0';
			snprintf(buf, sizeof(buf), "%s%s", left, tgt);
			nn = ldns_dname_new_frm_str(buf);
			free(suffix);
			c = ldns_rr_new();
			ldns_rr_set_owner(c, ldns_rdf_clone(name));
			ldns_rr_set_type(c, LDNS_RR_TYPE_CNAME);
			ldns_rr_set_class(c, LDNS_RR_CLASS_IN);
			ldns_rr_set_ttl(c, 3600);
			ldns_rr_push_rdf(c, ldns_rdf_clone(nn));
			ldns_rr_list_push_rr(out, c);
			free(left);
			free(tgt);
		}
		ldns_rdf_deep_free(a);
		if (nn != NULL)
			return nn;
	}
	return NULL;
}

/* The response to (qname, qtype) as a recursive resolver gives it. */
static ldns_pkt *rig_answer(struct rig *r, const ldns_rdf *qname,
			    ldns_rr_type qtype)
{
	ldns_pkt *pkt = ldns_pkt_new();
	ldns_rr_list *ans = ldns_rr_list_new(), *auth = ldns_rr_list_new();
	ldns_rdf *cur = ldns_rdf_clone(qname);
	ldns_pkt_rcode rc = LDNS_RCODE_NOERROR;
	ldns_rr *q = ldns_rr_new();
	int hops = 0;
	size_t i;

	ldns_rr_set_owner(q, ldns_rdf_clone(qname));
	ldns_rr_set_type(q, qtype);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	ldns_rr_set_question(q, true);
	ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, q);
	ldns_pkt_set_qr(pkt, true);
	if (r->forge_nx && qtype == LDNS_RR_TYPE_A) {
		struct rig_zone *z = rig_find(r, cur, qtype);

		if (z != NULL)
			rig_add_denial(auth, z);
		rc = LDNS_RCODE_NXDOMAIN;
		hops = 8;
	}
	if (r->referral && qtype != LDNS_RR_TYPE_DS) {
		struct rig_zone *z = rig_find(r, cur, qtype), *p;

		if (z != NULL && z->keys == NULL &&
		    (p = rig_find(r, z->apex, LDNS_RR_TYPE_DS)) != NULL) {
			rig_add(auth, p, z->apex, LDNS_RR_TYPE_NS, NULL);
			rig_add(auth, p, z->apex, LDNS_RR_TYPE_NSEC, NULL);
			hops = 8;
		}
	}
	for (hops = hops == 8 ? 8 : 0; hops < 8; hops++) {
		struct rig_zone *z = rig_find(r, cur, qtype);
		ldns_rdf *ce, *wc, *next;
		size_t j;

		if (z == NULL) {
			rc = LDNS_RCODE_REFUSED;
			break;
		}
		if (rig_add(ans, z, cur, qtype, NULL) > 0)
			break;
		if (rig_add(ans, z, cur, LDNS_RR_TYPE_CNAME, NULL) > 0) {
			for (j = ldns_rr_list_rr_count(ans); j-- > 0;)
				if (ldns_rr_get_type(ldns_rr_list_rr(ans, j)) ==
				    LDNS_RR_TYPE_CNAME)
					break;
			next = ldns_rdf_clone(ldns_rr_rdf(ldns_rr_list_rr(ans, j), 0));
			ldns_rdf_deep_free(cur);
			cur = next;
			continue;
		}
		next = rig_dname(z, cur, ans);
		if (next != NULL) {
			ldns_rdf_deep_free(cur);
			cur = next;
			continue;
		}
		if (rig_exists(z, cur)) { /* NODATA */
			rig_add_denial(auth, z);
			break;
		}
		/* the closest encloser, then its wildcard */
		ce = ldns_dname_left_chop(cur);
		while (ce != NULL && !rig_exists(z, ce)) {
			ldns_rdf *up = ldns_dname_left_chop(ce);
			ldns_rdf_deep_free(ce);
			ce = up;
		}
		wc = ldns_dname_new_frm_str("*");
		ldns_dname_cat(wc, ce);
		ldns_rdf_deep_free(ce);
		if (rig_add(ans, z, wc, qtype, cur) == 0 && !rig_exists(z, wc))
			rc = LDNS_RCODE_NXDOMAIN;
		ldns_rdf_deep_free(wc);
		rig_add_denial(auth, z);
		break;
	}
	ldns_rdf_deep_free(cur);
	for (i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ans, i);
		ldns_rr_type t = ldns_rr_get_type(rr);

		if (r->tamper && t == LDNS_RR_TYPE_A) {
			ldns_rdf_deep_free(ldns_rr_pop_rdf(rr));
			ldns_rr_push_rdf(rr, ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A,
								  "203.0.113.66"));
		}
		if ((r->strip_sigs && t == LDNS_RR_TYPE_RRSIG) ||
		    (r->strip_dnssec && rig_is_dnssec(t)))
			continue;
		ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, ldns_rr_clone(rr));
	}
	for (i = 0; i < ldns_rr_list_rr_count(auth) && !r->strip_auth; i++) {
		ldns_rr *rr = ldns_rr_list_rr(auth, i);

		if (r->strip_dnssec && rig_is_dnssec(ldns_rr_get_type(rr)))
			continue;
		ldns_pkt_push_rr(pkt, LDNS_SECTION_AUTHORITY, ldns_rr_clone(rr));
	}
	ldns_rr_list_deep_free(ans);
	ldns_rr_list_deep_free(auth);
	ldns_pkt_set_rcode(pkt, (uint8_t)rc);
	return pkt;
}

static unsigned char *rig_wire(struct rig *r, const char *name, int type,
			       size_t *len)
{
	ldns_rdf *n = ldns_dname_new_frm_str(name);
	ldns_pkt *pkt = rig_answer(r, n, (ldns_rr_type)type);
	uint8_t *wire = NULL;

	if (ldns_pkt2wire(&wire, pkt, len) != LDNS_STATUS_OK)
		wire = NULL;
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(n);
	return wire;
}

/* io->fetch: the faults strip_sigs, strip_auth, tamper and forge_nx are the
 * validated answer's only (rig_wire), the others every fetch's too. */
static int rig_fetch(void *arg, const char *name, int type,
		     unsigned char **ans, size_t *alen)
{
	struct rig *r = arg;
	struct rig saved;

	r->fetches++;
	if (r->fail_fetch)
		return DC_ETIMEOUT;
	saved.strip_sigs = r->strip_sigs;
	saved.tamper = r->tamper;
	saved.forge_nx = r->forge_nx;
	saved.strip_auth = r->strip_auth;
	r->strip_sigs = r->tamper = r->forge_nx = r->strip_auth = 0;
	*ans = rig_wire(r, name, type, alen);
	r->strip_sigs = saved.strip_sigs;
	r->tamper = saved.tamper;
	r->forge_nx = saved.forge_nx;
	r->strip_auth = saved.strip_auth;
	return *ans != NULL ? DC_OK : DC_ENOMEM;
}

static unsigned char *rig_load(void *arg, const char *key, size_t *len)
{
	struct rig *r = arg;
	unsigned char *c;
	int i;

	r->loads++;
	for (i = 0; i < r->nst; i++)
		if (strcmp(r->st[i].key, key) == 0) {
			c = malloc(r->st[i].len);
			memcpy(c, r->st[i].blob, r->st[i].len);
			*len = r->st[i].len;
			return c;
		}
	return NULL;
}

static void rig_store(void *arg, const char *key, const unsigned char *blob,
		      size_t len)
{
	struct rig *r = arg;
	int i;

	for (i = 0; i < r->nst && strcmp(r->st[i].key, key) != 0; i++)
		;
	if (i == r->nst) {
		if (r->nst == 64)
			return;
		r->nst++;
		snprintf(r->st[i].key, sizeof(r->st[i].key), "%s", key);
	} else {
		free(r->st[i].blob);
	}
	r->st[i].blob = malloc(len);
	memcpy(r->st[i].blob, blob, len);
	r->st[i].len = len;
}

/* DS text of a signed child for its parent, or "" (freed by the caller). */
static char *rig_ds_text(ldns_rr *ds)
{
	char *t = ds != NULL ? ldns_rr2str(ds) : NULL;

	ldns_rr_free(ds);
	return t != NULL ? t : strdup("");
}

static ldns_key *rig_key_w(const char *apex, ldns_signing_algorithm alg,
			   int from_days, int to_days)
{
	return rig_key(apex, alg, RIG_T0 + (uint32_t)(from_days * (int)RIG_DAY),
		       RIG_T0 + (uint32_t)(to_days * (int)RIG_DAY));
}

/* The test world (see test_dnssec.c for what each zone is for). */
static void rig_world(struct rig *r)
{
	char *ds[12], test[8192], root[2048];
	ldns_key *other;
	ldns_rr *odk;
	int n = 0, i;

	memset(r, 0, sizeof(*r));
	ds[n++] = rig_ds_text(rig_zone(r, "lab.test.",
		"www.lab.test. IN A 192.0.2.1\n"
		"*.wild.lab.test. IN A 192.0.2.7\n"
		"alias.lab.test. IN CNAME www.n3.test.\n"
		"mail.lab.test. IN A 192.0.2.2\n"
		"dn.lab.test. IN DNAME n3.test.\n",
		rig_key_w("lab.test.", LDNS_SIGN_ECDSAP256SHA256, -1, 30), -1));
	ds[n++] = rig_ds_text(rig_zone(r, "n3.test.",
		"www.n3.test. IN A 192.0.2.3\n"
		"*.wc.n3.test. IN A 192.0.2.9\n",
		rig_key_w("n3.test.", LDNS_SIGN_ED25519, -1, 30), 0));
	ds[n++] = rig_ds_text(rig_zone(r, "oo.test.",
		"www.oo.test. IN A 192.0.2.15\n"
		"unsigned.oo.test. IN NS ns.unsigned.oo.test.\n",
		rig_key_w("oo.test.", LDNS_SIGN_ECDSAP256SHA256, -1, 30),
		RIG_OPTOUT));
	ds[n++] = rig_ds_text(rig_zone(r, "rsa.test.",
		"www.rsa.test. IN A 192.0.2.8\n",
		rig_key_w("rsa.test.", LDNS_SIGN_RSASHA256, -1, 30), -1));
	ds[n++] = rig_ds_text(rig_zone(r, "expired.test.",
		"www.expired.test. IN A 192.0.2.10\n",
		rig_key_w("expired.test.", LDNS_SIGN_ECDSAP256SHA256, -20, -10), -1));
	ds[n++] = rig_ds_text(rig_zone(r, "future.test.",
		"www.future.test. IN A 192.0.2.11\n",
		rig_key_w("future.test.", LDNS_SIGN_ECDSAP256SHA256, 10, 20), -1));
	/* nokey.test.: its parent's DS is of another key */
	ldns_rr_free(rig_zone(r, "nokey.test.",
		"www.nokey.test. IN A 192.0.2.12\n",
		rig_key_w("nokey.test.", LDNS_SIGN_ECDSAP256SHA256, -1, 30), -1));
	other = rig_key_w("nokey.test.", LDNS_SIGN_ECDSAP256SHA256, -1, 30);
	odk = ldns_key2rr(other);
	ds[n++] = rig_ds_text(ldns_key_rr2ds(odk, LDNS_SHA256));
	ldns_rr_free(odk);
	ldns_key_deep_free(other);
	ds[n++] = rig_ds_text(rig_zone(r, "many.test.",
		"www.many.test. IN A 192.0.2.13\n",
		rig_key_w("many.test.", LDNS_SIGN_ECDSAP256SHA256, -1, 30), 200));
	rig_zone(r, "insecure.test.", "www.insecure.test. IN A 192.0.2.5\n",
		 NULL, -1);
	rig_zone(r, "unsup.test.", "www.unsup.test. IN A 192.0.2.6\n", NULL, -1);
	rig_zone(r, "unsigned.oo.test.", "www.unsigned.oo.test. IN A 192.0.2.14\n",
		 NULL, -1);
	snprintf(test, sizeof(test),
		 "lab.test. IN NS ns.lab.test.\nn3.test. IN NS ns.n3.test.\n"
		 "rsa.test. IN NS ns.rsa.test.\nexpired.test. IN NS ns.expired.test.\n"
		 "future.test. IN NS ns.future.test.\nnokey.test. IN NS ns.nokey.test.\n"
		 "many.test. IN NS ns.many.test.\noo.test. IN NS ns.oo.test.\n"
		 "insecure.test. IN NS ns.insecure.test.\n"
		 "unsup.test. IN NS ns.unsup.test.\n"
		 "unsup.test. IN DS 4242 253 2 "
		 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
	for (i = 0; i < n; i++) {
		strcat(test, ds[i]);
		free(ds[i]);
	}
	ds[0] = rig_ds_text(rig_zone(r, "test.", test,
		rig_key_w("test.", LDNS_SIGN_ED25519, -1, 30), -1));
	snprintf(root, sizeof(root), "test. IN NS ns.test.\n%s", ds[0]);
	free(ds[0]);
	ldns_rr_free(rig_zone(r, ".", root,
		rig_key_w(".", LDNS_SIGN_ECDSAP256SHA256, -1, 30), -1));
}

/* The root's DNSKEY as an anchor file's bytes (DNSKEY or DS form),
 * malloc'd, *len of them. */
static unsigned char *rig_anchor(struct rig *r, int as_ds, size_t *len)
{
	ldns_rr *k = NULL, *ds = NULL;
	char *t, *out;
	int i, n;

	for (i = 0; i < r->nz; i++)
		if (ldns_dname_label_count(r->z[i].apex) == 0)
			k = r->z[i].dnskey;
	if (k == NULL)
		exit(1);
	if (as_ds)
		ds = ldns_key_rr2ds(k, LDNS_SHA256);
	t = ldns_rr2str(as_ds ? ds : k);
	if (t == NULL)
		exit(1);
	n = asprintf(&out, "; the test root\n%s", t);
	free(t);
	ldns_rr_free(ds);
	if (n < 0)
		exit(1);
	*len = (size_t)n;
	return (unsigned char *)out;
}

static void rig_free(struct rig *r)
{
	int i;

	for (i = 0; i < r->nz; i++) {
		ldns_rdf_deep_free(r->z[i].apex);
		ldns_rr_free(r->z[i].dnskey);
		ldns_rr_list_deep_free(r->z[i].rrs);
		if (r->z[i].keys != NULL)
			ldns_key_list_free(r->z[i].keys);
	}
	for (i = 0; i < r->nst; i++)
		free(r->st[i].blob);
	memset(r, 0, sizeof(*r));
}

#endif
