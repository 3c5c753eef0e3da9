/* SPDX-License-Identifier: ISC */
/* test_dns.c - dc_dns.c against crafted DNS messages (glibc 2.36 nss_dns
 * behaviour: getanswer_r, gaih_getanswer, getanswer_ptr, res_hnok). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "t.h"
#include "dc_dns.h"

#define T_A 1
#define T_CNAME 5
#define T_PTR 12
#define T_MX 15
#define T_TXT 16
#define T_AAAA 28
#define C_IN 1
#define C_CH 3

/* ------------------------------------------------------------ builder */

struct pkt {
	uint8_t b[65536];
	size_t n;
};

static void put8(struct pkt *p, unsigned v) { p->b[p->n++] = (uint8_t)v; }
static void put16(struct pkt *p, unsigned v) { put8(p, v >> 8); put8(p, v & 0xff); }
static void put32(struct pkt *p, uint32_t v) { put16(p, v >> 16); put16(p, v & 0xffff); }
static void putb(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

/* Dotted text -> wire, independent of the code under test: "\." is a dot
 * inside a label, "\DDD" a byte; "" and "." are the root. */
static size_t wire(const char *s, uint8_t *out)
{
	size_t n = 0, lab = 0;

	out[n++] = 0;
	if (strcmp(s, ".") == 0 || *s == '\0')
		return 1;
	for (; *s; s++) {
		if (*s == '.') {
			lab = n;
			out[n++] = 0;
			continue;
		}
		if (*s == '\\' && s[1] >= '0' && s[1] <= '9') {
			out[n++] = (uint8_t)((s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
			s += 3;
		} else {
			if (*s == '\\')
				s++;
			out[n++] = (uint8_t)*s;
		}
		out[lab]++;
	}
	if (out[lab] != 0)
		out[n++] = 0;
	return n;
}

static void put_name(struct pkt *p, const char *s)
{
	uint8_t w[1024];
	size_t n = wire(s, w);

	putb(p, w, n);
}

static void start(struct pkt *p, int rcode, const char *qname, int qtype)
{
	p->n = 0;
	put16(p, 0x1234);
	put8(p, 0x81);            /* QR, RD */
	put8(p, 0x80 | rcode);    /* RA */
	put16(p, 1);
	put16(p, 0);
	put16(p, 0);
	put16(p, 0);
	put_name(p, qname);
	put16(p, qtype);
	put16(p, C_IN);
}

static void bump_an(struct pkt *p)
{
	unsigned an = (unsigned)p->b[6] << 8 | p->b[7];

	an++;
	p->b[6] = (uint8_t)(an >> 8);
	p->b[7] = (uint8_t)an;
}

/* Record with owner as text ("@" = pointer to the question name). */
static void rr(struct pkt *p, const char *owner, int type, int cls, uint32_t ttl,
	       const void *rd, size_t rdlen)
{
	if (strcmp(owner, "@") == 0)
		put16(p, 0xc000 | 12);
	else
		put_name(p, owner);
	put16(p, type);
	put16(p, cls);
	put32(p, ttl);
	put16(p, (unsigned)rdlen);
	putb(p, rd, rdlen);
	bump_an(p);
}

static void rr_a(struct pkt *p, const char *owner, const char *ip, uint32_t ttl)
{
	uint8_t a[4];

	inet_pton(AF_INET, ip, a);
	rr(p, owner, T_A, C_IN, ttl, a, 4);
}

static void rr_aaaa(struct pkt *p, const char *owner, const char *ip, uint32_t ttl)
{
	uint8_t a[16];

	inet_pton(AF_INET6, ip, a);
	rr(p, owner, T_AAAA, C_IN, ttl, a, 16);
}

static void rr_name(struct pkt *p, const char *owner, int type, const char *target,
		    uint32_t ttl)
{
	uint8_t w[1024];
	size_t n = wire(target, w);

	rr(p, owner, type, C_IN, ttl, w, n);
}

static int has_addr(const struct dc_hostres *h, int i, int af, const char *ip)
{
	uint8_t a[16] = { 0 };

	if (i >= h->naddrs)
		return 0;
	inet_pton(af, ip, a);
	return h->addrs[i].family == af &&
		memcmp(h->addrs[i].addr, a, sizeof(a)) == 0;
}

static int streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static dc_status parse(const struct pkt *p, int qtype, struct dc_hostres *h)
{
	dc_hostres_free(h);
	return dc_dns_parse_addrs(p->b, p->n, qtype, h);
}

static dc_status parse_gaih(const struct pkt *a, const struct pkt *aaaa,
			    struct dc_hostres *h)
{
	dc_hostres_free(h);
	return dc_dns_parse_gaih(a ? a->b : NULL, a ? a->n : 0,
				 aaaa ? aaaa->b : NULL, aaaa ? aaaa->n : 0, h);
}

/* -------------------------------------------------------------- tests */

static struct pkt P, Q;

static void test_simple(void)
{
	struct dc_hostres h;

	dc_hostres_init(&h);
	T_EQ_INT(h.ttl, UINT32_MAX, "init: no ttl");
	start(&P, 0, "www.example.com", T_A);
	rr_a(&P, "@", "192.0.2.1", 300);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "A: ok");
	T_OK(streq(h.name, "www.example.com"), "A: name is the question name");
	T_EQ_INT(h.naliases, 0, "A: no alias");
	T_EQ_INT(h.naddrs, 1, "A: one address");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.1"), "A: address");
	T_EQ_INT(h.ttl, 300, "A: ttl");
	T_EQ_INT(h.answered, 1, "A: answered");

	start(&P, 0, "www.example.com", T_AAAA);
	rr_aaaa(&P, "www.example.com", "2001:db8::1", 60);
	T_EQ_INT(parse(&P, T_AAAA, &h), DC_OK, "AAAA: ok");
	T_OK(has_addr(&h, 0, AF_INET6, "2001:db8::1"), "AAAA: address");

	/* The question name as it is in the answer (case kept); owner
	 * match is case-insensitive. */
	start(&P, 0, "WWW.Example.COM", T_A);
	rr_a(&P, "www.example.com", "192.0.2.2", 1);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "case: ok");
	T_OK(streq(h.name, "WWW.Example.COM"), "case: name from the question");

	/* A record in an AAAA answer, wrong rdlength, other types. */
	start(&P, 0, "x.example", T_AAAA);
	rr_a(&P, "@", "192.0.2.3", 1);
	rr(&P, "@", T_AAAA, C_IN, 1, "0123456789abcde", 15);
	rr(&P, "@", T_MX, C_IN, 1, "\0\12\0", 3);
	rr(&P, "@", T_TXT, C_IN, 1, "\3abc", 4);
	rr_aaaa(&P, "@", "::1", 5);
	T_EQ_INT(parse(&P, T_AAAA, &h), DC_OK, "mixed types: ok");
	T_EQ_INT(h.naddrs, 1, "mixed types: only the AAAA of 16 bytes");
	T_OK(has_addr(&h, 0, AF_INET6, "::1"), "mixed types: ::1");
	T_EQ_INT(h.ttl, 1, "mixed types: ttl includes the bad-length AAAA");

	T_EQ_INT(dc_dns_parse_addrs(P.b, P.n, T_MX, &h), DC_EBADARG, "qtype MX: EBADARG");
	T_EQ_INT(dc_dns_parse_addrs(P.b, P.n, T_A, NULL), DC_EBADARG, "NULL h");
	T_EQ_INT(dc_dns_parse_addrs(NULL, 0, T_A, &h), DC_EBADRESP, "NULL msg");
	dc_hostres_free(&h);
}

static void test_cname(void)
{
	struct dc_hostres h;

	dc_hostres_init(&h);
	/* In order: h_name is the last target, aliases the others. */
	start(&P, 0, "www.example.com", T_A);
	rr_name(&P, "@", T_CNAME, "a.example.net", 100);
	rr_name(&P, "a.example.net", T_CNAME, "b.example.org", 50);
	rr_a(&P, "b.example.org", "192.0.2.10", 200);
	rr_a(&P, "b.example.org", "192.0.2.11", 200);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "chain: ok");
	T_OK(streq(h.name, "b.example.org"), "chain: h_name is the last target");
	T_EQ_INT(h.naliases, 2, "chain: two aliases");
	T_OK(h.naliases == 2 && streq(h.aliases[0], "www.example.com") &&
	     streq(h.aliases[1], "a.example.net"), "chain: aliases qname, a");
	T_EQ_INT(h.naddrs, 2, "chain: two addresses");
	T_OK(has_addr(&h, 1, AF_INET, "192.0.2.11"), "chain: order kept");
	T_EQ_INT(h.ttl, 50, "chain: smallest ttl of CNAME and A");

	/* gethostbyname4_r: the canonical name is the same. */
	T_EQ_INT(parse_gaih(&P, NULL, &h), DC_OK, "chain gaih: ok");
	T_OK(streq(h.name, "b.example.org"), "chain gaih: canonical name");
	T_EQ_INT(h.naliases, 0, "chain gaih: no aliases");

	/* Address before the CNAMEs: the expected name is still the
	 * question name then, so the address does not count. */
	start(&P, 0, "www.example.com", T_A);
	rr_a(&P, "b.example.org", "192.0.2.10", 200);
	rr_name(&P, "@", T_CNAME, "a.example.net", 100);
	rr_name(&P, "a.example.net", T_CNAME, "b.example.org", 50);
	T_EQ_INT(parse(&P, T_A, &h), DC_ENOTFOUND, "address first: no address");
	T_EQ_INT(h.answered, 1, "address first: answered (the search stops)");
	T_EQ_INT(parse_gaih(&P, NULL, &h), DC_ENOTFOUND, "address first gaih: NOTFOUND");

	/* CNAME owners are not checked: "a -> b" before "www -> a" leaves a
	 * as the expected name. */
	start(&P, 0, "www.example.com", T_A);
	rr_name(&P, "a.example.net", T_CNAME, "b.example.org", 10);
	rr_name(&P, "@", T_CNAME, "a.example.net", 10);
	rr_a(&P, "b.example.org", "192.0.2.20", 10);
	rr_a(&P, "a.example.net", "192.0.2.21", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "out of order: ok");
	T_EQ_INT(h.naddrs, 1, "out of order: one address");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.21"), "out of order: the one for a");
	T_OK(streq(h.name, "a.example.net"), "out of order: h_name is the last CNAME target");
	T_OK(h.naliases == 2 && streq(h.aliases[1], "b.example.org"),
	     "out of order: aliases in answer order");

	/* A CNAME loop is a finite list of records: followed linearly. */
	start(&P, 0, "loop.example", T_A);
	rr_name(&P, "@", T_CNAME, "x.example", 10);
	rr_name(&P, "x.example", T_CNAME, "loop.example", 10);
	rr_a(&P, "loop.example", "192.0.2.30", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "loop: ok");
	T_OK(streq(h.name, "loop.example"), "loop: h_name");
	T_OK(h.naliases == 2 && streq(h.aliases[0], "loop.example") &&
	     streq(h.aliases[1], "x.example"), "loop: aliases loop, x");
	start(&P, 0, "loop.example", T_A);
	rr_name(&P, "@", T_CNAME, "x.example", 10);
	rr_name(&P, "x.example", T_CNAME, "loop.example", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_ENOTFOUND, "loop without address: ENOTFOUND");

	/* Records for another owner are skipped. */
	start(&P, 0, "www.example.com", T_A);
	rr_a(&P, "other.example.com", "192.0.2.40", 10);
	rr_a(&P, "@", "192.0.2.41", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "other owner: ok");
	T_EQ_INT(h.naddrs, 1, "other owner: skipped");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.41"), "other owner: right address");

	/* Only a CNAME (NOERROR): answered, no address. */
	start(&P, 0, "www.example.com", T_AAAA);
	rr_name(&P, "@", T_CNAME, "v4only.example.com", 10);
	T_EQ_INT(parse(&P, T_AAAA, &h), DC_ENOTFOUND, "CNAME only: ENOTFOUND");
	T_EQ_INT(h.answered, 1, "CNAME only: answered");
	T_EQ_INT(h.naddrs, 0, "CNAME only: h unchanged");

	/* A CNAME after the addresses still becomes h_name (getanswer_r)
	 * but not the canonical name of gethostbyname4_r. */
	start(&P, 0, "www.example.com", T_A);
	rr_a(&P, "@", "192.0.2.50", 10);
	rr_name(&P, "@", T_CNAME, "late.example", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "late CNAME: ok");
	T_OK(streq(h.name, "late.example"), "late CNAME: h_name is the late target");
	T_OK(h.naliases == 1 && streq(h.aliases[0], "www.example.com"), "late CNAME: alias");
	T_EQ_INT(parse_gaih(&P, NULL, &h), DC_OK, "late CNAME gaih: ok");
	T_OK(streq(h.name, "www.example.com"), "late CNAME gaih: canonical name unchanged");

	/* Duplicates kept. */
	start(&P, 0, "dup.example", T_A);
	rr_a(&P, "@", "192.0.2.60", 10);
	rr_a(&P, "@", "192.0.2.60", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "duplicates: ok");
	T_EQ_INT(h.naddrs, 2, "duplicates: kept");
	dc_hostres_free(&h);
}

