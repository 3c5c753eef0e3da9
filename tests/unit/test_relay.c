/* SPDX-License-Identifier: ISC */
/* test_relay.c - the Anonymized DNSCrypt header (dc_relay_header and its
 * parser) and the EDNS(0) padding of plain queries sent through a relay. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "dc_relay.h"

static void test_header_v4(void)
{
	/* ANONYMIZED-DNSCRYPT.txt section 2: 192.0.2.1 port 443 */
	static const uint8_t want[DC_RELAY_HDR_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xc0, 0x00, 0x02, 0x01,
		0x01, 0xbb,
	};
	struct sockaddr_in sin;
	struct sockaddr_storage back;
	socklen_t blen = 0;
	uint8_t h[DC_RELAY_HDR_LEN];

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(443);
	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);
	memset(h, 0x5a, sizeof h);
	T_EQ_INT(dc_relay_header((struct sockaddr *)&sin, h), 0, "IPv4 header made");
	T_OK(memcmp(h, want, sizeof want) == 0,
	     "IPv4: the specification's example (magic, ::ffff:192.0.2.1, port 0x01bb)");
	T_EQ_INT(dc_relay_header_parse(h, sizeof h, &back, &blen), 0, "IPv4 header parses");
	T_OK(back.ss_family == AF_INET && blen == sizeof(struct sockaddr_in) &&
	     ((struct sockaddr_in *)&back)->sin_addr.s_addr == sin.sin_addr.s_addr &&
	     ((struct sockaddr_in *)&back)->sin_port == htons(443),
	     "IPv4-mapped address read back as AF_INET 192.0.2.1:443");

	sin.sin_port = htons(65535);
	dc_relay_header((struct sockaddr *)&sin, h);
	T_OK(h[26] == 0xff && h[27] == 0xff, "port 65535 big-endian");
	sin.sin_port = htons(8443);
	dc_relay_header((struct sockaddr *)&sin, h);
	T_OK(h[26] == 0x20 && h[27] == 0xfb, "port 8443 is 0x20fb, big-endian");
}

static void test_header_v6(void)
{
	struct sockaddr_in6 s6;
	struct sockaddr_storage back;
	socklen_t blen = 0;
	uint8_t h[DC_RELAY_HDR_LEN], ip[16];

	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(5353);
	inet_pton(AF_INET6, "2001:db8::53", &s6.sin6_addr);
	memcpy(ip, &s6.sin6_addr, 16);
	T_EQ_INT(dc_relay_header((struct sockaddr *)&s6, h), 0, "IPv6 header made");
	T_OK(memcmp(h, dc_relay_magic, 10) == 0 && memcmp(h + 10, ip, 16) == 0 &&
	     h[26] == 0x14 && h[27] == 0xe9,
	     "IPv6: magic, the 16 address bytes as they are, port 5353 = 0x14e9");
	T_EQ_INT(dc_relay_header_parse(h, sizeof h, &back, &blen), 0, "IPv6 header parses");
	T_OK(back.ss_family == AF_INET6 && blen == sizeof(struct sockaddr_in6) &&
	     memcmp(&((struct sockaddr_in6 *)&back)->sin6_addr, ip, 16) == 0 &&
	     ((struct sockaddr_in6 *)&back)->sin6_port == htons(5353),
	     "IPv6 address read back");

	inet_pton(AF_INET6, "::1", &s6.sin6_addr);
	dc_relay_header((struct sockaddr *)&s6, h);
	T_OK(h[25] == 1 && h[20] == 0 && h[21] == 0, "::1 is not mistaken for IPv4-mapped");
	dc_relay_header_parse(h, sizeof h, &back, &blen);
	T_EQ_INT(back.ss_family, AF_INET6, "::1 read back as IPv6");
}

static void test_header_bad(void)
{
	struct sockaddr_un_like { sa_family_t f; char x[30]; } un = { AF_UNIX, "" };
	struct sockaddr_storage back;
	socklen_t blen;
	uint8_t h[DC_RELAY_HDR_LEN];

	T_EQ_INT(dc_relay_header((struct sockaddr *)&un, h), -1, "AF_UNIX refused");
	memcpy(h, dc_relay_magic, 10);
	memset(h + 10, 0, 18);
	T_EQ_INT(dc_relay_header_parse(h, 27, &back, &blen), -1, "27 bytes: short");
	h[9] = 1;
	T_EQ_INT(dc_relay_header_parse(h, 28, &back, &blen), -1, "wrong magic refused");
	T_EQ_INT(dc_relay_header_parse(NULL, 28, &back, &blen), -1, "NULL refused");
}

