/* SPDX-License-Identifier: ISC */
/* fuzz_tcp.c - libFuzzer target for the TCP answer path and the relay
 * header: dc_transport_tcp_recv (reassembly of sealed frames, their
 * authentication, the last byte left in the kernel) on a socketpair fed
 * with the input, and dc_relay_header / dc_relay_header_parse /
 * dc_relay_pad_plain.
 *
 * Byte 0 of the input chooses:
 *   bit 0  es-version 2 (else 1)
 *   bit 1  c-ares's behaviour modelled: stop at the first error (1.18.1
 *          closes the connection); else read on after errors, which the
 *          reader must survive with nothing of a refused frame kept
 *   bit 2  the socket goes through a relay (queries carry the header)
 *   bit 3  the rest is records [pad][flip][len16][msg] made into
 *          authentic frames (pad + 1 bytes of padding; flip != 0 flips
 *          byte flip of the frame); else the rest is the raw stream
 *   bit 4  the rest is also given to the relay functions
 * Authentic frames read before any error must come back as sent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>

#include "../unit/tcp_rig.h"
#include "dc_relay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STREAM_MAX 150000
#define FRAMES_MAX 32

static uint8_t stream[STREAM_MAX], got[65536];

struct sent {
	size_t mlen;
	const uint8_t *msg;
	int intact;
};

static void relay_part(const uint8_t *d, size_t n)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	uint8_t hdr[DC_RELAY_HDR_LEN], msg[1400];

	if (dc_relay_header_parse(d, n, &ss, &sl) == 0) {
		if (dc_relay_header((struct sockaddr *)&ss, hdr) != 0)
			abort();
		/* A header read back is written the same (IPv4-mapped or not). */
		if (memcmp(hdr, d, DC_RELAY_HDR_LEN) != 0)
			abort();
	}
	if (n <= sizeof(msg)) {
		size_t target = n ? 256 + (size_t)d[0] * 4 : 0, len;

		memcpy(msg, d, n);
		len = dc_relay_pad_plain(msg, n, sizeof(msg), target);
		if (len < n || len > sizeof(msg) || (len > n && len != target))
			abort();
		/* Only the OPT record grows: the header but for nothing
		 * else and the records before it stay. */
		if (len > n && memcmp(msg, d, 12) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_rig r;
	struct sent sent[FRAMES_MAX];
	size_t len = 0, nsent = 0;
	int flags, stop;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	if (flags & 16)
		relay_part(data, size);
	if (rig_init(&r, (flags & 1) ? 2 : 1, flags & 4) != 0)
		abort();
	stop = flags & 2;
	if (flags & 8) {
		size_t p = 0;
		while (p + 4 <= size && nsent < FRAMES_MAX) {
			size_t pad = (size_t)data[p] + 1, flip = data[p + 1];
			size_t mlen = ((size_t)data[p + 2] << 8) | data[p + 3], flen;
			uint8_t nonce[DC_NONCE_HALF];

			p += 4;
			if (mlen > size - p)
				mlen = size - p;
			if (rig_query(&r, nonce) != 0)
				abort();
			flen = rig_answer(&r, nonce, data + p, mlen, pad, stream + len,
					  sizeof(stream) - len);
			if (flen == 0)
				break;
			if (flip)
				stream[len + flip % flen] ^= 0x5a;
			sent[nsent].msg = data + p;
			sent[nsent].mlen = mlen;
			sent[nsent].intact = !flip;
			nsent++;
			len += flen;
			p += mlen;
		}
	} else {
		len = size < sizeof(stream) ? size : sizeof(stream);
		memcpy(stream, data, len);
	}
	/* The peer sends what the socket's buffer takes, then EOF. */
	fcntl(r.peer, F_SETFL, O_NONBLOCK);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(r.peer, stream + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(r.peer, SHUT_WR);
	for (size_t k = 0, errors = 0; k < 2 * FRAMES_MAX + 4; k++) {
		long n = rig_read(&r, got, sizeof(got), 0);

		if (n < 0) {
			if (errno == 0 || errno == EAGAIN || stop)
				break;
			errors++;
			continue;
		}
		/* Before any error, authentic frames come back in order and
		 * as sent. */
		if ((flags & 8) && errors == 0 && k < nsent) {
			int intact = 1;
			for (size_t j = 0; j <= k; j++)
				intact &= sent[j].intact;
			if (intact && (n != (long)sent[k].mlen ||
				       memcmp(got, sent[k].msg, sent[k].mlen) != 0))
				abort();
		}
		if (n < 12)
			abort();   /* never less than a DNS header */
	}
	rig_free(&r);
	return 0;
}
