/* SPDX-License-Identifier: ISC */
/* res.c - the res_query family over DNSCrypt, for LD_PRELOAD.
 *
 * Same return values and h_errno conventions as glibc 2.36
 * (resolv/res_query.c): the answer length on success; -1 with h_errno
 * HOST_NOT_FOUND (NXDOMAIN), NO_DATA (no answer record), TRY_AGAIN
 * (SERVFAIL, REFUSED, NOTIMP, timeout, anything unauthenticated),
 * NO_RECOVERY (FORMERR, not configured).  glibc's res_send treats a
 * SERVFAIL, NOTIMP or REFUSED answer as a failed server: res_send and
 * res_nsend return -1 (errno ECONNREFUSED) for them without touching
 * h_errno, and res_query sees TRY_AGAIN.
 *
 * Our transport always speaks EDNS0; glibc's sends an OPT record only
 * with "options edns0" (RES_USE_EDNS0), or in res_send when the caller's
 * message has one.  When the caller did not ask for EDNS0, the server's
 * OPT record is taken out of the answer (RFC 6891 6.1.1: no OPT in a
 * response to a query without one), so the caller sees the message glibc
 * would have returned.
 *
 * An answer longer than the caller's buffer: glibc gets it over UDP when
 * it fits the size it advertised (512 bytes; with EDNS0 the buffer size
 * clamped to 512..1200, or the OPT size of a res_send query), and then
 * returns the buffer size with the datagram cut short; a longer one comes
 * over TCP, and then glibc returns the whole answer's length with the TC
 * bit set in what fitted (so callers can retry with a bigger buffer).  We
 * do the same with the answer we have.  On success h_errno is left as glibc leaves it:
 * res_query and res_querydomain do not touch it, res_search sets
 * HOST_NOT_FOUND before it starts and leaves that even when it succeeds.
 *
 * DNSSEC ("dnssec validate", issue 15): our queries then carry DO and CD,
 * but the caller gets the answer to the query it made: the AD bit only
 * when the answer validated here (never the resolver's: the engine sets
 * and clears it), CD as the caller set it, and RRSIG, NSEC and NSEC3
 * records only when the caller's query had DO (RES_USE_DNSSEC, or DO in
 * the OPT record of a res_send message): RFC 3225 3 (dc_wire_strip.h).  Both spellings are exported: res_query@GLIBC_2.34 is
 * what current programs call, __res_query what programs built before 2.34
 * call.
 */
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_resolve.h"
#include "../nss/nss_status.h"
#include "dc_wire.h"
#include "dc_wire_strip.h"

#undef res_query
#undef res_search
#undef res_querydomain
#undef res_send
#undef res_nquery
#undef res_nsearch
#undef res_nquerydomain
#undef res_nsend

#define DC_EXPORT __attribute__((visibility("default")))

/* errno after a failure: what glibc's res_send leaves for a timeout or a
 * refusal (a SERVFAIL, NOTIMP or REFUSED answer), EBADMSG for an answer
 * that was malformed, cut or did not authenticate, else dflt. */
static int errno_of(dc_status st, int dflt)
{
	switch (st) {
	case DC_ETIMEOUT:
		return ETIMEDOUT;
	case DC_ECONNREFUSED:
	case DC_EREFUSED:
	case DC_ESERVFAIL:
		return ECONNREFUSED;
	case DC_EBADRESP:
	case DC_EBADFRAME:
		return EBADMSG;
	default:
		return dflt;
	}
}

static void set_herr(res_state statp, int he)
{
	h_errno = he;
	if (statp)
		statp->res_h_errno = he;
}

/* h_errno for a status: the module's one mapping (nss/nss_status.c). */
static int herr_of(dc_status st)
{
	int e, h;

	(void)dc_nss_status(st, &e, &h);
	return h;
}

/* The answer's rcode when the answer (at least its header) is there. */
static int rcode_of(const unsigned char *ans, int anslen, size_t alen)
{
	return anslen >= 4 && alen >= 4 ? ans[3] & 0x0f : -1;
}

static int finish(res_state statp, dc_status st, const unsigned char *ans,
		  int anslen, size_t alen, int saved)
{
	if (st != DC_OK) {
		/* DC_EREFUSED is REFUSED, NOTIMP or FORMERR; only FORMERR
		 * reaches glibc's res_query as an answer (NO_RECOVERY). */
		if (st == DC_EREFUSED)
			set_herr(statp, rcode_of(ans, anslen, alen) == ns_r_formerr ?
				 NO_RECOVERY : TRY_AGAIN);
		else
			set_herr(statp, herr_of(st));
		/* An answer's rcode leaves errno as it was (res_query). */
		errno = st == DC_EREFUSED || st == DC_ESERVFAIL ? saved : errno_of(st, saved);
		return -1;
	}
	errno = saved;
	return alen > (size_t)0x7fffffff ? -1 : (int)alen;
}

