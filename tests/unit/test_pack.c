/* SPDX-License-Identifier: ISC */
/* test_pack.c - nss_pack.c: every buffer length, every misalignment, no
 * byte written outside the buffer, ERANGE exactly below the needed size. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "t.h"
#include "dc_dns.h"
#include "../../nss/nss_pack.h"

#define POISON 0xa5
#define GUARD  16
#define MEMLEN 8192

static unsigned char mem[MEMLEN + 2 * GUARD];

enum kind { K_HOSTENT, K_GAIH, K_ADDR };

/* A hostres with naddrs addresses (families alternating when mixed). */
static void make(struct dc_hostres *h, const char *name, int naliases,
		 const char *const *aliases, int naddrs, int mode)
{
	dc_hostres_init(h);
	h->name = strdup(name);
	if (naliases) {
		h->aliases = calloc((size_t)naliases, sizeof(char *));
		for (int i = 0; i < naliases; i++)
			h->aliases[i] = strdup(aliases[i]);
		h->naliases = naliases;
	}
	if (naddrs) {
		h->addrs = calloc((size_t)naddrs, sizeof(struct dc_addr));
		for (int i = 0; i < naddrs; i++) {
			int v6 = mode == 6 || (mode == 0 && i % 3 == 2);

			h->addrs[i].family = v6 ? AF_INET6 : AF_INET;
			for (int j = 0; j < (v6 ? 16 : 4); j++)
				h->addrs[i].addr[j] = (uint8_t)(i * 7 + j + 1);
		}
		h->naddrs = naddrs;
	}
	h->ttl = 77;
}

static int inside(const void *p, const char *buf, size_t len, size_t n)
{
	const char *c = p;

	return c >= buf && n <= len && (size_t)(c - buf) <= len - n;
}

static int aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

static size_t pad_to(const char *buf, size_t a)
{
	return (size_t)(-(uintptr_t)buf & (a - 1));
}

static size_t strings(const struct dc_hostres *h)
{
	size_t n = strlen(h->name) + 1;

	for (int i = 0; i < h->naliases; i++)
		n += strlen(h->aliases[i]) + 1;
	return n;
}

static int count_af(const struct dc_hostres *h, int af)
{
	int n = 0;

	for (int i = 0; i < h->naddrs; i++)
		n += h->addrs[i].family == af;
	return n;
}

/* off plus the padding that aligns buf + off to a. */
static size_t at(const char *buf, size_t off, size_t a)
{
	return off + pad_to(buf + off, a);
}

/* The size our layout (nss_dns's, glibc 2.36) needs at this address. */
static size_t expected(enum kind k, const struct dc_hostres *h, int af, const char *buf)
{
	size_t alen = af == AF_INET ? 4 : 16, off;

	switch (k) {
	case K_HOSTENT: {
		/* names, addresses (aligned 4), h_addr_list, h_aliases */
		size_t n = (size_t)count_af(h, af);

		off = at(buf, strings(h), 4) + n * alen;
		return at(buf, off, alignof(char *)) +
			(n + 1 + (size_t)h->naliases + 1) * sizeof(char *);
	}
	case K_GAIH:
		/* each tuple aligned, the name after the first one */
		off = pad_to(buf, alignof(struct gaih_addrtuple)) +
			sizeof(struct gaih_addrtuple) + strlen(h->name) + 1;
		for (int i = 1; i < h->naddrs; i++)
			off = at(buf, off, alignof(struct gaih_addrtuple)) +
				sizeof(struct gaih_addrtuple);
		return off;
	default:
		/* h_addr_list (2), the aliases' array if any, names, address */
		off = pad_to(buf, alignof(char *)) + 2 * sizeof(char *);
		if (h->naliases > 0)
			off += ((size_t)h->naliases + 1) * sizeof(char *);
		return at(buf, off + strings(h), 4) + alen;
	}
}

