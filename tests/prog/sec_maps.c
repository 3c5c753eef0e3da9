/* SPDX-License-Identifier: ISC */
/* sec_maps.c - one getaddrinfo, then what the process has mapped, for
 * tests/integration/t82_dnssec_wiring.sh: with "dnssec no" the DNSSEC
 * validator object (nss-dnscrypt/dnssec.so) and ldns must not be mapped.
 *
 *   sec_maps NAME
 *
 * Prints "gai=EAI_NAME|0 h_errno=N first=ADDR validator=0|1 ldns=0|1".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *eai(int rc)
{
	switch (rc) {
	case 0:            return "0";
	case EAI_AGAIN:    return "EAI_AGAIN";
	case EAI_NONAME:   return "EAI_NONAME";
	case EAI_NODATA:   return "EAI_NODATA";
	case EAI_FAIL:     return "EAI_FAIL";
	case EAI_SYSTEM:   return "EAI_SYSTEM";
	default:           return "EAI_OTHER";
	}
}

int main(int argc, char **argv)
{
	struct addrinfo hints, *res = NULL;
	char first[64] = "-", line[4096];
	int rc, validator = 0, ldns = 0;
	FILE *f;

	if (argc != 2)
		return 64;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(argv[1], NULL, &hints, &res);
	if (rc == 0 && res) {
		const void *a = res->ai_family == AF_INET ?
			(const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr :
			(const void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
		inet_ntop(res->ai_family, a, first, sizeof(first));
	}
	if (res)
		freeaddrinfo(res);
	f = fopen("/proc/self/maps", "re");
	while (f && fgets(line, sizeof(line), f)) {
		validator |= strstr(line, "/nss-dnscrypt/dnssec.so") != NULL;
		ldns |= strstr(line, "libldns") != NULL;
	}
	if (f)
		fclose(f);
	printf("gai=%s h_errno=%d first=%s validator=%d ldns=%d\n", eai(rc), h_errno,
	       first, validator, ldns);
	return 0;
}
