/* dc_resolve_int.h - the debug log line of a lookup (dc_resolve_log.c),
 * written by dc_resolve.c. */
#ifndef DC_RESOLVE_INT_H
#define DC_RESOLVE_INT_H

#include "dc_engine.h"
#include "dc_status.h"

/* "A", "AAAA" or "A+AAAA". */
const char *dc_lookup_family_str(int family);

/* what is "NAME A+AAAA", "ADDRESS PTR", ...; detail the answer's summary. */
void dc_lookup_log_write(const struct dc_lookup *lk, const char *what,
			 dc_status rc, const char *detail);

#endif
