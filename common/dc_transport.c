/* dc_transport.c - c-ares socket functions that speak DNSCrypt.
 *
 * c-ares keeps its engine (ids, retries, timeouts, TC->TCP, matching);
 * these hooks sit between it and the kernel.  Facts about c-ares 1.18.1
 * that shape them (design.md 1.1):
 *  - with socket functions set, c-ares configures nothing on the socket:
 *    non-blocking, close-on-exec and TCP_NODELAY are ours to set;
 *  - UDP: one asendv per DNS message; arecvfrom is called until it returns
 *    -1/EAGAIN, and an error return closes the socket for every query in
 *    flight, so an answer that fails authentication is dropped and the
 *    next datagram read instead;
 *  - TCP: c-ares writes "len(2) | message" frames (several per asendv when
 *    pipelined) and reads the 2-byte length, then the exact remainder, one
 *    read per ares_process_fd call.
 * Through a relay (ANONYMIZED-DNSCRYPT.txt) the socket is connected to
 * the relay, each datagram or TCP frame starts with the relay header, and
 * an empty datagram from the relay is its refusal ("the relay must
 * immediately respond to clients with an empty packet").
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "dc_relay.h"
#include "dc_transport.h"

struct dc_buf {
	uint8_t *p;
	size_t len, off, cap;
};

struct dc_pending {
	int used;
	uint64_t sent_us;            /* CLOCK_MONOTONIC, for the RTT */
	uint8_t nonce[DC_NONCE_HALF];
	struct dc_session session;   /* the keys this query was sent with */
};

struct dc_tsock {
	int fd;
	int type;                    /* SOCK_DGRAM or SOCK_STREAM */
	int server;                  /* index in transport->servers, -1 plain */
	const struct dc_stamp *relay; /* connected to this relay, or NULL */
	unsigned gen;                /* fork generation it was opened in */
	int domain;                  /* the family c-ares asked for */
	int family;                  /* the socket's own (a relay's may differ) */
	dev_t dev;                   /* identity of our socket (fstat), so */
	ino_t ino;                   /* that a reused number is noticed */
	int foreign;                 /* the number is no longer ours */
	int connected;               /* to peer (UDP, kept across parking) */
	struct sockaddr_storage peer;
	unsigned sent, answered;     /* queries sealed, answers authenticated */
	struct dc_pending pending[DC_PENDING];
	unsigned next_slot;
	/* TCP only */
	struct dc_buf txp;           /* plain frames from c-ares, not yet sealed */
	struct dc_buf txc;           /* sealed frames not yet taken by the kernel */
	size_t held;                 /* bytes c-ares thinks unsent but we own */
	struct dc_buf rxp;           /* opened frames with a plain length prefix */
	int kernel_hold;             /* last byte of the frame left in the kernel */
	uint8_t rxhdr[2];
	size_t rxhdr_len;
	uint8_t *rxc;                /* sealed frame being read */
	size_t rxc_len, rxc_need;
	struct dc_tsock *next;
};

#define DC_MAX_ANSWER_WIRE (DC_ANSWER_OVERHEAD + DC_MAX_DNS_MSG + 256)
#define DC_MAX_QUERY_WIRE  (DC_QUERY_OVERHEAD + DC_MAX_DNS_MSG + 64)
#define DC_OUT_CAP         (DC_RELAY_HDR_LEN + DC_MAX_QUERY_WIRE + 1024)

/* ---- process-wide descriptor registry (fork safety) ---- */

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static int *reg_fds;
static size_t reg_n, reg_cap;
static unsigned reg_gen;

/* socket() and close() happen under the registry lock, and fork takes
 * that lock first (atfork_prepare): no child can inherit a socket that the
 * registry does not list, nor close a number the registry still lists
 * after the parent reused it. */
static int reg_socket(int domain, int type, int protocol, unsigned *gen)
{
	int fd = -1, saved;

	pthread_mutex_lock(&reg_lock);
	if (reg_n == reg_cap) {
		size_t ncap = reg_cap ? reg_cap * 2 : 16;
		int *n = realloc(reg_fds, ncap * sizeof(*n));
		if (!n) {
			errno = ENOMEM;
			goto done;
		}
		reg_fds = n;
		reg_cap = ncap;
	}
	fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd >= 0) {
		reg_fds[reg_n++] = fd;
		*gen = reg_gen;
	}
