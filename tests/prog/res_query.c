/* SPDX-License-Identifier: ISC */
/* res_query.c - call every function of the res_query family for a set of
 * names and types and print a canonical dump of each outcome, for
 * tests/integration/t31_preload_res.sh (the same dump through the preload
 * library over DNSCrypt and through plain glibc over plain DNS must be
 * identical).
 *
 *   res_query [-b ANSLEN] [CASE...]
 *
 * A CASE is "TYPE NAME" in one argument, e.g. "MX mx.lab.test"; without
 * any, the built-in list below and then a few odd calls (NULL domains,
 * empty and too long names, class CHAOS, a private type).  -b gives the answer buffer size passed
 * to every call (default 65536).  For each case every function runs:
 * res_query, res_search, res_querydomain (NAME split at its first dot),
 * res_send (query built with res_mkquery), res_nquery, res_nsearch,
 * res_nquerydomain, res_nsend (on a res_ninit'd state).  Per call:
 *
 *   FUNC TYPE NAME: ret=OK|-1 h_errno=NAME [res_h_errno=NAME]
 *     hdr rcode=R flags=qr,aa,.. qd=N an=N ns=N ar=N
 *     qd NAME CLASS TYPE
 *     an|ns|ar <ns_sprintrr text, whitespace squeezed to single spaces>
 *
 * The message id is left out (res_mkquery picks a random one; res_send
 * must give back the caller's: checked, and "id=mismatch" printed if not).
 * ret is the return value (with "(>ANSLEN)" when it exceeds the buffer
 * size; the dump then covers the buffer).  The OPT pseudo-record is printed with
 * its UDP size and flags only.  h_errno is set to -12345 before each call,
 * so "h_errno=-12345" means the call left it alone.
 *
 * Built with -DOLD_RES_SYMVER, every res_* call binds to the pre-2.34
 * spelling (__res_query@GLIBC_2.2.5 and so on): what programs built
 * against older glibc call.
 *
 * ns_initparse, ns_parserr and ns_sprintrr live in libresolv.so.2 only;
 * they are looked up with dlopen so that the Makefile's plain link rule
 * (no -lresolv) builds this program.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/nameser.h>
#include <dlfcn.h>
#include <netdb.h>
#include <resolv.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog_util.h"

#ifdef OLD_RES_SYMVER
__asm__(".symver res_query,__res_query@GLIBC_2.2.5");
__asm__(".symver res_search,__res_search@GLIBC_2.2.5");
__asm__(".symver res_querydomain,__res_querydomain@GLIBC_2.2.5");
__asm__(".symver res_send,__res_send@GLIBC_2.2.5");
__asm__(".symver res_nquery,__res_nquery@GLIBC_2.2.5");
__asm__(".symver res_nsearch,__res_nsearch@GLIBC_2.2.5");
__asm__(".symver res_nquerydomain,__res_nquerydomain@GLIBC_2.2.5");
__asm__(".symver res_nsend,__res_nsend@GLIBC_2.2.5");
__asm__(".symver res_mkquery,__res_mkquery@GLIBC_2.2.5");
__asm__(".symver res_nmkquery,__res_nmkquery@GLIBC_2.2.5");
#endif

static int (*p_initparse)(const unsigned char *, int, ns_msg *);
static int (*p_parserr)(ns_msg *, ns_sect, int, ns_rr *);
static int (*p_sprintrr)(const ns_msg *, const ns_rr *, const char *,
			 const char *, char *, size_t);

static const char *const default_cases[] = {
	"A a4.lab.test",
	"AAAA both.lab.test",
	"A alias1.lab.test",
	"MX mx.lab.test",
	"TXT txt.lab.test",
	"SRV _sip._udp.lab.test",
	"PTR 1.0.20.127.in-addr.arpa",
	"PTR 2.0.20.127.in-addr.arpa",
	"A nx.lab.test",
	"A nodata.lab.test",
	"A many.lab.test",
	"TXT big16k.lab.test",
	"TXT big59k.lab.test",
	"AAAA aaaa400.lab.test",
	"PTR 9.0.20.127.in-addr.arpa",
	"A example.com",
	"A a4.lab.test.",
	"A a4",
	"MX mx",
	"A nx",
	"A bad..lab.test",
	"A x y.lab.test",
	"A xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.lab.test",
	"ANY a4.lab.test",
	NULL,
};

static const struct { const char *n; int t; } types[] = {
	{ "A", ns_t_a }, { "AAAA", ns_t_aaaa }, { "MX", ns_t_mx },
	{ "TXT", ns_t_txt }, { "SRV", ns_t_srv }, { "PTR", ns_t_ptr },
	{ "NS", ns_t_ns }, { "SOA", ns_t_soa }, { "CNAME", ns_t_cname },
	{ "ANY", ns_t_any }, { "OPT", ns_t_opt },
};

static int type_of(const char *s)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(s, types[i].n) == 0)
			return types[i].t;
	return atoi(s);
}

/* p_type, p_class and p_rcode are libresolv's too (and deprecated). */
static const char *type_name(int t)
{
	static char buf[16];

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].t == t)
			return types[i].n;
	snprintf(buf, sizeof buf, "TYPE%d", t);
	return buf;
}

