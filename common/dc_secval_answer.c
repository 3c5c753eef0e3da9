/* SPDX-License-Identifier: ISC */
/* dc_secval_answer.c - each answer of a lookup through the validator
 * (dc_secval_answer.h): the validator's io (its fetches as lookups nested
 * in the one being validated, its DNSKEY and DS sets kept sealed in the
 * cache directories), and the verdicts, remembered or reached, applied to
 * the answers.
 *
 * A fetch of the validator is a lookup nested in the one being validated:
 * a copy of its struct dc_lookup (same context, same deadline, marked
 * nested so that its answers are not validated again), asking through
 * dc_lookup_ask, which touches no state of the outer lookup that is still
 * to be used (the search candidates, lookup_seq and the context's
 * deadline are set by dc_lookup_begin only; the answer cache by
 * dc_resolve.c only).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dc_cachefile.h"
#include "dc_dns.h"
#include "dc_engine.h"
#include "dc_secbind.h"
#include "dc_secmemo.h"
#include "dc_secval.h"
#include "dc_secval_answer.h"
#include "dc_wire.h"

#define C_IN 1
#define BLOB_MAX 65536         /* a cached DNSKEY or DS set, at most */
#define FILE_MAX (DC_SECBIND_HDR + BLOB_MAX) /* its file, sealed */
#define KEY_PREFIX "dnssec-"

/* ------------------------------------------------- the validator's io */

static int io_fetch(void *arg, const char *name, int type, unsigned char **ans,
		    size_t *alen)
{
	struct dc_lookup sub = *(const struct dc_lookup *)arg;
	struct dc_question fq;
	dc_status st;

	*ans = NULL;
	*alen = 0;
	memset(&fq, 0, sizeof fq);
	fq.name = name;
	fq.dnsclass = C_IN;
	fq.type = type;
	sub.nested = 1;
	st = dc_lookup_ask(&sub, &fq, 1);
	if (st == DC_OK) {
		*ans = fq.ans;
		*alen = fq.alen;
		fq.ans = NULL;
	}
	dc_question_free(&fq, 1);
	return (int)st;
}

/* The cache file of a key: printable, no '/', never "." or "..". */
static int key_file(const char *key, char *out, size_t cap)
{
	size_t n = strlen(key);

	if (n == 0 || n > 255 || sizeof KEY_PREFIX + n > cap || strchr(key, '/'))
		return -1;
	memcpy(out, KEY_PREFIX, sizeof KEY_PREFIX - 1);
	memcpy(out + sizeof KEY_PREFIX - 1, key, n + 1);
	return 0;
}

/* The system directory (files owned by root), then this user's. */
static unsigned char *io_load(void *arg, const char *key, size_t *len)
{
	const struct dc_lookup *lk = arg;
	char name[sizeof KEY_PREFIX + 256];
	unsigned char *buf, *r;
	ssize_t n = -1;
	size_t off = 0;

	*len = 0;
	if (key_file(key, name, sizeof name) != 0 || !(buf = malloc(FILE_MAX)))
		return NULL;
	/* A set sealed under another anchor is no set (dc_secbind.h). */
	for (int user = 0; user <= 1 && off == 0; user++) {
		n = dc_cachefile_read(&lk->ctx->cfg, user, 0, name, buf, FILE_MAX, NULL);
		if (n > 0)
			off = dc_secbind_open(lk->ctx->sec_anchor, buf, (size_t)n);
	}
	if (off == 0 || (size_t)n == off) {
		free(buf);
		return NULL;
	}
	*len = (size_t)n - off;
	memmove(buf, buf + off, *len);
	r = realloc(buf, *len);
	return r ? r : buf;
}

static void io_store(void *arg, const char *key, const unsigned char *blob,
		     size_t len)
{
	const struct dc_lookup *lk = arg;
	char name[sizeof KEY_PREFIX + 256];
	uint8_t *buf;

	if (key_file(key, name, sizeof name) != 0 || len > BLOB_MAX ||
	    !(buf = malloc(DC_SECBIND_HDR + len)))
		return;
	dc_cachefile_write(&lk->ctx->cfg, 0, name, buf,
			   dc_secbind_seal(lk->ctx->sec_anchor, blob, len, buf));
	free(buf);
}

/* ----------------------------------------------------------- answers */

/* The answer's question (c-ares matched it to ours) as an absolute
 * presentation name in out, its type and class. */