static int check_hostent(const struct hostent *he, const struct dc_hostres *h, int af,
			 const char *buf, size_t len, const uint8_t *addr)
{
	size_t alen = af == AF_INET ? 4 : 16;
	int k = 0;

	if (he->h_addrtype != af || he->h_length != (int)alen)
		return 0;
	if (!inside(he->h_name, buf, len, strlen(h->name) + 1) ||
	    strcmp(he->h_name, h->name) != 0)
		return 0;
	if (!aligned(he->h_aliases, alignof(char *)) ||
	    !inside(he->h_aliases, buf, len, ((size_t)h->naliases + 1) * sizeof(char *)))
		return 0;
	for (int i = 0; i < h->naliases; i++)
		if (!inside(he->h_aliases[i], buf, len, strlen(h->aliases[i]) + 1) ||
		    strcmp(he->h_aliases[i], h->aliases[i]) != 0)
			return 0;
	if (he->h_aliases[h->naliases] != NULL)
		return 0;
	if (!aligned(he->h_addr_list, alignof(char *)) ||
	    !inside(he->h_addr_list, buf, len, sizeof(char *)))
		return 0;
	if (addr) {       /* gethostbyaddr: the caller's address only */
		return inside(he->h_addr_list, buf, len, 2 * sizeof(char *)) &&
			inside(he->h_addr_list[0], buf, len, alen) &&
			aligned(he->h_addr_list[0], 4) &&
			memcmp(he->h_addr_list[0], addr, alen) == 0 &&
			he->h_addr_list[1] == NULL;
	}
	for (int i = 0; i < h->naddrs; i++) {
		if (h->addrs[i].family != af)
			continue;
		if (!inside(&he->h_addr_list[k], buf, len, sizeof(char *)) ||
		    !inside(he->h_addr_list[k], buf, len, alen) ||
		    !aligned(he->h_addr_list[k], 4) ||
		    memcmp(he->h_addr_list[k], h->addrs[i].addr, alen) != 0)
			return 0;
		k++;
	}
	return inside(&he->h_addr_list[k], buf, len, sizeof(char *)) &&
		he->h_addr_list[k] == NULL;
}

static int check_gaih(const struct gaih_addrtuple *t, const struct dc_hostres *h,
		      const char *buf, size_t len)
{
	for (int i = 0; i < h->naddrs; i++, t = t->next) {
		size_t alen = h->addrs[i].family == AF_INET ? 4 : 16;
		uint8_t zero[16] = { 0 };

		if (t == NULL || !inside(t, buf, len, sizeof(*t)) ||
		    !aligned(t, alignof(struct gaih_addrtuple)))
			return 0;
		if (i == 0) {
			if (!t->name || !inside(t->name, buf, len, strlen(h->name) + 1) ||
			    strcmp(t->name, h->name) != 0)
				return 0;
		} else if (t->name != NULL) {
			return 0;
		}
		if (t->family != h->addrs[i].family || t->scopeid != 0 ||
		    memcmp(t->addr, h->addrs[i].addr, alen) != 0 ||
		    memcmp((const uint8_t *)t->addr + alen, zero, 16 - alen) != 0)
			return 0;
		if (i == h->naddrs - 1 && t->next != NULL)
			return 0;
	}
	return 1;
}

/* Pack into buf[0..len) for every len and offset; returns the number of
 * failed properties (reported through T_OK). */
