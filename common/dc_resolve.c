/* SPDX-License-Identifier: ISC */
/* dc_resolve.c - the kinds of lookup: addresses for a name (search list,
 * A and AAAA together), names for an address (PTR), a raw question, a
 * caller's message.  Each is a lookup of the engine (dc_engine.h) and
 * differs only in the questions it builds and how it reads the answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_anscache.h"
#include "dc_cachedir.h"
#include "dc_engine.h"
#include "dc_log.h"
#include "dc_resolve.h"
#include "dc_resolve_int.h"
#include "dc_search.h"
#include "dc_wire.h"

#define T_A 1
#define T_PTR 12
#define T_AAAA 28
#define C_IN 1

/* Cancellation is disabled in a lookup: open(), read() or write() inside
 * it would otherwise end the thread holding a lock, or a socket of a
 * channel that lives on its stack (the certificate fetch).  Only the wait
 * for answers on the thread's own channels is a cancellation point (see
 * dc_channel_wait). */
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

/* ---------------------------------------------------------------- names */

/* Addresses for one candidate name: A and/or AAAA asked together; fills
 * out (also on some failures: see dc_hostres.answered). */
static dc_status ask_name(struct dc_lookup *lk, const char *name, int family,
			  struct dc_hostres *out)
{
	struct dc_question q[2];
	dc_status st, w;
	int n = 0;

	memset(q, 0, sizeof(q));
	if (family != AF_INET6)
		q[n++].type = T_A;
	if (family != AF_INET)
		q[n++].type = T_AAAA;
	for (int i = 0; i < n; i++) {
		q[i].name = name;
		q[i].dnsclass = C_IN;
	}
	w = dc_lookup_ask(lk, q, n);
	if (w == DC_EBOGUS || w == DC_EDNSSEC) {
		/* One bogus answer of the two fails the name: an attacker
		 * must not be able to pick which addresses we use. */
		st = w;
	} else if (n == 1) {
		st = q[0].st == DC_OK ? dc_dns_parse_addrs(q[0].ans, q[0].alen,
							   q[0].type, out) : q[0].st;
	} else if (q[0].st != DC_OK && q[1].st != DC_OK) {
		st = q[0].st;
	} else {
		/* gethostbyname4_r: both answers together, as glibc's
		 * gaih_getanswer (an answer that did not come is NULL). */
		st = dc_dns_parse_gaih(q[0].st == DC_OK ? q[0].ans : NULL, q[0].alen,
				       q[1].st == DC_OK ? q[1].ans : NULL, q[1].alen,
				       out);
	}
	dc_question_free(q, n);
	if (w != DC_OK && st != DC_OK && !out->answered)
		st = w;
	return st;
}

static dc_status resolve_name(const char *name, int family,
			      struct dc_hostres *out, struct dc_lookup *lk)
{
	char (*cand)[DC_NAME_MAX];
	struct dc_search_state ss;
	struct dc_ctx *ctx;
	dc_status rc;
	int n;

