/* SPDX-License-Identifier: ISC */
/* dc_transport.c - c-ares socket functions that speak DNSCrypt.
 *
 * c-ares keeps its engine (ids, retries, timeouts, TC->TCP, matching);
 * these hooks sit between it and the kernel.  Facts about c-ares 1.18.1
 * that shape them (design.md 1.1):
 *  - with socket functions set, c-ares configures nothing on the socket:
 *    non-blocking, close-on-exec and TCP_NODELAY are ours to set;
 *  - UDP and TCP: see dc_transport_udp.c and dc_transport_tcp.c.
 * Through a relay (ANONYMIZED-DNSCRYPT.txt) the socket is connected to
 * the relay, each datagram or TCP frame starts with the relay header, and
 * an empty datagram from the relay is its refusal ("the relay must
 * immediately respond to clients with an empty packet").
 *
 * Here: the socket functions, which hand a socket's traffic to the UDP or
 * TCP path, and the parked UDP sockets.  Sealing and opening are in
 * dc_transport_seal.c, the process-wide descriptor registry (fork safety)
 * in dc_fdreg.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sodium.h>

#include "dc_transport_int.h"

/* ---- helpers ---- */

static struct dc_tsock *find_sock(struct dc_transport *t, int fd)
{
	for (struct dc_tsock *s = t->socks; s; s = s->next)
		if (s->fd == fd)
			return s;
	return NULL;
}

static int same_sockaddr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return 0;
}

/* ---- parked UDP sockets ----
 * c-ares 1.18 closes every socket when no query is pending, so each lookup
 * would pay socket(), an ephemeral port for connect() and close(), and we
 * a fresh nonce table.  ARES_FLAG_STAYOPEN would keep TCP connections
 * too, which a server closes when idle (a wasted try, and a "silent"
 * server).  So an encrypting transport parks the UDP sockets c-ares closes
 * and hands them back on its next socket() call: after checking that the
 * number is still our socket, and reading off what came in meanwhile
 * (late answers, a pending ICMP error).  A fixed source port costs nothing
 * here: every answer is authenticated.  The registry bounds them per
 * process and closes those left idle (dc_fdreg.c). */
#define DC_PARK_MAX 2

static void sock_free(struct dc_tsock *s);

