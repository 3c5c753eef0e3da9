/* SPDX-License-Identifier: ISC */
/* nss_poison.c - call the module's six entry points directly (dlopen), the
 * way nss-mdns's test does, and check the NSS buffer and status contract
 * (design.md 4).  Driven by tests/integration/t22_nss_poison.sh, which
 * turns its lines into TAP:
 *   PASS <desc> | FAIL <desc> | DIAG <text> | RESULT <call><TAB><dump>
 *
 *   nss_poison MODULE buffers CALL...
 *       For each CALL: a reference call with a 64 KiB buffer (must
 *       succeed; its dump is printed as RESULT), then, at three misaligned
 *       offsets, every buffer length from 0 up to the first that succeeds
 *       and 16 more.  The buffer lies inside a larger allocation filled with
 *       a poison byte: nothing outside [buffer, buffer + buflen) may change;
 *       too small must give NSS_STATUS_TRYAGAIN, *errnop ERANGE, *h_errnop
 *       NETDB_INTERNAL; once a length succeeds every longer one must, with
 *       the reference result and every pointer of it inside the buffer.
 *       gethostbyname4_r gets a *pat that points at a PROT_NONE page: it
 *       must be overwritten, never followed.
 *   nss_poison MODULE status CALL=STATUS/HERRNO...
 *       One call each (64 KiB buffer); the status and h_errno must be the
 *       ones given (!STATUS: any status but that one), and *errnop
 *       non-zero on any failure.
 *   nss_poison MODULE timed MAX_MS CALL=STATUS/HERRNO...
 *       As status, and each call must return within MAX_MS.
 *   nss_poison MODULE noretry CALL...
 *       In a child per CALL: a call with a 1-byte buffer (TRYAGAIN/ERANGE),
 *       then a seccomp filter that turns socket, connect, send*, recv*
 *       into SIGSYS (the child then exits 42), then the retries with a
 *       growing buffer: they must reach SUCCESS.  A control child installs
 *       the filter before a fresh lookup and must be stopped by it.
 *   nss_poison MODULE sizes CALL...
 *       For each CALL, at three misaligned offsets, every buffer length
 *       from 0 to 16 past the first success: one SIZE line per run of
 *       lengths with the same outcome (status, errno, h_errno, result).
 *       MODULE may be libc.so.6: then nss_dns's own functions
 *       (_nss_dns_*, in libc since glibc 2.34) are called, so that t22
 *       compares the two modules' lines.
 *   nss_poison MODULE silent-server PORT_FILE SECONDS
 *       Bind UDP and listen on TCP at 127.0.0.1 (one port), write the port
 *       to PORT_FILE and never answer, for SECONDS.
 *
 * CALL is KIND:NAME[:FAMILY] with KIND 4, 3, 2, 1 (gethostbyname4_r, 3_r,
 * 2_r, _r), a2 or a (gethostbyaddr2_r, gethostbyaddr_r; NAME is then an
 * address), FAMILY 4 or 6 (3, 2, a2, a; default 4, or 6 for an IPv6
 * address).
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <nss.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "prog_util.h"

#define POISON 0xa5
#define GUARD 64
#define BIG 65536

typedef enum nss_status (*fn4_t)(const char *, struct gaih_addrtuple **, char *,
				 size_t, int *, int *, int32_t *);
typedef enum nss_status (*fn3_t)(const char *, int, struct hostent *, char *,
				 size_t, int *, int *, int32_t *, char **);
typedef enum nss_status (*fn2_t)(const char *, int, struct hostent *, char *,
				 size_t, int *, int *);
typedef enum nss_status (*fn1_t)(const char *, struct hostent *, char *, size_t,
				 int *, int *);
typedef enum nss_status (*fna2_t)(const void *, socklen_t, int, struct hostent *,
				  char *, size_t, int *, int *, int32_t *);
typedef enum nss_status (*fna_t)(const void *, socklen_t, int, struct hostent *,
				 char *, size_t, int *, int *);

static fn4_t f4;
static fn3_t f3;
static fn2_t f2;
static fn1_t f1;
static fna2_t fa2;
static fna_t fa;

static void *protnone;   /* a page nobody may touch */

