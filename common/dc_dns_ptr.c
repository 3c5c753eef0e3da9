/* SPDX-License-Identifier: ISC */
/* dc_dns_ptr.c - reverse lookups as glibc 2.36's nss_dns makes them: the
 * answer to a PTR query (getanswer_ptr), the reverse name of an address and
 * the address rules of _nss_dns_gethostbyaddr2_r (IPv4-mapped and
 * IPv4-compatible IPv6 addresses looked up as IPv4).
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dc_dns_int.h"

/* ------------------------------------------------------ getanswer_ptr */

dc_status dc_dns_parse_ptr(const uint8_t *msg, size_t len, struct dc_hostres *h)
{
	uint8_t expected_buf[DC_WIRE_NAME_MAX], target[DC_WIRE_NAME_MAX];
	const uint8_t *expected;
	uint32_t ttl = UINT32_MAX;
	struct dc_dns_cursor c;
	unsigned ancount;
	dc_status st;

	if (h == NULL)
		return DC_EBADARG;
	st = dc_dns_answer_open(msg, len, h, &c);
	if (st != DC_OK)
		return st;
	expected = dc_dns_qname(&c);
	for (ancount = dc_dns_hdr_ancount(msg); ancount > 0; ancount--) {
		struct dc_dns_rr rr;

		if (!dc_dns_cursor_next(&c, &rr))
			return DC_EBADRESP;
		if (rr.cls != C_IN)
			continue;
		if (rr.type == T_CNAME || rr.type == T_PTR)
			dc_dns_ttl_min(&ttl, rr.ttl);
		if (rr.type == T_CNAME) {
			if (dc_dns_name_unpack(c.begin, c.end, rr.rdata, expected_buf,
					       sizeof(expected_buf)) < 0)
				return DC_EBADRESP;
			expected = expected_buf;
		} else if (rr.type == T_PTR && dc_dns_same_name(rr.name, expected)) {
			char text[HOSTNAME_TEXT];
			char *name;

			/* The first matching PTR decides: a target that is
			 * not a host name fails the lookup (CVE-2026-4438
			 * fix), glibc does not try the next record. */
			if (dc_dns_name_unpack(c.begin, c.end, rr.rdata, target,
					       sizeof(target)) < 0 ||
			    !dc_dns_binary_hnok(target) ||
			    dc_dns_name_ntop(target, text, sizeof(text)) < 0)
				return DC_EBADRESP;
			name = strdup(text);
			if (!name)
				return DC_ENOMEM;
			free(h->name);
			h->name = name;
			dc_dns_ttl_min(&h->ttl, ttl);
			return DC_OK;
		}
	}
	return NOADDR_STATUS;     /* glibc: TRYAGAIN, NO_RECOVERY, ENOENT */
}

/* ------------------------------------------------------- reverse names */

dc_status dc_dns_ptr_name(int family, const void *addr, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *a = addr;
	char buf[80], *p = buf;
	size_t n;

	if (addr == NULL || out == NULL)
		return DC_EBADARG;
	if (family == AF_INET) {
		for (int i = 3; i >= 0; i--) {
			unsigned v = a[i];

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = '.';
		}
		memcpy(p, "in-addr.arpa", sizeof("in-addr.arpa"));
	} else if (family == AF_INET6) {
		for (int i = 15; i >= 0; i--) {
			*p++ = hex[a[i] & 0xf];
			*p++ = '.';
			*p++ = hex[a[i] >> 4];
			*p++ = '.';
		}
		memcpy(p, "ip6.arpa", sizeof("ip6.arpa"));
	} else {
		return DC_EBADARG;
	}
	n = strlen(buf) + 1;
	if (n > outlen)
		return DC_EBADARG;
	memcpy(out, buf, n);
	return DC_OK;
}

dc_status dc_dns_addr_unmap(int *af, const void **addr, size_t *len)
{
	static const uint8_t mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
	static const uint8_t tunnelled[12] = { 0 };
	static const uint8_t v6local[4] = { 0,0,0,1 };
	const uint8_t *a;

	if (af == NULL || addr == NULL || len == NULL || *addr == NULL)
		return DC_EBADARG;
	a = *addr;
	if (*af == AF_INET6 && *len == 16 &&
	    (memcmp(a, mapped, 12) == 0 ||
	     (memcmp(a, tunnelled, 12) == 0 && memcmp(a + 12, v6local, 4) != 0))) {
		*addr = a + 12;
		*af = AF_INET;
		*len = 4;
		return DC_OK;
	}
	if (*af == AF_INET)
		return *len >= 4 ? DC_OK : DC_EBADARG;
	if (*af == AF_INET6)
		return *len >= 16 ? DC_OK : DC_EBADARG;
	return DC_EBADARG;
}
