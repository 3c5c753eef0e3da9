/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve-explain.c - why a lookup failed or a server cannot be
 * used, in words a user can act on: the certificate fetch, each
 * certificate, the servers of a failed lookup (asked again with the
 * library's probe when their certificate was refused)
 * (dnscrypt-resolve-explain.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dc_cert.h"
#include "dc_config.h"
#include "dc_engine.h"
#include "dc_secval.h"
#include "dnscrypt-resolve-explain.h"
#include "dnscrypt-resolve-print.h"
#include "dnscrypt-resolve-probe.h"

const char *dc_tool_rcode_name(int r)
{
	static const char *names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
				       "NOTIMP", "REFUSED" };
	return r >= 0 && r < 6 ? names[r] : "an unusual rcode";
}

void dc_tool_explain_cert(FILE *f, const char *indent, const struct dc_tool_probe *p,
			  int k)
{
	const struct dc_cert *c = &p->d.certs.cert[k];
	char now[64], from[64], until[64], d[64];

	dc_tool_utc(p->d.now, now, sizeof(now));
	dc_tool_utc((time_t)c->ts_start, from, sizeof(from));
	dc_tool_utc((time_t)c->ts_end, until, sizeof(until));
	switch (p->d.certs.check[k]) {
	case DC_CERT_VALID:
		dc_tool_span((long long)c->ts_end - (long long)p->d.now, d, sizeof(d));
		fprintf(f, "%scertificate serial %u, es-version %u (%s), valid from %s "
			"to %s (%s left)\n", indent, c->serial, c->es_version,
			dc_tool_es_name(c->es_version), from, until, d);
		break;
	case DC_CERT_NOT_YET_VALID:
		dc_tool_span((long long)c->ts_start - (long long)p->d.now, d, sizeof(d));
		fprintf(f, "%scertificate serial %u is not valid yet: your clock says %s; "
			"the certificate is valid from %s to %s (your clock is %s before "
			"its start).  If your clock is wrong, set it (timedatectl set-ntp "
			"true, or date -s); if it is right, the resolver's certificate is "
			"misdated: use another server.\n",
			indent, c->serial, now, from, until, d);
		break;
	case DC_CERT_EXPIRED:
		dc_tool_span((long long)p->d.now - (long long)c->ts_end, d, sizeof(d));
		fprintf(f, "%scertificate serial %u has expired: your clock says %s; "
			"the certificate is valid from %s to %s (your clock is %s past its "
			"end).  If your clock is wrong, set it (timedatectl set-ntp true, "
			"or date -s); if it is right, the resolver has not renewed its "
			"certificate: use another server.\n",
			indent, c->serial, now, from, until, d);
		break;
	case DC_CERT_BAD_SIGNATURE:
		fprintf(f, "%scertificate serial %u is not signed by the provider key in "
			"the stamp: the stamp's provider public key is wrong (take the "
			"stamp again from a signed list: dnscrypt-lists), or someone on the "
			"path forged the certificate.\n", indent, c->serial);
		break;
	case DC_CERT_BAD_VERSION:
		fprintf(f, "%scertificate serial %u uses es-version %u, which nss-dnscrypt "
			"does not support (1 and 2 are).\n", indent, c->serial, c->es_version);
		break;
	case DC_CERT_BAD_WINDOW:
		fprintf(f, "%scertificate serial %u has an empty validity window (%s to "
			"%s): the resolver is misconfigured.\n", indent, c->serial, from, until);
		break;
	case DC_CERT_BAD_FORMAT:
		fprintf(f, "%sa TXT record of the answer is not a DNSCrypt certificate.\n",
			indent);
		break;
	}
}

void dc_tool_explain_fetch(FILE *f, const char *indent,
			   const struct dc_tool_probe *p)
{
	int ms = p->d.cfg->total_timeout_ms;

	dc_status udp = p->d.fetch_on[0], tcp = p->d.fetch_on[1];

	if (p->d.relay && (p->d.fetch == DC_ETIMEOUT || p->d.fetch == DC_ECONNREFUSED)) {
		char raddr[64];
		dc_stamp_addr_str(p->d.relay, raddr, sizeof(raddr));
		if (p->d.fetch == DC_ECONNREFUSED)
			fprintf(f, "%sthrough relay %s: refused: the relay does not forward to "
				"this server, or not certificate queries (\"direct-cert-fallback "
				"yes\" then fetches the certificate straight from the server), or "
				"nothing listens at the relay's address.\n", indent, raddr);
		else
			fprintf(f, "%sthrough relay %s: no answer to the certificate query "
				"(TXT %s) within %d ms: the relay or the server is down, or the "
				"provider name in the stamp is not the server's.\n", indent, raddr,
				p->d.st->provider_name, ms);
		return;
	}
	switch (p->d.fetch) {
	case DC_OK:
		break;
	case DC_ETIMEOUT:
	case DC_ECONNREFUSED:
		if (udp == DC_ECONNREFUSED) {
			/* ICMP port unreachable: really nothing there. */
			fprintf(f, "%sconnection refused: nothing listens on that address and "
				"port (wrong address or port in the stamp, or the server is "
				"down).\n", indent);
		} else if (udp == DC_ETIMEOUT && tcp == DC_ETIMEOUT) {
			fprintf(f, "%sno answer to the certificate query (TXT %s) within %d ms "
				"over UDP and TCP: the server is down, the address or port in "
				"the stamp is wrong, a firewall drops the traffic, or the "
				"provider name in the stamp is not the server's (a DNSCrypt "
				"server ignores certificate queries for other names).\n",
				indent, p->d.st->provider_name, ms);
		} else if (udp == DC_ETIMEOUT) {
			fprintf(f, "%sno answer to the certificate query (TXT %s) over UDP, and "
				"the TCP connection was refused or closed: the provider name in "
				"the stamp is probably wrong (a DNSCrypt server ignores "
				"certificate queries for other names), or no DNSCrypt server "
				"runs at that address.\n", indent, p->d.st->provider_name);
		} else {
			/* What the lookup saw (no probe of our own). */
			fprintf(f, "%s%s: nothing listens on that address and port, the server "
				"is down or a firewall drops the traffic, or the provider name "
				"%s in the stamp is wrong (a DNSCrypt server ignores certificate "
				"queries for other names).\n", indent,
				p->d.fetch == DC_ETIMEOUT ? "no answer to the certificate query"
							: "connection refused or closed",
				p->d.st->provider_name);
		}
		return;
	default:
		fprintf(f, "%sthe certificate query failed: %s.\n", indent,
			dc_strerror(p->d.fetch));
		return;
	}
	if (p->d.rcode != 0) {
		fprintf(f, "%sthe server answered the certificate query (TXT %s) with %s: "
			"the provider name in the stamp is probably wrong.\n",
			indent, p->d.st->provider_name, dc_tool_rcode_name(p->d.rcode));
		return;
	}
	if (p->d.certs.n == 0) {
		fprintf(f, "%sthe server has no certificate under the provider name %s "
			"(%d TXT record%s): the provider name in the stamp is probably "
			"wrong.\n", indent, p->d.st->provider_name, p->d.certs.ntxt, p->d.certs.ntxt == 1 ? "" : "s");
		return;
	}
	for (int k = 0; k < p->d.certs.n; k++)
		if (p->d.certs.check[k] != DC_CERT_VALID)
			dc_tool_explain_cert(f, indent, p, k);
	if (p->d.certs.best >= 0 && p->d.session != DC_OK)
		fprintf(f, "%sthe certificate's resolver key is unusable (weak key): the "
			"resolver is misconfigured.\n", indent);
}

void dc_tool_explain(const char *what, dc_status st)
{
	struct dc_certinfo d[DC_MAX_SERVERS];
	struct dc_tool_probe p[DC_MAX_SERVERS];
	struct dc_config cfg;
	char err[320], addr[64];
	int nprobe = 0;

	if (st == DC_ECONFIG || st == DC_ECONFREAD || st == DC_ECONFBAD) {
		err[0] = 0;
		(void)dc_config_load_default(&cfg, err, sizeof(err));
		fprintf(stderr, "dnscrypt-resolve: %s\n", err[0] ? err : dc_strerror(st));
		return;
	}
	if (st == DC_EBOGUS || st == DC_EDNSSEC) {
		struct dc_secinfo si;
		fprintf(stderr, "dnscrypt-resolve: %s: %s: %s\n", what, dc_strerror(st),
			dc_lookup_secinfo(&si) == 0 && si.why[0] ? si.why : "no reason given");
		if (st == DC_EBOGUS)
			dc_tool_print_dnssec(stderr, ";; dnssec: ");
		return;
	}
	fprintf(stderr, "dnscrypt-resolve: %s: %s\n", what, dc_strerror(st));
	if (dc_lookup_certinfo(0, &d[0]) != 0 ||
	    dc_config_load_default(&cfg, err, sizeof(err)) != DC_OK)
		return;
	for (int i = 0; i < cfg.nservers; i++)
		(void)dc_lookup_certinfo(i, &d[i]);
	/* Servers whose certificate came but was refused are asked again (it
	 * answered a moment ago, so this is quick) to say what was wrong. */
	{
		static struct dc_tool_probe all[DC_TOOL_PROBE_MAX];
		int n = dc_tool_probe_items(&cfg, 0, all);
		memset(p, 0, sizeof(p));
		/* The first route of each server whose certificate failed. */
		for (int k = 0; k < n; k++) {
			int i = all[k].server;
			if (d[i].status != DC_ECERT || p[i].d.cfg)
				continue;
			p[i] = all[k];
			nprobe++;
		}
	}
	if (nprobe) {
		pthread_t th[DC_MAX_SERVERS];
		int started[DC_MAX_SERVERS] = { 0 };
		for (int i = 0; i < cfg.nservers; i++)
			if (p[i].d.cfg)
				started[i] = pthread_create(&th[i], NULL, dc_tool_probe_run, &p[i]) == 0;
		for (int i = 0; i < cfg.nservers; i++) {
			if (started[i])
				pthread_join(th[i], NULL);
			else if (p[i].d.cfg)
				dc_tool_probe_run(&p[i]);
		}
	}
	for (int i = 0; i < cfg.nservers; i++) {
		dc_stamp_addr_str(&cfg.servers[i], addr, sizeof(addr));
		if (d[i].status == DC_OK) {
			if (st == DC_ETIMEOUT)
				fprintf(stderr, "dnscrypt-resolve: server %s (%s): certificate "
					"serial %u is fine, but no valid encrypted answer came within "
					"%d ms (total-timeout): the server is overloaded or down, or "
					"the network drops its answers (dnscrypt-resolve --check-config "
					"tries UDP and TCP separately; tcp-only yes helps where UDP is "
					"blocked)\n", addr, cfg.servers[i].provider_name,
					d[i].serial, cfg.total_timeout_ms);
			else if (st == DC_EBADRESP)
				fprintf(stderr, "dnscrypt-resolve: server %s (%s): its answers were "
					"malformed or did not authenticate: the server is broken, or "
					"someone on the path tampers with the traffic\n",
					addr, cfg.servers[i].provider_name);
			continue;
		}
		fprintf(stderr, "dnscrypt-resolve: server %s (%s): %s",
			addr, cfg.servers[i].provider_name, dc_strerror(d[i].status));
		if (d[i].status == DC_ECERT)
			fprintf(stderr, " (%s)", dc_cert_check_str((dc_cert_check)d[i].check));
		fputc('\n', stderr);
		if (p[i].d.cfg)
			dc_tool_explain_fetch(stderr, "  ", &p[i]);
		else if (d[i].status == DC_ETIMEOUT || d[i].status == DC_ECONNREFUSED) {
			struct dc_tool_probe q;
			memset(&q, 0, sizeof(q));
			q.d.cfg = &cfg;
			q.d.st = &cfg.servers[i];
			q.d.fetch = d[i].status;
			q.d.fetch_on[0] = q.d.fetch_on[1] = DC_EPARSE;
			dc_tool_explain_fetch(stderr, "  ", &q);
		}
	}
}