struct call {
	char kind[3];
	char name[1100];
	int af;
	unsigned char addr[16];
	char text[1200];       /* as given on the command line */
};

struct outcome {
	enum nss_status st;
	int err, herr;
	int32_t ttl;
	char dump[262144];     /* canonical result (SUCCESS only) */
	char bad[512];         /* a broken rule, or "" */
};

static const char *st_name(enum nss_status st)
{
	switch (st) {
	case NSS_STATUS_TRYAGAIN: return "TRYAGAIN";
	case NSS_STATUS_UNAVAIL: return "UNAVAIL";
	case NSS_STATUS_NOTFOUND: return "NOTFOUND";
	case NSS_STATUS_SUCCESS: return "SUCCESS";
	case NSS_STATUS_RETURN: return "RETURN";
	default: return "?";
	}
}

static const char *herr_name(int h)
{
	const char *n = prog_herr_name(h);

	return n ? n : "H_?";
}

static int parse_call(const char *s, struct call *c)
{
	char tmp[1200], *p, *q;

	memset(c, 0, sizeof(*c));
	snprintf(c->text, sizeof(c->text), "%s", s);
	snprintf(tmp, sizeof(tmp), "%s", s);
	p = strchr(tmp, ':');
	if (!p || p - tmp > 2)
		return -1;
	*p++ = 0;
	memcpy(c->kind, tmp, strlen(tmp) + 1);   /* at most 2 characters */
	q = strrchr(p, ':');
	c->af = AF_INET;
	if (q && (strcmp(q, ":4") == 0 || strcmp(q, ":6") == 0) &&
	    c->kind[0] != 'a') {
		c->af = q[1] == '6' ? AF_INET6 : AF_INET;
		*q = 0;
	}
	snprintf(c->name, sizeof(c->name), "%s", p);
	if (c->kind[0] == 'a') {
		if (inet_pton(AF_INET, c->name, c->addr) == 1)
			c->af = AF_INET;
		else if (inet_pton(AF_INET6, c->name, c->addr) == 1)
			c->af = AF_INET6;
		else
			return -1;
		return strcmp(c->kind, "a") == 0 || strcmp(c->kind, "a2") == 0 ? 0 : -1;
	}
	return strchr("4321", c->kind[0]) && c->kind[1] == 0 ? 0 : -1;
}

/* Appending to the dump. */
static void app(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void app(struct outcome *o, const char *fmt, ...)
{
	size_t n = strlen(o->dump);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->dump + n, sizeof(o->dump) - n, fmt, ap);
	va_end(ap);
}

static void bad(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	if (o->bad[0])
		return;
	va_start(ap, fmt);
	vsnprintf(o->bad, sizeof(o->bad), fmt, ap);
	va_end(ap);
}

static int inside(const void *p, size_t n, const char *buf, size_t buflen)
{
	const char *c = p;

	return c >= buf && n <= buflen && (size_t)(c - buf) <= buflen - n;
}

/* A NUL-terminated string that lies wholly inside the buffer. */
static int str_inside(const char *s, const char *buf, size_t buflen)
{
	if (!inside(s, 1, buf, buflen))
		return 0;
	return memchr(s, 0, (size_t)(buf + buflen - s)) != NULL;
}

