/* SPDX-License-Identifier: ISC */
/* dc_crypt.c - DNSCrypt v2 box/unbox and padding (design.md 2). */
#include <string.h>
#include <limits.h>
#include <stdint.h>
#include <sodium.h>
#include "dc_crypt.h"

const uint8_t dc_answer_magic[8] = { 'r', '6', 'f', 'n', 'v', 'W', 'j', '8' };

/* A DNS message never exceeds 65535 bytes (TCP length prefix); bounding
 * lengths here also keeps libsodium's size checks (which abort) away. */
#define MAX_PLAINTEXT 65535

dc_status dc_session_init(struct dc_session *s, const struct dc_keypair *kp,
			  const struct dc_cert *cert)
{
	int rc;

	if (s == NULL || kp == NULL || cert == NULL)
		return DC_EBADARG;
	memset(s, 0, sizeof *s);
	if (cert->es_version != DC_ES_XSALSA20 &&
	    cert->es_version != DC_ES_XCHACHA20)
		return DC_ECERT;
	/* design.md 2: a weak resolver key (all zero, or one for which
	 * beforenm fails: low order points) is an error. */
	if (sodium_is_zero(cert->resolver_pk, sizeof cert->resolver_pk))
		return DC_ECERT;
	if (cert->es_version == DC_ES_XSALSA20)
		rc = crypto_box_beforenm(s->shared, cert->resolver_pk, kp->sk);
	else
		rc = crypto_box_curve25519xchacha20poly1305_beforenm(
			s->shared, cert->resolver_pk, kp->sk);
	if (rc != 0) {
		sodium_memzero(s, sizeof *s);
		return DC_ECERT;
	}
	s->es_version = cert->es_version;
	memcpy(s->client_magic, cert->client_magic, sizeof s->client_magic);
	memcpy(s->client_pk, kp->pk, sizeof s->client_pk);
	return DC_OK;
}

size_t dc_pad_len(size_t qlen, size_t min_wire)
{
	size_t n;

	if (qlen > MAX_PLAINTEXT)
		return 0; /* the caller's encrypt then refuses it */
	n = qlen + 1; /* at least the 0x80 byte */
	if (min_wire > MAX_PLAINTEXT)
		min_wire = MAX_PLAINTEXT;
	if (min_wire != 0) {
		if (min_wire < DC_MIN_UDP_QUERY)
			min_wire = DC_MIN_UDP_QUERY;
		if (n + DC_QUERY_OVERHEAD < min_wire)
			n = min_wire - DC_QUERY_OVERHEAD;
	}
	return (n + 63) & ~(size_t)63;
}

long dc_unpad(const uint8_t *buf, size_t len)
{
	size_t i = len;

	if (buf == NULL || len > LONG_MAX)
		return -1;
	/* ISO/IEC 7816-4: message | 0x80 | 0x00...  Answers carry hundreds of
	 * padding bytes: skip zero words first (the plaintext is already
	 * authenticated; its padding length is no secret to hide here). */
	while (i >= 8) {
		uint64_t w;

		memcpy(&w, buf + i - 8, 8);
		if (w != 0)
			break;
		i -= 8;
	}
	while (i > 0 && buf[i - 1] == 0)
		i--;
	if (i == 0 || buf[i - 1] != 0x80)
		return -1;
	return (long)(i - 1);
}

static int valid_es(uint16_t es)
{
	return es == DC_ES_XSALSA20 || es == DC_ES_XCHACHA20;
}

dc_status dc_encrypt_query(const struct dc_session *s, const uint8_t nonce[12],
			   const uint8_t *q, size_t qlen, size_t padded_len,
			   uint8_t *out, size_t outcap, size_t *outlen)
{
	uint8_t n24[24];
	uint8_t *box, *pt;
	int rc;

	if (s == NULL || nonce == NULL || (q == NULL && qlen > 0) ||
	    out == NULL || !valid_es(s->es_version) ||
	    padded_len > MAX_PLAINTEXT || qlen >= padded_len ||
	    outcap < DC_QUERY_OVERHEAD ||
	    padded_len > outcap - DC_QUERY_OVERHEAD)
		return DC_EBADARG;

	/* The query nonce is client-nonce | 12 zero bytes. */
	memcpy(n24, nonce, DC_NONCE_HALF);
	memset(n24 + DC_NONCE_HALF, 0, sizeof n24 - DC_NONCE_HALF);

	box = out + 8 + 32 + DC_NONCE_HALF;        /* MAC | ciphertext */
	pt = box + crypto_box_MACBYTES;            /* encrypted in place */
	if (qlen > 0)
		memmove(pt, q, qlen);
	pt[qlen] = 0x80;
	memset(pt + qlen + 1, 0, padded_len - qlen - 1);

	memcpy(out, s->client_magic, 8);
	memcpy(out + 8, s->client_pk, 32);
	memcpy(out + 40, nonce, DC_NONCE_HALF);

	/* libsodium's *_easy_afternm allow the message to overlap the
	 * output: here it sits exactly where the ciphertext goes. */
	if (s->es_version == DC_ES_XSALSA20)
		rc = crypto_box_easy_afternm(box, pt, padded_len, n24,
					     s->shared);
	else
		rc = crypto_box_curve25519xchacha20poly1305_easy_afternm(
			box, pt, padded_len, n24, s->shared);
	if (rc != 0) {
		sodium_memzero(out, DC_QUERY_OVERHEAD + padded_len);
		return DC_EBADARG;
	}
	if (outlen != NULL)
		*outlen = DC_QUERY_OVERHEAD + padded_len;
	return DC_OK;
}

dc_status dc_answer_nonce(const uint8_t *buf, size_t len,
			  const uint8_t **client_nonce)
{
	if (buf == NULL || len < DC_ANSWER_MIN_LEN || len > DC_ANSWER_MAX_LEN ||
	    memcmp(buf, dc_answer_magic, sizeof dc_answer_magic) != 0)
		return DC_EBADRESP;
	if (client_nonce != NULL)
		*client_nonce = buf + 8;
	return DC_OK;
}

dc_status dc_decrypt_answer(const struct dc_session *s, const uint8_t *buf,
			    size_t len, uint8_t *out, size_t outcap,
			    size_t *outlen)
{
	const uint8_t *box;
	size_t mlen;
	long ml;
	int rc;

	if (s == NULL || out == NULL || !valid_es(s->es_version))
		return DC_EBADARG;
	if (dc_answer_nonce(buf, len, NULL) != DC_OK)
		return DC_EBADRESP;
	mlen = len - DC_ANSWER_OVERHEAD;
	if (outcap < mlen)
		return DC_EBADARG;

	/* Bytes 8..31 are the 24-byte nonce: client-nonce | resolver-nonce. */
	box = buf + 8 + 2 * DC_NONCE_HALF;
	if (s->es_version == DC_ES_XSALSA20)
		rc = crypto_box_open_easy_afternm(out, box,
						  mlen + crypto_box_MACBYTES,
						  buf + 8, s->shared);
	else
		rc = crypto_box_curve25519xchacha20poly1305_open_easy_afternm(
			out, box, mlen + crypto_box_MACBYTES, buf + 8,
			s->shared);
	if (rc != 0)
		return DC_EBADRESP;
	ml = dc_unpad(out, mlen);
	if (ml < 12) /* bad padding, or shorter than a DNS header */
		return DC_EBADRESP;
	if (outlen != NULL)
		*outlen = (size_t)ml;
	return DC_OK;
}
