/* dc_dns.h - turning DNS answers into host entries the way glibc's nss_dns
 * does (pure functions over bytes; every input is untrusted).
 */
#ifndef DC_DNS_H
#define DC_DNS_H

#include <stdint.h>
#include <stddef.h>
#include "dc_status.h"

#define DC_NAME_MAX 1025   /* presentation form incl. NUL, as NS_MAXDNAME */

struct dc_addr {
	int family;            /* AF_INET or AF_INET6 */
	uint8_t addr[16];      /* 4 or 16 bytes used */
};

/* A host entry: what gethostbyname*_r / gethostbyname4_r / gethostbyaddr_r
 * return, before packing into a caller's buffer.  All memory is owned by
 * the struct; free it with dc_hostres_free. */
struct dc_hostres {
	char *name;            /* canonical name (h_name) */
	char **aliases;        /* naliases names (h_aliases, no terminator here) */
	int naliases;
	struct dc_addr *addrs; /* in answer order; A answers before AAAA for AF_UNSPEC */
	int naddrs;
	uint32_t ttl;          /* smallest TTL of the records used */
};

void dc_hostres_init(struct dc_hostres *h);
void dc_hostres_free(struct dc_hostres *h);
/* Deep copy; DC_ENOMEM on failure (dst is then empty). */
dc_status dc_hostres_copy(struct dc_hostres *dst, const struct dc_hostres *src);

/* Parse the answer to an A (qtype 1) or AAAA (28) query for qname and append
 * what glibc's nss_dns would take from it to h (name, aliases, addresses).
 * Returns DC_OK if at least one address was added, DC_ENODATA if the name
 * exists without such records, DC_ENOTFOUND on NXDOMAIN, DC_ESERVFAIL /
 * DC_EREFUSED on those rcodes, DC_EBADRESP on a malformed message and
 * DC_ENOMEM. */
dc_status dc_dns_parse_addrs(const uint8_t *msg, size_t len, int qtype,
			     struct dc_hostres *h);

/* Parse the answer to a PTR query into h (name and aliases, no address;
 * the caller adds the address).  Statuses as above. */
dc_status dc_dns_parse_ptr(const uint8_t *msg, size_t len, struct dc_hostres *h);

/* The reverse name of an address ("4.3.2.1.in-addr.arpa" or the ip6.arpa
 * nibble form).  DC_EBADARG for another family or a short buffer. */
dc_status dc_dns_ptr_name(int family, const void *addr, char *out, size_t outlen);

/* Check that name is a domain name glibc would send (length, labels);
 * DC_EBADNAME if not. */
dc_status dc_dns_check_name(const char *name);

#endif