static void dump_hostent(struct outcome *o, const struct hostent *h, int want_af,
			 const char *buf, size_t buflen)
{
	char a[INET6_ADDRSTRLEN];
	int n = 0;

	if (!str_inside(h->h_name, buf, buflen)) {
		bad(o, "h_name outside the buffer");
		return;
	}
	if (h->h_addrtype != want_af || h->h_length != (want_af == AF_INET ? 4 : 16))
		bad(o, "h_addrtype %d h_length %d for family %d", h->h_addrtype,
		    h->h_length, want_af);
	app(o, "name=%s aliases=[", h->h_name);
	for (char **p = h->h_aliases;; p++) {
		if (!inside(p, sizeof(*p), buf, buflen) || (uintptr_t)p % sizeof(*p)) {
			bad(o, "h_aliases array outside the buffer or misaligned");
			return;
		}
		if (!*p)
			break;
		if (!str_inside(*p, buf, buflen)) {
			bad(o, "alias outside the buffer");
			return;
		}
		app(o, "%s%s", n++ ? "," : "", *p);
	}
	app(o, "] type=%d len=%d addrs=[", h->h_addrtype, h->h_length);
	n = 0;
	for (char **p = h->h_addr_list;; p++) {
		if (!inside(p, sizeof(*p), buf, buflen) || (uintptr_t)p % sizeof(*p)) {
			bad(o, "h_addr_list array outside the buffer or misaligned");
			return;
		}
		if (!*p)
			break;
		if (!inside(*p, (size_t)h->h_length, buf, buflen)) {
			bad(o, "address outside the buffer");
			return;
		}
		inet_ntop(h->h_addrtype, *p, a, sizeof(a));
		app(o, "%s%s", n++ ? "," : "", a);
	}
	app(o, "]");
	if (n == 0)
		bad(o, "success without an address");
}

static void dump_gaih(struct outcome *o, const struct gaih_addrtuple *t,
		      const char *buf, size_t buflen)
{
	char a[INET6_ADDRSTRLEN];
	int n = 0;

	for (; t; t = t->next) {
		if (!inside(t, sizeof(*t), buf, buflen) ||
		    (uintptr_t)t % _Alignof(struct gaih_addrtuple)) {
			bad(o, "tuple %d outside the buffer or misaligned", n);
			return;
		}
		if (n > 10000) {
			bad(o, "tuple list does not end");
			return;
		}
		if (t->name && !str_inside(t->name, buf, buflen)) {
			bad(o, "tuple name outside the buffer");
			return;
		}
		if (t->family != AF_INET && t->family != AF_INET6) {
			bad(o, "tuple family %d", t->family);
			return;
		}
		inet_ntop(t->family, t->addr, a, sizeof(a));
		app(o, "%s%s %s scope=%u", n++ ? " ; " : "", t->name ? t->name : "-",
		    a, (unsigned)t->scopeid);
	}
	if (n == 0)
		bad(o, "success without a tuple");
}

/* One call of c with a buffer of buflen bytes at offset off of a poisoned
 * allocation; fills o. */
