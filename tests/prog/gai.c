/* SPDX-License-Identifier: ISC */
/* gai.c - call glibc's host lookup functions the way programs do and print
 * a canonical text dump of every result, for the differential test
 * (tests/integration/t21_nss_gai.sh): the same run under "hosts: files dns"
 * and "hosts: files dnscrypt" must print the same text.
 *
 *   gai NAME...           forward lookups of each NAME
 *   gai -x ADDR ...       an argument after -x is an address to look up
 *                         in reverse (-x applies to the next argument)
 *
 * Forward, per name:
 *  - getaddrinfo for AF_UNSPEC/AF_INET/AF_INET6 x flags 0, AI_CANONNAME,
 *    AI_ADDRCONFIG, AI_V4MAPPED|AI_ALL, AI_CANONNAME|AI_V4MAPPED x (no
 *    service, any socktype) and ("80", SOCK_STREAM): return code,
 *    EAI_* name (errno for EAI_SYSTEM), then every result in order
 *    (family, address, port, socktype, protocol, canonname);
 *  - gethostbyname, gethostbyname2(AF_INET), gethostbyname2(AF_INET6):
 *    h_errno, h_name, aliases, type, length, every address in order;
 *  - gethostbyname_r and gethostbyname2_r(AF_INET6) with a buffer of 1
 *    byte, doubled while the call returns ERANGE: whether ERANGE came
 *    first, the final return value, h_errno and the hostent;
 *  - reverse lookups (below) of the first IPv4 and the first IPv6 address
 *    gethostbyname2 gave.
 * Reverse, per address: gethostbyaddr (h_errno, hostent),
 * gethostbyaddr_r with a growing buffer, and getnameinfo with flags
 * NI_NAMEREQD, 0, NI_NUMERICHOST|NI_NUMERICSERV (port 80).
 * h_errno after success too: the thread's h_errno (preset to HERR_UNSET)
 * after gethostbyname, gethostbyname2, gethostbyaddr, after the last call
 * of each *_r loop and after getaddrinfo without flags and service (one
 * line "CALL h_errno" each), and *h_errnop of the *_r calls also on
 * success (preset to HERR_UNSET as well).
 *
 * Output: one line per call, "CONTEXT|CALL<TAB>RESULT", where CONTEXT is
 * "name=NAME", "name=NAME rev=ADDR" or "addr=ADDR": two dumps are joined on
 * the part before the tab and compared call by call.
 * Exit status 0 unless the program itself failed (bad argument, malloc).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "prog_util.h"

static const char *eai_name(int rc)
{
	const char *n = prog_eai_name(rc);

	return rc == 0 ? "0" : n ? n : "EAI_?";
}

static const char *herr_name(int h)
{
	const char *n = prog_herr_name(h);

	return n ? n : "H_?";
}

/* A value no lookup sets: h_errno and *h_errnop are preset to it, so that
 * a dump shows whether a call left them alone ("untouched"). */
#define HERR_UNSET 77

static const char *herr_seen(int h)
{
	return h == HERR_UNSET ? "untouched" : prog_herr_text(h);
}

static const char *fam_name(int af)
{
	return af == AF_INET ? "inet" : af == AF_INET6 ? "inet6" :
	       af == AF_UNSPEC ? "unspec" : "af?";
}

static const char *sock_name(int t)
{
	return t == SOCK_STREAM ? "stream" : t == SOCK_DGRAM ? "dgram" :
	       t == SOCK_RAW ? "raw" : t == 0 ? "any" : "sock?";
}

static void flags_str(int f, char *out, size_t n)
{
	static const struct { int f; const char *s; } fl[] = {
		{ AI_CANONNAME, "CANONNAME" }, { AI_ADDRCONFIG, "ADDRCONFIG" },
		{ AI_V4MAPPED, "V4MAPPED" }, { AI_ALL, "ALL" },
	};
	size_t off = 0;

	out[0] = 0;
	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (f & fl[i].f)
			off += (size_t)snprintf(out + off, n - off, "%s%s",
						off ? "|" : "", fl[i].s);
	if (off == 0)
		snprintf(out, n, "0");
}

static void addr_str(int af, const void *a, char *out, size_t n)
{
	if (!inet_ntop(af, a, out, (socklen_t)n))
		snprintf(out, n, "?");
}

/* One line per call: "CONTEXT|CALL<TAB>RESULT".  CONTEXT names the
 * lookup ("name=N", "name=N rev=A" or "addr=A"), so the two dumps of a
 * differential run can be joined on the part before the tab. */
static const char *ctx;

