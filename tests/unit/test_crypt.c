/* SPDX-License-Identifier: ISC */
/* test_crypt.c - DNSCrypt box/unbox and padding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "t.h"
#include "dc_crypt.h"
#include "dc_keypair.h"

static void print_hex(const char *label, const uint8_t *b, size_t n)
{
	size_t i;

	printf("# %s ", label);
	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

/* ---- fixed keys and messages of the known-answer tests ---- */

static struct dc_keypair client;   /* sk = 01 02 .. 20 */
static uint8_t res_pk[32], res_sk[32]; /* sk = 80 81 .. 9f */
static uint8_t cnonce[12], rnonce[12]; /* c0 .. cb, d0 .. db */

/* A query for example.com/A, id 0xbeef, RD. */
static const uint8_t kat_query[29] = {
	0xbe, 0xef, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
	0x00, 0x01, 0x00, 0x01
};

/* Its answer: example.com A 192.0.2.1, TTL 300. */
static const uint8_t kat_answer[45] = {
	0xbe, 0xef, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
	0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
	192, 0, 2, 1
};

/* Expected wire bytes.  Computed once with this code (libsodium 1.0.18)
 * and independently with a from-scratch Python implementation of
 * HSalsa20/XSalsa20 and HChaCha20/ChaCha20 over the "cryptography"
 * package's X25519 and Poly1305 (not libsodium); both agreed.
 * Query: dc_encrypt_query(kat_query, padded to 192 bytes: 260 on the wire).
 * Answer: kat_answer | 0x80 | 0x00 x 18 (64 bytes), nonce cnonce | rnonce. */
static const char kat_q1_hex[] =
	"434c4d414749433107a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed"
	"0bdfc0b2b86d1c7cc0c1c2c3c4c5c6c7c8c9cacba0c585dbc3d58c0d7ed70c06"
	"0257888e96a9e72562db07c08fffe313fe12ffe06a95216013d79539229650f1"
	"17ee0074f06c106a972e4ef1d7d24a8275cd00d2b76553098763fd73b6b3ed42"
	"0c5a728056552ffd79f13025e12474e02e341eb2438a15eec7ad2db4ef379b66"
	"ea284ff62fbf11f15a693507f38c0b238440b672a1d841360b6f0990d2e4da24"
	"969a891aaa876d6be504e83f357121b9543d0e20de3fba2e18eed609ee635a41"
	"0ab041b0808199588c22d9d2ee26cbce8b3c42146094db39d63cb624e3b23f67"
	"ccb991c4";
static const char kat_q2_hex[] =
	"434c4d414749433107a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed"
	"0bdfc0b2b86d1c7cc0c1c2c3c4c5c6c7c8c9cacb7e5b62e00b8ce5a9fb124991"
	"3369805e7662889a1fa3da93202d4388df3c0d902adff0f27a3e849a2166744e"
	"7d9cc651e2b2c91ed724c6dbf9461908b295cb945df6cfaf43e51aedf4823688"
	"74da57b9199cb30689a56527128d575f1806fa05fbaa23b0d94788a3a371d716"
	"00b1b21598adfdad20e84c17924d3609ff5ee1277d26c027a6252d80a4f6b46d"
	"f603f2238e183a0b4cb025dfa9f3e56a2fd5955708833952184d77bf69010e31"
	"f6fed419787631f57725df116bd474292361b28a7eb245a09cebc24c394eaf03"
	"0f6d12fb";
static const char kat_a1_hex[] =
	"7236666e76576a38c0c1c2c3c4c5c6c7c8c9cacbd0d1d2d3d4d5d6d7d8d9dadb"
	"3f9044df78e852ba96107ec9836f843b0e3fa8f804f69504bd243d33eec82ba3"
	"9ff63138025af1733037f851851dce12648751b82f26e4f7a1e8edcdbedcfeec"
	"ce395c6f6614cc51b5814e04fb5d6547";