static void sweep(const char *label, enum kind k, const struct dc_hostres *h, int af)
{
	static const uint8_t paddr[16] = { 10, 20, 30, 40, 50, 60, 70, 80,
					   90, 100, 110, 120, 130, 140, 150, 160 };
	int guard_ok = 1, mono_ok = 1, fields_ok = 1, exact_ok = 1, untouched_ok = 1;

	for (int off = 0; off < 8; off++) {
		char *buf = (char *)mem + GUARD + off;
		size_t need = SIZE_MAX, want = expected(k, h, af, buf);

		for (size_t len = 0; len + off <= MEMLEN; len++) {
			struct hostent he, he0;
			struct gaih_addrtuple *pat = (struct gaih_addrtuple *)(uintptr_t)1;
			char *canon = (char *)(uintptr_t)3;
			int32_t ttl = INT32_MAX;
			dc_status st;

			memset(mem, POISON, sizeof(mem));
			memset(&he, 0x5a, sizeof(he));
			he0 = he;
			if (k == K_HOSTENT)
				st = dc_pack_hostent(h, af, &he, buf, len, &ttl, &canon);
			else if (k == K_GAIH)
				st = dc_pack_gaih(h, &pat, buf, len, &ttl);
			else
				st = dc_pack_hostent_addr(h, af, paddr, &he, buf, len, &ttl);

			for (size_t i = 0; i < sizeof(mem); i++) {
				unsigned char *p = mem + i;

				if ((p < (unsigned char *)buf || p >= (unsigned char *)buf + len) &&
				    *p != POISON) {
					guard_ok = 0;
					break;
				}
			}
			if (st == DC_OK) {
				if (need == SIZE_MAX)
					need = len;
				if (k == K_GAIH)
					fields_ok &= pat != (void *)(uintptr_t)1 &&
						check_gaih(pat, h, buf, len);
				else
					fields_ok &= check_hostent(&he, h, af, buf, len,
								   k == K_ADDR ? paddr : NULL);
				if (k == K_HOSTENT)
					fields_ok &= canon == he.h_name;
				fields_ok &= ttl == (int32_t)h->ttl;
			} else if (st == DC_ERANGE) {
				if (need != SIZE_MAX)
					mono_ok = 0;
				untouched_ok &= memcmp(&he, &he0, sizeof(he)) == 0 &&
					pat == (void *)(uintptr_t)1 &&
					canon == (char *)(uintptr_t)3 && ttl == INT32_MAX;
			} else {
				fields_ok = 0;
			}
			if (need != SIZE_MAX && len >= need + 64)
				break;
		}
		if (need != want)
			exact_ok = 0;
		if (need == SIZE_MAX)
			fields_ok = 0;
	}
	T_OK(guard_ok, "%s: nothing written outside the buffer", label);
	T_OK(mono_ok, "%s: ERANGE below the needed size only", label);
	T_OK(fields_ok, "%s: every field right, inside, aligned", label);
	T_OK(exact_ok, "%s: needed size as computed", label);
	T_OK(untouched_ok, "%s: results untouched on ERANGE", label);
}

