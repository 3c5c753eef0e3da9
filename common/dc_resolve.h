/* SPDX-License-Identifier: ISC */
/* dc_resolve.h - the one lookup API the front ends use.  Every lookup goes
 * out over DNSCrypt through this thread's context; there is no plaintext
 * fallback: a DNSCrypt failure is an error. */
#ifndef DC_RESOLVE_H
#define DC_RESOLVE_H

#include <stddef.h>
#include <stdint.h>
#include "dc_dns.h"
#include "dc_status.h"

/* Addresses for a name: family AF_INET, AF_INET6 or AF_UNSPEC (both; the
 * A answer's addresses first), search list and ndots applied as glibc's
 * nss_dns does.  out is initialised by the call; free it with
 * dc_hostres_free whatever the status. */
dc_status dc_resolve_name(const char *name, int family, struct dc_hostres *out);

/* Names for an address (PTR).  out->addrs holds the address. */
dc_status dc_resolve_addr(int family, const void *addr, struct dc_hostres *out);

/* The raw answer for (name, class, type), with the search list when
 * search is set (res_search) or the name as given (res_query).  The
 * answer is copied to ans (truncated to anscap; *anslen is its full
 * length) whenever one arrived; the status follows its rcode: DC_OK,
 * DC_ENOTFOUND, DC_ENODATA (no answer record), DC_ESERVFAIL, ... */
dc_status dc_resolve_raw(const char *name, int dnsclass, int type, int search,
			 uint8_t *ans, size_t anscap, size_t *anslen);

/* Send a query message the caller built (res_send); the answer keeps the
 * caller's id.  DC_OK whenever an answer arrived, whatever its rcode. */
dc_status dc_resolve_msg(const uint8_t *msg, size_t len, uint8_t *ans,
			 size_t anscap, size_t *anslen);

#endif
