/* SPDX-License-Identifier: ISC */
/* dc_probe.h - what dnscrypt-resolve asks of one server through one route
 * (--check-config, and its explanations of a failed lookup), done with
 * the library's own code: the certificate query of dc_certfetch.c, every
 * certificate of its answer checked (dc_cert.c), and an encrypted query
 * over UDP and over TCP through the transport. */
#ifndef DC_PROBE_H
#define DC_PROBE_H

#include <stdint.h>
#include <time.h>
#include "dc_cert.h"
#include "dc_config.h"
#include "dc_status.h"

struct dc_probe {
	/* in */
	const struct dc_config *cfg;
	const struct dc_stamp *st;
	const struct dc_stamp *relay;    /* the route's relay, NULL: direct */
	int queries;                     /* also send encrypted queries */
	time_t now;
	/* the certificate query */
	dc_status fetch;                 /* DC_OK: an answer came */
	dc_status fetch_on[2];           /* over UDP, over TCP (DC_EPARSE: not tried) */
	int fetch_tcp;                   /* it came over TCP */
	int rcode;
	uint64_t fetch_ms;
	struct dc_cert_list certs;       /* certs.best: the one a client uses */
	dc_status session;               /* a shared key with the best one */
	/* encrypted queries (". NS") over UDP [0] and TCP [1] */
	dc_status q[2];
	int qrcode[2];
	uint64_t qms[2];
};

/* Probe p->st (through p->relay), each step within cfg's total-timeout.
 * Takes a few seconds at most; any number may run in parallel threads. */
void dc_probe_run(struct dc_probe *p);

#endif
