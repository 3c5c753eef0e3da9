/* SPDX-License-Identifier: ISC */
/* test_lists.c - minisign public keys and signatures (legacy "Ed" and
 * prehashed "ED", made here with libsodium), every way a signature file
 * can be malformed or a signed file tampered with, the real signed lists
 * of tests/data, and the Markdown list walker and stamp filter. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "t.h"
#include "dc_lists.h"

static uint8_t pk[32], sk[64];
static const uint8_t keyid[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static char pkstr[80];

/* A .minisig for data with alg "Ed" or "ED", key id id, trusted comment tc. */
static void sign(const uint8_t *data, size_t len, const char *alg,
		 const uint8_t *id, const char *tc, const char *eol,
		 char *out, size_t cap)
{
	uint8_t bin[74], hash[64], global[64 + 1100], gsig[64];
	char b1[128], b2[128];
	size_t tlen = strlen(tc);

	memcpy(bin, alg, 2);
	memcpy(bin + 2, id, 8);
	if (alg[1] == 'D') {
		crypto_generichash(hash, 64, data, len, NULL, 0);
		crypto_sign_detached(bin + 10, NULL, hash, 64, sk);
	} else {
		crypto_sign_detached(bin + 10, NULL, data, len, sk);
	}
	memcpy(global, bin + 10, 64);
	memcpy(global + 64, tc, tlen);
	crypto_sign_detached(gsig, NULL, global, 64 + tlen, sk);
	sodium_bin2base64(b1, sizeof b1, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b2, sizeof b2, gsig, 64, sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, cap, "untrusted comment: signature from minisign secret key%s"
		 "%s%strusted comment: %s%s%s%s", eol, b1, eol, tc, eol, b2, eol);
}

static dc_status check(const char *sigtext, const void *data, size_t len,
		       const char *key, char *err, size_t errlen)
{
	struct dc_minisign_pk p;
	struct dc_minisig s;
	dc_status rc;

	err[0] = '\0';
	rc = dc_minisign_pk_parse(key, &p, err, errlen);
	if (rc == DC_OK)
		rc = dc_minisig_parse(sigtext, strlen(sigtext), &s, err, errlen);
	if (rc == DC_OK)
		rc = dc_minisig_verify(&p, &s, data, len, err, errlen);
	return rc;
}

static void test_pubkey(void)
{
	static const uint8_t want_id[8] = { 0x1f, 0xe8, 0xb4, 0x42, 0x18, 0x0f, 0x62, 0xe7 };
	struct dc_minisign_pk p;
	char err[256];

	T_EQ_INT(dc_minisign_pk_parse(DC_LISTS_DEFAULT_KEY, &p, err, sizeof err), DC_OK,
		 "the DNSCrypt project's key parses");
	T_OK(memcmp(p.keyid, want_id, 8) == 0, "its key id is E7620F1842B4E81F");
	T_EQ_INT(dc_minisign_pk_parse("  " DC_LISTS_DEFAULT_KEY "\n", &p, err, sizeof err), DC_OK,
		 "blanks around the key are fine");
	T_EQ_INT(dc_minisign_pk_parse("", &p, err, sizeof err), DC_EPARSE, "empty key refused");
	T_EQ_INT(dc_minisign_pk_parse(NULL, &p, err, sizeof err), DC_EPARSE, "NULL key refused");
	T_EQ_INT(dc_minisign_pk_parse("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GF",
				      &p, err, sizeof err), DC_EPARSE, "short key refused");
	T_EQ_INT(dc_minisign_pk_parse(DC_LISTS_DEFAULT_KEY "AAAA", &p, err, sizeof err),
		 DC_EPARSE, "long key refused");
	T_OK(strstr(err, "not a minisign public key") != NULL, "message: %s", err);
	/* "Ee" instead of "Ed" */
	T_EQ_INT(dc_minisign_pk_parse("RWUf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3",
				      &p, err, sizeof err), DC_EPARSE, "other algorithm refused");
	T_OK(strstr(err, "algorithm") != NULL, "message: %s", err);
	T_EQ_INT(dc_minisign_pk_parse("RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO!",
				      &p, err, sizeof err), DC_EPARSE, "bad base64 refused");
}