static const char kat_a2_hex[] =
	"7236666e76576a38c0c1c2c3c4c5c6c7c8c9cacbd0d1d2d3d4d5d6d7d8d9dadb"
	"a5e10ec941a4f5b5200fc9ff935cfab85d6e3869699a97ec771f5b0e1cef3cd6"
	"78faded8d6f120ed34a9559c882463b931efc193f87c4322ef730652ba6b357d"
	"89ddd819738c373f871ded11d89f00d1";

static void setup_keys(void)
{
	int i;

	for (i = 0; i < 32; i++) {
		client.sk[i] = (uint8_t)(1 + i);
		res_sk[i] = (uint8_t)(0x80 + i);
	}
	crypto_scalarmult_base(client.pk, client.sk);
	crypto_scalarmult_base(res_pk, res_sk);
	for (i = 0; i < 12; i++) {
		cnonce[i] = (uint8_t)(0xc0 + i);
		rnonce[i] = (uint8_t)(0xd0 + i);
	}
}

static void make_cert(struct dc_cert *c, uint16_t es, const uint8_t *rpk)
{
	memset(c, 0, sizeof *c);
	c->es_version = es;
	memcpy(c->resolver_pk, rpk, 32);
	memcpy(c->client_magic, "CLMAGIC1", 8);
	c->serial = 1;
	c->ts_start = 1;
	c->ts_end = 2;
}

/* What a server does: "r6fnvWj8" | cn | rn | box(plain) with the shared key
 * of its sk and the client's pk.  Uses the plain (not afternm) API. */
static size_t server_answer(uint16_t es, const uint8_t *cpk, const uint8_t *rsk,
			    const uint8_t *cn, const uint8_t *rn,
			    const uint8_t *plain, size_t plen, uint8_t *out)
{
	uint8_t n24[24];
	int rc;

	memcpy(n24, cn, 12);
	memcpy(n24 + 12, rn, 12);
	memcpy(out, "r6fnvWj8", 8);
	memcpy(out + 8, n24, 24);
	if (es == 1)
		rc = crypto_box_easy(out + 32, plain, plen, n24, cpk, rsk);
	else
		rc = crypto_box_curve25519xchacha20poly1305_easy(out + 32, plain,
								 plen, n24, cpk,
								 rsk);
	if (rc != 0)
		memset(out, 0, DC_ANSWER_OVERHEAD + plen);
	return DC_ANSWER_OVERHEAD + plen;
}

/* The padded plaintext msg | 0x80 | zeros, total plen. */
static void pad_plain(uint8_t *p, const uint8_t *msg, size_t mlen, size_t plen)
{
	memcpy(p, msg, mlen);
	p[mlen] = 0x80;
	memset(p + mlen + 1, 0, plen - mlen - 1);
}

/* Open a query the way a server would (independent of the afternm path). */
static int server_open(uint16_t es, const uint8_t *wire, size_t len,
		       uint8_t *plain)
{
	uint8_t n24[24];

	memcpy(n24, wire + 40, 12);
	memset(n24 + 12, 0, 12);
	if (es == 1)
		return crypto_box_open_easy(plain, wire + 52, len - 52, n24,
					    wire + 8, res_sk);
	return crypto_box_curve25519xchacha20poly1305_open_easy(
		plain, wire + 52, len - 52, n24, wire + 8, res_sk);
}

/* ---- tests ---- */

static void test_basics(void)
{
	struct dc_keypair a, b;
	uint8_t pk[32];

	T_OK(memcmp(dc_answer_magic, "r6fnvWj8", 8) == 0, "dc_answer_magic");
	dc_keypair_new(&a);
	dc_keypair_new(&b);
	crypto_scalarmult_base(pk, a.sk);
	T_OK(memcmp(pk, a.pk, 32) == 0, "keypair: pk is the X25519 of sk");
	T_OK(memcmp(a.pk, b.pk, 32) != 0 && memcmp(a.sk, b.sk, 32) != 0,
	     "keypair: two key pairs differ");
}

