/* SPDX-License-Identifier: ISC */
/* dc_anscache.h - a small in-process cache of address answers, honouring
 * their TTL (config "cache yes|no").  Process-wide, locked, bounded in
 * entries; only successful lookups are kept. */
#ifndef DC_ANSCACHE_H
#define DC_ANSCACHE_H

#include "dc_dns.h"

#define DC_ANSCACHE_ENTRIES 256
#define DC_ANSCACHE_MAX_TTL 3600  /* seconds, whatever the records say */

/* DC_OK with a copy of the cached answer in out, or DC_ENOTFOUND.  mode
 * is the "dnssec" setting the answer was got under (an answer kept by a
 * thread whose configuration did not validate is never given to one
 * whose configuration does, and the other way round). */
dc_status dc_anscache_get(const char *name, int family, int mode,
			  struct dc_hostres *out);

/* Keep a copy of h for h->ttl seconds (nothing if the ttl is 0). */
void dc_anscache_put(const char *name, int family, int mode,
		     const struct dc_hostres *h);

void dc_anscache_flush(void);

void dc_anscache_atfork_prepare(void);
void dc_anscache_atfork_parent(void);
void dc_anscache_atfork_child(void);

#endif
