/* SPDX-License-Identifier: ISC */
/* nss_entry.h - the six entry points of the "dnscrypt" hosts module, as
 * glibc 2.36 calls them (nss/nss_module.c looks them up by name). */
#ifndef DC_NSS_ENTRY_H
#define DC_NSS_ENTRY_H

#include <netdb.h>
#include <nss.h>
#include <stdint.h>
#include <sys/socket.h>

#define DC_EXPORT __attribute__((visibility("default")))

DC_EXPORT enum nss_status _nss_dnscrypt_gethostbyname4_r(const char *name,
	struct gaih_addrtuple **pat, char *buffer, size_t buflen, int *errnop,
	int *h_errnop, int32_t *ttlp);
DC_EXPORT enum nss_status _nss_dnscrypt_gethostbyname3_r(const char *name,
	int af, struct hostent *result, char *buffer, size_t buflen,
	int *errnop, int *h_errnop, int32_t *ttlp, char **canonp);
DC_EXPORT enum nss_status _nss_dnscrypt_gethostbyname2_r(const char *name,
	int af, struct hostent *result, char *buffer, size_t buflen,
	int *errnop, int *h_errnop);
DC_EXPORT enum nss_status _nss_dnscrypt_gethostbyname_r(const char *name,
	struct hostent *result, char *buffer, size_t buflen, int *errnop,
	int *h_errnop);
DC_EXPORT enum nss_status _nss_dnscrypt_gethostbyaddr2_r(const void *addr,
	socklen_t len, int af, struct hostent *result, char *buffer,
	size_t buflen, int *errnop, int *h_errnop, int32_t *ttlp);
DC_EXPORT enum nss_status _nss_dnscrypt_gethostbyaddr_r(const void *addr,
	socklen_t len, int af, struct hostent *result, char *buffer,
	size_t buflen, int *errnop, int *h_errnop);

#endif
