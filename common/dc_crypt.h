/* SPDX-License-Identifier: ISC */
/* dc_crypt.h - DNSCrypt v2 box/unbox and padding (pure functions over bytes).
 *
 * Query:  client-magic(8) | client-pk(32) | client-nonce(12) | box
 *         box = MAC(16) | E(dns-message | 0x80 | 0x00...)
 *         nonce = client-nonce(12) | 12 zero bytes
 * Answer: "r6fnvWj8"(8) | client-nonce(12) | resolver-nonce(12) | MAC(16) | E(...)
 *         nonce = client-nonce | resolver-nonce
 * es-version 1 is X25519-XSalsa20Poly1305 (crypto_box), 2 is
 * X25519-XChaCha20Poly1305 (crypto_box_curve25519xchacha20poly1305).
 */
#ifndef DC_CRYPT_H
#define DC_CRYPT_H

#include <stdint.h>
#include <stddef.h>
#include "dc_status.h"
#include "dc_cert.h"

#define DC_QUERY_OVERHEAD  68   /* 8 + 32 + 12 + 16 */
#define DC_ANSWER_OVERHEAD 48   /* 8 + 12 + 12 + 16 */
#define DC_NONCE_HALF      12
#define DC_MIN_UDP_QUERY   256  /* dnsdist drops shorter UDP queries */
#define DC_MAX_DNS_MSG     4096 /* queries, and answers over UDP */
#define DC_MAX_TCP_PADDING 256  /* dnsdist drops TCP queries with more padding */
/* Bounds on an encrypted answer's length checked by dc_answer_nonce: a
 * DNS header at least; at most what one TCP frame carries (its length
 * prefix is 16 bits, RFC 1035 4.2.2), so an answer over TCP holds a DNS
 * message of up to 65486 bytes.  Over UDP the server never sends more
 * than our query's size. */
#define DC_ANSWER_MIN_LEN  (DC_ANSWER_OVERHEAD + 12)
#define DC_ANSWER_MAX_LEN  65535

extern const uint8_t dc_answer_magic[8]; /* "r6fnvWj8" */

struct dc_keypair {
	uint8_t pk[32];
	uint8_t sk[32];
};

/* What is needed to talk to one resolver certificate with one client key. */
struct dc_session {
	uint16_t es_version;
	uint8_t client_magic[8];
	uint8_t client_pk[32];
	uint8_t shared[32];       /* crypto_box_beforenm result */
};

/* Precompute the shared key.  DC_ECERT for an unsupported es-version or a
 * weak (all-zero / low-order) resolver key. */
dc_status dc_session_init(struct dc_session *s, const struct dc_keypair *kp,
			  const struct dc_cert *cert);

/* Padded plaintext length for a DNS message of qlen bytes.
 * UDP: at least qlen + 1, a multiple of 64, and large enough that the
 * whole query is at least min_wire bytes on the wire (min_wire is raised
 * to DC_MIN_UDP_QUERY).  TCP (min_wire == 0): qlen + 1 rounded up to 64,
 * so padding is 1..64 bytes (<= DC_MAX_TCP_PADDING). */
size_t dc_pad_len(size_t qlen, size_t min_wire);

/* ISO/IEC 7816-4 unpadding: returns the message length, or -1 if the
 * padding is malformed (last non-zero byte must be 0x80). */
long dc_unpad(const uint8_t *buf, size_t len);

/* Encrypt a query.  out must hold DC_QUERY_OVERHEAD + padded_len bytes,
 * padded_len >= qlen + 1.  nonce is the 12-byte client nonce. */
dc_status dc_encrypt_query(const struct dc_session *s, const uint8_t nonce[12],
			   const uint8_t *q, size_t qlen, size_t padded_len,
			   uint8_t *out, size_t outcap, size_t *outlen);

/* First checks on an answer (length bounds, magic).  On success points
 * *client_nonce at the 12-byte client-nonce half inside buf. */
dc_status dc_answer_nonce(const uint8_t *buf, size_t len,
			  const uint8_t **client_nonce);

/* Decrypt and unpad an answer whose client nonce the caller has already
 * matched.  out must hold len - DC_ANSWER_OVERHEAD bytes.  The result is
 * at least 12 bytes (a DNS header) or DC_EBADRESP. */
dc_status dc_decrypt_answer(const struct dc_session *s, const uint8_t *buf,
			    size_t len, uint8_t *out, size_t outcap,
			    size_t *outlen);

#endif
