/* SPDX-License-Identifier: ISC */
/* fuzz_config.c - libFuzzer target for dc_config_parse.
 *
 * A crash, a sanitizer report or a broken invariant (__builtin_trap) is a
 * finding: a parsed config must be within the documented ranges, a
 * refused one must say "fuzz.conf:..." on one line and be left at the
 * defaults. */
#include <stdint.h>
#include <string.h>

#include "dc_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ok(const struct dc_config *c)
{
	size_t n;
	int i;

	if (c->nservers < 0 || c->nservers > DC_MAX_SERVERS ||
	    c->timeout_ms < 50 || c->timeout_ms > 30000 ||
	    c->attempts < 1 || c->attempts > 10 ||
	    c->total_timeout_ms < 100 || c->total_timeout_ms > 60000 ||
	    c->ndots < -1 || c->ndots > 15 ||
	    c->nsearch < -1 || c->nsearch > DC_MAX_SEARCH ||
	    c->udp_size < 256 || c->udp_max > 4096 || c->udp_max < c->udp_size ||
	    (c->cache != 0 && c->cache != 1))
		__builtin_trap();
	for (i = 0; i < c->nservers; i++) {
		uint64_t need = dc_config_required_props(c);
		if (c->servers[i].kind != DC_STAMP_DNSCRYPT || c->servers[i].provider_name[0] == '\0' ||
		    (c->servers[i].props & need) != need ||
		    c->nvia[i] < 0 || c->nvia[i] > DC_MAX_VIA)
			__builtin_trap();
		for (int k = 0; k < c->nvia[i]; k++)
			if (c->via[i][k] >= c->nrelays)
				__builtin_trap();
	}
	if (c->nrelays < 0 || c->nrelays > DC_MAX_RELAYS)
		__builtin_trap();
	for (i = 0; i < c->nrelays; i++)
		if (c->relays[i].kind != DC_STAMP_RELAY)
			__builtin_trap();
	for (i = 0; i < c->nsearch; i++) {
		n = strnlen(c->search[i], sizeof c->search[i]);
		if (n == 0 || n > 253)
			__builtin_trap();
	}
	if (strnlen(c->cert_cache_dir, sizeof c->cert_cache_dir) == sizeof c->cert_cache_dir ||
	    (c->cert_cache_dir[0] != '\0' && c->cert_cache_dir[0] != '/'))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_config c;
	char err[512];

	memset(err, 'x', sizeof err);
	if (dc_config_parse((const char *)data, size, "fuzz.conf", &c, err, sizeof err) == DC_OK) {
		check_ok(&c);
		return 0;
	}
	if (strncmp(err, "fuzz.conf:", 10) != 0 || strchr(err, '\n') != NULL ||
	    c.nservers != 0 || c.timeout_ms != 500 || c.nsearch != -1)
		__builtin_trap();
	return 0;
}
