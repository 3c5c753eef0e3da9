/* SPDX-License-Identifier: ISC */
/* nss.c - the glibc NSS "hosts" entry points of libnss_dnscrypt.so.2.
 *
 * Thin on purpose: resolve through common/, pack with nss_pack.c, map the
 * status with nss_status.c.  The contract (glibc 2.36, design.md 4):
 *  - a buffer that is too small gives TRYAGAIN/ERANGE/NETDB_INTERNAL and
 *    glibc calls again with a bigger one: the answer is kept per thread so
 *    that the retry does not ask the network again;
 *  - nothing an attacker can provoke yields UNAVAIL (nsswitch would go on
 *    to a plaintext source); UNAVAIL means "not configured";
 *  - *pat of gethostbyname4_r may point at caller memory: written, never
 *    read;
 *  - the caller's buffer is laid out, and h_errno left, as nss_dns does
 *    (nss_pack.h, finish below): same ERANGE, same h_errno after success.
 */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "dc_ctx.h"
#include "dc_resolve.h"
#include "nss_entry.h"
#include "nss_pack.h"
#include "nss_status.h"

/* The last answer of this thread, kept only for a retry after ERANGE,
 * which glibc makes at once: an answer older than this is not reused. */
#define DC_ERANGE_KEEP_MS 2000

static __thread struct {
	int valid;
	uint64_t when_ms;
	int family;            /* query family, or -1 - family for addresses */
	char key[DC_NAME_MAX];
	struct dc_hostres h;
} last;

static int last_take(int family, const char *key, struct dc_hostres *h)
{
	if (!last.valid || last.family != family || strcmp(last.key, key) != 0 ||
	    dc_now_ms() - last.when_ms > DC_ERANGE_KEEP_MS)
		return 0;
	*h = last.h;
	last.valid = 0;
	return 1;
}

static void last_keep(int family, const char *key, struct dc_hostres *h)
{
	if (last.valid)
		dc_hostres_free(&last.h);
	last.valid = 1;
	last.when_ms = dc_now_ms();
	last.family = family;
	snprintf(last.key, sizeof(last.key), "%s", key);
	last.h = *h;
	dc_hostres_init(h);
}

static dc_status lookup(const char *name, int family, struct dc_hostres *h)
{
	if (last_take(family, name, h))
		return DC_OK;
	return dc_resolve_name(name, family, h);
}

/* Common tail: ERANGE keeps the answer for the retry; errno follows the
 * NSS convention (the caller's value on success, *errnop on failure);
 * the thread's h_errno as the resolver leaves it under nss_dns
 * (dc_nss_res_herrno; family >= 0: a forward lookup).  *h_errnop is
 * written after h_errno: getaddrinfo passes &h_errno as h_errnop. */
static enum nss_status finish(dc_status st, int family, const char *key,
			      struct dc_hostres *h, int saved_errno,
			      int *errnop, int *h_errnop)
{
	int herr = NETDB_SUCCESS, res_herr;
	enum nss_status ns = dc_nss_status(st, errnop, &herr);

	res_herr = dc_nss_res_herrno(st, herr, family >= 0);
	if (res_herr >= 0)
		h_errno = res_herr;
	if (h_errnop)
		*h_errnop = herr;
	if (st == DC_ERANGE)
		last_keep(family, key, h);
	dc_hostres_free(h);
	errno = st == DC_OK ? saved_errno : *errnop;
	return ns;
}

/* nss_dns's gethostbyname4_r takes *h_errnop on success from the second
 * answer (gaih_getanswer, glibc 2.36: "incorrectly sets errno and h_errno
 * to that of the second answer"): the AAAA one when the A answer came
 * first, as it usually does, so HOST_NOT_FOUND when it had no address. */
static int has_family(const struct dc_hostres *h, int family)
{
	for (int i = 0; i < h->naddrs; i++)
		if (h->addrs[i].family == family)
			return 1;
	return 0;
}

