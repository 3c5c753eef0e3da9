/* SPDX-License-Identifier: ISC */
/* dc_dnssec_why.c - the validator's states and its reasons in words
 * (res->why: which zone, which record, what failed). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dc_dnssec_int.h"

/* The first reason is kept: it is the one nearest the failure, the
 * callers up the chain only add that their own step failed. */
enum dc_sec_state dc_sec_fail(struct dc_sec_walk *w, enum dc_sec_state st,
			      const char *fmt, ...)
{
	va_list ap;

	if (w->res->why[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(w->res->why, sizeof(w->res->why), fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Presentation form, absolute, in buf (never NULL); cut with "..." when
 * longer. */
char *dc_sec_name(const ldns_rdf *name, char *buf, size_t len)
{
	char *s = name != NULL ? ldns_rdf2str(name) : NULL;

	if ((size_t)snprintf(buf, len, "%s", s != NULL ? s : "?") >= len &&
	    len > 4)
		memcpy(buf + len - 4, "...", 4);
	free(s);
	return buf;
}

const char *dc_sec_type(ldns_rr_type type, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript((uint16_t)type);

	if (d != NULL && d->_name != NULL)
		return d->_name;
	snprintf(buf, len, "TYPE%u", (unsigned)type);
	return buf;
}

/* RRSIG times are 32-bit serial numbers (RFC 4034 3.1.5): the date
 * nearest now that they name. */
void dc_sec_time(uint32_t t, time_t now, char *buf, size_t len)
{
	time_t abs = now + (int32_t)(t - (uint32_t)now);
	struct tm tm;

	if (gmtime_r(&abs, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, len, "%u", (unsigned)t);
}

/* Combining the links of a chain: one bogus link makes the answer bogus,
 * one that could not be checked indeterminate, one unsigned insecure. */
enum dc_sec_state dc_sec_worse(enum dc_sec_state a, enum dc_sec_state b)
{
	static const int rank[] = {
		[DC_SEC_SECURE] = 0,
		[DC_SEC_INSECURE] = 1,
		[DC_SEC_INDETERMINATE] = 2,
		[DC_SEC_BOGUS] = 3,
	};

	return rank[b] > rank[a] ? b : a;
}
