/* SPDX-License-Identifier: ISC */
/* dc_dns_msg.c - reading a DNS answer: the header tests and the status an
 * answer without a usable answer section gives (__res_context_query,
 * res_send), and the cursor over the question and the resource records
 * (__ns_rr_cursor_init, __ns_rr_cursor_next), every length checked against
 * the end of the message.
 */
#include <stdint.h>

#include "dc_dns_int.h"
#include "dc_wire.h"


/* __ns_rr_cursor_init. */
int dc_dns_cursor_init(struct dc_dns_cursor *c, const uint8_t *msg, size_t len)
{
	int n;

	c->begin = msg;
	c->end = msg + len;
	/* A header and exactly one question. */
	if (len < HDR_LEN || msg[4] != 0 || msg[5] != 1)
		return 0;
	c->cur = msg + HDR_LEN;
	n = dc_dns_name_length_uncompressed(c->cur, c->end);
	if (n < 0)
		return 0;
	c->cur += n;
	if (c->end - c->cur < 4)
		return 0;
	c->qtype = (uint16_t)dc_get16(c->cur);
	c->cur += 4;
	return 1;
}

/* __ns_rr_cursor_next. */
int dc_dns_cursor_next(struct dc_dns_cursor *c, struct dc_dns_rr *rr)
{
	int n = dc_dns_name_unpack(c->begin, c->end, c->cur, rr->name,
				   sizeof(rr->name));

	if (n < 0)
		return 0;
	c->cur += n;
	if (c->end - c->cur < 10)
		return 0;
	rr->type = (uint16_t)dc_get16(c->cur);
	rr->cls = (uint16_t)dc_get16(c->cur + 2);
	rr->ttl = dc_get32(c->cur + 4);
	rr->rdlen = (uint16_t)dc_get16(c->cur + 8);
	c->cur += 10;
	if (c->end - c->cur < rr->rdlen)
		return 0;
	rr->rdata = c->cur;
	c->cur += rr->rdlen;
	return 1;
}

const uint8_t *dc_dns_qname(const struct dc_dns_cursor *c)
{
	return c->begin + HDR_LEN;
}

unsigned dc_dns_hdr_rcode(const uint8_t *m) { return m[3] & 0x0f; }
unsigned dc_dns_hdr_ancount(const uint8_t *m) { return dc_get16(m + 6); }

int dc_dns_hdr_answered(const uint8_t *m)
{
	return dc_dns_hdr_rcode(m) == RC_NOERROR && dc_dns_hdr_ancount(m) != 0;
}

/* Answers res_send (send_dg/send_vc) does not hand back: SERVFAIL,
 * NOTIMP and REFUSED, and a NOERROR answer with no answer record, no
 * additional record and neither AA nor RA (a lame referral) make it try
 * the next server, and when every server answered so the query fails
 * with TRY_AGAIN.  In an A+AAAA pair such an answer counts as missing if
 * the other one is usable. */
int dc_dns_hdr_send_error(const uint8_t *m)
{
	unsigned rc = dc_dns_hdr_rcode(m);

	if (rc == RC_SERVFAIL || rc == RC_NOTIMP || rc == RC_REFUSED)
		return 1;
	return rc == RC_NOERROR && dc_dns_hdr_ancount(m) == 0 && !(m[2] & 0x04) &&
		!(m[3] & 0x80) && dc_get16(m + 10) == 0;
}

/* __res_context_query: the h_errno of an answer (pair) without a usable
 * answer section, as a status. */
dc_status dc_dns_rcode_status(unsigned rcode)
{
	switch (rcode) {
	case RC_NXDOMAIN: return DC_ENOTFOUND;      /* HOST_NOT_FOUND */
	case RC_SERVFAIL: return DC_ESERVFAIL;      /* TRY_AGAIN */
	case RC_NOERROR:  return DC_ENODATA;        /* NO_DATA */
	default:          return DC_EREFUSED;       /* NO_RECOVERY */
	}
}

/* The status of a single answer that fails the query. */
dc_status dc_dns_answer_status(const uint8_t *m)
{
	if (dc_dns_hdr_send_error(m))
		/* TRY_AGAIN; the search goes on after SERVFAIL only. */
		return dc_dns_hdr_rcode(m) == RC_SERVFAIL ? DC_ESERVFAIL : DC_EREFUSED;
	return dc_dns_rcode_status(dc_dns_hdr_rcode(m));
}

/* The start of a single answer (dc_dns_parse_addrs, dc_dns_parse_ptr). */
dc_status dc_dns_answer_open(const uint8_t *msg, size_t len,
			     struct dc_hostres *h, struct dc_dns_cursor *c)
{
	if (msg == NULL || len < HDR_LEN)
		return DC_EBADRESP;
	/* __res_context_query: an error rcode or an empty answer section
	 * fails the query (and the search goes on). */
	if (!dc_dns_hdr_answered(msg))
		return dc_dns_answer_status(msg);
	h->answered = 1;
	if (!dc_dns_cursor_init(c, msg, len))
		return DC_EBADRESP;           /* nss_dns: UNAVAIL, NO_RECOVERY */
	return DC_OK;
}

void dc_dns_ttl_min(uint32_t *ttl, uint32_t v)
{
	if (*ttl > v)
		*ttl = v;
}

/* The status of a whole answer as res_query sees it: an answer with
 * records, or the status the query fails with (dc_dns_answer_status). */
dc_status dc_answer_status(const uint8_t *msg, size_t len)
{
	if (msg == NULL || len < HDR_LEN)
		return DC_EBADRESP;
	if (dc_dns_hdr_answered(msg))
		return DC_OK;
	return dc_dns_answer_status(msg);
}