done:
	saved = errno;
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
	return fd;
}

/* Put a new socket of another family (a relay's) under fd's number:
 * c-ares made the socket for the server's family.  Under the lock, so
 * that the short-lived second descriptor cannot leak into a child. */
static int reg_replace(int fd, int domain, int type, unsigned gen)
{
	int nfd, rc = -1, saved, one = 1;

	pthread_mutex_lock(&reg_lock);
	if (gen != reg_gen) {
		errno = EBADF;
		goto done;
	}
	nfd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (nfd < 0)
		goto done;
	if (type == SOCK_STREAM)
		(void)setsockopt(nfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	rc = dup3(nfd, fd, O_CLOEXEC) < 0 ? -1 : 0;
	saved = errno;
	close(nfd);
	errno = saved;
done:
	saved = errno;
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
	return rc;
}

/* Close fd if it was opened in generation gen (and so is still ours). */
static void reg_close(int fd, unsigned gen)
{
	pthread_mutex_lock(&reg_lock);
	if (gen == reg_gen) {
		for (size_t i = 0; i < reg_n; i++) {
			if (reg_fds[i] == fd) {
				reg_fds[i] = reg_fds[--reg_n];
				close(fd);
				break;
			}
		}
	}
	pthread_mutex_unlock(&reg_lock);
}

/* Drop fd from the registry without closing it: the program closed our
 * socket and the number now names something of its own. */
static void reg_forget(int fd, unsigned gen)
{
	pthread_mutex_lock(&reg_lock);
	if (gen == reg_gen) {
		for (size_t i = 0; i < reg_n; i++) {
			if (reg_fds[i] == fd) {
				reg_fds[i] = reg_fds[--reg_n];
				break;
			}
		}
	}
	pthread_mutex_unlock(&reg_lock);
}

/* Held around c-ares's channel set-up, which opens /dev/urandom without
 * close-on-exec for a moment: no fork() (whose prepare handler takes this
 * lock) can copy that descriptor into a child. */
void dc_transport_fork_block(void)
{
	pthread_mutex_lock(&reg_lock);
}

void dc_transport_fork_unblock(void)
{
	pthread_mutex_unlock(&reg_lock);
}

void dc_transport_atfork_prepare(void)
{
	pthread_mutex_lock(&reg_lock);
}

void dc_transport_atfork_parent(void)
{
	pthread_mutex_unlock(&reg_lock);
}

/* In the child, sockets of lookups running in other threads at fork time
 * belong to threads that no longer exist: close them so they neither leak
 * nor get reused.  close() is async-signal-safe. */
void dc_transport_atfork_child(void)
{
	int saved = errno;

	for (size_t i = 0; i < reg_n; i++)
		close(reg_fds[i]);
	reg_n = 0;
	reg_gen++;
	pthread_mutex_init(&reg_lock, NULL);
	errno = saved;
}

/* ---- helpers ---- */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void sock_identify(struct dc_tsock *s)
{
	struct stat st;

	if (fstat(s->fd, &st) == 0) {
		s->dev = st.st_dev;
		s->ino = st.st_ino;
	}
}

/* Still the socket we made?  A program may close every descriptor it did
 * not open (daemons do) and get our number back from open(); a socket's
 * inode is unique while it lives. */
static int sock_still_ours(const struct dc_tsock *s)
{
	struct stat st;

	return s->gen == reg_gen && fstat(s->fd, &st) == 0 &&
	       st.st_dev == s->dev && st.st_ino == s->ino;
}

static struct dc_tsock *find_sock(struct dc_transport *t, int fd)
{
	for (struct dc_tsock *s = t->socks; s; s = s->next)
		if (s->fd == fd)
			return s;
	return NULL;
}

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
static int open_answer(struct dc_transport *t, struct dc_tsock *s,
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

/* Seal one DNS message for s's server and record its nonce (and the
 * session it was sealed with). */
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
static int wrap(struct dc_transport *t, struct dc_tserver *srv,
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

/* ---- parked UDP sockets ----
 * c-ares 1.18 closes every socket when no query is pending, so each lookup
 * would pay socket(), an ephemeral port for connect() and close(), and we
 * a fresh nonce table.  ARES_FLAG_STAYOPEN would keep TCP connections
 * too, which a server closes when idle (a wasted try, and a "silent"
 * server).  So an encrypting transport parks the UDP sockets c-ares closes
 * and hands them back on its next socket() call: after checking that the
 * number is still our socket, and reading off what came in meanwhile
 * (late answers, a pending ICMP error).  A fixed source port costs nothing
 * here: every answer is authenticated. */
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
	if (!t->encrypt || s->type != SOCK_DGRAM || s->foreign ||
	    s->gen != reg_gen || !s->connected || t->nparked >= DC_PARK_MAX)
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
		if (sock_still_ours(s)) {
			drain(s->fd);
			return s;
		}
		/* Not ours any more: forget it, never close it. */
		reg_forget(s->fd, s->gen);
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
	fd = reg_socket(domain, type, protocol, &s->gen);
	if (fd < 0) {
		free(s);
		return ARES_SOCKET_BAD;
	}
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->fd = fd;
	s->type = type;
	s->domain = s->family = domain;
	sock_identify(s);
	s->server = -1;
	s->next = t->socks;
	t->socks = s;
	return fd;
}

static void sock_free(struct dc_tsock *s)
{
	buf_free(&s->txp);
	buf_free(&s->txc);
	buf_free(&s->rxp);
	if (s->rxc)
		sodium_memzero(s->rxc, DC_MAX_ANSWER_WIRE);
	free(s->rxc);
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
	    t->on_silence && s->gen == reg_gen)
		t->on_silence(t->hook_arg, s->server);
	/* After a fork the child closed it already; never close a number
	 * that may by now belong to someone else. */
	if (park(t, s))
		return 0;
	if (!s->foreign)
		reg_close(fd, s->gen);
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
	 * resolvers, and only once it holds their keys (fetched now if the
	 * owner can: c-ares moved on to a server not asked before). */
	if (t->encrypt && s->server >= 0 && t->need_session &&
	    t->need_session(t->hook_arg, s->server) != 0) {
		errno = ECONNREFUSED;
		return -1;
	}
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
		if (reg_replace(fd, sa->sa_family, s->type, s->gen) != 0)
			return -1;
		s->family = sa->sa_family;
		sock_identify(s);
	}
	if (connect(fd, sa, salen) != 0)
		return -1;
	if (s->type == SOCK_DGRAM && salen <= sizeof(s->peer)) {
		memcpy(&s->peer, sa, salen);
		s->connected = 1;
	}
	return 0;
}

