/* SPDX-License-Identifier: ISC */
/* dc_dns.h - turning DNS answers into host entries the way glibc's nss_dns
 * does (pure functions over bytes; every input is untrusted).
 *
 * Reference: glibc 2.36 as shipped by Debian 12 (2.36-9+deb12u14, whose
 * stable-branch updates carry the 2.37 rewrite of resolv/nss_dns/dns-host.c
 * on top of ns_rr_cursor and alloc_buffer, plus the 2026 gethostbyaddr
 * fixes).  The functions named in comments are from that source.
 */
#ifndef DC_DNS_H
#define DC_DNS_H

#include <stdint.h>
#include <stddef.h>
#include "dc_status.h"

#define DC_NAME_MAX 1025   /* presentation form incl. NUL, as NS_MAXDNAME */
#define DC_WIRE_NAME_MAX 255 /* uncompressed wire form, as NS_MAXCDNAME */

struct dc_addr {
	int family;            /* AF_INET or AF_INET6 */
	uint8_t addr[16];      /* 4 or 16 bytes used, the rest zero */
};

/* A host entry: what gethostbyname*_r / gethostbyname4_r / gethostbyaddr_r
 * return, before packing into a caller's buffer.  All memory is owned by
 * the struct; free it with dc_hostres_free. */
struct dc_hostres {
	char *name;            /* canonical name (h_name, first gaih tuple) */
	char **aliases;        /* naliases names (h_aliases, no terminator here) */
	int naliases;
	struct dc_addr *addrs; /* in answer order; A answers before AAAA for AF_UNSPEC */
	int naddrs;
	uint32_t ttl;          /* smallest TTL of the records glibc looks at
	                        * (see the parsers); UINT32_MAX: none */
	int answered;          /* set by the parsers when an answer had rcode
	                        * NOERROR and at least one answer record: glibc's
	                        * res_search stops at that candidate name even if
	                        * no address was usable (see dc_search.h) */
};

void dc_hostres_init(struct dc_hostres *h);
void dc_hostres_free(struct dc_hostres *h);
/* Deep copy; DC_ENOMEM on failure (dst is then empty). */
dc_status dc_hostres_copy(struct dc_hostres *dst, const struct dc_hostres *src);

/* Parse the answer to an A (qtype 1) or AAAA (28) query the way glibc's
 * getanswer_r does for gethostbyname{,2,3}_r, and add it to h:
 *  - the answer section is read once, in order; records of a class other
 *    than IN are skipped;
 *  - a CNAME record (whatever its owner: glibc does not check it) makes
 *    its target the name that address records must have, and the target
 *    becomes an alias if it is a valid host name (res_hnok rules);
 *  - an address record counts if its type is qtype, its owner equals the
 *    current name (ASCII case-insensitive) and its RDLENGTH is 4/16;
 *    duplicates are kept, in answer order;
 *  - names: the question name followed by the CNAME targets kept as
 *    aliases, in answer order; the last one is h_name, the others are
 *    h_aliases (so "www CNAME a, a CNAME b, b A ..." gives h_name b,
 *    aliases www and a);
 *  - ttl: the smallest TTL of the IN records of type CNAME or qtype.
 * If h already holds addresses (a previous call), only the addresses and
 * the TTL of this answer are added (names are kept); otherwise the names
 * of this answer replace h's.
 *
 * Returns DC_OK if at least one address was added.  Failures (h is then
 * unchanged apart from 'answered'):
 *  DC_ENOTFOUND  rcode NXDOMAIN; or rcode NOERROR with answer records but
 *                none usable (only CNAMEs, other owners, ...) or a question
 *                name that is not a host name: glibc's search stops there
 *                (h->answered is set) and nss_dns reports no address;
 *  DC_ENODATA    rcode NOERROR with an empty answer section;
 *  DC_ESERVFAIL  rcode SERVFAIL;  DC_EREFUSED  any other rcode, and a
 *                NOERROR answer with no record at all and neither AA nor
 *                RA (res_send treats that lame answer like REFUSED);
 *  DC_EBADRESP   malformed message (header, question, records, names);
 *  DC_EBADARG    qtype neither A nor AAAA, NULL h;  DC_ENOMEM.
 * (glibc 2.36 itself ends "answer records but no usable address" with
 * NSS_STATUS_TRYAGAIN and h_errno NO_RECOVERY for gethostbyname{,2,3}_r,
 * and NOTFOUND/HOST_NOT_FOUND for gethostbyname4_r; both make getaddrinfo
 * answer EAI_NONAME, as DC_ENOTFOUND does.) */
dc_status dc_dns_parse_addrs(const uint8_t *msg, size_t len, int qtype,
			     struct dc_hostres *h);

