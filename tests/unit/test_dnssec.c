/* SPDX-License-Identifier: ISC */
/* test_dnssec.c - known answers of the DNSSEC validator (dc_dnssec.h)
 * against zones signed in the test (dnssec_rig.h):
 *   .             ECDSA P-256, NSEC: the anchor
 *   test.         Ed25519, NSEC: DS of the signed children, NS only for
 *                 insecure.test., a DS of algorithm 253 only for unsup.test.
 *   lab.test.     ECDSA P-256, NSEC: www, mail, *.wild, alias CNAME www.n3.test.,
 *                 dn DNAME n3.test.
 *   n3.test.      Ed25519, NSEC3 (0 iterations): www, *.wc
 *   oo.test.      NSEC3 opt-out: www, and unsigned.oo.test. delegated
 *                 without DS, left out of the chain
 *   rsa.test.     RSA/SHA-256
 *   expired.test. / future.test.  signatures valid 20..10 days before now /
 *                 10..20 days after
 *   nokey.test.   its DS is another key's
 *   many.test.    NSEC3 with 200 iterations (RFC 9276: insecure)
 *   insecure.test., unsup.test.  unsigned
 */
#include <dlfcn.h>
#include <errno.h>
#include <unistd.h>

#include "t.h"
#include "dnssec_rig.h"
#include "dc_dnssec_int.h"

static const struct dc_sec_ops *ops = &dc_sec_ops_v1;
static struct rig R;
static unsigned char *anchor; /* the anchor file's bytes */
static size_t anchor_len;

static const char *state_name(enum dc_sec_state s)
{
	return s == DC_SEC_SECURE ? "secure" : s == DC_SEC_INSECURE ? "insecure" :
	       s == DC_SEC_BOGUS ? "bogus" : s == DC_SEC_INDETERMINATE ?
	       "indeterminate" : "?";
}

/* Validates the rig's answer to (name, type) at t with validator v (a
 * fresh one when NULL); the state, why in res. */
static enum dc_sec_state check(struct dc_sec_validator *v, const char *name,
			       int type, time_t t, struct dc_sec_result *res)
{
	struct dc_sec_io io = { &R, rig_fetch, NULL, NULL };
	struct dc_sec_validator *own = NULL;
	unsigned char *ans;
	size_t len = 0;
	char err[256];

	if (v == NULL)
		v = own = ops->open(anchor, anchor_len, err, sizeof(err));
	if (v == NULL) {
		printf("# open: %s\n", err);
		res->state = 0;
		return 0;
	}
	ans = rig_wire(&R, name, type, &len);
	memset(res, 0, sizeof(*res));
	ops->validate(v, name, type, ans, len, &io, t, res);
	free(ans);
	ops->close(own);
	printf("# %s %d: %s%s%s\n", name, type, state_name(res->state),
	       res->why[0] ? ": " : "", res->why);
	return res->state;
}

#define EXPECT(name, type, want, ...) do {                                \
	struct dc_sec_result r_;                                          \
	T_EQ_INT(check(NULL, name, type, RIG_T0, &r_), want, __VA_ARGS__); \
} while (0)

#define EXPECT_WHY(name, type, want, part, ...) do {                      \
	struct dc_sec_result r_;                                          \
	T_EQ_INT(check(NULL, name, type, RIG_T0, &r_), want, __VA_ARGS__); \
	T_OK(strstr(r_.why, part) != NULL, "  ... why says \"%s\"", part);   \
} while (0)

