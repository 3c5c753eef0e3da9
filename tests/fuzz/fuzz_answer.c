/* SPDX-License-Identifier: ISC */
/* fuzz_answer.c - libFuzzer target for the answer path.
 *
 * (a) The input as an encrypted answer: dc_answer_nonce + dc_decrypt_answer
 *     with fixed es-version 1 and 2 sessions.
 * (b) The input as the plaintext DNS message: a server-side encryption with
 *     the fixed keys (so it always authenticates), then dc_decrypt_answer,
 *     then the DNS parsers of dc_dns.h on what came out.
 *
 * Fixed keys (the seed corpus is built with them): client X25519 secret
 * 01 02 .. 20, resolver secret 80 81 .. 9f, client nonce c0 .. cb, resolver
 * nonce d0 .. db, client magic "CLMAGIC1".  corpus/answer holds encrypted
 * answers under these keys (for (a)) and plain DNS answers (for (b)).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "dc_crypt.h"
#include "dc_dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dc_session sess[3];   /* by es-version */
static uint8_t client_pk[32], res_sk[32];
static uint8_t nonce24[24];

static void setup(void)
{
	static int done;
	struct dc_keypair kp;
	struct dc_cert cert;
	int i, es;

	if (done)
		return;
	if (sodium_init() < 0)
		abort();
	for (i = 0; i < 32; i++) {
		kp.sk[i] = (uint8_t)(1 + i);
		res_sk[i] = (uint8_t)(0x80 + i);
	}
	crypto_scalarmult_base(kp.pk, kp.sk);
	memcpy(client_pk, kp.pk, 32);
	memset(&cert, 0, sizeof cert);
	crypto_scalarmult_base(cert.resolver_pk, res_sk);
	memcpy(cert.client_magic, "CLMAGIC1", 8);
	for (es = 1; es <= 2; es++) {
		cert.es_version = (uint16_t)es;
		if (dc_session_init(&sess[es], &kp, &cert) != DC_OK)
			abort();
	}
	for (i = 0; i < 12; i++) {
		nonce24[i] = (uint8_t)(0xc0 + i);
		nonce24[12 + i] = (uint8_t)(0xd0 + i);
	}
	done = 1;
}

static void parse_dns(const uint8_t *msg, size_t len)
{
#ifndef NO_DNS_PARSE
	struct dc_hostres h, copy;

	dc_hostres_init(&h);
	if (dc_dns_parse_addrs(msg, len, 1, &h) == DC_OK) {
		if (dc_hostres_copy(&copy, &h) == DC_OK)
			dc_hostres_free(&copy);
	}
	dc_hostres_free(&h);

	dc_hostres_init(&h);
	(void)dc_dns_parse_addrs(msg, len, 28, &h);
	dc_hostres_free(&h);

	dc_hostres_init(&h);
	(void)dc_dns_parse_ptr(msg, len, &h);
	dc_hostres_free(&h);
#else
	(void)msg;
	(void)len;
#endif
}

static uint8_t ans[DC_ANSWER_MAX_LEN + 64];
static uint8_t plain[DC_ANSWER_MAX_LEN];
static uint8_t out[DC_ANSWER_MAX_LEN];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *cn;
	size_t outlen, msglen, plen;
	int es, rc;
	dc_status st;

	setup();

	/* (a) raw bytes as an encrypted answer */
	if (dc_answer_nonce(data, size, &cn) == DC_OK) {
		if (cn != data + 8)
			abort();
		for (es = 1; es <= 2; es++) {
			if (dc_decrypt_answer(&sess[es], data, size, out,
					      size - DC_ANSWER_OVERHEAD,
					      &outlen) == DC_OK) {
				if (outlen < 12 || outlen >= size - DC_ANSWER_OVERHEAD)
					abort();
				parse_dns(out, outlen);
			}
		}
	} else if (dc_decrypt_answer(&sess[1], data, size, out, sizeof out,
				     &outlen) == DC_OK) {
		abort(); /* what fails the first checks never decrypts */
	}

	/* (b) raw bytes as the DNS message of an authentic answer */
	msglen = size > DC_MAX_DNS_MSG ? DC_MAX_DNS_MSG : size;
	plen = (msglen + 1 + 63) & ~(size_t)63; /* server-side padding */
	memcpy(plain, data, msglen);
	plain[msglen] = 0x80;
	memset(plain + msglen + 1, 0, plen - msglen - 1);
	es = 1 + (int)(size & 1);
	memcpy(ans, dc_answer_magic, 8);
	memcpy(ans + 8, nonce24, 24);
	if (es == 1)
		rc = crypto_box_easy(ans + 32, plain, plen, nonce24, client_pk,
				     res_sk);
	else
		rc = crypto_box_curve25519xchacha20poly1305_easy(
			ans + 32, plain, plen, nonce24, client_pk, res_sk);
	if (rc != 0)
		abort();
	st = dc_decrypt_answer(&sess[es], ans, DC_ANSWER_OVERHEAD + plen, out,
			       sizeof out, &outlen);
	if (msglen < 12) {
		if (st != DC_EBADRESP)
			abort();
		return 0;
	}
	if (st != DC_OK || outlen != msglen || memcmp(out, data, msglen) != 0)
		abort();
	parse_dns(out, outlen);
	return 0;
}
