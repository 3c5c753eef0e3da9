/* SPDX-License-Identifier: ISC */
/* test_wire.c - the DNS wire helpers every reader shares (dc_wire.c:
 * big-endian reads, skipping a name, the OPT record at the end) and the
 * one rcode -> status mapping of a whole answer (dc_answer_status). */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "dc_dns.h"
#include "dc_wire.h"
#include "dc_wire_strip.h"

/* A query for a4.lab.test A: header, question (29 bytes). */
static size_t query(uint8_t *m, unsigned ar)
{
	static const uint8_t q[29] = { 0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		2, 'a', '4', 3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };

	memcpy(m, q, sizeof(q));
	m[11] = (uint8_t)ar;
	return sizeof(q);
}

/* Append an OPT record (root owner, UDP size 1232, rdlen bytes of data). */
static size_t opt(uint8_t *m, size_t len, size_t rdlen)
{
	static const uint8_t o[11] = { 0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0 };

	memcpy(m + len, o, sizeof(o));
	m[len + 9] = (uint8_t)(rdlen >> 8);
	m[len + 10] = (uint8_t)rdlen;
	memset(m + len + 11, 0, rdlen);
	return len + 11 + rdlen;
}

static void test_ints(void)
{
	static const uint8_t b[4] = { 0xfe, 0xdc, 0x01, 0x02 };

	T_EQ_INT(dc_get16(b), 0xfedc, "dc_get16 big-endian");
	T_EQ_INT(dc_get16(b + 2), 0x0102, "dc_get16 small value");
	T_OK(dc_get32(b) == 0xfedc0102u, "dc_get32 big-endian, top bit set");
}

static void test_skip_name(void)
{
	uint8_t m[64];
	size_t len = query(m, 0);

	T_EQ_INT(dc_wire_skip_name(m, len, 12), 25, "a4.lab.test: past its root label");
	m[len] = 0xc0;
	m[len + 1] = 12;
	T_EQ_INT(dc_wire_skip_name(m, len + 2, len), len + 2, "a compression pointer: 2 bytes");
	T_EQ_INT(dc_wire_skip_name(m, len + 1, len), 0, "a pointer cut short: 0");
	T_EQ_INT(dc_wire_skip_name(m, 20, 12), 0, "a name running past the end: 0");
	m[len] = 0x41;
	T_EQ_INT(dc_wire_skip_name(m, len + 2, len), 0, "an extended label type: 0");
	m[len] = 0;
	T_EQ_INT(dc_wire_skip_name(m, len + 1, len), len + 1, "the root name: 1 byte");
	T_EQ_INT(dc_wire_skip_name(m, len, len), 0, "at the end: 0");
}

