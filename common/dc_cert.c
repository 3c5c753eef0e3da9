/* SPDX-License-Identifier: ISC */
/* dc_cert.c - DNSCrypt v2 resolver certificates (design.md 2). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <ares.h>
#include <sodium.h>
#include "dc_cert.h"
#include "dc_wire.h"

static const uint8_t cert_magic[4] = { 'D', 'N', 'S', 'C' };

const char *dc_cert_check_str(dc_cert_check c)
{
	switch (c) {
	case DC_CERT_VALID:         return "valid";
	case DC_CERT_BAD_FORMAT:    return "malformed certificate";
	case DC_CERT_BAD_VERSION:   return "unsupported es-version";
	case DC_CERT_BAD_SIGNATURE: return "bad signature (wrong provider key?)";
	case DC_CERT_NOT_YET_VALID: return "certificate not yet valid (check the clock)";
	case DC_CERT_EXPIRED:       return "certificate expired (check the clock)";
	case DC_CERT_BAD_WINDOW:    return "certificate validity window is empty";
	}
	return "unknown certificate check";
}

/* Every check, the signature's only when provider_pk is given. */
static dc_cert_check parse(const uint8_t *buf, size_t len,
			   const uint8_t *provider_pk, int signed_check,
			   time_t now, struct dc_cert *out)
{
	uint32_t ts_start, ts_end;
	uint16_t es;

	if (buf == NULL || len < DC_CERT_MIN_LEN || len > DC_CERT_MAX_LEN ||
	    memcmp(buf, cert_magic, sizeof cert_magic) != 0)
		return DC_CERT_BAD_FORMAT;

	es = dc_get16(buf + 4);
	/* bytes 6..7: minor version, ignored */
	ts_start = dc_get32(buf + 116);
	ts_end = dc_get32(buf + 120);
	if (out != NULL) {
		out->es_version = es;
		memcpy(out->resolver_pk, buf + 72, 32);
		memcpy(out->client_magic, buf + 104, 8);
		out->serial = dc_get32(buf + 112);
		out->ts_start = ts_start;
		out->ts_end = ts_end;
		out->rawlen = len;
		memcpy(out->raw, buf, len);
	}

	if (es != DC_ES_XSALSA20 && es != DC_ES_XCHACHA20)
		return DC_CERT_BAD_VERSION;
	/* The signature (bytes 8..71) covers bytes 72..end, extensions too. */
	if (signed_check &&
	    (provider_pk == NULL ||
	     crypto_sign_verify_detached(buf + 8, buf + 72, len - 72,
					 provider_pk) != 0))
		return DC_CERT_BAD_SIGNATURE;
	if (ts_start >= ts_end)
		return DC_CERT_BAD_WINDOW;
	/* Valid from ts-start through ts-end, both inclusive. */
	if ((long long)now < (long long)ts_start)
		return DC_CERT_NOT_YET_VALID;
	if ((long long)now > (long long)ts_end)
		return DC_CERT_EXPIRED;
	return DC_CERT_VALID;
}

dc_cert_check dc_cert_parse(const uint8_t *buf, size_t len,
			    const uint8_t provider_pk[32], time_t now,
			    struct dc_cert *out)
{
	return parse(buf, len, provider_pk, 1, now, out);
}

dc_cert_check dc_cert_parse_presigned(const uint8_t *buf, size_t len,
				      time_t now, struct dc_cert *out)
{
	return parse(buf, len, NULL, 0, now, out);
}

int dc_cert_better(const struct dc_cert *a, const struct dc_cert *b)
{
	if (a->serial != b->serial)
		return a->serial > b->serial;
	if (a->es_version != b->es_version) {
		if (a->es_version == DC_ES_XCHACHA20)
			return 1;
		if (b->es_version == DC_ES_XCHACHA20)
			return 0;
	}
	return a->ts_start > b->ts_start;
}

/* Try one joined TXT record as a certificate; keep it in best if it is
 * valid and preferred, and in all (when not NULL) whatever its check. */
