/* dc_resolve_int.h - shared between dc_resolve.c and dc_resolve_log.c. */
#ifndef DC_RESOLVE_INT_H
#define DC_RESOLVE_INT_H

#include <stddef.h>
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

/* The log line of each kind of lookup (dc_resolve.h), when the log is on. */
struct dc_hostres;
void dc_lookup_log_name(struct dc_lookup_log *lg, const char *name, int family,
			dc_status rc, const struct dc_hostres *out);
void dc_lookup_log_addr(struct dc_lookup_log *lg, int family, const void *addr,
			dc_status rc, const struct dc_hostres *out);
void dc_lookup_log_raw(struct dc_lookup_log *lg, const char *name, int dnsclass,
		       int type, int search, dc_status rc);
void dc_lookup_log_msg(struct dc_lookup_log *lg, const uint8_t *msg, size_t len,
		       const uint8_t *ans, size_t anslen, dc_status rc);

#endif
