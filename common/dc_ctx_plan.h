/* SPDX-License-Identifier: ISC */
/* dc_ctx_plan.h - the functions of dc_ctx_plan.c: the server order, route
 * choice, UDP memory and transport hooks of a context, which dc_ctx.c and
 * the lookup engine (dc_engine.c) use.  Internal to common/; dc_ctx.h is
 * the API.
 */
#ifndef DC_CTX_PLAN_H
#define DC_CTX_PLAN_H

#include <stdint.h>
#include <time.h>
#include <ares.h>
#include "dc_channel.h"
#include "dc_ctx.h"

/* ----------------------------------------------------- dc_ctx_plan.c */

/* Before a lookup: each server's route and the servers' order. */
void dc_ctx_plan(struct dc_ctx *c, time_t now);
/* Server i (through its current route) failed: recorded once per lookup
 * (c->lookup_seq). */
void dc_ctx_note_failure(struct dc_ctx *c, int i);
/* Write the state file if the records changed (c may be NULL). */
void dc_ctx_save_state(struct dc_ctx *c);
/* UDP to server i: 1 usable (*probe: to be probed again after it
 * failed), 0 known to get no answer; and what a lookup found. */
int dc_ctx_udp_state(const struct dc_ctx *c, int i, time_t now, int *probe);
void dc_ctx_note_udp(struct dc_ctx *c, int i, int ok);
/* The transport's hooks (struct dc_transport); arg is the context. */
void dc_ctx_hook_answer(void *arg, int i, uint32_t rtt_us, int sample);
void dc_ctx_hook_silence(void *arg, int i);

#endif
