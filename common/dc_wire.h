/* SPDX-License-Identifier: ISC */
/* dc_wire.h - the DNS wire format read once for everyone (RFC 1035 4.1):
 * big-endian integers, skipping a name, and the OPT record (RFC 6891) at
 * the end of a message.  Pure functions over bytes (dc_wire.c). */
#ifndef DC_WIRE_H
#define DC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define DC_T_OPT 41

uint16_t dc_get16(const uint8_t *p);
uint32_t dc_get32(const uint8_t *p);

/* The offset just past the name at off in m[0..len) (labels, ending with
 * the root label or a compression pointer, which is not followed), or 0
 * when it is malformed or runs past len. */
size_t dc_wire_skip_name(const uint8_t *m, size_t len, size_t off);

/* The offset of m's OPT record when it is the message's last record and
 * the records end exactly at len (where every implementation puts it),
 * else 0.  Its owner name is at the offset; its type, class (the UDP
 * payload size), TTL and RDLENGTH follow the name. */
size_t dc_wire_last_opt(const uint8_t *m, size_t len);

/* The EDNS payload size of the OPT record dc_wire_query_dnssec adds to a
 * query that had none (RFC 6891 6.2.5; the DNS flag day 2020 value). */
#define DC_WIRE_DO_UDP 1232

/* Make the query m[0..len), of capacity cap, ask for DNSSEC records as a
 * validating stub does (RFC 6840 5.9, RFC 3225): CD set in the header, DO
 * in its OPT record; a query without an OPT record as its last record
 * gets one (DC_WIRE_DO_UDP, DO set) when it fits in cap.  Returns the new
 * length, or 0 (m's header untouched) when m is no query, its records do
 * not end at len, or the OPT does not fit. */
size_t dc_wire_query_dnssec(uint8_t *m, size_t len, size_t cap);

/* The header flags of an answer handed to a caller: AD set iff ad (the
 * answer validated secure here; RFC 4035 3.2.3 and RFC 6840 5.8: a stub's
 * caller may act on it), CD as in the caller's query (cd).  Nothing for a
 * message shorter than a header. */
void dc_wire_answer_flags(uint8_t *m, size_t len, int ad, int cd);

#endif
