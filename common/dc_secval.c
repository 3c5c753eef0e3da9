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
 *
 * Stack: the validator's chain walk, a nested lookup under it and the
 * signature checks (ldns, libcrypto) need about 3 KB more than a lookup
 * without validation, measured with tests/prog/stack16 -m: more than a
 * thread of 16 KiB has (tests/integration/t25_stack.sh).  When less than
 * DC_SEC_STACK_MIN is left on the caller's stack, the validation runs in
 * a helper thread with a stack of DC_SEC_STACK, created and joined at
 * once (all signals blocked in it); it uses this thread's context alone
 * while this thread waits.  Cancellation is off while answers are
 * validated: a thread unwound in the middle of the validator would leave
 * its state half made.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "dc_certcache.h"
#include "dc_channel.h"
#include "dc_dns.h"
#include "dc_engine.h"
#include "dc_secbind.h"
#include "dc_secload.h"
#include "dc_secmemo.h"
#include "dc_secval.h"
#include "dc_wire.h"

#define C_IN 1
#define BLOB_MAX 65536         /* a cached DNSKEY or DS set, at most */
#define FILE_MAX (DC_SECBIND_HDR + BLOB_MAX) /* its file, sealed */
#define KEY_PREFIX "dnssec-"
#define DC_SECMEMO_FILE "secmemo.v1"  /* no "dnssec-" key can name it */
#define DC_SECMEMO_EAGER 4         /* memo file writes made at once */
#define DC_SEC_STACK_MIN (64 * 1024) /* validate in place with this much left */
#define DC_SEC_STACK (256 * 1024)    /* else in a helper thread with this */

_Static_assert(DC_SECINFO_MAX == DC_LOOKUP_MAXQ, "one secinfo per question");

/* The verdicts kept in the cache directories (system, then this user's),
 * added to the context's once. */
static void memo_load(struct dc_ctx *c, time_t now)
{
	uint8_t *buf = malloc(DC_SECMEMO_FILE_MAX);
	ssize_t n;

	if (!buf)
		return;
	for (int user = 0; user <= 1; user++) {
		n = dc_cachefile_read(&c->cfg, user, 0, DC_SECMEMO_FILE, buf, DC_SECMEMO_FILE_MAX);
		if (n > 0)
			dc_secmemo_unpack(&c->secmemo, buf, (size_t)n, now);
	}
	free(buf);
}

static void memo_save(struct dc_ctx *c, time_t now)
{
	uint8_t *buf = malloc(DC_SECMEMO_FILE_MAX);

	if (!buf)
		return;
	dc_cachefile_write(&c->cfg, 0, DC_SECMEMO_FILE, buf, dc_secmemo_pack(&c->secmemo, now, buf));
	free(buf);
}

dc_status dc_secval_prepare(struct dc_ctx *c)
{
	if (c->cfg.dnssec != DC_DNSSEC_VALIDATE || c->sec_ready)
		return DC_OK;
	if (dc_secload_present(c->secinfo.why, sizeof c->secinfo.why) != DC_OK)
		return DC_EDNSSEC;
	/* What is kept on disk is bound to these bytes (dc_secbind.h).  The
	 * reason goes through c->secres.why, not the stack: a lookup runs
	 * in 16 KiB. */
	if (dc_secbind_anchor(c->cfg.trust_anchor, c->sec_anchor, c->secres.why,
			      sizeof c->secres.why) != DC_OK) {
		dc_set_err(c->secinfo.why, sizeof c->secinfo.why, "trust anchor %s",
			   c->secres.why);
		return DC_EDNSSEC;
	}
	memo_load(c, time(NULL));
	c->sec_ready = 1;
	return DC_OK;
}

/* The validator itself, loaded and opened (trust anchor read) when an
 * answer first needs it; DC_EDNSSEC with the reason in c->secinfo.why. */
