/* SPDX-License-Identifier: ISC */
/* dc_secval.c - DNSSEC validation of a lookup's answers (dc_secval.h).
 *
 * A fetch of the validator is a lookup nested in the one being validated:
 * a copy of its struct dc_lookup (same context, same deadline, marked
 * nested so that its answers are not validated again), asking through
 * dc_lookup_ask, which touches no state of the outer lookup that is still
 * to be used (the search candidates, lookup_seq and the context's
 * deadline are set by dc_lookup_begin only; the answer cache by
 * dc_resolve.c only).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dc_certcache.h"
#include "dc_dns.h"
#include "dc_engine.h"
#include "dc_secload.h"
#include "dc_secval.h"
#include "dc_wire.h"

#define C_IN 1
#define BLOB_MAX 65536         /* a cached DNSKEY or DS set, at most */
#define KEY_PREFIX "dnssec-"

_Static_assert(DC_SECINFO_MAX == DC_LOOKUP_MAXQ, "one secinfo per question");

dc_status dc_secval_prepare(struct dc_ctx *c)
{
	const struct dc_sec_ops *ops;
	char err[DC_SEC_WHY_MAX];

	if (c->cfg.dnssec != DC_DNSSEC_VALIDATE || c->secv)
		return DC_OK;
	if (dc_secload_ops(&ops, c->secinfo.why, sizeof c->secinfo.why) != DC_OK)
		return DC_EDNSSEC;
	err[0] = '\0';
	c->secv = ops->open(c->cfg.trust_anchor, err, sizeof err);
	if (!c->secv) {
		dc_set_err(c->secinfo.why, sizeof c->secinfo.why, "trust anchor %s: %s",
			   c->cfg.trust_anchor, err[0] ? err : "cannot be read");
		return DC_EDNSSEC;
	}
	c->secops = ops;
	return DC_OK;
}

void dc_secval_free(struct dc_ctx *c)
{
	if (c->secv)
		c->secops->close(c->secv);
	c->secv = NULL;
}

const char *dc_secval_state_str(int state)
{
	switch (state) {
	case DC_SEC_SECURE:        return "secure";
	case DC_SEC_INSECURE:      return "insecure";
	case DC_SEC_BOGUS:         return "bogus";
	case DC_SEC_INDETERMINATE: return "indeterminate";
	default:                   return "unchecked";
	}
}

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

	*len = 0;
	if (key_file(key, name, sizeof name) != 0 || !(buf = malloc(BLOB_MAX)))
		return NULL;
	for (int user = 0; user <= 1 && n <= 0; user++)
		n = dc_cachefile_read(&lk->ctx->cfg, user, name, buf, BLOB_MAX);
	if (n <= 0) {
		free(buf);
		return NULL;
	}
	r = realloc(buf, (size_t)n);
	*len = (size_t)n;
	return r ? r : buf;
}

static void io_store(void *arg, const char *key, const unsigned char *blob,
		     size_t len)
{
	const struct dc_lookup *lk = arg;
	char name[sizeof KEY_PREFIX + 256];

	if (key_file(key, name, sizeof name) == 0 && len <= BLOB_MAX)
		dc_cachefile_write(&lk->ctx->cfg, name, blob, len);
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

void dc_secval_check(struct dc_lookup *lk, struct dc_question *q, int n)
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
		} else {
			memset(res, 0, sizeof *res);
			c->secops->validate(c->secv, c->secname, type, q[i].ans, q[i].alen,
					    &io, now, res);
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
}