static void test_session(void)
{
	static const uint8_t low_order[][32] = {
		{ 1 }, /* u = 1, order 4 */
		{ 0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56,
		  0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb,
		  0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
		  0xb8, 0x00 }, /* order 8 */
		{ 0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		  0xff, 0x7f }, /* p - 1, order 2 */
	};
	struct dc_session s;
	struct dc_cert c;
	uint8_t k[32], zero[32] = { 0 };
	size_t i;
	int es, rc;

	for (es = 1; es <= 2; es++) {
		make_cert(&c, (uint16_t)es, res_pk);
		T_EQ_INT(dc_session_init(&s, &client, &c), DC_OK,
			 "session es%d", es);
		if (es == 1)
			rc = crypto_box_beforenm(k, res_pk, client.sk);
		else
			rc = crypto_box_curve25519xchacha20poly1305_beforenm(
				k, res_pk, client.sk);
		T_OK(rc == 0 && s.es_version == es && memcmp(s.shared, k, 32) == 0 &&
		     memcmp(s.client_pk, client.pk, 32) == 0 &&
		     memcmp(s.client_magic, "CLMAGIC1", 8) == 0,
		     "session es%d: fields and shared key", es);

		make_cert(&c, (uint16_t)es, zero);
		T_EQ_INT(dc_session_init(&s, &client, &c), DC_ECERT,
			 "session es%d: all-zero resolver key refused", es);
		for (i = 0; i < sizeof low_order / sizeof low_order[0]; i++) {
			make_cert(&c, (uint16_t)es, low_order[i]);
			T_EQ_INT(dc_session_init(&s, &client, &c), DC_ECERT,
				 "session es%d: low-order resolver key %zu refused",
				 es, i);
		}
	}
	T_OK(sodium_is_zero(s.shared, 32), "failed session leaves no key");
	for (es = 0; es <= 4; es += 3) {
		make_cert(&c, (uint16_t)es, res_pk);
		T_EQ_INT(dc_session_init(&s, &client, &c), DC_ECERT,
			 "session: es-version %d refused", es);
	}
	make_cert(&c, 0x0100, res_pk);
	T_EQ_INT(dc_session_init(&s, &client, &c), DC_ECERT,
		 "session: es-version 0x0100 refused");
}

static void test_pad_len(void)
{
	static const size_t mins[] = { 1, 100, 256, 512, 1252, 4096 };
	size_t qlen, m, i, p, floor_;
	int ok;

	for (i = 0; i < sizeof mins / sizeof mins[0]; i++) {
		m = mins[i];
		floor_ = m < DC_MIN_UDP_QUERY ? DC_MIN_UDP_QUERY : m;
		ok = 1;
		for (qlen = 0; qlen <= 600; qlen++) {
			p = dc_pad_len(qlen, m);
			if (p % 64 != 0 || p < qlen + 1 ||
			    p + DC_QUERY_OVERHEAD < floor_)
				ok = 0;
			/* smallest such: 64 less would break a rule */
			if (p >= 64 && p - 64 >= qlen + 1 &&
			    p - 64 + DC_QUERY_OVERHEAD >= floor_)
				ok = 0;
		}
		T_OK(ok, "pad UDP min_wire %zu: smallest multiple of 64 >= qlen+1 "
		     "with wire >= %zu (qlen 0..600)", m, floor_);
	}
	ok = 1;
	for (qlen = 0; qlen <= 600; qlen++) {
		p = dc_pad_len(qlen, 0);
		if (p % 64 != 0 || p < qlen + 1 || p - qlen < 1 || p - qlen > 64 ||
		    p - qlen > DC_MAX_TCP_PADDING)
			ok = 0;
	}
	T_OK(ok, "pad TCP: multiple of 64, padding 1..64 bytes (qlen 0..600)");
	T_EQ_INT(dc_pad_len(0, 0), 64, "pad TCP qlen 0 -> 64");
	T_EQ_INT(dc_pad_len(63, 0), 64, "pad TCP qlen 63 -> 64");
	T_EQ_INT(dc_pad_len(64, 0), 128, "pad TCP qlen 64 -> 128");
	T_EQ_INT(dc_pad_len(29, 256), 192, "pad UDP qlen 29 -> 192 (260 on the wire)");
	T_EQ_INT(dc_pad_len(29, 512), 448, "pad UDP qlen 29 min 512 -> 448 (516)");
	T_EQ_INT(dc_pad_len(29, 1), 192, "pad UDP min_wire 1 raised to 256");
	T_EQ_INT(dc_pad_len(200, 256), 256, "pad UDP qlen 200 -> 256");
	T_EQ_INT(dc_pad_len(65535, 0), 65536, "pad TCP qlen 65535");
	T_EQ_INT(dc_pad_len(65536, 0), 0, "pad: qlen > 65535 gives 0");
	T_EQ_INT(dc_pad_len(10, (size_t)-1), 65472, "pad: huge min_wire is capped");
}

