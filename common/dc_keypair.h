/* SPDX-License-Identifier: ISC */
/* dc_keypair.h - the client's X25519 key pair (design.md 2). */
#ifndef DC_KEYPAIR_H
#define DC_KEYPAIR_H

#include <stdint.h>
#include "dc_crypt.h"

/* A fresh key pair: 32 random bytes, and their public key. */
void dc_keypair_new(struct dc_keypair *kp);

/* The key pair of secret sk (clamped by X25519 itself, RFC 7748 5): pure,
 * for known-answer tests. */
void dc_keypair_from_secret(struct dc_keypair *kp, const uint8_t sk[32]);

#endif