static void test_class(void)
{
	struct dc_hostres h;
	uint8_t a[4] = { 192, 0, 2, 70 };

	dc_hostres_init(&h);
	start(&P, 0, "www.example.com", T_A);
	rr(&P, "@", T_A, C_CH, 10, a, 4);
	rr_a(&P, "@", "192.0.2.71", 20);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "class: ok");
	T_EQ_INT(h.naddrs, 1, "class CH skipped by getanswer_r");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.71"), "class: the IN one");
	T_EQ_INT(h.ttl, 20, "class: CH record not in the ttl");
	T_EQ_INT(parse_gaih(&P, NULL, &h), DC_OK, "class gaih: ok");
	T_EQ_INT(h.naddrs, 2, "class: gaih_getanswer_slice checks no class");
	T_EQ_INT(h.ttl, 10, "class gaih: ttl of both");

	/* A CNAME of another class is skipped by getanswer_r only. */
	start(&P, 0, "www.example.com", T_A);
	{
		uint8_t w[64];
		size_t n = wire("ch.example", w);

		rr(&P, "@", T_CNAME, C_CH, 10, w, n);
	}
	rr_a(&P, "ch.example", "192.0.2.72", 10);
	rr_a(&P, "@", "192.0.2.73", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "CNAME CH: ok");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.73") && h.naddrs == 1,
	     "CNAME CH: ignored by getanswer_r");
	T_EQ_INT(parse_gaih(&P, NULL, &h), DC_OK, "CNAME CH gaih: ok");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.72") && h.naddrs == 1,
	     "CNAME CH gaih: followed");
	T_OK(streq(h.name, "ch.example"), "CNAME CH gaih: canonical name");
	dc_hostres_free(&h);
}

