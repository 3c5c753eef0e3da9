/* dc_ctx_int.h - what the files of the per-thread context share: the
 * channel helpers of dc_channel.c and the server order, route choice and
 * transport hooks of dc_ctx_plan.c that dc_ctx.c uses.  Internal to
 * common/; dc_ctx.h is the API.
 */
#ifndef DC_CTX_INT_H
#define DC_CTX_INT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <ares.h>
#include "dc_ctx.h"

/* ------------------------------------------------------ dc_channel.c */

/* Set a channel's servers, in this order, with their ports. */
int dc_channel_set_servers(ares_channel ch, const struct dc_stamp *const *servers,
			   int n);
/* The poll loop of dc_ctx_wait (same arguments and result). */
dc_status dc_channel_wait(ares_channel ch, const int *pending, uint64_t deadline_ms);
/* open(2) flags for an fopen(3) mode, always with O_CLOEXEC: 0, or -1
 * for a mode fopen refuses (not r, w or a first). */
int dc_fopen_flags(const char *mode, int *flags);
/* fopen with close-on-exec: what c-ares's fopen calls reach in a binary
 * linked with -Wl,--wrap=fopen. */
FILE *__wrap_fopen(const char *path, const char *mode);

/* ----------------------------------------------------- dc_ctx_plan.c */

/* Before a lookup: each server's route and the servers' order. */
void dc_ctx_plan(struct dc_ctx *c, time_t now);
/* Server i (through its current route) failed. */
void dc_ctx_note_failure(struct dc_ctx *c, int i);
/* Write the state file if the records changed (c may be NULL). */
void dc_ctx_save_state(struct dc_ctx *c);
/* The transport's hooks (struct dc_transport); arg is the context. */
int dc_ctx_hook_need_session(void *arg, int i);
void dc_ctx_hook_answer(void *arg, int i, uint32_t rtt_us, int sample);
void dc_ctx_hook_silence(void *arg, int i);

#endif
