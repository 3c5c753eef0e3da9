/* SPDX-License-Identifier: ISC */
/* dnscrypt-resolve-explain.h - the functions of
 * dnscrypt-resolve-explain.c: failures explained.
 */
#ifndef DNSCRYPT_RESOLVE_EXPLAIN_H
#define DNSCRYPT_RESOLVE_EXPLAIN_H

#include <stdio.h>
#include "dc_status.h"
#include "dnscrypt-resolve-probe.h"

/* "NOERROR" ... "REFUSED", else "an unusual rcode". */
const char *dc_tool_rcode_name(int r);
/* Certificate k of a probe: what it is, or its problem, in words a user
 * can act on. */
void dc_tool_explain_cert(FILE *f, const char *indent, const struct dc_tool_probe *p,
			  int k);
/* Why a probe has no usable certificate: the fetch, or each certificate. */
void dc_tool_explain_fetch(FILE *f, const char *indent,
			   const struct dc_tool_probe *p);
/* Why the lookup of what failed with st, in words a user can act on (on
 * stderr). */
void dc_tool_explain(const char *what, dc_status st);

#endif
