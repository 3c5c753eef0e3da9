/* SPDX-License-Identifier: ISC */
/* fuzz_dnssec.c - libFuzzer target for what the DNSSEC validator parses
 * (common/dc_dnssec*.c): built with DC_FUZZING, signatures and DS digests
 * that do not match are accepted, so every proof behind them is reached.
 *
 * The first input byte chooses:
 *   'A'  the rest is a trust anchor file (dc_sec_anchor_parse);
 *   'B'  the rest is a stored DNSKEY/DS blob (dc_sec_blob_unpack);
 *   else the rest is packets, each a 2-byte big-endian length then its
 *        bytes: the first is the answer validated (qname and qtype from its
 *        question), the next ones are what io->fetch returns, in order
 *        (their question rewritten to the one asked, so that the fuzzer
 *        need not guess it); a fetch past the last one times out.  io->load
 *        serves the last blob io->store was given.
 * The anchor is fixed: a DS of "." (any key matches it under DC_FUZZING).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dc_dnssec_int.h"
#include "dc_status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ANCHOR ". IN DS 20326 13 2 " \
	"E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
#define MAXP 24

struct feed {
	const uint8_t *p[MAXP];
	size_t len[MAXP];
	int n, next;
	unsigned char *blob;
	size_t blen;
};

/* The wire form of name (presentation) into out; its length or 0. */
static size_t to_wire(const char *name, uint8_t *out, size_t cap)
{
	ldns_rdf *d = ldns_dname_new_frm_str(name);
	size_t n = d != NULL ? ldns_rdf_size(d) : 0;

	if (n > cap)
		n = 0;
	if (n > 0)
		memcpy(out, ldns_rdf_data(d), n);
	ldns_rdf_deep_free(d);
	return n;
}

/* Where the first question of a DNS message ends (uncompressed), or 0. */
static size_t question_end(const uint8_t *m, size_t len)
{
	size_t i = 12;

	if (len < 12 || (m[4] << 8 | m[5]) == 0)
		return 0;
	while (i < len && m[i] != 0) {
		if (m[i] > 63)
			return 0;
		i += 1 + m[i];
	}
	return i + 5 <= len ? i + 5 : 0;
}

static int fetch(void *arg, const char *name, int type, unsigned char **ans,
		 size_t *alen)
{
	struct feed *f = arg;
	const uint8_t *p;
	uint8_t qn[LDNS_MAX_DOMAINLEN + 1];
	size_t len, end, qlen;
	unsigned char *out;

	if (f->next >= f->n)
		return DC_ETIMEOUT;
	p = f->p[f->next];
	len = f->len[f->next++];
	end = question_end(p, len);
	qlen = to_wire(name, qn, sizeof(qn));
	out = malloc(len + qlen + 16);
	if (out == NULL)
		return DC_ENOMEM;
	if (end == 0 || qlen == 0) {
		memcpy(out, p, len);
		*alen = len;
	} else {
		memcpy(out, p, 12);
		memcpy(out + 12, qn, qlen);
		out[12 + qlen] = (uint8_t)(type >> 8);
		out[13 + qlen] = (uint8_t)type;
		out[14 + qlen] = 0;
		out[15 + qlen] = 1;
		memcpy(out + 16 + qlen, p + end, len - end);
		*alen = 16 + qlen + len - end;
	}
	*ans = out;
	return DC_OK;
}

static unsigned char *load(void *arg, const char *key, size_t *len)
{
	struct feed *f = arg;
	unsigned char *c;

	if (f->blob == NULL || (c = malloc(f->blen)) == NULL)
		return NULL;
	memcpy(c, f->blob, f->blen);
	*len = f->blen;
	return c;
}

static void store(void *arg, const char *key, const unsigned char *blob,
		  size_t len)
{
	struct feed *f = arg;

	free(f->blob);
	f->blob = malloc(len);
	if (f->blob != NULL)
		memcpy(f->blob, blob, len);
	f->blen = len;
}

static void validate(const uint8_t *data, size_t size)
{
	struct feed f = { 0 };
	struct dc_sec_io io = { &f, fetch, load, store };
	struct dc_sec_validator v = { 0 };
	struct dc_sec_result res;
	ldns_pkt *pkt = NULL;
	char *qname = NULL;
	size_t i = 0;
	int qtype = 1;

	while (f.n < MAXP && i + 2 <= size) {
		size_t l = (size_t)data[i] << 8 | data[i + 1];

		i += 2;
		if (l > size - i)
			l = size - i;
		f.p[f.n] = data + i;
		f.len[f.n++] = l;
		i += l;
	}
	if (f.n == 0)
		return;
	f.next = 1;
	if (ldns_wire2pkt(&pkt, f.p[0], f.len[0]) == LDNS_STATUS_OK &&
	    ldns_pkt_qdcount(pkt) > 0) {
		ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);

		qname = ldns_rdf2str(ldns_rr_owner(q));
		qtype = ldns_rr_get_type(q);
	}
	ldns_pkt_free(pkt);
	v.anchors = dc_sec_anchor_parse(ANCHOR, strlen(ANCHOR), NULL, 0);
	if (v.anchors == NULL)
		abort();
	dc_sec_ops_v1.validate(&v, qname != NULL ? qname : "www.lab.test.",
			       qtype, f.p[0], f.len[0], &io, 1800000000, &res);
	if (res.state < DC_SEC_SECURE || res.state > DC_SEC_INDETERMINATE ||
	    memchr(res.why, '\0', sizeof(res.why)) == NULL)
		abort();
	/* the same again: from the cache now */
	f.next = 1;
	dc_sec_ops_v1.validate(&v, qname != NULL ? qname : "www.lab.test.",
			       qtype, f.p[0], f.len[0], &io, 1800000060, &res);
	dc_sec_cache_free(&v);
	dc_sec_memo_free(&v);
	ldns_rr_list_deep_free(v.anchors);
	free(qname);
	free(f.blob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] == 'A') {
		ldns_rr_list *l = dc_sec_anchor_parse((const char *)data + 1,
						      size - 1, NULL, 0);
		ldns_rr_list_deep_free(l);
	} else if (data[0] == 'B') {
		struct dc_sec_centry e;
		ldns_rdf *o = ldns_dname_new_frm_str("lab.test.");
		int k;

		for (k = DC_SEC_C_KEYS; k <= DC_SEC_C_INSECURE; k++)
			if (dc_sec_blob_unpack(data + 1, size - 1, o, k,
					       1800000000, &e) == 0) {
				ldns_rdf_deep_free(e.owner);
				ldns_rr_list_deep_free(e.rrs);
			}
		ldns_rdf_deep_free(o);
	} else {
		validate(data + 1, size - 1);
	}
	return 0;
}
