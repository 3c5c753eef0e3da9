/* SPDX-License-Identifier: ISC */
/* dc_engine_session.c - the servers' sessions of a lookup
 * (dc_engine_session.h): a certificate before c-ares sends anything to a
 * server, routes that failed in this lookup, the channels' servers, and
 * certificates forgotten when a lookup got no valid answer.
 */
#include <string.h>
#include <time.h>

#include "dc_ctx_plan.h"
#include "dc_engine_session.h"

static int route_failed(const struct dc_ctx *c, int i)
{
	return c->fetch_failed[i][c->via_slot[i]] == c->lookup_seq;
}

int dc_engine_has_session(const struct dc_ctx *c, int i, time_t now)
{
	return c->srv[i].has_session && now <= (time_t)c->cert[i].ts_end;
}

/* Server i's session, its certificate fetched if it has none or is due
 * for a check; a failure marks its route failing for this lookup. */
dc_status dc_engine_make_session(struct dc_lookup *lk, int i, time_t now,
			      uint64_t deadline)
{
	struct dc_ctx *c = lk->ctx;
	dc_status rc;
	int probe, flags = c->cert_refetch[i] ? DC_CERT_REFETCH : 0;

	if (c->srv[i].has_session && now < c->cert[i].until)
		return DC_OK;
	if (!dc_ctx_udp_state(c, i, now, &probe))
		flags |= DC_CERT_TCP;
	rc = dc_cert_ensure(&c->cfg, &c->srv[i], dc_ctx_keypair, flags, now, deadline,
			    &c->cert[i]);
	if (rc == DC_OK) {
		c->cert_refetch[i] = 0;
		return DC_OK;
	}
	c->fetch_failed[i][c->via_slot[i]] = c->lookup_seq;
	dc_ctx_note_failure(c, i);
	dc_ctx_plan(c, now);
	return rc;
}

/* The first server of the order whose route has not failed in this
 * lookup and that has no session (all: any), or -1. */
int dc_engine_next_server(const struct dc_ctx *c, time_t now, int all)
{
	for (int k = 0; k < c->cfg.nservers; k++) {
		int j = c->order[k];
		if (!route_failed(c, j) && (all || !dc_engine_has_session(c, j, now)))
			return j;
	}
	return -1;
}

/* A session with the first server of the order that can have one: each
 * route tried gets its share of the budget left (a failed one is marked
 * and the order made again: the same server through its next relay, or
 * the next server). */
dc_status dc_engine_prepare(struct dc_lookup *lk, time_t now)
{
	struct dc_ctx *c = lk->ctx;
	dc_status rc = DC_ECERT;

	for (;;) {
		int i = dc_engine_next_server(c, now, 1), left = 0;
		uint64_t t = dc_now_ms();

		for (int j = 0; j < c->cfg.nservers; j++)
			for (int v = 0; v < (c->cfg.nvia[j] ? c->cfg.nvia[j] : 1); v++)
				left += c->fetch_failed[j][v] != c->lookup_seq;
		if (i < 0 || t >= lk->deadline_ms)
			return rc;
		rc = dc_engine_make_session(lk, i, now, t + (lk->deadline_ms - t) / (uint64_t)left);
		if (rc == DC_OK)
			return DC_OK;
	}
}

/* The channels hold exactly the servers with a session, in the order of
 * the plan (c-ares may only be asked when no query is pending). */
dc_status dc_engine_sync_channels(struct dc_ctx *c, time_t now)
{
	const struct dc_stamp *list[DC_MAX_SERVERS];
	int idx[DC_MAX_SERVERS], n = 0;

	for (int k = 0; k < c->cfg.nservers; k++)
		if (dc_engine_has_session(c, c->order[k], now))
			idx[n++] = c->order[k];
	if (n == c->nchan && memcmp(idx, c->chan, (size_t)n * sizeof(int)) == 0)
		return DC_OK;
	if (n == 0)
		return DC_ECERT;
	for (int k = 0; k < n; k++)
		list[k] = &c->cfg.servers[idx[k]];
	c->nchan = 0;       /* unknown until both are set */
	if (dc_channel_set_servers(c->ch, list, n) != ARES_SUCCESS ||
	    (c->ch_tcp && dc_channel_set_servers(c->ch_tcp, list, n) != ARES_SUCCESS))
		return DC_ENOMEM;
	memcpy(c->chan, idx, (size_t)n * sizeof(int));
	c->nchan = n;
	return DC_OK;
}

/* Server i's certificate or keys came from a disk cache: a server that
 * has rotated its keys since (or a bad file) shows as no valid answer. */
int dc_engine_unproven_keys(const struct dc_ctx *c, int i)
{
	return c->cert[i].from_disk || c->cert[i].key_from_disk;
}

/* After a lookup that got no valid answer: the certificates may have been
 * rotated, so the next lookup fetches them again. */
void dc_engine_forget_certs(struct dc_ctx *c, int only_unproven)
{
	for (int k = 0; k < c->nchan; k++) {
		int i = c->chan[k];
		if (only_unproven && (!dc_engine_unproven_keys(c, i) || c->srv[i].answers))
			continue;
		c->cert[i].until = 0;
		c->cert_refetch[i] = 1;
		dc_certstore_forget(&c->cfg.servers[i]);
		if (only_unproven)
			c->srv[i].has_session = 0;
	}
}
