/* SPDX-License-Identifier: ISC */
/* dc_secmemo.c - validated answers remembered per context (dc_secmemo.h).
 *
 * Only secure and insecure verdicts are kept, for no longer than the
 * answer's records and signatures are valid: what a validating resolver
 * does with the RRsets it has validated (RFC 4035 4.5, TTLs capped by the
 * signatures' validity).  The key covers the trust anchor (its digest)
 * and every byte that validation reads (records, signatures, proofs,
 * rcode, question), so a changed record, a stripped signature or another
 * anchor is a new key and is validated again.
 */
#include <string.h>
#include <sodium.h>

#include "dc_dnssec.h"
#include "dc_secmemo.h"
#include "dc_wire.h"

#define T_RRSIG 46

/* Walk the records of m: for each, f(arg, offset of its TTL, type,
 * offset of its RDATA, RDLENGTH).  The offset just past the question,
 * through *qend; -1 when the message does not end where its records do. */
static int walk(const uint8_t *m, size_t len, size_t *qend,
		void (*f)(void *, const uint8_t *, size_t, unsigned, size_t, size_t),
		void *arg)
{
	size_t off = 12;
	unsigned nrr;

	if (len < 12)
		return -1;
	for (unsigned i = dc_get16(m + 4); i > 0; i--) {
		off = dc_wire_skip_name(m, len, off);
		if (off == 0 || off + 4 > len)
			return -1;
		off += 4;
	}
	*qend = off;
	nrr = (unsigned)dc_get16(m + 6) + dc_get16(m + 8) + dc_get16(m + 10);
	for (; nrr > 0; nrr--) {
		size_t t = dc_wire_skip_name(m, len, off), rd;
		if (t == 0 || t + 10 > len)
			return -1;
		rd = t + 10;
		if (rd + dc_get16(m + t + 8) > len)
			return -1;
		f(arg, m, t + 4, dc_get16(m + t), rd, dc_get16(m + t + 8));
		off = rd + dc_get16(m + t + 8);
	}
	return off == len ? 0 : -1;
}

struct hash_walk {
	crypto_generichash_state st;
	size_t done;              /* bytes hashed or skipped so far */
};

/* Hash up to the TTL, skip it. */
static void hash_rr(void *arg, const uint8_t *m, size_t ttl, unsigned type,
		    size_t rd, size_t rdlen)
{
	struct hash_walk *h = arg;

	(void)type;
	(void)rd;
	(void)rdlen;
	crypto_generichash_update(&h->st, m + h->done, ttl - h->done);
	h->done = ttl + 4;
}

int dc_secmemo_key(const uint8_t anchor[DC_SECBIND_DIGEST], const uint8_t *ans,
		   size_t len, uint8_t key[DC_SECMEMO_KEY])
{
	struct hash_walk h;
	size_t qend;

	if (len < 12 || crypto_generichash_init(&h.st, NULL, 0, DC_SECMEMO_KEY) != 0)
		return -1;
	crypto_generichash_update(&h.st, anchor, DC_SECBIND_DIGEST);
	h.done = 2;               /* not the id */
	if (walk(ans, len, &qend, hash_rr, &h) != 0)
		return -1;
	crypto_generichash_update(&h.st, ans + h.done, len - h.done);
	crypto_generichash_final(&h.st, key, DC_SECMEMO_KEY);
	return 0;
}

struct life_walk {
	uint32_t now;
	long long life;
};

static void life_rr(void *arg, const uint8_t *m, size_t ttl, unsigned type,
		    size_t rd, size_t rdlen)
{
	struct life_walk *l = arg;
	long long v = dc_get32(m + ttl);

	if (v < l->life)
		l->life = v;
	if (type == T_RRSIG && rdlen >= 12) {
		/* Signature Expiration, serial arithmetic against now. */
		int32_t left = (int32_t)(dc_get32(m + rd + 8) - l->now);
		if (left < l->life)
			l->life = left;
	}
}

uint32_t dc_secmemo_lifetime(const uint8_t *ans, size_t len, time_t now)
{
	struct life_walk l = { (uint32_t)now, DC_SECMEMO_MAX_TTL };
	size_t qend;

	if (walk(ans, len, &qend, life_rr, &l) != 0 || l.life <= 0)
		return 0;
	return (uint32_t)l.life;
}

int dc_secmemo_get(const struct dc_secmemo *m, const uint8_t key[DC_SECMEMO_KEY],
		   time_t now)
{
	for (int i = 0; i < DC_SECMEMO_ENTRIES; i++)
		if (m->e[i].until > now && memcmp(m->e[i].key, key, DC_SECMEMO_KEY) == 0)
			return m->e[i].state;
	return 0;
}

void dc_secmemo_put(struct dc_secmemo *m, const uint8_t key[DC_SECMEMO_KEY],
		    int state, time_t now, uint32_t life)
{
	struct dc_secmemo_entry *e = NULL;

	if (life == 0)
		return;
	for (int i = 0; i < DC_SECMEMO_ENTRIES && !e; i++)
		if (m->e[i].until > now && memcmp(m->e[i].key, key, DC_SECMEMO_KEY) == 0)
			e = &m->e[i];
	for (int i = 0; i < DC_SECMEMO_ENTRIES && !e; i++)
		if (m->e[i].until <= now)
			e = &m->e[i];
	if (!e) {
		e = &m->e[m->next];
		m->next = (m->next + 1) % DC_SECMEMO_ENTRIES;
	}
	memcpy(e->key, key, DC_SECMEMO_KEY);
	e->state = state;
	e->until = now + (time_t)life;
}

size_t dc_secmemo_pack(const struct dc_secmemo *m, time_t now,
		       uint8_t out[DC_SECMEMO_FILE_MAX])
{
	size_t o = 5;

	memcpy(out, "DCSM1", 5);
	for (int i = 0; i < DC_SECMEMO_ENTRIES; i++) {
		const struct dc_secmemo_entry *e = &m->e[i];
		uint64_t u = (uint64_t)e->until;
		if (e->until <= now)
			continue;
		memcpy(out + o, e->key, DC_SECMEMO_KEY);
		for (int b = 0; b < 8; b++)
			out[o + DC_SECMEMO_KEY + (size_t)b] = (uint8_t)(u >> (56 - 8 * b));
		out[o + DC_SECMEMO_KEY + 8] = (uint8_t)e->state;
		o += DC_SECMEMO_REC;
	}
	return o;
}

void dc_secmemo_unpack(struct dc_secmemo *m, const uint8_t *in, size_t len,
		       time_t now)
{
	if (len < 5 || memcmp(in, "DCSM1", 5) != 0 || (len - 5) % DC_SECMEMO_REC != 0)
		return;
	for (size_t o = 5; o + DC_SECMEMO_REC <= len; o += DC_SECMEMO_REC) {
		uint64_t u = 0;
		int state = in[o + DC_SECMEMO_KEY + 8];
		for (int b = 0; b < 8; b++)
			u = u << 8 | in[o + DC_SECMEMO_KEY + (size_t)b];
		if ((state != DC_SEC_SECURE && state != DC_SEC_INSECURE) || u <= (uint64_t)now ||
		    u - (uint64_t)now > DC_SECMEMO_MAX_TTL)
			continue;
		if (dc_secmemo_get(m, in + o, now) == 0)
			dc_secmemo_put(m, in + o, state, now, (uint32_t)(u - (uint64_t)now));
	}
}
