/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve-args.h - the functions of dnscrypt-resolve-args.c:
 * dnscrypt-resolve's command line.
 */
#ifndef DNSCRYPT_RESOLVE_ARGS_H
#define DNSCRYPT_RESOLVE_ARGS_H

#include <stdio.h>

struct dc_tool_args {
	const char *reverse;     /* -x ADDRESS, or NULL */
	int family;              /* -4, -6: AF_INET, AF_INET6; else AF_UNSPEC */
	int quiet, short_mode;   /* -q; --short (quiet too) */
	int check, offline;      /* --check-config [--offline] */
	int version;             /* --version: args are the MODULE files */
	int type;                /* NAME TYPE: the type; 0 for addresses */
	char **args;             /* what follows the options */
	int nargs;
};

/* The usage text. */
void dc_tool_usage(FILE *f);
/* Parse the command line into *a (-c and -s go to the environment, where
 * the library reads them; --dnssec and --no-dnssec to the library's
 * override of the configuration, dc_config_force_dnssec): -1 to go on,
 * else the exit status (0 after --help, 64 for a usage error, said on
 * stderr). */
int dc_tool_args_parse(int argc, char **argv, struct dc_tool_args *a);

#endif