	memset(lk, 0, sizeof(*lk));
	dc_hostres_init(out);
	if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC)
		return DC_EBADARG;
	rc = dc_dns_check_name(name);
	if (rc != DC_OK)
		return rc;
	rc = dc_lookup_begin(lk);
	if (rc != DC_OK)
		return rc;
	ctx = lk->ctx;
	if (ctx->cfg.cache && dc_anscache_get(name, family, ctx->cfg.dnssec, out) == DC_OK) {
		lk->how = " from the in-process cache";
		return DC_OK;
	}
	/* The thread's context holds them (8 KB): a lookup runs in 16 KiB
	 * of stack. */
	cand = ctx->cand;
	n = dc_search_candidates(&ctx->search, name, cand, DC_SEARCH_MAXCAND);
	dc_search_begin(&ss, &ctx->search, name);
	for (int i = n > 0 ? 0 : -1; i >= 0;) {
		dc_hostres_free(out);
		dc_hostres_init(out);
		rc = ask_name(lk, cand[i], family, out);
		if (rc == DC_OK) {
			if (ctx->cfg.cache)
				dc_anscache_put(name, family, ctx->cfg.dnssec, out);
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
	return dc_search_final(&ss);
}

dc_status dc_resolve_name(const char *name, int family, struct dc_hostres *out)
{
	int oldc = nocancel_begin();
	struct dc_lookup lk;
	dc_status rc = resolve_name(name, family, out, &lk);

	dc_cachedir_drop();
	if (lk.ctx && dc_log_enabled(lk.ctx->cfg.log_target))
		dc_lookup_log_name(&lk, name, family, rc, out);
	nocancel_end(oldc);
	return rc;
}

/* ------------------------------------------------------------ addresses */

static dc_status resolve_addr(int family, const void *addr, struct dc_hostres *out,
			      struct dc_lookup *lk)
{
	char qname[80];
	struct dc_question q;
	struct dc_addr *a;
	dc_status rc;

	dc_hostres_init(out);
	memset(lk, 0, sizeof(*lk));
	rc = dc_dns_ptr_name(family, addr, qname, sizeof(qname));
	if (rc != DC_OK)
		return rc;
	rc = dc_lookup_begin(lk);
	if (rc != DC_OK)
		return rc;
	memset(&q, 0, sizeof(q));
	q.name = qname;
	q.dnsclass = C_IN;
	q.type = T_PTR;
	rc = dc_lookup_ask(lk, &q, 1);
	if (rc == DC_OK)
		rc = dc_dns_parse_ptr(q.ans, q.alen, out);
	dc_question_free(&q, 1);
	if (rc != DC_OK)
		return rc;
	a = calloc(1, sizeof(*a));
	if (!a) {
		dc_hostres_free(out);
		return DC_ENOMEM;
	}
	a->family = family;
	memcpy(a->addr, addr, family == AF_INET ? 4 : 16);
	free(out->addrs);
	out->addrs = a;
	out->naddrs = 1;
	return DC_OK;
}

dc_status dc_resolve_addr(int family, const void *addr, struct dc_hostres *out)
{
	int oldc = nocancel_begin();
	struct dc_lookup lk;
	dc_status rc = resolve_addr(family, addr, out, &lk);

	dc_cachedir_drop();
	if (lk.ctx && dc_log_enabled(lk.ctx->cfg.log_target))
		dc_lookup_log_addr(&lk, family, addr, rc, out);
	nocancel_end(oldc);
	return rc;
}

/* ---------------------------------------------------- raw questions */

static void copy_answer(const struct dc_question *q, uint8_t *ans, size_t anscap,
			size_t *anslen)
{
	*anslen = q->alen;
	memcpy(ans, q->ans, q->alen < anscap ? q->alen : anscap);
}

static dc_status resolve_raw(const char *name, int dnsclass, int type, int search,
			     uint8_t *ans, size_t anscap, size_t *anslen,
			     struct dc_lookup *lk)
{
	char (*cand)[DC_NAME_MAX];
	struct dc_search_state ss;
	struct dc_ctx *ctx;
	dc_status rc;
	int n = 1;

	*anslen = 0;
	rc = dc_lookup_begin(lk);
	if (rc != DC_OK)
		return rc;
	ctx = lk->ctx;
	cand = ctx->cand;
	if (search)
		n = dc_search_candidates(&ctx->search, name, cand, DC_SEARCH_MAXCAND);
	else
		snprintf(cand[0], sizeof(cand[0]), "%s", name);
	dc_search_begin(&ss, &ctx->search, name);
	for (int i = n > 0 ? 0 : -1; i >= 0;) {
		struct dc_question q;

		memset(&q, 0, sizeof(q));
		q.name = cand[i];
		q.dnsclass = dnsclass;
		q.type = type;
		rc = dc_lookup_ask(lk, &q, 1);
		if (rc == DC_OK) {
			copy_answer(&q, ans, anscap, anslen);
			rc = dc_answer_status(q.ans, q.alen);
		}
		dc_question_free(&q, 1);
		if (rc == DC_OK || !search)
			return rc;
		i = dc_search_step(&ss, i, rc, NULL);
	}
	return dc_search_final(&ss);
}

dc_status dc_resolve_raw(const char *name, int dnsclass, int type, int search,
			 uint8_t *ans, size_t anscap, size_t *anslen)
{
	int oldc = nocancel_begin();
	struct dc_lookup lk;
	dc_status rc = resolve_raw(name, dnsclass, type, search, ans, anscap, anslen, &lk);

	dc_cachedir_drop();
	if (lk.ctx && dc_log_enabled(lk.ctx->cfg.log_target))
		dc_lookup_log_raw(&lk, name, dnsclass, type, search, rc);
	nocancel_end(oldc);
	return rc;
}

/* ---------------------------------------------- a caller's message */

static dc_status resolve_msg(const uint8_t *msg, size_t len, uint8_t *ans,
			     size_t anscap, size_t *anslen, struct dc_lookup *lk)
{
	struct dc_question q;
	dc_status rc;

	*anslen = 0;
	rc = dc_lookup_begin(lk);
	if (rc != DC_OK)
		return rc;
	memset(&q, 0, sizeof(q));
	q.msg = msg;
	q.msglen = len;
	rc = dc_lookup_ask(lk, &q, 1);
	if (rc == DC_OK)
		copy_answer(&q, ans, anscap, anslen);
	dc_question_free(&q, 1);
	return rc;
}

dc_status dc_resolve_msg(const uint8_t *msg, size_t len, uint8_t *ans,
			 size_t anscap, size_t *anslen)
{
	int oldc = nocancel_begin();
	struct dc_lookup lk;
	dc_status rc = resolve_msg(msg, len, ans, anscap, anslen, &lk);

	dc_cachedir_drop();
	if (lk.ctx && dc_log_enabled(lk.ctx->cfg.log_target))
		dc_lookup_log_msg(&lk, msg, len, ans, *anslen, rc);
	nocancel_end(oldc);
	return rc;
}
