/* SPDX-License-Identifier: ISC */
/* test_ephemeral.c - ephemeral-keys: a fresh X25519 key pair per query.
 * Each query's session has its own client public key, the resolver can
 * open every one of them, and the extra CPU per query is measured (the
 * figure in README.md comes from this program's "# cost" line). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "t.h"
#include "dc_crypt.h"
#include "dc_keypair.h"

#define ROUNDS 2000
#define ROUNDS_VALGRIND 50   /* tests/run.sh sets RUN_UNDER_VALGRIND=1 */

static double cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* CPU time: the cost, not the load */
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* A resolver certificate with a fresh resolver key pair. */
static void make_cert(struct dc_cert *c, uint8_t rsk[32], uint16_t es)
{
	memset(c, 0, sizeof *c);
	c->es_version = es;
	crypto_box_keypair(c->resolver_pk, rsk);
	memcpy(c->client_magic, "CLIMAGIC", 8);
}

/* The resolver's side: open a query sealed with session s. */
static int resolver_opens(const uint8_t *q, size_t qlen, const uint8_t rsk[32],
			  uint16_t es)
{
	uint8_t shared[32], n24[24] = { 0 }, out[1024];
	int rc;

	if (es == DC_ES_XSALSA20)
		rc = crypto_box_beforenm(shared, q + 8, rsk);
	else
		rc = crypto_box_curve25519xchacha20poly1305_beforenm(shared, q + 8, rsk);
	if (rc != 0)
		return -1;
	memcpy(n24, q + 40, 12);
	if (es == DC_ES_XSALSA20)
		return crypto_box_open_easy_afternm(out, q + 52, qlen - 52, n24, shared);
	return crypto_box_curve25519xchacha20poly1305_open_easy_afternm(out, q + 52, qlen - 52,
									 n24, shared);
}

static void test_fresh_keys(uint16_t es)
{
	static const uint8_t dns[29] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					 3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
	struct dc_cert cert;
	struct dc_keypair kp;
	struct dc_session s[2];
	uint8_t rsk[32], nonce[12], q[2][512];
	size_t qlen[2];

	make_cert(&cert, rsk, es);
	for (int i = 0; i < 2; i++) {
		dc_keypair_new(&kp);
		T_EQ_INT(dc_session_init(&s[i], &kp, &cert), DC_OK, "es %u: session %d", es, i + 1);
		randombytes_buf(nonce, sizeof nonce);
		T_EQ_INT(dc_encrypt_query(&s[i], nonce, dns, sizeof dns, dc_pad_len(sizeof dns, 256),
					  q[i], sizeof q[i], &qlen[i]), DC_OK,
			 "es %u: query %d sealed", es, i + 1);
	}
	T_OK(memcmp(q[0] + 8, q[1] + 8, 32) != 0,
	     "es %u: the two queries carry different client public keys", es);
	T_OK(memcmp(q[0], cert.client_magic, 8) == 0 && memcmp(q[1], cert.client_magic, 8) == 0,
	     "es %u: both start with the certificate's client magic", es);
	T_OK(resolver_opens(q[0], qlen[0], rsk, es) == 0 && resolver_opens(q[1], qlen[1], rsk, es) == 0,
	     "es %u: the resolver opens both", es);
}

/* The cost: what ephemeral-keys adds to every query (a key pair and a
 * shared key: two X25519 operations), next to the sealing itself. */
static void test_cost(void)
{
	static const uint8_t dns[40] = { 0x12, 0x34, 1, 0, 0, 1 };
	struct dc_cert cert;
	struct dc_keypair kp;
	struct dc_session s;
	uint8_t rsk[32], nonce[12] = { 0 }, q[1024];
	size_t qlen;
	double t0, seal_us, eph_us;
	const char *vg = getenv("RUN_UNDER_VALGRIND");
	int rounds = vg && vg[0] == '1' ? ROUNDS_VALGRIND : ROUNDS;

	make_cert(&cert, rsk, DC_ES_XCHACHA20);
	dc_keypair_new(&kp);
	dc_session_init(&s, &kp, &cert);
	T_EQ_INT(dc_encrypt_query(&s, nonce, dns, sizeof dns, 448, q, sizeof q, &qlen), DC_OK,
		 "the measured sealing works (%zu bytes)", qlen);
	t0 = cpu_us();
	for (int i = 0; i < rounds; i++) {
		nonce[0] = (uint8_t)i;
		dc_encrypt_query(&s, nonce, dns, sizeof dns, 448, q, sizeof q, &qlen);
	}
	seal_us = (cpu_us() - t0) / rounds;
	t0 = cpu_us();
	for (int i = 0; i < rounds; i++) {
		dc_keypair_new(&kp);
		dc_session_init(&s, &kp, &cert);
		dc_encrypt_query(&s, nonce, dns, sizeof dns, 448, q, sizeof q, &qlen);
	}
	eph_us = (cpu_us() - t0) / rounds;
	printf("# cost: sealing a 512-byte query %.1f us; with a fresh key pair "
	       "%.1f us (+%.1f us per query, %d rounds)\n", seal_us, eph_us,
	       eph_us - seal_us, rounds);
	T_OK(eph_us > seal_us, "a fresh key pair costs something (%.1f us)", eph_us - seal_us);
	/* a loose bound: valgrind makes it about 100 times slower */
	T_OK(eph_us - seal_us < 100000, "... but not a tenth of a second");
	sodium_memzero(&kp, sizeof kp);
}

int main(void)
{
	if (sodium_init() < 0) {
		printf("Bail out! sodium_init\n");
		return 1;
	}
	test_fresh_keys(DC_ES_XSALSA20);
	test_fresh_keys(DC_ES_XCHACHA20);
	test_cost();
	T_DONE();
}
