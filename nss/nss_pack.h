/* SPDX-License-Identifier: ISC */
/* nss_pack.h - laying a struct dc_hostres into an NSS caller's buffer.
 *
 * Pure functions: no network, no globals.  The caller's buffer has no
 * alignment promise; pointer arrays and gaih tuples are aligned inside it,
 * addresses to 4 bytes (as nss_dns does), strings are not aligned.  Each
 * function lays the buffer out in the order nss_dns of glibc 2.36 does
 * for the same answer, so that a buffer is too small for us exactly when
 * it is too small for nss_dns (tests/integration/t22 compares every
 * length).
 * Nothing is ever written at or past buffer + buflen, and the results
 * (*result, *pat, *canonp, *ttlp) are written only on DC_OK.  DC_ERANGE
 * means the buffer is too small: the needed size depends only on h and on
 * the buffer's address modulo the alignment, so a larger buffer at the
 * same address always fits.
 *
 * struct gaih_addrtuple comes from glibc's <nss.h> (next, name, family,
 * addr[4], scopeid).
 */
#ifndef DC_NSS_PACK_H
#define DC_NSS_PACK_H

#include <netdb.h>
#include <nss.h>
#include <stddef.h>
#include <stdint.h>
#include "dc_dns.h"

/* gethostbyname{,2,3}_r: h_name = h->name, h_aliases = h->aliases
 * (NULL-terminated), h_addr_list = the addresses of family af (AF_INET or
 * AF_INET6) in h's order, h_addrtype = af, h_length = 4 or 16.  *canonp
 * (if canonp) = h_name, as nss_dns's gethostbyname3_r.  *ttlp (if ttlp)
 * lowered to h->ttl if larger (nss_dns compares as unsigned).
 * DC_OK, DC_ERANGE, DC_ENODATA (no address of family af), DC_EBADARG (bad
 * af, NULL h/result/name, NULL buffer with buflen > 0). */
dc_status dc_pack_hostent(const struct dc_hostres *h, int af,
			  struct hostent *result, char *buffer, size_t buflen,
			  int32_t *ttlp, char **canonp);

/* gethostbyname4_r: a list of struct gaih_addrtuple, one per address of h
 * (AF_INET and AF_INET6, in h's order), all inside buffer.  As in
 * nss_dns's gaih_getanswer_slice, the first tuple's name is the canonical
 * name (h->name; getaddrinfo copies it for AI_CANONNAME), every other
 * tuple's name is NULL; scopeid 0; unused addr words are zero.  *pat is
 * overwritten on DC_OK and never read (it may point at caller memory).
 * DC_OK, DC_ERANGE, DC_ENODATA (no address), DC_EBADARG. */
dc_status dc_pack_gaih(const struct dc_hostres *h, struct gaih_addrtuple **pat,
		       char *buffer, size_t buflen, int32_t *ttlp);

/* gethostbyaddr{,2}_r: h_name = h->name, h_aliases = h->aliases (none for
 * a dc_dns_parse_ptr result: nss_dns returns an empty list, the NULL of
 * h_addr_list), h_addr_list
 * = { addr, NULL } where addr is the caller's address (4 bytes for AF_INET,
 * 16 for AF_INET6: after dc_dns_addr_unmap), h_addrtype = af.
 * DC_OK, DC_ERANGE, DC_EBADARG. */
dc_status dc_pack_hostent_addr(const struct dc_hostres *h, int af,
			       const void *addr, struct hostent *result,
			       char *buffer, size_t buflen, int32_t *ttlp);

#endif
