/* SPDX-License-Identifier: ISC */
/* nss_status.h - the one place where a dc_status becomes the NSS triple
 * (enum nss_status, *errnop, *h_errnop) of glibc's hosts interface. */
#ifndef DC_NSS_STATUS_H
#define DC_NSS_STATUS_H

#include <nss.h>
#include "dc_status.h"

/* Map st for a _nss_dnscrypt_* hosts function.  On DC_OK: SUCCESS,
 * *h_errnop = NETDB_SUCCESS, *errnop untouched (nss_dns sets no errno on
 * success).  Every failure sets *errnop non-zero and *h_errnop:
 *
 *  DC_ENOTFOUND, DC_EBADNAME  NOTFOUND  ENOENT     HOST_NOT_FOUND
 *  DC_ENOQUERY                NOTFOUND  ENOENT     NO_RECOVERY
 *  DC_ENODATA                 NOTFOUND  ENOENT     NO_DATA
 *  DC_ERANGE                  TRYAGAIN  ERANGE     NETDB_INTERNAL
 *  DC_ENOMEM                  TRYAGAIN  ENOMEM     NETDB_INTERNAL
 *  DC_ESYS                    TRYAGAIN  errno*     NETDB_INTERNAL
 *  DC_EBADARG                 TRYAGAIN  EINVAL     NETDB_INTERNAL
 *  DC_ECONFIG                 UNAVAIL   ENOENT     NO_RECOVERY
 *  DC_EBOGUS, DC_EDNSSEC      TRYAGAIN  EAGAIN     TRY_AGAIN (DNSSEC)
 *  anything else (timeout, refused connection, bad or unauthenticated
 *  answer, certificate, SERVFAIL, REFUSED, parse errors, a configuration
 *  file that exists but cannot be read or is wrong, unknown values)
 *                             TRYAGAIN  EAGAIN     TRY_AGAIN
 *  (* the current errno if it is non-zero and not ERANGE, else EIO)
 *
 * UNAVAIL only for "not configured" (no file, or no server line in it):
 * nsswitch goes on to the next source
 * on UNAVAIL, and nothing an attacker can provoke may send a lookup to a
 * plaintext source.  errnop / h_errnop may be NULL. */
enum nss_status dc_nss_status(dc_status st, int *errnop, int *h_errnop);

/* The thread's own h_errno (not *h_errnop) after a lookup that ended in
 * st with *h_errnop = herr, as nss_dns leaves it through the resolver:
 * a forward lookup goes through res_search, which sets HOST_NOT_FOUND
 * before it queries ("True if we never query", glibc 2.36
 * resolv/res_query.c) and leaves it on success, so that gethostbyname
 * after "hosts: files dns" reports HOST_NOT_FOUND with its result; a
 * reverse lookup goes through res_query, which leaves it untouched on
 * success.  On a failure the resolver's value is what nss_dns copies into
 * *h_errnop.  Returns the value to store, or -1 to leave h_errno alone
 * (success of a reverse lookup; no configuration, bad arguments or a
 * name that is no host name: no query). */
int dc_nss_res_herrno(dc_status st, int herr, int forward);

#endif
