/* SPDX-License-Identifier: ISC */
/* dc_transport_tcp.c - the TCP path of the transport: c-ares's plain
 * frames sealed and reframed (relay header included), ciphertext c-ares
 * cannot see kept queued without stalling it, and sealed answer frames
 * opened back into plain ones.  Facts about c-ares 1.18.1 (design.md
 * 1.1): c-ares writes "len(2) | message" frames (several per asendv when
 * pipelined) and reads the 2-byte length, then the exact remainder, one
 * read per ares_process_fd call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sodium.h>

#include "dc_transport_int.h"
#include "dc_wire.h"

static int buf_append(struct dc_buf *b, const void *data, size_t len)
{
	if (b->off && b->off == b->len)
		b->off = b->len = 0;
	if (b->len + len > b->cap) {
		size_t ncap = b->cap ? b->cap : 1024;
		while (ncap < b->len + len)
			ncap *= 2;
		uint8_t *n = realloc(b->p, ncap);
		if (!n)
			return -1;
		b->p = n;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return 0;
}

static void buf_free(struct dc_buf *b)
{
	if (b->p)
		sodium_memzero(b->p, b->cap);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static int buf_reserve(struct dc_buf *b, size_t cap)
{
	uint8_t *n;

	if (b->cap >= cap)
		return 0;
	n = malloc(cap);
	if (!n)
		return -1;
	if (b->p) {
		memcpy(n, b->p, b->len);
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	b->p = n;
	b->cap = cap;
	return 0;
}

/* Free (and wipe) the TCP buffers of s. */
void dc_transport_tcp_free(struct dc_tsock *s)
{
	buf_free(&s->txp);
	buf_free(&s->txc);
	buf_free(&s->rxp);
	buf_free(&s->rxc);
}

/* Forget the answer frame being read: after any error (a bad frame, EOF,
 * a failed read) nothing of it may be used again, whether c-ares then
 * closes the connection (1.18.1 does) or reads on. */
static void rx_reset(struct dc_tsock *s)
{
	if (s->rxc.p)
		sodium_memzero(s->rxc.p, s->rxc.len);
	s->rxc.len = s->rxc.off = 0;
	s->rxhdr_len = 0;
	s->rxc_need = 0;
	s->rxp.off = s->rxp.len = 0;
	s->kernel_hold = 0;
}

/* Move every complete plain frame of txp into txc, sealed (or, on the
 * certificate channel, with the relay header). */
static int tcp_seal_frames(struct dc_transport *t, struct dc_tserver *srv,
			   struct dc_tsock *s)
{
	uint8_t *out = dc_transport_scratch(t);
	/* TCP padding stays within 1..64 bytes (dnsdist refuses more than
	 * 256): min_wire 0 selects that rule.  A relay forwards over UDP
	 * (ANONYMIZED-DNSCRYPT.txt 3), so there the UDP rule applies. */
	size_t min_wire = s->relay ? srv->udp_wire : 0;

	if (!out)
		return -1;
	while (s->txp.len - s->txp.off >= 2) {
		const uint8_t *f = s->txp.p + s->txp.off;
		size_t flen = dc_get16(f), wlen;

		if (s->txp.len - s->txp.off < 2 + flen)
			break;
		if (dc_transport_wrap(t, srv, s, f + 2, flen, min_wire, out + 2,
				      DC_OUT_CAP, &wlen) != 0)
			return -1;
		if (wlen > 65535) {
			errno = EMSGSIZE;
			return -1;
		}
		out[0] = (uint8_t)(wlen >> 8);
		out[1] = (uint8_t)wlen;
		if (buf_append(&s->txc, out, wlen + 2) != 0) {
			errno = ENOMEM;
			return -1;
		}
		s->txp.off += 2 + flen;
	}
	return 0;
}

ares_ssize_t dc_transport_tcp_send(struct dc_transport *t, struct dc_tsock *s,
				   const struct iovec *iov, int iovcnt)
{
	size_t total = 0, skip = s->held;

	for (int i = 0; i < iovcnt; i++) {
		const uint8_t *p = iov[i].iov_base;
		size_t n = iov[i].iov_len, k = skip < n ? skip : n;

		skip -= k;
		total += n;
		if (n > k && buf_append(&s->txp, p + k, n - k) != 0) {
			errno = ENOMEM;
			return -1;
		}
	}
	if (tcp_seal_frames(t, &t->servers[s->server], s) != 0)
		return -1;
	while (s->txc.off < s->txc.len) {
		ssize_t k = send(s->fd, s->txc.p + s->txc.off,
				 s->txc.len - s->txc.off, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				break;
			return -1;
		}
		s->txc.off += (size_t)k;
	}
	if (s->txc.off == s->txc.len) {
		s->held = 0;
		return (ares_ssize_t)total;
	}
	/* Ciphertext is still queued here.  Report one byte less than we
	 * took, so that c-ares keeps waiting for writability and calls us
	 * again to flush (otherwise it never would). */
	s->held = 1;
	if (total <= 1) {
		errno = EAGAIN;
		return -1;
	}
	return (ares_ssize_t)(total - 1);
}

