/* dc_ctx.h - the per-thread resolver context and process-wide state.
 *
 * c-ares 1.18 channels are not thread-safe, so each thread that resolves
 * gets its own context (channel, transport, server sessions), made on
 * first use, re-made after fork and freed at thread exit.  What is worth
 * sharing between threads (the client key pair, fetched certificates) is
 * process-wide behind a mutex, with pthread_atfork handlers.
 */
#ifndef DC_CTX_H
#define DC_CTX_H

#include <stdint.h>
#include <sys/types.h>
#include <ares.h>
#include "dc_config.h"
#include "dc_search.h"
#include "dc_servers.h"
#include "dc_transport.h"

/* What the last lookup of this thread did (for dnscrypt-resolve). */
struct dc_diag {
	int server;                /* index of the server that answered, -1 */
	uint32_t cert_serial[DC_MAX_SERVERS];
	uint16_t cert_es[DC_MAX_SERVERS];
	uint32_t cert_ts_end[DC_MAX_SERVERS];
	dc_status cert_status[DC_MAX_SERVERS];
	int cert_check[DC_MAX_SERVERS];   /* dc_cert_check of the last fetch */
	int cert_from_disk[DC_MAX_SERVERS];
	char config_error[320];
};

struct dc_ctx {
	unsigned fork_gen;                 /* dc_fork_gen when made */
	struct dc_config cfg;
	struct dc_search search;
	/* The candidate names of the lookup in progress (dc_search_candidates):
	 * here rather than on the stack (8 KB; a lookup runs in 16 KiB). */
	char cand[DC_SEARCH_MAXCAND][DC_NAME_MAX];
	ares_channel ch;                   /* UDP (or TCP with tcp-only) */
	ares_channel ch_tcp;               /* TCP, when UDP gets no answer */
	struct dc_transport tr;
	struct dc_tserver srv[DC_MAX_SERVERS];
	time_t cert_until[DC_MAX_SERVERS];  /* re-check certificate after */
	int cert_refetch[DC_MAX_SERVERS];   /* skip the disk cache next time */
	/* Several servers (dc_servers.h): the order the channels ask them
	 * in, each server's route ids (one per relay of its route, or [0]
	 * direct) and the route chosen for this lookup. */
	int choice;                         /* several servers or routes */
	int save_wanted;                    /* the state file is to be written */
	int order[DC_MAX_SERVERS];
	uint8_t hid[DC_MAX_SERVERS][DC_MAX_VIA][DC_HEALTH_ID_LEN];
	int via_slot[DC_MAX_SERVERS];
	uint64_t deadline_ms;               /* of the lookup in progress */
	unsigned lookup_seq;
	/* lookup_seq of a failed certificate fetch, per route */
	unsigned fetch_failed[DC_MAX_SERVERS][DC_MAX_VIA];
	struct dc_diag diag;
	time_t config_checked;
	struct timespec config_mtime;
	struct dc_ctx *next;               /* registry of all contexts */
};

/* This thread's context, ready to send encrypted queries (certificates
 * fetched and checked).  DC_ECONFIG if not configured (no file, no
 * server), DC_ECONFREAD if the file exists but cannot be read, DC_ECONFBAD
 * if it is wrong (dc_config_load_default)
 * (the message is in diag->config_error, see dc_ctx_last_diag). */
dc_status dc_ctx_get(struct dc_ctx **out);

/* After a lookup that got no valid answer: the certificate may have been
 * rotated, so fetch it again before the next one. */
void dc_ctx_forget_certs(struct dc_ctx *c);

/* The context's TCP channel, made on first use; NULL when out of memory. */
ares_channel dc_ctx_tcp_channel(struct dc_ctx *c);

/* Diagnostics of this thread's last lookup, or NULL. */
const struct dc_diag *dc_ctx_last_diag(void);

/* Cancellation: a lookup runs with cancellation disabled (dc_resolve.c
 * saves the caller's state in dc_cancel_caller) except in dc_ctx_wait's
 * poll(), where no lock is held; a channel on the stack needs a cleanup
 * handler (pthread_cleanup_push) around the wait. */
extern __thread int dc_cancel_caller;

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t dc_now_ms(void);

/* Run the channel until *pending drops to zero or deadline_ms passes
 * (then the queries are cancelled and DC_ETIMEOUT returned). */
dc_status dc_ctx_wait(ares_channel ch, const int *pending, uint64_t deadline_ms);

/* Make a c-ares channel with our transport: servers from cfg, no
 * resolv.conf read, timeout and tries from cfg. */
dc_status dc_channel_new(ares_channel *ch, struct dc_transport *tr,
			 const struct dc_config *cfg, const struct dc_stamp *const *servers,
			 int nservers, int use_tcp);

/* Certificates: fetch (or take from the process-wide store) the best valid
 * certificate of server i (through its relay, if it has one) and set up
 * its session, giving up at deadline_ms.  Defined in dc_certfetch.c. */
dc_status dc_cert_ensure(struct dc_ctx *ctx, int i, time_t now,
			 uint64_t deadline_ms);

#endif
