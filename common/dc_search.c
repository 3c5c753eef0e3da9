/* SPDX-License-Identifier: ISC */
/* dc_search.c - glibc's search list rules (resolv/res_query.c, 2.36).
 *
 * A search is a fixed list of events, worked through in order:
 *   the name as is (first)   if it has at least ndots dots or a final dot;
 *   name.domain for each domain, if searching applies;
 *   the name as is (last)    if it was not tried first and no domain was
 *                            the root.
 * An event whose name res_mkquery could not build fails at once with
 * DC_ENOQUERY (glibc: NO_RECOVERY, no packet sent); the others are the
 * candidates the caller asks for.  dc_search_step applies glibc's
 * continue/stop rules to each outcome, dc_search_final its final choice.
 */
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

#include "dc_search.h"

enum { EV_ASIS_FIRST = 1, EV_DOMAIN, EV_ASIS_LAST };

#define MAXDNAME_TEXT 1025        /* glibc's MAXDNAME, buffer size */
#define MAX_NDOTS     15          /* RES_MAXNDOTS */

void dc_search_init(struct dc_search *s, const struct dc_config *cfg)
{
	struct __res_state rs;

	memset(s, 0, sizeof(*s));
	s->ndots = 1;
	s->flags = DC_SEARCH_DNSRCH | DC_SEARCH_DEFNAMES;

	/* glibc's own reading of resolv.conf, LOCALDOMAIN and RES_OPTIONS
	 * (and the domain of the host name when no search line is given). */
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) == 0) {
		s->ndots = (int)rs.ndots;
		for (int i = 0; i < MAXDNSRCH && rs.dnsrch[i] != NULL &&
		     s->ndomains < DC_MAX_SEARCH; i++) {
			size_t n = strlen(rs.dnsrch[i]);

			if (n >= sizeof(s->domains[0]))
				continue;
			memcpy(s->domains[s->ndomains++], rs.dnsrch[i], n + 1);
		}
		s->flags = 0;
		if (rs.options & RES_DNSRCH)
			s->flags |= DC_SEARCH_DNSRCH;
		if (rs.options & RES_DEFNAMES)
			s->flags |= DC_SEARCH_DEFNAMES;
		if (rs.options & RES_NOTLDQUERY)
			s->flags |= DC_SEARCH_NOTLDQUERY;
#ifdef RES_NOAAAA
		if (rs.options & RES_NOAAAA)
			s->flags |= DC_SEARCH_NOAAAA;
#endif
		res_nclose(&rs);
	}

	if (cfg == NULL)
		return;
	if (cfg->ndots >= 0)
		s->ndots = cfg->ndots > MAX_NDOTS ? MAX_NDOTS : cfg->ndots;
	if (cfg->nsearch >= 0) {
		int n = cfg->nsearch > DC_MAX_SEARCH ? DC_MAX_SEARCH : cfg->nsearch;

		s->ndomains = 0;
		for (int i = 0; i < n; i++) {
			size_t len = strnlen(cfg->search[i], sizeof(cfg->search[i]));

			if (len == 0 || len >= sizeof(s->domains[0]))
				continue;
			memcpy(s->domains[s->ndomains], cfg->search[i], len);
			s->domains[s->ndomains][len] = '\0';
			s->ndomains++;
		}
	}
}

/* __res_context_querydomain without a domain: strlen(name) - 1 must be
 * below MAXDNAME - 1 (an empty name wraps and fails), then res_mkquery
 * must be able to encode it. */
static int asis_ok(const char *name)
{
	uint8_t wire[DC_WIRE_NAME_MAX];
	size_t n = strlen(name);

	if (n == 0 || n - 1 >= MAXDNAME_TEXT - 1)
		return 0;
	return dc_dns_name_wire(name, wire, NULL) == DC_OK;
}

/* __res_context_querydomain with a domain: name "." domain, if shorter
 * than MAXDNAME, and encodable. */
