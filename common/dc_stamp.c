/* SPDX-License-Identifier: ISC */
/* dc_stamp.c - DNS stamps: DNSCrypt (0x01) and relay (0x81), nothing else. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "dc_stamp.h"

#define PREFIX "sdns://"
#define PREFIX_LEN 7
/* Large enough for any stamp kind we may meet; a DNSCrypt stamp is at
 * most 1 + 8 + 3 * 256 bytes. */
#define BIN_MAX 2048
#define TEXT_MAX (BIN_MAX / 3 * 4)

struct reader {
	const unsigned char *p;
	size_t len;
	size_t off;
};

/* Copy at most 64 bytes of s (n bytes long) to out, printable ASCII only,
 * so that an error message stays one readable line. */
static void sanitize(const char *s, size_t n, char *out, size_t outlen)
{
	size_t i, j = 0;

	for (i = 0; i < n && j + 4 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		out[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		if (i == 63 && i + 1 < n) {
			memcpy(out + j, "...", 3);
			j += 3;
			break;
		}
	}
	out[j] = '\0';
}

static const char *refused_kind(unsigned kind)
{
	switch (kind) {
	case 0x00: return "plain DNS stamp (0x00)";
	case 0x02: return "DNS-over-HTTPS stamp (0x02)";
	case 0x03: return "DNS-over-TLS stamp (0x03)";
	case 0x04: return "DNS-over-QUIC stamp (0x04)";
	case 0x05: return "Oblivious DoH target stamp (0x05)";
	case 0x85: return "Oblivious DoH relay stamp (0x85)";
	default:   return NULL;
	}
}

/* Decode "sdns://..." strictly: no padding, no whitespace, no other
 * characters than the URL-safe base64 alphabet. */
static dc_status decode_text(const char *text, unsigned char *bin,
			     size_t *binlen, char *err, size_t errlen)
{
	const char *b64;
	size_t n, i;

	if (text == NULL || strncmp(text, PREFIX, PREFIX_LEN) != 0) {
		dc_set_err(err, errlen, "stamp: does not start with \"sdns://\"");
		return DC_EPARSE;
	}
	b64 = text + PREFIX_LEN;
	n = strlen(b64);
	if (n == 0) {
		dc_set_err(err, errlen, "stamp: nothing after \"sdns://\"");
		return DC_EPARSE;
	}
	if (n > TEXT_MAX) {
		dc_set_err(err, errlen, "stamp: too long (%zu characters)", n);
		return DC_EPARSE;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b64[i];
		if (c == '=') {
			dc_set_err(err, errlen, "stamp: '=' padding is not allowed");
			return DC_EPARSE;
		}
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			if (c > 0x20 && c < 0x7f)
				dc_set_err(err, errlen, "stamp: invalid base64url character '%c' at position %zu",
					c, PREFIX_LEN + i);
			else
				dc_set_err(err, errlen, "stamp: invalid byte 0x%02x at position %zu",
					c, PREFIX_LEN + i);
			return DC_EPARSE;
		}
	}
	if (sodium_base642bin(bin, BIN_MAX, b64, n, NULL, binlen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
		dc_set_err(err, errlen, "stamp: invalid base64url length or trailing bits");
		return DC_EPARSE;
	}
	return DC_OK;
}

/* LP(x): one length byte then x.  what names the field for errors. */
static dc_status read_lp(struct reader *r, const unsigned char **val,
			 size_t *vlen, const char *what, char *err, size_t errlen)
{
	size_t n;

	if (r->off >= r->len) {
		dc_set_err(err, errlen, "stamp: truncated before the %s", what);
		return DC_EPARSE;
	}
	n = r->p[r->off++];
	if (n > r->len - r->off) {
		dc_set_err(err, errlen, "stamp: %s is truncated (%zu of %zu bytes)",
			what, r->len - r->off, n);
		return DC_EPARSE;
	}
	*val = r->p + r->off;
	*vlen = n;
	r->off += n;
	return DC_OK;
}

/* "1..65535", decimal digits only. */
static dc_status parse_port(const char *s, size_t n, unsigned *port,
			    char *err, size_t errlen)
{
	char shown[80];
	unsigned long v = 0;
	size_t i;

	if (n == 0) {
		dc_set_err(err, errlen, "stamp: empty port after ':'");
		return DC_EPARSE;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			sanitize(s, n, shown, sizeof shown);
			dc_set_err(err, errlen, "stamp: port '%s' is not a decimal number", shown);
			return DC_EPARSE;
		}
		if (v <= 65535)
			v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535) {
		sanitize(s, n, shown, sizeof shown);
		dc_set_err(err, errlen, "stamp: port must be 1..65535, got %s", shown);
		return DC_EPARSE;
	}
	*port = (unsigned)v;
	return DC_OK;
}