static void test_secure(void)
{
	EXPECT("www.lab.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "secure A (NSEC zone, P-256)");
	EXPECT("www.lab.test", LDNS_RR_TYPE_A, DC_SEC_SECURE, "qname without the final dot");
	EXPECT("WWW.Lab.Test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "qname in mixed case");
	EXPECT("www.lab.test.", LDNS_RR_TYPE_AAAA, DC_SEC_SECURE, "secure NODATA (NSEC)");
	EXPECT("nope.lab.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "secure NXDOMAIN (NSEC)");
	EXPECT("a.b.nope.lab.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "secure NXDOMAIN, deeper name (NSEC)");
	EXPECT("www.n3.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "secure A (NSEC3 zone, Ed25519)");
	EXPECT("www.n3.test.", LDNS_RR_TYPE_AAAA, DC_SEC_SECURE, "secure NODATA (NSEC3)");
	EXPECT("nope.n3.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "secure NXDOMAIN (NSEC3)");
	EXPECT("host.wild.lab.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "secure wildcard (NSEC)");
	EXPECT("host.wc.n3.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "secure wildcard (NSEC3)");
	EXPECT("alias.lab.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "CNAME into another signed zone");
	EXPECT("www.dn.lab.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "DNAME into another signed zone");
	EXPECT("host.wild.lab.test.", LDNS_RR_TYPE_AAAA, DC_SEC_SECURE, "secure wildcard NODATA (NSEC)");
	EXPECT("host.wc.n3.test.", LDNS_RR_TYPE_AAAA, DC_SEC_SECURE, "secure wildcard NODATA (NSEC3)");
	EXPECT("www.rsa.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "secure A (RSA/SHA-256)");
}

static void test_insecure(void)
{
	EXPECT("www.insecure.test.", LDNS_RR_TYPE_A, DC_SEC_INSECURE, "insecure delegation (no DS, NSEC proof)");
	EXPECT("nope.insecure.test.", LDNS_RR_TYPE_A, DC_SEC_INSECURE, "unsigned NXDOMAIN below it");
	EXPECT("www.unsup.test.", LDNS_RR_TYPE_A, DC_SEC_INSECURE, "DS of an unsupported algorithm only: insecure");
	EXPECT("www.unsigned.oo.test.", LDNS_RR_TYPE_A, DC_SEC_INSECURE, "NSEC3 opt-out span over a delegation: insecure");
	EXPECT("www.oo.test.", LDNS_RR_TYPE_A, DC_SEC_SECURE, "  ... a signed name of that zone: secure");
	EXPECT("nope.oo.test.", LDNS_RR_TYPE_A, DC_SEC_INSECURE, "  ... NXDOMAIN over an opt-out span: insecure (RFC 7129 5.1)");
	EXPECT("nope.many.test.", LDNS_RR_TYPE_A, DC_SEC_INSECURE, "NSEC3 with 200 iterations: insecure (RFC 9276)");
	R.referral = 1;
	EXPECT("www.insecure.test.", LDNS_RR_TYPE_A, DC_SEC_INSECURE, "a referral to the unsigned zone (NS, NSEC without DS): insecure");
	R.referral = 0;
}

static void test_bogus(void)
{
	EXPECT_WHY("www.expired.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "expired", "expired signatures");
	EXPECT_WHY("www.future.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "not yet valid", "signatures not yet valid");
	EXPECT_WHY("www.nokey.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "no DS for nokey.test. matches a DNSKEY", "DS matching no key");
	R.tamper = 1;
	EXPECT_WHY("www.lab.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "www.lab.test. A: signature does not verify", "rdata changed after signing");
	R.tamper = 0;
	R.strip_sigs = 1;
	EXPECT_WHY("www.lab.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "www.lab.test. A: missing RRSIG (zone lab.test. is signed)", "RRSIG missing from the answer");
	EXPECT_WHY("alias.lab.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "alias.lab.test. CNAME: missing RRSIG", "RRSIGs missing from a CNAME chain");
	R.strip_sigs = 0;
	R.strip_auth = 1;
	EXPECT_WHY("nope.lab.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "nope.lab.test. A: NXDOMAIN without a signed NSEC/NSEC3 proof (zone lab.test. is signed)", "NXDOMAIN proof missing");
	EXPECT_WHY("www.n3.test.", LDNS_RR_TYPE_AAAA, DC_SEC_BOGUS, "NODATA without", "NODATA proof missing (NSEC3)");
	EXPECT_WHY("host.wild.lab.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "wildcard answer without", "wildcard expansion proof missing");
	R.strip_auth = 0;
	R.strip_dnssec = 1;
	EXPECT_WHY("www.lab.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, ". DNSKEY: none", "resolver stripping DNSSEC records");
	EXPECT("nope.lab.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "stripped NXDOMAIN proof");
	EXPECT("www.insecure.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "stripped: even an insecure name cannot be proven so");
	R.strip_dnssec = 0;
	R.forge_nx = 1;
	EXPECT_WHY("www.lab.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "NXDOMAIN not proven", "NXDOMAIN for an existing name");
	EXPECT("www.n3.test.", LDNS_RR_TYPE_A, DC_SEC_BOGUS, "NXDOMAIN for an existing name (NSEC3)");
	R.forge_nx = 0;
	R.fail_fetch = 1;
	EXPECT_WHY("www.lab.test.", LDNS_RR_TYPE_A, DC_SEC_INDETERMINATE, "fetch of . DNSKEY failed", "fetch failure: indeterminate");
	R.fail_fetch = 0;
}

static void test_cache(void)
{
	struct dc_sec_io io = { &R, rig_fetch, rig_load, rig_store };
	struct dc_sec_validator *v = ops->open(anchor, anchor_len, NULL, 0), *v2;
	struct dc_sec_result res;
	unsigned char *ans;
	size_t len;
	int before;

	ans = rig_wire(&R, "www.lab.test.", LDNS_RR_TYPE_A, &len);
	R.fetches = 0;
	ops->validate(v, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io, RIG_T0, &res);
	T_OK(res.state == DC_SEC_SECURE && R.fetches > 0,
	     "cold: secure after %d fetches", R.fetches);
	before = R.fetches;
	ops->validate(v, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 60, &res);
	T_OK(res.state == DC_SEC_SECURE && R.fetches == before,
	     "warm: secure, no fetch (%d)", R.fetches - before);
	v2 = ops->open(anchor, anchor_len, NULL, 0);
	before = R.fetches;
	ops->validate(v2, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 60, &res);
	T_OK(res.state == DC_SEC_SECURE && R.fetches == before,
	     "new validator, sets loaded from the store: no fetch (%d, %d blobs)",
	     R.fetches - before, R.nst);
	before = R.loads;
	ops->validate(v2, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 70, &res);
	T_OK(res.state == DC_SEC_SECURE && R.loads == before,
	     "  ... warm: nothing asked of the store (%d)", R.loads - before);
	before = R.fetches;
	ops->validate(v2, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 2 * 3600, &res);
	T_OK(res.state == DC_SEC_SECURE && R.fetches > before,
	     "after the TTL: fetched again (%d)", R.fetches - before);
	/* signatures already checked: not over another RRset, nor after
	 * they expire */
	R.tamper = 1;
	free(ans);
	ans = rig_wire(&R, "www.lab.test.", LDNS_RR_TYPE_A, &len);
	R.tamper = 0;
	ops->validate(v2, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 2 * 3600, &res);
	T_OK(res.state == DC_SEC_BOGUS, "warm, then altered rdata: bogus (%s)",
	     res.why);
	free(ans);
	ans = rig_wire(&R, "www.lab.test.", LDNS_RR_TYPE_A, &len);
	ops->validate(v2, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 2 * 3600, &res);
	T_EQ_INT(res.state, DC_SEC_SECURE, "  ... and the real one secure again");
	ops->validate(v2, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 - 2 * RIG_DAY, &res);
	T_OK(res.state == DC_SEC_BOGUS && strstr(res.why, "not yet") != NULL,
	     "warm, a clock two days earlier: bogus (%s)", res.why);
	ops->validate(v2, "www.lab.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 31 * RIG_DAY, &res);
	T_OK(res.state == DC_SEC_BOGUS && strstr(res.why, "expired") != NULL,
	     "warm, a month later: bogus (%s)", res.why);
	free(ans);
	ans = rig_wire(&R, "www.insecure.test.", LDNS_RR_TYPE_A, &len);
	ops->validate(v2, "www.insecure.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 2 * 3600, &res);
	before = R.fetches;
	ops->validate(v2, "www.insecure.test.", LDNS_RR_TYPE_A, ans, len, &io,
		      RIG_T0 + 2 * 3600 + 1, &res);
	T_OK(res.state == DC_SEC_INSECURE && R.fetches == before,
	     "insecure cut cached: no fetch (%d)", R.fetches - before);
	free(ans);
	ops->close(v);
	ops->close(v2);
}

static void test_misc(void)
{
	struct dc_sec_io io = { &R, rig_fetch, NULL, NULL };
	struct dc_sec_validator *v = ops->open(anchor, anchor_len, NULL, 0);
	struct dc_sec_result res;
	unsigned char junk[40] = { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, 5 };
	unsigned char *ds_anchor;
	size_t ds_len;
	char err[256];
	void *h;
	const char *b = getenv("B");
	char path[512];

	errno = 4242;
	ops->validate(v, "www.lab.test.", LDNS_RR_TYPE_A, junk, sizeof(junk),
		      &io, RIG_T0, &res);
	T_OK(res.state == DC_SEC_BOGUS && errno == 4242,
	     "malformed answer: bogus (%s), errno kept", res.why);
	ops->close(v);
	errno = 4242;
	T_OK(ops->open((const unsigned char *)"", 0, err, sizeof(err)) == NULL &&
	     strstr(err, "no DS or DNSKEY") != NULL && errno == 4242,
	     "empty anchor: refused (%s), errno kept", err);
	T_OK(ops->open((const unsigned char *)"\n\nwww.test. IN A 192.0.2.1\n", 27, err,
		       sizeof(err)) == NULL && strncmp(err, "line 3: ", 8) == 0,
	     "not an anchor: the line, no file name (%s)", err);
	T_OK(ops->open(NULL, 0, err, sizeof(err)) == NULL, "no bytes: refused (%s)", err);
	T_OK(ops->open(anchor, DC_SEC_ANCHOR_MAX_FILE + 1, err, sizeof(err)) == NULL &&
	     strstr(err, "larger than") != NULL, "more than the largest file: refused (%s)", err);
	ds_anchor = rig_anchor(&R, 1, &ds_len);
	v = ops->open(ds_anchor, ds_len, err, sizeof(err));
	free(ds_anchor);
	T_OK(v != NULL, "anchor in DS form (its bytes freed after open: nothing kept of them)");
	if (v != NULL) {
		unsigned char *ans;
		size_t len;

		ans = rig_wire(&R, "www.n3.test.", LDNS_RR_TYPE_A, &len);
		ops->validate(v, "www.n3.test.", LDNS_RR_TYPE_A, ans, len, &io,
			      RIG_T0, &res);
		T_EQ_INT(res.state, DC_SEC_SECURE, "  ... secure from it");
		free(ans);
		ops->close(v);
	}
	/* the built object exports its ops table only */
	if (b == NULL) {
		T_OK(1, "# SKIP dnssec.so: B not set");
		return;
	}
	snprintf(path, sizeof(path), "%s/nss-dnscrypt/dnssec.so", b);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	T_OK(h != NULL, "dlopen %s (RTLD_LOCAL)", path);
	if (h != NULL) {
		const struct dc_sec_ops *o = dlsym(h, DC_SEC_OPS_SYMBOL);

		T_OK(o != NULL && o->abi == DC_SEC_ABI, "  ... %s, ABI %d",
		     DC_SEC_OPS_SYMBOL, o != NULL ? o->abi : -1);
		T_OK(dlsym(h, "dc_sec_verify") == NULL &&
		     dlsym(h, "dc_strerror") == NULL, "  ... nothing else exported");
	}
}

int main(void)
{
	printf("# making and signing the test zones\n");
	rig_world(&R);
	anchor = rig_anchor(&R, 0, &anchor_len);
	test_secure();
	test_insecure();
	test_bogus();
	test_cache();
	test_misc();
	free(anchor);
	rig_free(&R);
	T_DONE();
}
