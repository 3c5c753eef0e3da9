/* SPDX-License-Identifier: ISC */
/* dc_query.c - one DNS query on a c-ares channel, its answer kept raw. */
#include <stdlib.h>
#include <string.h>

#include "dc_query.h"
#include "dc_crypt.h"
#include "dc_wire.h"

static void query_done(void *arg, int status, int timeouts,
		       unsigned char *abuf, int alen)
{
	struct dc_qres *r = arg;

	(void)timeouts;
	/* ares_destroy of a channel with queries in flight: only when a
	 * thread was cancelled in its wait and its context is freed at
	 * thread exit, when r (on the unwound stack) must not be touched. */
	if (status == ARES_EDESTRUCTION)
		return;
	r->ares_status = status;
	if (status == ARES_SUCCESS && abuf && alen >= 12) {
		r->abuf = malloc((size_t)alen);
		if (r->abuf) {
			memcpy(r->abuf, abuf, (size_t)alen);
			r->alen = (size_t)alen;
		} else {
			r->ares_status = ARES_ENOMEM;
		}
	}
	r->done = 1;
	if (r->pending)
		(*r->pending)--;
}

/* A copy of the query with DO and CD (dc_wire_query_dnssec), sent. */
static void send_dnssec(ares_channel ch, const uint8_t *q, size_t len,
			ares_callback cb, void *arg)
{
	uint8_t *m = malloc(len + 11);
	size_t n;

	if (!m) {
		cb(arg, ARES_ENOMEM, 0, NULL, 0);
		return;
	}
	memcpy(m, q, len);
	n = dc_wire_query_dnssec(m, len, len + 11);
	ares_send(ch, m, (int)(n ? n : len), cb, arg);
	free(m);
}

void dc_query_start(ares_channel ch, const char *name, int dnsclass, int type,
		    int dnssec, struct dc_qres *r, int *pending)
{
	unsigned char *q = NULL;
	int qlen = 0, rc;

	memset(r, 0, sizeof(*r));
	r->pending = pending;
	(*pending)++;
	rc = ares_create_query(name, dnsclass, type, 0, 1, &q, &qlen,
			       DC_MAX_DNS_MSG);
	if (rc != ARES_SUCCESS) {
		query_done(r, rc, 0, NULL, 0);
		return;
	}
	if (dnssec)
		send_dnssec(ch, q, (size_t)qlen, query_done, r);
	else
		ares_send(ch, q, qlen, query_done, r);
	ares_free_string(q);
}

struct msg_ctx {
	struct dc_qres *r;
	uint8_t id[2];
};

static void msg_done(void *arg, int status, int timeouts,
		     unsigned char *abuf, int alen)
{
	struct msg_ctx *m = arg;
	struct dc_qres *r = m->r;

	if (status == ARES_EDESTRUCTION) {
		free(m);
		return;
	}
	query_done(r, status, timeouts, abuf, alen);
	if (r->abuf)
		memcpy(r->abuf, m->id, 2);
	free(m);
}

void dc_query_start_msg(ares_channel ch, const uint8_t *msg, size_t len,
			int dnssec, struct dc_qres *r, int *pending)
{
	struct msg_ctx *m;

	memset(r, 0, sizeof(*r));
	r->pending = pending;
	(*pending)++;
	if (len < 12 || len > DC_MAX_DNS_MSG) {
		query_done(r, ARES_EBADQUERY, 0, NULL, 0);
		return;
	}
	m = malloc(sizeof(*m));
	if (!m) {
		query_done(r, ARES_ENOMEM, 0, NULL, 0);
		return;
	}
	m->r = r;
	memcpy(m->id, msg, 2);
	if (dnssec)
		send_dnssec(ch, msg, len, msg_done, m);
	else
		ares_send(ch, msg, (int)len, msg_done, m);
}

dc_status dc_qres_status(const struct dc_qres *r)
{
	switch (r->ares_status) {
	case ARES_SUCCESS:
		return r->abuf ? DC_OK : DC_EBADRESP;
	case ARES_ENOMEM:
		return DC_ENOMEM;
	case ARES_EBADNAME:
	case ARES_EBADQUERY:
		return DC_ENOQUERY;
	case ARES_ECONNREFUSED:
		return DC_ECONNREFUSED;
	case ARES_EBADRESP:
	case ARES_EFORMERR:
		return DC_EBADRESP;
	default:  /* ETIMEOUT, ECANCELLED, EDESTRUCTION, ... */
		return DC_ETIMEOUT;
	}
}

void dc_qres_free(struct dc_qres *r)
{
	free(r->abuf);
	r->abuf = NULL;
	r->alen = 0;
}
