/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve - resolve one name over DNSCrypt with nss-dnscrypt's
 * own core and say what happened: the answers, the server, its
 * certificate and the time taken.
 *
 * Exit status: 0 answers, 1 the name does not exist or has no such record,
 * 2 the lookup failed (timeout, bad certificate, ...), 3 configuration
 * error, 64 usage error.
 *
 * This file is the main flow; the command line is dnscrypt-resolve-args.c,
 * what is printed dnscrypt-resolve-print.c, the probes and --check-config
 * dnscrypt-resolve-probe.c, failures explained dnscrypt-resolve-explain.c.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ares.h>
#include <sodium.h>

#include "dc_resolve.h"
#include "dnscrypt-resolve-args.h"
#include "dnscrypt-resolve-explain.h"
#include "dnscrypt-resolve-print.h"
#include "dnscrypt-resolve-probe.h"

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
	struct dc_tool_args a;
	struct timespec t0, t1;
	const char *name;
	dc_status st;
	int rc = dc_tool_args_parse(argc, argv, &a);

	if (rc >= 0)
		return rc;
	if (a.version)
		return dc_tool_print_version(a.args, a.nargs);
	if (a.check) {
		if (!a.offline && (sodium_init() < 0 ||
				   ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)) {
			fprintf(stderr, "dnscrypt-resolve: cannot initialise libsodium or c-ares\n");
			return 2;
		}
		return dc_tool_check_config(a.offline);
	}
	name = a.reverse ? a.reverse : a.args[0];
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (a.reverse) {
		uint8_t addr[16];
		struct dc_hostres h;
		int fam = strchr(a.reverse, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(fam, a.reverse, addr) != 1) {
			fprintf(stderr, "dnscrypt-resolve: '%s' is not an IP address\n", a.reverse);
			return 64;
		}
		st = dc_resolve_addr(fam, addr, &h);
		if (st == DC_OK) {
			printf("%s\t%s\n", a.reverse, h.name);
			for (int i = 0; i < h.naliases; i++)
				printf("%s\t%s\n", a.reverse, h.aliases[i]);
		}
		dc_hostres_free(&h);
	} else if (a.type) {
		static uint8_t ans[65536];
		size_t alen = 0;
		st = dc_resolve_raw(name, 1, a.type, 1, ans, sizeof(ans), &alen);
		if (st == DC_OK && (alen < 12 || alen > sizeof(ans) ||
				    dc_tool_print_records(ans, alen, a.short_mode) != 0))
			st = DC_EBADRESP;
	} else {
		struct dc_hostres h;
		st = dc_resolve_name(name, a.family, &h);
		if (st == DC_OK)
			dc_tool_print_hostres(&h);
		dc_hostres_free(&h);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (st != DC_OK) {
		dc_tool_explain(name, st);
		if ((st == DC_ENOTFOUND || st == DC_ENODATA) && !a.quiet)
			dc_tool_print_dnssec(stderr, ";; dnssec: ");
		return exit_code(st);
	}
	dc_tool_print_server(a.quiet);
	if (!a.quiet)
		dc_tool_print_dnssec(stdout, ";; dnssec: ");
	if (!a.quiet)
		printf(";; %.2f ms\n", (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return 0;
}
