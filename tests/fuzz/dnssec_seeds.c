/* SPDX-License-Identifier: ISC */
/* dnssec_seeds.c - writes the seed corpus of fuzz_dnssec
 * (tests/fuzz/corpus/dnssec/): for each case of tests/unit/test_dnssec.c,
 * the answer and every response the validator fetched for it, in the
 * order fetched, in fuzz_dnssec's input form; plus an anchor file and a
 * stored blob.  Not part of the build; after changing the rig:
 *   make && cc -D_GNU_SOURCE -Icommon -Itests/unit -o build/dnssec_seeds \
 *     tests/fuzz/dnssec_seeds.c build/common/dc_dnssec*.o \
 *     build/common/dc_status.o -lldns -lcrypto && \
 *   build/dnssec_seeds tests/fuzz/corpus/dnssec
 */
#include "dnssec_rig.h"
#include "dc_dnssec_int.h"

static struct rig R;
static unsigned char rec[1 << 18];
static size_t rlen;

static void put(const unsigned char *p, size_t len)
{
	if (len > 0xffff || rlen + 2 + len > sizeof(rec))
		return;
	rec[rlen++] = (unsigned char)(len >> 8);
	rec[rlen++] = (unsigned char)len;
	memcpy(rec + rlen, p, len);
	rlen += len;
}

static int rec_fetch(void *arg, const char *name, int type,
		     unsigned char **ans, size_t *alen)
{
	int st = rig_fetch(arg, name, type, ans, alen);

	if (st == DC_OK)
		put(*ans, *alen);
	return st;
}

static void save(const char *dir, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(rec, 1, rlen, f) != rlen)
		exit(1);
	fclose(f);
}

static void one(const char *dir, const char *seed, const unsigned char *anchor,
		size_t alen, const char *name, int type)
{
	struct dc_sec_io io = { &R, rec_fetch, NULL, NULL };
	struct dc_sec_validator *v = dc_sec_ops_v1.open(anchor, alen, NULL, 0);
	struct dc_sec_result res;
	unsigned char *ans;
	size_t len;

	ans = rig_wire(&R, name, type, &len);
	rlen = 0;
	rec[rlen++] = 'V';
	put(ans, len);
	dc_sec_ops_v1.validate(v, name, type, ans, len, &io, RIG_T0, &res);
	dc_sec_ops_v1.close(v);
	free(ans);
	save(dir, seed);
}

int main(int argc, char **argv)
{
	unsigned char *anchor;
	size_t alen;
	struct dc_sec_centry e = { 0 };
	unsigned char *blob;
	size_t n;

	if (argc != 2)
		return 2;
	rig_world(&R);
	anchor = rig_anchor(&R, 0, &alen);
	one(argv[1], "secure_a", anchor, alen, "www.lab.test.", LDNS_RR_TYPE_A);
	one(argv[1], "nodata_nsec", anchor, alen, "www.lab.test.", LDNS_RR_TYPE_AAAA);
	one(argv[1], "nxdomain_nsec", anchor, alen, "nope.lab.test.", LDNS_RR_TYPE_A);
	one(argv[1], "nxdomain_nsec3", anchor, alen, "nope.n3.test.", LDNS_RR_TYPE_A);
	one(argv[1], "nodata_nsec3", anchor, alen, "www.n3.test.", LDNS_RR_TYPE_AAAA);
	one(argv[1], "wildcard_nsec", anchor, alen, "h.wild.lab.test.", LDNS_RR_TYPE_A);
	one(argv[1], "wildcard_nsec3", anchor, alen, "h.wc.n3.test.", LDNS_RR_TYPE_A);
	one(argv[1], "cname", anchor, alen, "alias.lab.test.", LDNS_RR_TYPE_A);
	one(argv[1], "insecure", anchor, alen, "www.insecure.test.", LDNS_RR_TYPE_A);
	one(argv[1], "unsupported", anchor, alen, "www.unsup.test.", LDNS_RR_TYPE_A);
	one(argv[1], "rsa", anchor, alen, "www.rsa.test.", LDNS_RR_TYPE_A);
	one(argv[1], "nsec3_many", anchor, alen, "nope.many.test.", LDNS_RR_TYPE_A);
	one(argv[1], "optout", anchor, alen, "www.unsigned.oo.test.", LDNS_RR_TYPE_A);
	one(argv[1], "optout_nx", anchor, alen, "nope.oo.test.", LDNS_RR_TYPE_A);
	one(argv[1], "dname", anchor, alen, "www.dn.lab.test.", LDNS_RR_TYPE_A);
	/* an anchor file */
	rlen = 0;
	rec[rlen++] = 'A';
	if (alen > sizeof(rec) - rlen)
		return 1;
	memcpy(rec + rlen, anchor, alen);
	rlen += alen;
	save(argv[1], "anchor");
	/* a stored DNSKEY set */
	e.owner = ldns_dname_new_frm_str("lab.test.");
	e.kind = DC_SEC_C_KEYS;
	e.rrs = ldns_rr_list_new();
	ldns_rr_list_push_rr(e.rrs, ldns_rr_clone(R.z[0].dnskey));
	e.expires = RIG_T0 + 3600;
	n = dc_sec_blob_pack(&e, &blob);
	rlen = 0;
	rec[rlen++] = 'B';
	memcpy(rec + rlen, blob, n);
	rlen += n;
	save(argv[1], "blob");
	free(blob);
	ldns_rdf_deep_free(e.owner);
	ldns_rr_list_deep_free(e.rrs);
	free(anchor);
	rig_free(&R);
	return 0;
}