DC_EXPORT enum nss_status
_nss_dnscrypt_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
			       char *buffer, size_t buflen, int *errnop,
			       int *h_errnop, int32_t *ttlp)
{
	int saved = errno;
	struct dc_hostres h;
	dc_status st;
	enum nss_status ns;
	int v6;

	st = lookup(name, AF_UNSPEC, &h);
	if (st == DC_OK)
		st = dc_pack_gaih(&h, pat, buffer, buflen, ttlp);
	v6 = st == DC_OK && has_family(&h, AF_INET6);
	ns = finish(st, AF_UNSPEC, name, &h, saved, errnop, h_errnop);
	if (st == DC_OK && !v6 && h_errnop)
		*h_errnop = HOST_NOT_FOUND;
	return ns;
}

DC_EXPORT enum nss_status
_nss_dnscrypt_gethostbyname3_r(const char *name, int af, struct hostent *result,
			       char *buffer, size_t buflen, int *errnop,
			       int *h_errnop, int32_t *ttlp, char **canonp)
{
	int saved = errno;
	struct dc_hostres h;
	dc_status st;

	dc_hostres_init(&h);
	if (af != AF_INET && af != AF_INET6) {
		/* nss_dns: EAFNOSUPPORT, NO_DATA, UNAVAIL. */
		*errnop = EAFNOSUPPORT;
		*h_errnop = NO_DATA;
		errno = EAFNOSUPPORT;
		return NSS_STATUS_UNAVAIL;
	}
	st = lookup(name, af, &h);
	if (st == DC_OK)
		st = dc_pack_hostent(&h, af, result, buffer, buflen, ttlp, canonp);
	return finish(st, af, name, &h, saved, errnop, h_errnop);
}

DC_EXPORT enum nss_status
_nss_dnscrypt_gethostbyname2_r(const char *name, int af, struct hostent *result,
			       char *buffer, size_t buflen, int *errnop,
			       int *h_errnop)
{
	return _nss_dnscrypt_gethostbyname3_r(name, af, result, buffer, buflen,
					      errnop, h_errnop, NULL, NULL);
}

DC_EXPORT enum nss_status
_nss_dnscrypt_gethostbyname_r(const char *name, struct hostent *result,
			      char *buffer, size_t buflen, int *errnop,
			      int *h_errnop)
{
	return _nss_dnscrypt_gethostbyname3_r(name, AF_INET, result, buffer,
					      buflen, errnop, h_errnop, NULL, NULL);
}

DC_EXPORT enum nss_status
_nss_dnscrypt_gethostbyaddr2_r(const void *addr, socklen_t len, int af,
			       struct hostent *result, char *buffer,
			       size_t buflen, int *errnop, int *h_errnop,
			       int32_t *ttlp)
{
	int saved = errno;
	const void *a = addr;
	size_t alen = len;
	struct dc_hostres h;
	char key[DC_NAME_MAX];
	dc_status st;

	dc_hostres_init(&h);
	/* nss_dns looks up a v4-mapped or v4-compatible IPv6 address as the
	 * IPv4 one; a wrong length or family is EAFNOSUPPORT. */
	if (dc_dns_addr_unmap(&af, &a, &alen) != DC_OK) {
		*errnop = EAFNOSUPPORT;
		*h_errnop = NETDB_INTERNAL;
		errno = EAFNOSUPPORT;
		return NSS_STATUS_UNAVAIL;
	}
	if (dc_dns_ptr_name(af, a, key, sizeof(key)) != DC_OK) {
		*errnop = EINVAL;
		*h_errnop = NETDB_INTERNAL;
		errno = EINVAL;
		return NSS_STATUS_UNAVAIL;
	}
	if (last_take(-1 - af, key, &h))
		st = DC_OK;
	else
		st = dc_resolve_addr(af, a, &h);
	if (st == DC_OK)
		st = dc_pack_hostent_addr(&h, af, a, result, buffer, buflen, ttlp);
	return finish(st, -1 - af, key, &h, saved, errnop, h_errnop);
}

DC_EXPORT enum nss_status
_nss_dnscrypt_gethostbyaddr_r(const void *addr, socklen_t len, int af,
			      struct hostent *result, char *buffer,
			      size_t buflen, int *errnop, int *h_errnop)
{
	return _nss_dnscrypt_gethostbyaddr2_r(addr, len, af, result, buffer,
					      buflen, errnop, h_errnop, NULL);
}
