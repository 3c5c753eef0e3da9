/* SPDX-License-Identifier: ISC */
/* dc_query.h - one DNS query on a c-ares channel, its answer kept raw. */
#ifndef DC_QUERY_H
#define DC_QUERY_H

#include <stddef.h>
#include <stdint.h>
#include <ares.h>
#include "dc_status.h"

struct dc_qres {
	int done;
	int ares_status;
	uint8_t *abuf;           /* the whole answer (malloc'ed) or NULL */
	size_t alen;
	int *pending;            /* decremented when the query ends */
};

/* Start a query for (name, class, type) with EDNS(0) and RD set, and with
 * dnssec also DO and CD (dc_wire_query_dnssec).  When it ends, r is
 * filled and *pending decremented.  A name c-ares cannot encode ends at
 * once with ARES_EBADNAME. */
void dc_query_start(ares_channel ch, const char *name, int dnsclass, int type,
		    int dnssec, struct dc_qres *r, int *pending);

/* Start a query from a message the caller built (res_send), with dnssec
 * asking for DNSSEC records as above (a copy is changed).  c-ares gives
 * it an id of its own; the answer is returned with the caller's. */
void dc_query_start_msg(ares_channel ch, const uint8_t *msg, size_t len,
			int dnssec, struct dc_qres *r, int *pending);

/* The outcome: DC_OK when an answer arrived (whatever its rcode),
 * otherwise the reason none did. */
dc_status dc_qres_status(const struct dc_qres *r);

void dc_qres_free(struct dc_qres *r);

#endif
