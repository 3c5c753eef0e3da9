/* SPDX-License-Identifier: ISC */
/* dc_transport_int.h - what the files of the transport share: the state
 * kept per socket, the descriptor registry of dc_fdreg.c, the sealing and
 * opening of dc_transport_seal.c, and the UDP and TCP paths of
 * dc_transport_udp.c and dc_transport_tcp.c that the socket functions of
 * dc_transport.c call.  Internal to common/; dc_transport.h is the API.
 */
#ifndef DC_TRANSPORT_INT_H
#define DC_TRANSPORT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <ares.h>
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

/* A descriptor's identity (fstat): a socket's inode is unique while it
 * lives, so a number the program closed and reused is told apart. */
struct dc_fdid {
	dev_t dev;
	ino_t ino;
};

struct dc_tsock {
	int fd;
	int type;                    /* SOCK_DGRAM or SOCK_STREAM */
	int server;                  /* index in transport->servers, -1 plain */
	const struct dc_stamp *relay; /* connected to this relay, or NULL */
	unsigned gen;                /* fork generation it was opened in */
	int domain;                  /* the family c-ares asked for */
	int family;                  /* the socket's own (a relay's may differ) */
	struct dc_fdid id;           /* identity of our socket */
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
	struct dc_buf rxc;           /* sealed frame being read (len: bytes read) */
	size_t rxc_need;             /* its length from rxhdr; 0: not known yet */
	struct dc_tsock *next;
};

#define DC_MAX_UDP_ANSWER_WIRE (DC_ANSWER_OVERHEAD + DC_MAX_DNS_MSG + 256)
#define DC_MAX_QUERY_WIRE  (DC_QUERY_OVERHEAD + DC_MAX_DNS_MSG + 64)
#define DC_OUT_CAP         (DC_RELAY_HDR_LEN + DC_MAX_QUERY_WIRE + 1024)
/* The socket functions' buffers: a UDP query and its sealed form; a
 * UDP datagram and its opened form; a sealed TCP query frame (TCP answer
 * frames have heap buffers of their own, sized to them). */
#define DC_SCRATCH_CAP     (DC_MAX_DNS_MSG + DC_OUT_CAP + 2)
_Static_assert(2 * DC_MAX_UDP_ANSWER_WIRE + 1 <= DC_SCRATCH_CAP, "scratch too small");

/* t->scratch (DC_SCRATCH_CAP bytes), made on first use and freed by
 * dc_transport_cleanup; NULL with errno ENOMEM.  The socket functions
 * do not nest, so one buffer serves them all. */
uint8_t *dc_transport_scratch(struct dc_transport *t);

/* ---------------------------------------------- descriptor registry */

/* socket(), non-blocking and close-on-exec, listed in the registry; *gen
 * is set to the generation it was opened in, *id to its identity.  -1
 * with errno. */
int dc_fdreg_socket(int domain, int type, int protocol, unsigned *gen,
		    struct dc_fdid *id);
/* Put a new socket of another family (a relay's) under fd's number
 * (identity *id, updated): 0, or -1 with errno. */
int dc_fdreg_replace(int fd, int domain, int type, unsigned gen,
		     struct dc_fdid *id);
/* A UDP socket c-ares closed is kept for the next lookup: 1 when the
 * process may keep one more, else 0 (close it). */
int dc_fdreg_park(int fd, unsigned gen, const struct dc_fdid *id);
/* Take a parked socket back: 1 when it is still parked and still the
 * socket (gen, id) the registry opened; else 0, and dc_fdreg_close
 * forgets it (it was released when idle, or the number reused). */
int dc_fdreg_unpark(int fd, unsigned gen, const struct dc_fdid *id);
/* Take (fd, gen, id) off the registry, closing fd if it is still ours. */
void dc_fdreg_close(int fd, unsigned gen, const struct dc_fdid *id);

/* ------------------------------------------------- sealing, opening */

/* One query as it goes on the wire, without the TCP length prefix (see
 * dc_transport_seal.c): 0, or -1 with errno. */
int dc_transport_wrap(struct dc_transport *t, struct dc_tserver *srv,
		      struct dc_tsock *s, const uint8_t *q, size_t qlen,
		      size_t min_wire, uint8_t *out, size_t cap, size_t *outlen);
/* Check an answer against s's outstanding nonces and open it into out:
 * 0, or -1 (dropped as unauthenticated). */
int dc_transport_open_answer(struct dc_transport *t, struct dc_tsock *s,
			     const uint8_t *wire, size_t len, uint8_t *out,
			     size_t outcap, size_t *outlen);

/* ------------------------------------------------------------- UDP */

ares_ssize_t dc_transport_udp_send(struct dc_transport *t, struct dc_tsock *s,
				   const struct iovec *iov, int iovcnt);
ares_ssize_t dc_transport_udp_recv(struct dc_transport *t, struct dc_tsock *s,
				   uint8_t *data, size_t len, struct sockaddr *from,
				   ares_socklen_t *fromlen);
/* The certificate channel through a relay. */
ares_ssize_t dc_transport_plain_relay_recv(struct dc_transport *t,
					   struct dc_tsock *s, uint8_t *data,
					   size_t len, struct sockaddr *from,
					   ares_socklen_t *fromlen);

/* ------------------------------------------------------------- TCP */

ares_ssize_t dc_transport_tcp_send(struct dc_transport *t, struct dc_tsock *s,
				   const struct iovec *iov, int iovcnt);
ares_ssize_t dc_transport_tcp_recv(struct dc_transport *t, struct dc_tsock *s,
				   uint8_t *data, size_t len);
/* Free (and wipe) s's TCP buffers. */
void dc_transport_tcp_free(struct dc_tsock *s);

#endif