static int answer_question(const uint8_t *a, size_t alen, char *out, size_t cap,
			   int *type, int *cls)
{
	int n;
	size_t l;

	if (alen < 12 || dc_get16(a + 4) != 1)
		return -1;
	n = dc_dns_expand(a, alen, a + 12, out, cap - 1);
	if (n < 0 || 12 + (size_t)n + 4 > alen)
		return -1;
	*type = dc_get16(a + 12 + n);
	*cls = dc_get16(a + 12 + n + 2);
	/* dn_expand's form: no final dot, the root is ".". */
	l = strlen(out);
	if (strcmp(out, ".") != 0) {
		out[l] = '.';
		out[l + 1] = '\0';
	}
	return 0;
}

/* One answer through the validator, or its verdict remembered
 * (dc_secmemo.h) from an identical answer, in memory or on disk.
 * DC_EDNSSEC when the validator is needed and cannot be had. */
static dc_status validate_one(struct dc_ctx *c, const struct dc_question *q, int type,
			      const struct dc_sec_io *io, time_t now)
{
	struct dc_sec_result *res = &c->secres;
	uint8_t key[DC_SECMEMO_KEY];
	int known = dc_secmemo_key(c->sec_anchor, q->ans, q->alen, key) == 0;
	uint32_t life;

	memset(res, 0, sizeof *res);
	if (known && (res->state = dc_secmemo_get(&c->secmemo, key, now)) != 0)
		return DC_OK;
	if (dc_secval_open(c) != DC_OK)
		return DC_EDNSSEC;
	c->secops->validate(c->secv, c->secname, type, q->ans, q->alen, io, now, res);
	life = dc_secmemo_lifetime(q->ans, q->alen, now);
	if (known && life && (res->state == DC_SEC_SECURE || res->state == DC_SEC_INSECURE)) {
		dc_secmemo_put(&c->secmemo, key, res->state, now, life);
		c->sec_dirty = 1;
	}
	return DC_OK;
}

void dc_secval_answers(struct dc_lookup *lk, struct dc_question *q, int n)
{
	struct dc_ctx *c = lk->ctx;
	struct dc_secinfo *si = &c->secinfo;
	struct dc_sec_result *res = &c->secres;
	struct dc_sec_io io = { lk, io_fetch, io_load, io_store };
	time_t now = time(NULL);

	si->n = n;
	for (int i = 0; i < n; i++) {
		int cd = q[i].msg && q[i].msglen >= 4 && (q[i].msg[3] & 0x10);
		int type = q[i].type, cls = q[i].dnsclass;

		si->type[i] = type;
		si->state[i] = 0;
		if (q[i].st != DC_OK)
			continue;
		if (answer_question(q[i].ans, q[i].alen, c->secname, sizeof c->secname,
				    &type, &cls) != 0) {
			res->state = DC_SEC_BOGUS;
			dc_set_err(res->why, sizeof res->why, "an answer without its question");
		} else if (cls != C_IN) {
			/* DNSSEC signs class IN only: nothing to check, and
			 * nothing to vouch for (no AD). */
			res->state = DC_SEC_INSECURE;
		} else if (validate_one(c, &q[i], type, &io, now) != DC_OK) {
			free(q[i].ans);
			q[i].ans = NULL;
			q[i].alen = 0;
			q[i].st = DC_EDNSSEC;
			continue;
		}
		if (res->state < DC_SEC_SECURE || res->state > DC_SEC_INDETERMINATE)
			res->state = DC_SEC_BOGUS;
		si->type[i] = type;
		si->state[i] = res->state;
		if (res->state == DC_SEC_SECURE || res->state == DC_SEC_INSECURE) {
			dc_wire_answer_flags(q[i].ans, q[i].alen,
					     res->state == DC_SEC_SECURE, cd);
			continue;
		}
		if (si->why[0] == '\0') {
			res->why[sizeof res->why - 1] = '\0';
			memcpy(si->why, res->why, sizeof si->why);
			if (si->why[0] == '\0')
				dc_set_err(si->why, sizeof si->why, "%s: %s", c->secname,
					   dc_secval_state_str(res->state));
		}
		free(q[i].ans);
		q[i].ans = NULL;
		q[i].alen = 0;
		q[i].st = DC_EBOGUS;
	}
	dc_secval_memo_flush(c, now);
}
