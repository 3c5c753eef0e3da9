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
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <ares.h>

#include "dc_cert.h"
#include "dc_config.h"
#include "dc_ctx.h"
#include "dc_resolve.h"

static const struct { const char *name; int type; } types[] = {
	{ "A", 1 }, { "NS", 2 }, { "CNAME", 5 }, { "SOA", 6 }, { "PTR", 12 },
	{ "MX", 15 }, { "TXT", 16 }, { "AAAA", 28 }, { "SRV", 33 },
	{ "ANY", 255 }, { "CAA", 257 },
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
"       dnscrypt-resolve [options] --check-config\n"
"Resolve NAME over DNSCrypt and show the answer, the server and its\n"
"certificate.  TYPE is A (default: A and AAAA), AAAA, MX, TXT, SRV, PTR,\n"
"NS, SOA, CNAME, ANY or a number.\n"
"  -c, --config FILE     configuration file (default %s)\n"
"  -s, --server STAMP    use this sdns:// server instead of the file's\n"
"  -4, -6                addresses of one family only\n"
"  -x, --reverse ADDR    reverse lookup (PTR) of an IPv4 or IPv6 address\n"
"      --check-config    check the configuration and the servers' certificates\n"
"  -q, --quiet           print the answers only\n"
"      --short           with TYPE: print record data only (as dig +short)\n"
"  -h, --help            this text\n", DC_CONFIG_DEFAULT_PATH);
}

/* Print the answer section of a DNS message, one record per line. */
static int short_mode;

/* Returns -1 if the message is malformed (nothing after that printed). */
static int print_records(const uint8_t *m, size_t len)
{
	const uint8_t *p = m + 12, *end = m + len;
	int qd = (m[4] << 8) | m[5], an = (m[6] << 8) | m[7];
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
		char tbuf[16], text[1100];
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
		type = (p[0] << 8) | p[1];
		ttl = ((unsigned)p[4] << 24) | ((unsigned)p[5] << 16) | ((unsigned)p[6] << 8) | p[7];
		rdlen = (p[8] << 8) | p[9];
		rd = p + 10;
		p = rd + rdlen;
		if (p > end) {
			ares_free_string(name);
			return -1;
		}
		text[0] = 0;
		if (type == 1 && rdlen == 4) {
			inet_ntop(AF_INET, rd, text, sizeof(text));
		} else if (type == 28 && rdlen == 16) {
			inet_ntop(AF_INET6, rd, text, sizeof(text));
		} else if (type == 5 || type == 12 || type == 2 || type == 15 || type == 33) {
			int skip = type == 15 ? 2 : type == 33 ? 6 : 0;
			char *target;
			if (rdlen > skip && ares_expand_name(rd + skip, m, (int)len, &target, &nl) == ARES_SUCCESS) {
				if (type == 15)
					snprintf(text, sizeof(text), "%d %s.", (rd[0] << 8) | rd[1], target);
				else if (type == 33)
					snprintf(text, sizeof(text), "%d %d %d %s.", (rd[0] << 8) | rd[1],
						 (rd[2] << 8) | rd[3], (rd[4] << 8) | rd[5], target);
				else
					snprintf(text, sizeof(text), "%s.", target);
				ares_free_string(target);
			}
		} else if (type == 16) {
			size_t o = 0;
			for (int k = 0; k < rdlen && o + 8 < sizeof(text);) {
				int sl = rd[k++];
				text[o++] = '"';
				for (int j = 0; j < sl && k < rdlen && o + 6 < sizeof(text); j++, k++)
					o += (size_t)snprintf(text + o, sizeof(text) - o,
						isprint(rd[k]) && rd[k] != '"' && rd[k] != '\\' ? "%c" : "\\%03d", rd[k]);
				text[o++] = '"';
				text[o++] = ' ';
				text[o] = 0;
			}
		} else {
			size_t o = 0;
			o += (size_t)snprintf(text, sizeof(text), "\\# %d ", rdlen);
			for (int k = 0; k < rdlen && o + 3 < sizeof(text); k++)
				o += (size_t)snprintf(text + o, sizeof(text) - o, "%02x", rd[k]);
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

static void print_server(int quiet)
{
	const struct dc_diag *d = dc_ctx_last_diag();
	struct dc_config cfg;
	char err[320], addr[64], when[64];

	if (quiet || !d || d->server < 0)
		return;
	if (dc_config_load_default(&cfg, err, sizeof(err)) != DC_OK)
		return;
	int i = d->server;
	time_t end = (time_t)d->cert_ts_end[i];
	struct tm tm;
	gmtime_r(&end, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	dc_stamp_addr_str(&cfg.servers[i], addr, sizeof(addr));
	printf(";; server %s (%s), certificate serial %u, es-version %u (%s), "
	       "valid until %s%s\n", addr, cfg.servers[i].provider_name,
	       d->cert_serial[i], d->cert_es[i],
	       d->cert_es[i] == 2 ? "X25519-XChaCha20Poly1305" : "X25519-XSalsa20Poly1305",
	       when, d->cert_from_disk[i] ? ", from the disk cache" : "");
}

/* Why the lookup failed, in words a user can act on. */
static void explain(const char *what, dc_status st)
{
	const struct dc_diag *d = dc_ctx_last_diag();
	struct dc_config cfg;
	char err[320], addr[64];

	if (st == DC_ECONFIG) {
		fprintf(stderr, "dnscrypt-resolve: %s\n",
			d && d->config_error[0] ? d->config_error : dc_strerror(st));
		return;
	}
	fprintf(stderr, "dnscrypt-resolve: %s: %s\n", what, dc_strerror(st));
	if (!d || dc_config_load_default(&cfg, err, sizeof(err)) != DC_OK)
		return;
	for (int i = 0; i < cfg.nservers; i++) {
		if (d->cert_status[i] == DC_OK)
			continue;
		dc_stamp_addr_str(&cfg.servers[i], addr, sizeof(addr));
		fprintf(stderr, "dnscrypt-resolve: server %s (%s): %s",
			addr, cfg.servers[i].provider_name, dc_strerror(d->cert_status[i]));
		if (d->cert_status[i] == DC_ECERT)
			fprintf(stderr, " (%s)", dc_cert_check_str((dc_cert_check)d->cert_check[i]));
		fputc('\n', stderr);
	}
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
		{ "quiet", no_argument, NULL, 'q' },
		{ "short", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reverse = NULL;
	int family = AF_UNSPEC, quiet = 0, check = 0, c, type = 0;
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
		case 'q': quiet = 1; break;
		case 'S': short_mode = quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default:  usage(stderr); return 64;
		}
	}
	if (check) {
		struct dc_config cfg;
		char err[320];
		if (optind != argc) {
			usage(stderr);
			return 64;
		}
		st = dc_config_load_default(&cfg, err, sizeof(err));
		if (st != DC_OK) {
			fprintf(stderr, "dnscrypt-resolve: %s\n", err);
			return 3;
		}
		printf("configuration ok: %d server(s)\n", cfg.nservers);
		return 0;
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
		return exit_code(st);
	}
	print_server(quiet);
	if (!quiet)
		printf(";; %.2f ms\n", (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;
}