static void try_candidate(const uint8_t *buf, size_t len, int too_long,
			  const uint8_t provider_pk[32], time_t now,
			  struct dc_cert *best, int *have, struct dc_cert *cand,
			  dc_cert_check *last, struct dc_cert_list *all)
{
	dc_cert_check c = DC_CERT_BAD_FORMAT;

	memset(cand, 0, sizeof(*cand));
	if (!too_long)
		c = dc_cert_parse(buf, len, provider_pk, now, cand);
	*last = c;
	if (all) {
		all->ntxt++;
		if (all->n < DC_CERT_LIST_MAX) {
			all->cert[all->n] = *cand;
			all->check[all->n] = c;
			if (c == DC_CERT_VALID &&
			    (all->best < 0 || dc_cert_better(cand, &all->cert[all->best])))
				all->best = all->n;
			all->n++;
		}
	}
	if (c != DC_CERT_VALID)
		return;
	if (!*have || dc_cert_better(cand, best)) {
		memcpy(best, cand, sizeof *best);
		*have = 1;
	}
}

static dc_status txt_walk(const uint8_t *abuf, size_t alen,
			  const uint8_t provider_pk[32], time_t now,
			  struct dc_cert *best, dc_cert_check *why,
			  struct dc_cert_list *all)
{
	/* On the heap (2 KB): a lookup runs in 16 KiB of stack. */
	struct scratch {
		struct dc_cert cand;
		uint8_t joined[DC_CERT_MAX_LEN];
	} *w;
	struct ares_txt_ext *txt = NULL, *t;
	size_t jlen = 0;
	int too_long = 0, in_record = 0, have = 0;
	dc_cert_check last = DC_CERT_BAD_FORMAT;

	if (why != NULL)
		*why = DC_CERT_BAD_FORMAT;
	if (all != NULL) {
		memset(all, 0, sizeof(*all));
		all->best = -1;
	}
	/* 12-byte DNS header; RCODE is the low 4 bits of byte 3. */
	if (abuf == NULL || best == NULL || alen < 12 || alen > INT_MAX ||
	    (abuf[3] & 0x0f) != 0)
		return DC_ECERT;
	w = malloc(sizeof *w);
	if (w == NULL)
		return DC_ENOMEM;
	/* On error c-ares frees its partial list and leaves txt NULL. */
	if (ares_parse_txt_reply_ext(abuf, (int)alen, &txt) != ARES_SUCCESS) {
		free(w);
		return DC_ECERT;
	}

	for (t = txt; t != NULL; t = t->next) {
		if (t->record_start) {
			if (in_record)
				try_candidate(w->joined, jlen, too_long,
					      provider_pk, now, best, &have,
					      &w->cand, &last, all);
			jlen = 0;
			too_long = 0;
			in_record = 1;
		}
		if (!in_record)
			continue; /* cannot happen: the first chunk starts a record */
		if (too_long || t->length > sizeof w->joined - jlen) {
			too_long = 1;
			continue;
		}
		if (t->length > 0) {
			memcpy(w->joined + jlen, t->txt, t->length);
			jlen += t->length;
		}
	}
	if (in_record)
		try_candidate(w->joined, jlen, too_long, provider_pk, now, best,
			      &have, &w->cand, &last, all);
	ares_free_data(txt);
	sodium_memzero(w, sizeof(*w));
	free(w);

	if (why != NULL)
		*why = have ? DC_CERT_VALID : last;
	return have ? DC_OK : DC_ECERT;
}

dc_status dc_cert_from_txt_answer(const uint8_t *abuf, size_t alen,
				  const uint8_t provider_pk[32], time_t now,
				  struct dc_cert *best, dc_cert_check *why)
{
	return txt_walk(abuf, alen, provider_pk, now, best, why, NULL);
}

dc_status dc_cert_list_txt_answer(const uint8_t *abuf, size_t alen,
				  const uint8_t provider_pk[32], time_t now,
				  struct dc_cert_list *all)
{
	struct dc_cert best;

	return txt_walk(abuf, alen, provider_pk, now, &best, NULL, all);
}