static ares_ssize_t udp_send(struct dc_transport *t, struct dc_tsock *s,
			     const struct iovec *iov, int iovcnt)
{
	struct dc_tserver *srv = &t->servers[s->server];
	uint8_t q[DC_MAX_DNS_MSG], out[DC_OUT_CAP];
	size_t qlen = 0, outlen;

	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_len > sizeof(q) - qlen) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(q + qlen, iov[i].iov_base, iov[i].iov_len);
		qlen += iov[i].iov_len;
	}
	if (wrap(t, srv, s, q, qlen, srv->udp_wire, out, sizeof(out), &outlen) != 0)
		return -1;
	if (send(s->fd, out, outlen, MSG_NOSIGNAL) < 0)
		return -1;
	return (ares_ssize_t)qlen;
}

/* Move every complete plain frame of txp into txc, sealed (or, on the
 * certificate channel, with the relay header). */
static int tcp_seal_frames(struct dc_transport *t, struct dc_tserver *srv,
			   struct dc_tsock *s)
{
	uint8_t out[DC_OUT_CAP + 2];
	/* TCP padding stays within 1..64 bytes (dnsdist refuses more than
	 * 256): min_wire 0 selects that rule.  A relay forwards over UDP
	 * (ANONYMIZED-DNSCRYPT.txt 3), so there the UDP rule applies. */
	size_t min_wire = s->relay ? srv->udp_wire : 0;

