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

#endif
