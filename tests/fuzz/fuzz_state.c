/* SPDX-License-Identifier: ISC */
/* fuzz_state.c - libFuzzer target for dc_state_parse, the parser of the
 * server state file (a file in a cache directory: it may be corrupted or
 * planted, and must only ever cost speed).
 *
 * A crash, a sanitizer report or a broken invariant (__builtin_trap) is a
 * finding: every record read is within the clamped ranges, ids are
 * unique, and what is read survives dc_state_format and a second parse
 * unchanged. */
#include <stdint.h>
#include <string.h>

#include "dc_servers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW ((time_t)1700000000)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_health h[DC_HEALTH_MAX], again[DC_HEALTH_MAX];
	static char out[DC_HEALTH_MAX * 128];
	size_t len;
	int n, m;

	if (size > DC_STATE_MAX)
		return 0;
	n = dc_state_parse((const char *)data, size, NOW, h, DC_HEALTH_MAX);
	if (n < 0 || n > DC_HEALTH_MAX)
		__builtin_trap();
	for (int i = 0; i < n; i++) {
		if (h[i].fails > DC_FAILS_MAX || h[i].srtt_us > DC_RTT_MAX_US ||
		    h[i].skip_until < 0 || h[i].skip_until > NOW + DC_SKIP_MAX ||
		    h[i].rtt_at < 0 || h[i].rtt_at > NOW ||
		    h[i].updated < 0 || h[i].updated > NOW ||
		    (h[i].srtt_us == 0 && h[i].rtt_at != 0))
			__builtin_trap();
		for (int k = 0; k < i; k++)
			if (memcmp(h[i].id, h[k].id, DC_HEALTH_ID_LEN) == 0)
				__builtin_trap();
	}
	len = dc_state_format(h, n, out, sizeof out);
	if (len >= sizeof out || strlen(out) != len)
		__builtin_trap();
	m = dc_state_parse(out, len, NOW, again, DC_HEALTH_MAX);
	if (m != n || memcmp(h, again, (size_t)n * sizeof h[0]) != 0)
		__builtin_trap();
	/* ranking any of it is defined */
	if (n > 0) {
		int order[DC_HEALTH_MAX];
		dc_health_rank(h, n, NOW, order);
	}
	return 0;
}
