/* SPDX-License-Identifier: ISC */
/* nss_dcnull.c - a hosts module that costs nothing but being loaded, for
 * the benchmark only (row 2, "null module then dns"; tests/bench/run.sh
 * builds it as $B/bench/libnss_dcnull.so.2, never installed).
 *
 * With "hosts: dcnull dns", a new process pays what glibc 2.36 charges any
 * external NSS module (dlopen, and nss_module.c's module_load looking up
 * every NSS function name in it) and then resolves through nss_dns, which
 * is built into libc.so.6.  It exports the same six hosts functions as
 * libnss_dnscrypt.so.2 (nss/nss.map), so that module_load finds and misses
 * the same names for both; each answers "not found" at once, and
 * NSS_STATUS_NOTFOUND's default action, continue, hands the lookup to dns.
 */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdint.h>
#include <sys/socket.h>

#define DCNULL_EXPORT __attribute__((visibility("default")))

static enum nss_status not_found(int *errnop, int *h_errnop)
{
	*errnop = ENOENT;
	*h_errnop = HOST_NOT_FOUND;
	return NSS_STATUS_NOTFOUND;
}

DCNULL_EXPORT enum nss_status
_nss_dcnull_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
			     char *buffer, size_t buflen, int *errnop,
			     int *h_errnop, int32_t *ttlp)
{
	return not_found(errnop, h_errnop);
}

DCNULL_EXPORT enum nss_status
_nss_dcnull_gethostbyname3_r(const char *name, int af, struct hostent *result,
			     char *buffer, size_t buflen, int *errnop,
			     int *h_errnop, int32_t *ttlp, char **canonp)
{
	return not_found(errnop, h_errnop);
}

DCNULL_EXPORT enum nss_status
_nss_dcnull_gethostbyname2_r(const char *name, int af, struct hostent *result,
			     char *buffer, size_t buflen, int *errnop,
			     int *h_errnop)
{
	return not_found(errnop, h_errnop);
}

DCNULL_EXPORT enum nss_status
_nss_dcnull_gethostbyname_r(const char *name, struct hostent *result,
			    char *buffer, size_t buflen, int *errnop,
			    int *h_errnop)
{
	return not_found(errnop, h_errnop);
}

DCNULL_EXPORT enum nss_status
_nss_dcnull_gethostbyaddr2_r(const void *addr, socklen_t len, int af,
			     struct hostent *result, char *buffer,
			     size_t buflen, int *errnop, int *h_errnop,
			     int32_t *ttlp)
{
	return not_found(errnop, h_errnop);
}

DCNULL_EXPORT enum nss_status
_nss_dcnull_gethostbyaddr_r(const void *addr, socklen_t len, int af,
			    struct hostent *result, char *buffer,
			    size_t buflen, int *errnop, int *h_errnop)
{
	return not_found(errnop, h_errnop);
}
