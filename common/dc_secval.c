/* SPDX-License-Identifier: ISC */
/* dc_secval.c - DNSSEC validation of a lookup's answers (dc_secval.h):
 * the validator context (prepared, opened, its verdicts kept on disk),
 * and where the answers are validated (dc_secval_answer.c: how).
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

#include "dc_cachefile.h"
#include "dc_channel.h"
#include "dc_engine.h"
#include "dc_secbind.h"
#include "dc_secload.h"
#include "dc_secmemo.h"
#include "dc_secval.h"
#include "dc_secval_answer.h"

#define DC_SECMEMO_FILE "secmemo.v1"  /* no "dnssec-" key (dc_secval_answer.c) names it */
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
		n = dc_cachefile_read(&c->cfg, user, 0, DC_SECMEMO_FILE, buf,
				      DC_SECMEMO_FILE_MAX, NULL);
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

void dc_secval_memo_flush(struct dc_ctx *c, time_t now)
{
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

/* The anchor's bytes, no longer needed (the validator parsed them) or to
 * be read afresh. */
static void anchor_drop(struct dc_ctx *c)
{
	free(c->sec_anchor_bytes);
	c->sec_anchor_bytes = NULL;
	c->sec_anchor_len = 0;
}

dc_status dc_secval_prepare(struct dc_ctx *c)
{
	if (c->cfg.dnssec != DC_DNSSEC_VALIDATE || c->sec_ready)
		return DC_OK;
	if (dc_secload_present(c->secinfo.why, sizeof c->secinfo.why) != DC_OK)
		return DC_EDNSSEC;
	/* The anchor file is read here, once: what is kept on disk is bound
	 * to its digest (dc_secbind.h), and the validator is opened with the
	 * same bytes (dc_secval_open).  The reason goes through
	 * c->secres.why, not the stack: a lookup runs in 16 KiB. */
	anchor_drop(c);
	if (dc_secbind_anchor(c->cfg.trust_anchor, &c->sec_anchor_bytes, &c->sec_anchor_len,
			      c->sec_anchor, c->secres.why, sizeof c->secres.why) != DC_OK) {
		dc_set_err(c->secinfo.why, sizeof c->secinfo.why, "trust anchor %s",
			   c->secres.why);
		return DC_EDNSSEC;
	}
	memo_load(c, time(NULL));
	c->sec_ready = 1;
	return DC_OK;
}

dc_status dc_secval_open(struct dc_ctx *c)
{
	const struct dc_sec_ops *ops;
	char *err = c->secres.why;  /* scratch, not the stack */

	if (c->secv)
		return DC_OK;
	if (dc_secload_ops(&ops, c->secinfo.why, sizeof c->secinfo.why) != DC_OK)
		return DC_EDNSSEC;
	err[0] = '\0';
	c->secv = ops->open(c->sec_anchor_bytes, c->sec_anchor_len, err,
			    sizeof c->secres.why);
	if (!c->secv) {
		dc_set_err(c->secinfo.why, sizeof c->secinfo.why, "trust anchor %s: %s",
			   c->cfg.trust_anchor, err[0] ? err : "cannot be read");
		/* Read the file afresh for the next lookup (dc_secval_prepare):
		 * it may have been mended meanwhile. */
		anchor_drop(c);
		c->sec_ready = 0;
		return DC_EDNSSEC;
	}
	c->secops = ops;
	anchor_drop(c);
	return DC_OK;
}

void dc_secval_free(struct dc_ctx *c)
{
	if (c->secv)
		c->secops->close(c->secv);
	c->secv = NULL;
	anchor_drop(c);
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

	dc_secval_answers(j->lk, j->q, j->n);
	return NULL;
}

/* dc_secval_answers in a helper thread with a stack of its own; -1 when it
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
		dc_secval_answers(lk, q, n);
	else if (check_in_thread(lk, q, n) != 0)
		/* No room here and no helper thread: fail closed rather
		 * than overflow the caller's stack. */
		fail_all(c, q, n);
	dc_cancel_caller = cancel;
}