/* Parse the two answers of a gethostbyname4_r (getaddrinfo AF_UNSPEC)
 * lookup the way glibc's __res_context_query + gaih_getanswer do: a_msg is
 * the answer to the A query, aaaa_msg the one to the AAAA query; either may
 * be NULL (or shorter than a DNS header) when it did not arrive.  h should
 * be empty.  Rules:
 *  - an answer with rcode SERVFAIL, NOTIMP or REFUSED (or lame, see
 *    above) counts as missing when the other one is not such an answer
 *    (res_send's send_dg); if both are, DC_ESERVFAIL / DC_EREFUSED by the
 *    A answer's rcode;
 *  - neither answer has rcode NOERROR with answer records: the status
 *    comes from the A answer's rcode unless that is NOERROR, then from the
 *    AAAA answer's: NXDOMAIN -> DC_ENOTFOUND, SERVFAIL -> DC_ESERVFAIL,
 *    NOERROR -> DC_ENODATA, other -> DC_EREFUSED (h->answered stays 0);
 *  - otherwise (h->answered = 1) each answer is read as in
 *    dc_dns_parse_addrs except that glibc checks no record class here and
 *    the record type wanted is the answer's own question type; A
 *    addresses come first, then AAAA ones;
 *  - h->name (the name of the first gaih tuple, getaddrinfo's
 *    ai_canonname) is the last CNAME target that is a valid host name
 *    seen before the first usable address of the first answer that has
 *    one (the question name if there is no such CNAME); later CNAMEs do
 *    not change it; no aliases;
 *  - status: DC_OK if any address; a malformed first answer is
 *    DC_EBADRESP (the second is then not read); a malformed second answer
 *    after a first one with addresses keeps the addresses read before the
 *    damage (DC_OK), else DC_EBADRESP; no usable address: DC_ENOTFOUND.
 * ttl: the smallest TTL of the CNAME and address-type records read. */
dc_status dc_dns_parse_gaih(const uint8_t *a_msg, size_t a_len,
			    const uint8_t *aaaa_msg, size_t aaaa_len,
			    struct dc_hostres *h);

/* Parse the answer to a PTR query the way glibc's getanswer_ptr does
 * (gethostbyaddr*_r): the first IN PTR record whose owner is the current
 * name (the question name, or the target of the last IN CNAME read before
 * it, whatever that CNAME's owner) gives h->name; its target must be a
 * valid host name, else DC_EBADRESP (glibc does not look further).  Only
 * one name: no aliases (glibc 2.36 returns an empty h_aliases).  No such
 * record: DC_ENOTFOUND (h->answered set; glibc: TRYAGAIN/NO_RECOVERY).
 * rcode statuses as dc_dns_parse_addrs.  ttl: smallest TTL of the IN
 * CNAME and PTR records read up to the one used. */
dc_status dc_dns_parse_ptr(const uint8_t *msg, size_t len, struct dc_hostres *h);

/* The reverse name of an address ("4.3.2.1.in-addr.arpa" or the ip6.arpa
 * nibble form, lower-case hex), exactly as _nss_dns_gethostbyaddr2_r
 * builds it.  DC_EBADARG for another family, NULL pointers or a short
 * buffer (73 bytes always suffice). */
dc_status dc_dns_ptr_name(int family, const void *addr, char *out, size_t outlen);

/* The address rules of _nss_dns_gethostbyaddr2_r, applied before the
 * reverse name is made: an AF_INET6 address of length 16 that is
 * IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d, but not
 * ::0.0.0.1; :: itself becomes 0.0.0.0) is looked up - and returned, with
 * h_addrtype AF_INET and h_length 4 - as the IPv4 address a.b.c.d.  On
 * DC_OK *af, *addr and *len are updated.  DC_EBADARG if *af is neither
 * AF_INET nor AF_INET6 or *len is shorter than 4 / 16 (nss_dns: UNAVAIL,
 * errno EAFNOSUPPORT, h_errno NETDB_INTERNAL). */
dc_status dc_dns_addr_unmap(int *af, const void **addr, size_t *len);

/* Check that name is a name glibc's nss_dns would look up: res_hnok (as
 * check_name in _nss_dns_gethostbyname{,2,4}_r): only characters 0x21..0x7e,
 * convertible to wire form (ns_name_pton: labels 1..63 bytes, no empty
 * label, at most 255 bytes in wire form, i.e. 253 characters plus an
 * optional final dot; backslash escapes allowed), every label made of
 * [A-Za-z0-9_-] after unescaping, and the first label not starting with
 * '-'.  "" and "." pass (both are the root).  DC_EBADNAME if not
 * (nss_dns: NOTFOUND, HOST_NOT_FOUND). */
dc_status dc_dns_check_name(const char *name);

/* Presentation name -> uncompressed wire form (ns_name_pton): out holds
 * DC_WIRE_NAME_MAX bytes; *wirelen (if not NULL) gets the length.
 * DC_EBADNAME if the name cannot be sent (res_mkquery would fail). */
dc_status dc_dns_name_wire(const char *name, uint8_t *out, size_t *wirelen);

/* Expand the possibly compressed name at src inside msg[0..len) to
 * presentation form like glibc's dn_expand (ns_name_unpack with its
 * pointer-loop check, then ns_name_ntop: the root is ".", no final dot,
 * '.', ';', '\\', '(', ')', '@', '$' and '"' escaped with a backslash,
 * other bytes outside 0x21..0x7e as \DDD).  Returns the number of bytes
 * the name takes at src, or -1 if it is malformed or does not fit in
 * dstsiz bytes. */
int dc_dns_expand(const uint8_t *msg, size_t len, const uint8_t *src,
		  char *dst, size_t dstsiz);

/* The status of a whole answer as res_query sees it (glibc's
 * __res_context_query and res_send): DC_OK for rcode NOERROR with answer
 * records; DC_ENOTFOUND (NXDOMAIN), DC_ENODATA (no answer record),
 * DC_ESERVFAIL, DC_EREFUSED (REFUSED, NOTIMP, FORMERR, other rcodes, and
 * a lame referral res_send passes over); DC_EBADRESP without a header. */
dc_status dc_answer_status(const uint8_t *msg, size_t len);

#endif