static void run(const struct call *c, size_t buflen, size_t off, struct outcome *o)
{
	size_t total = GUARD + off + buflen + GUARD;
	unsigned char *region = malloc(total);
	char *buf, *canon = (char *)protnone;
	struct hostent he;
	struct gaih_addrtuple *pat = protnone;
	int32_t ttl = INT32_MAX;
	int err = 0, herr = -12345;
	socklen_t alen = c->af == AF_INET ? 4 : 16;

	if (!region) {
		perror("malloc");
		exit(3);
	}
	memset(region, POISON, total);
	memset(&he, POISON, sizeof(he));
	buf = (char *)region + GUARD + off;
	o->dump[0] = 0;
	o->bad[0] = 0;
	if (strcmp(c->kind, "4") == 0)
		o->st = f4(c->name, &pat, buf, buflen, &err, &herr, &ttl);
	else if (strcmp(c->kind, "3") == 0)
		o->st = f3(c->name, c->af, &he, buf, buflen, &err, &herr, &ttl, &canon);
	else if (strcmp(c->kind, "2") == 0)
		o->st = f2(c->name, c->af, &he, buf, buflen, &err, &herr);
	else if (strcmp(c->kind, "1") == 0)
		o->st = f1(c->name, &he, buf, buflen, &err, &herr);
	else if (strcmp(c->kind, "a2") == 0)
		o->st = fa2(c->addr, alen, c->af, &he, buf, buflen, &err, &herr, &ttl);
	else
		o->st = fa(c->addr, alen, c->af, &he, buf, buflen, &err, &herr);
	o->err = err;
	o->herr = herr;
	o->ttl = ttl;

	for (size_t i = 0; i < total; i++) {
		if (i == GUARD + off)
			i += buflen;
		if (i < total && region[i] != POISON) {
			bad(o, "byte %ld outside the buffer was written",
			    (long)i - (long)(GUARD + off));
			break;
		}
	}
	if (o->st == NSS_STATUS_SUCCESS) {
		/* gethostbyname4_r: nss_dns's gaih_getanswer leaves the
		 * second answer's h_errno, HOST_NOT_FOUND without AAAA. */
		if (herr != NETDB_SUCCESS && herr != -12345 &&
		    !(strcmp(c->kind, "4") == 0 && herr == HOST_NOT_FOUND))
			bad(o, "SUCCESS with h_errno %d", herr);
		if (strcmp(c->kind, "4") == 0) {
			if (!inside(pat, sizeof(*pat), buf, buflen))
				bad(o, "*pat does not point into the buffer");
			else
				dump_gaih(o, pat, buf, buflen);
		} else {
			static const unsigned char zero12[12], v6local[4] = { 0, 0, 0, 1 };
			int want = c->af;
			/* gethostbyaddr of a v4-mapped or v4-compatible address
			 * (not ::1) answers for the IPv4 address, as nss_dns. */
			if (c->kind[0] == 'a' && c->af == AF_INET6 &&
			    (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)c->addr) ||
			     (memcmp(c->addr, zero12, 12) == 0 &&
			      memcmp(c->addr + 12, v6local, 4) != 0)))
				want = AF_INET;
			dump_hostent(o, &he, want, buf, buflen);
			if (strcmp(c->kind, "3") == 0 && canon != he.h_name)
				bad(o, "*canonp is not h_name");
		}
		if (strcmp(c->kind, "4") == 0 || strcmp(c->kind, "3") == 0 ||
		    strcmp(c->kind, "a2") == 0) {
			if (ttl <= 0 || ttl > 3600)
				bad(o, "ttl %d not in 1..3600", (int)ttl);
		}
	} else {
		if (err == 0)
			bad(o, "%s with *errnop 0", st_name(o->st));
	}
	free(region);
}

static int want_status(const char *s, enum nss_status *st, int *herr, int *neg)
{
	static const char *const sts[] = { "TRYAGAIN", "UNAVAIL", "NOTFOUND", "SUCCESS" };
	static const enum nss_status stv[] = { NSS_STATUS_TRYAGAIN, NSS_STATUS_UNAVAIL,
					       NSS_STATUS_NOTFOUND, NSS_STATUS_SUCCESS };
	static const char *const hs[] = { "NETDB_INTERNAL", "NETDB_SUCCESS",
					  "HOST_NOT_FOUND", "TRY_AGAIN", "NO_RECOVERY",
					  "NO_DATA" };
	static const int hv[] = { NETDB_INTERNAL, NETDB_SUCCESS, HOST_NOT_FOUND,
				  TRY_AGAIN, NO_RECOVERY, NO_DATA };
	const char *slash = strchr(s, '/');
	size_t n;

	if (!slash)
		return -1;
	if (*s == '!') {        /* any status but this one */
		*neg = 1;
		s++;
	}
	n = (size_t)(slash - s);
	*st = (enum nss_status)99;
	*herr = -99;
	for (size_t i = 0; i < 4; i++)
		if (strlen(sts[i]) == n && strncmp(s, sts[i], n) == 0)
			*st = stv[i];
	for (size_t i = 0; i < 6; i++)
		if (strcmp(slash + 1, hs[i]) == 0)
			*herr = hv[i];
	return (int)*st == 99 || *herr == -99 ? -1 : 0;
}

static struct outcome ref, cur;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A gethostbyname4_r dump ("NAME ADDR scope=N ; - ADDR scope=N ...") as
 * "NAME {ADDR scope=N, ...}" with the tuples sorted. */
