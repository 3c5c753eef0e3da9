/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve-probe.h - the functions of dnscrypt-resolve-probe.c:
 * the servers probed (dc_probe.h), and --check-config.
 */
#ifndef DNSCRYPT_RESOLVE_PROBE_H
#define DNSCRYPT_RESOLVE_PROBE_H

#include "dc_config.h"
#include "dc_probe.h"

/* A probe of the library (dc_probe.h) and the route it is for. */
/* A probe of the library (dc_probe.h) and the route it is for. */
struct dc_tool_probe {
	struct dc_probe d;
	int server;                   /* index in cfg->servers */
	int relay_index;              /* in cfg->relays, -1 direct */
};

/* The most items (server, route) a configuration has. */
#define DC_TOOL_PROBE_MAX (DC_MAX_SERVERS * (DC_MAX_VIA + 1))

/* Run one probe (a struct dc_tool_probe; a thread's start routine). */
void *dc_tool_probe_run(void *arg);
/* One probe per server and relay of its route (one direct probe for a
 * server without a route): a relayed server is never asked directly.
 * queries: send encrypted queries too.  The number of items in p. */
int dc_tool_probe_items(const struct dc_config *cfg, int queries,
			struct dc_tool_probe *p);
/* --check-config: parse, then (unless offline) fetch and check every
 * server's certificates and send it an encrypted query over UDP and TCP,
 * through each relay of its route.  0 every server usable (by at least
 * one route), 2 some server is not (or the file cannot be read or is
 * wrong: lookups fail), 3 not configured (no file, no server: lookups go
 * on to the next NSS source). */
int dc_tool_check_config(int offline);

#endif