	while (s->txp.len - s->txp.off >= 2) {
		const uint8_t *f = s->txp.p + s->txp.off;
		size_t flen = ((size_t)f[0] << 8) | f[1], wlen;

		if (s->txp.len - s->txp.off < 2 + flen)
			break;
		if (wrap(t, srv, s, f + 2, flen, min_wire, out + 2, sizeof(out) - 2,
			 &wlen) != 0)
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

static ares_ssize_t tcp_send(struct dc_transport *t, struct dc_tsock *s,
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
		return s->type == SOCK_DGRAM ? udp_send(t, s, iov, iovcnt)
					     : tcp_send(t, s, iov, iovcnt);
	}
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = (struct iovec *)iov;
	mh.msg_iovlen = (size_t)iovcnt;
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
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

static ares_ssize_t udp_recv(struct dc_transport *t, struct dc_tsock *s,
			     uint8_t *data, size_t len, struct sockaddr *from,
			     ares_socklen_t *fromlen)
{
	struct dc_tserver *srv = &t->servers[s->server];
	uint8_t wire[DC_MAX_ANSWER_WIRE + 1], plain[DC_MAX_ANSWER_WIRE];
	size_t plen;

	/* Each pass consumes one datagram, so this ends at EAGAIN. */
	for (;;) {
		ssize_t n = recv(s->fd, wire, sizeof(wire), 0);

		if (n < 0)
			return -1;
		if (n == 0 && s->relay) {
			/* The relay's refusal: let c-ares move on now. */
			errno = ECONNREFUSED;
			return -1;
		}
		if (open_answer(t, s, wire, (size_t)n, plain, sizeof(plain),
				&plen) != 0)
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
static ares_ssize_t plain_relay_recv(struct dc_transport *t, struct dc_tsock *s,
				     uint8_t *data, size_t len,
				     struct sockaddr *from, ares_socklen_t *fromlen)
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

/* Read one sealed frame, all but its last byte: that one is only peeked
 * at and stays in the kernel until c-ares has taken the last byte of the
 * opened frame, so the socket keeps polling readable while we still hold
 * data for c-ares.  Returns 1 with a frame in s->rxp, 0 at EOF, -1. */
static int tcp_fill(struct dc_transport *t, struct dc_tsock *s)
{
	uint8_t plain[DC_MAX_ANSWER_WIRE + 2];
	size_t plen;
	ssize_t n;

	while (s->rxhdr_len < 2) {
		n = recv(s->fd, s->rxhdr + s->rxhdr_len, 2 - s->rxhdr_len, 0);
		if (n <= 0)
			return (int)n;
		s->rxhdr_len += (size_t)n;
		if (s->rxhdr_len == 2) {
			s->rxc_need = ((size_t)s->rxhdr[0] << 8) | s->rxhdr[1];
			if (s->rxc_need < DC_ANSWER_OVERHEAD + 12 ||
			    s->rxc_need > DC_MAX_ANSWER_WIRE) {
				errno = EBADMSG;
				return -1;
			}
			s->rxc_len = 0;
		}
	}
	if (!s->rxc && !(s->rxc = malloc(DC_MAX_ANSWER_WIRE))) {
		errno = ENOMEM;
		return -1;
	}
	while (s->rxc_len < s->rxc_need - 1) {
		n = recv(s->fd, s->rxc + s->rxc_len, s->rxc_need - 1 - s->rxc_len, 0);
		if (n <= 0)
			return (int)n;
		s->rxc_len += (size_t)n;
	}
	n = recv(s->fd, s->rxc + s->rxc_len, 1, MSG_PEEK);
	if (n <= 0)
		return (int)n;
	s->rxhdr_len = 0;
	if (open_answer(t, s, s->rxc, s->rxc_need, plain + 2,
			sizeof(plain) - 2, &plen) != 0) {
		errno = EBADMSG; /* c-ares reconnects and sends again */
		return -1;
	}
	plain[0] = (uint8_t)(plen >> 8);
	plain[1] = (uint8_t)plen;
	if (buf_append(&s->rxp, plain, plen + 2) != 0) {
		errno = ENOMEM;
		return -1;
	}
	sodium_memzero(plain, plen + 2);
	s->kernel_hold = 1;
	return 1;
}

static ares_ssize_t tcp_recv(struct dc_transport *t, struct dc_tsock *s,
			     uint8_t *data, size_t len)
{
	size_t avail, k;

	if (s->rxp.off == s->rxp.len) {
		int rc = tcp_fill(t, s);
		if (rc <= 0)
			return rc;
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
		return plain_relay_recv(t, s, data, len, from, fromlen);
	if (!t->encrypt)
		return recvfrom(fd, data, len, flags, from, fromlen);
	if (s->server < 0) {
		errno = ECONNREFUSED;
		return -1;
	}
	n = s->type == SOCK_DGRAM ? udp_recv(t, s, data, len, from, fromlen)
				  : tcp_recv(t, s, data, len);
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
		if (!s->foreign)
			reg_close(s->fd, s->gen);
		sock_free(s);
	}
}
