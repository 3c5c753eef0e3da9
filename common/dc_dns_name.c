/* SPDX-License-Identifier: ISC */
/* dc_dns_name.c - domain names as glibc's resolver handles them: wire
 * form to text and back (ns_name_unpack, ns_name_ntop, ns_name_pton), the
 * question name's length, name comparison and the host name check
 * (__res_binary_hnok), and the public dc_dns_check_name, dc_dns_name_wire
 * and dc_dns_expand built on them (sources: Debian 12's glibc
 * 2.36-9+deb12u14, resolv/).
 */
#include <stddef.h>
#include <string.h>

#include "dc_dns_int.h"

/* ns_name_unpack: expand the name at src (inside [msg, eom)) into dst as
 * uncompressed wire form.  Returns the bytes the name occupies at src, or
 * -1.  Pointers may go anywhere inside the message (forward too); a loop
 * is caught by counting the bytes looked at, as glibc does. */
int dc_dns_name_unpack(const uint8_t *msg, const uint8_t *eom,
		       const uint8_t *src, uint8_t *dst, size_t dstsiz)
{
	const uint8_t *srcp = src;
	uint8_t *dstp = dst;
	const uint8_t *dstlim = dst + dstsiz;
	size_t msglen = (size_t)(eom - msg);
	size_t checked = 0;
	int len = -1;

	if (srcp < msg || srcp >= eom)
		return -1;
	for (;;) {
		unsigned n = *srcp++;

		if (n == 0)
			break;
		switch (n & 0xc0) {
		case 0:
			/* n + 1 and >= leave room for the final 0. */
			if ((ptrdiff_t)n + 1 >= dstlim - dstp || (ptrdiff_t)n >= eom - srcp)
				return -1;
			checked += n + 1;
			*dstp++ = (uint8_t)n;
			memcpy(dstp, srcp, n);
			dstp += n;
			srcp += n;
			break;
		case 0xc0: {
			size_t target;

			if (srcp >= eom)
				return -1;
			if (len < 0)
				len = (int)(srcp - src + 1);
			target = ((size_t)(n & 0x3f) << 8) | *srcp;
			if (target >= msglen)
				return -1;
			srcp = msg + target;
			checked += 2;
			/* Looked at the whole message: there must be a loop. */
			if (checked >= msglen)
				return -1;
			break;
		}
		default:        /* 0x40, 0x80: extended label types */
			return -1;
		}
		if (srcp >= eom)
			return -1;
	}
	*dstp = 0;
	if (len < 0)
		len = (int)(srcp - src);
	return len;
}

/* __ns_name_length_uncompressed: the question name must be uncompressed. */
int dc_dns_name_length_uncompressed(const uint8_t *p, const uint8_t *eom)
{
	const uint8_t *start = p;

	for (;;) {
		unsigned b;

		if (p == eom)
			return -1;
		b = *p++;
		if (b == 0) {
			size_t length = (size_t)(p - start);
			return length > DC_WIRE_NAME_MAX ? -1 : (int)length;
		}
		if (b > 63 || (ptrdiff_t)b > eom - p)
			return -1;
		p += b;
	}
}

/* __ns_samebinaryname: equal label by label, ASCII case-insensitive. */
int dc_dns_same_name(const uint8_t *a, const uint8_t *b)
{
	while (*a != 0 && *b != 0) {
		unsigned n = *a;

		if (*a != *b)
			return 0;
		a++;
		b++;
		for (unsigned i = 0; i < n; i++, a++, b++) {
			uint8_t x = *a, y = *b;

			if (x >= 'a' && x <= 'z')
				x = (uint8_t)(x - 'a' + 'A');
			if (y >= 'a' && y <= 'z')
				y = (uint8_t)(y - 'a' + 'A');
			if (x != y)
				return 0;
		}
	}
	return *a == 0 && *b == 0;
}

/* __res_binary_hnok (res-name-checking.c): labels of [0-9A-Za-z_-] only,
 * and the first label must not start with '-'. */
int dc_dns_binary_hnok(const uint8_t *dn)
{
	if (dn[0] > 0 && dn[1] == '-')
		return 0;
	while (*dn != 0) {
		unsigned n = *dn++;

		for (unsigned i = 0; i < n; i++, dn++) {
			uint8_t ch = *dn;

			if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '_'))
				return 0;
		}
	}
	return 1;
}

static int ntop_special(int ch)
{
	switch (ch) {
	case '"': case '.': case ';': case '\\': case '(': case ')':
	case '@': case '$':
		return 1;
	default:
		return 0;
	}
}

/* ns_name_ntop: uncompressed wire name -> text.  Returns the length
 * including the NUL, or -1 if it does not fit. */