static void gaih_unordered(const char *dump, char *out, size_t n)
{
	static char copy[sizeof(((struct outcome *)0)->dump)];
	static char *tup[4096];
	size_t nt = 0, off;
	char *p, *save = NULL, *name = NULL;

	snprintf(copy, sizeof(copy), "%s", dump);
	for (p = strtok_r(copy, ";", &save); p && nt < 4096; p = strtok_r(NULL, ";", &save)) {
		char *sp;

		while (*p == ' ')
			p++;
		sp = strchr(p, ' ');
		if (!sp)
			continue;
		*sp = 0;
		if (!name)
			name = p;
		tup[nt++] = sp + 1;
		p = sp + strlen(sp + 1);        /* trailing blank of "scope=N " */
		if (p[0] == ' ')
			p[0] = 0;
	}
	qsort(tup, nt, sizeof(tup[0]), cmp_str);
	off = (size_t)snprintf(out, n, "%s {", name ? name : "-");
	for (size_t i = 0; i < nt && off < n; i++)
		off += (size_t)snprintf(out + off, n - off, "%s%s", i ? ", " : "", tup[i]);
	if (off < n)
		snprintf(out + off, n - off, "}");
}

/* One line per run of buffer lengths with the same outcome, from 0 to 16
 * bytes past the first success, at offsets 1, 3 and 6 of an 8-aligned
 * allocation:  SIZE CALL off=O len=A-B STATUS errno=E h_errno=H [RESULT].
 * For any module (nss_dns too): nothing is judged here, t22 compares two
 * modules' lines.  A gethostbyname4_r success shows h_errno as "order"
 * and its tuples sorted: nss_dns takes both from the order in which the A
 * and AAAA answers arrived (h_errno from the second one: NETDB_SUCCESS or
 * HOST_NOT_FOUND, t21's "order"); t22's buffers mode checks ours. */
static void sizes_line(const struct call *c, size_t off, size_t from, size_t to,
		       const struct outcome *o)
{
	static char res[sizeof(o->dump) + 64];
	const char *h = prog_herr_text(o->herr);

	snprintf(res, sizeof(res), "%s", o->st == NSS_STATUS_SUCCESS ? o->dump : "");
	if (strcmp(c->kind, "4") == 0 && o->st == NSS_STATUS_SUCCESS) {
		if (o->herr == NETDB_SUCCESS || o->herr == HOST_NOT_FOUND)
			h = "order";
		gaih_unordered(o->dump, res, sizeof(res));
	}
	printf("SIZE %s off=%zu len=%zu-%zu %s errno=%s h_errno=%s%s%s\n", c->text, off,
	       from, to, st_name(o->st), o->err ? strerror(o->err) : "0", h,
	       res[0] ? " " : "", res);
}

/* Same line of sizes_line (gethostbyname4_r: same tuples in any order). */
static int same_outcome(const struct call *c, const struct outcome *a,
			const struct outcome *b)
{
	static char x[sizeof(a->dump) + 64], y[sizeof(a->dump) + 64];
	int four = strcmp(c->kind, "4") == 0 && a->st == NSS_STATUS_SUCCESS;

	if (a->st != b->st || a->err != b->err)
		return 0;
	if (!four)
		return a->herr == b->herr && strcmp(a->dump, b->dump) == 0;
	if (a->herr != b->herr &&
	    !((a->herr == NETDB_SUCCESS || a->herr == HOST_NOT_FOUND) &&
	      (b->herr == NETDB_SUCCESS || b->herr == HOST_NOT_FOUND)))
		return 0;
	gaih_unordered(a->dump, x, sizeof(x));
	gaih_unordered(b->dump, y, sizeof(y));
	return strcmp(x, y) == 0;
}

