/* SPDX-License-Identifier: ISC */
/* dc_transport_udp.c - the UDP path of the transport: one sealed datagram
 * per query, answers authenticated before c-ares sees them, and padding
 * grown after truncated answers; also the answers of the certificate
 * channel through a relay.  Facts about c-ares 1.18.1 (design.md 1.1):
 * one asendv per DNS message; arecvfrom is called until it returns
 * -1/EAGAIN, and an error return closes the socket for every query in
 * flight, so an answer that fails authentication is dropped and the next
 * datagram read instead.  An empty datagram from a relay is its refusal
 * (ANONYMIZED-DNSCRYPT.txt: "the relay must immediately respond to
 * clients with an empty packet").
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sodium.h>

#include "dc_transport_int.h"

ares_ssize_t dc_transport_udp_send(struct dc_transport *t, struct dc_tsock *s,
				   const struct iovec *iov, int iovcnt)
{
	struct dc_tserver *srv = &t->servers[s->server];
	uint8_t *q = dc_transport_scratch(t), *out;
	size_t qlen = 0, outlen;

	if (!q)
		return -1;
	out = q + DC_MAX_DNS_MSG;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > DC_MAX_DNS_MSG - qlen) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(q + qlen, iov[i].iov_base, iov[i].iov_len);
		qlen += iov[i].iov_len;
	}
	if (dc_transport_wrap(t, srv, s, q, qlen, srv->udp_wire, out, DC_OUT_CAP,
			      &outlen) != 0)
		return -1;
	if (send(s->fd, out, outlen, MSG_NOSIGNAL) < 0)
		return -1;
	return (ares_ssize_t)qlen;
}

static void note_truncation(struct dc_transport *t, struct dc_tserver *srv,
			    const uint8_t *dns)
{
	/* TC set: the answer did not fit our query's size (the server never
	 * answers UDP with more than it got).  Grow later queries, as
	 * dnscrypt-proxy does, so big answers stop costing a TCP exchange. */
	if (!(dns[2] & 0x02))
		return;
	srv->tc_seen++;
	if (srv->udp_wire < t->udp_max) {
		size_t n = srv->udp_wire * 2;
		srv->udp_wire = n > t->udp_max ? t->udp_max : n;
	}
}

/* c-ares checks that a UDP answer comes from the server's address; one
 * that came through the relay is the server's answer too. */
static void fill_from(const struct dc_tserver *srv, struct sockaddr *from,
		      ares_socklen_t *fromlen)
{
	socklen_t al = srv->stamp->addrlen;

	if (!from || !fromlen)
		return;
	if (al > *fromlen)
		al = *fromlen;
	memcpy(from, &srv->stamp->addr, al);
	*fromlen = srv->stamp->addrlen;
}

ares_ssize_t dc_transport_udp_recv(struct dc_transport *t, struct dc_tsock *s,
				   uint8_t *data, size_t len, struct sockaddr *from,
				   ares_socklen_t *fromlen)
{
	struct dc_tserver *srv = &t->servers[s->server];
	uint8_t *wire = dc_transport_scratch(t), *plain;
	size_t plen;

	if (!wire)
		return -1;
	plain = wire + DC_MAX_UDP_ANSWER_WIRE + 1;
	/* Each pass consumes one datagram, so this ends at EAGAIN. */
	for (;;) {
		ssize_t n = recv(s->fd, wire, DC_MAX_UDP_ANSWER_WIRE + 1, 0);

		if (n < 0)
			return -1;
		if (n == 0 && s->relay) {
			/* The relay's refusal: let c-ares move on now. */
			errno = ECONNREFUSED;
			return -1;
		}
		if (dc_transport_open_answer(t, s, wire, (size_t)n, plain,
					     DC_MAX_UDP_ANSWER_WIRE, &plen) != 0)
			continue;
		note_truncation(t, srv, plain);
		if (plen > len)
			plen = len;
		memcpy(data, plain, plen);
		fill_from(srv, from, fromlen);
		sodium_memzero(plain, plen);
		return (ares_ssize_t)plen;
	}
}

/* The certificate channel through a relay: the answer comes back as the
 * server sent it. */
ares_ssize_t dc_transport_plain_relay_recv(struct dc_transport *t,
					   struct dc_tsock *s, uint8_t *data,
					   size_t len, struct sockaddr *from,
					   ares_socklen_t *fromlen)
{
	ssize_t n;

	if (s->type != SOCK_DGRAM)
		return recv(s->fd, data, len, 0);
	n = recv(s->fd, data, len, 0);
	if (n == 0) {
		errno = ECONNREFUSED;   /* the relay refused */
		return -1;
	}
	if (n > 0)
		fill_from(&t->servers[s->server], from, fromlen);
	return n;
}
