/* SPDX-License-Identifier: ISC */
/* dc_transport.h - DNSCrypt under c-ares: the socket functions
 * (ares_set_socket_functions) that encrypt every query c-ares sends and
 * authenticate every answer before c-ares sees it, on UDP and TCP.
 *
 * A transport belongs to one c-ares channel and so to one thread.
 *
 * Servers are recognised by the address c-ares connects to.  A server
 * with a relay is reached through it (Anonymized DNSCrypt, dc_relay.h):
 * the socket is connected to the relay, every query carries the relay
 * header, and answers are handed to c-ares as if from the server.  The
 * plain certificate channel does the same for a relayed server.
 */
#ifndef DC_TRANSPORT_H
#define DC_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <ares.h>
#include "dc_crypt.h"
#include "dc_stamp.h"

#define DC_PENDING 64   /* outstanding client nonces kept per socket */

/* What a channel's transport knows of one resolver. */
struct dc_tserver {
	const struct dc_stamp *stamp;
	const struct dc_stamp *relay; /* queries go through this relay; NULL: direct */
	int has_session;
	struct dc_session session;
	uint8_t resolver_pk[32];    /* of the certificate in use */
	int ephemeral;              /* a fresh client key pair per query */
	size_t udp_wire;            /* current padded UDP query size */
	unsigned tc_seen;           /* truncated UDP answers seen */
	unsigned bad_answers;       /* answers dropped as unauthenticated */
	unsigned answers;           /* authenticated with this session */
};

struct dc_tsock;

struct dc_transport {
	int encrypt;                /* 0: plain (certificate fetch) channel */
	struct dc_tserver *servers;
	int nservers;
	size_t udp_max;             /* cap for udp_wire growth */
	struct dc_tsock *socks;
	struct dc_tsock *parked;    /* closed by c-ares, kept for reuse */
	int nparked;
	uint8_t nonce_pool[DC_NONCE_HALF * 16];
	size_t nonce_left;
	int last_errno;             /* last socket error seen (diagnostics) */
	int last_server;            /* server of the last authenticated answer, -1 */
	unsigned bad_frames;        /* TCP answer frames refused (the lookup clears it) */
	/* The owner's hooks (dc_ctx), both optional (never a network wait:
	 * they run inside c-ares's processing):
	 * on_answer: an authenticated answer from server i, rtt_us after its
	 *   query was sent (a round-trip sample when sample is set: UDP, or
	 *   TCP when tcp_samples);
	 * on_silence: a socket to server i closed after queries and no
	 *   authenticated answer (timed out, refused, or only junk came). */
	void (*on_answer)(void *arg, int server, uint32_t rtt_us, int sample);
	void (*on_silence)(void *arg, int server);
	void *hook_arg;
	int tcp_samples;
	uint8_t *scratch;           /* the socket functions' buffers, on the heap
	                             * (a lookup runs in 16 KiB of stack) */
};

void dc_transport_init(struct dc_transport *t, int encrypt,
		       struct dc_tserver *servers, int nservers, size_t udp_max);

/* Install the transport's functions on a channel. */
void dc_transport_attach(struct dc_transport *t, ares_channel ch);

/* Free per-socket state of sockets c-ares has closed; call after
 * ares_destroy (which closes every socket through the hooks). */
void dc_transport_cleanup(struct dc_transport *t);

/* The process's fork generation: 0, bumped in every child by
 * dc_transport_atfork_child.  Whatever was made in an earlier generation
 * (a socket, a context, the key pair, the nonce pool) belongs to a
 * parent.  fork() runs the handlers; for a child of _Fork() or a raw
 * clone(), which run none, dc_ctx_get runs the child handler in the
 * child's first lookup (dc_proc.h). */
extern unsigned dc_fork_gen;

/* Process-wide registry of the descriptors the transports opened, so that
 * a child process can close the ones in use by other threads at fork time.
 * Its lock is held by dc_ctx's fork handlers across fork() (prepare ...
 * parent) and around c-ares's channel set-up, which opens /dev/urandom for
 * a moment (close-on-exec through dc_channel.c's __wrap_fopen): no fork()
 * can copy that descriptor into a child that does not exec.  dc_transport_atfork_child is the child handler. */
void dc_fdreg_lock(void);
void dc_fdreg_unlock(void);
/* Close the parked UDP sockets (any thread's) that have been idle a few
 * seconds; called at the start of every lookup, cheap when none is due. */
void dc_fdreg_reap(void);
void dc_transport_atfork_child(void);

#endif
