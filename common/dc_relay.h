/* SPDX-License-Identifier: ISC */
/* dc_relay.h - Anonymized DNSCrypt (ANONYMIZED-DNSCRYPT.txt, design.md 2):
 * what a client puts in front of a query it sends through a relay.
 *
 *   0xff x 8 | 0x00 0x00 | server address (16, IPv4 as ::ffff:a.b.c.d) |
 *   server port (2, big-endian) | the DNSCrypt query (or the plain
 *   certificate query)
 *
 * Over TCP the 2-byte length prefix covers the whole of it.  The relay
 * sends the server's answer back unchanged, and drops answers longer
 * than the query: queries through a relay are padded accordingly.
 */
#ifndef DC_RELAY_H
#define DC_RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define DC_RELAY_HDR_LEN 28

extern const uint8_t dc_relay_magic[10];

/* Write the header for the server at sa (AF_INET or AF_INET6).
 * 0, or -1 for another family. */
int dc_relay_header(const struct sockaddr *sa, uint8_t hdr[DC_RELAY_HDR_LEN]);

/* Read a header (what a relay does; for tests): the server address into
 * out (AF_INET for an IPv4-mapped address, else AF_INET6).  0, or -1 if
 * len is short or the magic is wrong. */
int dc_relay_header_parse(const uint8_t *p, size_t len,
			  struct sockaddr_storage *out, socklen_t *outlen);

/* Grow a plain DNS query (the certificate query) to target bytes with an
 * EDNS(0) Padding option (RFC 7830, option 12) in its OPT record, which
 * must be its last record and carry no option yet (what c-ares writes
 * with ARES_FLAG_EDNS), so that a certificate answer up to that size is
 * not longer than the query.  Returns the new length (len unchanged when
 * the query has no such OPT record, is already long enough or target
 * exceeds cap). */
size_t dc_relay_pad_plain(uint8_t *msg, size_t len, size_t cap, size_t target);

#endif
