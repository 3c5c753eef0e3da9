/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve - resolve one name over DNSCrypt with nss-dnscrypt's
 * own core and say what happened: the answers, the server, its
 * certificate and the time taken.
 *
 * Exit status: 0 answers, 1 the name does not exist or has no such record,
 * 2 the lookup failed (timeout, bad certificate, ...), 3 configuration
 * error, 64 usage error.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <time.h>
#include <ares.h>
#include <sodium.h>

#include "dc_cert.h"
#include "dc_config.h"
#include "dc_engine.h"
#include "dc_probe.h"
#include "dc_resolve.h"
#include "dc_secval.h"
#include "dc_version.h"
#include "dc_wire.h"

static const struct { const char *name; int type; } types[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
	{ "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 }, { "SRV", 33 },
	{ "DS", 43 }, { "RRSIG", 46 }, { "NSEC", 47 }, { "DNSKEY", 48 },
	{ "NSEC3", 50 }, { "ANY", 255 }, { "CAA", 257 },
};

static const char *type_name(int t, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return types[i].name;
	snprintf(buf, len, "TYPE%d", t);
	return buf;
}

static int parse_type(const char *s)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(types[i].name, s) == 0)
			return types[i].type;
	if (strncasecmp(s, "TYPE", 4) == 0)
		s += 4;
	char *end;
	long v = strtol(s, &end, 10);
	if (*s && !*end && v > 0 && v < 65536)
		return (int)v;
	return -1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: dnscrypt-resolve [options] NAME [TYPE]\n"
"       dnscrypt-resolve [options] -x ADDRESS\n"
"       dnscrypt-resolve [options] --check-config [--offline]\n"
"Resolve NAME over DNSCrypt and show the answer, the server and its\n"
"certificate.  TYPE is A (default: A and AAAA), AAAA, MX, TXT, SRV, PTR,\n"
"NS, SOA, CNAME, ANY or a number.\n"
"  -c, --config FILE     configuration file (default %s)\n"
"  -s, --server STAMP    use this sdns:// server instead of the file's\n"
"  -4, -6                addresses of one family only\n"
"  -x, --reverse ADDR    reverse lookup (PTR) of an IPv4 or IPv6 address\n"
"       dnscrypt-resolve --version [MODULE...]\n"
"      --check-config    check the configuration, then fetch and check each\n"
"                        server's certificates and send it an encrypted query\n"
"                        over UDP and over TCP\n"
"      --offline         with --check-config: only read the configuration\n"
"  -q, --quiet           print the answers only\n"
"      --short           with TYPE: print record data only (as dig +short)\n"
"      --version         the c-ares and libsodium versions linked into this\n"
"                        build (and into each MODULE file, e.g. an installed\n"
"                        libnss_dnscrypt.so.2): a security update of either\n"
"                        needs a rebuild\n"
"  -h, --help            this text\n", DC_CONFIG_DEFAULT_PATH);
}

/* --version [MODULE...]: 0, or 1 when a file carries no version text. */
static int print_version(char **files, int n)
{
	char text[512];
	int rc = 0;

	printf("dnscrypt-resolve: %s\n", dc_version_text);
	for (int i = 0; i < n; i++) {
		if (dc_version_of_file(files[i], text, sizeof(text)) == 0) {
			printf("%s: %s\n", files[i], text);
		} else {
			fprintf(stderr, "dnscrypt-resolve: %s: %s\n", files[i],
				errno == ENODATA ? "no nss-dnscrypt version text in it" :
				strerror(errno));
			rc = 1;
		}
	}
	return rc;
}

/* Print the answer section of a DNS message, one record per line. */
static int short_mode;

