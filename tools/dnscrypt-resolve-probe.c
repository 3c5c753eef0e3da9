/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve-probe.c - probing the servers with the library's
 * probe (dc_probe.h), each route in a thread of its own, and
 * --check-config, which reports on every route
 * (dnscrypt-resolve-probe.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dc_config.h"
#include "dnscrypt-resolve-explain.h"
#include "dnscrypt-resolve-probe.h"

void *dc_tool_probe_run(void *arg)
{
	struct dc_tool_probe *p = arg;

	dc_probe_run(&p->d);
	return NULL;
}

/* Probe every item (server, route) in parallel. */
static void probe_all(struct dc_tool_probe *p, int n)
{
	pthread_t th[DC_TOOL_PROBE_MAX];
	int started[DC_TOOL_PROBE_MAX];

	for (int i = 0; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, dc_tool_probe_run, &p[i]) == 0;
	for (int i = 0; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			dc_tool_probe_run(&p[i]);
	}
}

int dc_tool_probe_items(const struct dc_config *cfg, int queries,
			struct dc_tool_probe *p)
{
	int n = 0;

	for (int i = 0; i < cfg->nservers; i++) {
		int nv = cfg->nvia[i];
		for (int k = 0; k < (nv ? nv : 1); k++) {
			memset(&p[n], 0, sizeof(p[n]));
			p[n].d.cfg = cfg;
			p[n].d.st = &cfg->servers[i];
			p[n].server = i;
			p[n].relay_index = nv ? cfg->via[i][k] : -1;
			p[n].d.relay = nv ? &cfg->relays[cfg->via[i][k]] : NULL;
			p[n].d.queries = queries;
			p[n].d.now = time(NULL);
			n++;
		}
	}
	return n;
}

/* "ADDR (PROVIDER)", "NAME: ADDR (PROVIDER)", plus " through relay ..." */
static void item_str(const struct dc_tool_probe *p, char *buf, size_t len)
{
	const struct dc_config *cfg = p->d.cfg;
	char addr[64], raddr[64] = "";
	const char *name = cfg->server_name[p->server];

	dc_stamp_addr_str(p->d.st, addr, sizeof(addr));
	if (p->d.relay)
		dc_stamp_addr_str(p->d.relay, raddr, sizeof(raddr));
	snprintf(buf, len, "%s%s%s (%s)%s%s%s%s", name[0] ? name : "", name[0] ? " " : "",
		 addr, p->d.st->provider_name, p->d.relay ? " through relay " : "",
		 p->d.relay && cfg->relay_name[p->relay_index][0] ? cfg->relay_name[p->relay_index] : "",
		 p->d.relay && cfg->relay_name[p->relay_index][0] ? " " : "", raddr);
}


int dc_tool_check_config(int offline)
{
	static struct dc_tool_probe p[DC_TOOL_PROBE_MAX];
	struct dc_config cfg;
	const char *path = getenv(DC_CONFIG_ENV);
	const char *env_server = getenv(DC_CONFIG_ENV_SERVER);
	char err[320], what[400];
	int usable[DC_MAX_SERVERS] = { 0 }, bad = 0, n;
	dc_status st;

	st = dc_config_load_default(&cfg, err, sizeof(err));
	if (st != DC_OK) {
		fprintf(stderr, "dnscrypt-resolve: %s\n", err);
		return st == DC_ECONFIG ? 3 : 2;
	}
	printf("configuration ok: %d server(s)\n", cfg.nservers);
	if (offline)
		return 0;
	printf(";; file %s%s\n", path && *path ? path : DC_CONFIG_DEFAULT_PATH,
	       env_server && *env_server ? ", server from " DC_CONFIG_ENV_SERVER : "");
	fflush(stdout);
	n = dc_tool_probe_items(&cfg, 1, p);
	probe_all(p, n);
	for (int k = 0; k < n; k++) {
		const struct dc_tool_probe *q = &p[k];
		int ok = q->d.certs.best >= 0 && q->d.session == DC_OK &&
			 (q->d.q[0] == DC_OK || q->d.q[1] == DC_OK);
		if (ok)
			usable[q->server] = 1;
		item_str(q, what, sizeof(what));
		printf("server %d: %s: %s\n", q->server + 1, what, ok ? "ok" : "FAILED");
		if (q->d.certs.best < 0 || q->d.session != DC_OK) {
			dc_tool_explain_fetch(stdout, "  ", q);
			continue;
		}
		printf("  certificate fetched over %s in %llu ms; %d certificate%s offered\n",
		       q->d.fetch_tcp ? "TCP" : "UDP", (unsigned long long)q->d.fetch_ms,
		       q->d.certs.n, q->d.certs.n == 1 ? "" : "s");
		printf("  using ");
		dc_tool_explain_cert(stdout, "", q, q->d.certs.best);
		for (int c = 0; c < q->d.certs.n; c++)
			if (q->d.certs.check[c] != DC_CERT_VALID)
				dc_tool_explain_cert(stdout, "  also offered: ", q, c);
		for (int tcp = 0; tcp <= 1; tcp++) {
			if (q->d.q[tcp] == DC_OK)
				printf("  encrypted query over %s: answered (%s) in %llu ms\n",
				       tcp ? "TCP" : "UDP", dc_tool_rcode_name(q->d.qrcode[tcp]),
				       (unsigned long long)q->d.qms[tcp]);
			else
				printf("  encrypted query over %s: %s after %llu ms\n",
				       tcp ? "TCP" : "UDP", dc_strerror(q->d.q[tcp]),
				       (unsigned long long)q->d.qms[tcp]);
		}
		if (q->d.q[0] != DC_OK && q->d.q[1] == DC_OK && !cfg.tcp_only)
			printf("  UDP gets no answer but TCP does: a firewall may drop UDP; "
			       "\"tcp-only yes\" saves the wait (lookups fall back to TCP "
			       "after half of total-timeout)\n");
		if (q->d.q[0] == DC_OK && q->d.q[1] != DC_OK)
			printf("  TCP gets no answer: answers too big for UDP will fail\n");
		if (!ok)
			printf("  the server gives no encrypted answer: it is overloaded or "
			       "down, or the network drops its traffic\n");
	}
	for (int i = 0; i < cfg.nservers; i++)
		bad += !usable[i];
	printf("%d of %d server(s) usable\n", cfg.nservers - bad, cfg.nservers);
	return bad ? 2 : 0;
}
