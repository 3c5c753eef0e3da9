/* SPDX-License-Identifier: ISC */
/* dc_dnssec_memo.c - signatures already checked: an RRSIG that verified
 * over an RRset with one of a zone's keys verifies again over the same
 * RRset, so a warm lookup whose answer comes back unchanged costs no
 * public key operation (one ECDSA P-256 check is about 1.4 million
 * instructions).  An entry counts only while its key is still among the
 * zone's validated keys and its RRSIG is within its validity period at
 * the caller's now; it is kept until the set expires (dc_sec_set_expiry),
 * DC_SEC_MEMO_MAX entries per validator, the oldest replaced first.
 * The core's verdict memo (dc_secmemo.c) covers only answers seen whole
 * before; this one also spares the signatures a new answer shares with
 * earlier ones (a wildcard's, a denial's NSEC): without it, make bench's
 * "a new name each" row went from 2.40-2.49x to 4.72-4.98x a lookup
 * without validation (2026-12-06). */
#include <string.h>

#include "dc_dnssec_int.h"

struct dc_sec_memo {
	ldns_rr *sig;
	ldns_rr_list *set; /* sorted, so that the order of the answer is moot */
	ldns_rr *key;
	time_t expires;
};

static ldns_rr_list *sorted(const ldns_rr_list *rrset)
{
	ldns_rr_list *s = ldns_rr_list_clone(rrset);

	if (s != NULL)
		ldns_rr_list_sort(s);
	return s;
}

static int same_key(const ldns_rr *a, const ldns_rr *b)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (ldns_rdf_compare(ldns_rr_rdf(a, i), ldns_rr_rdf(b, i)) != 0)
			return 0;
	return 1;
}

/* The RRSIG's validity period holds at now (RFC 4034 3.1.5 serial
 * arithmetic, as ldns checks it). */
static int in_period(const ldns_rr *sig, time_t now)
{
	uint32_t inc = ldns_rdf2native_int32(ldns_rr_rrsig_inception(sig));
	uint32_t exp = ldns_rdf2native_int32(ldns_rr_rrsig_expiration(sig));

	return (int32_t)((uint32_t)now - inc) >= 0 &&
	       (int32_t)(exp - (uint32_t)now) >= 0;
}

static void entry_free(struct dc_sec_memo *m)
{
	ldns_rr_free(m->sig);
	ldns_rr_list_deep_free(m->set);
	ldns_rr_free(m->key);
	memset(m, 0, sizeof(*m));
}

int dc_sec_memo_hit(struct dc_sec_walk *w, const ldns_rr_list *rrset,
		    const ldns_rr *sig, const ldns_rr_list *keys,
		    time_t *expires)
{
	struct dc_sec_validator *v = w->v;
	ldns_rr_list *s = NULL;
	size_t i, k;
	int hit = 0;

	for (i = 0; i < v->nmemo && !hit; i++) {
		struct dc_sec_memo *m = &v->memo[i];

		if (m->expires <= w->now ||
		    ldns_rdf_compare(ldns_rr_rdf(m->sig, 8),
				     ldns_rr_rdf(sig, 8)) != 0 ||
		    ldns_rr_compare(m->sig, sig) != 0)
			continue;
		if (s == NULL && (s = sorted(rrset)) == NULL)
			break;
		if (ldns_rr_list_compare(s, m->set) != 0 ||
		    !in_period(sig, w->now))
			continue;
		for (k = 0; k < ldns_rr_list_rr_count(keys) && !hit; k++)
			hit = same_key(ldns_rr_list_rr(keys, k), m->key);
		if (hit)
			*expires = m->expires;
	}
	ldns_rr_list_deep_free(s);
	return hit;
}

void dc_sec_memo_put(struct dc_sec_walk *w, const ldns_rr_list *rrset,
		     const ldns_rr *sig, const ldns_rr *key, time_t expires)
{
	struct dc_sec_validator *v = w->v;
	struct dc_sec_memo *m;

	if (v->memo == NULL &&
	    (v->memo = calloc(DC_SEC_MEMO_MAX, sizeof(*v->memo))) == NULL)
		return;
	if (v->nmemo < DC_SEC_MEMO_MAX) {
		m = &v->memo[v->nmemo++];
	} else {
		m = &v->memo[v->memo_next];
		v->memo_next = (v->memo_next + 1) % DC_SEC_MEMO_MAX;
		entry_free(m);
	}
	m->sig = ldns_rr_clone(sig);
	m->set = sorted(rrset);
	m->key = ldns_rr_clone(key);
	m->expires = expires;
	if (m->sig == NULL || m->set == NULL || m->key == NULL)
		entry_free(m);
}

void dc_sec_memo_free(struct dc_sec_validator *v)
{
	size_t i;

	for (i = 0; i < v->nmemo; i++)
		entry_free(&v->memo[i]);
	free(v->memo);
	v->memo = NULL;
	v->nmemo = v->memo_next = 0;
}