/* Returns -1 if the message is malformed (nothing after that printed). */
static int print_records(const uint8_t *m, size_t len)
{
	const uint8_t *p = m + 12, *end = m + len;
	int qd = dc_get16(m + 4), an = dc_get16(m + 6);
	char *name;
	long nl;

	for (int i = 0; i < qd; i++) {
		if (ares_expand_name(p, m, (int)len, &name, &nl) != ARES_SUCCESS)
			return -1;
		ares_free_string(name);
		p += nl + 4;
		if (p > end)
			return -1;
	}
	for (int i = 0; i < an; i++) {
		char tbuf[16], sbuf[1100], *text = sbuf;
		size_t tcap = sizeof(sbuf);
		int type, rdlen;
		unsigned ttl;
		const uint8_t *rd;

		if (ares_expand_name(p, m, (int)len, &name, &nl) != ARES_SUCCESS)
			return -1;
		p += nl;
		if (end - p < 10) {
			ares_free_string(name);
			return -1;
		}
		type = dc_get16(p);
		ttl = dc_get32(p + 4);
		rdlen = dc_get16(p + 8);
		rd = p + 10;
		p = rd + rdlen;
		if (p > end) {
			ares_free_string(name);
			return -1;
		}
		/* A TXT record's strings in full (up to 4 bytes per byte). */
		if (type == 16 && (size_t)rdlen * 4 + 8 > tcap) {
			tcap = (size_t)rdlen * 4 + 8;
			text = malloc(tcap);
			if (!text) {
				ares_free_string(name);
				return -1;
			}
		}
		text[0] = 0;
		if (type == 1 && rdlen == 4) {
			inet_ntop(AF_INET, rd, text, tcap);
		} else if (type == 28 && rdlen == 16) {
			inet_ntop(AF_INET6, rd, text, tcap);
		} else if (type == 5 || type == 12 || type == 2 || type == 15 || type == 33) {
			int skip = type == 15 ? 2 : type == 33 ? 6 : 0;
			char *target;
			if (rdlen > skip && ares_expand_name(rd + skip, m, (int)len, &target, &nl) == ARES_SUCCESS) {
				if (type == 15)
					snprintf(text, tcap, "%d %s.", dc_get16(rd), target);
				else if (type == 33)
					snprintf(text, tcap, "%d %d %d %s.", dc_get16(rd),
						 dc_get16(rd + 2), dc_get16(rd + 4), target);
				else
					snprintf(text, tcap, "%s.", target);
				ares_free_string(target);
			}
		} else if (type == 16) {
			size_t o = 0;
			for (int k = 0; k < rdlen && o + 8 < tcap;) {
				int sl = rd[k++];
				text[o++] = '"';
				for (int j = 0; j < sl && k < rdlen && o + 6 < tcap; j++, k++)
					o += (size_t)snprintf(text + o, tcap - o,
						isprint(rd[k]) && rd[k] != '"' && rd[k] != '\\' ? "%c" : "\\%03d", rd[k]);
				text[o++] = '"';
				text[o++] = ' ';
				text[o] = 0;
			}
		} else {
			size_t o = 0;
			o += (size_t)snprintf(text, tcap, "\\# %d ", rdlen);
			for (int k = 0; k < rdlen && o + 3 < tcap; k++)
				o += (size_t)snprintf(text + o, tcap - o, "%02x", rd[k]);
		}
		if (short_mode) {
			size_t tl = strlen(text);
			if (tl && text[tl - 1] == ' ')
				text[tl - 1] = 0;
			printf("%s\n", text);
		} else {
			printf("%s.\t%u\tIN\t%s\t%s\n", name, ttl,
			       type_name(type, tbuf, sizeof(tbuf)), text);
		}
		ares_free_string(name);
		if (text != sbuf)
			free(text);
	}
	return 0;
}

static void print_hostres(const struct dc_hostres *h)
{
	char buf[INET6_ADDRSTRLEN];

	for (int i = 0; i < h->naddrs; i++) {
		inet_ntop(h->addrs[i].family, h->addrs[i].addr, buf, sizeof(buf));
		printf("%s\t%s\n", buf, h->name ? h->name : "");
	}
	for (int i = 0; i < h->naliases; i++)
		printf("alias\t%s\n", h->aliases[i]);
}

static const char *es_name(unsigned es)
{
	return es == 2 ? "X25519-XChaCha20Poly1305" :
	       es == 1 ? "X25519-XSalsa20Poly1305" : "unsupported";
}

