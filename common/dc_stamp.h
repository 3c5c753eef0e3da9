/* SPDX-License-Identifier: ISC */
/* dc_stamp.h - DNS stamps (sdns://), DNSCrypt (0x01) and relay (0x81).
 *
 * Format: "sdns://" + base64url without padding of
 *   DNSCrypt: 0x01 | props(8, little-endian) | LP(addr) | LP(pk, 32) | LP(provider name)
 *   Relay:    0x81 | LP(addr)
 * LP(x) = one length byte then x.  addr is "ip", "ip:port", "[ip6]" or
 * "[ip6]:port"; the default port is 443.  Trailing bytes are an error.
 */
#ifndef DC_STAMP_H
#define DC_STAMP_H

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "dc_status.h"

#define DC_STAMP_DNSCRYPT 0x01
#define DC_STAMP_RELAY    0x81

#define DC_PROP_DNSSEC   (1u << 0)
#define DC_PROP_NOLOG    (1u << 1)
#define DC_PROP_NOFILTER (1u << 2)

#define DC_STAMP_DEFAULT_PORT 443
#define DC_PROVIDER_NAME_MAX 255

struct dc_stamp {
	int kind;                   /* DC_STAMP_DNSCRYPT or DC_STAMP_RELAY */
	uint64_t props;             /* DC_PROP_* (DNSCrypt only) */
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} addr;                     /* address and port, network order */
	socklen_t addrlen;
	uint8_t provider_pk[32];    /* Ed25519 provider public key (DNSCrypt only) */
	char provider_name[DC_PROVIDER_NAME_MAX + 1]; /* e.g. "2.dnscrypt-cert.example" */
};

/* Parse one stamp.  On failure returns DC_EPARSE (DC_ENOMEM when out of
 * memory) and writes a one-line English reason to err (if errlen > 0). */
dc_status dc_stamp_parse(const char *text, struct dc_stamp *out,
			 char *err, size_t errlen);

/* Format the stamp's address as "ip:port" or "[ip6]:port". */
void dc_stamp_addr_str(const struct dc_stamp *st, char *buf, size_t len);

#endif