static void test_rcodes(void)
{
	struct dc_hostres h;

	dc_hostres_init(&h);
	start(&P, 3, "nx.example", T_A);
	T_EQ_INT(parse(&P, T_A, &h), DC_ENOTFOUND, "NXDOMAIN");
	T_EQ_INT(h.answered, 0, "NXDOMAIN: not answered");
	rr_name(&P, "@", T_CNAME, "gone.example", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_ENOTFOUND, "NXDOMAIN with CNAME");
	T_EQ_INT(h.answered, 0, "NXDOMAIN with CNAME: not answered");

	start(&P, 0, "nodata.example", T_AAAA);
	T_EQ_INT(parse(&P, T_AAAA, &h), DC_ENODATA, "NODATA");
	T_EQ_INT(h.answered, 0, "NODATA: not answered");
	start(&P, 2, "sf.example", T_A);
	T_EQ_INT(parse(&P, T_A, &h), DC_ESERVFAIL, "SERVFAIL");
	start(&P, 5, "ref.example", T_A);
	T_EQ_INT(parse(&P, T_A, &h), DC_EREFUSED, "REFUSED");
	start(&P, 4, "ni.example", T_A);
	T_EQ_INT(parse(&P, T_A, &h), DC_EREFUSED, "NOTIMP");
	start(&P, 1, "fe.example", T_A);
	T_EQ_INT(parse(&P, T_A, &h), DC_EREFUSED, "FORMERR");
	/* REFUSED with a header only (no question). */
	P.n = 12;
	P.b[5] = 0;
	T_EQ_INT(parse(&P, T_A, &h), DC_EREFUSED, "REFUSED, header only");

	/* NOERROR/0 without AA, RA or additional: res_send rejects it. */
	start(&P, 0, "lame.example", T_A);
	P.b[3] &= 0x7f;
	T_EQ_INT(parse(&P, T_A, &h), DC_EREFUSED, "lame referral");
	P.b[2] |= 0x04;
	T_EQ_INT(parse(&P, T_A, &h), DC_ENODATA, "NODATA with AA only");

	/* Short / malformed. */
	T_EQ_INT(dc_dns_parse_addrs(P.b, 11, T_A, &h), DC_EBADRESP, "11 bytes");
	start(&P, 0, "two.example", T_A);
	rr_a(&P, "@", "192.0.2.1", 1);
	P.b[5] = 2;
	T_EQ_INT(parse(&P, T_A, &h), DC_EBADRESP, "qdcount 2");
	P.b[5] = 0;
	T_EQ_INT(parse(&P, T_A, &h), DC_EBADRESP, "qdcount 0 with answers");
	dc_hostres_free(&h);
}

