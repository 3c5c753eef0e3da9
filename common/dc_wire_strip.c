/* SPDX-License-Identifier: ISC */
/* dc_wire_strip.c - DNSSEC records taken out of an answer for a caller
 * that did not ask for them (dc_wire_strip.h). */
#include <stdlib.h>
#include <string.h>

#include "dc_wire.h"
#include "dc_wire_strip.h"

#define T_NS 2
#define T_CNAME 5
#define T_SOA 6
#define T_MB 7
#define T_MG 8
#define T_MR 9
#define T_PTR 12
#define T_MINFO 14
#define T_MX 15
#define T_RRSIG 46
#define T_NSEC 47
#define T_NSEC3 50

struct rr {
	size_t start, end;
	uint16_t type;
	uint8_t drop;
};

/* The offset of the compression pointer ending the name at off, or 0
 * (none, or malformed). */
static size_t name_pointer(const uint8_t *m, size_t len, size_t off)
{
	while (off < len) {
		uint8_t l = m[off];

		if (l == 0)
			return 0;
		if ((l & 0xc0) == 0xc0)
			return off + 2 <= len ? off : 0;
		if (l & 0xc0)
			return 0;
		off += 1 + (size_t)l;
	}
	return 0;
}

/* The pointers of one kept record (at most 3: owner, two rdata names),
 * into p; their count, or -1 when malformed. */
static int rr_pointers(const uint8_t *m, size_t len, const struct rr *r, size_t p[3])
{
	size_t o = r->start, rd, n2;
	int k = 0;

	if ((p[k] = name_pointer(m, len, o)) != 0)
		k++;
	rd = dc_wire_skip_name(m, len, o) + 10;
	switch (r->type) {
	case T_NS: case T_CNAME: case T_PTR: case T_MB: case T_MG: case T_MR:
		if ((p[k] = name_pointer(m, r->end, rd)) != 0)
			k++;
		break;
	case T_MX:
		if ((p[k] = name_pointer(m, r->end, rd + 2)) != 0)
			k++;
		break;
	case T_SOA: case T_MINFO:
		n2 = dc_wire_skip_name(m, r->end, rd);
		if (n2 == 0)
			return -1;
		if ((p[k] = name_pointer(m, r->end, rd)) != 0)
			k++;
		if ((p[k] = name_pointer(m, r->end, n2)) != 0)
			k++;
		break;
	default:
		break;
	}
	return k;
}

/* Bytes taken out before offset at; -1 when at is inside a record taken
 * out. */
static long removed_before(const struct rr *rr, unsigned n, size_t at)
{
	long gone = 0;

	for (unsigned i = 0; i < n && rr[i].start <= at; i++) {
		if (!rr[i].drop)
			continue;
		if (at < rr[i].end)
			return -1;
		gone += (long)(rr[i].end - rr[i].start);
	}
	return gone;
}

static void clear_do(uint8_t *m, size_t len)
{
	size_t at = dc_wire_last_opt(m, len);

	if (at)
		m[dc_wire_skip_name(m, len, at) + 6] &= 0x7f;
}

size_t dc_wire_strip_dnssec(uint8_t *m, size_t len)
{
	unsigned cnt[3], n, i, k, drops = 0;
	size_t off = 12, p[3], w;
	uint16_t qtype;
	struct rr *rr = NULL;

	if (m == NULL || len < 12 || dc_get16(m + 4) != 1)
		goto done;
	off = dc_wire_skip_name(m, len, off);
	if (off == 0 || off + 4 > len)
		goto done;
	qtype = dc_get16(m + off);
	off += 4;
	for (i = 0; i < 3; i++)
		cnt[i] = dc_get16(m + 6 + 2 * i);
	n = cnt[0] + cnt[1] + cnt[2];
	if (n == 0 || !(rr = malloc(n * sizeof(*rr))))
		goto done;
	for (i = 0; i < n; i++) {
		size_t t = dc_wire_skip_name(m, len, off);
		if (t == 0 || t + 10 > len)
			goto done;
		rr[i].start = off;
		rr[i].type = dc_get16(m + t);
		rr[i].end = t + 10 + dc_get16(m + t + 8);
		if (rr[i].end > len)
			goto done;
		rr[i].drop = rr[i].type != qtype && (rr[i].type == T_RRSIG ||
			     rr[i].type == T_NSEC || rr[i].type == T_NSEC3);
		drops += rr[i].drop;
		off = rr[i].end;
	}
	if (off != len || drops == 0)
		goto done;
	/* Every pointer that stays must point before the first record taken
	 * out or between such records: check them all before moving any. */
	for (i = 0; i < n; i++) {
		int np;
		if (rr[i].drop)
			continue;
		np = rr_pointers(m, len, &rr[i], p);
		if (np < 0)
			goto done;
		for (int j = 0; j < np; j++)
			if (removed_before(rr, n, dc_get16(m + p[j]) & 0x3fff) < 0)
				goto done;
	}
	/* Fix each kept pointer in place, then move the kept records up. */
	for (i = 0; i < n; i++) {
		int np = rr[i].drop ? 0 : rr_pointers(m, len, &rr[i], p);
		for (int j = 0; j < np; j++) {
			size_t t = dc_get16(m + p[j]) & 0x3fff;
			t -= (size_t)removed_before(rr, n, t);
			m[p[j]] = (uint8_t)(0xc0 | t >> 8);
			m[p[j] + 1] = (uint8_t)t;
		}
	}
	w = rr[0].start;
	for (i = 0, k = 0; k < 3; k++) {
		unsigned kept = 0;
		for (unsigned e = i + cnt[k]; i < e; i++) {
			size_t l = rr[i].end - rr[i].start;
			if (rr[i].drop)
				continue;
			memmove(m + w, m + rr[i].start, l);
			w += l;
			kept++;
		}
		m[6 + 2 * k] = (uint8_t)(kept >> 8);
		m[7 + 2 * k] = (uint8_t)kept;
	}
	len = w;
done:
	free(rr);
	if (m != NULL && len >= 12)
		clear_do(m, len);
	return len;
}
