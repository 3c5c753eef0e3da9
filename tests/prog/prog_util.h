/* SPDX-License-Identifier: ISC */
/* prog_util.h - helpers shared by the lookup programs of tests/prog (gai,
 * hostile_gai, pl_gai, pl_hosts, res_query, nss_poison).  Each program
 * keeps its own output format: the name functions return NULL for a code
 * they do not know, and the caller prints what it prints for that.
 */
#ifndef PROG_UTIL_H
#define PROG_UTIL_H

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* The EAI_* name of a getaddrinfo or getnameinfo error, NULL for 0 and
 * anything else. */
static inline const char *prog_eai_name(int rc)
{
	switch (rc) {
	case EAI_BADFLAGS: return "EAI_BADFLAGS";
	case EAI_NONAME: return "EAI_NONAME";
	case EAI_AGAIN: return "EAI_AGAIN";
	case EAI_FAIL: return "EAI_FAIL";
	case EAI_FAMILY: return "EAI_FAMILY";
	case EAI_SOCKTYPE: return "EAI_SOCKTYPE";
	case EAI_SERVICE: return "EAI_SERVICE";
	case EAI_MEMORY: return "EAI_MEMORY";
	case EAI_SYSTEM: return "EAI_SYSTEM";
	case EAI_OVERFLOW: return "EAI_OVERFLOW";
	case EAI_NODATA: return "EAI_NODATA";
	case EAI_ADDRFAMILY: return "EAI_ADDRFAMILY";
	case EAI_INPROGRESS: return "EAI_INPROGRESS";
	case EAI_CANCELED: return "EAI_CANCELED";
	case EAI_NOTCANCELED: return "EAI_NOTCANCELED";
	case EAI_ALLDONE: return "EAI_ALLDONE";
	case EAI_INTR: return "EAI_INTR";
	case EAI_IDN_ENCODE: return "EAI_IDN_ENCODE";
	default: return NULL;
	}
}

/* The name of an h_errno value, NULL for anything else. */
static inline const char *prog_herr_name(int h)
{
	switch (h) {
	case NETDB_INTERNAL: return "NETDB_INTERNAL";
	case NETDB_SUCCESS: return "NETDB_SUCCESS";
	case HOST_NOT_FOUND: return "HOST_NOT_FOUND";
	case TRY_AGAIN: return "TRY_AGAIN";
	case NO_RECOVERY: return "NO_RECOVERY";
	case NO_DATA: return "NO_DATA";
	default: return NULL;
	}
}

/* prog_herr_name, or else the number (in a static buffer). */
static inline const char *prog_herr_text(int h)
{
	static char buf[32];
	const char *n = prog_herr_name(h);

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "%d", h);
	return buf;
}

/* The address of a getaddrinfo result as text ("?" for a family other
 * than AF_INET and AF_INET6), its port and its IPv6 scope id (0 for
 * IPv4); port and scope may be NULL. */
static inline void prog_ai_addr(const struct addrinfo *ai, char *buf, size_t len,
				unsigned *port, unsigned *scope)
{
	unsigned p = 0, s = 0;
	const void *a = NULL;

	if (ai->ai_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ai->ai_addr;

		a = &sin->sin_addr;
		p = ntohs(sin->sin_port);
	} else if (ai->ai_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ai->ai_addr;

		a = &sin6->sin6_addr;
		p = ntohs(sin6->sin6_port);
		s = sin6->sin6_scope_id;
	}
	if (!a || !inet_ntop(ai->ai_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	if (port)
		*port = p;
	if (scope)
		*scope = s;
}

/* A socket address for getnameinfo: the address a (4 bytes for AF_INET,
 * 16 for AF_INET6) and port; returns its length. */
static inline socklen_t prog_sockaddr(int af, const void *a, unsigned port,
				      struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		memcpy(&sin->sin_addr, a, 4);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((unsigned short)port);
	memcpy(&sin6->sin6_addr, a, 16);
	return sizeof(*sin6);
}

#endif