/* Read one sealed frame, all but its last byte: that one is only peeked
 * at and stays in the kernel until c-ares has taken the last byte of the
 * opened frame, so the socket keeps polling readable while we still hold
 * data for c-ares.  Returns 1 with a frame in s->rxp, 0 at EOF, -1 (errno
 * EAGAIN: call again; EBADMSG: a frame too short or unauthenticated). */
static int tcp_fill(struct dc_transport *t, struct dc_tsock *s)
{
	size_t plen;
	ssize_t n;

	while (s->rxhdr_len < 2) {
		n = recv(s->fd, s->rxhdr + s->rxhdr_len, 2 - s->rxhdr_len, 0);
		if (n <= 0)
			return (int)n;
		s->rxhdr_len += (size_t)n;
	}
	if (s->rxc_need == 0) {
		/* Any 16-bit length up to DC_ANSWER_MAX_LEN is a frame we
		 * take (RFC 1035 4.2.2: messages up to 65535 bytes). */
		s->rxc_need = dc_get16(s->rxhdr);
		if (s->rxc_need < DC_ANSWER_MIN_LEN || s->rxc_need > DC_ANSWER_MAX_LEN)
			goto bad;
		if (buf_reserve(&s->rxc, s->rxc_need) != 0) {
			errno = ENOMEM;
			return -1;
		}
		s->rxc.len = 0;
	}
	while (s->rxc.len < s->rxc_need - 1) {
		n = recv(s->fd, s->rxc.p + s->rxc.len, s->rxc_need - 1 - s->rxc.len, 0);
		if (n <= 0)
			return (int)n;
		s->rxc.len += (size_t)n;
	}
	n = recv(s->fd, s->rxc.p + s->rxc.len, 1, MSG_PEEK);
	if (n <= 0)
		return (int)n;
	/* The opened frame goes to rxp with a plain length prefix: the DNS
	 * message is 48 bytes or more shorter than the sealed frame. */
	s->rxp.off = s->rxp.len = 0;
	if (buf_reserve(&s->rxp, 2 + s->rxc_need - DC_ANSWER_OVERHEAD) != 0) {
		errno = ENOMEM;
		return -1;
	}
	if (dc_transport_open_answer(t, s, s->rxc.p, s->rxc_need, s->rxp.p + 2,
				     s->rxp.cap - 2, &plen) != 0) {
		uint8_t last;
		/* Its last byte too: the stream stays at a frame boundary. */
		(void)recv(s->fd, &last, 1, 0);
		goto bad;
	}
	sodium_memzero(s->rxc.p, s->rxc_need - 1);
	s->rxc.len = 0;
	s->rxhdr_len = 0;
	s->rxc_need = 0;
	s->rxp.p[0] = (uint8_t)(plen >> 8);
	s->rxp.p[1] = (uint8_t)plen;
	s->rxp.len = plen + 2;
	s->kernel_hold = 1;
	return 1;
bad:
	/* c-ares closes the connection and sends the query again (to the
	 * next server, if any); the lookup reports a bad frame rather than
	 * the "refused" c-ares then gives. */
	t->bad_frames++;
	errno = EBADMSG;
	return -1;
}

ares_ssize_t dc_transport_tcp_recv(struct dc_transport *t, struct dc_tsock *s,
				   uint8_t *data, size_t len)
{
	size_t avail, k;

	if (s->rxp.off == s->rxp.len) {
		int rc = tcp_fill(t, s);
		if (rc < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return -1;
		if (rc <= 0) {
			int e = errno;
			/* The connection closed inside a frame: a cut answer
			 * (at a frame boundary it is only the server done). */
			if (rc == 0 && (s->rxhdr_len || s->rxc_need))
				t->bad_frames++;
			rx_reset(s);
			errno = e;
			return rc;
		}
	}
	avail = s->rxp.len - s->rxp.off;
	k = len < avail ? len : avail;
	memcpy(data, s->rxp.p + s->rxp.off, k);
	s->rxp.off += k;
	if (s->rxp.off == s->rxp.len && s->kernel_hold) {
		uint8_t last;
		/* The frame is handed over: now take its last byte. */
		if (recv(s->fd, &last, 1, 0) == 1)
			s->kernel_hold = 0;
		s->rxp.off = s->rxp.len = 0;
	}
	return (ares_ssize_t)k;
}
