/* SPDX-License-Identifier: ISC */
/* dc_dns_int.h - what the files of the DNS answer parsers share: wire
 * constants, the name helpers of dc_dns_name.c, the header tests and
 * record cursor of dc_dns_msg.c, and the growable lists of
 * dc_dns_hostres.c that dc_dns.c and dc_dns_ptr.c fill.  Internal to
 * common/; dc_dns.h is the API.
 */
#ifndef DC_DNS_INT_H
#define DC_DNS_INT_H

#include <stddef.h>
#include <stdint.h>
#include "dc_dns.h"

#define HDR_LEN     12
#define T_A         1
#define T_CNAME     5
#define T_PTR       12
#define T_AAAA      28
#define C_IN        1
#define RC_NOERROR  0
#define RC_SERVFAIL 2
#define RC_NXDOMAIN 3
#define RC_NOTIMP   4
#define RC_REFUSED  5
/* glibc formats host names into MAXHOSTNAMELEN + 1 = 257 bytes, so that
 * ns_name_ntop doubles as a length check (getanswer_r_store_alias). */
#define HOSTNAME_TEXT 257

/* The status for "answer records, but no usable address/PTR" (see
 * dc_dns.h: glibc says TRYAGAIN/NO_RECOVERY for hostent and PTR lookups,
 * NOTFOUND/HOST_NOT_FOUND for gethostbyname4_r; getaddrinfo and
 * getnameinfo see no difference with DC_ENOTFOUND). */
#define NOADDR_STATUS DC_ENOTFOUND

/* ---------------------------------------------------------------- names */

/* ns_name_unpack: expand the name at src (inside [msg, eom)) into dst as
 * uncompressed wire form.  Returns the bytes the name occupies at src, or
 * -1. */
int dc_dns_name_unpack(const uint8_t *msg, const uint8_t *eom,
		       const uint8_t *src, uint8_t *dst, size_t dstsiz);
/* __ns_name_length_uncompressed: the length of the uncompressed name at p,
 * or -1. */
int dc_dns_name_length_uncompressed(const uint8_t *p, const uint8_t *eom);
/* __ns_samebinaryname: equal label by label, ASCII case-insensitive. */
int dc_dns_same_name(const uint8_t *a, const uint8_t *b);
/* __res_binary_hnok: 1 if the wire name is a host name. */
int dc_dns_binary_hnok(const uint8_t *dn);
/* ns_name_ntop: uncompressed wire name -> text.  Returns the length
 * including the NUL, or -1 if it does not fit. */
int dc_dns_name_ntop(const uint8_t *src, char *dst, size_t dstsiz);

/* ------------------------------------------------------------ messages */

/* __ns_rr_cursor_init / __ns_rr_cursor_next. */
struct dc_dns_cursor {
	const uint8_t *begin, *end, *cur;
	uint16_t qtype;
};

struct dc_dns_rr {
	uint8_t name[DC_WIRE_NAME_MAX];
	uint16_t type, cls, rdlen;
	uint32_t ttl;
	const uint8_t *rdata;
};

/* 1 if msg has a header and exactly one question, which c is then past;
 * else 0. */
int dc_dns_cursor_init(struct dc_dns_cursor *c, const uint8_t *msg, size_t len);
/* The next resource record into rr: 1, or 0 if it is malformed. */
int dc_dns_cursor_next(struct dc_dns_cursor *c, struct dc_dns_rr *rr);
/* The question name (wire form) of the message c reads. */
const uint8_t *dc_dns_qname(const struct dc_dns_cursor *c);

unsigned dc_dns_hdr_rcode(const uint8_t *m);
unsigned dc_dns_hdr_ancount(const uint8_t *m);
/* rcode NOERROR and at least one answer record. */
int dc_dns_hdr_answered(const uint8_t *m);
/* An answer res_send does not hand back (dc_dns_msg.c). */
int dc_dns_hdr_send_error(const uint8_t *m);
/* The status of an answer (pair) without a usable answer section. */
dc_status dc_dns_rcode_status(unsigned rcode);
/* The status of a single answer that fails the query. */
dc_status dc_dns_answer_status(const uint8_t *m);
/* The start of a single answer (A, AAAA or PTR): DC_OK with h->answered
 * set and c past the question, or the status that ends the query. */
dc_status dc_dns_answer_open(const uint8_t *msg, size_t len,
			     struct dc_hostres *h, struct dc_dns_cursor *c);
/* *ttl = min(*ttl, v). */
void dc_dns_ttl_min(uint32_t *ttl, uint32_t v);

/* ------------------------------------------------------------- hostres */

/* Growable lists used while reading one answer. */
struct dc_dns_strlist {
	char **v;
	int n, cap;
};

struct dc_dns_addrlist {
	struct dc_addr *v;
	int n, cap;
};

/* Free the n strings of v, then v. */
void dc_dns_free_names(char **v, int n);
/* Append a copy of s / an address: 0, or -1 (no memory, too many). */
int dc_dns_strlist_add(struct dc_dns_strlist *l, const char *s);
int dc_dns_addrlist_add(struct dc_dns_addrlist *l, int family, const uint8_t *a,
			size_t n);
/* Append the addresses of l to h (takes nothing from l): 0, or -1. */
int dc_hostres_add_addrs(struct dc_hostres *h, const struct dc_dns_addrlist *l);

#endif
