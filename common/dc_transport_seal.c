/* SPDX-License-Identifier: ISC */
/* dc_transport_seal.c - the queries and answers of a transport's sockets:
 * client nonces (from a pooled getrandom) and the outstanding ones of each
 * socket, sealing a query for its server (with a fresh key pair under
 * ephemeral-keys), the relay header in front of it, and the authentication
 * of an answer against the socket's nonces.  Through a relay
 * (ANONYMIZED-DNSCRYPT.txt) each datagram or TCP frame starts with the
 * relay header.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "dc_transport_int.h"
#include "dc_keypair.h"

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void pending_add(struct dc_tsock *s, const uint8_t nonce[DC_NONCE_HALF],
			const struct dc_session *sess)
{
	struct dc_pending *p = NULL;

	for (int i = 0; i < DC_PENDING; i++) {
		if (!s->pending[i].used) {
			p = &s->pending[i];
			break;
		}
	}
	if (!p) /* full of lost queries: forget the oldest slot */
		p = &s->pending[s->next_slot++ % DC_PENDING];
	p->used = 1;
	p->sent_us = now_us();
	memcpy(p->nonce, nonce, DC_NONCE_HALF);
	p->session = *sess;
}

static struct dc_pending *pending_find(struct dc_tsock *s, const uint8_t *nonce)
{
	for (int i = 0; i < DC_PENDING; i++)
		if (s->pending[i].used &&
		    memcmp(s->pending[i].nonce, nonce, DC_NONCE_HALF) == 0)
			return &s->pending[i];
	return NULL;
}

static void pending_drop(struct dc_pending *p)
{
	sodium_memzero(p, sizeof(*p));
}

/* Check an answer against the socket's outstanding nonces and open it.
 * A matched nonce is consumed, so a replayed answer is refused. */
int dc_transport_open_answer(struct dc_transport *t, struct dc_tsock *s,
			     const uint8_t *wire, size_t len, uint8_t *out,
			     size_t outcap, size_t *outlen)
{
	struct dc_tserver *srv = &t->servers[s->server];
	const uint8_t *nonce;
	struct dc_pending *p;
	uint64_t rtt;

	if (dc_answer_nonce(wire, len, &nonce) != DC_OK)
		goto bad;
	p = pending_find(s, nonce);
	if (!p)
		goto bad;
	if (dc_decrypt_answer(&p->session, wire, len, out, outcap, outlen) != DC_OK)
		goto bad;
	rtt = now_us() - p->sent_us;
	pending_drop(p);
	s->answered++;
	srv->answers++;
	t->last_server = s->server;
	if (t->on_answer)
		t->on_answer(t->hook_arg, s->server,
			     rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt,
			     s->type == SOCK_DGRAM || t->tcp_samples);
	return 0;
bad:
	srv->bad_answers++;
	return -1;
}

/* A fresh client key pair and its session with srv's certificate
 * (ephemeral-keys: two X25519 operations per query). */
static int ephemeral_session(const struct dc_tserver *srv, struct dc_session *out)
{
	struct dc_keypair kp;
	struct dc_cert cert;
	dc_status rc;

	memset(&cert, 0, sizeof(cert));
	cert.es_version = srv->session.es_version;
	memcpy(cert.resolver_pk, srv->resolver_pk, sizeof(cert.resolver_pk));
	memcpy(cert.client_magic, srv->session.client_magic, sizeof(cert.client_magic));
	dc_keypair_new(&kp);
	rc = dc_session_init(out, &kp, &cert);
	sodium_memzero(&kp, sizeof(kp));
	return rc == DC_OK ? 0 : -1;
}

/* Client nonces come from a small pool refilled by one getrandom() rather
 * than one system call per query.  The pool lives in the transport, which
 * a forked child never reuses (dc_ctx remakes its context). */
static void next_nonce(struct dc_transport *t, uint8_t nonce[DC_NONCE_HALF])
{
	if (t->nonce_left < DC_NONCE_HALF) {
		randombytes_buf(t->nonce_pool, sizeof(t->nonce_pool));
		t->nonce_left = sizeof(t->nonce_pool);
	}
	t->nonce_left -= DC_NONCE_HALF;
	memcpy(nonce, t->nonce_pool + t->nonce_left, DC_NONCE_HALF);
	sodium_memzero(t->nonce_pool + t->nonce_left, DC_NONCE_HALF);
}

/* Seal one DNS message for s's server and record its nonce (and the
 * session it was sealed with). */
static int seal(struct dc_transport *t, struct dc_tserver *srv,
		struct dc_tsock *s, const uint8_t *q,
		size_t qlen, size_t min_wire, uint8_t *out, size_t cap,
		size_t *outlen)
{
	const struct dc_session *sess = &srv->session;
	struct dc_session eph;
	uint8_t nonce[DC_NONCE_HALF];
	size_t padded;
	int rc = -1;

	if (qlen < 12 || qlen > DC_MAX_DNS_MSG) {
		errno = EMSGSIZE;
		return -1;
	}
	if (srv->ephemeral) {
		if (ephemeral_session(srv, &eph) != 0) {
			errno = EPROTO;
			return -1;
		}
		sess = &eph;
	}
	padded = dc_pad_len(qlen, min_wire);
	next_nonce(t, nonce);
	if (dc_encrypt_query(sess, nonce, q, qlen, padded, out, cap, outlen) != DC_OK) {
		errno = EMSGSIZE;
		goto out;
	}
	pending_add(s, nonce, sess);
	s->sent++;
	rc = 0;
out:
	if (sess == &eph)
		sodium_memzero(&eph, sizeof(eph));
	return rc;
}

/* One query as it goes on the wire, without the TCP length prefix: the
 * relay header when s goes through a relay, then the query sealed for
 * the server (min_wire as for dc_pad_len) - or, on the certificate
 * channel, the plain query padded to min_wire, so that the relay lets
 * the certificate answer through. */
int dc_transport_wrap(struct dc_transport *t, struct dc_tserver *srv,
		      struct dc_tsock *s, const uint8_t *q, size_t qlen,
		      size_t min_wire, uint8_t *out, size_t cap, size_t *outlen)
{
	size_t off = 0, n;

	if (s->relay) {
		if (dc_relay_header(&srv->stamp->addr.sa, out) != 0) {
			errno = EAFNOSUPPORT;
			return -1;
		}
		off = DC_RELAY_HDR_LEN;
	}
	if (t->encrypt) {
		if (seal(t, srv, s, q, qlen, min_wire, out + off, cap - off, &n) != 0)
			return -1;
	} else {
		if (qlen > cap - off || qlen > DC_MAX_DNS_MSG) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(out + off, q, qlen);
		n = s->relay ? dc_relay_pad_plain(out + off, qlen, cap - off, min_wire)
			     : qlen;
	}
	*outlen = off + n;
	return 0;
}