static void test_truncation(void)
{
	struct dc_hostres h;
	int bad = 0, badg = 0, badp = 0;

	dc_hostres_init(&h);
	start(&P, 0, "www.example.com", T_A);
	rr_name(&P, "@", T_CNAME, "a.example.net", 100);
	rr_a(&P, "a.example.net", "192.0.2.1", 10);
	rr_a(&P, "a.example.net", "192.0.2.2", 10);
	for (size_t len = 0; len < P.n; len++) {
		uint8_t *copy = malloc(len ? len : 1);

		memcpy(copy, P.b, len);
		dc_hostres_free(&h);
		if (dc_dns_parse_addrs(copy, len, T_A, &h) != DC_EBADRESP)
			bad++;
		dc_hostres_free(&h);
		if (dc_dns_parse_gaih(copy, len, NULL, 0, &h) != DC_EBADRESP)
			badg++;
		dc_hostres_free(&h);
		if (dc_dns_parse_ptr(copy, len, &h) != DC_EBADRESP)
			badp++;
		free(copy);
	}
	T_EQ_INT(bad, 0, "truncated at every byte: EBADRESP (%zu lengths)", P.n);
	T_EQ_INT(badg, 0, "truncated at every byte, gaih: EBADRESP");
	T_EQ_INT(badp, 0, "truncated at every byte, ptr: EBADRESP");
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "whole message: ok");
	/* Trailing garbage after the counted records is ignored. */
	P.b[P.n++] = 0xff;
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "trailing byte: ok");
	dc_hostres_free(&h);
}

static void test_compression(void)
{
	struct dc_hostres h;
	size_t fwd;

	dc_hostres_init(&h);
	/* Valid: owner and CNAME target compressed. */
	start(&P, 0, "www.example.com", T_A);
	put16(&P, 0xc000 | 12);
	put16(&P, T_CNAME);
	put16(&P, C_IN);
	put32(&P, 10);
	put16(&P, 6);
	put8(&P, 3);
	putb(&P, "cdn", 3);
	put16(&P, 0xc000 | 16);   /* -> example.com */
	bump_an(&P);
	put8(&P, 3);
	putb(&P, "cdn", 3);
	put16(&P, 0xc000 | 16);
	put16(&P, T_A);
	put16(&P, C_IN);
	put32(&P, 10);
	put16(&P, 4);
	putb(&P, "\xc0\x00\x02\x01", 4);
	bump_an(&P);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "compressed: ok");
	T_OK(streq(h.name, "cdn.example.com"), "compressed: name");

	/* A pointer forward (glibc allows any target inside the message). */
	start(&P, 0, "www.example.com", T_A);
	fwd = P.n + 2 + 10 + 4;
	put16(&P, 0xc000 | (unsigned)fwd);
	put16(&P, T_A);
	put16(&P, C_IN);
	put32(&P, 10);
	put16(&P, 4);
	putb(&P, "\xc0\x00\x02\x02", 4);
	bump_an(&P);
	put_name(&P, "www.example.com");   /* the target, after the records */
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "forward pointer: ok");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.2"), "forward pointer: address");

	/* A pointer to itself. */
	start(&P, 0, "www.example.com", T_A);
	put16(&P, 0xc000 | (unsigned)P.n);
	put16(&P, T_A);
	put16(&P, C_IN);
	put32(&P, 10);
	put16(&P, 4);
	putb(&P, "\xc0\x00\x02\x03", 4);
	bump_an(&P);
	T_EQ_INT(parse(&P, T_A, &h), DC_EBADRESP, "pointer loop: EBADRESP");

	/* Two pointers pointing at each other. */
	start(&P, 0, "www.example.com", T_A);
	{
		size_t at = P.n;

		put16(&P, 0xc000 | (unsigned)(at + 2));
		put16(&P, 0xc000 | (unsigned)at);
	}
	T_EQ_INT(dc_dns_parse_addrs(P.b, P.n, T_A, &h), DC_ENODATA,
		 "(no answer counted yet)");
	{
		char out[300];
		T_EQ_INT(dc_dns_expand(P.b, P.n, P.b + P.n - 4, out, sizeof(out)), -1,
			 "two-pointer loop: expand fails");
	}

	/* Out of bounds. */
	start(&P, 0, "www.example.com", T_A);
	put16(&P, 0xc000 | 0x3fff);
	put16(&P, T_A);
	put16(&P, C_IN);
	put32(&P, 10);
	put16(&P, 4);
	putb(&P, "\xc0\x00\x02\x04", 4);
	bump_an(&P);
	T_EQ_INT(parse(&P, T_A, &h), DC_EBADRESP, "pointer out of bounds: EBADRESP");

	/* Extended label type 0x40. */
	start(&P, 0, "www.example.com", T_A);
	put8(&P, 0x41);
	put8(&P, 'x');
	put8(&P, 0);
	put16(&P, T_A);
	put16(&P, C_IN);
	put32(&P, 10);
	put16(&P, 4);
	putb(&P, "\xc0\x00\x02\x05", 4);
	bump_an(&P);
	T_EQ_INT(parse(&P, T_A, &h), DC_EBADRESP, "label type 0x40: EBADRESP");

	/* A compressed question name is refused (__ns_rr_cursor_init). */
	P.n = 0;
	put16(&P, 1);
	put16(&P, 0x8180);
	put16(&P, 1);
	put16(&P, 1);
	put16(&P, 0);
	put16(&P, 0);
	put16(&P, 0xc000 | 18);
	put16(&P, T_A);
	put16(&P, C_IN);
	put_name(&P, "x.example");
	T_EQ_INT(parse(&P, T_A, &h), DC_EBADRESP, "compressed question: EBADRESP");

	/* A CNAME whose target is malformed: EBADRESP (nss_dns UNAVAIL). */
	start(&P, 0, "www.example.com", T_A);
	rr_a(&P, "@", "192.0.2.6", 10);
	rr(&P, "@", T_CNAME, C_IN, 10, "\x05" "ab", 3);
	T_EQ_INT(parse(&P, T_A, &h), DC_EBADRESP, "bad CNAME target: EBADRESP");
	/* The target is read up to the message end, not RDLENGTH (glibc
	 * passes the packet bounds to ns_name_unpack). */
	start(&P, 0, "www.example.com", T_A);
	rr(&P, "@", T_CNAME, C_IN, 10, "\x01", 1);
	put8(&P, 'c');
	put8(&P, 0);
	T_EQ_INT(parse(&P, T_A, &h), DC_ENOTFOUND, "CNAME target past RDLENGTH: read");
	dc_hostres_free(&h);
}

