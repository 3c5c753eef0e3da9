/* dc_resolve.c - lookups: search list, A/AAAA in parallel, PTR, raw. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_anscache.h"
#include "dc_ctx.h"
#include "dc_log.h"
#include "dc_query.h"
#include "dc_resolve.h"
#include "dc_resolve_int.h"
#include "dc_search.h"

#define T_A 1
#define T_PTR 12
#define T_AAAA 28
#define C_IN 1

dc_status dc_answer_status(const uint8_t *msg, size_t len)
{
	if (len < 12)
		return DC_EBADRESP;
	switch (msg[3] & 0x0f) {
	case 0:
		return (msg[6] | msg[7]) ? DC_OK : DC_ENODATA;
	case 2:
		return DC_ESERVFAIL;
	case 3:
		return DC_ENOTFOUND;
	default:
		return DC_EREFUSED;
	}
}

static dc_status lookup_ch(ares_channel ch, const char *name, int family,
			   uint64_t deadline, struct dc_hostres *out);

/* Transient failures: no valid answer came. */
static int no_answer(dc_status st)
{
	return st == DC_ETIMEOUT || st == DC_EBADRESP || st == DC_ECONNREFUSED;
}

/* UDP for half the time left, then TCP for the rest: a network that drops
 * UDP to the resolver still gets answers (c-ares itself only moves to TCP
 * after a truncated answer). */
static dc_status lookup_one(struct dc_ctx *ctx, const char *name, int family,
			    uint64_t deadline, struct dc_hostres *out)
{
	uint64_t now = dc_now_ms();
	ares_channel tcp;
	dc_status st;

	if (ctx->cfg.tcp_only || now >= deadline)
		return lookup_ch(ctx->ch, name, family, deadline, out);
	st = lookup_ch(ctx->ch, name, family, now + (deadline - now) / 2, out);
	if (st != DC_ETIMEOUT || out->answered)
		return st;
	dc_hostres_free(out);
	dc_hostres_init(out);
	tcp = dc_ctx_tcp_channel(ctx);
	if (!tcp)
		return DC_ENOMEM;
	return lookup_ch(tcp, name, family, deadline, out);
}

/* The server whose authenticated answer came last (the transport knows;
 * with several servers it need not be the first with a session). */
static void note_server(struct dc_ctx *ctx)
{
	if (ctx->tr.last_server >= 0) {
		ctx->diag.server = ctx->tr.last_server;
		return;
	}
	for (int i = 0; i < ctx->cfg.nservers; i++) {
		if (ctx->srv[i].has_session) {
			ctx->diag.server = i;
			return;
		}
	}
}

/* Frees the answers of a lookup_ch, also when the thread is cancelled
 * in its wait (one answer may have come already). */
static void qres_pair_free(void *p)
{
	struct dc_qres *r = p;

	dc_qres_free(&r[0]);
	dc_qres_free(&r[1]);
}

/* Ask for one candidate name; fills out (also on some failures: see
 * dc_hostres.answered). */
static dc_status lookup_ch(ares_channel ch, const char *name, int family,
			   uint64_t deadline, struct dc_hostres *out)
{
	struct dc_qres r[2];
	dc_status s[2], st, w;
	int types[2], n = 0, pending = 0;

	memset(r, 0, sizeof(r));
	if (family != AF_INET6)
		types[n++] = T_A;
	if (family != AF_INET)
		types[n++] = T_AAAA;
	for (int i = 0; i < n; i++)
		dc_query_start(ch, name, C_IN, types[i], &r[i], &pending);
	pthread_cleanup_push(qres_pair_free, r);
	w = dc_ctx_wait(ch, &pending, deadline);
	pthread_cleanup_pop(0);
	for (int i = 0; i < n; i++)
		s[i] = dc_qres_status(&r[i]);
	if (n == 1) {
		st = s[0] == DC_OK ? dc_dns_parse_addrs(r[0].abuf, r[0].alen,
							types[0], out) : s[0];
	} else if (s[0] != DC_OK && s[1] != DC_OK) {
		st = s[0];
	} else {
		/* gethostbyname4_r: both answers together, as glibc's
		 * gaih_getanswer (an answer that did not come is NULL). */
		st = dc_dns_parse_gaih(s[0] == DC_OK ? r[0].abuf : NULL, r[0].alen,
				       s[1] == DC_OK ? r[1].abuf : NULL, r[1].alen,
				       out);
	}
	for (int i = 0; i < n; i++)
		dc_qres_free(&r[i]);
	if (w != DC_OK && st != DC_OK && !out->answered)
		st = w;
	return st;
}

