/* SPDX-License-Identifier: ISC */
/* dc_secval.h - DNSSEC validation of a lookup's answers ("dnssec
 * validate"): the glue between the lookup engine (dc_engine.h) and the
 * validator object (dc_dnssec.h, loaded by dc_secload.h).  The validator
 * asks DNSKEY and DS sets through the same engine, within the lookup's
 * budget, and keeps validated sets in the certificate cache directories
 * (dc_cachefile_read/write: the same owner checks as the certificates).
 */
#ifndef DC_SECVAL_H
#define DC_SECVAL_H

#include <time.h>
#include "dc_dnssec.h"
#include "dc_status.h"

/* What the last lookup of a thread found, per answer (dnscrypt-resolve
 * prints it).  state: an enum dc_sec_state, 0 when not validated. */
#define DC_SECINFO_MAX 2
struct dc_secinfo {
	int n;
	int type[DC_SECINFO_MAX];
	int state[DC_SECINFO_MAX];
	char why[DC_SEC_WHY_MAX];   /* of the first bogus or indeterminate one,
	                             * or why the validator is unavailable */
};

struct dc_ctx;
struct dc_lookup;
struct dc_question;

/* With "dnssec validate", once per context (again after a failure): the
 * validator object is where it is looked for (it is loaded when an answer
 * first needs it), the trust anchor file is read, its only read, and
 * digested (its bytes kept for the validator's open), and the verdicts
 * kept on disk are read.  DC_OK (also with "dnssec no", when nothing is done), or
 * DC_EDNSSEC with the reason in c->secinfo.why. */
dc_status dc_secval_prepare(struct dc_ctx *c);

/* Validate each answered question of q (st == DC_OK) at time now: secure
 * and insecure answers stay, with AD set in the answer's header iff
 * secure and CD as in the caller's query; bogus and indeterminate ones
 * are dropped and get st DC_EBOGUS (DC_EDNSSEC when the validator could
 * not be loaded).  Records the outcome in
 * lk->ctx->secinfo.  Runs after the lookup's questions are answered (not
 * inside c-ares), its fetches as nested lookups of lk (same context, same
 * deadline). */
void dc_secval_check(struct dc_lookup *lk, struct dc_question *q, int n);

/* The thread's validator, closed (context freed). */
void dc_secval_free(struct dc_ctx *c);

/* "secure", "insecure", "bogus", "indeterminate", or "unchecked" (0). */
const char *dc_secval_state_str(int state);

/* Internal to common/ (dc_secval_answer.c). */

/* The validator itself, loaded and opened with the anchor's bytes that
 * dc_secval_prepare read, when an answer first needs it; DC_EDNSSEC with
 * the reason in c->secinfo.why (and the anchor read again by the next
 * lookup's dc_secval_prepare). */
dc_status dc_secval_open(struct dc_ctx *c);

/* After a lookup's answers were validated: the new verdicts written to
 * disk, or kept in memory for a later lookup to write. */
void dc_secval_memo_flush(struct dc_ctx *c, time_t now);

#endif
