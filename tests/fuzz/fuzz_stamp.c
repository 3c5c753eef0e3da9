/* SPDX-License-Identifier: ISC */
/* fuzz_stamp.c - libFuzzer target for dc_stamp_parse.
 *
 * The input is tried twice: as the stamp text itself (reaching the prefix
 * and base64 checks) and as the binary inside "sdns://" + base64url(input)
 * (reaching the field parser).  A crash, a sanitizer report or a broken
 * invariant (__builtin_trap) is a finding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "dc_stamp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *text)
{
	struct dc_stamp st;
	char err[256], addr[64];
	size_t n;

	memset(err, 'x', sizeof err);
	if (dc_stamp_parse(text, &st, err, sizeof err) != DC_OK) {
		if (memchr(err, 0, sizeof err) == NULL || err[0] == '\0' || strchr(err, '\n') != NULL)
			__builtin_trap();
		return;
	}
	if (st.kind != DC_STAMP_DNSCRYPT && st.kind != DC_STAMP_RELAY)
		__builtin_trap();
	if (!((st.addr.sa.sa_family == AF_INET && st.addrlen == sizeof st.addr.sin &&
	       st.addr.sin.sin_port != 0) ||
	      (st.addr.sa.sa_family == AF_INET6 && st.addrlen == sizeof st.addr.sin6 &&
	       st.addr.sin6.sin6_port != 0)))
		__builtin_trap();
	n = strnlen(st.provider_name, sizeof st.provider_name);
	if (n == sizeof st.provider_name || (st.kind == DC_STAMP_DNSCRYPT) != (n > 0))
		__builtin_trap();
	dc_stamp_addr_str(&st, addr, sizeof addr);
	if (addr[0] == '?')
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int v = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
	size_t b64len, cap;
	char *text;

	if (size > 4096)
		return 0;
	b64len = sodium_base64_ENCODED_LEN(size, v);
	cap = 7 + b64len > size + 1 ? 7 + b64len : size + 1;
	text = malloc(cap);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check(text);
	memcpy(text, "sdns://", 7);
	sodium_bin2base64(text + 7, b64len, data, size, v);
	check(text);
	free(text);
	return 0;
}