/* The whole answer is fetched into a buffer of ours, then adjusted and
 * copied to the caller's. */
#define FULL_MAX 65536

/* The offset of the message's OPT record if it is its last record (where
 * every implementation puts it), else 0; *udp gets its payload size. */
static size_t find_opt(const unsigned char *m, size_t len, unsigned *udp)
{
	size_t at = dc_wire_last_opt(m, len);

	if (at && udp)
		*udp = dc_get16(m + dc_wire_skip_name(m, len, at) + 2);
	return at;
}

/* Take the OPT record out of an answer to a query that had none. */
static void strip_opt(unsigned char *m, size_t *len)
{
	size_t at = find_opt(m, *len, NULL);
	unsigned nar;

	if (at == 0)
		return;
	nar = dc_get16(m + 10) - 1u;
	m[10] = (unsigned char)(nar >> 8);
	m[11] = (unsigned char)nar;
	*len = at;
}

/* The state's options.  NULL is _res, which glibc's res_query
 * initialises on first use. */
static unsigned long res_options(res_state statp)
{
	if (!statp) {
		if (!(_res.options & RES_INIT))
			(void)res_init();
		statp = &_res;
	}
	return statp->options;
}

/* Does this state ask for EDNS0?  (RES_USE_DNSSEC implies it: res_nopt.) */
static int wants_edns(unsigned long opts)
{
	return (opts & (RES_USE_EDNS0 | RES_USE_DNSSEC)) != 0;
}

/* Copy the answer to the caller's buffer; the length to return.  udp is
 * the largest answer glibc would have taken over UDP; dnssec_ok: the
 * caller's query had DO. */
static size_t deliver(unsigned char *full, size_t flen, int edns, int dnssec_ok,
		      size_t udp, unsigned char *ans, int anslen)
{
	size_t cap = (size_t)anslen;

	if (!dnssec_ok)
		flen = dc_wire_strip_dnssec(full, flen);
	if (!edns)
		strip_opt(full, &flen);
	if (flen <= cap) {
		memcpy(ans, full, flen);
		return flen;
	}
	memcpy(ans, full, cap);
	if (flen <= udp)
		return cap;
	if (cap >= 3)
		ans[2] |= 0x02;    /* TC */
	return flen;
}

/* What glibc advertises (res_nopt): 512 without EDNS0, else the answer
 * buffer size kept within 512..1200. */
static size_t udp_size(int edns, int anslen)
{
	if (!edns || anslen < 512)
		return 512;
	return anslen > 1200 ? 1200 : (size_t)anslen;
}

static int do_query(res_state statp, const char *name, int cls, int type,
		    unsigned char *ans, int anslen, int search)
{
	int saved = errno, edns, dnssec_ok;
	unsigned long opts;
	unsigned char *full;
	size_t alen = 0;
	dc_status st;

	if (!name || !ans || anslen < 0) {
		errno = EINVAL;
		set_herr(statp, NETDB_INTERNAL);
		return -1;
	}
	/* glibc's res_send refuses a buffer smaller than a header (EINVAL)
	 * before sending anything; res_query makes that TRY_AGAIN. */
	if (anslen < NS_HFIXEDSZ) {
		errno = EINVAL;
		set_herr(statp, TRY_AGAIN);
		return -1;
	}
	opts = res_options(statp);
	edns = wants_edns(opts);
	dnssec_ok = (opts & RES_USE_DNSSEC) != 0;
	/* glibc's __res_context_search: "True if we never query". */
	if (search)
		set_herr(statp, HOST_NOT_FOUND);
	full = malloc(FULL_MAX);
	if (!full) {
		set_herr(statp, NETDB_INTERNAL);
		errno = ENOMEM;
		return -1;
	}
	st = dc_resolve_raw(name, cls, type, search, full, FULL_MAX, &alen);
	alen = deliver(full, alen < FULL_MAX ? alen : FULL_MAX, edns, dnssec_ok,
		       udp_size(edns, anslen), ans, anslen);
	free(full);
	return finish(statp, st, ans, anslen, alen, saved);
}

