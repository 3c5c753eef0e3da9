/* SPDX-License-Identifier: ISC */
/* dc_keypair.c - the client's X25519 key pair: one per process (or per
 * query with ephemeral-keys), so its cost is part of every new process's
 * first lookup (issue 16). */
#include <string.h>
#include <sodium.h>
#include "dc_keypair.h"

/* libsodium 1.0.18 has two X25519 implementations
 * (crypto_scalarmult/curve25519/): ref10 and, on x86-64 with AVX, sandy2x,
 * which crypto_scalarmult_base then uses for the public key too.  sandy2x's
 * base point multiplication is its Montgomery ladder; ref10's is a
 * fixed-base comb over precomputed Edwards points (ge25519_scalarmult_base,
 * constant time), then the map to Montgomery u.  In a new process on the
 * test VM: 33 against 16 us.  The implementation table is internal to
 * libsodium (hidden; reachable only in a static link, as ours is), with the
 * layout of scalarmult_curve25519.h; both compute X25519(sk, 9), and
 * test_keypair checks that against RFC 7748's vectors and
 * crypto_scalarmult_base. */
struct sodium_x25519_impl {
	int (*mult)(unsigned char *q, const unsigned char *n,
		    const unsigned char *p);
	int (*mult_base)(unsigned char *q, const unsigned char *n);
};
extern struct sodium_x25519_impl crypto_scalarmult_curve25519_ref10_implementation;

void dc_keypair_from_secret(struct dc_keypair *kp, const uint8_t sk[32])
{
	if (kp->sk != sk)
		memcpy(kp->sk, sk, sizeof kp->sk);
	(void)crypto_scalarmult_curve25519_ref10_implementation.mult_base(kp->pk, kp->sk);
}

void dc_keypair_new(struct dc_keypair *kp)
{
	/* As crypto_box_keypair: X25519 key pairs serve es-version 1 and 2. */
	randombytes_buf(kp->sk, sizeof kp->sk);
	dc_keypair_from_secret(kp, kp->sk);
}
