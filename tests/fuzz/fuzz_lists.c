/* SPDX-License-Identifier: ISC */
/* fuzz_lists.c - libFuzzer target for the resolver-list code (dc_lists.c):
 * minisign public keys and signature files, signature checks, the
 * Markdown walker and the stamp filter.
 *
 * The input is used whole as a public key, as a signature file and as a
 * list; then split at its first NUL byte into a signature file and the
 * signed data, checked with a fixed key whose id is taken from the
 * signature so that the checks reach the crypto.  A crash, a sanitizer
 * report or a broken invariant (__builtin_trap) is a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "dc_lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const char *err, size_t cap)
{
	if (memchr(err, 0, cap) == NULL || err[0] == '\0' || strchr(err, '\n') != NULL)
		__builtin_trap();
}

static void walk(const char *text, size_t len)
{
	struct dc_list_iter it;
	char stamp[DC_LIST_STAMP_MAX + 1];
	const char *name;
	unsigned long n = 0;

	dc_list_begin(&it, text, len);
	while (dc_list_next(&it, &name, stamp, sizeof stamp)) {
		size_t sl = strlen(stamp);
		if (strncmp(stamp, "sdns://", 7) != 0 || sl > DC_LIST_STAMP_MAX ||
		    stamp[sl - 1] == ' ' || stamp[sl - 1] == '\t' || stamp[sl - 1] == '\r' ||
		    strchr(stamp, '\n') != NULL)
			__builtin_trap();
		for (const char *p = name; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				__builtin_trap();
		if (strlen(name) > DC_LIST_NAME_MAX || it.sections == 0)
			__builtin_trap();
		int k = dc_list_stamp_kind(stamp);
		for (unsigned want = 0; want < 0x40; want += 0x0b) {
			struct dc_stamp st;
			int m = dc_list_stamp_match(stamp, want, &st);
			if (m >= 0 && (k != DC_STAMP_DNSCRYPT || st.kind != DC_STAMP_DNSCRYPT))
				__builtin_trap();
		}
		if (++n > len)
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dc_minisign_pk fixed;
	static int init;
	struct dc_minisign_pk pk;
	struct dc_minisig sig;
	char err[256], *text;
	const uint8_t *nul;

	if (size > 65536)
		return 0;
	if (!init) {
		if (sodium_init() < 0)
			return 0;
		memset(fixed.pk, 0x42, sizeof fixed.pk);
		crypto_sign_seed_keypair(fixed.pk, (uint8_t[64]){0}, (const uint8_t[32]){1});
		init = 1;
	}
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	memset(err, 'x', sizeof err);
	if (dc_minisign_pk_parse(text, &pk, err, sizeof err) != DC_OK)
		check_err(err, sizeof err);
	memset(err, 'x', sizeof err);
	if (dc_minisig_parse(text, size, &sig, err, sizeof err) != DC_OK)
		check_err(err, sizeof err);
	walk(text, size);

	nul = memchr(data, 0, size);
	if (nul != NULL) {
		size_t sl = (size_t)(nul - data);
		memset(err, 'x', sizeof err);
		if (dc_minisig_parse(text, sl, &sig, err, sizeof err) == DC_OK) {
			if (strlen(sig.trusted) > DC_MINISIG_COMMENT_MAX)
				__builtin_trap();
			memcpy(fixed.keyid, sig.keyid, sizeof fixed.keyid);
			memset(err, 'x', sizeof err);
			if (dc_minisig_verify(&fixed, &sig, data + sl + 1, size - sl - 1,
					      err, sizeof err) != DC_OK)
				check_err(err, sizeof err);
		} else {
			check_err(err, sizeof err);
		}
	}
	free(text);
	return 0;
}
