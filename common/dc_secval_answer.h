/* SPDX-License-Identifier: ISC */
/* dc_secval_answer.h - the function of dc_secval_answer.c: a lookup's
 * answers through the validator, which dc_secval_check (dc_secval.c) runs
 * on a stack with room for it.  Internal to common/; dc_secval.h is the
 * API.
 */
#ifndef DC_SECVAL_ANSWER_H
#define DC_SECVAL_ANSWER_H

#include "dc_engine.h"

/* dc_secval_check's work (dc_secval.h), on this thread's stack. */
void dc_secval_answers(struct dc_lookup *lk, struct dc_question *q, int n);

#endif
