/* SPDX-License-Identifier: ISC */
/* fuzz_cert_txt.c - libFuzzer target: arbitrary bytes as the DNS answer to
 * the certificate TXT query.
 *
 * Fixed inputs (the seed corpus is built with them): the provider key pair
 * comes from crypto_sign_seed_keypair with the seed 00 01 .. 1f (public key
 * 03a107bf...5531b8), and now is 1750000000.  corpus/cert_txt holds real
 * answers whose certificates that key signed, valid from 1700000000 to
 * 1800000000, so mutations start from the accepting path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "dc_cert.h"

#define FUZZ_NOW 1750000000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t provider_pk[32];

static void setup(void)
{
	static int done;
	uint8_t seed[32], sk[64];
	int i;

	if (done)
		return;
	if (sodium_init() < 0)
		abort();
	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	crypto_sign_seed_keypair(provider_pk, sk, seed);
	done = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_cert best, again;
	dc_cert_check why = DC_CERT_VALID;
	dc_status st;

	setup();
	st = dc_cert_from_txt_answer(data, size, provider_pk, FUZZ_NOW, &best,
				     &why);
	if (st == DC_OK) {
		/* What was chosen must stand on its own. */
		if (why != DC_CERT_VALID || best.rawlen < DC_CERT_MIN_LEN ||
		    best.rawlen > DC_CERT_MAX_LEN ||
		    dc_cert_parse(best.raw, best.rawlen, provider_pk, FUZZ_NOW,
				  &again) != DC_CERT_VALID ||
		    again.serial != best.serial ||
		    dc_cert_better(&again, &best) || dc_cert_better(&best, &again))
			abort();
	} else if (st != DC_ECERT || why == DC_CERT_VALID ||
		   dc_cert_check_str(why) == NULL) {
		abort();
	}
	/* Every candidate listed (dnscrypt-resolve's probe): the same
	 * verdict, and the best of the list is the one chosen above when
	 * the winner is among the first DC_CERT_LIST_MAX. */
	{
		static struct dc_cert_list all;
		dc_status ls = dc_cert_list_txt_answer(data, size, provider_pk,
						       FUZZ_NOW, &all);

		if (all.n > DC_CERT_LIST_MAX || all.n > all.ntxt ||
		    (ls == DC_OK) != (all.best >= 0) ||
		    (all.best >= 0 && (st != DC_OK || all.check[all.best] != DC_CERT_VALID)) ||
		    (st == DC_OK && all.ntxt <= DC_CERT_LIST_MAX && (all.best < 0 ||
		     dc_cert_better(&best, &all.cert[all.best]) ||
		     dc_cert_better(&all.cert[all.best], &best))))
			abort();
	}
	/* The raw bytes as one certificate, too. */
	(void)dc_cert_parse(data, size, provider_pk, FUZZ_NOW, &again);
	return 0;
}