static void test_last_opt(void)
{
	uint8_t m[256];
	size_t len;

	len = opt(m, query(m, 1), 0);
	T_EQ_INT(dc_wire_last_opt(m, len), 29, "a query with an OPT record: its offset");
	len = opt(m, query(m, 1), 12);
	T_EQ_INT(dc_wire_last_opt(m, len), 29, "an OPT record with an option");
	T_EQ_INT(dc_get16(m + 29 + 3), 1232, "its class is the UDP size");
	T_EQ_INT(dc_wire_last_opt(m, len + 1), 0, "a byte after the records: none");
	T_EQ_INT(dc_wire_last_opt(m, len - 1), 0, "the OPT record cut short: none");
	len = query(m, 0);
	T_EQ_INT(dc_wire_last_opt(m, len), 0, "no additional record: none");
	/* an A record last in the additional section */
	len = query(m, 2);
	len = opt(m, len, 0);
	memcpy(m + len, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01", 16);
	len += 16;
	T_EQ_INT(dc_wire_last_opt(m, len), 0, "an OPT record that is not the last: none");
	T_EQ_INT(dc_wire_last_opt(m, 11), 0, "shorter than a header: none");
	T_EQ_INT(dc_wire_last_opt(NULL, 40), 0, "NULL: none");
}

/* DO and CD on a query (dc_wire_query_dnssec), AD and CD on an answer. */
static void test_dnssec_bits(void)
{
	uint8_t m[256];
	size_t len, n;

	len = opt(m, query(m, 1), 0);
	n = dc_wire_query_dnssec(m, len, sizeof m);
	T_EQ_INT(n, len, "a query with an OPT record keeps its length");
	T_OK((m[3] & 0x10) && m[29 + 7] == 0x80 && m[29 + 8] == 0,
	     "CD in the header, DO (only) in the OPT flags");
	T_EQ_INT(dc_get16(m + 29 + 3), 1232, "its UDP size untouched");
	T_EQ_INT(dc_wire_query_dnssec(m, n, sizeof m), n, "twice: the same");

	len = query(m, 0);
	n = dc_wire_query_dnssec(m, len, sizeof m);
	T_EQ_INT(n, len + 11, "no OPT record: one is added");
	T_OK(dc_get16(m + 10) == 1 && dc_wire_last_opt(m, n) == len &&
	     dc_get16(m + len + 3) == DC_WIRE_DO_UDP && m[len + 7] == 0x80 && (m[3] & 0x10),
	     "ARCOUNT 1, the OPT last, DC_WIRE_DO_UDP, DO and CD set");
	len = query(m, 0);
	m[9] = 3;                    /* three authority records, none there */
	T_EQ_INT(dc_wire_query_dnssec(m, len, sizeof m), 0, "records that are not there: 0");
	T_OK(m[11] == 0 && (m[3] & 0x10) == 0, "... ARCOUNT and CD untouched");
	len = query(m, 0);
	T_EQ_INT(dc_wire_query_dnssec(m, len, len + 10), 0, "no room for the OPT: 0");
	T_EQ_INT(m[3] & 0x10, 0, "... and the query untouched");
	m[2] |= 0x80;
	T_EQ_INT(dc_wire_query_dnssec(m, len, sizeof m), 0, "a response (QR): 0");
	T_EQ_INT(dc_wire_query_dnssec(m, 11, sizeof m), 0, "shorter than a header: 0");
	T_EQ_INT(dc_wire_query_dnssec(NULL, 40, 40), 0, "NULL: 0");

	len = query(m, 0);
	m[2] = 0x81;
	m[3] = 0xb0;                 /* RA AD CD */
	dc_wire_answer_flags(m, len, 0, 0);
	T_EQ_INT(m[3], 0x80, "not validated, caller without CD: AD and CD cleared");
	dc_wire_answer_flags(m, len, 1, 0);
	T_EQ_INT(m[3], 0xa0, "secure: AD set");
	dc_wire_answer_flags(m, len, 1, 1);
	T_EQ_INT(m[3], 0xb0, "secure, caller with CD: both");
	m[3] = 0x83;
	dc_wire_answer_flags(m, len, 0, 1);
	T_EQ_INT(m[3], 0x93, "the rcode and RA kept");
	T_EQ_INT(m[2], 0x81, "byte 2 untouched");
	dc_wire_answer_flags(m, 11, 1, 1);
	T_EQ_INT(m[3], 0x93, "shorter than a header: untouched");
}

/* An answer to a4.lab.test A with an RRSIG in the answer, an NSEC and a
 * SOA in the authority, an A record for the SOA's ns.lab.test (its owner
 * a pointer into the SOA, after both DNSSEC records) and an OPT with DO:
 * the RRSIG (44 bytes at 45) and the NSEC (28 bytes at 89) go, the
 * glue's owner pointer moves from 129 to 57. */
static const uint8_t signed_answer[189] = {
		0xab, 0xcd, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02, 0x00, 0x02,
		0x02, 0x61, 0x34, 0x03, 0x6c, 0x61, 0x62, 0x04, 0x74, 0x65, 0x73, 0x74,
		0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00,
		0x00, 0x00, 0x3c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x01, 0xc0, 0x0c, 0x00,
		0x2e, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x20, 0x00, 0x01, 0x0f,
		0x03, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x01, 0x03, 0x6c, 0x61, 0x62, 0x04, 0x74, 0x65, 0x73, 0x74,
		0x00, 0x53, 0x49, 0x47, 0x53, 0xc0, 0x0c, 0x00, 0x2f, 0x00, 0x01, 0x00,
		0x00, 0x00, 0x3c, 0x00, 0x10, 0x02, 0x62, 0x34, 0x03, 0x6c, 0x61, 0x62,
		0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x40, 0xc0, 0x0f, 0x00,
		0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x21, 0x02, 0x6e, 0x73,
		0xc0, 0x0f, 0x05, 0x61, 0x64, 0x6d, 0x69, 0x6e, 0xc0, 0x0f, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
		0x00, 0x04, 0x00, 0x00, 0x00, 0x05, 0xc0, 0x81, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0x7f, 0x00, 0x00, 0x09, 0x00, 0x00,
		0x29, 0x04, 0xd0, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00
};

static void test_strip(void)
{
	uint8_t m[256];
	size_t n;

	memcpy(m, signed_answer, sizeof signed_answer);
	n = dc_wire_strip_dnssec(m, sizeof signed_answer);
	T_EQ_INT(n, 189 - 44 - 28, "RRSIG and NSEC taken out");
	T_OK(dc_get16(m + 6) == 1 && dc_get16(m + 8) == 1 && dc_get16(m + 10) == 2,
	     "counts: 1 answer, 1 authority, 2 additional");
	T_OK(memcmp(m, signed_answer, 6) == 0 && memcmp(m + 12, signed_answer + 12, 33) == 0,
	     "header, question and the A record untouched");
	T_OK(memcmp(m + 45, signed_answer + 117, 45) == 0, "the SOA moved up whole");
	T_OK(m[90] == 0xc0 && m[91] == 57, "the glue's owner pointer follows its target");
	T_OK(memcmp(m + 92, signed_answer + 164, 14) == 0, "the glue's data kept");
	T_EQ_INT(dc_wire_last_opt(m, n), 106, "the OPT last");
	T_EQ_INT(m[106 + 7], 0, "DO cleared");
	T_EQ_INT(dc_wire_strip_dnssec(m, n), n, "twice: nothing more");

	/* The question asks for RRSIG: the RRSIG stays, the NSEC goes. */
	memcpy(m, signed_answer, sizeof signed_answer);
	m[26] = 46;
	n = dc_wire_strip_dnssec(m, sizeof signed_answer);
	T_EQ_INT(n, 189 - 28, "qtype RRSIG: only the NSEC taken out");
	T_OK(dc_get16(m + 6) == 2 && dc_get16(m + 8) == 1 && m[162 - 28 + 1] == 129 - 28,
	     "... the counts and the pointer follow");

	/* A pointer into a record that would go: nothing moves, DO cleared. */
	memcpy(m, signed_answer, sizeof signed_answer);
	m[163] = 75;                   /* the RRSIG's signer name */
	n = dc_wire_strip_dnssec(m, sizeof signed_answer);
	T_EQ_INT(n, sizeof signed_answer, "a name pointing into the RRSIG: kept whole");
	T_OK(memcmp(m, signed_answer, 163) == 0 && m[163] == 75 &&
	     memcmp(m + 164, signed_answer + 164, 21) == 0, "... unchanged");
	T_EQ_INT(m[178 + 7], 0, "... but DO cleared");

	/* Malformed: unchanged. */
	memcpy(m, signed_answer, sizeof signed_answer);
	T_EQ_INT(dc_wire_strip_dnssec(m, 150), 150, "cut short: the length given back");
	T_OK(memcmp(m, signed_answer, 150) == 0, "... nothing changed");
	m[5] = 2;
	T_EQ_INT(dc_wire_strip_dnssec(m, sizeof signed_answer), sizeof signed_answer,
		 "two questions: left alone");
	T_EQ_INT(dc_wire_strip_dnssec(m, 11), 11, "shorter than a header");
	T_EQ_INT(dc_wire_strip_dnssec(NULL, 40), 40, "NULL");
}

static void test_answer_status(void)
{
	uint8_t m[128];
	size_t len = query(m, 0);

	m[2] = 0x81;
	m[3] = 0x80;                 /* QR RD RA, NOERROR */
	m[7] = 1;
	T_EQ_INT(dc_answer_status(m, len), DC_OK, "NOERROR with an answer record: ok");
	m[7] = 0;
	T_EQ_INT(dc_answer_status(m, len), DC_ENODATA, "NOERROR, no record: NODATA");
	m[3] = 0x00;                 /* no RA, no AA, nothing else: lame */
	T_EQ_INT(dc_answer_status(m, len), DC_EREFUSED,
		 "a lame referral (no AA, RA or records): res_send passes it over");
	m[3] = 0x83;
	T_EQ_INT(dc_answer_status(m, len), DC_ENOTFOUND, "NXDOMAIN: not found");
	m[3] = 0x82;
	T_EQ_INT(dc_answer_status(m, len), DC_ESERVFAIL, "SERVFAIL");
	m[3] = 0x85;
	T_EQ_INT(dc_answer_status(m, len), DC_EREFUSED, "REFUSED");
	m[3] = 0x84;
	T_EQ_INT(dc_answer_status(m, len), DC_EREFUSED, "NOTIMP: refused");
	m[3] = 0x81;
	T_EQ_INT(dc_answer_status(m, len), DC_EREFUSED, "FORMERR: refused (NO_RECOVERY in res.c)");
	T_EQ_INT(dc_answer_status(m, 11), DC_EBADRESP, "no whole header: bad answer");
}

int main(void)
{
	test_ints();
	test_skip_name();
	test_last_opt();
	test_dnssec_bits();
	test_strip();
	test_answer_status();
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}
