/* SPDX-License-Identifier: ISC */
/* test_dnssec_store.c - the validator's trust anchor file parser (and the
 * real /usr/share/dns/root.key of dns-root-data) and its stored blobs of
 * validated sets (common/dc_dnssec_anchor.c, common/dc_dnssec_cache.c). */
#include <unistd.h>

#include "t.h"
#include "dc_dnssec_int.h"

static int parses(const char *text, size_t want, const char *what)
{
	char err[256] = "";
	ldns_rr_list *l = dc_sec_anchor_parse(text, strlen(text), err, sizeof(err));
	size_t n = l != NULL ? ldns_rr_list_rr_count(l) : 0;

	T_OK(l != NULL && n == want, "%s: %zu DS%s%s", what, n, err[0] ? ": " : "",
	     err);
	ldns_rr_list_deep_free(l);
	return (int)n;
}

static void refuses(const char *text, size_t len, const char *part,
		    const char *what)
{
	char err[256] = "";
	ldns_rr_list *l = dc_sec_anchor_parse(text, len, err, sizeof(err));

	T_OK(l == NULL && strstr(err, part) != NULL, "%s refused: %s", what, err);
	ldns_rr_list_deep_free(l);
}

/* /usr/share/dns/root.key's bytes parsed (the core reads the file:
 * dc_secbind_anchor, test_secbind). */
static ldns_rr_list *root_key(char *err, size_t errlen)
{
	static char text[DC_SEC_ANCHOR_MAX_FILE];
	FILE *f = fopen("/usr/share/dns/root.key", "re");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	return dc_sec_anchor_parse(text, n, err, errlen);
}

#define KEY13 "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAe" \
	      "F+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="

static void test_anchor(void)
{
	char err[256] = "";
	ldns_rr_list *l;

	l = root_key(err, sizeof(err));
	if (access("/usr/share/dns/root.key", R_OK) != 0) {
		T_OK(1, "# SKIP /usr/share/dns/root.key (dns-root-data) missing");
	} else {
		T_OK(l != NULL && ldns_rr_list_rr_count(l) >= 1,
		     "/usr/share/dns/root.key: %zu anchors %s",
		     ldns_rr_list_rr_count(l), err);
		T_OK(l != NULL && ldns_rr_get_type(ldns_rr_list_rr(l, 0)) ==
		     LDNS_RR_TYPE_DS && ldns_dname_label_count(
		     ldns_rr_owner(ldns_rr_list_rr(l, 0))) == 0,
		     "  ... DS records of the root");
	}
	ldns_rr_list_deep_free(l);
	parses(". 172800 IN DS 20326 8 2 "
	       "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n",
	       1, "DS form");
	parses("; comment\n$TTL 3600\n\n"
	       "test. IN DNSKEY 257 3 13 " KEY13 " ; key\n"
	       "lab.test. IN DNSKEY ( 257 3 13 ; multi-line\n"
	       "  " KEY13 " )\n", 2, "DNSKEY forms, comments, directive");
	parses("test. IN DNSKEY 385 3 13 " KEY13 "\n"
	       "test. IN DNSKEY 257 3 13 " KEY13 "\n", 1, "revoked key left out");
	refuses("", 0, "no DS or DNSKEY", "empty file");
	refuses("; nothing\n", 10, "no DS or DNSKEY", "comments only");
	refuses("www.test. IN A 192.0.2.1\n", 25, "line 1", "an A record");
	refuses("\n\ntest. IN DS 1 13 2\n", 20, "line 3", "a DS without digest");
	refuses("test. IN DNSKEY ( 257 3 13 " KEY13 "\n", 27 + sizeof(KEY13),
		"parentheses", "unbalanced parentheses");
	refuses("test. IN DS 1 13 2 00\0x\n", 24, "NUL", "a NUL byte");
}

static void test_blob(void)
{
	struct dc_sec_centry e = { 0 }, back;
	ldns_rr *rr = NULL;
	unsigned char *blob = NULL;
	size_t len;
	time_t now = 1800000000;

	ldns_rr_new_frm_str(&rr, "test. 3600 IN DNSKEY 257 3 13 " KEY13, 0,
			    NULL, NULL);
	e.owner = ldns_dname_new_frm_str("test.");
	e.kind = DC_SEC_C_KEYS;
	e.rrs = ldns_rr_list_new();
	ldns_rr_list_push_rr(e.rrs, rr);
	e.expires = now + 600;
	len = dc_sec_blob_pack(&e, &blob);
	T_OK(len > 17, "packed: %zu bytes", len);
	T_OK(dc_sec_blob_unpack(blob, len, e.owner, DC_SEC_C_KEYS, now, &back) == 0 &&
	     back.expires == e.expires &&
	     ldns_rr_list_compare(back.rrs, e.rrs) == 0, "round trip");
	ldns_rdf_deep_free(back.owner);
	ldns_rr_list_deep_free(back.rrs);
	T_OK(dc_sec_blob_unpack(blob, len, e.owner, DC_SEC_C_DS, now, &back) < 0,
	     "another kind refused");
	T_OK(dc_sec_blob_unpack(blob, len, e.owner, DC_SEC_C_KEYS, now + 600,
				&back) < 0, "expired refused");
	T_OK(dc_sec_blob_unpack(blob, len, e.owner, DC_SEC_C_KEYS,
				now - DC_SEC_MAX_TTL, &back) < 0,
	     "expiry more than a day ahead refused");
	T_OK(dc_sec_blob_unpack(blob, len - 1, e.owner, DC_SEC_C_KEYS, now,
				&back) < 0, "truncated refused");
	{
		ldns_rdf *o = ldns_dname_new_frm_str("lab.test.");
		T_OK(dc_sec_blob_unpack(blob, len, o, DC_SEC_C_KEYS, now, &back) < 0,
		     "another owner refused");
		ldns_rdf_deep_free(o);
	}
	blob[0] ^= 1;
	T_OK(dc_sec_blob_unpack(blob, len, e.owner, DC_SEC_C_KEYS, now, &back) < 0,
	     "bad magic refused");
	free(blob);
	ldns_rr_list_deep_free(e.rrs);
	e.rrs = NULL;
	e.kind = DC_SEC_C_INSECURE;
	len = dc_sec_blob_pack(&e, &blob);
	T_OK(len == 17 && dc_sec_blob_unpack(blob, len, e.owner, DC_SEC_C_INSECURE,
					     now, &back) == 0 && back.rrs == NULL,
	     "insecure cut round trip");
	ldns_rdf_deep_free(back.owner);
	free(blob);
	ldns_rdf_deep_free(e.owner);
}

int main(void)
{
	test_anchor();
	test_blob();
	T_DONE();
}