static void utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* "3 d 4 h", "25 min", "12 s" */
static void span(long long secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = -secs;
	if (secs >= 2 * 86400)
		snprintf(buf, len, "%lld d %lld h", secs / 86400, secs % 86400 / 3600);
	else if (secs >= 2 * 3600)
		snprintf(buf, len, "%lld h %lld min", secs / 3600, secs % 3600 / 60);
	else if (secs >= 120)
		snprintf(buf, len, "%lld min", secs / 60);
	else
		snprintf(buf, len, "%lld s", secs);
}

static void print_server(int quiet)
{
	struct dc_certinfo ci;
	struct dc_config cfg;
	char err[320], addr[64], when[64];
	int i = dc_lookup_last_server();

	if (quiet || i < 0 || dc_lookup_certinfo(i, &ci) != 0)
		return;
	if (dc_config_load_default(&cfg, err, sizeof(err)) != DC_OK)
		return;
	utc((time_t)ci.ts_end, when, sizeof(when));
	dc_stamp_addr_str(&cfg.servers[i], addr, sizeof(addr));
	printf(";; server %s (%s), certificate serial %u, es-version %u (%s), "
	       "valid until %s%s\n", addr, cfg.servers[i].provider_name,
	       ci.serial, ci.es, es_name(ci.es),
	       when, ci.from_disk ? ", from the disk cache" : "");
}

/* With "dnssec validate": each answer's DNSSEC state ("A secure, AAAA
 * insecure"), and for a bogus or indeterminate one why, in words. */
static void print_dnssec(FILE *f, const char *prefix)
{
	struct dc_secinfo si;
	char tbuf[16];
	int any = 0;

	if (dc_lookup_secinfo(&si) != 0)
		return;
	for (int i = 0; i < si.n && i < DC_SECINFO_MAX; i++) {
		if (!si.state[i])
			continue;
		fprintf(f, "%s%s %s", any++ ? ", " : prefix,
			type_name(si.type[i], tbuf, sizeof(tbuf)),
			dc_secval_state_str(si.state[i]));
	}
	if (any)
		fprintf(f, "\n");
}

/* ---- probing one server: its certificates, then encrypted queries ---- */

/* A probe of the library (dc_probe.h) and the route it is for. */
struct probe {
	struct dc_probe d;
	int server;                   /* index in cfg->servers */
	int relay_index;              /* in cfg->relays, -1 direct */
};

static const char *rcode_name(int r)
{
	static const char *names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
				       "NOTIMP", "REFUSED" };
	return r >= 0 && r < 6 ? names[r] : "an unusual rcode";
}

static void *probe_run(void *arg)
{
	struct probe *p = arg;

	dc_probe_run(&p->d);
	return NULL;
}

/* Probe every item (server, route) in parallel. */
#define PROBE_MAX_ITEMS (DC_MAX_SERVERS * (DC_MAX_VIA + 1))

static void probe_all(struct probe *p, int n)
{
	pthread_t th[PROBE_MAX_ITEMS];
	int started[PROBE_MAX_ITEMS];

	for (int i = 0; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, probe_run, &p[i]) == 0;
	for (int i = 0; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			probe_run(&p[i]);
	}
}

/* One probe per server and relay of its route (one direct probe for a
 * server without a route): a relayed server is never asked directly. */
static int probe_items(const struct dc_config *cfg, int queries, struct probe *p)
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
static void item_str(const struct probe *p, char *buf, size_t len)
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