static int mode_sizes(int argc, char **argv)
{
	static const size_t offs[] = { 1, 3, 6 };

	for (int i = 0; i < argc; i++) {
		struct call c;

		if (parse_call(argv[i], &c) < 0) {
			printf("FAIL bad call spec %s\n", argv[i]);
			return 1;
		}
		for (size_t k = 0; k < 3; k++) {
			size_t len, from = 0, okat = 0;

			run(&c, 0, offs[k], &ref);
			for (len = 1; len < BIG; len++) {
				run(&c, len, offs[k], &cur);
				if (!okat && cur.st == NSS_STATUS_SUCCESS)
					okat = len;
				if (!same_outcome(&c, &cur, &ref)) {
					sizes_line(&c, offs[k], from, len - 1, &ref);
					ref = cur;
					from = len;
				}
				if (okat && len >= okat + 16)
					break;
			}
			sizes_line(&c, offs[k], from, len, &ref);
		}
	}
	return 0;
}

static int mode_buffers(int argc, char **argv)
{
	static const size_t offs[] = { 1, 3, 6 };
	int fails = 0;

	for (int i = 0; i < argc; i++) {
		struct call c;
		size_t first_ok[3] = { 0, 0, 0 };
		char why[700] = "";
		long calls = 0;

		if (parse_call(argv[i], &c) < 0) {
			printf("FAIL bad call spec %s\n", argv[i]);
			fails++;
			continue;
		}
		run(&c, BIG, 0, &ref);
		printf("RESULT %s\t%s %s\n", c.text, st_name(ref.st), ref.dump);
		if (ref.st != NSS_STATUS_SUCCESS || ref.bad[0]) {
			printf("FAIL %s: reference call with a 64 KiB buffer: %s %s herr=%s %s\n",
			       c.text, st_name(ref.st), strerror(ref.err),
			       herr_name(ref.herr), ref.bad);
			fails++;
			continue;
		}
		for (size_t k = 0; k < 3 && !why[0]; k++) {
			size_t len, okat = 0;

			for (len = 0; len < BIG; len++) {
				run(&c, len, offs[k], &cur);
				calls++;
				if (cur.bad[0]) {
					snprintf(why, sizeof(why), "offset %zu length %zu: %s",
						 offs[k], len, cur.bad);
					break;
				}
				if (cur.st == NSS_STATUS_SUCCESS) {
					if (!okat)
						okat = len;
					if (strcmp(cur.dump, ref.dump) != 0) {
						snprintf(why, sizeof(why),
							 "offset %zu length %zu: result differs: %.300s",
							 offs[k], len, cur.dump);
						break;
					}
					if (len >= okat + 16)
						break;
					continue;
				}
				if (okat) {
					snprintf(why, sizeof(why),
						 "offset %zu: length %zu succeeded, %zu gave %s",
						 offs[k], okat, len, st_name(cur.st));
					break;
				}
				if (cur.st != NSS_STATUS_TRYAGAIN || cur.err != ERANGE ||
				    cur.herr != NETDB_INTERNAL) {
					snprintf(why, sizeof(why),
						 "offset %zu length %zu: %s errno=%s h_errno=%s"
						 " (want TRYAGAIN ERANGE NETDB_INTERNAL)",
						 offs[k], len, st_name(cur.st),
						 strerror(cur.err), herr_name(cur.herr));
					break;
				}
			}
			if (!why[0] && !okat)
				snprintf(why, sizeof(why), "offset %zu: never succeeded", offs[k]);
			first_ok[k] = okat;
		}
		if (why[0]) {
			printf("FAIL %s: buffer sweep\nDIAG %s\n", c.text, why);
			fails++;
		} else {
			printf("PASS %s: ERANGE below %zu/%zu/%zu bytes (offsets 1/3/6), SUCCESS"
			       " up to +16, nothing written outside, same result (%ld calls)\n",
			       c.text, first_ok[0], first_ok[1], first_ok[2], calls);
		}
		fflush(stdout);
	}
	return fails;
}

