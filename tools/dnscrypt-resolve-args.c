/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve-args.c - dnscrypt-resolve's command line
 * (dnscrypt-resolve-args.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dc_config.h"
#include "dnscrypt-resolve-args.h"
#include "dnscrypt-resolve-print.h"

void dc_tool_usage(FILE *f)
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
"      --dnssec          validate every answer with DNSSEC for this run, as\n"
"                        'dnssec validate' with the configured trust-anchor\n"
"                        (or the default), whatever the file says\n"
"      --no-dnssec       do not validate for this run, as 'dnssec no'\n"
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

int dc_tool_args_parse(int argc, char **argv, struct dc_tool_args *a)
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
		{ "dnssec", no_argument, NULL, 'D' },
		{ "no-dnssec", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->family = AF_UNSPEC;
	while ((c = getopt_long(argc, argv, "c:s:x:46qh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': setenv(DC_CONFIG_ENV, optarg, 1); break;
		case 's': setenv(DC_CONFIG_ENV_SERVER, optarg, 1); break;
		case 'x': a->reverse = optarg; break;
		case '4': a->family = AF_INET; break;
		case '6': a->family = AF_INET6; break;
		case 'C': a->check = 1; break;
		case 'O': a->offline = 1; break;
		case 'q': a->quiet = 1; break;
		case 'S': a->short_mode = a->quiet = 1; break;
		case 'h': dc_tool_usage(stdout); return 0;
		case 'V': a->version = 1; break;
		case 'D': dc_config_force_dnssec(DC_DNSSEC_VALIDATE); break;
		case 'N': dc_config_force_dnssec(DC_DNSSEC_NO); break;
		default:  dc_tool_usage(stderr); return 64;
		}
	}
	a->args = argv + optind;
	a->nargs = argc - optind;
	if (a->version)
		return -1;
	if (a->offline && !a->check) {
		fprintf(stderr, "dnscrypt-resolve: --offline goes with --check-config\n");
		return 64;
	}
	if (a->check) {
		if (a->nargs != 0) {
			dc_tool_usage(stderr);
			return 64;
		}
		return -1;
	}
	if (a->reverse ? a->nargs != 0 : (a->nargs < 1 || a->nargs > 2)) {
		dc_tool_usage(stderr);
		return 64;
	}
	if (!a->reverse && a->nargs == 2) {
		a->type = dc_tool_parse_type(a->args[1]);
		if (a->type < 0) {
			fprintf(stderr, "dnscrypt-resolve: unknown record type '%s'\n", a->args[1]);
			return 64;
		}
	}
	return -1;
}
