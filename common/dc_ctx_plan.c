/* dc_ctx_plan.c - several servers (dc_servers.h): before each lookup,
 * each server's best route (relay) and the order in which the channels
 * ask the servers; the transport's hooks, which fetch a server's
 * certificate when c-ares turns to it and keep the servers' health
 * records; the state file, written when those records changed.
 */
#include <string.h>
#include <time.h>

#include "dc_ctx_int.h"

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
 * no state file. */
void dc_ctx_note_failure(struct dc_ctx *c, int i)
{
	if (c->choice && dc_servers_note_failure(route_id(c, i)))
		c->save_wanted = 1;
}

/* Transport hook: c-ares is about to ask server i, maybe for the first
 * time in this process: fetch its certificate now, with half of what is
 * left of the lookup's budget (one failed fetch per lookup at most). */
int dc_ctx_hook_need_session(void *arg, int i)
{
	struct dc_ctx *c = arg;
	time_t now = time(NULL);
	uint64_t t = dc_now_ms();

	if (c->srv[i].has_session && now < c->cert_until[i])
		return 0;
	if (c->fetch_failed[i][c->via_slot[i]] == c->lookup_seq ||
	    t >= c->deadline_ms)
		return -1;
	if (dc_cert_ensure(c, i, now, t + (c->deadline_ms - t) / 2) == DC_OK)
		return 0;
	c->fetch_failed[i][c->via_slot[i]] = c->lookup_seq;
	dc_ctx_note_failure(c, i);
	return -1;
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
 * order in both channels, best first. */
void dc_ctx_plan(struct dc_ctx *c, time_t now)
{
	const struct dc_stamp *list[DC_MAX_SERVERS];
	struct dc_health h[DC_MAX_SERVERS], cur;
	int order[DC_MAX_SERVERS], n = c->cfg.nservers;

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
	dc_health_rank(h, n, now, order);
	if (memcmp(order, c->order, (size_t)n * sizeof(int)) == 0)
		return;
	for (int k = 0; k < n; k++)
		list[k] = &c->cfg.servers[order[k]];
	/* Between lookups the channels hold no query, as
	 * ares_set_servers_ports requires. */
	if (dc_channel_set_servers(c->ch, list, n) == ARES_SUCCESS &&
	    (!c->ch_tcp ||
	     dc_channel_set_servers(c->ch_tcp, list, n) == ARES_SUCCESS))
		memcpy(c->order, order, (size_t)n * sizeof(int));
	else
		c->order[0] = -1;       /* try again next time */
}