static void test_escapes(void)
{
	struct dc_hostres h;
	char out[DC_NAME_MAX];

	dc_hostres_init(&h);
	/* A CNAME target with a dot inside a label is not a host name: no
	 * alias, but the chain follows it. */
	start(&P, 0, "www.example.com", T_A);
	rr_name(&P, "@", T_CNAME, "a\\.b.example.com", 10);
	rr_a(&P, "a\\.b.example.com", "192.0.2.80", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "dotted label: ok");
	T_OK(streq(h.name, "www.example.com"), "dotted label: not an alias, h_name stays");
	T_EQ_INT(h.naliases, 0, "dotted label: no alias");
	T_EQ_INT(parse_gaih(&P, NULL, &h), DC_OK, "dotted label gaih: ok");
	T_OK(streq(h.name, "www.example.com"), "dotted label gaih: canonical name stays");
	/* dn_expand form. */
	T_EQ_INT(dc_dns_expand(P.b, P.n, P.b + 12 + 17 + 4 + 12, out, sizeof(out)), 17,
		 "expand: length at src");
	T_OK(streq(out, "a\\.b.example.com"), "expand: dot escaped (%s)", out);

	/* A space in a label. */
	start(&P, 0, "www.example.com", T_A);
	rr_name(&P, "@", T_CNAME, "a\\032b.example.com", 10);
	T_EQ_INT(dc_dns_expand(P.b, P.n, P.b + 12 + 17 + 4 + 12, out, sizeof(out)), 17,
		 "expand space: length");
	T_OK(streq(out, "a\\032b.example.com"), "expand: space as \\032 (%s)", out);
	rr_name(&P, "@", T_CNAME, "q\\034\\059\\092\\040\\041\\064\\036\\255.x", 10);
	T_OK(dc_dns_expand(P.b, P.n, P.b + P.n - 13, out, sizeof(out)) > 0 &&
	     streq(out, "q\\\"\\;\\\\\\(\\)\\@\\$\\255.x"), "expand: specials (%s)", out);
	start(&P, 0, "x", T_A);
	T_EQ_INT(dc_dns_expand(P.b, P.n, P.b + 12, out, 1), -1, "expand: too small");
	T_EQ_INT(dc_dns_expand(P.b, P.n, P.b + 12, out, 2), 3, "expand: fits");
	T_OK(streq(out, "x"), "expand: x");
	start(&P, 0, ".", T_A);
	T_EQ_INT(dc_dns_expand(P.b, P.n, P.b + 12, out, 2), 1, "expand root");
	T_OK(streq(out, "."), "expand: root is '.'");

	/* A question name that is not a host name. */
	start(&P, 0, "a b.example", T_A);
	rr_a(&P, "@", "192.0.2.81", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_ENOTFOUND, "qname with space: ENOTFOUND");
	T_EQ_INT(parse_gaih(&P, NULL, &h), DC_ENOTFOUND, "qname with space gaih: ENOTFOUND");
	start(&P, 0, "-lead.example", T_A);
	rr_a(&P, "@", "192.0.2.82", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_ENOTFOUND, "qname with leading dash: ENOTFOUND");
	start(&P, 0, "ok.-dash_under.example", T_A);
	rr_a(&P, "@", "192.0.2.83", 10);
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "dash in a later label, underscore: ok");
	dc_hostres_free(&h);
}

static void test_many(void)
{
	struct dc_hostres h;
	char ip[32];
	int ok = 1;

	dc_hostres_init(&h);
	start(&P, 0, "many.example", T_A);
	for (int i = 0; i < 50; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 10, i);
		rr_a(&P, "@", ip, (uint32_t)(1000 - i));
	}
	T_EQ_INT(parse(&P, T_A, &h), DC_OK, "50: ok");
	T_EQ_INT(h.naddrs, 50, "50 addresses");
	for (int i = 0; i < 50 && ok; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 10, i);
		ok = has_addr(&h, i, AF_INET, ip);
	}
	T_OK(ok, "50: in answer order");
	T_EQ_INT(h.ttl, 951, "50: smallest ttl");

	/* dc_hostres_copy. */
	{
		struct dc_hostres c;

		start(&P, 0, "www.example.com", T_A);
		rr_name(&P, "@", T_CNAME, "a.example", 7);
		rr_a(&P, "a.example", "192.0.2.1", 9);
		T_EQ_INT(parse(&P, T_A, &h), DC_OK, "copy src: ok");
		T_EQ_INT(dc_hostres_copy(&c, &h), DC_OK, "copy: ok");
		T_OK(streq(c.name, h.name) && c.name != h.name, "copy: name deep");
		T_OK(c.naliases == 1 && streq(c.aliases[0], "www.example.com") &&
		     c.aliases[0] != h.aliases[0], "copy: aliases deep");
		T_OK(c.naddrs == 1 && c.addrs != h.addrs &&
		     memcmp(c.addrs, h.addrs, sizeof(*c.addrs)) == 0, "copy: addrs deep");
		T_OK(c.ttl == 7 && c.answered == 1, "copy: ttl, answered");
		dc_hostres_free(&c);
		T_OK(c.name == NULL && c.naddrs == 0, "free: empty again");
	}
	dc_hostres_free(&h);
}

