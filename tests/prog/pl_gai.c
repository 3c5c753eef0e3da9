/* SPDX-License-Identifier: ISC */
/* pl_gai.c - getaddrinfo over a table of (node, service, hints) cases,
 * printing a canonical dump of each outcome, for
 * tests/integration/t30_preload.sh: the dump through the preload library
 * (DNSCrypt) and through plain glibc (nss_dns over plain DNS) must be
 * identical.
 *
 *   pl_gai [LONGNAME]
 *
 * Per case:
 *   gai NODE SERVICE fam=F sock=S proto=P flags=A|B: RESULT
 *     FAMILY SOCKTYPE PROTO ADDRESS PORT [canon=NAME]
 * RESULT is 0 or the EAI_* name (errno's name for EAI_SYSTEM).  Results
 * are listed in getaddrinfo's order (RFC 6724 sorting included); they are
 * released with freeaddrinfo, which must accept what getaddrinfo gave.
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

struct gcase {
	const char *node, *serv;
	int family, socktype, protocol, flags;
};

#define U AF_UNSPEC
#define V4 AF_INET
#define V6 AF_INET6
#define ST SOCK_STREAM
#define DG SOCK_DGRAM

static struct gcase cases[] = {
	/* numeric hosts */
	{ "127.0.0.1", "80", U, ST, 0, 0 },
	{ "::1", NULL, U, 0, 0, 0 },
	{ "127.1", "80", V4, 0, 0, 0 },
	{ "0x7f.1", "80", U, ST, 0, 0 },
	{ "::ffff:127.20.0.1", "80", U, ST, 0, AI_NUMERICHOST },
	{ "fe80::1%lo", "80", V6, ST, 0, AI_NUMERICHOST },
	{ "::1", "80", V4, ST, 0, 0 },
	{ "127.0.0.1", "80", V6, ST, 0, 0 },
	{ "127.0.0.1", "80", V6, ST, 0, AI_V4MAPPED },
	{ "127.0.0.1", NULL, U, ST, 0, AI_NUMERICHOST | AI_CANONNAME },
	{ "1.2.3.4", "80", U, ST, 0, AI_NUMERICHOST },
	/* names over the network */
	{ "a4.lab.test", "http", U, ST, 0, 0 },
	{ "a4.lab.test", NULL, U, 0, 0, 0 },
	{ "a4.lab.test", "80", U, ST, 0, AI_CANONNAME },
	{ "a4.lab.test.", "80", U, ST, 0, AI_CANONNAME },
	{ "A4.Lab.Test", "80", U, ST, 0, AI_CANONNAME },
	{ "both.lab.test", "80", U, ST, 0, 0 },
	{ "both.lab.test", "80", V4, ST, 0, 0 },
	{ "both.lab.test", "80", V6, ST, 0, 0 },
	{ "both.lab.test", "80", V6, ST, 0, AI_V4MAPPED | AI_ALL },
	{ "both.lab.test", "80", U, ST, 0, AI_ADDRCONFIG },
	{ "two4.lab.test", "80", U, ST, 0, 0 },
	{ "a6.lab.test", "80", U, ST, 0, 0 },
	{ "a6.lab.test", "80", V4, ST, 0, 0 },
	{ "a4.lab.test", "80", V6, ST, 0, 0 },
	{ "a4.lab.test", "80", V6, ST, 0, AI_V4MAPPED },
	{ "a4.lab.test", "80", U, ST, 0, AI_V4MAPPED },
	{ "alias1.lab.test", "80", U, ST, 0, AI_CANONNAME },
	{ "cname-ext.lab.test", "80", U, ST, 0, AI_CANONNAME },
	{ "many.lab.test", "80", U, ST, 0, 0 },
	{ "many4.lab.test", "80", V4, ST, 0, AI_CANONNAME },
	{ "web.lab.test", "8080", U, ST, 0, 0 },
	{ "nx.lab.test", "80", U, ST, 0, 0 },
	{ "nodata.lab.test", "80", U, ST, 0, 0 },
	{ "nodata.lab.test", "80", V4, ST, 0, 0 },
	{ "example.com", "80", U, ST, 0, 0 },
	{ "b\xc3\xbc" "cher.lab.test", "80", U, ST, 0, 0 },
	{ "b\xc3\xbc" "cher.lab.test", "80", U, ST, 0, AI_IDN },
	{ "bad..lab.test", "80", U, ST, 0, 0 },
	{ "", "80", U, ST, 0, 0 },
	/* search list (resolv.conf: search lab.test) */
	{ "a4", "80", U, ST, 0, AI_CANONNAME },
	{ "alias1", "80", U, ST, 0, AI_CANONNAME },
	{ "nx", "80", U, ST, 0, 0 },
	/* /etc/hosts (the test's own file) and localhost */
	{ "localhost", "80", U, ST, 0, 0 },
	{ "localhost", "80", V4, ST, 0, AI_CANONNAME },
	{ "localhost", "80", V6, ST, 0, 0 },
	{ "hosted.example", "80", U, ST, 0, AI_CANONNAME },
	{ "alias-hosted.example", "80", U, ST, 0, AI_CANONNAME },
	{ "hosted", "80", U, ST, 0, AI_CANONNAME },
	{ "hosted6.example", "80", U, ST, 0, 0 },
	{ "hosted6.example", "80", V4, ST, 0, 0 },
	{ "mail.lab.test", "80", U, ST, 0, AI_CANONNAME },
	/* no node */
	{ NULL, "80", U, ST, 0, AI_PASSIVE },
	{ NULL, "80", V4, ST, 0, AI_PASSIVE },
	{ NULL, "80", U, ST, 0, 0 },
	{ NULL, "http", V6, DG, 0, 0 },
	{ NULL, NULL, U, ST, 0, AI_PASSIVE },
	/* flags and services */
	{ "a4.lab.test", "80", U, ST, 0, AI_NUMERICHOST },
	{ "localhost", "80", U, ST, 0, AI_NUMERICHOST },
	{ "a4.lab.test", "http", U, ST, 0, AI_NUMERICSERV },
	{ "a4.lab.test", "8080", U, ST, 0, AI_NUMERICSERV },
	{ "a4.lab.test", "nosuchservice", U, ST, 0, 0 },
	{ "a4.lab.test", "domain", U, DG, 0, 0 },
	{ "a4.lab.test", "domain", U, 0, IPPROTO_UDP, 0 },
	{ "a4.lab.test", "80", U, SOCK_RAW, 0, 0 },
	{ "a4.lab.test", "http", U, DG, 0, 0 },
	{ "a4.lab.test", "80", AF_UNIX, ST, 0, 0 },
	{ "a4.lab.test", "80", U, ST, 0, AI_PASSIVE },
	{ "a4.lab.test", "80", U, ST, 0, 0x10000 },
	{ NULL, NULL, 0, 0, 0, 0 }, /* LONGNAME goes here */
};

