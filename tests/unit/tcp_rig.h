/* SPDX-License-Identifier: ISC */
/* tcp_rig.h - a transport's TCP socket with a fake server on the other end
 * of a socketpair, for test_tcp.c and tests/fuzz/fuzz_tcp.c: queries are
 * sealed by the transport (dc_transport_wrap records their client
 * nonces), answers sealed here as a server would with fixed keys (client
 * secret 01..20, resolver secret 80..9f, resolver nonce d0..db), and
 * read back through dc_transport_tcp_recv as c-ares 1.18.1 reads: the
 * 2-byte length, then the exact remainder.
 */
#ifndef TCP_RIG_H
#define TCP_RIG_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sodium.h>

#include "dc_crypt.h"
#include "dc_transport_int.h"

struct tcp_rig {
	struct dc_transport t;
	struct dc_tserver srv;
	struct dc_stamp stamp;
	struct dc_stamp relay;
	struct dc_tsock *s;
	int peer;                    /* the server's end */
	int es;
	uint8_t client_pk[32], res_sk[32];
};

/* es 1 or 2; with relay set, the socket goes through a relay (the relay
 * header in front of every query).  0, or -1. */
static inline int rig_init(struct tcp_rig *r, int es, int relay)
{
	struct dc_keypair kp;
	struct dc_cert cert;
	int sv[2];

	memset(r, 0, sizeof(*r));
	if (sodium_init() < 0)
		return -1;
	for (int i = 0; i < 32; i++) {
		kp.sk[i] = (uint8_t)(1 + i);
		r->res_sk[i] = (uint8_t)(0x80 + i);
	}
	crypto_scalarmult_base(kp.pk, kp.sk);
	memcpy(r->client_pk, kp.pk, 32);
	memset(&cert, 0, sizeof(cert));
	crypto_scalarmult_base(cert.resolver_pk, r->res_sk);
	memcpy(cert.client_magic, "CLMAGIC1", 8);
	cert.es_version = (uint16_t)es;
	if (dc_session_init(&r->srv.session, &kp, &cert) != DC_OK)
		return -1;
	r->es = es;
	r->stamp.addr.sin.sin_family = AF_INET;
	r->stamp.addr.sin.sin_port = htons(443);
	r->stamp.addr.sin.sin_addr.s_addr = htonl(0x7f000036);
	r->stamp.addrlen = sizeof(r->stamp.addr.sin);
	r->relay = r->stamp;
	r->srv.stamp = &r->stamp;
	r->srv.has_session = 1;
	r->srv.udp_wire = 512;
	dc_transport_init(&r->t, 1, &r->srv, 1, 1252);
	/* Our end non-blocking as the transport's sockets are; the
	 * server's blocking. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0 ||
	    fcntl(sv[1], F_SETFL, 0) != 0)
		return -1;
	r->s = calloc(1, sizeof(*r->s));
	if (!r->s)
		return -1;
	r->s->fd = sv[0];
	r->s->type = SOCK_STREAM;
	r->s->server = 0;
	r->s->relay = relay ? &r->relay : NULL;
	r->peer = sv[1];
	return 0;
}

static inline void rig_free(struct tcp_rig *r)
{
	close(r->s->fd);
	close(r->peer);
	dc_transport_tcp_free(r->s);
	free(r->s);
	r->s = NULL;
}

/* Seal a 29-byte query as the transport sends it (over TCP, through the
 * relay if any) and return its client nonce: 0, or -1. */
static inline int rig_query(struct tcp_rig *r, uint8_t nonce[DC_NONCE_HALF])
{
	static const uint8_t q[29] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0, 0, 16, 0, 1 };
	uint8_t out[DC_OUT_CAP];
	size_t n, off = r->s->relay ? DC_RELAY_HDR_LEN : 0;

	if (dc_transport_wrap(&r->t, &r->srv, r->s, q, sizeof(q), 0, out,
			      sizeof(out), &n) != 0 || n < off + 52)
		return -1;
	memcpy(nonce, out + off + 40, DC_NONCE_HALF);
	return 0;
}

/* A sealed answer frame (length prefix included) carrying msg for the
 * query with this nonce, padded with pad bytes (0x80 included, >= 1):
 * its length, or 0 when it would not fit a frame or out (cap). */
static inline size_t rig_answer(const struct tcp_rig *r,
				const uint8_t nonce[DC_NONCE_HALF],
				const uint8_t *msg, size_t mlen, size_t pad,
				uint8_t *out, size_t cap)
{
	size_t plen = mlen + pad, wlen = DC_ANSWER_OVERHEAD + plen;
	uint8_t n24[24], *plain;
	int rc;

	if (pad < 1 || wlen > 65535 || wlen + 2 > cap)
		return 0;
	plain = calloc(1, plen);
	if (!plain)
		return 0;
	memcpy(plain, msg, mlen);
	plain[mlen] = 0x80;
	memcpy(n24, nonce, 12);
	for (int i = 0; i < 12; i++)
		n24[12 + i] = (uint8_t)(0xd0 + i);
	out[0] = (uint8_t)(wlen >> 8);
	out[1] = (uint8_t)wlen;
	memcpy(out + 2, dc_answer_magic, 8);
	memcpy(out + 10, n24, 24);
	if (r->es == 1)
		rc = crypto_box_easy(out + 34, plain, plen, n24, r->client_pk,
				     r->res_sk);
	else
		rc = crypto_box_curve25519xchacha20poly1305_easy(
			out + 34, plain, plen, n24, r->client_pk, r->res_sk);
	free(plain);
	return rc == 0 ? wlen + 2 : 0;
}

/* dc_transport_tcp_recv until len bytes are in buf, retrying on EAGAIN
 * while *tries lasts (the writer may still be writing): 0, or -1 with
 * errno (0 at EOF). */
static inline int rig_recv_all(struct tcp_rig *r, uint8_t *buf, size_t len,
			       int *tries)
{
	size_t got = 0;
	ares_ssize_t n;

	while (got < len) {
		n = dc_transport_tcp_recv(&r->t, r->s, buf + got, len - got);
		if (n < 0 && errno == EAGAIN && (*tries)-- > 0) {
			usleep(1000);
			continue;
		}
		if (n <= 0) {
			if (n == 0)
				errno = 0;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/* Read one frame as c-ares does: dc_transport_tcp_recv for 2 bytes, then
 * for the rest, retrying on EAGAIN up to tries times in all (the writer may
 * still be writing).  The message's length, or -1 with errno (0 at EOF). */
static inline long rig_read(struct tcp_rig *r, uint8_t *out, size_t cap,
			    int tries)
{
	uint8_t hdr[2];
	size_t need;

	if (rig_recv_all(r, hdr, 2, &tries) != 0)
		return -1;
	need = ((size_t)hdr[0] << 8) | hdr[1];
	if (need > cap) {
		errno = EMSGSIZE;
		return -1;
	}
	if (rig_recv_all(r, out, need, &tries) != 0)
		return -1;
	return (long)need;
}

#endif