static void test_append(void)
{
	struct dc_hostres h;

	dc_hostres_init(&h);
	/* A then AAAA into one hostres: names of the first answer with
	 * addresses, addresses of both. */
	start(&P, 0, "www.example.com", T_A);
	rr_name(&P, "@", T_CNAME, "v4.example", 30);
	rr_a(&P, "v4.example", "192.0.2.1", 30);
	start(&Q, 0, "www.example.com", T_AAAA);
	rr_name(&Q, "@", T_CNAME, "v6.example", 20);
	rr_aaaa(&Q, "v6.example", "2001:db8::1", 20);
	T_EQ_INT(dc_dns_parse_addrs(P.b, P.n, T_A, &h), DC_OK, "append: A");
	T_EQ_INT(dc_dns_parse_addrs(Q.b, Q.n, T_AAAA, &h), DC_OK, "append: AAAA");
	T_EQ_INT(h.naddrs, 2, "append: both");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.1") &&
	     has_addr(&h, 1, AF_INET6, "2001:db8::1"), "append: A first");
	T_OK(streq(h.name, "v4.example") && h.naliases == 1, "append: names of the A answer");
	T_EQ_INT(h.ttl, 20, "append: ttl of both");
	dc_hostres_free(&h);
}

static void test_gaih(void)
{
	struct dc_hostres h;

	dc_hostres_init(&h);
	start(&P, 0, "www.example.com", T_A);
	rr_name(&P, "@", T_CNAME, "v4.example", 30);
	rr_a(&P, "v4.example", "192.0.2.1", 30);
	rr_a(&P, "v4.example", "192.0.2.2", 30);
	start(&Q, 0, "www.example.com", T_AAAA);
	rr_name(&Q, "@", T_CNAME, "v6.example", 20);
	rr_aaaa(&Q, "v6.example", "2001:db8::1", 20);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_OK, "gaih: ok");
	T_EQ_INT(h.naddrs, 3, "gaih: 3 addresses");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.1") && has_addr(&h, 1, AF_INET, "192.0.2.2") &&
	     has_addr(&h, 2, AF_INET6, "2001:db8::1"), "gaih: A first, then AAAA");
	T_OK(streq(h.name, "v4.example"), "gaih: canonical name from the A answer");
	T_EQ_INT(h.ttl, 20, "gaih: ttl of both");
	T_EQ_INT(h.answered, 1, "gaih: answered");

	/* A NODATA: the canonical name comes from the AAAA answer. */
	start(&P, 0, "www.example.com", T_A);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_OK, "A NODATA + AAAA: ok");
	T_OK(streq(h.name, "v6.example") && h.naddrs == 1, "A NODATA: name from AAAA");
	/* A with only a CNAME (answered, NOTFOUND) + AAAA: same. */
	rr_name(&P, "@", T_CNAME, "other.example", 5);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_OK, "A CNAME only + AAAA: ok");
	T_OK(streq(h.name, "v6.example"), "A CNAME only: name from AAAA");
	/* Missing A. */
	T_EQ_INT(parse_gaih(NULL, &Q, &h), DC_OK, "no A + AAAA: ok");
	T_OK(streq(h.name, "v6.example") && h.naddrs == 1, "no A: AAAA only");

	/* Both NODATA. */
	start(&P, 0, "nd.example", T_A);
	start(&Q, 0, "nd.example", T_AAAA);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_ENODATA, "both NODATA: ENODATA");
	T_EQ_INT(h.answered, 0, "both NODATA: not answered");
	/* NXDOMAIN in A wins; NXDOMAIN in AAAA wins over A NODATA. */
	start(&P, 3, "nx.example", T_A);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_ENOTFOUND, "A NX + AAAA NODATA");
	start(&P, 0, "nx.example", T_A);
	start(&Q, 3, "nx.example", T_AAAA);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_ENOTFOUND, "A NODATA + AAAA NX");
	start(&P, 3, "nx.example", T_A);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_ENOTFOUND, "both NX");
	/* A SERVFAIL + AAAA NODATA: the SERVFAIL answer counts as missing. */
	start(&P, 2, "sf.example", T_A);
	start(&Q, 0, "sf.example", T_AAAA);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_ENODATA, "A SERVFAIL + AAAA NODATA");
	start(&Q, 2, "sf.example", T_AAAA);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_ESERVFAIL, "both SERVFAIL");
	start(&P, 5, "sf.example", T_A);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_EREFUSED, "A REFUSED + AAAA SERVFAIL");
	start(&P, 0, "sf.example", T_A);
	rr_a(&P, "@", "192.0.2.9", 5);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_OK, "A ok + AAAA SERVFAIL: ok");
	T_EQ_INT(parse_gaih(&P, NULL, &h), DC_OK, "A ok + no AAAA: ok");
	T_EQ_INT(parse_gaih(NULL, NULL, &h), DC_EBADRESP, "no answer at all");

	/* A malformed: EBADRESP, AAAA not read. */
	start(&P, 0, "bad.example", T_A);
	rr_a(&P, "@", "192.0.2.1", 5);
	start(&Q, 0, "bad.example", T_AAAA);
	rr_aaaa(&Q, "@", "::1", 5);
	P.n -= 2;
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_EBADRESP, "A malformed: EBADRESP");
	P.n += 2;
	/* AAAA malformed after a good A: addresses read so far kept. */
	rr_aaaa(&Q, "@", "::2", 5);
	Q.n -= 3;
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_OK, "AAAA malformed after A: ok");
	T_EQ_INT(h.naddrs, 2, "AAAA malformed: the A and the first AAAA");
	T_OK(has_addr(&h, 1, AF_INET6, "::1"), "AAAA malformed: first AAAA kept");
	/* ... but with an A answer without address, EBADRESP. */
	start(&P, 0, "bad.example", T_A);
	rr_name(&P, "@", T_CNAME, "x.example", 5);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_EBADRESP, "A no address + AAAA malformed");

	/* The answer's own question type decides (A answer in the AAAA slot). */
	start(&P, 0, "swap.example", T_A);
	rr_a(&P, "@", "192.0.2.1", 5);
	T_EQ_INT(parse_gaih(NULL, &P, &h), DC_OK, "A answer in the second slot: ok");
	T_OK(has_addr(&h, 0, AF_INET, "192.0.2.1"), "second slot: A address");

	/* A NXDOMAIN but AAAA answered: slices read both, rcode unchecked. */
	start(&P, 3, "mix.example", T_A);
	rr_a(&P, "@", "192.0.2.1", 5);
	start(&Q, 0, "mix.example", T_AAAA);
	rr_aaaa(&Q, "@", "::1", 5);
	T_EQ_INT(parse_gaih(&P, &Q, &h), DC_OK, "A NX with record + AAAA: ok");
	T_EQ_INT(h.naddrs, 2, "A NX with record: its address is read too");
	dc_hostres_free(&h);
}

