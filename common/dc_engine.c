/* SPDX-License-Identifier: ISC */
/* dc_engine.c - the one lookup engine (dc_engine.h): the budget, the
 * servers in their order (their sessions: dc_engine_session.c), UDP then
 * TCP, certificates fetched again when a cached one gets no answer, and
 * the one place where an answer is accepted.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "dc_cachedir.h"
#include "dc_ctx_plan.h"
#include "dc_engine.h"
#include "dc_engine_session.h"
#include "dc_secval.h"
#include "dc_wire.h"

static __thread int tls_last_server = -1;
static __thread const struct dc_ctx *tls_last_ctx;

int dc_lookup_last_server(void)
{
	return tls_last_server;
}

int dc_lookup_secinfo(struct dc_secinfo *out)
{
	const struct dc_ctx *c = tls_last_ctx;

	if (!c)
		return -1;
	*out = c->secinfo;
	return 0;
}

int dc_lookup_certinfo(int i, struct dc_certinfo *out)
{
	const struct dc_ctx *c = tls_last_ctx;

	if (!c || i < 0 || i >= c->cfg.nservers)
		return -1;
	*out = c->cert[i];
	return 0;
}

/* The first try of a lookup whose outcome decides a change of plan (a
 * certificate from the disk cache not yet proven, servers still without a
 * session): c-ares's first two timeouts, at most half the budget. */
static uint64_t first_try_ms(const struct dc_config *cfg)
{
	uint64_t t = 2 * (uint64_t)cfg->timeout_ms, half = (uint64_t)cfg->total_timeout_ms / 2;

	return t < half ? t : half;
}

/* ------------------------------------------------------------- answers */

/* THE place where an answer is accepted for a question.  What reaches it
 * came from a server we hold a session with, was authenticated and
 * decrypted by the transport (dc_transport_open_answer: nonce and MAC),
 * and c-ares matched its id and question to q's query.  Everything that
 * is to be checked before an answer counts goes here, for every kind of
 * lookup; DNSSEC validation, which asks more questions through this
 * engine, runs once the questions of dc_lookup_ask are all answered
 * (validate_answers), outside c-ares's processing. */
static dc_status accept_answer(struct dc_lookup *lk, struct dc_question *q, int tcp)
{
	struct dc_qres *r = &q->r;

	if (r->alen < 12 || !(r->abuf[2] & 0x80))   /* a response (QR) */
		return DC_EBADRESP;
	q->ans = r->abuf;
	q->alen = r->alen;
	r->abuf = NULL;
	r->alen = 0;
	lk->server = tls_last_server = lk->ctx->tr.last_server;
	lk->tcp |= tcp;
	return DC_OK;
}

struct run_set {
	struct dc_question *q;
	int n;
};

/* Frees the raw answers of a run, also when the thread is cancelled in
 * its wait (one answer may have come already). */
static void qres_free_all(void *arg)
{
	struct run_set *rs = arg;

	for (int i = 0; i < rs->n; i++)
		dc_qres_free(&rs->q[i].r);
}

/* Ask the questions still without an answer on one channel until they
 * are answered or deadline passes; each keeps its most telling outcome
 * (an answer, else an error other than a timeout). */
static void run(struct dc_lookup *lk, ares_channel ch, struct dc_question *q,
		int n, uint64_t deadline, int tcp)
{
	struct run_set rs = { q, n };
	int pending = 0, asked[DC_LOOKUP_MAXQ] = { 0 };
	int sec = lk->ctx->cfg.dnssec == DC_DNSSEC_VALIDATE;
	dc_status w;

	for (int i = 0; i < n; i++) {
		if (q[i].st == DC_OK)
			continue;
		asked[i] = 1;
		if (q[i].msg)
			dc_query_start_msg(ch, q[i].msg, q[i].msglen, sec, &q[i].r,
					   &pending);
		else
			dc_query_start(ch, q[i].name, q[i].dnsclass, q[i].type, sec,
				       &q[i].r, &pending);
	}
	pthread_cleanup_push(qres_free_all, &rs);
	w = dc_ctx_wait(ch, &pending, deadline);
	pthread_cleanup_pop(0);
	for (int i = 0; i < n; i++) {
		dc_status st;

		if (!asked[i])
			continue;
		st = dc_qres_status(&q[i].r);
		if (st == DC_OK)
			st = accept_answer(lk, &q[i], tcp);
		else if (w != DC_OK && w != DC_ETIMEOUT)
			st = w;
		/* c-ares reports a connection it closed after a bad TCP
		 * frame as refused (or, out of tries, timed out). */
		if ((st == DC_ECONNREFUSED || st == DC_ETIMEOUT) && lk->ctx->tr.bad_frames)
			st = DC_EBADFRAME;
		if (st != DC_ETIMEOUT || q[i].st == DC_ETIMEOUT)
			q[i].st = st;
		dc_qres_free(&q[i].r);
	}
}