/* One certificate's problem, in words a user can act on. */
static void explain_cert(FILE *f, const char *indent, const struct probe *p, int k)
{
	const struct dc_cert *c = &p->d.certs.cert[k];
	char now[64], from[64], until[64], d[64];

	utc(p->d.now, now, sizeof(now));
	utc((time_t)c->ts_start, from, sizeof(from));
	utc((time_t)c->ts_end, until, sizeof(until));
	switch (p->d.certs.check[k]) {
	case DC_CERT_VALID:
		span((long long)c->ts_end - (long long)p->d.now, d, sizeof(d));
		fprintf(f, "%scertificate serial %u, es-version %u (%s), valid from %s "
			"to %s (%s left)\n", indent, c->serial, c->es_version,
			es_name(c->es_version), from, until, d);
		break;
	case DC_CERT_NOT_YET_VALID:
		span((long long)c->ts_start - (long long)p->d.now, d, sizeof(d));
		fprintf(f, "%scertificate serial %u is not valid yet: your clock says %s; "
			"the certificate is valid from %s to %s (your clock is %s before "
			"its start).  If your clock is wrong, set it (timedatectl set-ntp "
			"true, or date -s); if it is right, the resolver's certificate is "
			"misdated: use another server.\n",
			indent, c->serial, now, from, until, d);
		break;
	case DC_CERT_EXPIRED:
		span((long long)p->d.now - (long long)c->ts_end, d, sizeof(d));
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

/* Why there is no usable certificate: the fetch, or each certificate. */
static void explain_fetch(FILE *f, const char *indent, const struct probe *p)
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
			indent, p->d.st->provider_name, rcode_name(p->d.rcode));
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
			explain_cert(f, indent, p, k);
	if (p->d.certs.best >= 0 && p->d.session != DC_OK)
		fprintf(f, "%sthe certificate's resolver key is unusable (weak key): the "
			"resolver is misconfigured.\n", indent);
}

/* Why the lookup failed, in words a user can act on. */
static void explain(const char *what, dc_status st)
{
	struct dc_certinfo d[DC_MAX_SERVERS];
	struct probe p[DC_MAX_SERVERS];
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
			print_dnssec(stderr, ";; dnssec: ");
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
		static struct probe all[PROBE_MAX_ITEMS];
		int n = probe_items(&cfg, 0, all);
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
				started[i] = pthread_create(&th[i], NULL, probe_run, &p[i]) == 0;
		for (int i = 0; i < cfg.nservers; i++) {
			if (started[i])
				pthread_join(th[i], NULL);
			else if (p[i].d.cfg)
				probe_run(&p[i]);
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
			explain_fetch(stderr, "  ", &p[i]);
		else if (d[i].status == DC_ETIMEOUT || d[i].status == DC_ECONNREFUSED) {
			struct probe q;
			memset(&q, 0, sizeof(q));
			q.d.cfg = &cfg;
			q.d.st = &cfg.servers[i];
			q.d.fetch = d[i].status;
			q.d.fetch_on[0] = q.d.fetch_on[1] = DC_EPARSE;
			explain_fetch(stderr, "  ", &q);
		}
	}
}

/* --check-config: parse, then (unless offline) fetch and check every
 * server's certificates and send it an encrypted query over UDP and TCP,
 * through each relay of its route.  0 every server usable (by at least
 * one route), 2 some server is not (or the file cannot be read or is
 * wrong: lookups fail), 3 not configured (no file, no server: lookups go
 * on to the next NSS source). */
