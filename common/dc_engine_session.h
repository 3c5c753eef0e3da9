/* SPDX-License-Identifier: ISC */
/* dc_engine_session.h - the functions of dc_engine_session.c: the
 * servers' sessions of a lookup (certificates fetched before c-ares sends
 * anything, routes that failed in this lookup, the channels' servers, and
 * certificates forgotten after a lookup without a valid answer), which the
 * lookup engine (dc_engine.c) uses.  Internal to common/; dc_engine.h is
 * the API.
 */
#ifndef DC_ENGINE_SESSION_H
#define DC_ENGINE_SESSION_H

#include <time.h>
#include "dc_ctx.h"
#include "dc_engine.h"
#include "dc_status.h"

/* Server i has a session whose certificate is still valid at now. */
int dc_engine_has_session(const struct dc_ctx *c, int i, time_t now);
/* The first server of the order whose route has not failed in this
 * lookup and that has no session (all: any), or -1. */
int dc_engine_next_server(const struct dc_ctx *c, time_t now, int all);
/* Server i's session, its certificate fetched if it has none or is due
 * for a check, by deadline; a failure marks its route failing for this
 * lookup. */
dc_status dc_engine_make_session(struct dc_lookup *lk, int i, time_t now,
				 uint64_t deadline);
/* A session with the first server of the order that can have one, inside
 * the lookup's budget. */
dc_status dc_engine_prepare(struct dc_lookup *lk, time_t now);
/* The channels hold exactly the servers with a session, in the order of
 * the plan: DC_ECERT when there is none. */
dc_status dc_engine_sync_channels(struct dc_ctx *c, time_t now);
/* Server i's certificate or keys came from a disk cache. */
int dc_engine_unproven_keys(const struct dc_ctx *c, int i);
/* After a lookup that got no valid answer: the channels' certificates
 * (only_unproven: those from a disk cache that got no answer) fetched
 * again by the next lookup. */
void dc_engine_forget_certs(struct dc_ctx *c, int only_unproven);

#endif