static dc_status fill_addr(struct dc_stamp *out, int family, const char *host,
			   unsigned port, char *err, size_t errlen)
{
	char shown[80];
	int ok;

	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = &out->addr.sin6;
		ok = inet_pton(AF_INET6, host, &s6->sin6_addr) == 1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		out->addrlen = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = &out->addr.sin;
		ok = inet_pton(AF_INET, host, &s4->sin_addr) == 1;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		out->addrlen = sizeof *s4;
	}
	if (!ok) {
		sanitize(host, strlen(host), shown, sizeof shown);
		dc_set_err(err, errlen, "stamp: '%s' is not an %s address", shown,
			family == AF_INET6 ? "IPv6" : "IPv4");
		return DC_EPARSE;
	}
	return DC_OK;
}

/* addr: "ip", "ip:port", "[ip6]" or "[ip6]:port". */
static dc_status parse_addr(const unsigned char *a, size_t n,
			    struct dc_stamp *out, char *err, size_t errlen)
{
	char buf[256], host[256], shown[80];
	const char *rest;
	unsigned port = DC_STAMP_DEFAULT_PORT;
	int family;
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i] <= 0x20 || a[i] >= 0x7f) {
			dc_set_err(err, errlen, "stamp: address contains byte 0x%02x", a[i]);
			return DC_EPARSE;
		}
	}
	memcpy(buf, a, n);
	buf[n] = '\0';
	if (buf[0] == '[') {
		const char *close = strchr(buf, ']');
		if (close == NULL) {
			sanitize(buf, n, shown, sizeof shown);
			dc_set_err(err, errlen, "stamp: IPv6 address '%s' lacks the closing ']'", shown);
			return DC_EPARSE;
		}
		memcpy(host, buf + 1, (size_t)(close - buf - 1));
		host[close - buf - 1] = '\0';
		rest = close + 1;
		family = AF_INET6;
	} else {
		const char *colon = strchr(buf, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL) {
			sanitize(buf, n, shown, sizeof shown);
			dc_set_err(err, errlen, "stamp: IPv6 address '%s' must be in brackets", shown);
			return DC_EPARSE;
		}
		i = colon ? (size_t)(colon - buf) : n;
		memcpy(host, buf, i);
		host[i] = '\0';
		rest = buf + i;
		family = AF_INET;
	}
	if (*rest != '\0') {
		if (*rest != ':') {
			sanitize(rest, strlen(rest), shown, sizeof shown);
			dc_set_err(err, errlen, "stamp: unexpected '%s' after the address", shown);
			return DC_EPARSE;
		}
		if (parse_port(rest + 1, strlen(rest + 1), &port, err, errlen) != DC_OK)
			return DC_EPARSE;
	}
	return fill_addr(out, family, host, port, err, errlen);
}

static dc_status read_addr(struct reader *r, struct dc_stamp *out,
			   const char *kind, char *err, size_t errlen)
{
	const unsigned char *a;
	size_t n;

	if (read_lp(r, &a, &n, "address", err, errlen) != DC_OK)
		return DC_EPARSE;
	if (n == 0) {
		dc_set_err(err, errlen, "stamp: %s stamp has an empty address", kind);
		return DC_EPARSE;
	}
	return parse_addr(a, n, out, err, errlen);
}