static dc_status open_validator(struct dc_ctx *c)
{
	const struct dc_sec_ops *ops;
	uint8_t now_digest[DC_SECBIND_DIGEST];
	char *err = c->secres.why;  /* scratch, not the stack */

	if (c->secv)
		return DC_OK;
	if (dc_secload_ops(&ops, c->secinfo.why, sizeof c->secinfo.why) != DC_OK)
		return DC_EDNSSEC;
	err[0] = '\0';
	c->secv = ops->open(c->cfg.trust_anchor, err, sizeof c->secres.why);
	if (!c->secv) {
		dc_set_err(c->secinfo.why, sizeof c->secinfo.why, "trust anchor %s: %s",
			   c->cfg.trust_anchor, err[0] ? err : "cannot be read");
		return DC_EDNSSEC;
	}
	c->secops = ops;
	/* The validator read the file again: the anchor it holds must be
	 * the one c->sec_anchor names, or a verdict reached under it would
	 * be kept under the other.  Changed in between: fail this lookup,
	 * and read it afresh (dc_secval_prepare) for the next. */
	if (dc_secbind_anchor(c->cfg.trust_anchor, now_digest, c->secres.why,
			      sizeof c->secres.why) != DC_OK ||
	    sodium_memcmp(now_digest, c->sec_anchor, sizeof now_digest) != 0) {
		dc_secval_free(c);
		c->sec_ready = 0;
		dc_set_err(c->secinfo.why, sizeof c->secinfo.why,
			   "trust anchor %s: changed while being read", c->cfg.trust_anchor);
		return DC_EDNSSEC;
	}
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
	size_t off = 0;

	*len = 0;
	if (key_file(key, name, sizeof name) != 0 || !(buf = malloc(FILE_MAX)))
		return NULL;
	/* A set sealed under another anchor is no set (dc_secbind.h). */
	for (int user = 0; user <= 1 && off == 0; user++) {
		n = dc_cachefile_read(&lk->ctx->cfg, user, 0, name, buf, FILE_MAX);
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
	if (open_validator(c) != DC_OK)
		return DC_EDNSSEC;
	c->secops->validate(c->secv, c->secname, type, q->ans, q->alen, io, now, res);
	life = dc_secmemo_lifetime(q->ans, q->alen, now);
	if (known && life && (res->state == DC_SEC_SECURE || res->state == DC_SEC_INSECURE)) {
		dc_secmemo_put(&c->secmemo, key, res->state, now, life);
		c->sec_dirty = 1;
	}
	return DC_OK;
}

static void check_answers(struct dc_lookup *lk, struct dc_question *q, int n)
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
	/* The new verdicts on disk once per lookup: at once for a context's
	 * first DC_SECMEMO_EAGER writes (a short-lived process keeps what its
	 * few lookups learnt), then at most once a second, so that a busy one
	 * does not write a file for every new answer (a write took about
	 * 150 us, as much as validating the answer). */
	if (c->sec_dirty && (c->sec_saves < DC_SECMEMO_EAGER || now - c->sec_saved >= 1 ||
			     now < c->sec_saved)) {
		memo_save(c, now);
		c->sec_saved = now;
		c->sec_saves++;
		c->sec_dirty = 0;
	}
}

/* Bytes left below this frame on this thread's stack (its low end found
 * once per context: pthread_getattr_np reads /proc/self/maps for the main
 * thread); SIZE_MAX when unknown. */
static size_t stack_left(struct dc_ctx *c)
{
	volatile char here = 0;
	pthread_attr_t a;
	void *lo;
	size_t size;
	int e = errno;

	if (!c->stack_lo_known) {
		c->stack_lo_known = 1;
		if (pthread_getattr_np(pthread_self(), &a) == 0) {
			if (pthread_attr_getstack(&a, &lo, &size) == 0)
				c->stack_lo = (uintptr_t)lo;
			pthread_attr_destroy(&a);
		}
		errno = e;
	}
	if (!c->stack_lo || (uintptr_t)&here <= c->stack_lo)
		return SIZE_MAX;
	return (size_t)((uintptr_t)&here - c->stack_lo);
}

struct sec_job {
	struct dc_lookup *lk;
	struct dc_question *q;
	int n;
};

static void *sec_thread(void *arg)
{
	struct sec_job *j = arg;

	check_answers(j->lk, j->q, j->n);
	return NULL;
}

/* check_answers in a helper thread with a stack of its own; -1 when it
 * cannot be made. */
static int check_in_thread(struct dc_lookup *lk, struct dc_question *q, int n)
{
	struct sec_job j = { lk, q, n };
	sigset_t all, old;
	pthread_attr_t a;
	pthread_t th;
	int rc, e = errno;

	if (pthread_attr_init(&a) != 0)
		return -1;
	rc = pthread_attr_setstacksize(&a, DC_SEC_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (rc == 0)
		rc = pthread_create(&th, &a, sec_thread, &j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&a);
	if (rc == 0)
		pthread_join(th, NULL);
	errno = e;
	return rc == 0 ? 0 : -1;
}

/* Every answer indeterminate: it could not be validated. */
static void fail_all(struct dc_ctx *c, struct dc_question *q, int n)
{
	c->secinfo.n = n;
	dc_set_err(c->secinfo.why, sizeof c->secinfo.why,
		   "not enough stack to validate here and no helper thread");
	for (int i = 0; i < n; i++) {
		c->secinfo.type[i] = q[i].type;
		c->secinfo.state[i] = 0;
		if (q[i].st != DC_OK)
			continue;
		c->secinfo.state[i] = DC_SEC_INDETERMINATE;
		free(q[i].ans);
		q[i].ans = NULL;
		q[i].alen = 0;
		q[i].st = DC_EBOGUS;
	}
}

void dc_secval_check(struct dc_lookup *lk, struct dc_question *q, int n)
{
	struct dc_ctx *c = lk->ctx;
	int cancel = dc_cancel_caller;

	dc_cancel_caller = -1;
	if (stack_left(c) >= DC_SEC_STACK_MIN)
		check_answers(lk, q, n);
	else if (check_in_thread(lk, q, n) != 0)
		/* No room here and no helper thread: fail closed rather
		 * than overflow the caller's stack. */
		fail_all(c, q, n);
	dc_cancel_caller = cancel;
}