static dc_status resolve_name(const char *name, int family,
			      struct dc_hostres *out, struct dc_lookup_log *lg)
{
	char (*cand)[DC_NAME_MAX];
	struct dc_search_state ss;
	struct dc_ctx *ctx;
	uint64_t deadline, start;
	dc_status rc;
	int n;

	dc_hostres_init(out);
	if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC)
		return DC_EBADARG;
	rc = dc_dns_check_name(name);
	if (rc != DC_OK)
		return rc;
	start = dc_now_ms();
	rc = dc_ctx_get(&ctx);
	if (rc != DC_OK)
		return rc;
	lg->ctx = ctx;
	if (ctx->cfg.cache && dc_anscache_get(name, family, out) == DC_OK) {
		lg->how = " from the in-process cache";
		return DC_OK;
	}
	/* The budget covers the certificate fetch too. */
	deadline = start + (uint64_t)ctx->cfg.total_timeout_ms;
	cand = ctx->cand;
	n = dc_search_candidates(&ctx->search, name, cand, DC_SEARCH_MAXCAND);
	dc_search_begin(&ss, &ctx->search, name);
	for (int i = n > 0 ? 0 : -1; i >= 0;) {
		dc_hostres_free(out);
		dc_hostres_init(out);
		rc = lookup_one(ctx, cand[i], family, deadline, out);
		if (rc == DC_OK) {
			note_server(ctx);
			if (ctx->cfg.cache)
				dc_anscache_put(name, family, out);
			return DC_OK;
		}
		/* An answer with records ends glibc's search even when none
		 * of them was usable. */
		if (out->answered) {
			dc_hostres_free(out);
			dc_hostres_init(out);
			return rc;
		}
		i = dc_search_step(&ss, i, rc, NULL);
	}
	dc_hostres_free(out);
	dc_hostres_init(out);
	rc = dc_search_final(&ss);
	if (no_answer(rc))
		dc_ctx_forget_certs(ctx);
	return rc;
}

/* Cancellation is disabled in a lookup: open(), read() or write() inside
 * it would otherwise end the thread holding a lock, or a socket of a
 * channel that lives on its stack (the certificate fetch).  Only the wait
 * for answers on the thread's own channels is a cancellation point (see
 * dc_ctx_wait). */
static int nocancel_begin(void)
{
	int old = PTHREAD_CANCEL_ENABLE, e = errno;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	dc_cancel_caller = old;
	errno = e;
	return old;
}

static void nocancel_end(int old)
{
	int e = errno;

	dc_cancel_caller = -1;
	pthread_setcancelstate(old, NULL);
	errno = e;
}

dc_status dc_resolve_name(const char *name, int family, struct dc_hostres *out)
{
	int oldc = nocancel_begin();
	struct dc_lookup_log lg = { NULL, dc_now_ms(), NULL };
	dc_status rc = resolve_name(name, family, out, &lg);

	if (lg.ctx && dc_log_enabled(lg.ctx->cfg.log_target))
		dc_lookup_log_name(&lg, name, family, rc, out);
	nocancel_end(oldc);
	return rc;
}

static dc_status resolve_addr(int family, const void *addr, struct dc_hostres *out,
			      struct dc_lookup_log *lg)
{
	char qname[80];
	struct dc_qres r;
	struct dc_ctx *ctx;
	dc_status rc;
	int pending = 0;

	dc_hostres_init(out);
	rc = dc_dns_ptr_name(family, addr, qname, sizeof(qname));
	if (rc != DC_OK)
		return rc;
	rc = dc_ctx_get(&ctx);
	if (rc != DC_OK)
		return rc;
	lg->ctx = ctx;
	dc_query_start(ctx->ch, qname, C_IN, T_PTR, &r, &pending);
	rc = dc_ctx_wait(ctx->ch, &pending,
			 dc_now_ms() + (uint64_t)ctx->cfg.total_timeout_ms);
	if (rc == DC_OK)
		rc = dc_qres_status(&r);
	if (rc == DC_OK)
		rc = dc_dns_parse_ptr(r.abuf, r.alen, out);
	dc_qres_free(&r);
	if (rc == DC_OK) {
		struct dc_addr *a = malloc(sizeof(*a));
		if (!a) {
			dc_hostres_free(out);
			return DC_ENOMEM;
		}
		memset(a, 0, sizeof(*a));
		a->family = family;
		memcpy(a->addr, addr, family == AF_INET ? 4 : 16);
		free(out->addrs);
		out->addrs = a;
		out->naddrs = 1;
		note_server(ctx);
	}
	return rc;
}