static int answered(const struct dc_question *q, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += q[i].st == DC_OK;
	return k;
}

/* UDP for half the time to limit, then TCP for what it did not answer (a
 * network that drops UDP to the resolver still gets answers; c-ares
 * itself moves truncated answers to TCP).  A server whose UDP is known to
 * get no answer is asked over TCP at once, UDP probed again now and then
 * with a short try. */
static void udp_then_tcp(struct dc_lookup *lk, struct dc_question *q, int n,
			 uint64_t limit)
{
	struct dc_ctx *c = lk->ctx;
	time_t now = time(NULL);
	uint64_t t = dc_now_ms(), ud;
	int first = c->chan[0], probe = 0, udp, got, long_try = 0;
	ares_channel tcp;

	if (c->cfg.tcp_only) {
		run(lk, c->ch, q, n, limit, 1);
		return;
	}
	udp = dc_ctx_udp_state(c, first, now, &probe);
	got = 0;
	if (udp) {
		ud = t + (limit > t ? (limit - t) / 2 : 0);
		if (probe && ud > t + first_try_ms(&c->cfg) / 2)
			ud = t + first_try_ms(&c->cfg) / 2;
		run(lk, c->ch, q, n, ud, 0);
		got = answered(q, n);
		/* One lost datagram is no UDP failure: UDP must have had two
		 * tries' time (c-ares's first timeout and its double). */
		long_try = dc_now_ms() - t >= 3 * (uint64_t)c->cfg.timeout_ms;
		if (got && probe)
			dc_ctx_note_udp(c, lk->server >= 0 ? lk->server : first, 1);
		if (got == n || dc_now_ms() >= limit)
			return;
	}
	tcp = dc_ctx_tcp_channel(c);
	if (!tcp) {
		for (int i = 0; i < n; i++)
			if (q[i].st != DC_OK)
				q[i].st = DC_ENOMEM;
		return;
	}
	run(lk, tcp, q, n, limit, 1);
	/* UDP brought nothing where TCP did: remember it for this server. */
	if (udp && long_try && !got && answered(q, n) && lk->server >= 0 &&
	    !c->tr.bad_frames)
		dc_ctx_note_udp(c, lk->server, 0);
}

/* The answers of a lookup (not of a validator's fetch), as given to the
 * caller: validated with "dnssec validate" (the fetches are nested
 * lookups: the last server is the one that answered the question), else
 * without the resolver's AD bit.  rc: dc_lookup_ask's outcome so far. */
static dc_status validate_answers(struct dc_lookup *lk, struct dc_question *q,
				  int n, dc_status rc)
{
	int server = lk->server;

	if (lk->ctx->cfg.dnssec != DC_DNSSEC_VALIDATE) {
		for (int i = 0; i < n; i++)
			if (q[i].st == DC_OK)
				dc_wire_answer_flags(q[i].ans, q[i].alen, 0,
						     q[i].msg && q[i].msglen >= 4 &&
						     (q[i].msg[3] & 0x10));
		return rc;
	}
	dc_secval_check(lk, q, n);
	lk->server = tls_last_server = server;
	tls_last_ctx = lk->ctx;
	for (int i = 0; i < n; i++)
		if (q[i].st == DC_EBOGUS || q[i].st == DC_EDNSSEC)
			return q[i].st;
	return rc;
}

/* ------------------------------------------------------------- lookups */