static void test_ptr(void)
{
	struct dc_hostres h;
	const char *q = "4.3.2.1.in-addr.arpa";

	dc_hostres_init(&h);
	start(&P, 0, q, T_PTR);
	rr_name(&P, "@", T_PTR, "host.example.com", 3600);
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_OK, "PTR: ok");
	T_OK(streq(h.name, "host.example.com"), "PTR: name");
	T_EQ_INT(h.naliases, 0, "PTR: no alias");
	T_EQ_INT(h.ttl, 3600, "PTR: ttl");

	/* Two PTRs: the first; no aliases. */
	dc_hostres_free(&h);
	rr_name(&P, "@", T_PTR, "second.example.com", 10);
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_OK, "two PTR: ok");
	T_OK(streq(h.name, "host.example.com") && h.naliases == 0, "two PTR: the first only");
	T_EQ_INT(h.ttl, 3600, "two PTR: ttl of records read up to the one used");

	/* RFC 2317 classless delegation: CNAME, then PTR. */
	dc_hostres_free(&h);
	start(&P, 0, q, T_PTR);
	rr_name(&P, "@", T_CNAME, "4.0-25.3.2.1.in-addr.arpa", 100);
	rr_name(&P, "4.0-25.3.2.1.in-addr.arpa", T_PTR, "classless.example", 200);
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_OK, "PTR via CNAME: ok");
	T_OK(streq(h.name, "classless.example"), "PTR via CNAME: name");
	T_EQ_INT(h.ttl, 100, "PTR via CNAME: ttl");

	/* PTR for another owner, wrong class: skipped. */
	dc_hostres_free(&h);
	start(&P, 0, q, T_PTR);
	rr_name(&P, "5.3.2.1.in-addr.arpa", T_PTR, "other.example", 10);
	{
		uint8_t w[64];
		size_t n = wire("chaos.example", w);

		rr(&P, "@", T_PTR, C_CH, 10, w, n);
	}
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_ENOTFOUND, "PTR other owner/class: ENOTFOUND");
	T_EQ_INT(h.answered, 1, "PTR none: answered");
	rr_name(&P, "@", T_PTR, "right.example", 10);
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_OK, "PTR after skipped ones: ok");
	T_OK(streq(h.name, "right.example"), "PTR after skipped ones: name");

	/* A target that is not a host name fails the lookup. */
	dc_hostres_free(&h);
	start(&P, 0, q, T_PTR);
	rr_name(&P, "@", T_PTR, "bad\\032name.example", 10);
	rr_name(&P, "@", T_PTR, "good.example", 10);
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_EBADRESP, "PTR target not hnok: EBADRESP");
	T_OK(h.name == NULL, "PTR target not hnok: no name");

	/* rcodes. */
	start(&P, 3, q, T_PTR);
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_ENOTFOUND, "PTR NXDOMAIN");
	start(&P, 0, q, T_PTR);
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_ENODATA, "PTR NODATA");
	start(&P, 2, q, T_PTR);
	T_EQ_INT(dc_dns_parse_ptr(P.b, P.n, &h), DC_ESERVFAIL, "PTR SERVFAIL");
	dc_hostres_free(&h);
}

