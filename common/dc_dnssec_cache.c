/* SPDX-License-Identifier: ISC */
/* dc_dnssec_cache.c - validated DNSKEY and DS sets, and proven insecure
 * delegations, kept until they expire (the smallest TTL of the set, at
 * most a day, never past the RRSIG's expiration): in the validator (one
 * per lookup context, so no lock) and through io->load/io->store.
 *
 * What io->load returns was validated by a process of the same trust: the
 * store is the certificate cache directory, under its ownership rules (a
 * directory only its owner, the same user or root, can write).  Whoever
 * can write there can already replace the certificates and the
 * configuration this process trusts, so the entries are not validated
 * again; they are checked for form, owner, kind and expiry only. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dc_dnssec_int.h"

#define BLOB_MAGIC "DCSEC1"
#define BLOB_HEAD  (6 + 1 + 8 + 2)

static const char *kind_name(enum dc_sec_kind k)
{
	return k == DC_SEC_C_KEYS ? "dnskey" : k == DC_SEC_C_DS ? "ds" : "nods";
}

static ldns_rr_type kind_type(enum dc_sec_kind k)
{
	return k == DC_SEC_C_KEYS ? LDNS_RR_TYPE_DNSKEY : LDNS_RR_TYPE_DS;
}

/* "dnssec-dnskey-lab.test." ...; 0 when the name has a byte the store's
 * keys may not hold ([a-z0-9.-_]), and is then kept in memory only. */