int dc_dns_name_ntop(const uint8_t *src, char *dst, size_t dstsiz)
{
	const uint8_t *cp = src;
	char *dn = dst, *eom = dst + dstsiz;
	unsigned l;

	while ((l = *cp++) != 0) {
		if (l >= 64)
			return -1;
		if (dn != dst) {
			if (dn >= eom)
				return -1;
			*dn++ = '.';
		}
		for (; l > 0; l--) {
			uint8_t c = *cp++;

			if (ntop_special(c)) {
				if (eom - dn < 2)
					return -1;
				*dn++ = '\\';
				*dn++ = (char)c;
			} else if (c <= 0x20 || c >= 0x7f) {
				if (eom - dn < 4)
					return -1;
				*dn++ = '\\';
				*dn++ = (char)('0' + c / 100);
				*dn++ = (char)('0' + (c % 100) / 10);
				*dn++ = (char)('0' + c % 10);
			} else {
				if (eom - dn < 2)
					return -1;
				*dn++ = (char)c;
			}
		}
	}
	if (dn == dst) {
		if (dn >= eom)
			return -1;
		*dn++ = '.';
	}
	if (dn >= eom)
		return -1;
	*dn++ = '\0';
	return (int)(dn - dst);
}

/* ns_name_pton's end of a label: its length byte at label, the label
 * running up to bp.  Returns the length, or -1 (over 63, or no room). */
static int label_close(uint8_t *label, const uint8_t *bp, const uint8_t *eom)
{
	size_t n = (size_t)(bp - label - 1);

	if (n > 63 || label >= eom)
		return -1;
	*label = (uint8_t)n;
	return (int)n;
}

/* ns_name_pton's end of the name: the last label closed, then the root
 * label unless that label was itself empty (a final dot); at most
 * DC_WIRE_NAME_MAX bytes in all.  Returns 0, or -1. */
static int name_close(const uint8_t *dst, uint8_t *label, uint8_t *bp,
		      const uint8_t *eom, size_t *outlen)
{
	int n = label_close(label, bp, eom);

	if (n < 0)
		return -1;
	if (n != 0) {
		if (bp >= eom)
			return -1;
		*bp++ = 0;
	}
	if ((size_t)(bp - dst) > DC_WIRE_NAME_MAX)
		return -1;
	if (outlen)
		*outlen = (size_t)(bp - dst);
	return 0;
}

/* ns_name_pton with a 255-byte destination, as res_mkquery and res_hnok
 * use it.  Returns -1 on error, 0 or 1 (fully qualified) on success. */
static int name_pton(const char *src, uint8_t *dst, size_t dstsiz, size_t *outlen)
{
	uint8_t *label = dst, *bp = dst + 1, *eom = dst + dstsiz;
	int c, escaped = 0;

	while ((c = (unsigned char)*src++) != 0) {
		if (escaped) {
			if (c >= '0' && c <= '9') {
				int v = (c - '0') * 100;

				c = (unsigned char)*src++;
				if (c < '0' || c > '9')
					return -1;
				v += (c - '0') * 10;
				c = (unsigned char)*src++;
				if (c < '0' || c > '9')
					return -1;
				v += c - '0';
				if (v > 255)
					return -1;
				c = v;
			}
			escaped = 0;
		} else if (c == '\\') {
			escaped = 1;
			continue;
		} else if (c == '.') {
			if (*src == '\0')    /* fully qualified */
				return name_close(dst, label, bp, eom, outlen) < 0 ? -1 : 1;
			/* 0: an empty label (".a"); -1: over 63 bytes */
			if (label_close(label, bp, eom) <= 0 || *src == '.')
				return -1;
			label = bp++;
			continue;
		}
		if (bp >= eom)
			return -1;
		*bp++ = (uint8_t)c;
	}
	if (escaped)
		return -1;
	return name_close(dst, label, bp, eom, outlen);
}

dc_status dc_dns_name_wire(const char *name, uint8_t *out, size_t *wirelen)
{
	if (name == NULL || out == NULL)
		return DC_EBADNAME;
	return name_pton(name, out, DC_WIRE_NAME_MAX, wirelen) < 0 ?
		DC_EBADNAME : DC_OK;
}

/* res_hnok = printable_string && ns_name_pton && __res_binary_hnok. */
dc_status dc_dns_check_name(const char *name)
{
	uint8_t wire[DC_WIRE_NAME_MAX];

	if (name == NULL)
		return DC_EBADNAME;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p > '~')
			return DC_EBADNAME;
	if (name_pton(name, wire, sizeof(wire), NULL) < 0)
		return DC_EBADNAME;
	return dc_dns_binary_hnok(wire) ? DC_OK : DC_EBADNAME;
}

int dc_dns_expand(const uint8_t *msg, size_t len, const uint8_t *src,
		  char *dst, size_t dstsiz)
{
	uint8_t wire[DC_WIRE_NAME_MAX];
	int n;

	if (msg == NULL || src == NULL || dst == NULL || len == 0)
		return -1;
	n = dc_dns_name_unpack(msg, msg + len, src, wire, sizeof(wire));
	if (n < 0 || dc_dns_name_ntop(wire, dst, dstsiz) < 0)
		return -1;
	return n;
}