static void key(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void key(const char *fmt, ...)
{
	va_list ap;

	printf("%s|", ctx);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\t');
}

static void dump_hostent(const struct hostent *h)
{
	char buf[INET6_ADDRSTRLEN];
	const char *sep = "";

	printf(" name=%s type=%s len=%d aliases=[", h->h_name ? h->h_name : "(null)",
	       fam_name(h->h_addrtype), h->h_length);
	for (char **p = h->h_aliases; p && *p; p++, sep = ",")
		printf("%s%s", sep, *p);
	printf("] addrs=[");
	sep = "";
	for (char **p = h->h_addr_list; p && *p; p++, sep = ",") {
		if (h->h_length == 4 || h->h_length == 16)
			addr_str(h->h_length == 4 ? AF_INET : AF_INET6, *p, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "len%d", h->h_length);
		printf("%s%s", sep, buf);
	}
	printf("]");
}

static void do_gai(const char *name, int af, int flags, const char *serv,
		   int socktype)
{
	struct addrinfo hints, *res = NULL;
	char fs[64];
	int rc, e, herr;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = af;
	hints.ai_flags = flags;
	hints.ai_socktype = socktype;
	flags_str(flags, fs, sizeof(fs));
	errno = 0;
	h_errno = HERR_UNSET;
	rc = getaddrinfo(name, serv, &hints, &res);
	e = errno;
	herr = h_errno;
	key("getaddrinfo af=%s flags=%s serv=%s sock=%s", fam_name(af), fs,
	    serv ? serv : "-", sock_name(socktype));
	printf("%s", eai_name(rc));
	if (rc == EAI_SYSTEM)
		printf(" errno=%s", strerror(e));
	for (struct addrinfo *r = rc == 0 ? res : NULL; r; r = r->ai_next) {
		char buf[INET6_ADDRSTRLEN];
		unsigned port, scope;

		prog_ai_addr(r, buf, sizeof(buf), &port, &scope);
		printf(" ; %s %s port=%u scope=%u %s proto=%d addrlen=%u canon=%s",
		       fam_name(r->ai_family), buf, port, scope,
		       sock_name(r->ai_socktype), r->ai_protocol,
		       (unsigned)r->ai_addrlen,
		       r->ai_canonname ? r->ai_canonname : "-");
	}
	putchar('\n');
	if (rc == 0)
		freeaddrinfo(res);
	if (flags == 0 && serv == NULL) {
		key("getaddrinfo af=%s h_errno", fam_name(af));
		printf("%s\n", herr_seen(herr));
	}
}

/* gethostbyname_r, gethostbyname2_r or gethostbyaddr_r with a buffer that
 * starts at 1 byte and doubles while the call says ERANGE.  errno is left
 * as glibc leaves it between the calls (a real caller's loop does so). */
static void do_r(const char *what, const char *name, const void *addr, int af)
{
	struct hostent he, *hp = NULL;
	size_t len = 1;
	int rc, herr = 0, erange = 0, thread_herr;
	char *buf = NULL;

	for (;;) {
		free(buf);
		buf = malloc(len);
		if (!buf) {
			perror("malloc");
			exit(2);
		}
		hp = NULL;
		herr = HERR_UNSET;
		h_errno = HERR_UNSET;
		if (addr)
			rc = gethostbyaddr_r(addr, af == AF_INET ? 4 : 16, af, &he,
					     buf, len, &hp, &herr);
		else if (af == AF_INET && strcmp(what, "gethostbyname_r") == 0)
			rc = gethostbyname_r(name, &he, buf, len, &hp, &herr);
		else
			rc = gethostbyname2_r(name, af, &he, buf, len, &hp, &herr);
		thread_herr = h_errno;
		if (rc != ERANGE || len >= (1u << 20))
			break;
		erange++;
		len *= 2;
	}
	key("%s %s", what, fam_name(af));
	printf("erange_first=%s rc=%s h_errno=%s result=%s",
	       erange ? "yes" : "no", rc == 0 ? "0" : strerror(rc),
	       herr_seen(herr), hp ? "yes" : "no");
	if (hp)
		dump_hostent(hp);
	putchar('\n');
	key("%s %s h_errno", what, fam_name(af));
	printf("%s\n", herr_seen(thread_herr));
	free(buf);
}

static void do_ghbn(const char *name)
{
	struct hostent *h;
	int herr;

	h_errno = HERR_UNSET;
	h = gethostbyname(name);
	herr = h_errno;
	key("gethostbyname");
	printf("%s", h ? "ok" : herr_name(herr));
	if (h)
		dump_hostent(h);
	putchar('\n');
	key("gethostbyname h_errno");
	printf("%s\n", herr_seen(herr));
}

/* Returns 1 and the first address if there is one. */
static int do_ghbn2(const char *name, int af, unsigned char first[16])
{
	struct hostent *h;
	int herr, got = 0;

	h_errno = HERR_UNSET;
	h = gethostbyname2(name, af);
	herr = h_errno;
	key("gethostbyname2 %s", fam_name(af));
	printf("%s", h ? "ok" : herr_name(herr));
	if (h) {
		dump_hostent(h);
		if (h->h_addr_list[0] && h->h_length == (af == AF_INET ? 4 : 16)) {
			memcpy(first, h->h_addr_list[0], (size_t)h->h_length);
			got = 1;
		}
	}
	putchar('\n');
	key("gethostbyname2 %s h_errno", fam_name(af));
	printf("%s\n", herr_seen(herr));
	return got;
}

static void do_reverse(int af, const void *a)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	socklen_t alen = af == AF_INET ? 4 : 16, sl;
	struct sockaddr_storage ss;
	struct hostent *h;
	int rc, herr;
	static const int niflags[] = { NI_NAMEREQD, 0, NI_NUMERICHOST | NI_NUMERICSERV };
	static const char *const niname[] = { "NAMEREQD", "0", "NUMERICHOST|NUMERICSERV" };

	h_errno = HERR_UNSET;
	h = gethostbyaddr(a, alen, af);
	herr = h_errno;
	key("gethostbyaddr %s", fam_name(af));
	printf("%s", h ? "ok" : herr_name(herr));
	if (h)
		dump_hostent(h);
	putchar('\n');
	key("gethostbyaddr %s h_errno", fam_name(af));
	printf("%s\n", herr_seen(herr));

	do_r("gethostbyaddr_r", NULL, a, af);

	sl = prog_sockaddr(af, a, 80, &ss);
	for (size_t i = 0; i < sizeof(niflags) / sizeof(niflags[0]); i++) {
		host[0] = serv[0] = 0;
		rc = getnameinfo((struct sockaddr *)&ss, sl,
				 host, sizeof(host), serv, sizeof(serv), niflags[i]);
		key("getnameinfo %s", niname[i]);
		printf("%s host=%s serv=%s\n", eai_name(rc), rc ? "-" : host,
		       rc ? "-" : serv);
	}
}

