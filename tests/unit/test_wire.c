/* SPDX-License-Identifier: ISC */
/* test_wire.c - the DNS wire helpers every reader shares (dc_wire.c:
 * big-endian reads, skipping a name, the OPT record at the end) and the
 * one rcode -> status mapping of a whole answer (dc_answer_status). */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "dc_dns.h"
#include "dc_wire.h"

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
	test_answer_status();
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}