static const char *eai_name(int rc)
{
	static char buf[48];
	const char *n = prog_eai_name(rc);

	if (rc == 0)
		return "0";
	if (rc == EAI_SYSTEM) {
		snprintf(buf, sizeof buf, "EAI_SYSTEM(%s)", strerrorname_np(errno));
		return buf;
	}
	if (n)
		return n;
	snprintf(buf, sizeof buf, "EAI_%d", rc);
	return buf;
}

static const char *fam_name(int f)
{
	static char buf[16];

	switch (f) {
	case AF_UNSPEC: return "UNSPEC";
	case AF_INET:   return "INET";
	case AF_INET6:  return "INET6";
	case AF_UNIX:   return "UNIX";
	}
	snprintf(buf, sizeof buf, "%d", f);
	return buf;
}

static const char *sock_name(int s)
{
	static char buf[16];

	switch (s) {
	case 0:           return "0";
	case SOCK_STREAM: return "STREAM";
	case SOCK_DGRAM:  return "DGRAM";
	case SOCK_RAW:    return "RAW";
	}
	snprintf(buf, sizeof buf, "%d", s);
	return buf;
}

static void flag_names(int flags, char *out, size_t len)
{
	static const struct { int f; const char *n; } names[] = {
		{ AI_PASSIVE, "PASSIVE" }, { AI_CANONNAME, "CANONNAME" },
		{ AI_NUMERICHOST, "NUMERICHOST" }, { AI_V4MAPPED, "V4MAPPED" },
		{ AI_ALL, "ALL" }, { AI_ADDRCONFIG, "ADDRCONFIG" },
		{ AI_IDN, "IDN" }, { AI_CANONIDN, "CANONIDN" },
		{ AI_NUMERICSERV, "NUMERICSERV" },
	};
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (flags & names[i].f) {
			n += (size_t)snprintf(out + n, len - n, "%s%s", n ? "|" : "", names[i].n);
			flags &= ~names[i].f;
		}
	if (flags)
		n += (size_t)snprintf(out + n, len - n, "%s0x%x", n ? "|" : "", (unsigned)flags);
	if (n == 0)
		snprintf(out, len, "0");
}

static void run(const struct gcase *c)
{
	struct addrinfo hints, *res = NULL, *ai;
	char fl[128];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = c->family;
	hints.ai_socktype = c->socktype;
	hints.ai_protocol = c->protocol;
	hints.ai_flags = c->flags;
	flag_names(c->flags, fl, sizeof fl);
	errno = 0;
	rc = getaddrinfo(c->node, c->serv, &hints, &res);
	printf("gai %s %s fam=%s sock=%s proto=%d flags=%s: %s\n",
	       c->node ? c->node : "(null)", c->serv ? c->serv : "(null)",
	       fam_name(c->family), sock_name(c->socktype), c->protocol, fl,
	       eai_name(rc));
	if (rc != 0)
		return;
	for (ai = res; ai; ai = ai->ai_next) {
		char addr[INET6_ADDRSTRLEN + 16];
		unsigned port, scope;

		prog_ai_addr(ai, addr, sizeof addr, &port, &scope);
		printf("  %s %s %d %s %u len=%u", fam_name(ai->ai_family),
		       sock_name(ai->ai_socktype), ai->ai_protocol, addr, port,
		       (unsigned)ai->ai_addrlen);
		if (scope)
			printf(" scope=%u", scope);
		if (ai->ai_canonname)
			printf(" canon=%s", ai->ai_canonname);
		printf("\n");
	}
	freeaddrinfo(res);
}

int main(int argc, char **argv)
{
	size_t n = sizeof cases / sizeof cases[0];

	if (argc > 1) {
		cases[n - 1] = (struct gcase){ argv[1], "80", U, ST, 0, AI_CANONNAME };
	} else {
		n--;
	}
	for (size_t i = 0; i < n; i++)
		run(&cases[i]);
	fflush(stdout);
	return 0;
}