static void test_ptr_name(void)
{
	char out[80];
	uint8_t a4[4] = { 1, 2, 3, 4 };
	uint8_t a6[16];
	static const char v6one[] =
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa";

	T_EQ_INT(dc_dns_ptr_name(AF_INET, a4, out, sizeof(out)), DC_OK, "ptr v4: ok");
	T_OK(streq(out, "4.3.2.1.in-addr.arpa"), "ptr v4: %s", out);
	inet_pton(AF_INET, "192.168.100.255", a4);
	dc_dns_ptr_name(AF_INET, a4, out, sizeof(out));
	T_OK(streq(out, "255.100.168.192.in-addr.arpa"), "ptr v4 3 digits: %s", out);
	inet_pton(AF_INET, "0.0.0.0", a4);
	dc_dns_ptr_name(AF_INET, a4, out, sizeof(out));
	T_OK(streq(out, "0.0.0.0.in-addr.arpa"), "ptr v4 zeros: %s", out);
	T_EQ_INT(dc_dns_ptr_name(AF_INET, a4, out, 21), DC_OK, "ptr v4: exact size");
	T_EQ_INT(dc_dns_ptr_name(AF_INET, a4, out, 20), DC_EBADARG, "ptr v4: one short");

	inet_pton(AF_INET6, "::1", a6);
	T_EQ_INT(dc_dns_ptr_name(AF_INET6, a6, out, sizeof(out)), DC_OK, "ptr ::1: ok");
	T_OK(streq(out, v6one), "ptr ::1: %s", out);
	T_EQ_INT(strlen(out), 72, "ptr v6: 72 characters");
	T_EQ_INT(dc_dns_ptr_name(AF_INET6, a6, out, 73), DC_OK, "ptr v6: 73 bytes suffice");
	T_EQ_INT(dc_dns_ptr_name(AF_INET6, a6, out, 72), DC_EBADARG, "ptr v6: 72 too short");
	inet_pton(AF_INET6, "2001:db8::567:89ab", a6);
	dc_dns_ptr_name(AF_INET6, a6, out, sizeof(out));
	T_OK(streq(out, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"),
	     "ptr 2001:db8::567:89ab: %s", out);
	T_EQ_INT(dc_dns_ptr_name(AF_UNIX, a6, out, sizeof(out)), DC_EBADARG, "ptr: bad family");
	T_EQ_INT(dc_dns_ptr_name(AF_INET, NULL, out, sizeof(out)), DC_EBADARG, "ptr: NULL");
}

static void test_unmap(void)
{
	uint8_t a[16];
	const void *p;
	size_t len;
	int af;

	inet_pton(AF_INET6, "::ffff:192.0.2.1", a);
	af = AF_INET6; p = a; len = 16;
	T_EQ_INT(dc_dns_addr_unmap(&af, &p, &len), DC_OK, "unmap mapped: ok");
	T_OK(af == AF_INET && len == 4 && p == a + 12, "unmap mapped: IPv4");
	inet_pton(AF_INET6, "::192.0.2.1", a);
	af = AF_INET6; p = a; len = 16;
	dc_dns_addr_unmap(&af, &p, &len);
	T_OK(af == AF_INET && p == a + 12, "unmap compatible: IPv4");
	inet_pton(AF_INET6, "::1", a);
	af = AF_INET6; p = a; len = 16;
	dc_dns_addr_unmap(&af, &p, &len);
	T_OK(af == AF_INET6 && p == a && len == 16, "unmap ::1: stays IPv6");
	inet_pton(AF_INET6, "::", a);
	af = AF_INET6; p = a; len = 16;
	dc_dns_addr_unmap(&af, &p, &len);
	T_OK(af == AF_INET && len == 4, "unmap ::: becomes 0.0.0.0");
	inet_pton(AF_INET6, "2001:db8::1", a);
	af = AF_INET6; p = a; len = 16;
	dc_dns_addr_unmap(&af, &p, &len);
	T_OK(af == AF_INET6 && len == 16, "unmap global: stays");
	af = AF_INET6; p = a; len = 15;
	T_EQ_INT(dc_dns_addr_unmap(&af, &p, &len), DC_EBADARG, "unmap: short v6");
	af = AF_INET; p = a; len = 3;
	T_EQ_INT(dc_dns_addr_unmap(&af, &p, &len), DC_EBADARG, "unmap: short v4");
	af = AF_INET; p = a; len = 4;
	T_EQ_INT(dc_dns_addr_unmap(&af, &p, &len), DC_OK, "unmap: v4 ok");
	af = AF_UNIX; p = a; len = 16;
	T_EQ_INT(dc_dns_addr_unmap(&af, &p, &len), DC_EBADARG, "unmap: bad family");
}

static void test_check_name(void)
{
	char name[400];
	uint8_t w[DC_WIRE_NAME_MAX];
	size_t wl;

	/* 253 characters: 63.63.63.61 */
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	T_EQ_INT(dc_dns_check_name(name), DC_OK, "253 characters: ok");
	T_EQ_INT(dc_dns_name_wire(name, w, &wl), DC_OK, "253: wire ok");
	T_EQ_INT(wl, 255, "253: 255 bytes in wire form");
	name[253] = '.';
	name[254] = '\0';
	T_EQ_INT(dc_dns_check_name(name), DC_OK, "253 + final dot: ok");
	name[253] = 'a';
	T_EQ_INT(dc_dns_check_name(name), DC_EBADNAME, "254 characters: EBADNAME");
	name[254] = '.';
	name[255] = '\0';
	T_EQ_INT(dc_dns_check_name(name), DC_EBADNAME, "254 + final dot: EBADNAME");

	memset(name, 'b', 63);
	strcpy(name + 63, ".com");
	T_EQ_INT(dc_dns_check_name(name), DC_OK, "63-byte label: ok");
	memset(name, 'b', 64);
	strcpy(name + 64, ".com");
	T_EQ_INT(dc_dns_check_name(name), DC_EBADNAME, "64-byte label: EBADNAME");

	T_EQ_INT(dc_dns_check_name("a..b"), DC_EBADNAME, "empty label");
	T_EQ_INT(dc_dns_check_name(".a"), DC_EBADNAME, "leading dot");
	T_EQ_INT(dc_dns_check_name("a.b.."), DC_EBADNAME, "two final dots");
	T_EQ_INT(dc_dns_check_name("."), DC_OK, "root");
	T_EQ_INT(dc_dns_check_name(""), DC_OK, "empty string (res_hnok accepts it)");
	T_EQ_INT(dc_dns_check_name("localhost"), DC_OK, "single label");
	T_EQ_INT(dc_dns_check_name("-a.com"), DC_EBADNAME, "leading dash");
	T_EQ_INT(dc_dns_check_name("a.-b.com"), DC_OK, "dash leading a later label");
	T_EQ_INT(dc_dns_check_name("_srv._tcp.example"), DC_OK, "underscores");
	T_EQ_INT(dc_dns_check_name("a b"), DC_EBADNAME, "space");
	T_EQ_INT(dc_dns_check_name("a\tb"), DC_EBADNAME, "tab");
	T_EQ_INT(dc_dns_check_name("caf\xc3\xa9.fr"), DC_EBADNAME, "UTF-8");
	T_EQ_INT(dc_dns_check_name("a*b.com"), DC_EBADNAME, "star");
	T_EQ_INT(dc_dns_check_name("a\\.b"), DC_EBADNAME, "escaped dot");
	T_EQ_INT(dc_dns_check_name("\\065bc.com"), DC_OK, "\\065 is 'A'");
	T_EQ_INT(dc_dns_check_name("\\256bc.com"), DC_EBADNAME, "\\256");
	T_EQ_INT(dc_dns_check_name("ab\\"), DC_EBADNAME, "trailing backslash");
	T_EQ_INT(dc_dns_check_name(NULL), DC_EBADNAME, "NULL");
	T_EQ_INT(dc_dns_name_wire("a\\.b", w, &wl), DC_OK, "wire: escaped dot sendable");
	T_OK(wl == 5 && w[0] == 3 && w[2] == '.', "wire: one label a.b");
	T_EQ_INT(dc_dns_name_wire("a..b", w, &wl), DC_EBADNAME, "wire: empty label");
}

int main(void)
{
	test_simple();
	test_cname();
	test_class();
	test_rcodes();
	test_truncation();
	test_compression();
	test_escapes();
	test_many();
	test_append();
	test_gaih();
	test_ptr();
	test_ptr_name();
	test_unmap();
	test_check_name();
	T_DONE();
}
