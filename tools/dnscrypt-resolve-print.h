/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve-print.h - the functions of dnscrypt-resolve-print.c:
 * what dnscrypt-resolve prints of a lookup.
 */
#ifndef DNSCRYPT_RESOLVE_PRINT_H
#define DNSCRYPT_RESOLVE_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include "dc_resolve.h"

/* A record type's name ("TYPE<n>" in buf when it has none we know), and
 * a type from its name or number: -1 when it is neither. */
const char *dc_tool_type_name(int t, char *buf, size_t len);
int dc_tool_parse_type(const char *s);
/* --version [MODULE...]: 0, or 1 when a file carries no version text. */
int dc_tool_print_version(char **files, int n);
/* Print the answer section of a DNS message, one record per line (short:
 * the record data only); -1 if the message is malformed (nothing after
 * that printed). */
int dc_tool_print_records(const uint8_t *m, size_t len, int short_mode);
/* The addresses and aliases of a name, one a line. */
void dc_tool_print_hostres(const struct dc_hostres *h);
/* An es-version's name. */
const char *dc_tool_es_name(unsigned es);
/* A time in UTC, and a span of time in words ("3 d 4 h", "25 min"). */
void dc_tool_utc(time_t t, char *buf, size_t len);
void dc_tool_span(long long secs, char *buf, size_t len);
/* The server that answered the last lookup and its certificate (not
 * quiet). */
void dc_tool_print_server(int quiet);
/* With "dnssec validate": each answer's DNSSEC state ("A secure, AAAA
 * insecure") after prefix. */
void dc_tool_print_dnssec(FILE *f, const char *prefix);

#endif