static void test_unpad(void)
{
	static const struct {
		const char *hex;
		long want;
	} cases[] = {
		{ "", -1 }, { "00", -1 }, { "000000", -1 }, { "80", 0 },
		{ "010280", 2 }, { "01800000", 1 }, { "010203", -1 },
		{ "8081", -1 }, { "808000", 1 }, { "01800100", -1 },
		{ "0080", 1 }, { "ff", -1 }, { "7f00", -1 },
	};
	uint8_t buf[600];
	size_t i, len, m;
	int ok;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n = t_unhex(cases[i].hex, buf, sizeof buf);
		T_EQ_INT(dc_unpad(buf, (size_t)n), cases[i].want, "unpad [%s]",
			 cases[i].hex);
	}
	T_EQ_INT(dc_unpad(NULL, 0), -1, "unpad NULL");
	ok = 1;
	for (len = 1; len <= 300; len++)
		for (m = 0; m < len; m++) {
			memset(buf, 0xa5, m);
			buf[m] = 0x80;
			memset(buf + m + 1, 0, len - m - 1);
			if (dc_unpad(buf, len) != (long)m)
				ok = 0;
			memset(buf, 0, len);
			if (dc_unpad(buf, len) != -1)
				ok = 0;
		}
	T_OK(ok, "unpad: every message length in every buffer up to 300, "
	     "all-zero buffers refused");
}

static void test_encrypt_kat(void)
{
	const char *hexes[3] = { NULL, kat_q1_hex, kat_q2_hex };
	uint8_t out[1024], want[1024], plain[1024], exp[256];
	struct dc_session s;
	struct dc_cert c;
	size_t outlen, padded;
	int es, wlen;

	padded = dc_pad_len(sizeof kat_query, DC_MIN_UDP_QUERY);
	pad_plain(exp, kat_query, sizeof kat_query, padded);
	for (es = 1; es <= 2; es++) {
		make_cert(&c, (uint16_t)es, res_pk);
		dc_session_init(&s, &client, &c);
		outlen = 0;
		T_EQ_INT(dc_encrypt_query(&s, cnonce, kat_query, sizeof kat_query,
					  padded, out, sizeof out, &outlen),
			 DC_OK, "encrypt es%d", es);
		T_EQ_INT(outlen, 260, "encrypt es%d: 260 bytes on the wire", es);
		if (getenv("KAT_PRINT"))
			print_hex(es == 1 ? "q1" : "q2", out, outlen);
		wlen = t_unhex(hexes[es], want, sizeof want);
		T_OK(wlen == (int)outlen && memcmp(out, want, outlen) == 0,
		     "encrypt es%d: known answer", es);
		T_OK(memcmp(out, "CLMAGIC1", 8) == 0 &&
		     memcmp(out + 8, client.pk, 32) == 0 &&
		     memcmp(out + 40, cnonce, 12) == 0,
		     "encrypt es%d: magic | client pk | nonce", es);
		memset(plain, 0xee, sizeof plain);
		T_EQ_INT(server_open((uint16_t)es, out, outlen, plain), 0,
			 "encrypt es%d: server opens it with crypto_box_*open_easy", es);
		T_OK(memcmp(plain, exp, padded) == 0,
		     "encrypt es%d: plaintext is query | 0x80 | zeros", es);

		/* The query may already sit where the ciphertext goes. */
		memset(out, 0, sizeof out);
		memcpy(out + DC_QUERY_OVERHEAD, kat_query, sizeof kat_query);
		T_EQ_INT(dc_encrypt_query(&s, cnonce, out + DC_QUERY_OVERHEAD,
					  sizeof kat_query, padded, out,
					  sizeof out, &outlen), DC_OK,
			 "encrypt es%d in place", es);
		T_OK(wlen == (int)outlen && memcmp(out, want, outlen) == 0,
		     "encrypt es%d in place: same bytes", es);
	}
}

