/* SPDX-License-Identifier: ISC */
/* nss_status.c - dc_status -> (nss_status, errno, h_errno).
 *
 * What glibc 2.36's nss_dns (resolv/nss_dns/dns-host.c) does, and where we
 * differ on purpose:
 *  - success: NSS_STATUS_SUCCESS, h_errno NETDB_SUCCESS, errno untouched;
 *  - NXDOMAIN: NOTFOUND + HOST_NOT_FOUND (getanswer_r sets errno ENOENT;
 *    the res_search failure path leaves errno alone: we always set ENOENT
 *    so that *errnop is non-zero on every failure);
 *  - NODATA: NOTFOUND + NO_DATA (getaddrinfo: EAI_NODATA);
 *  - a name check_name rejects (res_hnok): NOTFOUND + HOST_NOT_FOUND;
 *  - buffer too small: TRYAGAIN + ERANGE + NETDB_INTERNAL - the only
 *    combination that makes glibc grow the buffer and call again;
 *  - malloc failure: nss_dns returns UNAVAIL + ENOMEM + NETDB_INTERNAL
 *    ("Do not retry using the ERANGE protocol"); we return TRYAGAIN (same
 *    getaddrinfo result, EAI_SYSTEM with errno ENOMEM; gethostbyname_r
 *    returns ENOMEM) so that nsswitch cannot fall through on UNAVAIL;
 *  - timeouts, refused connections and SERVFAIL: nss_dns returns UNAVAIL
 *    (errno ETIMEDOUT / ECONNREFUSED) with h_errno TRY_AGAIN and errno
 *    EAGAIN; we keep TRY_AGAIN/EAGAIN (getaddrinfo: EAI_AGAIN) but say
 *    TRYAGAIN: UNAVAIL would let "hosts: dnscrypt [!UNAVAIL=return] dns"
 *    continue to plaintext DNS whenever an attacker drops packets;
 *  - malformed answers: nss_dns UNAVAIL + NO_RECOVERY; ours TRYAGAIN +
 *    TRY_AGAIN for the same reason.
 */
#include <errno.h>
#include <netdb.h>

#include "nss_status.h"

enum nss_status dc_nss_status(dc_status st, int *errnop, int *h_errnop)
{
	enum nss_status ns;
	int e, h;

	switch (st) {
	case DC_OK:
		if (h_errnop)
			*h_errnop = NETDB_SUCCESS;
		return NSS_STATUS_SUCCESS;
	case DC_ENOQUERY:
		/* res_mkquery refused the name: nss_dns says NOTFOUND with
		 * NO_RECOVERY. */
		ns = NSS_STATUS_NOTFOUND;
		e = ENOENT;
		h = NO_RECOVERY;
		break;
	case DC_ENOTFOUND:
	case DC_EBADNAME:
		ns = NSS_STATUS_NOTFOUND;
		e = ENOENT;
		h = HOST_NOT_FOUND;
		break;
	case DC_ENODATA:
		ns = NSS_STATUS_NOTFOUND;
		e = ENOENT;
		h = NO_DATA;
		break;
	case DC_ERANGE:
		ns = NSS_STATUS_TRYAGAIN;
		e = ERANGE;
		h = NETDB_INTERNAL;
		break;
	case DC_ENOMEM:
		ns = NSS_STATUS_TRYAGAIN;
		e = ENOMEM;
		h = NETDB_INTERNAL;
		break;
	case DC_ESYS:
		/* NETDB_INTERNAL means "see errno"; never ERANGE there, or
		 * glibc would grow the buffer and call again for ever. */
		ns = NSS_STATUS_TRYAGAIN;
		e = errno;
		if (e == 0 || e == ERANGE)
			e = EIO;
		h = NETDB_INTERNAL;
		break;
	case DC_EBADARG:
		ns = NSS_STATUS_TRYAGAIN;
		e = EINVAL;
		h = NETDB_INTERNAL;
		break;
	case DC_ECONFIG:
		ns = NSS_STATUS_UNAVAIL;
		e = ENOENT;
		h = NO_RECOVERY;
		break;
	case DC_ESERVFAIL:
	case DC_EREFUSED:
		/* nss_dns: NOTFOUND with TRY_AGAIN.  These rcodes come in
		 * answers authenticated by the configured resolver (a forged
		 * one never gets this far), so matching glibc here gives an
		 * attacker nothing: what it can provoke is below. */
		ns = NSS_STATUS_NOTFOUND;
		e = EAGAIN;
		h = TRY_AGAIN;
		break;
	case DC_ECONFREAD:
	case DC_ECONFBAD:
		/* A file that is there but cannot be read (a 0600 file, an
		 * AppArmor or Landlock denial, an I/O error), or that is read
		 * but wrong (a typo, a bad stamp, a file the owner and mode
		 * checks refuse, a bad $NSS_DNSCRYPT_SERVER), means DNSCrypt
		 * was meant: fail closed, or "[!UNAVAIL=return] dns" would
		 * resolve in clear. */
	case DC_EBOGUS:
	case DC_EDNSSEC:
		/* dnssec validate: an answer that fails validation is an
		 * attack or a broken zone, never "not found" (which would
		 * let nsswitch and search lists go on); a validator that
		 * cannot be loaded means validation was asked for: fail
		 * closed.  getaddrinfo: EAI_AGAIN. */
	case DC_ETIMEOUT:
	case DC_ECONNREFUSED:
	case DC_EBADRESP:
	case DC_ECERT:
	case DC_EPARSE:
	case DC_STATUS_MAX:
	default:
		ns = NSS_STATUS_TRYAGAIN;
		e = EAGAIN;
		h = TRY_AGAIN;
		break;
	}
	if (errnop)
		*errnop = e;
	if (h_errnop)
		*h_errnop = h;
	return ns;
}

int dc_nss_res_herrno(dc_status st, int herr, int forward)
{
	switch (st) {
	case DC_OK:
	case DC_ERANGE:          /* the query itself succeeded */
		return forward ? HOST_NOT_FOUND : -1;
	case DC_ECONFIG:
	case DC_EBADARG:
	case DC_EBADNAME:        /* not a host name: nss_dns never queries */
		return -1;
	default:
		return herr;
	}
}