static int do_querydomain(res_state statp, const char *name,
			  const char *domain, int cls, int type,
			  unsigned char *ans, int anslen)
{
	char full[NS_MAXDNAME];
	size_t n;

	if (!name) {
		set_herr(statp, NETDB_INTERNAL);
		return -1;
	}
	/* As glibc: without a domain, a trailing dot is dropped from name;
	 * an empty name is NO_RECOVERY (glibc's length check wraps). */
	if (!domain) {
		n = strlen(name);
		if (n == 0 || n >= sizeof(full)) {
			set_herr(statp, NO_RECOVERY);
			return -1;
		}
		memcpy(full, name, n + 1);
		if (n > 0 && full[n - 1] == '.')
			full[n - 1] = 0;
	} else if ((size_t)snprintf(full, sizeof(full), "%s.%s", name, domain)
		   >= sizeof(full)) {
		set_herr(statp, NO_RECOVERY);
		return -1;
	}
	return do_query(statp, full, cls, type, ans, anslen, 0);
}

static int do_send(res_state statp, const unsigned char *msg, int msglen,
		   unsigned char *ans, int anslen)
{
	unsigned char *full;
	int saved = errno;
	size_t alen = 0;
	dc_status st;

	if (!msg || msglen < 12 || !ans || anslen < 12) {
		errno = EINVAL;
		return -1;
	}
	full = malloc(FULL_MAX);
	if (!full) {
		errno = ENOMEM;
		return -1;
	}
	st = dc_resolve_msg(msg, (size_t)msglen, full, FULL_MAX, &alen);
	if (st == DC_OK) {
		unsigned udp = 512;
		size_t opt = find_opt(msg, (size_t)msglen, &udp);
		/* DO: the top bit of the OPT record's flags (RFC 3225 3). */
		int dnssec_ok = opt &&
			(msg[dc_wire_skip_name(msg, (size_t)msglen, opt) + 6] & 0x80);

		alen = deliver(full, alen < FULL_MAX ? alen : FULL_MAX, opt != 0,
			       dnssec_ok, udp > 512 ? udp : 512, ans, anslen);
	}
	free(full);
	if (st == DC_OK) {
		int rc = rcode_of(ans, anslen, alen);

		if (rc == ns_r_servfail || rc == ns_r_notimpl || rc == ns_r_refused)
			st = DC_EREFUSED;
	}
	if (st != DC_OK) {
		/* glibc's res_send sets no h_errno. */
		errno = errno_of(st, ECONNREFUSED);
		return -1;
	}
	errno = saved;
	return (int)alen;
}

DC_EXPORT int res_query(const char *n, int c, int t, unsigned char *a, int l)
{ return do_query(NULL, n, c, t, a, l, 0); }
DC_EXPORT int res_search(const char *n, int c, int t, unsigned char *a, int l)
{ return do_query(NULL, n, c, t, a, l, 1); }
DC_EXPORT int res_querydomain(const char *n, const char *d, int c, int t,
			      unsigned char *a, int l)
{ return do_querydomain(NULL, n, d, c, t, a, l); }
DC_EXPORT int res_send(const unsigned char *m, int ml, unsigned char *a, int l)
{ return do_send(NULL, m, ml, a, l); }
DC_EXPORT int res_nquery(res_state s, const char *n, int c, int t,
			 unsigned char *a, int l)
{ return do_query(s, n, c, t, a, l, 0); }
DC_EXPORT int res_nsearch(res_state s, const char *n, int c, int t,
			  unsigned char *a, int l)
{ return do_query(s, n, c, t, a, l, 1); }
DC_EXPORT int res_nquerydomain(res_state s, const char *n, const char *d,
			       int c, int t, unsigned char *a, int l)
{ return do_querydomain(s, n, d, c, t, a, l); }
DC_EXPORT int res_nsend(res_state s, const unsigned char *m, int ml,
			unsigned char *a, int l)
{ return do_send(s, m, ml, a, l); }

/* The names programs built before glibc 2.34 call. */
DC_EXPORT int __res_query(const char *, int, int, unsigned char *, int) __THROW
	__attribute__((alias("res_query")));
DC_EXPORT int __res_search(const char *, int, int, unsigned char *, int) __THROW
	__attribute__((alias("res_search")));
DC_EXPORT int __res_querydomain(const char *, const char *, int, int,
				unsigned char *, int) __THROW
	__attribute__((alias("res_querydomain")));
DC_EXPORT int __res_send(const unsigned char *, int, unsigned char *, int) __THROW
	__attribute__((alias("res_send")));
DC_EXPORT int __res_nquery(res_state, const char *, int, int, unsigned char *, int) __THROW
	__attribute__((alias("res_nquery")));
DC_EXPORT int __res_nsearch(res_state, const char *, int, int, unsigned char *, int) __THROW
	__attribute__((alias("res_nsearch")));
DC_EXPORT int __res_nquerydomain(res_state, const char *, const char *, int,
				 int, unsigned char *, int) __THROW
	__attribute__((alias("res_nquerydomain")));
DC_EXPORT int __res_nsend(res_state, const unsigned char *, int,
			  unsigned char *, int) __THROW
	__attribute__((alias("res_nsend")));
