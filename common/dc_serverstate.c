/* SPDX-License-Identifier: ISC */
/* dc_serverstate.c - the text format of the server state file.
 *
 *   nss-dnscrypt servers 1
 *   ID FAILS SRTT_US SKIP_UNTIL RTT_AT UPDATED UDP_BAD_UNTIL
 *   ...
 *
 * (UDP_BAD_UNTIL is missing in files of earlier versions: read as 0.)
 * ID is 32 hex digits, the rest decimal (times in seconds since the
 * epoch).  The file may have been corrupted or written by someone hostile
 * (it sits in a cache directory): a line that is not exactly that is
 * ignored, and values are clamped so that no record can push a server
 * away for longer than DC_SKIP_MAX or claim to be newer than now.
 */
#include <stdio.h>
#include <string.h>

#include "dc_servers.h"

#define HEADER "nss-dnscrypt servers 1"
#define LINE_MAX_LEN 200
#define FIELDS 7

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal digits only, at most 18 of them (no overflow of int64_t). */
static int parse_num(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_id(const char *s, size_t n, uint8_t id[DC_HEALTH_ID_LEN])
{
	if (n != 2 * DC_HEALTH_ID_LEN)
		return -1;
	for (size_t i = 0; i < DC_HEALTH_ID_LEN; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		id[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* One record line (no newline): 0 and *h filled, or -1. */
static int parse_line(const char *s, size_t n, time_t now, struct dc_health *h)
{
	const char *f[FIELDS];
	size_t fl[FIELDS], start = 0;
	int64_t v[FIELDS];
	int k = 0;

	if (n == 0 || n > LINE_MAX_LEN)
		return -1;
	/* exactly FIELDS words separated by single spaces */
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		if (k == FIELDS || i == start)
			return -1;
		f[k] = s + start;
		fl[k++] = i - start;
		start = i + 1;
	}
	if (k < FIELDS - 1 || parse_id(f[0], fl[0], h->id) != 0)
		return -1;
	if (k == FIELDS - 1) {
		f[k] = "0";
		fl[k++] = 1;
	}
	for (k = 1; k < FIELDS; k++)
		if (parse_num(f[k], fl[k], &v[k]) != 0)
			return -1;
	h->fails = (uint32_t)clamp(v[1], 0, DC_FAILS_MAX);
	h->srtt_us = (uint32_t)clamp(v[2], 0, DC_RTT_MAX_US);
	h->skip_until = clamp(v[3], 0, (int64_t)now + DC_SKIP_MAX);
	h->rtt_at = h->srtt_us ? clamp(v[4], 0, (int64_t)now) : 0;
	h->updated = clamp(v[5], 0, (int64_t)now);
	h->udp_bad_until = clamp(v[6], 0, (int64_t)now + DC_UDP_RETRY);
	return 0;
}

int dc_state_parse(const char *text, size_t len, time_t now,
		   struct dc_health *out, int max)
{
	size_t pos = 0, hl = sizeof HEADER - 1;
	int n = 0;

	if (text == NULL || max <= 0 || len < hl + 1 ||
	    memcmp(text, HEADER, hl) != 0 || text[hl] != '\n')
		return 0;
	pos = hl + 1;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct dc_health h;
		int i;

		/* a last line without its newline may be cut short: skip it */
		if (nl != NULL && parse_line(text + pos, ll, now, &h) == 0) {
			for (i = 0; i < n; i++)
				if (memcmp(out[i].id, h.id, DC_HEALTH_ID_LEN) == 0)
					break;
			if (i < n)
				out[i] = h;
			else if (n < max)
				out[n++] = h;
		}
		pos += ll + 1;
	}
	return n;
}

size_t dc_state_format(const struct dc_health *h, int n, char *out, size_t cap)
{
	size_t off;
	int r;

	if (cap < sizeof HEADER + 1)
		return 0;
	memcpy(out, HEADER "\n", sizeof HEADER);
	off = sizeof HEADER;
	for (int i = 0; i < n; i++) {
		char id[2 * DC_HEALTH_ID_LEN + 1];
		for (int k = 0; k < DC_HEALTH_ID_LEN; k++)
			snprintf(id + 2 * k, 3, "%02x", h[i].id[k]);
		r = snprintf(out + off, cap - off, "%s %u %u %lld %lld %lld %lld\n", id,
			     h[i].fails, h[i].srtt_us, (long long)h[i].skip_until,
			     (long long)h[i].rtt_at, (long long)h[i].updated,
			     (long long)h[i].udp_bad_until);
		if (r < 0 || (size_t)r >= cap - off)
			break;
		off += (size_t)r;
	}
	out[off] = '\0';
	return off;
}