static void test_encrypt_misc(void)
{
	uint8_t q[700], out[2048], plain[2048];
	struct dc_session s, bad;
	struct dc_cert c;
	size_t outlen, qlen, padded;
	int es, ok;

	for (qlen = 0; qlen < sizeof q; qlen++)
		q[qlen] = (uint8_t)(qlen * 31 + 7);
	for (es = 1; es <= 2; es++) {
		make_cert(&c, (uint16_t)es, res_pk);
		dc_session_init(&s, &client, &c);
		ok = 1;
		for (qlen = 0; qlen <= 600; qlen += 7) {
			uint8_t n[12];
			randombytes_buf(n, sizeof n);
			padded = dc_pad_len(qlen, qlen % 2 ? 0 : 512);
			if (dc_encrypt_query(&s, n, q, qlen, padded, out,
					     DC_QUERY_OVERHEAD + padded,
					     &outlen) != DC_OK ||
			    outlen != DC_QUERY_OVERHEAD + padded ||
			    server_open((uint16_t)es, out, outlen, plain) != 0 ||
			    dc_unpad(plain, padded) != (long)qlen ||
			    memcmp(plain, q, qlen) != 0)
				ok = 0;
		}
		T_OK(ok, "encrypt es%d: round trip through the server side, "
		     "qlen 0..600", es);

		padded = dc_pad_len(29, 0);
		T_EQ_INT(dc_encrypt_query(&s, cnonce, q, 29, 29, out, sizeof out,
					  &outlen), DC_EBADARG,
			 "encrypt es%d: padded_len == qlen refused", es);
		T_EQ_INT(dc_encrypt_query(&s, cnonce, q, 29, padded, out,
					  DC_QUERY_OVERHEAD + padded - 1, &outlen),
			 DC_EBADARG, "encrypt es%d: outcap one short refused", es);
		T_EQ_INT(dc_encrypt_query(&s, cnonce, q, 29, padded, out, 10,
					  &outlen),
			 DC_EBADARG, "encrypt es%d: tiny outcap refused", es);
		T_EQ_INT(dc_encrypt_query(&s, cnonce, NULL, 29, padded, out,
					  sizeof out, &outlen),
			 DC_EBADARG, "encrypt es%d: NULL query refused", es);
		T_EQ_INT(dc_encrypt_query(&s, cnonce, q, 29, 65536 + 64, out,
					  (size_t)-1, &outlen),
			 DC_EBADARG, "encrypt es%d: padded_len > 65535 refused", es);
	}
	memset(&bad, 0, sizeof bad);
	bad.es_version = 3;
	T_EQ_INT(dc_encrypt_query(&bad, cnonce, q, 29, 64, out, sizeof out,
				  &outlen), DC_EBADARG,
		 "encrypt: session with es-version 3 refused");
}