static const char *class_name(int c)
{
	static char buf[16];

	if (c == ns_c_in)
		return "IN";
	snprintf(buf, sizeof buf, "CLASS%d", c);
	return buf;
}

static const char *rcode_name(int r)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	};
	static char buf[16];

	if (r >= 0 && r < 6)
		return names[r];
	snprintf(buf, sizeof buf, "RCODE%d", r);
	return buf;
}

/* ns_sprintrr separates fields with tabs and spaces and splits SOA over
 * lines: one space between fields, on one line. */
static void squeeze(char *t)
{
	char *start = t, *o = t;
	int sp = 0;

	for (; *t; t++) {
		if (*t == ' ' || *t == '\t' || *t == '\n') {
			sp = 1;
			continue;
		}
		if (sp && o != start)
			*o++ = ' ';
		sp = 0;
		*o++ = *t;
	}
	*o = 0;
}

static void dump_msg(const unsigned char *m, int len)
{
	static const char *const sect[] = { "qd", "an", "ns", "ar" };
	static const char *const fl[] = { "qr", "aa", "tc", "rd", "ra", "z", "ad", "cd" };
	static const int bit[] = { 0x8000, 0x0400, 0x0200, 0x0100, 0x0080, 0x0040, 0x0020, 0x0010 };
	unsigned flags = (unsigned)(m[2] << 8 | m[3]);
	char text[8192], fbuf[64] = "";
	ns_msg h;
	ns_rr rr;

	for (int i = 0; i < 8; i++)
		if (flags & bit[i]) {
			if (fbuf[0])
				strcat(fbuf, ",");
			strcat(fbuf, fl[i]);
		}
	printf("  hdr opcode=%u rcode=%s flags=%s", (flags >> 11) & 0xf,
	       rcode_name((int)(flags & 0xf)), fbuf);
	if (p_initparse(m, len, &h) != 0) {
		printf(" (unparsable)\n");
		return;
	}
	printf(" qd=%d an=%d ns=%d ar=%d\n", ns_msg_count(h, ns_s_qd),
	       ns_msg_count(h, ns_s_an), ns_msg_count(h, ns_s_ns),
	       ns_msg_count(h, ns_s_ar));
	for (int s = 0; s < 4; s++)
		for (int i = 0; i < ns_msg_count(h, (ns_sect)s); i++) {
			if (p_parserr(&h, (ns_sect)s, i, &rr) != 0) {
				printf("  %s #%d unparsable\n", sect[s], i);
				continue;
			}
			if (s == ns_s_qd) {
				printf("  qd %s. %s %s\n", ns_rr_name(rr),
				       class_name(ns_rr_class(rr)), type_name(ns_rr_type(rr)));
			} else if (ns_rr_type(rr) == ns_t_opt) {
				printf("  %s OPT udp=%u ttl=%lu rdlen=%u\n", sect[s],
				       ns_rr_class(rr), (unsigned long)ns_rr_ttl(rr),
				       ns_rr_rdlen(rr));
			} else if (p_sprintrr(&h, &rr, NULL, NULL, text, sizeof text) < 0) {
				printf("  %s %s. %s %s (unprintable)\n", sect[s],
				       ns_rr_name(rr), class_name(ns_rr_class(rr)),
				       type_name(ns_rr_type(rr)));
			} else {
				squeeze(text);
				printf("  %s %s\n", sect[s], text);
			}
		}
}