static int check_config(int offline)
{
	static struct probe p[PROBE_MAX_ITEMS];
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
	n = probe_items(&cfg, 1, p);
	probe_all(p, n);
	for (int k = 0; k < n; k++) {
		const struct probe *q = &p[k];
		int ok = q->d.certs.best >= 0 && q->d.session == DC_OK &&
			 (q->d.q[0] == DC_OK || q->d.q[1] == DC_OK);
		if (ok)
			usable[q->server] = 1;
		item_str(q, what, sizeof(what));
		printf("server %d: %s: %s\n", q->server + 1, what, ok ? "ok" : "FAILED");
		if (q->d.certs.best < 0 || q->d.session != DC_OK) {
			explain_fetch(stdout, "  ", q);
			continue;
		}
		printf("  certificate fetched over %s in %llu ms; %d certificate%s offered\n",
		       q->d.fetch_tcp ? "TCP" : "UDP", (unsigned long long)q->d.fetch_ms,
		       q->d.certs.n, q->d.certs.n == 1 ? "" : "s");
		printf("  using ");
		explain_cert(stdout, "", q, q->d.certs.best);
		for (int c = 0; c < q->d.certs.n; c++)
			if (q->d.certs.check[c] != DC_CERT_VALID)
				explain_cert(stdout, "  also offered: ", q, c);
		for (int tcp = 0; tcp <= 1; tcp++) {
			if (q->d.q[tcp] == DC_OK)
				printf("  encrypted query over %s: answered (%s) in %llu ms\n",
				       tcp ? "TCP" : "UDP", rcode_name(q->d.qrcode[tcp]),
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

static int exit_code(dc_status st)
{
	switch (st) {
	case DC_OK:        return 0;
	case DC_ENOTFOUND:
	case DC_ENODATA:   return 1;
	case DC_ECONFIG:   return 3;
	default:           return 2;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "server", required_argument, NULL, 's' },
		{ "reverse", required_argument, NULL, 'x' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "offline", no_argument, NULL, 'O' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "short", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reverse = NULL;
	int family = AF_UNSPEC, quiet = 0, check = 0, offline = 0, c, type = 0, version = 0;
	struct timespec t0, t1;
	dc_status st;

	while ((c = getopt_long(argc, argv, "c:s:x:46qh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': setenv(DC_CONFIG_ENV, optarg, 1); break;
		case 's': setenv(DC_CONFIG_ENV_SERVER, optarg, 1); break;
		case 'x': reverse = optarg; break;
		case '4': family = AF_INET; break;
		case '6': family = AF_INET6; break;
		case 'C': check = 1; break;
		case 'O': offline = 1; break;
		case 'q': quiet = 1; break;
		case 'S': short_mode = quiet = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': version = 1; break;
		default:  usage(stderr); return 64;
		}
	}
	if (version)
		return print_version(argv + optind, argc - optind);
	if (offline && !check) {
		fprintf(stderr, "dnscrypt-resolve: --offline goes with --check-config\n");
		return 64;
	}
	if (check) {
		if (optind != argc) {
			usage(stderr);
			return 64;
		}
		if (!offline && (sodium_init() < 0 ||
				 ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)) {
			fprintf(stderr, "dnscrypt-resolve: cannot initialise libsodium or c-ares\n");
			return 2;
		}
		return check_config(offline);
	}
	if (reverse ? optind != argc : (optind >= argc || argc - optind > 2)) {
		usage(stderr);
		return 64;
	}
	if (!reverse && argc - optind == 2) {
		type = parse_type(argv[optind + 1]);
		if (type < 0) {
			fprintf(stderr, "dnscrypt-resolve: unknown record type '%s'\n", argv[optind + 1]);
			return 64;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (reverse) {
		uint8_t a[16];
		struct dc_hostres h;
		int fam = strchr(reverse, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(fam, reverse, a) != 1) {
			fprintf(stderr, "dnscrypt-resolve: '%s' is not an IP address\n", reverse);
			return 64;
		}
		st = dc_resolve_addr(fam, a, &h);
		if (st == DC_OK) {
			printf("%s\t%s\n", reverse, h.name);
			for (int i = 0; i < h.naliases; i++)
				printf("%s\t%s\n", reverse, h.aliases[i]);
		}
		dc_hostres_free(&h);
	} else if (type) {
		static uint8_t ans[65536];
		size_t alen = 0;
		st = dc_resolve_raw(argv[optind], 1, type, 1, ans, sizeof(ans), &alen);
		if (st == DC_OK && (alen < 12 || alen > sizeof(ans) ||
				    print_records(ans, alen) != 0))
			st = DC_EBADRESP;
	} else {
		struct dc_hostres h;
		st = dc_resolve_name(argv[optind], family, &h);
		if (st == DC_OK)
			print_hostres(&h);
		dc_hostres_free(&h);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (st != DC_OK) {
		explain(reverse ? reverse : argv[optind], st);
		if ((st == DC_ENOTFOUND || st == DC_ENODATA) && !quiet)
			print_dnssec(stderr, ";; dnssec: ");
		return exit_code(st);
	}
	print_server(quiet);
	if (!quiet)
		print_dnssec(stdout, ";; dnssec: ");
	if (!quiet)
		printf(";; %.2f ms\n", (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;
}