dc_status dc_resolve_addr(int family, const void *addr, struct dc_hostres *out)
{
	int oldc = nocancel_begin();
	struct dc_lookup_log lg = { NULL, dc_now_ms(), NULL };
	dc_status rc = resolve_addr(family, addr, out, &lg);

	if (lg.ctx && dc_log_enabled(lg.ctx->cfg.log_target))
		dc_lookup_log_addr(&lg, family, addr, rc, out);
	nocancel_end(oldc);
	return rc;
}

static void copy_answer(const struct dc_qres *r, uint8_t *ans, size_t anscap,
			size_t *anslen)
{
	*anslen = r->alen;
	memcpy(ans, r->abuf, r->alen < anscap ? r->alen : anscap);
}

static dc_status resolve_raw(const char *name, int dnsclass, int type, int search,
			     uint8_t *ans, size_t anscap, size_t *anslen,
			     struct dc_lookup_log *lg)
{
	char (*cand)[DC_NAME_MAX];
	struct dc_search_state ss;
	struct dc_ctx *ctx;
	uint64_t deadline;
	dc_status rc;
	int n = 1;

	*anslen = 0;
	rc = dc_ctx_get(&ctx);
	if (rc != DC_OK)
		return rc;
	lg->ctx = ctx;
	deadline = dc_now_ms() + (uint64_t)ctx->cfg.total_timeout_ms;
	cand = ctx->cand;
	if (search)
		n = dc_search_candidates(&ctx->search, name, cand, DC_SEARCH_MAXCAND);
	else
		snprintf(cand[0], sizeof(cand[0]), "%s", name);
	dc_search_begin(&ss, &ctx->search, name);
	for (int i = n > 0 ? 0 : -1; i >= 0;) {
		struct dc_qres r;
		int pending = 0;

		dc_query_start(ctx->ch, cand[i], dnsclass, type, &r, &pending);
		rc = dc_ctx_wait(ctx->ch, &pending, deadline);
		if (rc == DC_OK)
			rc = dc_qres_status(&r);
		if (rc == DC_OK) {
			copy_answer(&r, ans, anscap, anslen);
			rc = dc_answer_status(r.abuf, r.alen);
		}
		dc_qres_free(&r);
		if (rc == DC_OK || !search) {
			note_server(ctx);
			return rc;
		}
		i = dc_search_step(&ss, i, rc, NULL);
	}
	return dc_search_final(&ss);
}

dc_status dc_resolve_raw(const char *name, int dnsclass, int type, int search,
			 uint8_t *ans, size_t anscap, size_t *anslen)
{
	int oldc = nocancel_begin();
	struct dc_lookup_log lg = { NULL, dc_now_ms(), NULL };
	dc_status rc = resolve_raw(name, dnsclass, type, search, ans, anscap, anslen, &lg);

	if (lg.ctx && dc_log_enabled(lg.ctx->cfg.log_target))
		dc_lookup_log_raw(&lg, name, dnsclass, type, search, rc);
	nocancel_end(oldc);
	return rc;
}

static dc_status resolve_msg(const uint8_t *msg, size_t len, uint8_t *ans,
			     size_t anscap, size_t *anslen, struct dc_lookup_log *lg)
{
	struct dc_qres r;
	struct dc_ctx *ctx;
	dc_status rc;
	int pending = 0;

	*anslen = 0;
	rc = dc_ctx_get(&ctx);
	if (rc != DC_OK)
		return rc;
	lg->ctx = ctx;
	dc_query_start_msg(ctx->ch, msg, len, &r, &pending);
	rc = dc_ctx_wait(ctx->ch, &pending,
			 dc_now_ms() + (uint64_t)ctx->cfg.total_timeout_ms);
	if (rc == DC_OK)
		rc = dc_qres_status(&r);
	if (rc == DC_OK) {
		copy_answer(&r, ans, anscap, anslen);
		note_server(ctx);
	}
	dc_qres_free(&r);
	return rc;
}

dc_status dc_resolve_msg(const uint8_t *msg, size_t len, uint8_t *ans,
			 size_t anscap, size_t *anslen)
{
	int oldc = nocancel_begin();
	struct dc_lookup_log lg = { NULL, dc_now_ms(), NULL };
	dc_status rc = resolve_msg(msg, len, ans, anscap, anslen, &lg);

	if (lg.ctx && dc_log_enabled(lg.ctx->cfg.log_target))
		dc_lookup_log_msg(&lg, msg, len, ans, *anslen, rc);
	nocancel_end(oldc);
	return rc;
}
