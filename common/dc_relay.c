/* SPDX-License-Identifier: ISC */
/* dc_relay.c - the Anonymized DNSCrypt header and the padding of plain
 * queries sent through a relay (ANONYMIZED-DNSCRYPT.txt section 2). */
#include <string.h>
#include <netinet/in.h>

#include "dc_relay.h"
#include "dc_wire.h"

/* <anon-magic> ::= 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0x00 0x00 */
const uint8_t dc_relay_magic[10] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00
};

#define EDNS_PADDING 12     /* RFC 7830 */

int dc_relay_header(const struct sockaddr *sa, uint8_t hdr[DC_RELAY_HDR_LEN])
{
	uint8_t *ip = hdr + sizeof dc_relay_magic, *port = ip + 16;

	memcpy(hdr, dc_relay_magic, sizeof dc_relay_magic);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		/* "IPv4 addresses should be mapped to IPv6 (::ffff:<ipv4>)" */
		memset(ip, 0, 10);
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, &s4->sin_addr, 4);
		memcpy(port, &s4->sin_port, 2);  /* both in network order */
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		memcpy(ip, &s6->sin6_addr, 16);
		memcpy(port, &s6->sin6_port, 2);
		return 0;
	}
	return -1;
}

int dc_relay_header_parse(const uint8_t *p, size_t len,
			  struct sockaddr_storage *out, socklen_t *outlen)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const uint8_t *ip = p + sizeof dc_relay_magic, *port = ip + 16;

	if (p == NULL || len < DC_RELAY_HDR_LEN ||
	    memcmp(p, dc_relay_magic, sizeof dc_relay_magic) != 0)
		return -1;
	memset(out, 0, sizeof *out);
	if (memcmp(ip, mapped, sizeof mapped) == 0) {
		struct sockaddr_in *s4 = (void *)out;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, ip + 12, 4);
		memcpy(&s4->sin_port, port, 2);
		*outlen = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (void *)out;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, ip, 16);
		memcpy(&s6->sin6_port, port, 2);
		*outlen = sizeof *s6;
	}
	return 0;
}

size_t dc_relay_pad_plain(uint8_t *msg, size_t len, size_t cap, size_t target)
{
	size_t last, opt_len, add;

	if (msg == NULL || len < 12 || target <= len || target > cap ||
	    target > 65535)
		return len;
	/* The last record must be an option-less OPT owned by the root:
	 * 0x00 | type 41 | class | ttl | rdlength 0, ending the message. */
	last = dc_wire_last_opt(msg, len);
	if (last == 0 || len - last != 11 || msg[last] != 0)
		return len;
	if (target - len < 4)
		target = len + 4;       /* the option header alone */
	if (target > cap)
		return len;
	add = target - len;
	opt_len = add - 4;
	msg[last + 9] = (uint8_t)(add >> 8);
	msg[last + 10] = (uint8_t)add;
	msg[len] = 0;
	msg[len + 1] = EDNS_PADDING;
	msg[len + 2] = (uint8_t)(opt_len >> 8);
	msg[len + 3] = (uint8_t)opt_len;
	memset(msg + len + 4, 0, opt_len);  /* RFC 7830: zeros */
	return target;
}
