/* SPDX-License-Identifier: ISC */
/* dc_dnssec_anchor.c - the trust anchor file's bytes (read by the core,
 * dc_secbind.c, and handed to open): DS or DNSKEY records in
 * zone file form, one per line or spread over lines in parentheses, ";"
 * comments, "$" directives ignored (as /usr/share/dns/root.key of
 * dns-root-data, or an unbound-anchor/BIND trust-anchor export).  Owners
 * are absolute ("test" is "test.": there is no $ORIGIN).  DNSKEY anchors
 * are turned into SHA-256 DS records, so the chain code has one kind of
 * anchor; revoked keys (RFC 5011 REVOKE bit) are left out. */
#include <string.h>

#include "dc_dnssec_int.h"
#include "dc_status.h"

#define ANCHOR_MAX_RR   4096 /* one record, its lines joined */

static int add_anchor(ldns_rr_list *out, ldns_rr *rr, char *err, size_t errlen,
		      unsigned line)
{
	ldns_rr *ds = rr;

	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
	    !ldns_dname_absolute(ldns_rr_owner(rr)) || !dc_sec_rr_sane(rr) ||
	    (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS &&
	     ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY)) {
		dc_set_err(err, errlen,
			   "line %u: not a DS or DNSKEY record of "
			   "class IN with an absolute owner",
			   line);
		ldns_rr_free(rr);
		return -1;
	}
	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY) {
		if (ldns_rdf2native_int16(ldns_rr_dnskey_flags(rr)) & 0x0080) {
			ldns_rr_free(rr); /* revoked */
			return 0;
		}
		ds = ldns_key_rr2ds(rr, LDNS_SHA256);
		ldns_rr_free(rr);
		if (ds == NULL) {
			dc_set_err(err, errlen,
				   "line %u: DNSKEY cannot be digested", line);
			return -1;
		}
	}
	if (!ldns_rr_list_push_rr(out, ds)) {
		ldns_rr_free(ds);
		dc_set_err(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

ldns_rr_list *dc_sec_anchor_parse(const char *text, size_t len, char *err,
				  size_t errlen)
{
	ldns_rr_list *out = ldns_rr_list_new();
	char *rec = malloc(ANCHOR_MAX_RR);
	size_t i = 0, rl = 0;
	unsigned line = 1, first = 1;
	int depth = 0, comment = 0;

	if (out == NULL || rec == NULL) {
		dc_set_err(err, errlen, "out of memory");
		goto bad;
	}
	for (i = 0; i <= len; i++) {
		char c = i < len ? text[i] : '\n';

		if (c == '\0') {
			dc_set_err(err, errlen, "line %u: NUL byte", line);
			goto bad;
		}
		if (c == ';')
			comment = 1;
		if (c != '\n') {
			if (comment)
				continue;
			if (c == '(' || c == ')') {
				depth += c == '(' ? 1 : -1;
				c = ' ';
			}
			if (depth < 0 || depth > 1) {
				dc_set_err(err, errlen, "line %u: parentheses",
					   line);
				goto bad;
			}
			if (rl + 1 >= ANCHOR_MAX_RR) {
				dc_set_err(err, errlen,
					   "line %u: record too long", line);
				goto bad;
			}
			if (rl == 0)
				first = line;
			rec[rl++] = c == '\t' || c == '\r' ? ' ' : c;
			continue;
		}
		line++;
		comment = 0;
		if (depth > 0) {
			rec[rl++] = ' ';
			continue;
		}
		rec[rl] = '\0';
		rl = strspn(rec, " ");
		if (rec[rl] != '\0' && rec[rl] != '$') {
			ldns_rr *rr = NULL;

			if (ldns_rr_new_frm_str(&rr, rec + rl, 0, NULL, NULL) !=
				    LDNS_STATUS_OK ||
			    rr == NULL) {
				ldns_rr_free(rr);
				dc_set_err(err, errlen,
					   "line %u: not a resource "
					   "record",
					   first);
				goto bad;
			}
			if (add_anchor(out, rr, err, errlen, first) < 0)
				goto bad;
		}
		rl = 0;
	}
	if (depth != 0) {
		dc_set_err(err, errlen, "unbalanced parentheses");
		goto bad;
	}
	if (ldns_rr_list_rr_count(out) == 0) {
		dc_set_err(err, errlen, "no DS or DNSKEY record");
		goto bad;
	}
	free(rec);
	return out;
bad:
	free(rec);
	ldns_rr_list_deep_free(out);
	return NULL;
}