/* The certificate query as c-ares builds it with ARES_FLAG_EDNS:
 * id, RD, one question, one OPT record without options. */
static size_t cert_query(uint8_t *q)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1 };
	static const char name[] = "\0012\015dnscrypt-cert\003lab\004test";
	size_t n = 0;

	memcpy(q, hdr, 12);
	n = 12;
	memcpy(q + n, name, sizeof name);       /* with the root's 0 */
	n += sizeof name;
	q[n++] = 0; q[n++] = 16; q[n++] = 0; q[n++] = 1;        /* TXT IN */
	q[n++] = 0; q[n++] = 0; q[n++] = 41; q[n++] = 0x10; q[n++] = 0x00; /* OPT 4096 */
	q[n++] = 0; q[n++] = 0; q[n++] = 0; q[n++] = 0;         /* ttl */
	q[n++] = 0; q[n++] = 0;                                  /* rdlength */
	return n;
}

static void test_pad_plain(void)
{
	uint8_t q[2048], orig[2048];
	size_t n = cert_query(q), m;

	memcpy(orig, q, n);
	m = dc_relay_pad_plain(q, n, sizeof q, 1252);
	T_EQ_INT(m, 1252, "the certificate query is padded to 1252 bytes");
	T_OK(memcmp(q, orig, n - 2) == 0, "everything before the OPT rdlength is unchanged");
	T_OK(q[n - 2] == ((1252 - n) >> 8) && q[n - 1] == ((1252 - n) & 0xff),
	     "OPT rdlength covers the option");
	T_OK(q[n] == 0 && q[n + 1] == 12 && ((q[n + 2] << 8) | q[n + 3]) == (int)(1252 - n - 4),
	     "option 12 (Padding, RFC 7830) with the right length");
	{
		size_t z = 0;
		for (size_t i = n + 4; i < m; i++)
			z += q[i] == 0;
		T_EQ_INT(z, m - n - 4, "the padding is zeros");
	}
	T_EQ_INT(dc_relay_pad_plain(q, m, sizeof q, 1400), m,
		 "a query with an option already is left alone");

	memcpy(q, orig, n);
	T_EQ_INT(dc_relay_pad_plain(q, n, sizeof q, n), n, "target == length: unchanged");
	T_EQ_INT(dc_relay_pad_plain(q, n, sizeof q, n + 2), n + 4,
		 "a target 2 bytes away still gets the 4-byte option header");
	memcpy(q, orig, n);
	T_EQ_INT(dc_relay_pad_plain(q, n, 100, 1252), n, "target beyond the buffer: unchanged");
	T_OK(memcmp(q, orig, n) == 0, "... and the query untouched");

	memcpy(q, orig, n);
	q[11] = 0;                                        /* no additional record */
	T_EQ_INT(dc_relay_pad_plain(q, n - 11, sizeof q, 1252), n - 11, "no OPT: unchanged");
	memcpy(q, orig, n);
	q[n - 9] = 15;                                    /* last record is MX, not OPT */
	T_EQ_INT(dc_relay_pad_plain(q, n, sizeof q, 1252), n, "last record not OPT: unchanged");
	memcpy(q, orig, n);
	q[5] = 9;                                         /* 9 questions that are not there */
	T_EQ_INT(dc_relay_pad_plain(q, n, sizeof q, 1252), n, "counts past the end: unchanged");
	memcpy(q, orig, n);
	q[12] = 0xc0;                                     /* a compression pointer as qname */
	q[13] = 0x0c;
	T_EQ_INT(dc_relay_pad_plain(q, n, sizeof q, 1252), n, "garbled question: unchanged");
	T_EQ_INT(dc_relay_pad_plain(q, 11, sizeof q, 1252), 11, "shorter than a header: unchanged");
	T_EQ_INT(dc_relay_pad_plain(NULL, 0, 0, 1252), 0, "NULL: unchanged");
}

int main(void)
{
	test_header_v4();
	test_header_v6();
	test_header_bad();
	test_pad_plain();
	T_DONE();
}
