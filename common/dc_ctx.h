/* SPDX-License-Identifier: ISC */
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
#include "dc_certfetch.h"
#include "dc_channel.h"
#include "dc_config.h"
#include "dc_search.h"
#include "dc_secmemo.h"
#include "dc_secval.h"
#include "dc_servers.h"
#include "dc_transport.h"

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
	struct dc_certinfo cert[DC_MAX_SERVERS]; /* each server's certificate */
	int cert_refetch[DC_MAX_SERVERS];   /* skip the disk cache next time */
	/* The servers the channels hold, in order: those with a session
	 * (the lookup engine gives c-ares no other). */
	int chan[DC_MAX_SERVERS];
	int nchan;
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
	/* lookup_seq of the last failure recorded, per route */
	unsigned fail_noted[DC_MAX_SERVERS][DC_MAX_VIA];
	/* dnssec validate (dc_secval.h): this thread's validator, what the
	 * last lookup's validation found, and scratch space for it (not on
	 * the stack: a lookup runs in 16 KiB). */
	struct dc_sec_validator *secv;
	const struct dc_sec_ops *secops;
	struct dc_secinfo secinfo;
	struct dc_sec_result secres;
	char secname[DC_NAME_MAX + 1];
	struct dc_secmemo secmemo;          /* verdicts on answers seen */
	int sec_ready;                      /* object and anchor there, memo read */
	int sec_dirty;                      /* verdicts not yet in the memo file */
	time_t sec_saved;                   /* when the memo file was last written */
	int sec_saves;                      /* how many times, in this context */
	uint8_t sec_anchor[DC_SECBIND_DIGEST]; /* the anchor file's digest */
	uint8_t *sec_anchor_bytes;          /* its bytes, until the validator is open */
	size_t sec_anchor_len;
	uintptr_t stack_lo;                 /* this thread's stack, low end */
	int stack_lo_known;
	time_t config_checked;
	struct timespec config_mtime;
	struct dc_ctx *next;               /* registry of all contexts */
};

/* This thread's context (made on first use, re-made in a child process
 * or after a change of the configuration file).  DC_ECONFIG if not
 * configured (no file, no server), DC_ECONFREAD if the file exists but
 * cannot be read, DC_ECONFBAD if it is wrong (dc_config_load_default).
 * The lookup engine (dc_engine.h) does the rest. */
dc_status dc_ctx_get(struct dc_ctx **out);

/* The context's TCP channel, made on first use with the servers of
 * c->chan; NULL when out of memory. */
ares_channel dc_ctx_tcp_channel(struct dc_ctx *c);

/* The process's client key pair (one per process, a new one after fork). */
void dc_ctx_keypair(struct dc_keypair *kp);

/* dc_channel_wait for the thread's channels: no lookup may start from
 * inside it (a backend called by something we do), and the state file is
 * written when the outermost wait ends, never from inside c-ares's
 * processing, where the hooks run. */
dc_status dc_ctx_wait(ares_channel ch, const int *pending, uint64_t deadline_ms);

#endif
