/* SPDX-License-Identifier: ISC */
/* dc_search.h - which names to ask for, in which order, and when to stop,
 * as glibc's res_search does (resolv/res_query.c, __res_context_search and
 * __res_context_querydomain, glibc 2.36).
 */
#ifndef DC_SEARCH_H
#define DC_SEARCH_H

#include "dc_config.h"
#include "dc_dns.h"
#include "dc_status.h"

/* Resolver option bits that change the search (resolv.h RES_DNSRCH,
 * RES_DEFNAMES, RES_NOTLDQUERY). */
#define DC_SEARCH_DNSRCH     0x1  /* search names that have dots */
#define DC_SEARCH_DEFNAMES   0x2  /* search single-label names */
#define DC_SEARCH_NOTLDQUERY 0x4  /* options no-tld-query */
/* options no-aaaa (RES_NOAAAA, new in 2.36; not a search rule, kept here
 * for the resolver): gethostbyname4_r asks the A query only (nss_dns's
 * gaih_getanswer_noaaaa: dc_dns_parse_gaih(a, NULL)); an AAAA query is
 * sent as an A query whose answer keeps its rcode but loses its records
 * (__res_handle_no_aaaa): NXDOMAIN stays NXDOMAIN, anything else NODATA. */
#define DC_SEARCH_NOAAAA     0x8

struct dc_search {
	int ndots;
	int ndomains;
	char domains[DC_MAX_SEARCH][256];
	unsigned flags;        /* DC_SEARCH_*; glibc's default is DNSRCH|DEFNAMES */
};

/* Search settings: ndots and the domains from the config where it sets
 * them (cfg->ndots >= 0, cfg->nsearch >= 0; cfg may be NULL), the rest -
 * and the option bits - from glibc's own reading of resolv.conf
 * (res_ninit on a private struct __res_state, then res_nclose: so
 * LOCALDOMAIN, RES_OPTIONS and the domain taken from the host name apply
 * exactly as in glibc); if that fails, ndots 1, no domain, DNSRCH|DEFNAMES. */
void dc_search_init(struct dc_search *s, const struct dc_config *cfg);

/* Most candidate names of one search: the name as is, every domain. */
#define DC_SEARCH_MAXCAND (DC_MAX_SEARCH + 2)

/* The candidate names for name, in the order glibc tries them when every
 * one fails with NXDOMAIN.  Returns the number written (at most max; never
 * more than DC_SEARCH_MAXCAND); each out[i] holds DC_NAME_MAX bytes.
 * Names res_mkquery could not send (longer than 255 bytes in wire form,
 * empty labels, ...) are left out: glibc fails them without asking
 * (NO_RECOVERY), which ends the walk through the domains. */
int dc_search_candidates(const struct dc_search *s, const char *name,
			 char (*out)[DC_NAME_MAX], int max);

/* The outcome bookkeeping of one search (glibc's got_nodata, got_servfail,
 * saved_herrno, tried_as_is, root_on_list...).  Plain data, no pointers. */
struct dc_search_state {
	int nev;                           /* events (candidates + failures
	                                    * decided without asking) */
	unsigned char ev_kind[DC_SEARCH_MAXCAND + 2];
	signed char ev_cand[DC_SEARCH_MAXCAND + 2]; /* candidate index, -1 */
	int pos;                           /* next event to run */
	int next;                          /* candidate to ask next, -1 */
	int done_domains;                  /* skip the remaining domains */
	int over;
	int tried, ok, got_nodata, got_servfail, have_saved, have_final;
	dc_status saved, last, final;
};

/* Start a search for name; the candidates are those of
 * dc_search_candidates(s, name, ...) (same s and name).  The first one to
 * ask is index 0, unless there is none (then dc_search_final at once). */
void dc_search_begin(struct dc_search_state *st, const struct dc_search *s,
		     const char *name);

/* Record the outcome of asking candidate i and return the index of the
 * candidate to ask next, or -1 when the search is over (*stop, if not
 * NULL, is then set to 1, else 0).  Pass DC_OK if the answer ended the
 * search: rcode NOERROR with answer records (dc_hostres.answered), even
 * when no address in it was usable - glibc's res_search returns that
 * answer and nss_dns reports on it.  The next index is not always i + 1:
 * an error that ends the walk through the domains jumps to the name as is.
 *
 * glibc rules (res_query.c), by the status of candidate i:
 *  - the name as is, tried first (dots >= ndots): with a trailing dot the
 *    search ends there whatever happened; otherwise its failure is kept
 *    (saved_herrno) and the domains are tried, whatever the failure;
 *  - a name with a domain: DC_ENOTFOUND and DC_ENODATA go on to the next
 *    domain (NODATA is remembered: got_nodata); DC_ESERVFAIL too
 *    (got_servfail); DC_ECONNREFUSED ends the whole search (errno
 *    ECONNREFUSED: return at once); anything else (timeout, REFUSED,
 *    bad answer, ...) ends the walk through the domains, and the name as
 *    is is still tried last if it was not tried first;
 *  - the name as is, tried last: the search ends.
 * Our additions: DC_ENOMEM, DC_ECONFIG, DC_ECONFREAD, DC_ECONFBAD, DC_ECERT,
 * DC_ESYS, DC_EBADARG, DC_ERANGE and DC_EDNSSEC end the whole search at
 * once (they do not depend on the name); so does DC_EBOGUS (a forged
 * answer must not move the lookup on to another name). */
int dc_search_step(struct dc_search_state *st, int i, dc_status result, int *stop);

/* The status of the whole search (glibc's final h_errno choice): DC_OK if
 * a step got DC_OK; else the status that ended the search at once
 * (trailing-dot name, DC_ECONNREFUSED, our additions); else the failure of
 * the name as is if it was tried first; else DC_ENODATA if any domain gave
 * NODATA; else DC_ESERVFAIL if any domain gave SERVFAIL; else the last
 * failure; DC_ENOTFOUND if nothing was tried. */
dc_status dc_search_final(const struct dc_search_state *st);

#endif
