/* SPDX-License-Identifier: ISC */
/* test_keypair.c - the client's X25519 key pair (dc_keypair.c): RFC 7748
 * 6.1's known answers, the same public keys as libsodium's
 * crypto_scalarmult_base (whichever implementation it picked on this CPU)
 * for random secrets, and a shared key both sides agree on. */
#include <string.h>
#include <sodium.h>
#include "t.h"
#include "dc_keypair.h"

static void unhex(uint8_t *out, const char *hex)
{
	for (size_t i = 0; i < 32; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

int main(void)
{
	/* RFC 7748 6.1: Alice's and Bob's key pairs, and their shared secret. */
	static const char *const vec[][2] = {
		{ "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
		  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a" },
		{ "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
		  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f" },
	};
	uint8_t sk[32], want[32], s1[32], s2[32], shared[32];
	struct dc_keypair a, b, kp;
	int same = 1;

	T_OK(sodium_init() >= 0, "sodium_init");
	for (size_t i = 0; i < 2; i++) {
		unhex(sk, vec[i][0]);
		unhex(want, vec[i][1]);
		dc_keypair_from_secret(i ? &b : &a, sk);
		T_OK(memcmp(i ? b.pk : a.pk, want, 32) == 0, "RFC 7748 6.1: public key %zu", i + 1);
	}
	unhex(shared, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	T_OK(crypto_scalarmult(s1, a.sk, b.pk) == 0 && crypto_scalarmult(s2, b.sk, a.pk) == 0 &&
	     memcmp(s1, shared, 32) == 0 && memcmp(s2, shared, 32) == 0,
	     "RFC 7748 6.1: both sides get the shared secret");

	for (int i = 0; i < 2000 && same; i++) {
		dc_keypair_new(&kp);
		crypto_scalarmult_base(want, kp.sk);
		same = memcmp(kp.pk, want, 32) == 0;
	}
	T_OK(same, "2000 fresh key pairs: the public key crypto_scalarmult_base gives");
	dc_keypair_new(&a);
	dc_keypair_new(&b);
	T_OK(memcmp(a.sk, b.sk, 32) != 0, "two fresh secrets differ");
	T_OK(crypto_box_beforenm(s1, b.pk, a.sk) == 0 && crypto_box_beforenm(s2, a.pk, b.sk) == 0 &&
	     memcmp(s1, s2, 32) == 0, "crypto_box_beforenm agrees both ways");
	T_DONE();
}
