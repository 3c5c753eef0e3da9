/* SPDX-License-Identifier: ISC */
/* secstub.c - a stand-in DNSSEC validator object (dc_dnssec.h) for the
 * tests of the wiring (loading, nested fetches, the key cache, outcomes,
 * AD bits), independent of the real validator: it checks no signature.
 *
 * open: takes the anchor's bytes (fails on none, as the real one on
 *   no record).
 * validate, for qname:
 *   - a label "bogus": DC_SEC_BOGUS, why "QNAME TYPE: RRSIG expired (stub)";
 *   - else the DNSKEY set of the qname's last two labels is loaded from
 *     the key cache (key "stub-ZONE") or fetched (then stored); a fetch
 *     that fails is DC_SEC_INDETERMINATE, an answer that is no response
 *     bogus;
 *   - a label "insecure": DC_SEC_INSECURE; else DC_SEC_SECURE.
 * It counts its fetches and cache hits in the why of secure answers
 * ("fetched N, cached N"), for the tests to read through dnscrypt-resolve.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_dnssec.h"

/* Built a second time with -DSECSTUB_ABI=1 (tests/secstub-abi1.so): an
 * object of another ABI, which the core must refuse. */
#ifndef SECSTUB_ABI
#define SECSTUB_ABI DC_SEC_ABI
#endif

struct dc_sec_validator {
	int fetched, cached;
};

static struct dc_sec_validator *stub_open(const unsigned char *anchor, size_t len,
					  char *err, size_t errlen)
{
	struct dc_sec_validator *v;

	if (!anchor || len == 0) {
		snprintf(err, errlen, "no anchor (stub)");
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		snprintf(err, errlen, "out of memory");
	return v;
}

static void stub_close(struct dc_sec_validator *v)
{
	free(v);
}

static int has_label(const char *name, const char *label)
{
	size_t n = strlen(label);

	for (const char *p = name; p; p = strchr(p, '.'), p = p ? p + 1 : NULL)
		if (strncmp(p, label, n) == 0 && (p[n] == '.' || p[n] == '\0'))
			return 1;
	return 0;
}

/* The last two labels of an absolute name ("lab.test." of "a4.lab.test."). */
static const char *zone_of(const char *name)
{
	const char *z = name;
	int dots = 0;

	for (const char *p = name + strlen(name); p > name; p--)
		if (p[-1] == '.' && ++dots == 3) {
			z = p;
			break;
		}
	return z;
}

static void stub_validate(struct dc_sec_validator *v, const char *qname, int qtype,
			  const unsigned char *ans, size_t alen,
			  const struct dc_sec_io *io, time_t now,
			  struct dc_sec_result *res)
{
	const char *zone = zone_of(qname);
	char key[300];
	unsigned char *blob = NULL, *a = NULL;
	size_t blen = 0, al = 0;
	int rc;

	(void)now;
	(void)alen;
	res->why[0] = '\0';
	if (has_label(qname, "bogus")) {
		res->state = DC_SEC_BOGUS;
		snprintf(res->why, sizeof res->why, "%s %d: RRSIG expired (stub)", qname, qtype);
		return;
	}
	snprintf(key, sizeof key, "stub-%s", zone);
	if (io->load)
		blob = io->load(io->arg, key, &blen);
	if (blob && blen > 0) {
		v->cached++;
	} else {
		rc = io->fetch(io->arg, zone, 48, &a, &al);
		if (rc != 0) {
			res->state = DC_SEC_INDETERMINATE;
			snprintf(res->why, sizeof res->why, "%s DNSKEY: no answer (status %d)",
				 zone, rc);
			return;
		}
		v->fetched++;
		if (al < 12 || !(a[2] & 0x80) || !(a[3] & 0x10)) {
			res->state = DC_SEC_BOGUS;
			snprintf(res->why, sizeof res->why, "%s DNSKEY: not a response with CD",
				 zone);
			free(a);
			return;
		}
		if (io->store)
			io->store(io->arg, key, a, al);
		free(a);
	}
	free(blob);
	res->state = has_label(qname, "insecure") ? DC_SEC_INSECURE : DC_SEC_SECURE;
	snprintf(res->why, sizeof res->why, "fetched %d, cached %d", v->fetched, v->cached);
	(void)ans;
}

__attribute__((visibility("default")))
const struct dc_sec_ops dc_sec_ops_v1 = {
	.abi = SECSTUB_ABI,
	.open = stub_open,
	.close = stub_close,
	.validate = stub_validate,
};
