/* SPDX-License-Identifier: ISC */
/* test_tcp.c - the transport's TCP reader (dc_transport_tcp.c) against a
 * fake server (tcp_rig.h): answers up to the largest frame (65535 bytes,
 * es 1 and 2, direct and through a relay), frames split anywhere, and
 * frames refused (too short, unauthenticated, a 65535-byte frame of junk)
 * with the reader's state reset, so that nothing of a refused frame is
 * used again (issue 14 item 5: a length kept after EBADMSG let the next
 * read write up to 65534 bytes into a 4400-byte buffer).
 */
#include <pthread.h>
#include <stdio.h>

#include "t.h"
#include "tcp_rig.h"

struct writer {
	int fd;
	const uint8_t *p;
	size_t len;
	size_t step;            /* bytes per write (0: all at once) */
};

static void *write_all(void *arg)
{
	struct writer *w = arg;
	size_t off = 0;

	while (off < w->len) {
		size_t k = w->len - off;
		ssize_t n;

		if (w->step && k > w->step)
			k = w->step;
		n = write(w->fd, w->p + off, k);
		if (n <= 0)
			break;
		off += (size_t)n;
		if (w->step)
			usleep(200);
	}
	return NULL;
}

static uint8_t msg[65535], frame[2 * 65540], got[65535];

static void fill_msg(size_t len)
{
	for (size_t i = 0; i < len; i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	msg[0] = 0x12;
	msg[1] = 0x34;
}

/* rig_init and rig_query, or a failed "rig set up": 0 when ready. */
static int rig_start(struct tcp_rig *r, int es, int relay,
		     uint8_t nonce[DC_NONCE_HALF])
{
	if (rig_init(r, es, relay) == 0 && rig_query(r, nonce) == 0)
		return 0;
	T_OK(0, "rig set up");
	return -1;
}

/* One answer of mlen bytes (pad bytes of padding) written in steps of
 * step bytes: read back whole and equal. */
static void big_answer(int es, int relay, size_t mlen, size_t pad, size_t step)
{
	struct tcp_rig r;
	struct writer w;
	pthread_t th;
	uint8_t nonce[DC_NONCE_HALF];
	size_t flen;
	long n;

	if (rig_start(&r, es, relay, nonce) != 0)
		return;
	fill_msg(mlen);
	flen = rig_answer(&r, nonce, msg, mlen, pad, frame, sizeof(frame));
	w = (struct writer){ r.peer, frame, flen, step };
	pthread_create(&th, NULL, write_all, &w);
	n = rig_read(&r, got, sizeof(got), 20000);
	pthread_join(th, NULL);
	T_OK(flen > 0 && n == (long)mlen && memcmp(got, msg, mlen) == 0,
	     "es%d%s: a %zu-byte answer in a %zu-byte frame%s read whole",
	     es, relay ? " through a relay" : "", mlen, flen - 2,
	     step ? " (written in pieces)" : "");
	T_EQ_INT(r.t.bad_frames, 0, "es%d: no frame refused", es);
	rig_free(&r);
}

/* A refused frame, then a good one on the same stream: the reader starts
 * over at the next frame's length. */
static void refused_then_good(const char *what, const uint8_t *bad, size_t blen)
{
	struct tcp_rig r;
	struct writer w;
	pthread_t th;
	uint8_t nonce[DC_NONCE_HALF];
	static uint8_t stream[sizeof(frame) + 70000];
	size_t flen;
	long n;
	int e;

	if (rig_start(&r, 2, 0, nonce) != 0)
		return;
	fill_msg(5000);
	memcpy(stream, bad, blen);
	flen = rig_answer(&r, nonce, msg, 5000, 40, stream + blen,
			  sizeof(stream) - blen);
	w = (struct writer){ r.peer, stream, blen + flen, 0 };
	pthread_create(&th, NULL, write_all, &w);
	n = rig_read(&r, got, sizeof(got), 20000);
	e = errno;
	T_OK(n == -1 && e == EBADMSG, "%s: refused (EBADMSG)", what);
	T_EQ_INT(r.t.bad_frames, 1, "%s: counted as a bad frame", what);
	n = rig_read(&r, got, sizeof(got), 20000);
	pthread_join(th, NULL);
	T_OK(n == 5000 && memcmp(got, msg, 5000) == 0,
	     "%s: nothing of it kept: the next frame is read whole", what);
	rig_free(&r);
}

/* EOF in the middle of a frame, then nothing: 0 (c-ares closes), and a
 * further read does not continue the frame. */
static void eof_mid_frame(void)
{
	struct tcp_rig r;
	uint8_t nonce[DC_NONCE_HALF];
	size_t flen;
	long n;

	if (rig_start(&r, 1, 0, nonce) != 0)
		return;
	fill_msg(3000);
	flen = rig_answer(&r, nonce, msg, 3000, 1, frame, sizeof(frame));
	T_OK(write(r.peer, frame, flen / 2) == (ssize_t)(flen / 2), "half a frame written");
	shutdown(r.peer, SHUT_WR);
	n = rig_read(&r, got, sizeof(got), 200);
	T_OK(n == -1 && errno == 0, "EOF inside a frame: 0 (connection closed)");
	n = rig_read(&r, got, sizeof(got), 200);
	T_OK(n == -1 && errno == 0, "read again after EOF: still 0, nothing made up");
	rig_free(&r);
}

int main(void)
{
	static uint8_t junk[65537];

	for (int es = 1; es <= 2; es++) {
		big_answer(es, 0, 300, 64, 0);
		big_answer(es, 0, 4400, 200, 0);
		big_answer(es, 0, 16384, 64, 0);
		big_answer(es, 0, 60000, 1, 997);
		/* The largest: 65486 + 0x80 + 48 = 65535 bytes. */
		big_answer(es, 0, 65486, 1, 0);
		big_answer(es, 1, 20000, 36, 0);
	}
	/* A length too short for an answer (refused before its body). */
	junk[0] = 0;
	junk[1] = 20;
	refused_then_good("a frame length of 20", junk, 2);
	/* The largest frame, all junk (before the fix the reader's buffer
	 * was 4400 bytes and a frame over that refused with its length
	 * kept: the next read overflowed). */
	junk[0] = 0xff;
	junk[1] = 0xff;
	memset(junk + 2, 0x5a, 65535);
	memcpy(junk + 2, dc_answer_magic, 8);
	refused_then_good("a 65535-byte frame of junk", junk, 65537);
	eof_mid_frame();
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}
