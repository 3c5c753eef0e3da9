/* SPDX-License-Identifier: ISC */
/* matrix_lookup.c - one timed lookup of one kind, printed canonically, for
 * tests/integration/t45_engine_matrix.sh (the same call over DNSCrypt and
 * through plain glibc over plain DNS must print the same lines).
 *
 *   matrix_lookup gai NAME            getaddrinfo(AF_UNSPEC, SOCK_STREAM,
 *                                     AI_ADDRCONFIG|AI_CANONNAME)
 *   matrix_lookup hba ADDR            gethostbyaddr (IPv4 or IPv6)
 *   matrix_lookup res_query NAME TYPE res_query, res_search or res_send
 *   matrix_lookup res_search NAME TYPE  (a res_mkquery query), class IN,
 *   matrix_lookup res_send NAME TYPE  answer buffer of 65536 bytes
 *
 * Output:
 *   KIND ARGS: RESULT       OK, the EAI_* name (gai), the h_errno name
 *                           (hba), or "ret=N h_errno=NAME" (res_*;
 *                           res_send adds "errno=NAME" when it fails)
 *   then, on success:
 *     gai  one line per result: "inet|inet6 ADDRESS [canon=NAME]"
 *     hba  "name NAME", "alias NAME"..., "addr ADDRESS"...
 *     res  the answer after its id (res_mkquery picks a random one; the
 *          id res_send gives back is checked: "id=mismatch"), in hex, 32
 *          bytes a line
 *   # ms=ELAPSED            the call alone (CLOCK_MONOTONIC), milliseconds
 *
 * TYPE is A, AAAA, TXT, PTR, MX or a number.  Exit status 0 unless the
 * arguments are wrong (64).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prog_util.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int type_of(const char *s)
{
	static const struct { const char *n; int t; } types[] = {
		{ "A", ns_t_a }, { "AAAA", ns_t_aaaa }, { "TXT", ns_t_txt },
		{ "PTR", ns_t_ptr }, { "MX", ns_t_mx },
	};

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(s, types[i].n) == 0)
			return types[i].t;
	return atoi(s);
}

static void do_gai(const char *name)
{
	struct addrinfo hints, *res = NULL;
	char a[INET6_ADDRSTRLEN];
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_CANONNAME;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0) {
		const char *n = prog_eai_name(rc);

		printf("gai %s: %s\n", name, n ? n : "EAI_?");
		return;
	}
	printf("gai %s: OK\n", name);
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		prog_ai_addr(ai, a, sizeof a, NULL, NULL);
		printf("%s %s", ai->ai_family == AF_INET6 ? "inet6" : "inet", a);
		if (ai->ai_canonname)
			printf(" canon=%s", ai->ai_canonname);
		printf("\n");
	}
	freeaddrinfo(res);
}

static void do_hba(const char *addr)
{
	unsigned char bin[16];
	char a[INET6_ADDRSTRLEN];
	int af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	struct hostent *h;

	if (inet_pton(af, addr, bin) != 1) {
		fprintf(stderr, "matrix_lookup: not an address: %s\n", addr);
		exit(64);
	}
	h = gethostbyaddr(bin, af == AF_INET6 ? 16 : 4, af);
	if (!h) {
		printf("hba %s: %s\n", addr, prog_herr_text(h_errno));
		return;
	}
	printf("hba %s: OK\nname %s\n", addr, h->h_name);
	for (char **p = h->h_aliases; p && *p; p++)
		printf("alias %s\n", *p);
	for (char **p = h->h_addr_list; p && *p; p++)
		printf("addr %s\n", inet_ntop(h->h_addrtype, *p, a, sizeof a) ? a : "?");
}

static void do_res(const char *fn, const char *name, const char *tname)
{
	static unsigned char ans[65536];
	unsigned char q[NS_PACKETSZ];
	int type = type_of(tname), n, ql, len;
	int id = -1, e = 0;

	h_errno = -12345;
	if (strcmp(fn, "res_query") == 0) {
		n = res_query(name, ns_c_in, type, ans, sizeof ans);
	} else if (strcmp(fn, "res_search") == 0) {
		n = res_search(name, ns_c_in, type, ans, sizeof ans);
	} else {
		ql = res_mkquery(ns_o_query, name, ns_c_in, type, NULL, 0, NULL,
				 q, sizeof q);
		if (ql < 0) {
			printf("%s %s %s: res_mkquery failed\n", fn, name, tname);
			return;
		}
		id = q[0] << 8 | q[1];
		errno = 0;
		n = res_send(q, ql, ans, sizeof ans);
		e = errno;
	}
	printf("%s %s %s: ret=%d h_errno=%s", fn, name, tname, n,
	       prog_herr_text(h_errno));
	len = n < (int)sizeof ans ? n : (int)sizeof ans;
	if (id >= 0 && len >= 2 && (ans[0] << 8 | ans[1]) != id)
		printf(" id=mismatch");
	/* res_send reports a failure in errno only (h_errno is left alone) */
	if (id >= 0 && n < 0)
		printf(" errno=%s", e ? strerrorname_np(e) : "0");
	printf("\n");
	for (int i = 2; i < len; i++)
		printf("%02x%s", ans[i], (i - 2) % 32 == 31 || i == len - 1 ? "\n" : "");
}

int main(int argc, char **argv)
{
	double t0;

	if (argc < 3 || (strncmp(argv[1], "res_", 4) == 0 && argc != 4) ||
	    (strncmp(argv[1], "res_", 4) != 0 && argc != 3)) {
		fprintf(stderr, "usage: matrix_lookup gai NAME | hba ADDR | "
			"res_query|res_search|res_send NAME TYPE\n");
		return 64;
	}
	t0 = now_ms();
	if (strcmp(argv[1], "gai") == 0)
		do_gai(argv[2]);
	else if (strcmp(argv[1], "hba") == 0)
		do_hba(argv[2]);
	else if (strcmp(argv[1], "res_query") == 0 || strcmp(argv[1], "res_search") == 0 ||
		 strcmp(argv[1], "res_send") == 0)
		do_res(argv[1], argv[2], argv[3]);
	else {
		fprintf(stderr, "matrix_lookup: unknown kind %s\n", argv[1]);
		return 64;
	}
	printf("# ms=%.0f\n", now_ms() - t0);
	return 0;
}
