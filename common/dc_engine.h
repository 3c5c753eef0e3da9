/* SPDX-License-Identifier: ISC */
/* dc_engine.h - the one lookup engine.  Every kind of lookup (addresses
 * for a name, names for an address, a raw question, a caller's res_send
 * message; dc_resolve.c) is one struct dc_lookup that asks sets of
 * questions here and reads the answers.  The engine owns the rest:
 *
 *  - the time budget: total-timeout from dc_lookup_begin, the same point
 *    for every kind, certificate fetches included;
 *  - the servers: their order and routes (relays), a session with a
 *    certificate before c-ares sends anything to a server (a channel only
 *    ever holds servers with a session: no certificate is fetched from
 *    inside c-ares's processing), failover to the next server;
 *  - UDP, then TCP for what UDP did not answer (truncated answers move to
 *    TCP inside c-ares); a server whose UDP gets no answer where TCP does
 *    is remembered (servers.state) and asked over TCP first, UDP probed
 *    again after DC_UDP_RETRY;
 *  - certificates: a lookup whose session came from the disk cache and
 *    gets no valid answer in a short first try fetches the certificate
 *    again and asks again, inside the same budget (the server may have
 *    new keys);
 *  - answers: exactly one function accepts an authenticated answer for a
 *    question (accept_answer in dc_engine.c); with "dnssec validate" the
 *    answers of each dc_lookup_ask are then validated (dc_secval.h) and
 *    a bogus one is dropped (DC_EBOGUS).
 */
#ifndef DC_ENGINE_H
#define DC_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include "dc_ctx.h"
#include "dc_query.h"
#include "dc_status.h"

/* One question and, once asked, its outcome. */
struct dc_question {
	/* in: name, class and type; or msg, a whole query (res_send) */
	const char *name;
	int dnsclass, type;
	const uint8_t *msg;
	size_t msglen;
	/* out */
	dc_status st;            /* DC_OK: ans holds the accepted answer */
	uint8_t *ans;            /* malloc'ed; a msg's answer keeps its id */
	size_t alen;
	struct dc_qres r;        /* c-ares's side (internal) */
};

struct dc_lookup {
	struct dc_ctx *ctx;      /* NULL until dc_lookup_begin succeeded */
	uint64_t start_ms, deadline_ms;
	int server;              /* server of the last accepted answer, -1 */
	int tcp;                 /* an answer came over TCP */
	int refetched;           /* certificates fetched again in the lookup */
	const char *how;         /* for the log: " from the cache", or NULL */
	int nested;              /* a DNSSEC validator's fetch inside a lookup:
	                          * its answers are not validated again */
};

/* Start a lookup: its clock, this thread's context, the servers' order,
 * a session with the first server that can have one.  With "dnssec
 * validate" and no validator (object or trust anchor missing): DC_EDNSSEC,
 * lk->ctx set (its secinfo.why says why). */
dc_status dc_lookup_begin(struct dc_lookup *lk);

/* The most questions one dc_lookup_ask asks at once (A and AAAA). */
#define DC_LOOKUP_MAXQ 2

/* Ask n questions (1..DC_LOOKUP_MAXQ; DC_EBADARG otherwise) at once; each
 * gets its own outcome (q->st).  DC_OK when every question got an answer
 * accepted (whatever its rcode), else the reason the first unanswered one
 * got none; with "dnssec validate", DC_EBOGUS when any answer failed
 * validation, DC_EDNSSEC when the validator was needed and could not be
 * loaded (its q->st too; the others keep theirs).  The answers given
 * have AD set iff they validated secure here, CD as in the caller's
 * message (never the resolver's AD: RFC 6840 5.8, and glibc without
 * trust-ad clears it too). */
dc_status dc_lookup_ask(struct dc_lookup *lk, struct dc_question *q, int n);

/* Free the answers (the questions stay as they were). */
void dc_question_free(struct dc_question *q, int n);

/* The server whose answer this thread's last lookup accepted, -1. */
int dc_lookup_last_server(void);

/* What this thread's last lookup knew of server i's certificate (the one
 * in use, or why there is none): 0, or -1 when it had no context. */
int dc_lookup_certinfo(int i, struct dc_certinfo *out);

/* What this thread's last lookup's DNSSEC validation found (the last
 * dc_lookup_ask of it): 0, or -1 when it had no context. */
int dc_lookup_secinfo(struct dc_secinfo *out);

#endif