int main(void)
{
	static const char *const al[] = { "alias-one.example", "a2.example", "x" };
	struct dc_hostres h;
	char longname[300], longal[5][300];
	const char *lal[5];

	/* 1 address, no alias. */
	make(&h, "www.example.com", 0, NULL, 1, 4);
	sweep("v4 x1", K_HOSTENT, &h, AF_INET);
	sweep("gaih v4 x1", K_GAIH, &h, AF_UNSPEC);
	sweep("addr v4", K_ADDR, &h, AF_INET);
	sweep("addr v6", K_ADDR, &h, AF_INET6);
	dc_hostres_free(&h);

	/* 1 AAAA, aliases. */
	make(&h, "c.example.net", 3, al, 1, 6);
	sweep("v6 x1 aliases", K_HOSTENT, &h, AF_INET6);
	sweep("gaih v6 x1", K_GAIH, &h, AF_UNSPEC);
	sweep("addr with aliases", K_ADDR, &h, AF_INET);
	dc_hostres_free(&h);

	/* 50 mixed addresses. */
	make(&h, "many.example", 2, al, 50, 0);
	sweep("mixed x50 AF_INET", K_HOSTENT, &h, AF_INET);
	sweep("mixed x50 AF_INET6", K_HOSTENT, &h, AF_INET6);
	sweep("gaih mixed x50", K_GAIH, &h, AF_UNSPEC);
	dc_hostres_free(&h);

	/* Long names. */
	memset(longname, 'l', 253);
	longname[63] = longname[127] = longname[191] = '.';
	longname[253] = '\0';
	for (int i = 0; i < 5; i++) {
		memcpy(longal[i], longname, 254);
		longal[i][0] = (char)('a' + i);
		lal[i] = longal[i];
	}
	make(&h, longname, 5, lal, 3, 4);
	sweep("long names", K_HOSTENT, &h, AF_INET);
	sweep("gaih long name", K_GAIH, &h, AF_UNSPEC);
	sweep("addr long names", K_ADDR, &h, AF_INET6);
	dc_hostres_free(&h);

	/* No address of the family / none at all. */
	{
		struct hostent he;
		struct gaih_addrtuple *pat = NULL;
		char buf[1024];
		int32_t ttl = 5;

		make(&h, "v4only.example", 0, NULL, 2, 4);
		T_EQ_INT(dc_pack_hostent(&h, AF_INET6, &he, buf, sizeof(buf), NULL, NULL),
			 DC_ENODATA, "no AAAA: ENODATA");
		T_EQ_INT(dc_pack_hostent(&h, AF_INET6, &he, buf, 0, NULL, NULL),
			 DC_ENODATA, "no AAAA, no buffer: ENODATA");
		T_EQ_INT(dc_pack_hostent(&h, AF_UNIX, &he, buf, sizeof(buf), NULL, NULL),
			 DC_EBADARG, "bad family: EBADARG");
		T_EQ_INT(dc_pack_hostent(&h, AF_INET, &he, NULL, 10, NULL, NULL),
			 DC_EBADARG, "NULL buffer with a length: EBADARG");
		T_EQ_INT(dc_pack_hostent(&h, AF_INET, &he, NULL, 0, NULL, NULL),
			 DC_ERANGE, "NULL buffer, length 0: ERANGE");
		T_EQ_INT(dc_pack_hostent(NULL, AF_INET, &he, buf, sizeof(buf), NULL, NULL),
			 DC_EBADARG, "NULL h: EBADARG");
		T_EQ_INT(dc_pack_gaih(&h, NULL, buf, sizeof(buf), NULL), DC_EBADARG,
			 "NULL pat: EBADARG");
		T_EQ_INT(dc_pack_hostent_addr(&h, AF_INET, NULL, &he, buf, sizeof(buf), NULL),
			 DC_EBADARG, "NULL address: EBADARG");
		dc_hostres_free(&h);
		make(&h, "none.example", 0, NULL, 0, 4);
		T_EQ_INT(dc_pack_hostent(&h, AF_INET, &he, buf, sizeof(buf), NULL, NULL),
			 DC_ENODATA, "0 addresses: ENODATA");
		T_EQ_INT(dc_pack_gaih(&h, &pat, buf, sizeof(buf), &ttl), DC_ENODATA,
			 "gaih 0 addresses: ENODATA");
		T_OK(pat == NULL && ttl == 5, "gaih 0 addresses: nothing written");
		T_EQ_INT(dc_pack_hostent_addr(&h, AF_INET, "\1\2\3\4", &he, buf, sizeof(buf), NULL),
			 DC_OK, "addr: no address needed in h");
		free(h.name);
		h.name = NULL;
		T_EQ_INT(dc_pack_hostent_addr(&h, AF_INET, "\1\2\3\4", &he, buf, sizeof(buf), NULL),
			 DC_EBADARG, "NULL name: EBADARG");
		dc_hostres_free(&h);

		/* TTL: nss_dns compares *ttlp > ttl as unsigned. */
		make(&h, "ttl.example", 0, NULL, 1, 4);
		h.ttl = 100;
		ttl = 50;
		dc_pack_hostent(&h, AF_INET, &he, buf, sizeof(buf), &ttl, NULL);
		T_EQ_INT(ttl, 50, "ttl: smaller kept");
		ttl = -1;
		dc_pack_hostent(&h, AF_INET, &he, buf, sizeof(buf), &ttl, NULL);
		T_EQ_INT(ttl, 100, "ttl: -1 is larger (unsigned compare)");
		h.ttl = UINT32_MAX;
		ttl = 7;
		dc_pack_gaih(&h, &pat, buf, sizeof(buf), &ttl);
		T_EQ_INT(ttl, 7, "ttl: no record, unchanged");
		h.ttl = 0x80000001u;
		ttl = INT32_MAX;
		dc_pack_gaih(&h, &pat, buf, sizeof(buf), &ttl);
		T_EQ_INT(ttl, INT32_MAX, "ttl: 2^31+1 not below INT32_MAX (unsigned)");
		dc_hostres_free(&h);
	}
	T_DONE();
}