static void test_answer(void)
{
	const char *hexes[3] = { NULL, kat_a1_hex, kat_a2_hex };
	/* The largest answer is a whole TCP frame (65535 bytes). */
	static uint8_t plain[DC_ANSWER_MAX_LEN + 64], ans[DC_ANSWER_MAX_LEN + 64];
	static uint8_t out[DC_ANSWER_MAX_LEN], want[256],
		big[DC_ANSWER_MAX_LEN - DC_ANSWER_OVERHEAD - 1];
	struct dc_session s, other_es, other_key;
	struct dc_keypair kp2;
	struct dc_cert c;
	const uint8_t *cn;
	size_t alen, outlen, i, plen;
	int es, b, ok, wlen;

	dc_keypair_new(&kp2);
	for (es = 1; es <= 2; es++) {
		make_cert(&c, (uint16_t)es, res_pk);
		dc_session_init(&s, &client, &c);
		dc_session_init(&other_key, &kp2, &c);
		make_cert(&c, (uint16_t)(3 - es), res_pk);
		dc_session_init(&other_es, &client, &c);

		pad_plain(plain, kat_answer, sizeof kat_answer, 64);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, 64, ans);
		if (getenv("KAT_PRINT"))
			print_hex(es == 1 ? "a1" : "a2", ans, alen);
		wlen = t_unhex(hexes[es], want, sizeof want);
		T_OK(wlen == (int)alen && memcmp(ans, want, alen) == 0,
		     "answer es%d: server side matches the known answer", es);

		cn = NULL;
		T_EQ_INT(dc_answer_nonce(want, (size_t)wlen, &cn), DC_OK,
			 "answer es%d: dc_answer_nonce", es);
		T_OK(cn == want + 8 && memcmp(cn, cnonce, 12) == 0,
		     "answer es%d: client nonce half", es);
		memset(out, 0xee, sizeof out);
		T_EQ_INT(dc_decrypt_answer(&s, want, (size_t)wlen, out,
					   (size_t)wlen - DC_ANSWER_OVERHEAD,
					   &outlen), DC_OK,
			 "answer es%d: known answer decrypts", es);
		T_OK(outlen == sizeof kat_answer &&
		     memcmp(out, kat_answer, outlen) == 0,
		     "answer es%d: plaintext is the DNS answer", es);
		T_EQ_INT(dc_decrypt_answer(&s, want, (size_t)wlen, out,
					   (size_t)wlen - DC_ANSWER_OVERHEAD - 1,
					   &outlen), DC_EBADARG,
			 "answer es%d: outcap one short refused", es);

		/* Every single-bit flip anywhere is refused. */
		ok = 1;
		for (i = 0; i < alen; i++)
			for (b = 0; b < 8; b++) {
				ans[i] ^= (uint8_t)(1 << b);
				if (dc_answer_nonce(ans, alen, &cn) == DC_OK &&
				    dc_decrypt_answer(&s, ans, alen, out,
						      sizeof out, &outlen) ==
				    DC_OK)
					ok = 0;
				ans[i] ^= (uint8_t)(1 << b);
			}
		T_OK(ok, "answer es%d: every one-bit flip (magic, nonces, MAC, "
		     "ciphertext) refused", es);
		ok = 1;
		for (i = 0; i < 8; i++) {
			ans[i] ^= 0x40;
			ok &= dc_answer_nonce(ans, alen, &cn) == DC_EBADRESP &&
			      dc_decrypt_answer(&s, ans, alen, out, sizeof out,
						&outlen) == DC_EBADRESP;
			ans[i] ^= 0x40;
		}
		T_OK(ok, "answer es%d: wrong magic refused by both", es);
		T_EQ_INT(dc_decrypt_answer(&s, ans, alen - 1, out, sizeof out,
					   &outlen), DC_EBADRESP,
			 "answer es%d: one byte short refused", es);
		T_EQ_INT(dc_decrypt_answer(&other_key, ans, alen, out,
					   sizeof out, &outlen), DC_EBADRESP,
			 "answer es%d: another client key refused", es);
		T_EQ_INT(dc_decrypt_answer(&other_es, ans, alen, out,
					   sizeof out, &outlen), DC_EBADRESP,
			 "answer es%d: decrypting as es%d refused", es, 3 - es);

		/* Length bounds. */
		memset(plain, 0, sizeof plain);
		T_EQ_INT(dc_answer_nonce(ans, DC_ANSWER_MIN_LEN - 1, &cn),
			 DC_EBADRESP, "answer es%d: length %d refused", es,
			 DC_ANSWER_MIN_LEN - 1);
		T_EQ_INT(dc_answer_nonce(ans, DC_ANSWER_MIN_LEN, &cn), DC_OK,
			 "answer es%d: length %d passes the first checks", es,
			 DC_ANSWER_MIN_LEN);
		T_EQ_INT(dc_answer_nonce(NULL, 100, &cn), DC_EBADRESP,
			 "answer: NULL refused");
		for (i = 0; i < sizeof big; i++)
			big[i] = (uint8_t)(i + 1);
		plen = DC_ANSWER_MAX_LEN - DC_ANSWER_OVERHEAD;
		pad_plain(plain, big, sizeof big, plen);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, plen, ans);
		T_OK(alen == DC_ANSWER_MAX_LEN &&
		     dc_answer_nonce(ans, alen, &cn) == DC_OK &&
		     dc_decrypt_answer(&s, ans, alen, out, sizeof out,
				       &outlen) == DC_OK &&
		     outlen == sizeof big &&
		     memcmp(out, big, sizeof big) == 0,
		     "answer es%d: a 65486-byte message in a 65535-byte frame "
		     "(the largest over TCP) decrypts", es);
		pad_plain(plain, big, sizeof big, plen + 1);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, plen + 1, ans);
		T_OK(dc_answer_nonce(ans, alen, &cn) == DC_EBADRESP &&
		     dc_decrypt_answer(&s, ans, alen, out, sizeof out,
				       &outlen) == DC_EBADRESP,
		     "answer es%d: one byte over the maximum refused", es);

		/* Smallest answers: 12-byte message ok, 11 refused. */
		pad_plain(plain, big, 12, 13);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, 13, ans);
		T_OK(dc_answer_nonce(ans, alen, &cn) == DC_OK &&
		     dc_decrypt_answer(&s, ans, alen, out, sizeof out,
				       &outlen) == DC_OK && outlen == 12,
		     "answer es%d: 12-byte message, no zero padding", es);
		pad_plain(plain, big, 11, 12);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, 12, ans);
		T_EQ_INT(dc_decrypt_answer(&s, ans, alen, out, sizeof out,
					   &outlen), DC_EBADRESP,
			 "answer es%d: 11-byte message refused", es);
		pad_plain(plain, big, 11, 64);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, 64, ans);
		T_EQ_INT(dc_decrypt_answer(&s, ans, alen, out, sizeof out,
					   &outlen), DC_EBADRESP,
			 "answer es%d: 11-byte message with padding refused", es);

		/* Bad padding. */
		memcpy(plain, kat_answer, sizeof kat_answer);
		memset(plain + sizeof kat_answer, 0, 64 - sizeof kat_answer);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, 64, ans);
		T_EQ_INT(dc_decrypt_answer(&s, ans, alen, out, sizeof out,
					   &outlen), DC_EBADRESP,
			 "answer es%d: no 0x80 (message then zeros) refused", es);
		memset(plain, 0, 64);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, 64, ans);
		T_EQ_INT(dc_decrypt_answer(&s, ans, alen, out, sizeof out,
					   &outlen), DC_EBADRESP,
			 "answer es%d: all-zero plaintext refused", es);
		pad_plain(plain, kat_answer, sizeof kat_answer, 64);
		plain[63] = 0x01;
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, 64, ans);
		T_EQ_INT(dc_decrypt_answer(&s, ans, alen, out, sizeof out,
					   &outlen), DC_EBADRESP,
			 "answer es%d: trailing non-zero after 0x80 refused", es);
		memcpy(plain, kat_answer, sizeof kat_answer);
		alen = server_answer((uint16_t)es, client.pk, res_sk, cnonce,
				     rnonce, plain, sizeof kat_answer, ans);
		T_EQ_INT(dc_decrypt_answer(&s, ans, alen, out, sizeof out,
					   &outlen), DC_EBADRESP,
			 "answer es%d: unpadded plaintext refused", es);
	}
	memset(&s, 0, sizeof s);
	s.es_version = 3;
	T_EQ_INT(dc_decrypt_answer(&s, want, 112, out, sizeof out, &outlen),
		 DC_EBADARG, "answer: session with es-version 3 refused");
}

int main(void)
{
	if (sodium_init() < 0) {
		printf("Bail out! sodium_init failed\n");
		return 1;
	}
	setup_keys();
	test_basics();
	test_session();
	test_pad_len();
	test_unpad();
	test_encrypt_kat();
	test_encrypt_misc();
	test_answer();
	printf("1..%d\n", t_n);
	T_DONE();
}