static dc_status parse_dnscrypt(struct reader *r, struct dc_stamp *out,
				char *err, size_t errlen)
{
	const unsigned char *v;
	size_t n, i;

	if (r->len - r->off < 8) {
		dc_set_err(err, errlen, "stamp: truncated in the properties");
		return DC_EPARSE;
	}
	/* props: 8 bytes, little-endian */
	for (i = 0; i < 8; i++)
		out->props |= (uint64_t)r->p[r->off + i] << (8 * i);
	r->off += 8;
	if (read_addr(r, out, "DNSCrypt", err, errlen) != DC_OK)
		return DC_EPARSE;
	if (read_lp(r, &v, &n, "provider public key", err, errlen) != DC_OK)
		return DC_EPARSE;
	if (n != sizeof out->provider_pk) {
		dc_set_err(err, errlen, "stamp: provider public key must be 32 bytes, got %zu", n);
		return DC_EPARSE;
	}
	memcpy(out->provider_pk, v, n);
	if (read_lp(r, &v, &n, "provider name", err, errlen) != DC_OK)
		return DC_EPARSE;
	if (n == 0) {
		dc_set_err(err, errlen, "stamp: provider name is empty");
		return DC_EPARSE;
	}
	for (i = 0; i < n; i++) {
		if (v[i] <= 0x20 || v[i] >= 0x7f) {
			dc_set_err(err, errlen, "stamp: provider name contains byte 0x%02x", v[i]);
			return DC_EPARSE;
		}
	}
	memcpy(out->provider_name, v, n);
	out->provider_name[n] = '\0';
	return DC_OK;
}

dc_status dc_stamp_parse(const char *text, struct dc_stamp *out,
			 char *err, size_t errlen)
{
	/* The decoded bytes are on the heap (2 KB): configuration is parsed
	 * inside a lookup, which runs in 16 KiB of stack. */
	unsigned char *bin = malloc(BIN_MAX);
	struct reader r = { bin, 0, 0 };
	struct dc_stamp st;
	const char *refused;
	dc_status rc = DC_EPARSE;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (bin == NULL) {
		dc_set_err(err, errlen, "stamp: out of memory");
		return DC_ENOMEM;
	}
	if (decode_text(text, bin, &r.len, err, errlen) != DC_OK)
		goto done;
	if (r.len == 0) {
		dc_set_err(err, errlen, "stamp: empty");
		goto done;
	}
	memset(&st, 0, sizeof st);
	st.kind = bin[r.off++];
	if (st.kind == DC_STAMP_DNSCRYPT) {
		rc = parse_dnscrypt(&r, &st, err, errlen);
	} else if (st.kind == DC_STAMP_RELAY) {
		rc = read_addr(&r, &st, "relay", err, errlen);
	} else {
		refused = refused_kind((unsigned)st.kind);
		if (refused != NULL)
			dc_set_err(err, errlen, "stamp: %s is not DNSCrypt", refused);
		else
			dc_set_err(err, errlen, "stamp: unknown stamp kind 0x%02x", (unsigned)st.kind);
		goto done;
	}
	if (rc != DC_OK)
		goto done;
	if (r.off != r.len) {
		dc_set_err(err, errlen, "stamp: %zu unexpected trailing byte(s)", r.len - r.off);
		rc = DC_EPARSE;
		goto done;
	}
	*out = st;
done:
	free(bin);
	return rc;
}

void dc_stamp_addr_str(const struct dc_stamp *st, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (buf == NULL || len == 0)
		return;
	if (st->addr.sa.sa_family == AF_INET6 &&
	    inet_ntop(AF_INET6, &st->addr.sin6.sin6_addr, ip, sizeof ip) != NULL)
		snprintf(buf, len, "[%s]:%u", ip, (unsigned)ntohs(st->addr.sin6.sin6_port));
	else if (st->addr.sa.sa_family == AF_INET &&
		 inet_ntop(AF_INET, &st->addr.sin.sin_addr, ip, sizeof ip) != NULL)
		snprintf(buf, len, "%s:%u", ip, (unsigned)ntohs(st->addr.sin.sin_port));
	else
		snprintf(buf, len, "?");
}