static int store_key(const ldns_rdf *owner, enum dc_sec_kind k, char *buf,
		     size_t len)
{
	char *s = ldns_rdf2str(owner);
	size_t i;
	int ok = s != NULL;

	for (i = 0; ok && s[i] != '\0'; i++) {
		s[i] = (char)tolower((unsigned char)s[i]);
		ok = (s[i] >= 'a' && s[i] <= 'z') ||
		     (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		     s[i] == '-' || s[i] == '_';
	}
	if (ok &&
	    (size_t)snprintf(buf, len, "dnssec-%s-%s", kind_name(k), s) >= len)
		ok = 0;
	free(s);
	return ok;
}

static void entry_free(struct dc_sec_centry *e)
{
	ldns_rdf_deep_free(e->owner);
	ldns_rr_list_deep_free(e->rrs);
	memset(e, 0, sizeof(*e));
}

static void drop(struct dc_sec_validator *v, size_t i)
{
	entry_free(&v->cache[i]);
	v->cache[i] = v->cache[--v->ncache];
}

/* Room for one more: expired entries go first, then the one that expires
 * soonest. */
static int make_room(struct dc_sec_validator *v, time_t now)
{
	size_t i, victim = 0;
	struct dc_sec_centry *c;

	for (i = v->ncache; i-- > 0;)
		if (v->cache[i].expires <= now)
			drop(v, i);
	if (v->ncache >= DC_SEC_CACHE_MAX) {
		for (i = 1; i < v->ncache; i++)
			if (v->cache[i].expires < v->cache[victim].expires)
				victim = i;
		drop(v, victim);
	}
	if (v->cache == NULL) {
		c = calloc(DC_SEC_CACHE_MAX, sizeof(*c));
		if (c == NULL)
			return -1;
		v->cache = c;
	}
	return 0;
}

static int same(const struct dc_sec_centry *c, const ldns_rdf *owner,
		enum dc_sec_kind kind)
{
	return c->kind == kind &&
	       ldns_rdf_size(c->owner) == ldns_rdf_size(owner) &&
	       ldns_dname_compare(c->owner, owner) == 0;
}

static void insert(struct dc_sec_validator *v, time_t now,
		   struct dc_sec_centry *e)
{
	size_t i;

	for (i = 0; i < v->ncache; i++)
		if (same(&v->cache[i], e->owner, e->kind)) {
			drop(v, i);
			break;
		}
	if (make_room(v, now) < 0) {
		entry_free(e);
		return;
	}
	v->cache[v->ncache++] = *e;
}

/* A miss in the store is remembered for DC_SEC_ABSENT_TTL seconds, so
 * that a warm lookup asks io->load nothing (another process's store is
 * seen after that). */
const struct dc_sec_centry *dc_sec_cache_get(struct dc_sec_walk *w,
					     const ldns_rdf *owner,
					     enum dc_sec_kind kind)
{
	struct dc_sec_validator *v = w->v;
	struct dc_sec_centry e = {0};
	unsigned char *blob = NULL;
	char key[256]; /* at most 255 bytes (dc_dnssec.h) */
	size_t i, len = 0;

	for (i = 0; i < v->ncache; i++) {
		if (!same(&v->cache[i], owner, kind))
			continue;
		if (v->cache[i].expires > w->now)
			return v->cache[i].absent ? NULL : &v->cache[i];
		drop(v, i);
		break;
	}
	if (w->io == NULL || w->io->load == NULL ||
	    !store_key(owner, kind, key, sizeof(key)))
		return NULL;
	blob = w->io->load(w->io->arg, key, &len);
	if (blob == NULL ||
	    dc_sec_blob_unpack(blob, len, owner, kind, w->now, &e) != 0) {
		e.owner = ldns_rdf_clone(owner);
		e.kind = kind;
		e.absent = 1;
		e.expires = w->now + DC_SEC_ABSENT_TTL;
		if (e.owner != NULL)
			insert(v, w->now, &e);
		free(blob);
		return NULL;
	}
	free(blob);
	insert(v, w->now, &e);
	for (i = 0; i < v->ncache; i++)
		if (same(&v->cache[i], owner, kind))
			return &v->cache[i];
	return NULL;
}

void dc_sec_cache_put(struct dc_sec_walk *w, const ldns_rdf *owner,
		      enum dc_sec_kind kind, const ldns_rr_list *rrs,
		      time_t expires)
{
	struct dc_sec_centry e = {0};
	unsigned char *blob = NULL;
	char key[256]; /* at most 255 bytes (dc_dnssec.h) */
	size_t len;

	if (expires <= w->now)
		return;
	e.owner = ldns_rdf_clone(owner);
	e.kind = kind;
	e.rrs = rrs != NULL ? ldns_rr_list_clone(rrs) : NULL;
	e.expires = expires;
	if (e.owner == NULL || (rrs != NULL && e.rrs == NULL)) {
		entry_free(&e);
		return;
	}
	if (w->io != NULL && w->io->store != NULL &&
	    store_key(owner, kind, key, sizeof(key)) &&
	    (len = dc_sec_blob_pack(&e, &blob)) > 0)
		w->io->store(w->io->arg, key, blob, len);
	free(blob);
	insert(w->v, w->now, &e);
}

void dc_sec_cache_free(struct dc_sec_validator *v)
{
	while (v->ncache > 0)
		drop(v, v->ncache - 1);
	free(v->cache);
	v->cache = NULL;
}

/* The blob: "DCSEC1", kind (1 byte), expiry (8 bytes, seconds since the
 * epoch, big endian), count (2 bytes), then count times a 2-byte length
 * and one record in uncompressed wire form.  The length, or 0. */
size_t dc_sec_blob_pack(const struct dc_sec_centry *e, unsigned char **out)
{
	size_t n = e->rrs != NULL ? ldns_rr_list_rr_count(e->rrs) : 0, i;
	ldns_buffer *b = ldns_buffer_new(512);
	uint64_t x = (uint64_t)e->expires;
	size_t len = 0;

	*out = NULL;
	if (b == NULL || n > 0xffff)
		goto done;
	ldns_buffer_write(b, BLOB_MAGIC, 6);
	ldns_buffer_write_u8(b, (uint8_t)e->kind);
	ldns_buffer_write_u32(b, (uint32_t)(x >> 32));
	ldns_buffer_write_u32(b, (uint32_t)x);
	ldns_buffer_write_u16(b, (uint16_t)n);
	for (i = 0; i < n; i++) {
		size_t at = ldns_buffer_position(b);

		ldns_buffer_write_u16(b, 0);
		if (ldns_rr2buffer_wire(b, ldns_rr_list_rr(e->rrs, i),
					LDNS_SECTION_ANSWER) !=
			    LDNS_STATUS_OK ||
		    ldns_buffer_position(b) - at - 2 > 0xffff)
			goto done;
		ldns_buffer_write_u16_at(
			b, at, (uint16_t)(ldns_buffer_position(b) - at - 2));
	}
	if (!ldns_buffer_status_ok(b))
		goto done;
	len = ldns_buffer_position(b);
	*out = ldns_buffer_export(b);
done:
	ldns_buffer_free(b);
	return *out != NULL ? len : 0;
}

/* 0 and *e filled when blob is a well-formed, unexpired entry of that
 * owner and kind; -1 otherwise. */
int dc_sec_blob_unpack(const unsigned char *blob, size_t len,
		       const ldns_rdf *owner, enum dc_sec_kind kind, time_t now,
		       struct dc_sec_centry *e)
{
	size_t pos = BLOB_HEAD, n, i;
	uint64_t x = 0;

	memset(e, 0, sizeof(*e));
	if (len < BLOB_HEAD || memcmp(blob, BLOB_MAGIC, 6) != 0 ||
	    blob[6] != (unsigned char)kind)
		return -1;
	for (i = 0; i < 8; i++)
		x = x << 8 | blob[7 + i];
	n = (size_t)blob[15] << 8 | blob[16];
	e->expires = (time_t)x;
	if (e->expires <= now || e->expires > now + DC_SEC_MAX_TTL ||
	    (kind == DC_SEC_C_INSECURE) != (n == 0))
		return -1;
	e->kind = kind;
	e->owner = ldns_rdf_clone(owner);
	e->rrs = n > 0 ? ldns_rr_list_new() : NULL;
	if (e->owner == NULL || (n > 0 && e->rrs == NULL))
		goto bad;
	for (i = 0; i < n; i++) {
		size_t rl, p2;
		ldns_rr *rr = NULL;

		if (len - pos < 2)
			goto bad;
		rl = (size_t)blob[pos] << 8 | blob[pos + 1];
		pos += 2;
		if (rl > len - pos)
			goto bad;
		p2 = 0;
		if (ldns_wire2rr(&rr, blob + pos, rl, &p2,
				 LDNS_SECTION_ANSWER) != LDNS_STATUS_OK ||
		    p2 != rl || ldns_rr_get_type(rr) != kind_type(kind) ||
		    !dc_sec_rr_sane(rr) ||
		    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0 ||
		    !ldns_rr_list_push_rr(e->rrs, rr)) {
			ldns_rr_free(rr);
			goto bad;
		}
		pos += rl;
	}
	if (pos != len)
		goto bad;
	return 0;
bad:
	entry_free(e);
	return -1;
}
