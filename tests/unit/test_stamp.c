/* SPDX-License-Identifier: ISC */
/* test_stamp.c - DNS stamp parsing: hand-built stamps, every kind of
 * malformation, and every stamp of the public lists in tests/data. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "t.h"
#include "dc_stamp.h"

static uint8_t pk[32];

/* "sdns://" + base64url(bin) without padding. */
static void encode(const uint8_t *bin, size_t n, char *out, size_t outlen)
{
	memcpy(out, "sdns://", 7);
	sodium_bin2base64(out + 7, outlen - 7, bin, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static size_t put_lp(uint8_t *b, size_t off, const void *v, size_t n)
{
	b[off] = (uint8_t)n;
	memcpy(b + off + 1, v, n);
	return off + 1 + n;
}

/* 0x01 | props | LP(addr) | LP(pk) | LP(name) */
static size_t build_dnscrypt(uint8_t *b, uint64_t props, const char *addr,
			     size_t pklen, const char *name)
{
	uint8_t key[40];
	size_t off = 0;
	int i;

	memset(key, 0x5a, sizeof key);
	memcpy(key, pk, 32);
	b[off++] = 0x01;
	for (i = 0; i < 8; i++)
		b[off++] = (uint8_t)(props >> (8 * i));
	off = put_lp(b, off, addr, strlen(addr));
	off = put_lp(b, off, key, pklen);
	return put_lp(b, off, name, strlen(name));
}

static size_t build_relay(uint8_t *b, const char *addr)
{
	b[0] = 0x81;
	return put_lp(b, 1, addr, strlen(addr));
}

static int one_line(const char *s)
{
	return s[0] != '\0' && strchr(s, '\n') == NULL;
}

/* Parse text, expect failure with a message containing want. */
static void bad(const char *text, const char *want, const char *what)
{
	struct dc_stamp st;
	char err[256];
	dc_status rc;

	memset(&st, 0xaa, sizeof st);
	rc = dc_stamp_parse(text, &st, err, sizeof err);
	T_OK(rc == DC_EPARSE && strstr(err, want) != NULL && one_line(err),
	     "refused: %s", what);
	if (rc != DC_EPARSE || strstr(err, want) == NULL)
		printf("#   err \"%s\", want \"%s\"\n", err, want);
}

static void bad_bin(const uint8_t *b, size_t n, const char *want, const char *what)
{
	char text[2048];

	encode(b, n, text, sizeof text);
	bad(text, want, what);
}

static void bad_addr(const char *addr, const char *want)
{
	uint8_t b[600];
	char what[128], shown[64];
	size_t i;

	for (i = 0; addr[i] != '\0' && i < sizeof shown - 1; i++)
		shown[i] = (addr[i] >= 0x20 && addr[i] < 0x7f) ? addr[i] : '?';
	shown[i] = '\0';
	snprintf(what, sizeof what, "DNSCrypt address \"%s\"", shown);
	bad_bin(b, build_dnscrypt(b, 0, addr, 32, "2.dnscrypt-cert.example"), want, what);
	snprintf(what, sizeof what, "relay address \"%s\"", shown);
	bad_bin(b, build_relay(b, addr), want, what);
}

static void good_dnscrypt(const char *addr, uint64_t props, int family,
			  const char *ip, unsigned port, const char *str)
{
	uint8_t b[600], raw[16];
	char text[1024], err[256], buf[64];
	struct dc_stamp st;
	dc_status rc;

	encode(b, build_dnscrypt(b, props, addr, 32, "2.dnscrypt-cert.example.org"),
	       text, sizeof text);
	rc = dc_stamp_parse(text, &st, err, sizeof err);
	T_EQ_INT(rc, DC_OK, "DNSCrypt stamp with address %s parses", addr);
	if (rc != DC_OK) {
		printf("#   %s\n", err);
		return;
	}
	T_EQ_INT(st.kind, DC_STAMP_DNSCRYPT, "%s: kind", addr);
	T_OK(st.props == props, "%s: props", addr);
	T_EQ_INT(st.addr.sa.sa_family, family, "%s: family", addr);
	inet_pton(family, ip, raw);
	if (family == AF_INET) {
		T_EQ_INT(st.addrlen, sizeof(struct sockaddr_in), "%s: addrlen", addr);
		T_OK(memcmp(&st.addr.sin.sin_addr, raw, 4) == 0, "%s: IPv4 address", addr);
		T_EQ_INT(ntohs(st.addr.sin.sin_port), port, "%s: port", addr);
	} else {
		T_EQ_INT(st.addrlen, sizeof(struct sockaddr_in6), "%s: addrlen", addr);
		T_OK(memcmp(&st.addr.sin6.sin6_addr, raw, 16) == 0, "%s: IPv6 address", addr);
		T_EQ_INT(ntohs(st.addr.sin6.sin6_port), port, "%s: port", addr);
	}
	T_OK(memcmp(st.provider_pk, pk, 32) == 0, "%s: provider key", addr);
	T_OK(strcmp(st.provider_name, "2.dnscrypt-cert.example.org") == 0,
	     "%s: provider name", addr);
	dc_stamp_addr_str(&st, buf, sizeof buf);
	T_OK(strcmp(buf, str) == 0, "%s: formatted as %s (got %s)", addr, str, buf);
}

static void good_relay(const char *addr, const char *str)
{
	uint8_t b[300];
	char text[512], err[256], buf[64];
	struct dc_stamp st;
	dc_status rc;

	encode(b, build_relay(b, addr), text, sizeof text);
	rc = dc_stamp_parse(text, &st, err, sizeof err);
	T_EQ_INT(rc, DC_OK, "relay stamp with address %s parses", addr);
	if (rc != DC_OK) {
		printf("#   %s\n", err);
		return;
	}
	T_EQ_INT(st.kind, DC_STAMP_RELAY, "relay %s: kind", addr);
	T_OK(st.provider_name[0] == '\0' && st.props == 0, "relay %s: no name, no props", addr);
	dc_stamp_addr_str(&st, buf, sizeof buf);
	T_OK(strcmp(buf, str) == 0, "relay %s: formatted as %s (got %s)", addr, str, buf);
}

static void test_good(void)
{
	good_dnscrypt("192.0.2.1", 0, AF_INET, "192.0.2.1", 443, "192.0.2.1:443");
	good_dnscrypt("192.0.2.1:5353", DC_PROP_DNSSEC | DC_PROP_NOLOG, AF_INET,
		      "192.0.2.1", 5353, "192.0.2.1:5353");
	good_dnscrypt("[2001:db8::1]", DC_PROP_NOFILTER, AF_INET6, "2001:db8::1", 443,
		      "[2001:db8::1]:443");
	good_dnscrypt("[2001:DB8:0:0::1]:8443", 0x0102030405060707ull, AF_INET6,
		      "2001:db8::1", 8443, "[2001:db8::1]:8443");
	good_dnscrypt("127.0.0.1:65535", 0, AF_INET, "127.0.0.1", 65535, "127.0.0.1:65535");
	good_dnscrypt("[::1]:1", 0, AF_INET6, "::1", 1, "[::1]:1");
	good_relay("198.51.100.7", "198.51.100.7:443");
	good_relay("198.51.100.7:4343", "198.51.100.7:4343");
	good_relay("[2001:db8:1::53]", "[2001:db8:1::53]:443");
	good_relay("[2001:db8:1::53]:553", "[2001:db8:1::53]:553");
}

static void test_text_errors(void)
{
	uint8_t b[600];
	char text[1024], tmp[1100], *big;
	size_t n, len;

	n = build_dnscrypt(b, 0, "192.0.2.1", 32, "2.dnscrypt-cert.example");
	encode(b, n, text, sizeof text);
	len = strlen(text);
	T_OK((len - 7) % 4 != 0, "the base stamp's base64 needs padding (so '=' tests mean something)");

	snprintf(tmp, sizeof tmp, "%s=", text);
	bad(tmp, "'=' padding", "'=' padding");
	snprintf(tmp, sizeof tmp, "%s==", text);
	bad(tmp, "'=' padding", "'==' padding");
	snprintf(tmp, sizeof tmp, "%s ", text);
	bad(tmp, "invalid byte 0x20", "trailing space");
	snprintf(tmp, sizeof tmp, "%s\n", text);
	bad(tmp, "invalid byte 0x0a", "trailing newline");
	snprintf(tmp, sizeof tmp, " %s", text);
	bad(tmp, "sdns://", "leading space");
	memcpy(tmp, text, len + 1);
	tmp[12] = '*';
	bad(tmp, "invalid base64url character '*' at position 12", "'*' in the base64");
	tmp[12] = '+';
	bad(tmp, "'+'", "standard base64 '+'");
	tmp[12] = '/';
	bad(tmp, "'/'", "standard base64 '/'");
	tmp[12] = '\t';
	bad(tmp, "0x09", "tab inside the base64");
	tmp[12] = (char)0xc3;
	bad(tmp, "0xc3", "non-ASCII byte inside the base64");
	bad(text + 7, "sdns://", "missing sdns:// prefix");
	memcpy(tmp, text, len + 1);
	memcpy(tmp, "SDNS", 4);
	bad(tmp, "sdns://", "upper-case prefix");
	snprintf(tmp, sizeof tmp, "sdns:/%s", text + 7);
	bad(tmp, "sdns://", "sdns:/ prefix");
	bad("sdns://", "nothing after", "empty stamp");
	bad("", "sdns://", "empty string");
	bad("sdns://A", "length", "one base64 character");
	bad("sdns://AR", "trailing bits", "non-zero trailing bits");

	big = malloc(4000);
	memcpy(big, "sdns://", 7);
	memset(big + 7, 'A', 3992);
	big[3999] = '\0';
	bad(big, "too long", "a 4000-character stamp");
	free(big);

	{
		struct dc_stamp st;
		char err[8];
		T_EQ_INT(dc_stamp_parse(NULL, &st, err, sizeof err), DC_EPARSE, "NULL text refused");
		T_EQ_INT(dc_stamp_parse("sdns://", &st, NULL, 0), DC_EPARSE, "no error buffer: refused, no crash");
		T_EQ_INT(dc_stamp_parse("sdns://", &st, err, sizeof err), DC_EPARSE, "tiny error buffer");
		T_OK(strlen(err) == sizeof err - 1, "tiny error buffer: truncated, terminated");
	}
}

static void test_truncation(void)
{
	uint8_t b[600];
	char text[1024], err[256];
	struct dc_stamp st;
	size_t n, i;
	int failed_all = 1;

	n = build_dnscrypt(b, 7, "[2001:db8::1]:443", 32, "2.dnscrypt-cert.example");
	for (i = 0; i < n; i++) {
		encode(b, i, text, sizeof text);
		if (dc_stamp_parse(text, &st, err, sizeof err) != DC_EPARSE || !one_line(err)) {
			failed_all = 0;
			printf("#   DNSCrypt stamp cut at %zu bytes was accepted\n", i);
		}
	}
	T_OK(failed_all, "DNSCrypt stamp truncated at each of its %zu lengths: all refused", n);
	encode(b, n, text, sizeof text);
	T_EQ_INT(dc_stamp_parse(text, &st, err, sizeof err), DC_OK, "the untruncated one parses");

	failed_all = 1;
	n = build_relay(b, "198.51.100.7:443");
	for (i = 0; i < n; i++) {
		encode(b, i, text, sizeof text);
		if (dc_stamp_parse(text, &st, err, sizeof err) != DC_EPARSE)
			failed_all = 0;
	}
	T_OK(failed_all, "relay stamp truncated at each of its %zu lengths: all refused", n);

	n = build_dnscrypt(b, 0, "192.0.2.1", 32, "2.dnscrypt-cert.example");
	b[n] = 0;
	bad_bin(b, n + 1, "1 unexpected trailing byte", "DNSCrypt stamp with a trailing byte");
	n = build_relay(b, "192.0.2.1");
	b[n] = 'x';
	b[n + 1] = 'y';
	bad_bin(b, n + 2, "2 unexpected trailing", "relay stamp with two trailing bytes");
}

static void test_fields(void)
{
	uint8_t b[600];
	size_t n;

	bad_bin(b, build_dnscrypt(b, 0, "192.0.2.1", 31, "2.dnscrypt-cert.x"),
		"provider public key must be 32 bytes, got 31", "31-byte key");
	bad_bin(b, build_dnscrypt(b, 0, "192.0.2.1", 33, "2.dnscrypt-cert.x"),
		"provider public key must be 32 bytes, got 33", "33-byte key");
	bad_bin(b, build_dnscrypt(b, 0, "192.0.2.1", 0, "2.dnscrypt-cert.x"),
		"got 0", "empty key");
	bad_bin(b, build_dnscrypt(b, 0, "192.0.2.1", 32, ""),
		"provider name is empty", "empty provider name");
	bad_bin(b, build_dnscrypt(b, 0, "192.0.2.1", 32, "2.dnscrypt cert"),
		"provider name contains byte 0x20", "space in the provider name");
	n = build_dnscrypt(b, 0, "192.0.2.1", 32, "2.dnscrypt-cert.x");
	b[n - 2] = 0;
	bad_bin(b, n, "provider name contains byte 0x00", "NUL in the provider name");
	b[n - 2] = 0x7f;
	bad_bin(b, n, "0x7f", "DEL in the provider name");
	{
		char name[256];
		memset(name, 'a', 255);
		name[255] = '\0';
		n = build_dnscrypt(b, 0, "192.0.2.1", 32, name);
		{
			char text[1024], err[256];
			struct dc_stamp st;
			encode(b, n, text, sizeof text);
			T_EQ_INT(dc_stamp_parse(text, &st, err, sizeof err), DC_OK,
				 "255-byte provider name accepted");
			T_EQ_INT(strlen(st.provider_name), 255, "255-byte provider name kept whole");
		}
	}
	/* addr is LP(""): the only way to reach a DNSCrypt server is missing */
	bad_addr("", "empty address");
	bad_addr("1.2.3", "'1.2.3' is not an IPv4 address");
	bad_addr("1.2.3.256", "not an IPv4 address");
	bad_addr("01.2.3.4", "not an IPv4 address");
	bad_addr("example.com", "not an IPv4 address");
	bad_addr("example.com:443", "not an IPv4 address");
	bad_addr("[::1", "closing ']'");
	bad_addr("::1", "must be in brackets");
	bad_addr("::1:443", "must be in brackets");
	bad_addr("2001:db8::1", "must be in brackets");
	bad_addr("[]", "is not an IPv6 address");
	bad_addr("[1.2.3.4]", "'1.2.3.4' is not an IPv6 address");
	bad_addr("[fe80::1%eth0]", "not an IPv6 address");
	bad_addr("[::1]x", "unexpected 'x'");
	bad_addr("[::1]]", "unexpected ']'");
	bad_addr("1.2.3.4:0", "port must be 1..65535, got 0");
	bad_addr("1.2.3.4:65536", "port must be 1..65535, got 65536");
	bad_addr("1.2.3.4:99999999999999999999", "port must be 1..65535");
	bad_addr("[::1]:0", "port must be 1..65535, got 0");
	bad_addr("[::1]:65536", "port must be 1..65535");
	bad_addr("1.2.3.4:abc", "port 'abc' is not a decimal number");
	bad_addr("1.2.3.4:+53", "port '+53' is not a decimal number");
	bad_addr("1.2.3.4:-1", "not a decimal number");
	bad_addr("1.2.3.4:0x35", "not a decimal number");
	bad_addr("1.2.3.4:", "empty port");
	bad_addr("[::1]:", "empty port");
	bad_addr("1.2.3.4 :53", "byte 0x20");
	bad_addr("1.2.3.4\n", "byte 0x0a");
}

static void test_kinds(void)
{
	static const struct { uint8_t kind; const char *want; } k[] = {
		{ 0x00, "plain DNS stamp (0x00) is not DNSCrypt" },
		{ 0x02, "DNS-over-HTTPS stamp (0x02) is not DNSCrypt" },
		{ 0x03, "DNS-over-TLS stamp (0x03) is not DNSCrypt" },
		{ 0x04, "DNS-over-QUIC stamp (0x04) is not DNSCrypt" },
		{ 0x05, "Oblivious DoH target stamp (0x05) is not DNSCrypt" },
		{ 0x85, "Oblivious DoH relay stamp (0x85) is not DNSCrypt" },
		{ 0x42, "unknown stamp kind 0x42" },
		{ 0xff, "unknown stamp kind 0xff" },
	};
	uint8_t b[300];
	char what[64];
	size_t i, n;

	for (i = 0; i < sizeof k / sizeof k[0]; i++) {
		/* a well-formed plain-DNS-like body: props | LP(addr) */
		n = 0;
		b[n++] = k[i].kind;
		memset(b + n, 0, 8);
		n += 8;
		n = put_lp(b, n, "9.9.9.9", 7);
		snprintf(what, sizeof what, "stamp kind 0x%02x", k[i].kind);
		bad_bin(b, n, k[i].want, what);
	}
	b[0] = 0x02;
	bad_bin(b, 1, "DNS-over-HTTPS", "bare DoH kind byte");
}

/* For every stamp in a file of the public lists: kinds 0x01 and 0x81 must
 * parse (checked against the raw bytes), all others must be refused. */
static void scan_file(const char *dir, const char *file, int want_dnscrypt,
		      int want_relay, int want_other)
{
	char path[1024], line[8192], err[256];
	static uint8_t bin[4096];
	int ndc = 0, nrelay = 0, nother = 0, bad_dc = 0, bad_relay = 0, bad_other = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	f = fopen(path, "re");
	T_OK(f != NULL, "open %s (run from the repository, or set DC_TEST_DATA)", path);
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		char *s = strstr(line, "sdns://"), *e;
		struct dc_stamp st;
		size_t binlen, nl;
		dc_status rc;

		if (s == NULL)
			continue;
		e = s + 7;
		while ((*e >= 'A' && *e <= 'Z') || (*e >= 'a' && *e <= 'z') ||
		       (*e >= '0' && *e <= '9') || *e == '-' || *e == '_')
			e++;
		*e = '\0';
		if (sodium_base642bin(bin, sizeof bin, s + 7, strlen(s + 7), NULL, &binlen,
				      NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
		    binlen == 0) {
			printf("#   undecodable stamp in %s: %s\n", file, s);
			bad_other++;
			continue;
		}
		rc = dc_stamp_parse(s, &st, err, sizeof err);
		if (bin[0] == 0x01) {
			ndc++;
			nl = strlen(st.provider_name);
			if (rc != DC_OK || st.kind != DC_STAMP_DNSCRYPT || nl == 0 ||
			    binlen < nl + 34 || bin[binlen - nl - 1] != nl ||
			    memcmp(bin + binlen - nl, st.provider_name, nl) != 0 ||
			    bin[binlen - nl - 34] != 32 ||
			    memcmp(bin + binlen - nl - 33, st.provider_pk, 32) != 0) {
				bad_dc++;
				printf("#   %s: %s: %s\n", file, s, rc ? err : "fields differ");
			}
		} else if (bin[0] == 0x81) {
			nrelay++;
			if (rc != DC_OK || st.kind != DC_STAMP_RELAY || st.addrlen == 0) {
				bad_relay++;
				printf("#   %s: %s: %s\n", file, s, err);
			}
		} else {
			nother++;
			if (rc != DC_EPARSE || strstr(err, "is not DNSCrypt") == NULL) {
				bad_other++;
				printf("#   %s: %s: accepted or wrong message: %s\n", file, s, err);
			}
		}
	}
	fclose(f);
	T_EQ_INT(bad_dc, 0, "%s: all %d DNSCrypt stamps parse with the right key and name", file, ndc);
	T_EQ_INT(bad_relay, 0, "%s: all %d relay stamps parse", file, nrelay);
	T_EQ_INT(bad_other, 0, "%s: all %d other stamps refused as not DNSCrypt", file, nother);
	T_EQ_INT(ndc, want_dnscrypt, "%s: DNSCrypt stamp count", file);
	T_EQ_INT(nrelay, want_relay, "%s: relay stamp count", file);
	T_EQ_INT(nother, want_other, "%s: other stamp count", file);
}

static void test_public_lists(void)
{
	const char *dir = t_data_dir();

	scan_file(dir, "public-resolvers.v3.md", 436, 0, 483);
	scan_file(dir, "relays.v3.md", 0, 346, 0);
}

static void test_addr_str(void)
{
	struct dc_stamp st;
	char buf[8];

	memset(&st, 0, sizeof st);
	dc_stamp_addr_str(&st, buf, sizeof buf);
	T_OK(strcmp(buf, "?") == 0, "addr_str of an empty stamp is \"?\"");
	st.addr.sin6.sin6_family = AF_INET6;
	st.addr.sin6.sin6_port = htons(443);
	memset(&st.addr.sin6.sin6_addr, 0xff, 16);
	memset(buf, 'x', sizeof buf);
	dc_stamp_addr_str(&st, buf, sizeof buf);
	T_OK(strlen(buf) == sizeof buf - 1 && memcmp(buf, "[ffff:f", 7) == 0,
	     "addr_str truncates to the buffer (got %s)", buf);
	dc_stamp_addr_str(&st, buf, 0);
	T_OK(1, "addr_str with a zero-length buffer does not crash");
}

int main(void)
{
	size_t i;

	for (i = 0; i < sizeof pk; i++)
		pk[i] = (uint8_t)(i * 7 + 1);
	test_good();
	test_text_errors();
	test_truncation();
	test_fields();
	test_kinds();
	test_public_lists();
	test_addr_str();
	T_DONE();
}