static int compose(const char *name, const char *dom, char *buf)
{
	uint8_t wire[DC_WIRE_NAME_MAX];
	size_t n = strlen(name), d = strlen(dom);

	if (n + d + 1 >= MAXDNAME_TEXT)
		return 0;
	memcpy(buf, name, n);
	buf[n] = '.';
	memcpy(buf + n + 1, dom, d + 1);
	return dc_dns_name_wire(buf, wire, NULL) == DC_OK;
}

struct plan {
	int nev, ncand;
	unsigned char kind[DC_SEARCH_MAXCAND + 2];
	signed char cand[DC_SEARCH_MAXCAND + 2];
};

static void add_event(struct plan *p, int kind, const char *cand_name,
		      char (*out)[DC_NAME_MAX], int max)
{
	if (p->nev >= DC_SEARCH_MAXCAND + 2)
		return;
	p->kind[p->nev] = (unsigned char)kind;
	if (cand_name == NULL || p->ncand >= DC_SEARCH_MAXCAND) {
		p->cand[p->nev++] = -1;
		return;
	}
	if (out != NULL && p->ncand < max) {
		size_t n = strlen(cand_name);

		memcpy(out[p->ncand], cand_name, n + 1);
	}
	p->cand[p->nev++] = (signed char)p->ncand++;
}

/* The order of __res_context_search (hostaliases aside). */
static void plan(const struct dc_search *s, const char *name, struct plan *p,
		 char (*out)[DC_NAME_MAX], int max)
{
	char buf[MAXDNAME_TEXT];
	unsigned dots = 0;
	int trailing_dot = 0, tried_as_is = 0, searched = 0, root_on_list = 0;
	size_t len;

	memset(p, 0, sizeof(*p));
	if (name == NULL)
		return;
	for (const char *cp = name; *cp; cp++)
		dots += *cp == '.';
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		trailing_dot = 1;

	/* "If there are enough dots in the name, let's just give it a try
	 * 'as is'"; also with a trailing dot - and then only that. */
	if ((int)dots >= s->ndots || trailing_dot) {
		add_event(p, EV_ASIS_FIRST, asis_ok(name) ? name : NULL, out, max);
		if (trailing_dot)
			return;
		tried_as_is = 1;
	}

	/* One level of search with no dot and RES_DEFNAMES, or with dots, no
	 * trailing dot and RES_DNSRCH; without RES_DNSRCH only the first
	 * domain.  A domain "." or "" puts the root on the list: "name.". */
	if ((!dots && (s->flags & DC_SEARCH_DEFNAMES)) ||
	    (dots && !trailing_dot && (s->flags & DC_SEARCH_DNSRCH))) {
		for (int i = 0; i < s->ndomains; i++) {
			const char *d = s->domains[i];
			int ok;

			searched = 1;
			if (d[0] == '.')
				d++;
			if (d[0] == '\0')
				root_on_list = 1;
			ok = compose(name, d, buf);
			add_event(p, EV_DOMAIN, ok ? buf : NULL, out, max);
			if (!ok)
				break;    /* NO_RECOVERY: "we're done" */
			if (!(s->flags & DC_SEARCH_DNSRCH))
				break;
		}
	}

	/* The name as is, last, unless tried first or the root domain was
	 * on the list, and (no-tld-query) not for a searched dotless name. */
	if ((dots || !searched || !(s->flags & DC_SEARCH_NOTLDQUERY)) &&
	    !(tried_as_is || root_on_list))
		add_event(p, EV_ASIS_LAST, asis_ok(name) ? name : NULL, out, max);
}

int dc_search_candidates(const struct dc_search *s, const char *name,
			 char (*out)[DC_NAME_MAX], int max)
{
	struct plan p;

	if (s == NULL || out == NULL || max <= 0)
		return 0;
	plan(s, name, &p, out, max);
	return p.ncand < max ? p.ncand : max;
}

/* Statuses that do not depend on the name asked: asking another name
 * cannot help.  (glibc has no such case; ours.) */