static int check_status(const char *spec, long max_ms)
{
	char cs[1200], *eq;
	struct call c;
	enum nss_status st;
	int herr, neg = 0;
	struct timespec t0, t1;
	long ms;

	snprintf(cs, sizeof(cs), "%s", spec);
	eq = strrchr(cs, '=');
	if (!eq || (*eq = 0, parse_call(cs, &c) < 0) ||
	    want_status(eq + 1, &st, &herr, &neg) < 0) {
		printf("FAIL bad status spec %s\n", spec);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	run(&c, BIG, 0, &cur);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if ((neg ? cur.st != st : cur.st == st) && cur.herr == herr && !cur.bad[0] &&
	    (max_ms < 0 || ms <= max_ms)) {
		printf("PASS %s: %s/%s, errno %s", cs, st_name(cur.st),
		       herr_name(cur.herr), cur.st == NSS_STATUS_SUCCESS ? "-" : strerror(cur.err));
		if (max_ms >= 0)
			printf(", %ld ms (bound %ld ms)", ms, max_ms);
		printf("\n");
		return 0;
	}
	printf("FAIL %s: want %s", cs, eq + 1);
	if (max_ms >= 0)
		printf(" within %ld ms", max_ms);
	printf("\nDIAG got %s/%s errno=%s after %ld ms %s %s\n", st_name(cur.st),
	       herr_name(cur.herr), strerror(cur.err), ms, cur.bad, cur.dump);
	return 1;
}

/* ---- noretry: seccomp in a child ---------------------------------------- */

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[96];
	int n;

	(void)sig;
	(void)uc;
	n = snprintf(msg, sizeof(msg), "DIAG child: blocked network system call %d\n",
		     si->si_syscall);
	if (write(1, msg, (size_t)n) < 0)
		_exit(43);
	_exit(42);
}

#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#endif

