/* SPDX-License-Identifier: ISC */
/* pl_hosts.c - gethostbyname, gethostbyname_r, gethostbyname2,
 * gethostbyname2_r, gethostbyaddr, gethostbyaddr_r and getnameinfo over a
 * table of cases, printing a canonical dump of each outcome, for
 * tests/integration/t30_preload.sh (preload over DNSCrypt and plain glibc
 * over plain DNS must print the same).
 *
 * Per call:
 *   FUNC ARGS: ret=R h_errno=H [errno=E] name=N aliases=[..] type=T addrs=[..]
 *   getnameinfo ADDR PORT flags=F: RESULT host=H serv=S
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "prog_util.h"

static const char *const names[] = {
	"a4.lab.test", "alias1.lab.test", "both.lab.test", "two4.lab.test",
	"a6.lab.test", "nx.lab.test", "nodata.lab.test", "many4.lab.test",
	"example.com", "localhost", "hosted.example", "alias-hosted.example",
	"hosted6.example", "mail.lab.test", "127.0.0.1", "::1", "a4",
	"web.lab.test", NULL,
};

static const struct { int af; const char *addr; } addrs[] = {
	{ AF_INET, "127.20.0.1" }, { AF_INET, "127.20.0.2" },
	{ AF_INET, "127.20.0.80" }, { AF_INET6, "::1" },
	{ AF_INET, "127.20.0.99" }, { AF_INET, "127.30.0.1" },
	{ AF_INET, "127.0.0.1" }, { AF_INET6, "fd00::30" },
	{ AF_INET6, "::ffff:127.20.0.1" }, { AF_INET, "10.255.0.1" },
	{ 0, NULL },
};

static const char *err_name(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "?";
}

static void print_hostent(const struct hostent *h)
{
	char a[INET6_ADDRSTRLEN];

	if (!h) {
		printf(" (null)\n");
		return;
	}
	printf(" name=%s aliases=[", h->h_name);
	for (char **p = h->h_aliases; p && *p; p++)
		printf("%s%s", p == h->h_aliases ? "" : " ", *p);
	printf("] type=%s len=%d addrs=[", h->h_addrtype == AF_INET ? "INET" :
	       h->h_addrtype == AF_INET6 ? "INET6" : "?", h->h_length);
	for (char **p = h->h_addr_list; p && *p; p++) {
		inet_ntop(h->h_addrtype, *p, a, sizeof a);
		printf("%s%s", p == h->h_addr_list ? "" : " ", a);
	}
	printf("]\n");
}

static void by_name(const char *name)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	struct hostent *h, hb, *hr;
	char buf[16384];
	int rc, he;

	h_errno = -1;
	h = gethostbyname(name);
	printf("gethostbyname %s: h_errno=%s", name, h ? "-" : prog_herr_text(h_errno));
	print_hostent(h);

	he = -1;
	hr = NULL;
	rc = gethostbyname_r(name, &hb, buf, sizeof buf, &hr, &he);
	printf("gethostbyname_r %s: ret=%s h_errno=%s", name, err_name(rc),
	       hr ? "-" : prog_herr_text(he));
	print_hostent(hr);

	for (int i = 0; i < 2; i++) {
		const char *f = fams[i] == AF_INET ? "INET" : "INET6";

		h_errno = -1;
		h = gethostbyname2(name, fams[i]);
		printf("gethostbyname2 %s %s: h_errno=%s", name, f,
		       h ? "-" : prog_herr_text(h_errno));
		print_hostent(h);

		he = -1;
		hr = NULL;
		rc = gethostbyname2_r(name, fams[i], &hb, buf, sizeof buf, &hr, &he);
		printf("gethostbyname2_r %s %s: ret=%s h_errno=%s", name, f,
		       err_name(rc), hr ? "-" : prog_herr_text(he));
		print_hostent(hr);
	}
	/* ERANGE: the caller's buffer is too small, glibc asks for more. */
	he = -1;
	hr = NULL;
	rc = gethostbyname_r(name, &hb, buf, 16, &hr, &he);
	printf("gethostbyname_r/16 %s: ret=%s h_errno=%s", name, err_name(rc),
	       hr ? "-" : prog_herr_text(he));
	print_hostent(hr);
}

static void by_addr(int af, const char *text)
{
	unsigned char a[16];
	socklen_t len = af == AF_INET ? 4 : 16;
	struct hostent *h, hb, *hr;
	char buf[16384];
	int rc, he;

	inet_pton(af, text, a);
	h_errno = -1;
	h = gethostbyaddr(a, len, af);
	printf("gethostbyaddr %s: h_errno=%s", text, h ? "-" : prog_herr_text(h_errno));
	print_hostent(h);

	he = -1;
	hr = NULL;
	rc = gethostbyaddr_r(a, len, af, &hb, buf, sizeof buf, &hr, &he);
	printf("gethostbyaddr_r %s: ret=%s h_errno=%s", text, err_name(rc),
	       hr ? "-" : prog_herr_text(he));
	print_hostent(hr);
}

static void name_info(int af, const char *text, int port, int flags, const char *fl)
{
	struct sockaddr_storage ss;
	unsigned char a[16] = { 0 };
	char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
	socklen_t sl;
	int rc;

	inet_pton(af, text, a);
	sl = prog_sockaddr(af, a, (unsigned)port, &ss);
	rc = getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv,
			 sizeof serv, flags);
	printf("getnameinfo %s %d flags=%s: %s host=%s serv=%s\n", text, port, fl,
	       rc == 0 ? "0" : gai_strerror(rc), host, serv);
}

int main(void)
{
	static const struct { int f; const char *n; } nif[] = {
		{ 0, "0" }, { NI_NAMEREQD, "NAMEREQD" },
		{ NI_NUMERICHOST | NI_NUMERICSERV, "NUMERICHOST|NUMERICSERV" },
		{ NI_DGRAM, "DGRAM" }, { NI_NOFQDN, "NOFQDN" },
	};

	for (int i = 0; names[i]; i++)
		by_name(names[i]);
	for (int i = 0; addrs[i].addr; i++)
		by_addr(addrs[i].af, addrs[i].addr);
	for (int i = 0; addrs[i].addr; i++)
		for (size_t j = 0; j < sizeof nif / sizeof nif[0]; j++)
			name_info(addrs[i].af, addrs[i].addr, j == 3 ? 53 : 80,
				  nif[j].f, nif[j].n);
	fflush(stdout);
	return 0;
}