static int ends_search(dc_status r)
{
	switch (r) {
	case DC_ENOMEM: case DC_ECONFIG: case DC_ECONFREAD: case DC_ECONFBAD:
	case DC_ECERT: case DC_ESYS: case DC_EBADARG: case DC_ERANGE:
	case DC_EBOGUS: case DC_EDNSSEC:
		return 1;
	default:
		return 0;
	}
}

static void run_event(struct dc_search_state *st, int kind, dc_status r)
{
	st->tried = 1;
	if (r == DC_OK) {
		st->ok = 1;
		st->over = 1;
		return;
	}
	st->last = r;            /* h_errno of the last query */
	if (ends_search(r)) {
		st->final = r;
		st->have_final = 1;
		st->over = 1;
		return;
	}
	switch (kind) {
	case EV_ASIS_FIRST:
		/* saved_herrno; with a trailing dot the plan ends here. */
		st->saved = r;
		st->have_saved = 1;
		break;
	case EV_DOMAIN:
		switch (r) {
		case DC_ECONNREFUSED:
			/* "If no server present, give up." */
			st->final = r;
			st->have_final = 1;
			st->over = 1;
			break;
		case DC_ENODATA:
			st->got_nodata = 1;   /* keep trying */
			break;
		case DC_ENOTFOUND:
			break;                /* keep trying */
		case DC_ESERVFAIL:
			st->got_servfail = 1; /* try next search element */
			break;
		default:
			/* "anything else implies that we're done" */
			st->done_domains = 1;
			break;
		}
		break;
	default:                 /* EV_ASIS_LAST */
		st->over = 1;
		break;
	}
}

/* Move to the next candidate, running the events that fail by
 * themselves on the way. */
static void advance(struct dc_search_state *st)
{
	while (!st->over && st->pos < st->nev) {
		int kind = st->ev_kind[st->pos];

		if (kind == EV_DOMAIN && st->done_domains) {
			st->pos++;
			continue;
		}
		if (st->ev_cand[st->pos] >= 0) {
			st->next = st->ev_cand[st->pos];
			return;
		}
		run_event(st, kind, DC_ENOQUERY);
		st->pos++;
	}
	st->over = 1;
	st->next = -1;
}

void dc_search_begin(struct dc_search_state *st, const struct dc_search *s,
		     const char *name)
{
	struct plan p;

	memset(st, 0, sizeof(*st));
	st->saved = st->last = st->final = DC_ENOTFOUND;
	if (s != NULL)
		plan(s, name, &p, NULL, 0);
	else
		memset(&p, 0, sizeof(p));
	st->nev = p.nev;
	memcpy(st->ev_kind, p.kind, sizeof(st->ev_kind));
	memcpy(st->ev_cand, p.cand, sizeof(st->ev_cand));
	advance(st);
}

int dc_search_step(struct dc_search_state *st, int i, dc_status result, int *stop)
{
	int pos;

	if (st == NULL)
		return -1;
	if (!st->over) {
		for (pos = 0; pos < st->nev; pos++)
			if (st->ev_cand[pos] == i && i >= 0)
				break;
		if (pos < st->nev) {
			run_event(st, st->ev_kind[pos], result);
			st->pos = pos + 1;
		}
		advance(st);
	}
	if (stop != NULL)
		*stop = st->over;
	return st->over ? -1 : st->next;
}

dc_status dc_search_final(const struct dc_search_state *st)
{
	if (st == NULL)
		return DC_EBADARG;
	if (st->ok)
		return DC_OK;
	if (st->have_final)
		return st->final;
	/* "if we did an initial full query, return that query's H_ERRNO;
	 * else if we ever got a nodata, send that back as the reason; else
	 * ... the one from the last DNSRCH we did" (with TRY_AGAIN when a
	 * server failed). */
	if (st->have_saved)
		return st->saved;
	if (st->got_nodata)
		return DC_ENODATA;
	if (st->got_servfail)
		return DC_ESERVFAIL;
	if (st->tried)
		return st->last;
	return DC_ENOTFOUND;     /* "True if we never query." */
}