dc_status dc_lookup_begin(struct dc_lookup *lk)
{
	struct dc_ctx *c;
	dc_status rc;

	memset(lk, 0, sizeof(*lk));
	lk->server = tls_last_server = -1;
	tls_last_ctx = NULL;
	/* The clock starts here for every kind of lookup. */
	lk->start_ms = dc_now_ms();
	rc = dc_ctx_get(&c);
	if (rc != DC_OK)
		return rc;
	lk->ctx = c;
	tls_last_ctx = c;
	memset(&c->secinfo, 0, sizeof c->secinfo);
	rc = dc_secval_prepare(c);
	if (rc != DC_OK)
		return rc;
	lk->deadline_ms = c->deadline_ms = lk->start_ms + (uint64_t)c->cfg.total_timeout_ms;
	c->tr.last_server = -1;
	c->tr.bad_frames = 0;
	c->lookup_seq++;
	/* The cache directory is walked once for the state file, the
	 * certificate and the keys of this lookup (dc_cachedir.h); dropped
	 * before the first query is sent, and by dc_resolve_* in any case. */
	dc_cachedir_hold();
	/* With one server too: what is known of its UDP. */
	dc_servers_load(&c->cfg, 0);
	dc_ctx_plan(c, time(NULL));
	return DC_OK;
}

dc_status dc_lookup_ask(struct dc_lookup *lk, struct dc_question *q, int n)
{
	struct dc_ctx *c = lk->ctx;
	dc_status rc = DC_OK;

	if (n < 1 || n > DC_LOOKUP_MAXQ)
		return DC_EBADARG;
	for (int i = 0; i < n; i++) {
		q[i].st = DC_ETIMEOUT;
		q[i].ans = NULL;
		q[i].alen = 0;
		memset(&q[i].r, 0, sizeof(q[i].r));
	}
	for (;;) {
		time_t now = time(NULL);
		uint64_t t = dc_now_ms(), limit = lk->deadline_ms;
		int first, unproven, more;

		if (t >= lk->deadline_ms)
			break;
		/* A session with the first server of the order, made before
		 * c-ares sends anything. */
		first = dc_engine_next_server(c, now, 1);
		if (first < 0 || !dc_engine_has_session(c, first, now) ||
		    now >= c->cert[first].until) {
			rc = dc_engine_prepare(lk, now);
			if (rc != DC_OK && dc_engine_next_server(c, now, 1) < 0) {
				for (int i = 0; i < n; i++)
					q[i].st = rc;
				break;
			}
		}
		rc = dc_engine_sync_channels(c, now);
		dc_cachedir_drop();
		if (rc != DC_OK) {
			for (int i = 0; i < n; i++)
				q[i].st = rc;
			break;
		}
		first = c->chan[0];
		unproven = dc_engine_unproven_keys(c, first) &&
			   c->srv[first].answers == 0 && !lk->refetched;
		more = dc_engine_next_server(c, now, 0) >= 0;
		if ((unproven || more) && limit > t + first_try_ms(&c->cfg))
			limit = t + first_try_ms(&c->cfg);
		udp_then_tcp(lk, q, n, limit);
		if (answered(q, n) == n || dc_now_ms() >= lk->deadline_ms)
			break;
		if (unproven) {
			/* The server may have new keys: fetch its certificate
			 * again and ask again, inside this lookup's budget. */
			dc_engine_forget_certs(c, 1);
			lk->refetched = 1;
			continue;
		}
		if (more) {
			/* Failover: the next server gets its session now
			 * (outside c-ares), and the channels it. */
			int j = dc_engine_next_server(c, now, 0);
			dc_ctx_plan(c, now);
			t = dc_now_ms();
			(void)dc_engine_make_session(lk, j, now, t + (lk->deadline_ms - t) / 2);
			continue;
		}
		break;
	}
	dc_ctx_save_state(c);
	for (int i = 0; i < n; i++) {
		if (q[i].st != DC_OK) {
			rc = q[i].st;
			break;
		}
	}
	if (!answered(q, n) && (rc == DC_ETIMEOUT || rc == DC_ECONNREFUSED ||
				rc == DC_EBADRESP || rc == DC_EBADFRAME))
		dc_engine_forget_certs(c, 0);
	if (answered(q, n) == n)
		rc = DC_OK;
	return lk->nested ? rc : validate_answers(lk, q, n, rc);
}

void dc_question_free(struct dc_question *q, int n)
{
	for (int i = 0; i < n; i++) {
		dc_qres_free(&q[i].r);
		free(q[i].ans);
		q[i].ans = NULL;
		q[i].alen = 0;
	}
}
