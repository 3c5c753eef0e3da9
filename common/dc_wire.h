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

#endif