static void forward(const char *name)
{
	static const int fams[] = { AF_UNSPEC, AF_INET, AF_INET6 };
	static const int flags[] = { 0, AI_CANONNAME, AI_ADDRCONFIG,
				     AI_V4MAPPED | AI_ALL,
				     AI_CANONNAME | AI_V4MAPPED };
	static const struct { const char *serv; int sock; } sv[] = {
		{ NULL, 0 }, { "80", SOCK_STREAM },
	};
	unsigned char a4[16], a6[16];
	char c[1024], r[1200], as[INET6_ADDRSTRLEN];
	int have4, have6;

	snprintf(c, sizeof(c), "name=%s", name);
	ctx = c;
	for (size_t f = 0; f < 3; f++)
		for (size_t g = 0; g < sizeof(flags) / sizeof(flags[0]); g++)
			for (size_t s = 0; s < sizeof(sv) / sizeof(sv[0]); s++)
				do_gai(name, fams[f], flags[g], sv[s].serv, sv[s].sock);
	do_ghbn(name);
	have4 = do_ghbn2(name, AF_INET, a4);
	have6 = do_ghbn2(name, AF_INET6, a6);
	do_r("gethostbyname_r", name, NULL, AF_INET);
	do_r("gethostbyname2_r", name, NULL, AF_INET6);
	if (have4) {
		addr_str(AF_INET, a4, as, sizeof(as));
		snprintf(r, sizeof(r), "%s rev=%s", c, as);
		ctx = r;
		do_reverse(AF_INET, a4);
	}
	if (have6) {
		addr_str(AF_INET6, a6, as, sizeof(as));
		snprintf(r, sizeof(r), "%s rev=%s", c, as);
		ctx = r;
		do_reverse(AF_INET6, a6);
	}
}

int main(int argc, char **argv)
{
	int rev = 0;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (int i = 1; i < argc; i++) {
		unsigned char a[16];

		if (strcmp(argv[i], "-x") == 0) {
			rev = 1;
			continue;
		}
		if (rev) {
			rev = 0;
			char c[128];

			snprintf(c, sizeof(c), "addr=%s", argv[i]);
			ctx = c;
			if (inet_pton(AF_INET, argv[i], a) == 1) {
				do_reverse(AF_INET, a);
			} else if (inet_pton(AF_INET6, argv[i], a) == 1) {
				do_reverse(AF_INET6, a);
			} else {
				fprintf(stderr, "gai: not an address: %s\n", argv[i]);
				return 2;
			}
			continue;
		}
		forward(argv[i]);
	}
	fflush(stdout);
	return 0;
}
