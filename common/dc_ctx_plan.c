/* SPDX-License-Identifier: ISC */
/* dc_ctx_plan.c - several servers (dc_servers.h): before each lookup,
 * each server's best route (relay) and the order in which the servers
 * are asked; the transport's hooks, which keep the servers' health
 * records; what is known of UDP to each; the state file, written when
 * those records changed.
 */
#include <string.h>
#include <time.h>

#include "dc_ctx_plan.h"

static const uint8_t *route_id(const struct dc_ctx *c, int i)
{
	return c->hid[i][c->via_slot[i]];
}

void dc_ctx_save_state(struct dc_ctx *c)
{
	if (c && c->save_wanted) {
		c->save_wanted = 0;
		dc_servers_save(&c->cfg);
	}
}

/* With one server and one route there is nothing to choose: no records,
 * no state file.  One failure per route and lookup: a dead server refuses
 * each socket a lookup opens to it (a UDP try, its retry, TCP), and each
 * further failure doubles the skip (README "Several servers": 60 s after
 * a failure). */
void dc_ctx_note_failure(struct dc_ctx *c, int i)
{
	unsigned *noted = &c->fail_noted[i][c->via_slot[i]];

	if (!c->choice || *noted == c->lookup_seq)
		return;
	*noted = c->lookup_seq;
	if (dc_servers_note_failure(route_id(c, i)))
		c->save_wanted = 1;
}

/* What is remembered of UDP to server i (through its current route):
 * 1 it works (or is to be probed again: *probe set), 0 go straight to
 * TCP.  Recorded with one server too: the first lookup pays the UDP wait,
 * the next processes do not. */
int dc_ctx_udp_state(const struct dc_ctx *c, int i, time_t now, int *probe)
{
	struct dc_health h;

	dc_servers_get(route_id(c, i), &h);
	*probe = h.udp_bad_until != 0 && now >= h.udp_bad_until;
	return h.udp_bad_until == 0 || now >= h.udp_bad_until;
}

void dc_ctx_note_udp(struct dc_ctx *c, int i, int ok)
{
	if (dc_servers_note_udp(route_id(c, i), ok))
		c->save_wanted = 1;
}

void dc_ctx_hook_answer(void *arg, int i, uint32_t rtt_us, int sample)
{
	struct dc_ctx *c = arg;

	if (c->choice && dc_servers_note_answer(route_id(c, i), rtt_us, sample))
		c->save_wanted = 1;
}

void dc_ctx_hook_silence(void *arg, int i)
{
	dc_ctx_note_failure(arg, i);
}

/* Before a lookup: each server's best route (relay), and the servers'
 * order, best first (the engine gives it to the channels). */
void dc_ctx_plan(struct dc_ctx *c, time_t now)
{
	struct dc_health h[DC_MAX_SERVERS], cur;
	int n = c->cfg.nservers;

	for (int i = 0; i < n; i++) {
		int nv = c->cfg.nvia[i] ? c->cfg.nvia[i] : 1, slot = 0;

		dc_servers_get(c->hid[i][0], &h[i]);
		for (int k = 1; k < nv; k++) {
			dc_servers_get(c->hid[i][k], &cur);
			if (dc_health_cmp(&cur, &h[i], now) < 0) {
				h[i] = cur;
				slot = k;
			}
		}
		c->via_slot[i] = slot;
		c->srv[i].relay = c->cfg.nvia[i] ?
			&c->cfg.relays[c->cfg.via[i][slot]] : NULL;
	}
	if (n < 2)
		return;
	dc_health_rank(h, n, now, c->order);
}
