/* SPDX-License-Identifier: ISC */
/* test_anscache.c - the in-process answer cache: hits, misses by name and
 * family, TTL (capped), replacement of a key, eviction of the entry that
 * expires first when full, flush, and copies independent of the cache. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "dc_anscache.h"
#include "dc_config.h"

static void make(struct dc_hostres *h, const char *name, uint32_t ttl, int n)
{
	dc_hostres_init(h);
	h->name = strdup(name);
	h->addrs = calloc((size_t)n, sizeof(*h->addrs));
	h->naddrs = n;
	for (int i = 0; i < n; i++) {
		h->addrs[i].family = AF_INET;
		h->addrs[i].addr[0] = 127;
		h->addrs[i].addr[3] = (uint8_t)(i + 1);
	}
	h->ttl = ttl;
}

static int has(const char *name, int family, int naddrs)
{
	struct dc_hostres out;
	int ok;

	dc_hostres_init(&out);
	ok = dc_anscache_get(name, family, 0, &out) == DC_OK &&
	     out.naddrs == naddrs && out.name && strcmp(out.name, name) == 0;
	dc_hostres_free(&out);
	return ok;
}

int main(void)
{
	struct dc_hostres h, out;
	char name[64];

	make(&h, "a.example", 60, 2);
	dc_anscache_put("a.example", AF_UNSPEC, 0, &h);
	dc_hostres_free(&h);
	T_OK(has("a.example", AF_UNSPEC, 2), "a kept answer is found, with its name and addresses");
	T_OK(!has("a.example", AF_INET, 2), "another family is another key");
	T_OK(!has("b.example", AF_UNSPEC, 2), "another name misses");
	T_OK(!has("A.example", AF_UNSPEC, 2), "names are compared exactly");
	dc_hostres_init(&out);
	T_EQ_INT(dc_anscache_get("a.example", AF_UNSPEC, DC_DNSSEC_VALIDATE, &out), DC_ENOTFOUND,
		 "an answer kept under 'dnssec no' is not given under 'dnssec validate'");
	dc_hostres_free(&out);
	make(&h, "v.example", 60, 1);
	dc_anscache_put("v.example", AF_UNSPEC, DC_DNSSEC_VALIDATE, &h);
	dc_hostres_free(&h);
	dc_hostres_init(&out);
	T_EQ_INT(dc_anscache_get("v.example", AF_UNSPEC, DC_DNSSEC_VALIDATE, &out), DC_OK,
		 "one kept under 'dnssec validate' is found under it");
	dc_hostres_free(&out);
	T_OK(!has("v.example", AF_UNSPEC, 1), "... and not under 'dnssec no'");

	dc_hostres_init(&out);
	T_EQ_INT(dc_anscache_get("a.example", AF_UNSPEC, 0, &out), DC_OK, "get gives DC_OK");
	T_OK(out.ttl <= 60 && out.ttl >= 59, "the TTL left is given back (%u)", out.ttl);
	out.addrs[0].addr[3] = 99;
	dc_hostres_free(&out);
	dc_hostres_init(&out);
	dc_anscache_get("a.example", AF_UNSPEC, 0, &out);
	T_EQ_INT(out.addrs[0].addr[3], 1, "a copy changed by the caller leaves the cache as it was");
	dc_hostres_free(&out);

	make(&h, "a.example", 60, 3);
	dc_anscache_put("a.example", AF_UNSPEC, 0, &h);
	dc_hostres_free(&h);
	T_OK(has("a.example", AF_UNSPEC, 3), "putting a key again replaces its answer");

	make(&h, "zero.example", 0, 1);
	dc_anscache_put("zero.example", AF_UNSPEC, 0, &h);
	dc_hostres_free(&h);
	T_OK(!has("zero.example", AF_UNSPEC, 1), "an answer with TTL 0 is not kept");

	make(&h, "long.example", 999999, 1);
	dc_anscache_put("long.example", AF_UNSPEC, 0, &h);
	dc_hostres_free(&h);
	dc_hostres_init(&out);
	dc_anscache_get("long.example", AF_UNSPEC, 0, &out);
	T_OK(out.ttl <= DC_ANSCACHE_MAX_TTL, "the TTL is capped at %d s (%u)", DC_ANSCACHE_MAX_TTL, out.ttl);
	dc_hostres_free(&out);

	/* Full: a long-lived "keep" entry and short-lived others; one more
	 * name evicts one that expires first, never "keep". */
	dc_anscache_flush();
	T_OK(!has("a.example", AF_UNSPEC, 3), "flush empties the cache");
	make(&h, "keep.example", 3000, 1);
	dc_anscache_put("keep.example", AF_UNSPEC, 0, &h);
	dc_hostres_free(&h);
	for (int i = 1; i < DC_ANSCACHE_ENTRIES; i++) {
		snprintf(name, sizeof(name), "n%d.example", i);
		make(&h, name, (uint32_t)(100 + i), 1);
		dc_anscache_put(name, AF_UNSPEC, 0, &h);
		dc_hostres_free(&h);
	}
	T_OK(has("n1.example", AF_UNSPEC, 1) && has("n255.example", AF_UNSPEC, 1),
	     "%d entries fit", DC_ANSCACHE_ENTRIES);
	make(&h, "extra.example", 500, 1);
	dc_anscache_put("extra.example", AF_UNSPEC, 0, &h);
	dc_hostres_free(&h);
	T_OK(has("extra.example", AF_UNSPEC, 1), "one more is kept when full");
	T_OK(!has("n1.example", AF_UNSPEC, 1), "it took the place of the entry that expires first");
	T_OK(has("keep.example", AF_UNSPEC, 1) && has("n2.example", AF_UNSPEC, 1),
	     "the others stay");
	dc_anscache_flush();
	T_DONE();
}
