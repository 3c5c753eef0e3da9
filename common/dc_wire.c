/* SPDX-License-Identifier: ISC */
/* dc_wire.c - DNS wire format helpers (dc_wire.h). */
#include "dc_wire.h"

uint16_t dc_get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

uint32_t dc_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t dc_wire_skip_name(const uint8_t *m, size_t len, size_t off)
{
	while (off < len) {
		uint8_t l = m[off];

		if (l == 0)
			return off + 1;
		if ((l & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : 0;
		if (l & 0xc0)           /* 0x40, 0x80: extended label types */
			return 0;
		off += 1 + (size_t)l;
	}
	return 0;
}

size_t dc_wire_last_opt(const uint8_t *m, size_t len)
{
	size_t off = 12, last = 0, t;
	unsigned nrr, nar;

	if (m == NULL || len < 12)
		return 0;
	nar = dc_get16(m + 10);
	nrr = (unsigned)dc_get16(m + 6) + dc_get16(m + 8) + nar;
	if (nar == 0)
		return 0;
	for (unsigned i = dc_get16(m + 4); i > 0; i--) {    /* questions */
		off = dc_wire_skip_name(m, len, off);
		if (off == 0 || off + 4 > len)
			return 0;
		off += 4;
	}
	for (; nrr > 0; nrr--) {
		last = off;
		off = dc_wire_skip_name(m, len, off);
		if (off == 0 || off + 10 > len)
			return 0;
		off += 10 + (size_t)dc_get16(m + off + 8);
		if (off > len)
			return 0;
	}
	if (off != len)
		return 0;
	t = dc_wire_skip_name(m, len, last);
	return dc_get16(m + t) == DC_T_OPT ? last : 0;
}

size_t dc_wire_query_dnssec(uint8_t *m, size_t len, size_t cap)
{
	static const uint8_t opt[11] = {
		0,                                 /* root */
		0, DC_T_OPT,
		DC_WIRE_DO_UDP >> 8, DC_WIRE_DO_UDP & 0xff,
		0, 0, 0x80, 0,                     /* rcode, version, DO */
		0, 0                               /* RDLENGTH */
	};
	size_t at, t;
	unsigned nar;

	if (m == NULL || len < 12 || (m[2] & 0x80) || len > cap)
		return 0;
	at = dc_wire_last_opt(m, len);
	if (at) {
		/* TTL: extended rcode, version, then the flags: DO first. */
		t = dc_wire_skip_name(m, len, at);
		m[t + 6] |= 0x80;
	} else {
		nar = dc_get16(m + 10);
		if (cap - len < sizeof opt || nar == 0xffff)
			return 0;
		for (size_t i = 0; i < sizeof opt; i++)
			m[len + i] = opt[i];
		m[10] = (uint8_t)((nar + 1) >> 8);
		m[11] = (uint8_t)(nar + 1);
		if (dc_wire_last_opt(m, len + sizeof opt) != len) {
			/* The records did not end at len: not a message. */
			m[10] = (uint8_t)(nar >> 8);
			m[11] = (uint8_t)nar;
			return 0;
		}
		len += sizeof opt;
	}
	m[3] |= 0x10;                              /* CD */
	return len;
}

void dc_wire_answer_flags(uint8_t *m, size_t len, int ad, int cd)
{
	if (m == NULL || len < 12)
		return;
	m[3] = (uint8_t)((m[3] & ~0x30) | (ad ? 0x20 : 0) | (cd ? 0x10 : 0));
}