static int anslen = 65536;

static void report(const char *fn, const char *tname, const char *name,
		   int ret, const unsigned char *ans, res_state st,
		   int want_id)
{
	int len = ret < anslen ? ret : anslen;

	printf("%s %s %s: ret=%d", fn, tname, name, ret);
	if (ret > anslen)
		printf("(>%d)", anslen);
	printf(" h_errno=%s", prog_herr_text(h_errno));
	if (st)
		printf(" res_h_errno=%s", prog_herr_text(st->res_h_errno));
	if (len >= 12 && want_id >= 0 && (ans[0] << 8 | ans[1]) != want_id)
		printf(" id=mismatch");
	printf("\n");
	if (len >= 12)
		dump_msg(ans, len);
}

static void run_case(const char *tname, const char *name, res_state st)
{
	unsigned char ans[65536], q[NS_PACKETSZ];
	int type = type_of(tname), n, ql;
	char label[256];
	const char *dom = strchr(name, '.');

	snprintf(label, sizeof label, "%.*s",
		 (int)(dom ? dom - name : (ptrdiff_t)strlen(name)), name);
	if (dom)
		dom++;

#define CALL(fn, args, stp, id) do {					\
		h_errno = -12345;					\
		if (stp)						\
			((res_state)(stp))->res_h_errno = -12345;	\
		memset(ans, 0, sizeof ans);				\
		n = fn args;						\
		report(#fn, tname, name, n, ans, stp, id);		\
	} while (0)

	CALL(res_query, (name, ns_c_in, type, ans, anslen), NULL, -1);
	CALL(res_search, (name, ns_c_in, type, ans, anslen), NULL, -1);
	CALL(res_querydomain, (label, dom, ns_c_in, type, ans, anslen), NULL, -1);
	ql = res_mkquery(ns_o_query, name, ns_c_in, type, NULL, 0, NULL, q, sizeof q);
	if (ql < 0) {
		printf("res_send %s %s: res_mkquery failed\n", tname, name);
	} else {
		CALL(res_send, (q, ql, ans, anslen), NULL, q[0] << 8 | q[1]);
	}
	CALL(res_nquery, (st, name, ns_c_in, type, ans, anslen), st, -1);
	CALL(res_nsearch, (st, name, ns_c_in, type, ans, anslen), st, -1);
	CALL(res_nquerydomain, (st, label, dom, ns_c_in, type, ans, anslen), st, -1);
	ql = res_nmkquery(st, ns_o_query, name, ns_c_in, type, NULL, 0, NULL, q, sizeof q);
	if (ql < 0) {
		printf("res_nsend %s %s: res_nmkquery failed\n", tname, name);
	} else {
		CALL(res_nsend, (st, q, ql, ans, anslen), st, q[0] << 8 | q[1]);
	}
#undef CALL
}

