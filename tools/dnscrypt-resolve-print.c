/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve-print.c - what dnscrypt-resolve prints of a lookup
 * (dnscrypt-resolve-print.h): record types by name, the answers, the
 * server and its certificate, the DNSSEC verdicts, the versions.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <ares.h>

#include "dc_config.h"
#include "dc_engine.h"
#include "dc_secval.h"
#include "dc_version.h"
#include "dc_wire.h"
#include "dnscrypt-resolve-print.h"

static const struct { const char *name; int type; } types[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
	{ "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 }, { "SRV", 33 },
	{ "DS", 43 }, { "RRSIG", 46 }, { "NSEC", 47 }, { "DNSKEY", 48 },
	{ "NSEC3", 50 }, { "ANY", 255 }, { "CAA", 257 },
};

const char *dc_tool_type_name(int t, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return types[i].name;
	snprintf(buf, len, "TYPE%d", t);
	return buf;
}

int dc_tool_parse_type(const char *s)
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

/* --version [MODULE...]: 0, or 1 when a file carries no version text. */
int dc_tool_print_version(char **files, int n)
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

int dc_tool_print_records(const uint8_t *m, size_t len, int short_mode)
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
			       dc_tool_type_name(type, tbuf, sizeof(tbuf)), text);
		}
		ares_free_string(name);
		if (text != sbuf)
			free(text);
	}
	return 0;
}

void dc_tool_print_hostres(const struct dc_hostres *h)
{
	char buf[INET6_ADDRSTRLEN];

	for (int i = 0; i < h->naddrs; i++) {
		inet_ntop(h->addrs[i].family, h->addrs[i].addr, buf, sizeof(buf));
		printf("%s\t%s\n", buf, h->name ? h->name : "");
	}
	for (int i = 0; i < h->naliases; i++)
		printf("alias\t%s\n", h->aliases[i]);
}

const char *dc_tool_es_name(unsigned es)
{
	return es == 2 ? "X25519-XChaCha20Poly1305" :
	       es == 1 ? "X25519-XSalsa20Poly1305" : "unsupported";
}

void dc_tool_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* "3 d 4 h", "25 min", "12 s" */
void dc_tool_span(long long secs, char *buf, size_t len)
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

void dc_tool_print_server(int quiet)
{
	struct dc_certinfo ci;
	struct dc_config cfg;
	char err[320], addr[64], when[64];
	int i = dc_lookup_last_server();

	if (quiet || i < 0 || dc_lookup_certinfo(i, &ci) != 0)
		return;
	if (dc_config_load_default(&cfg, err, sizeof(err)) != DC_OK)
		return;
	dc_tool_utc((time_t)ci.ts_end, when, sizeof(when));
	dc_stamp_addr_str(&cfg.servers[i], addr, sizeof(addr));
	printf(";; server %s (%s), certificate serial %u, es-version %u (%s), "
	       "valid until %s%s\n", addr, cfg.servers[i].provider_name,
	       ci.serial, ci.es, dc_tool_es_name(ci.es),
	       when, ci.from_disk ? ", from the disk cache" : "");
}

/* With "dnssec validate": each answer's DNSSEC state ("A secure, AAAA
 * insecure"), and for a bogus or indeterminate one why, in words. */
void dc_tool_print_dnssec(FILE *f, const char *prefix)
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
			dc_tool_type_name(si.type[i], tbuf, sizeof(tbuf)),
			dc_secval_state_str(si.state[i]));
	}
	if (any)
		fprintf(f, "\n");
}