static void test_own_signatures(void)
{
	const char *data = "## one\n\nsdns://AQcAAAAAAAAA\n";
	size_t len = strlen(data);
	char sig[2048], err[256], buf[2048], tc[1100];
	uint8_t other_id[8];
	dc_status rc;

	for (int pre = 0; pre <= 1; pre++) {
		const char *alg = pre ? "ED" : "Ed", *what = pre ? "prehashed ED" : "legacy Ed";
		sign((const uint8_t *)data, len, alg, keyid, "timestamp:1 file:x.md", "\n",
		     sig, sizeof sig);
		T_EQ_INT(check(sig, data, len, pkstr, err, sizeof err), DC_OK,
			 "%s signature verifies (%s)", what, err);
		sign((const uint8_t *)data, len, alg, keyid, "t", "\r\n", sig, sizeof sig);
		T_EQ_INT(check(sig, data, len, pkstr, err, sizeof err), DC_OK,
			 "%s with CRLF line ends verifies", what);
		sign((const uint8_t *)data, len, alg, keyid, "", "\n", sig, sizeof sig);
		T_EQ_INT(check(sig, data, len, pkstr, err, sizeof err), DC_OK,
			 "%s with an empty trusted comment verifies", what);

		/* Every byte of the data flipped, one at a time. */
		int bad = 0;
		sign((const uint8_t *)data, len, alg, keyid, "tc", "\n", sig, sizeof sig);
		for (size_t i = 0; i < len; i++) {
			memcpy(buf, data, len);
			buf[i] ^= 0x20;
			if (check(sig, buf, len, pkstr, err, sizeof err) != DC_EBADRESP)
				bad++;
		}
		T_EQ_INT(bad, 0, "%s: each of the %zu bytes changed fails", what, len);
		T_EQ_INT(check(sig, data, len - 1, pkstr, err, sizeof err), DC_EBADRESP,
			 "%s: the file cut by one byte fails", what);
		T_OK(strstr(err, "does not match the file") != NULL, "message: %s", err);
		memcpy(buf, data, len);
		buf[len] = '\n';
		T_EQ_INT(check(sig, buf, len + 1, pkstr, err, sizeof err), DC_EBADRESP,
			 "%s: the file with one more byte fails", what);

		/* The trusted comment changed. */
		snprintf(buf, sizeof buf, "%s", sig);
		char *t = strstr(buf, "trusted comment: tc");
		t[18] = 'X';
		T_EQ_INT(check(buf, data, len, pkstr, err, sizeof err), DC_EBADRESP,
			 "%s: a changed trusted comment fails", what);
		T_OK(strstr(err, "trusted comment") != NULL, "message: %s", err);

		/* Another key id in the signature. */
		memcpy(other_id, keyid, 8);
		other_id[0] ^= 1;
		sign((const uint8_t *)data, len, alg, other_id, "tc", "\n", sig, sizeof sig);
		T_EQ_INT(check(sig, data, len, pkstr, err, sizeof err), DC_EBADRESP,
			 "%s: another key id fails", what);
		T_OK(strstr(err, "key id 0807060504030200") != NULL, "message: %s", err);
		/* The project's key against our signature (another key id too). */
		T_EQ_INT(check(sig, data, len, DC_LISTS_DEFAULT_KEY, err, sizeof err),
			 DC_EBADRESP, "%s: the project key refuses our signature", what);
	}

	/* The algorithm byte switched: "Ed" signature labelled "ED" and back. */
	for (int pre = 0; pre <= 1; pre++) {
		uint8_t bin[74];
		size_t got;
		char b1[128];
		sign((const uint8_t *)data, len, pre ? "ED" : "Ed", keyid, "tc", "\n", sig, sizeof sig);
		char *l2 = strchr(sig, '\n') + 1;
		sodium_base642bin(bin, sizeof bin, l2, 100, NULL, &got, NULL,
				  sodium_base64_VARIANT_ORIGINAL);
		bin[1] = pre ? 'd' : 'D';
		sodium_bin2base64(b1, sizeof b1, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
		memcpy(l2, b1, 100);
		rc = check(sig, data, len, pkstr, err, sizeof err);
		T_EQ_INT(rc, DC_EBADRESP, "an %s signature relabelled %s fails",
			 pre ? "ED" : "Ed", pre ? "Ed" : "ED");
		bin[0] = 'X';
		sodium_bin2base64(b1, sizeof b1, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
		memcpy(l2, b1, 100);
		rc = check(sig, data, len, pkstr, err, sizeof err);
		T_OK(rc == DC_EPARSE && strstr(err, "unknown signature algorithm"),
		     "an unknown algorithm is refused (%s)", err);
	}

	/* Longest trusted comment minisign writes, and one byte more. */
	memset(tc, 'c', 1024);
	tc[1024] = '\0';
	sign((const uint8_t *)data, len, "ED", keyid, tc, "\n", sig, sizeof sig);
	T_EQ_INT(check(sig, data, len, pkstr, err, sizeof err), DC_OK,
		 "a 1024-byte trusted comment verifies");
	tc[1024] = 'c';
	tc[1025] = '\0';
	sign((const uint8_t *)data, len, "ED", keyid, tc, "\n", sig, sizeof sig);
	T_EQ_INT(check(sig, data, len, pkstr, err, sizeof err), DC_EPARSE,
		 "a 1025-byte trusted comment is refused");
}

static void test_sig_format(void)
{
	const char *data = "x";
	char good[1024], buf[1200], err[256];
	struct dc_minisig s;
	static const struct { const char *from, *to, *want, *what; } edits[] = {
		{ "untrusted comment: ", "untrusted comment ", "line 1", "no untrusted prefix" },
		{ "trusted comment: t", "trusted: t", "line 3", "no trusted prefix" },
		{ "\ntrusted comment: t", "\n\ntrusted comment: t", "line 3", "blank line inserted" },
	};

	sign((const uint8_t *)data, 1, "ED", keyid, "t", "\n", good, sizeof good);
	T_EQ_INT(dc_minisig_parse(good, strlen(good), &s, err, sizeof err), DC_OK,
		 "well-formed signature file parses");
	T_OK(s.prehashed == 1 && strcmp(s.trusted, "t") == 0 && memcmp(s.keyid, keyid, 8) == 0,
	     "its fields");
	for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
		char *p = strstr(good, edits[i].from);
		size_t pre = (size_t)(p - good);
		snprintf(buf, sizeof buf, "%.*s%s%s", (int)pre, good, edits[i].to,
			 p + strlen(edits[i].from));
		T_OK(dc_minisig_parse(buf, strlen(buf), &s, err, sizeof err) == DC_EPARSE &&
		     strstr(err, edits[i].want) != NULL, "%s: refused (%s)", edits[i].what, err);
	}
	/* Cut after each line. */
	for (int lines = 0; lines < 4; lines++) {
		size_t n = 0;
		for (int k = 0; k < lines; k++)
			n = (size_t)(strchr(good + n, '\n') - good) + 1;
		T_EQ_INT(dc_minisig_parse(good, n, &s, err, sizeof err), DC_EPARSE,
			 "signature file with %d lines refused (%s)", lines, err);
	}
	/* No final newline is fine; text after the fourth line is not. */
	T_EQ_INT(dc_minisig_parse(good, strlen(good) - 1, &s, err, sizeof err), DC_OK,
		 "no newline after the last line is fine");
	snprintf(buf, sizeof buf, "%s\n\n  \n", good);
	T_EQ_INT(dc_minisig_parse(buf, strlen(buf), &s, err, sizeof err), DC_OK,
		 "blank lines at the end are fine");
	snprintf(buf, sizeof buf, "%sextra\n", good);
	T_EQ_INT(dc_minisig_parse(buf, strlen(buf), &s, err, sizeof err), DC_EPARSE,
		 "a fifth line is refused");
	/* Base64 lines damaged. */
	snprintf(buf, sizeof buf, "%s", good);
	*(strchr(buf, '\n') + 5) = '*';
	T_EQ_INT(dc_minisig_parse(buf, strlen(buf), &s, err, sizeof err), DC_EPARSE,
		 "bad base64 in line 2 refused");
	snprintf(buf, sizeof buf, "%s", good);
	memmove(strchr(buf, '\n') + 1, strchr(buf, '\n') + 5, strlen(strchr(buf, '\n') + 5) + 1);
	T_EQ_INT(dc_minisig_parse(buf, strlen(buf), &s, err, sizeof err), DC_EPARSE,
		 "short line 2 refused");
	snprintf(buf, sizeof buf, "%s", good);
	buf[strlen(buf) - 3] = '\0';
	T_EQ_INT(dc_minisig_parse(buf, strlen(buf), &s, err, sizeof err), DC_EPARSE,
		 "short line 4 refused");
	memcpy(buf, good, strlen(good) + 1);
	buf[3] = '\0';
	T_EQ_INT(dc_minisig_parse(buf, strlen(good), &s, err, sizeof err), DC_EPARSE,
		 "NUL byte refused");
	T_EQ_INT(dc_minisig_parse(good, DC_MINISIG_MAX_SIZE + 1, &s, err, sizeof err),
		 DC_EPARSE, "oversized signature file refused");
	T_EQ_INT(dc_minisig_parse("", 0, &s, err, sizeof err), DC_EPARSE, "empty file refused");
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

static void test_real_lists(void)
{
	const char *dir = t_data_dir();
	static const char *files[] = { "public-resolvers.v3.md", "relays.v3.md" };
	char path[512], err[256];
	char *data[2], *sig[2];
	size_t len[2], slen[2];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		data[i] = slurp(path, &len[i]);
		snprintf(path, sizeof path, "%s/%s.minisig", dir, files[i]);
		sig[i] = slurp(path, &slen[i]);
		T_OK(data[i] && sig[i], "read %s and its signature from %s", files[i], dir);
		if (!data[i] || !sig[i])
			return;
		T_EQ_INT(check(sig[i], data[i], len[i], DC_LISTS_DEFAULT_KEY, err, sizeof err),
			 DC_OK, "%s: signature verifies with the project key (%s)", files[i], err);
		T_EQ_INT(check(sig[i], data[i], len[i], pkstr, err, sizeof err), DC_EBADRESP,
			 "%s: refused with another key", files[i]);
		/* Tampered copies: a byte flipped at several places, one byte
		 * more or less. */
		int bad = 0;
		for (size_t at = 0; at < len[i]; at += len[i] / 97 + 1) {
			data[i][at] ^= 1;
			if (check(sig[i], data[i], len[i], DC_LISTS_DEFAULT_KEY, err, sizeof err) != DC_EBADRESP)
				bad++;
			data[i][at] ^= 1;
		}
		T_EQ_INT(bad, 0, "%s: ~100 copies with one bit flipped are all refused", files[i]);
		T_EQ_INT(check(sig[i], data[i], len[i] - 1, DC_LISTS_DEFAULT_KEY, err, sizeof err),
			 DC_EBADRESP, "%s: cut by one byte refused", files[i]);
	}
	T_EQ_INT(check(sig[0], data[1], len[1], DC_LISTS_DEFAULT_KEY, err, sizeof err),
		 DC_EBADRESP, "one list's signature does not verify the other list");

	/* Walk the lists: kinds of every stamp. */
	for (int i = 0; i < 2; i++) {
		struct dc_list_iter it;
		const char *name;
		char st[DC_LIST_STAMP_MAX + 1];
		int n1 = 0, n81 = 0, nother = 0, match = 0, unnamed = 0;
		dc_list_begin(&it, data[i], len[i]);
		while (dc_list_next(&it, &name, st, sizeof st)) {
			int k = dc_list_stamp_kind(st);
			if (name[0] == '\0')
				unnamed++;
			if (k == 1) {
				n1++;
				if (dc_list_stamp_match(st, 0, NULL) == 1)
					match++;
			} else if (k == 0x81) {
				n81++;
			} else {
				nother++;
			}
		}
		if (i == 0) {
			T_EQ_INT(n1, 436, "public-resolvers: 436 DNSCrypt stamps");
			T_EQ_INT(match, 436, "public-resolvers: all match an empty filter");
			T_EQ_INT(nother, 483, "public-resolvers: 483 stamps of other kinds");
			T_EQ_INT(it.sections, 816, "public-resolvers: 816 sections");
		} else {
			T_EQ_INT(n81, 346, "relays: 346 relay stamps");
			T_EQ_INT(n1, 0, "relays: no DNSCrypt server stamp");
		}
		T_EQ_INT(unnamed, 0, "%s: every stamp has a section name", files[i]);
		free(data[i]);
		free(sig[i]);
	}
}

/* "sdns://" + base64url(0x01 | props | LP(addr) | LP(pk) | LP(name)) */
static void make_stamp(uint64_t props, const char *addr, char *out, size_t cap)
{
	uint8_t b[256];
	size_t off = 0, n;

	b[off++] = 0x01;
	for (int i = 0; i < 8; i++)
		b[off++] = (uint8_t)(props >> (8 * i));
	n = strlen(addr);
	b[off++] = (uint8_t)n;
	memcpy(b + off, addr, n);
	off += n;
	b[off++] = 32;
	memset(b + off, 7, 32);
	off += 32;
	b[off++] = 14;
	memcpy(b + off, "2.dnscrypt.foo", 14);
	off += 14;
	memcpy(out, "sdns://", 7);
	sodium_bin2base64(out + 7, cap - 7, b, off, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void test_walk_and_filter(void)
{
	char s4[300], s6[300], sp[300], text[2048], st[DC_LIST_STAMP_MAX + 1];
	struct dc_list_iter it;
	const char *name;
	struct dc_stamp out;

	make_stamp(7, "192.0.2.1", s4, sizeof s4);
	make_stamp(1, "[2001:db8::1]:8443", s6, sizeof s6);
	make_stamp(6, "192.0.2.2:5353", sp, sizeof sp);
	snprintf(text, sizeof text,
		 "# title\n\n%s\n\n## first \r\n\nsome text sdns://not-at-start\n%s\r\n"
		 "  %s  \n\n## sec\001ond\n\n%s\nsdns://AgcAAAAAAAAAAAAAAA\n##no-space\n"
		 "### third\n%s",
		 s4, s4, s6, sp, s4);
	dc_list_begin(&it, text, strlen(text));
	T_OK(dc_list_next(&it, &name, st, sizeof st) && strcmp(name, "first") == 0 &&
	     strcmp(st, s4) == 0, "first stamp, in section 'first' (CRLF, blanks trimmed)");
	T_OK(dc_list_next(&it, &name, st, sizeof st) && strcmp(name, "first") == 0 &&
	     strcmp(st, s6) == 0, "second stamp: indented, trailing blanks");
	T_OK(dc_list_next(&it, &name, st, sizeof st) && strcmp(name, "sec?ond") == 0 &&
	     strcmp(st, sp) == 0, "third stamp in 'sec?ond' (control character shown as ?)");
	T_OK(dc_list_next(&it, &name, st, sizeof st) && strcmp(st, "sdns://AgcAAAAAAAAAAAAAAA") == 0,
	     "a DoH stamp is returned too");
	T_OK(dc_list_next(&it, &name, st, sizeof st) && strcmp(name, "sec?ond") == 0,
	     "'##no-space' and '### third' are not sections");
	T_OK(!dc_list_next(&it, &name, st, sizeof st), "then the end");
	T_EQ_INT(it.sections, 2, "two sections");
	T_OK(!dc_list_next(&it, &name, st, sizeof st), "and the end again");
	/* A stamp longer than the caller's buffer is skipped. */
	dc_list_begin(&it, text, strlen(text));
	T_OK(!dc_list_next(&it, &name, st, 20), "stamps longer than the buffer are skipped");
	{
		char nul[64] = "## n\nsdns://AQ\0garbage\nsdns://gQ\n";
		dc_list_begin(&it, nul, 33);
		T_OK(dc_list_next(&it, &name, st, sizeof st) && strcmp(st, "sdns://gQ") == 0,
		     "a stamp line with a NUL byte is skipped");
	}
	dc_list_begin(&it, NULL, 5);
	T_OK(!dc_list_next(&it, &name, st, sizeof st), "NULL text is an empty list");

	T_EQ_INT(dc_list_stamp_kind(s4), 1, "kind of a DNSCrypt stamp");
	T_EQ_INT(dc_list_stamp_kind("sdns://AgcA"), 2, "kind of a DoH stamp");
	T_EQ_INT(dc_list_stamp_kind("sdns://gQ"), 0x81, "kind of a two-character relay stamp");
	T_EQ_INT(dc_list_stamp_kind("sdns://"), -1, "empty stamp");
	T_EQ_INT(dc_list_stamp_kind("sdns://A"), -1, "one character");
	T_EQ_INT(dc_list_stamp_kind("http://x"), -1, "not a stamp");
	T_EQ_INT(dc_list_stamp_kind("sdns://!!!!"), -1, "not base64url");

	T_EQ_INT(dc_list_stamp_match(s4, 0, &out), 1, "no filter: match");
	T_OK(out.addr.sa.sa_family == AF_INET, "parsed into out");
	T_EQ_INT(dc_list_stamp_match(s4, DC_LIST_DNSSEC | DC_LIST_NOLOG | DC_LIST_NOFILTER, NULL),
		 1, "props 7 passes every property filter");
	T_EQ_INT(dc_list_stamp_match(s4, DC_LIST_IPV6, NULL), 0, "IPv4 stamp, IPv6 wanted");
	T_EQ_INT(dc_list_stamp_match(s4, DC_LIST_IPV4 | DC_LIST_IPV6, NULL), 1, "both families");
	T_EQ_INT(dc_list_stamp_match(s6, DC_LIST_IPV6, NULL), 1, "IPv6 stamp, IPv6 wanted");
	T_EQ_INT(dc_list_stamp_match(s6, DC_LIST_IPV4, NULL), 0, "IPv6 stamp, IPv4 wanted");
	T_EQ_INT(dc_list_stamp_match(s6, DC_LIST_DNSSEC, NULL), 1, "props 1: DNSSEC");
	T_EQ_INT(dc_list_stamp_match(s6, DC_LIST_NOLOG, NULL), 0, "props 1: no no-log");
	T_EQ_INT(dc_list_stamp_match(s6, DC_LIST_NOFILTER, NULL), 0, "props 1: no no-filter");
	T_EQ_INT(dc_list_stamp_match(sp, DC_LIST_DNSSEC, NULL), 0, "props 6: no DNSSEC");
	T_EQ_INT(dc_list_stamp_match(sp, DC_LIST_NOLOG | DC_LIST_NOFILTER, NULL), 1,
		 "props 6: no-log, no-filter");
	T_EQ_INT(dc_list_stamp_match("sdns://AgcAAAAAAAAAAAAAAA", 0, NULL), -1, "DoH: not a server");
	T_EQ_INT(dc_list_stamp_match("sdns://gQ", 0, NULL), -1, "relay: not a server");
	s4[20] = '\0';
	T_EQ_INT(dc_list_stamp_match(s4, 0, NULL), -1, "truncated DNSCrypt stamp");
}

int main(void)
{
	uint8_t seed[32], bin[42];

	if (sodium_init() < 0)
		return 1;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i * 13 + 5);
	crypto_sign_seed_keypair(pk, sk, seed);
	memcpy(bin, "Ed", 2);
	memcpy(bin + 2, keyid, 8);
	memcpy(bin + 10, pk, 32);
	sodium_bin2base64(pkstr, sizeof pkstr, bin, sizeof bin, sodium_base64_VARIANT_ORIGINAL);
	test_pubkey();
	test_own_signatures();
	test_sig_format();
	test_real_lists();
	test_walk_and_filter();
	T_DONE();
}
