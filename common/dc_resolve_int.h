/* dc_resolve_int.h - shared between dc_resolve.c and dc_resolve_log.c. */
#ifndef DC_RESOLVE_INT_H
#define DC_RESOLVE_INT_H

#include <stdint.h>

#include "dc_status.h"

struct dc_ctx;

/* One lookup, for its debug log line. */
struct dc_lookup_log {
	struct dc_ctx *ctx;        /* set once the context exists */
	uint64_t start;
	const char *how;           /* "from the cache", or NULL */
};

/* "A", "AAAA" or "A+AAAA". */
const char *dc_lookup_family_str(int family);

/* what is "NAME A+AAAA", "ADDRESS PTR", ...; detail the answer's summary. */
void dc_lookup_log_write(const struct dc_lookup_log *lg, const char *what,
			 dc_status rc, const char *detail);

#endif
