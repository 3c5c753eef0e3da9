/* SPDX-License-Identifier: ISC */
/* hard_setuid.c - what a (setuid) program sees of the NSS module: one
 * getaddrinfo and one gethostbyname2_r of NAME, with the process's
 * credentials and AT_SECURE.  tests/integration/t71_setuid.sh installs a
 * setuid-root copy and runs it as an unprivileged user.
 *
 *   hard_setuid NAME
 *
 * Prints one line:
 *   secure=0|1 uid=U euid=E env=set|unset senv=set|unset gai=CODE
 *   addrs=A,B|- herrno=NAME
 * env: getenv("NSS_DNSCRYPT_CONF") (the variable reached the process),
 * senv: secure_getenv (what the library may use), gai: the EAI code name
 * or 0, addrs: the sorted getaddrinfo addresses, herrno: gethostbyname2_r
 * (AF_INET)'s h_errno name or OK.
 */
#include <errno.h>
#include <sys/auxv.h>

#include "hard_util.h"

static const char *herr_name(int h)
{
	switch (h) {
	case HOST_NOT_FOUND: return "HOST_NOT_FOUND";
	case TRY_AGAIN: return "TRY_AGAIN";
	case NO_RECOVERY: return "NO_RECOVERY";
	case NO_DATA: return "NO_DATA";
	case NETDB_INTERNAL: return "NETDB_INTERNAL";
	default: return "other";
	}
}

int main(int argc, char **argv)
{
	struct hostent he, *hp = NULL;
	char got[1024], buf[4096], *sp;
	int rc, herr = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: hard_setuid NAME\n");
		return 2;
	}
	rc = hard_resolve(argv[1], got, sizeof(got));
	sp = strchr(got, ' ');
	if (gethostbyname2_r(argv[1], AF_INET, &he, buf, sizeof(buf), &hp, &herr) == 0 && hp)
		herr = -1;
	printf("secure=%lu uid=%u euid=%u env=%s senv=%s gai=%s addrs=%s herrno=%s\n",
	       getauxval(AT_SECURE), (unsigned)getuid(), (unsigned)geteuid(),
	       getenv("NSS_DNSCRYPT_CONF") ? "set" : "unset",
	       secure_getenv("NSS_DNSCRYPT_CONF") ? "set" : "unset",
	       hard_eai_name(rc), rc == 0 && sp ? sp + 1 : "-",
	       herr == -1 ? "OK" : herr_name(herr));
	return 0;
}
