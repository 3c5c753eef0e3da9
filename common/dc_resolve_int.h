/* SPDX-License-Identifier: ISC */
/* dc_resolve_int.h - the debug log line of a lookup (dc_resolve_log.c),
 * written by dc_resolve.c. */
#ifndef DC_RESOLVE_INT_H
#define DC_RESOLVE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dc_engine.h"
#include "dc_status.h"

/* "A", "AAAA" or "A+AAAA". */
const char *dc_lookup_family_str(int family);

/* what is "NAME A+AAAA", "ADDRESS PTR", ...; detail the answer's summary. */
void dc_lookup_log_write(const struct dc_lookup *lk, const char *what,
			 dc_status rc, const char *detail);

/* The log line of each kind of lookup (dc_resolve.h), when the log is on;
 * made in frames of their own, not in the lookup's. */
struct dc_hostres;
void dc_lookup_log_name(const struct dc_lookup *lk, const char *name, int family,
			dc_status rc, const struct dc_hostres *out);
void dc_lookup_log_addr(const struct dc_lookup *lk, int family, const void *addr,
			dc_status rc, const struct dc_hostres *out);
void dc_lookup_log_raw(const struct dc_lookup *lk, const char *name, int dnsclass,
		       int type, int search, dc_status rc);
void dc_lookup_log_msg(const struct dc_lookup *lk, const uint8_t *msg, size_t len,
		       const uint8_t *ans, size_t anslen, dc_status rc);

#endif