/* Calls the case table cannot express. */
static void odd_calls(res_state st)
{
	unsigned char ans[65536];
	char big[400];
	int n;

	memset(big, 0, sizeof big);
	for (int i = 0; i < 5; i++)
		memcpy(big + i * 60, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.", 60);
	memcpy(big + 300, "lab.test", 8);
	printf("\nodd calls\n");
#define ODD(fn, args, stp, tname, name) do {				\
		h_errno = -12345;					\
		if (stp)						\
			((res_state)(stp))->res_h_errno = -12345;	\
		memset(ans, 0, sizeof ans);				\
		n = fn args;						\
		printf("\n");						\
		report(#fn, tname, name, n, ans, stp, -1);		\
	} while (0)
	ODD(res_querydomain, ("a4.lab.test.", NULL, ns_c_in, ns_t_a, ans, anslen), NULL, "A", "a4.lab.test.+NULL");
	ODD(res_querydomain, ("a4.lab.test", NULL, ns_c_in, ns_t_a, ans, anslen), NULL, "A", "a4.lab.test+NULL");
	ODD(res_nquerydomain, (st, "a4", "lab.test.", ns_c_in, ns_t_a, ans, anslen), st, "A", "a4+lab.test.");
	ODD(res_querydomain, ("", NULL, ns_c_in, ns_t_a, ans, anslen), NULL, "A", "\"\"+NULL");
	ODD(res_query, ("", ns_c_in, ns_t_ns, ans, anslen), NULL, "NS", "\"\"");
	ODD(res_query, (".", ns_c_in, ns_t_ns, ans, anslen), NULL, "NS", ".");
	ODD(res_search, ("", ns_c_in, ns_t_a, ans, anslen), NULL, "A", "\"\"");
	ODD(res_query, (big, ns_c_in, ns_t_a, ans, anslen), NULL, "A", "(308 characters)");
	ODD(res_search, (big, ns_c_in, ns_t_a, ans, anslen), NULL, "A", "(308 characters)");
	ODD(res_query, ("a4.lab.test", ns_c_chaos, ns_t_a, ans, anslen), NULL, "A", "a4.lab.test class CHAOS");
	ODD(res_query, ("a4.lab.test", ns_c_in, 65280, ans, anslen), NULL, "TYPE65280", "a4.lab.test");
#undef ODD
}

int main(int argc, char **argv)
{
	struct __res_state st;
	void *lib;
	int first = 1;

	lib = dlopen("libresolv.so.2", RTLD_NOW);
	if (!lib) {
		fprintf(stderr, "res_query: %s\n", dlerror());
		return 2;
	}
	p_initparse = (int (*)(const unsigned char *, int, ns_msg *))dlsym(lib, "ns_initparse");
	p_parserr = (int (*)(ns_msg *, ns_sect, int, ns_rr *))dlsym(lib, "ns_parserr");
	p_sprintrr = (int (*)(const ns_msg *, const ns_rr *, const char *, const char *,
			      char *, size_t))dlsym(lib, "ns_sprintrr");
	if (!p_initparse || !p_parserr || !p_sprintrr) {
		fprintf(stderr, "res_query: ns_* not found in libresolv.so.2\n");
		return 2;
	}
	memset(&st, 0, sizeof st);
	if (res_ninit(&st) != 0) {
		fprintf(stderr, "res_query: res_ninit failed\n");
		return 2;
	}
	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		anslen = atoi(argv[2]);
		if (anslen < 0 || anslen > 65536) {
			fprintf(stderr, "res_query: bad -b %s\n", argv[2]);
			return 2;
		}
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	for (int i = 1; i < argc || (argc <= 1 && default_cases[i - 1]); i++) {
		const char *c = argc > 1 ? argv[i] : default_cases[i - 1];
		char tname[16];
		const char *sp = strchr(c, ' ');

		if (!sp || sp - c >= (ptrdiff_t)sizeof tname) {
			fprintf(stderr, "res_query: bad case '%s'\n", c);
			return 2;
		}
		snprintf(tname, sizeof tname, "%.*s", (int)(sp - c), c);
		if (!first)
			printf("\n");
		first = 0;
		run_case(tname, sp + 1, &st);
	}
	if (argc <= 1)
		odd_calls(&st);
	res_nclose(&st);
	fflush(stdout);
	return 0;
}
