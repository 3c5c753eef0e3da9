/* SPDX-License-Identifier: ISC */
/* dc_wire_strip.h - an answer made fit for a caller that did not ask for
 * DNSSEC records (RFC 3225 3). */
#ifndef DC_WIRE_STRIP_H
#define DC_WIRE_STRIP_H

#include <stddef.h>
#include <stdint.h>

/* With "dnssec validate" every query carries DO, so answers hold RRSIG,
 * NSEC and NSEC3 records that a caller whose query had no DO would not
 * have got (RFC 3225 3: "MUST NOT include ... unless explicitly queried
 * for", and the DO bit of the response copies the query's).  Take those
 * records out of m[0..len) (except records of the question's own type)
 * and clear DO in its OPT record; the records kept and their compression
 * pointers (owner names and the names RFC 3597 4 lets be compressed: NS,
 * CNAME, SOA, PTR, MB, MG, MR, MINFO, MX) move up.  Returns the new
 * length; when the message cannot be parsed, or a name that stays points
 * into a record taken out, m is left as it was (DO aside) and len
 * returned. */
size_t dc_wire_strip_dnssec(uint8_t *m, size_t len);

#endif