static void drain(int fd)
{
	int saved = errno;
	char b;

	for (int i = 0; i < 64; i++) {
		if (recv(fd, &b, 1, MSG_DONTWAIT | MSG_TRUNC) < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
	}
	errno = saved;
}

static int park(struct dc_transport *t, struct dc_tsock *s)
{
	if (!t->encrypt || s->type != SOCK_DGRAM ||
	    s->gen != dc_fork_gen || !s->connected || t->nparked >= DC_PARK_MAX ||
	    !dc_fdreg_park(s->fd, s->gen, &s->id))
		return 0;
	for (int i = 0; i < DC_PENDING; i++)
		if (s->pending[i].used)
			sodium_memzero(&s->pending[i], sizeof(s->pending[i]));
	s->next_slot = 0;
	s->sent = s->answered = 0;
	s->server = -1;
	s->relay = NULL;
	s->next = t->parked;
	t->parked = s;
	t->nparked++;
	return 1;
}

static struct dc_tsock *unpark(struct dc_transport *t, int domain)
{
	struct dc_tsock **pp = &t->parked, *s;

	while ((s = *pp) != NULL) {
		if (s->domain != domain) {
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		t->nparked--;
		/* A program may close every descriptor it did not open
		 * (daemons do) and get our number back from open(); and
		 * the registry closes sockets left idle. */
		if (dc_fdreg_unpark(s->fd, s->gen, &s->id)) {
			drain(s->fd);
			return s;
		}
		dc_fdreg_close(s->fd, s->gen, &s->id);   /* forgets it */
		sock_free(s);
	}
	return NULL;
}

/* ---- the c-ares socket functions ---- */

static ares_socket_t t_socket(int domain, int type, int protocol, void *ud)
{
	struct dc_transport *t = ud;
	struct dc_tsock *s;
	int fd, one = 1;

	if (type == SOCK_DGRAM && t->encrypt &&
	    (s = unpark(t, domain)) != NULL) {
		s->next = t->socks;
		t->socks = s;
		return s->fd;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return ARES_SOCKET_BAD;
	}
	fd = dc_fdreg_socket(domain, type, protocol, &s->gen, &s->id);
	if (fd < 0) {
		free(s);
		return ARES_SOCKET_BAD;
	}
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->fd = fd;
	s->type = type;
	s->domain = s->family = domain;
	s->server = -1;
	s->next = t->socks;
	t->socks = s;
	return fd;
}

static void sock_free(struct dc_tsock *s)
{
	dc_transport_tcp_free(s);
	sodium_memzero(s->pending, sizeof(s->pending));
	free(s);
}

static int t_close(ares_socket_t fd, void *ud)
{
	struct dc_transport *t = ud;
	struct dc_tsock **pp, *s = NULL;

	for (pp = &t->socks; *pp; pp = &(*pp)->next) {
		if ((*pp)->fd == fd) {
			s = *pp;
			*pp = s->next;
			break;
		}
	}
	if (!s) {
		errno = EBADF;
		return -1;
	}
	/* Queries went out and no authenticated answer came back: the
	 * server (or its relay) timed out, refused or sent only junk.  Not
	 * for a socket inherited over fork (its lookup was the parent's). */
	if (t->encrypt && s->server >= 0 && s->sent > 0 && s->answered == 0 &&
	    t->on_silence && s->gen == dc_fork_gen)
		t->on_silence(t->hook_arg, s->server);
	if (park(t, s))
		return 0;
	/* After a fork the child closed it already; and a number the
	 * program took over is never closed (dc_fdreg_close checks). */
	dc_fdreg_close(fd, s->gen, &s->id);
	sock_free(s);
	return 0;
}

static int t_connect(ares_socket_t fd, const struct sockaddr *sa,
		     ares_socklen_t salen, void *ud)
{
	struct dc_transport *t = ud;
	struct dc_tsock *s = find_sock(t, fd);

	if (!s) {
		errno = EBADF;
		return -1;
	}
	for (int i = 0; i < t->nservers; i++) {
		if (same_sockaddr(sa, &t->servers[i].stamp->addr.sa)) {
			s->server = i;
			break;
		}
	}
	/* Fail closed: an encrypting channel talks to nobody but its
	 * resolvers, and only once it holds their keys (the lookup engine
	 * gives a channel only servers with a session). */
	if (t->encrypt && (s->server < 0 || !t->servers[s->server].has_session)) {
		errno = ECONNREFUSED;
		return -1;
	}
	if (s->server >= 0 && t->servers[s->server].relay) {
		s->relay = t->servers[s->server].relay;
		sa = &s->relay->addr.sa;
		salen = s->relay->addrlen;
	}
	/* A parked UDP socket connected there already. */
	if (s->connected && same_sockaddr(sa, (struct sockaddr *)&s->peer))
		return 0;
	s->connected = 0;
	if (sa->sa_family != s->family) {
		if (dc_fdreg_replace(fd, sa->sa_family, s->type, s->gen, &s->id) != 0)
			return -1;
		s->family = sa->sa_family;
	}
	if (connect(fd, sa, salen) != 0)
		return -1;
	if (s->type == SOCK_DGRAM && salen <= sizeof(s->peer)) {
		memcpy(&s->peer, sa, salen);
		s->connected = 1;
	}
	return 0;
}

static ares_ssize_t t_sendv(ares_socket_t fd, const struct iovec *iov,
			    int iovcnt, void *ud)
{
	struct dc_transport *t = ud;
	struct dc_tsock *s = find_sock(t, fd);
	struct msghdr mh;

	if (!s) {
		errno = EBADF;
		return -1;
	}
	if (t->encrypt || s->relay) {
		if (s->server < 0) {
			errno = ECONNREFUSED;
			return -1;
		}
		return s->type == SOCK_DGRAM ?
			dc_transport_udp_send(t, s, iov, iovcnt) :
			dc_transport_tcp_send(t, s, iov, iovcnt);
	}
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = (struct iovec *)iov;
	mh.msg_iovlen = (size_t)iovcnt;
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

static ares_ssize_t t_recvfrom(ares_socket_t fd, void *data, size_t len,
			       int flags, struct sockaddr *from,
			       ares_socklen_t *fromlen, void *ud)
{
	struct dc_transport *t = ud;
	struct dc_tsock *s = find_sock(t, fd);
	ares_ssize_t n;

	if (!s) {
		errno = EBADF;
		return -1;
	}
	if (!t->encrypt && s->relay)
		return dc_transport_plain_relay_recv(t, s, data, len, from, fromlen);
	if (!t->encrypt)
		return recvfrom(fd, data, len, flags, from, fromlen);
	if (s->server < 0) {
		errno = ECONNREFUSED;
		return -1;
	}
	n = s->type == SOCK_DGRAM ?
		dc_transport_udp_recv(t, s, data, len, from, fromlen) :
		dc_transport_tcp_recv(t, s, data, len);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		t->last_errno = errno;
	return n;
}

static const struct ares_socket_functions dc_socket_functions = {
	t_socket, t_close, t_connect, t_recvfrom, t_sendv
};

void dc_transport_init(struct dc_transport *t, int encrypt,
		       struct dc_tserver *servers, int nservers, size_t udp_max)
{
	memset(t, 0, sizeof(*t));
	t->encrypt = encrypt;
	t->servers = servers;
	t->nservers = nservers;
	t->udp_max = udp_max;
	t->last_server = -1;
}

void dc_transport_attach(struct dc_transport *t, ares_channel ch)
{
	ares_set_socket_functions(ch, &dc_socket_functions, t);
}

uint8_t *dc_transport_scratch(struct dc_transport *t)
{
	if (!t->scratch && !(t->scratch = malloc(DC_SCRATCH_CAP)))
		errno = ENOMEM;
	return t->scratch;
}

void dc_transport_cleanup(struct dc_transport *t)
{
	while (t->parked) {
		struct dc_tsock *s = t->parked;
		t->parked = s->next;
		s->next = t->socks;
		t->socks = s;
	}
	t->nparked = 0;
	while (t->socks) {
		struct dc_tsock *s = t->socks;
		t->socks = s->next;
		dc_fdreg_close(s->fd, s->gen, &s->id);
		sock_free(s);
	}
	if (t->scratch)
		sodium_memzero(t->scratch, DC_SCRATCH_CAP);
	free(t->scratch);
	t->scratch = NULL;
}