static int block_network(void)
{
#ifdef SECCOMP_ARCH
#define NET_SC(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		   BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP)
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		NET_SC(__NR_socket), NET_SC(__NR_connect), NET_SC(__NR_sendto),
		NET_SC(__NR_sendmsg), NET_SC(__NR_sendmmsg), NET_SC(__NR_recvfrom),
		NET_SC(__NR_recvmsg), NET_SC(__NR_recvmmsg),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { (unsigned short)(sizeof(f) / sizeof(f[0])), f };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Child: 0 = retries reached SUCCESS without the network, 42 = the filter
 * stopped a network call, other = something else went wrong. */
static int noretry_child(const struct call *c, int control)
{
	size_t len;

	if (control) {
		if (block_network() != 0)
			return 4;
		run(c, BIG, 0, &cur);
		printf("DIAG control child: lookup returned %s without the network?\n",
		       st_name(cur.st));
		return 0;
	}
	run(c, 1, 3, &cur);
	if (cur.st != NSS_STATUS_TRYAGAIN || cur.err != ERANGE) {
		printf("DIAG child: 1-byte buffer gave %s %s\n", st_name(cur.st),
		       strerror(cur.err));
		return 5;
	}
	fflush(stdout);
	if (block_network() != 0) {
		printf("DIAG child: seccomp: %s\n", strerror(errno));
		return 4;
	}
	for (len = 2; len < BIG; len++) {
		run(c, len, 3, &cur);
		if (cur.st == NSS_STATUS_SUCCESS)
			return 0;
		if (cur.st != NSS_STATUS_TRYAGAIN || cur.err != ERANGE) {
			printf("DIAG child: length %zu gave %s %s\n", len, st_name(cur.st),
			       strerror(cur.err));
			return 6;
		}
	}
	return 7;
}

static int fork_child(const struct call *c, int control)
{
	pid_t pid;
	int ws;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int rc = noretry_child(c, control);
		fflush(stdout);
		_exit(rc);
	}
	if (waitpid(pid, &ws, 0) != pid)
		return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static int mode_noretry(int argc, char **argv)
{
	int fails = 0;

	for (int i = 0; i < argc; i++) {
		struct call c;
		int rc;

		if (parse_call(argv[i], &c) < 0) {
			printf("FAIL bad call spec %s\n", argv[i]);
			fails++;
			continue;
		}
		rc = fork_child(&c, 0);
		if (rc == 0) {
			printf("PASS %s: the retries after ERANGE reached SUCCESS with"
			       " socket/connect/send/recv forbidden\n", c.text);
		} else if (rc == 4) {
			printf("FAIL %s: seccomp filter could not be installed\n", c.text);
			fails++;
		} else {
			printf("FAIL %s: retry after ERANGE (child status %d%s)\n", c.text, rc,
			       rc == 42 ? ": it used the network" : "");
			fails++;
		}
	}
	if (argc > 0) {
		struct call c;
		int rc;

		/* Control: the filter does catch a real lookup. */
		parse_call(argv[0], &c);
		rc = fork_child(&c, 1);
		if (rc == 42)
			printf("PASS control: a fresh lookup under the same filter is stopped"
			       " at its first network system call\n");
		else {
			printf("FAIL control: a fresh lookup under the filter (child status %d)\n", rc);
			fails++;
		}
	}
	return fails;
}

/* ---- a server that never answers ----------------------------------------- */

static int mode_silent(const char *port_file, int seconds)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int u, t;
	FILE *f;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t = socket(AF_INET, SOCK_STREAM, 0);
	if (t < 0 || bind(t, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(t, (struct sockaddr *)&sa, &sl) != 0 || listen(t, 64) != 0) {
		perror("silent tcp");
		return 1;
	}
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0 || bind(u, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("silent udp");
		return 1;
	}
	f = fopen(port_file, "w");
	if (!f || fprintf(f, "%d\n", ntohs(sa.sin_port)) < 0 || fclose(f) != 0) {
		perror(port_file);
		return 1;
	}
	sleep((unsigned)seconds);
	return 0;
}

static void *sym(void *h, const char *pfx, const char *name)
{
	char full[64];

	snprintf(full, sizeof(full), "%s%s", pfx, name);
	return dlsym(h, full);
}

int main(int argc, char **argv)
{
	void *h;
	const char *pfx;
	int fails = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && strcmp(argv[2], "silent-server") == 0)
		return mode_silent(argv[3], argc > 4 ? atoi(argv[4]) : 30);
	if (argc < 3) {
		fprintf(stderr, "usage: nss_poison MODULE buffers|status|timed|noretry ...\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		printf("FAIL dlopen %s: %s\n", argv[1], dlerror());
		return 1;
	}
	/* glibc 2.34+ keeps nss_dns's functions in libc.so.6 itself. */
	pfx = strstr(argv[1], "libc.so") ? "_nss_dns_" : "_nss_dnscrypt_";
	f4 = (fn4_t)sym(h, pfx, "gethostbyname4_r");
	f3 = (fn3_t)sym(h, pfx, "gethostbyname3_r");
	f2 = (fn2_t)sym(h, pfx, "gethostbyname2_r");
	f1 = (fn1_t)sym(h, pfx, "gethostbyname_r");
	fa2 = (fna2_t)sym(h, pfx, "gethostbyaddr2_r");
	fa = (fna_t)sym(h, pfx, "gethostbyaddr_r");
	if (!f4 || !f3 || !f2 || !f1 || !fa2 || !fa) {
		printf("FAIL the module lacks an entry point\n");
		return 1;
	}
	protnone = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (protnone == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (strcmp(argv[2], "buffers") == 0) {
		fails = mode_buffers(argc - 3, argv + 3);
	} else if (strcmp(argv[2], "status") == 0) {
		for (int i = 3; i < argc; i++)
			fails += check_status(argv[i], -1);
	} else if (strcmp(argv[2], "timed") == 0 && argc > 3) {
		for (int i = 4; i < argc; i++)
			fails += check_status(argv[i], atol(argv[3]));
	} else if (strcmp(argv[2], "sizes") == 0) {
		fails = mode_sizes(argc - 3, argv + 3);
	} else if (strcmp(argv[2], "noretry") == 0) {
		fails = mode_noretry(argc - 3, argv + 3);
	} else {
		fprintf(stderr, "nss_poison: unknown mode %s\n", argv[2]);
		return 2;
	}
	return fails ? 1 : 0;
}
