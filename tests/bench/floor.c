/* SPDX-License-Identifier: ISC */
/* floor.c - row 0 of the benchmark: what a DNSCrypt client with no cost of
 * its own reaches on the lab's dnsdist.
 *
 *   bench-floor N            (inside the lab: PROVIDER_PK_HEX, PROVIDER_NAME)
 *
 * One A query at a time for bench-I.lab.test, alternately (interleaved,
 * order swapped every other pair):
 *   dc    - DNSCrypt es 2 over a plain connected UDP socket to
 *           127.0.0.54:443, built only from common/'s own crypto
 *           (dc_keypair_new, dc_session_init, dc_encrypt_query,
 *           dc_answer_nonce, dc_decrypt_answer, dc_pad_len), padded to the
 *           client's default udp-size (512 bytes on the wire);
 *   plain - the same DNS message in clear to 127.0.0.53:53.
 * Then the same with an A and an AAAA query sent together (floor.dcpair,
 * floor.plainpair), as getaddrinfo sends them: what the server's side of
 * DNSCrypt adds to a lookup's two exchanges (row 2's bound).
 * No c-ares, no NSS.  The certificate is fetched once with a plain TXT
 * query and checked with dc_cert_from_txt_answer.  Both carry an EDNS(0)
 * OPT record, as the client's queries do.  A lost answer is sent again
 * after 500 ms (the client's default timeout); losses are counted.
 *
 * Prints "K floor.{dc,plain}.* value" lines (microseconds).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ares.h>

#include "dc_cert.h"
#include "dc_crypt.h"
#include "dc_keypair.h"
#include "bench.h"

#define DC_ADDR "127.0.0.54"
#define DC_PORT 443
#define PLAIN_ADDR "127.0.0.53"
#define PLAIN_PORT 53
#define UDP_WIRE 512
#define RETRY_MS 500

static int udp_connect(const char *ip, int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("socket");
		exit(2);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("connect");
		exit(2);
	}
	return fd;
}

/* A query with RD and an EDNS(0) OPT record (4096). */
static size_t build_query(uint8_t *q, uint16_t id, const char *name, int type)
{
	size_t n = 12;
	const char *p = name;

	memset(q, 0, 12);
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[2] = 0x01;
	q[5] = 1;  /* qdcount */
	q[11] = 1; /* arcount */
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);
		q[n++] = (uint8_t)l;
		memcpy(q + n, p, l);
		n += l;
		p += l;
		if (*p == '.')
			p++;
	}
	q[n++] = 0;
	q[n++] = (uint8_t)(type >> 8);
	q[n++] = (uint8_t)type;
	q[n++] = 0;
	q[n++] = 1;
	/* OPT: root, type 41, class 4096, ttl 0, rdlen 0 */
	static const uint8_t opt[11] = { 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0 };
	memcpy(q + n, opt, sizeof(opt));
	return n + sizeof(opt);
}

static int wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

/* Plain exchange; returns 0 on a good answer. */
static int plain_exchange(int fd, const uint8_t *q, size_t qlen, int *lost)
{
	uint8_t a[4096];

	for (int tries = 0; tries < 8; tries++) {
		if (send(fd, q, qlen, 0) != (ssize_t)qlen)
			return -1;
		while (wait_readable(fd, RETRY_MS)) {
			ssize_t r = recv(fd, a, sizeof(a), 0);
			if (r < 12 || a[0] != q[0] || a[1] != q[1])
				continue; /* stale answer to an earlier try */
			return (a[3] & 0x0f) == 0 && (a[6] | a[7]) ? 0 : -1;
		}
		(*lost)++;
	}
	return -1;
}

static struct dc_session sess;

/* DNSCrypt exchange with common/'s crypto; returns 0 on a good answer. */
static int dc_exchange(int fd, const uint8_t *q, size_t qlen, int *lost)
{
	uint8_t wire[DC_QUERY_OVERHEAD + 4096], a[DC_ANSWER_MAX_LEN],
		plain[DC_ANSWER_MAX_LEN];
	uint8_t nonce[DC_NONCE_HALF];
	size_t wlen, plen, padded = dc_pad_len(qlen, UDP_WIRE);

	for (int tries = 0; tries < 8; tries++) {
		randombytes_buf(nonce, sizeof(nonce));
		if (dc_encrypt_query(&sess, nonce, q, qlen, padded, wire,
				     sizeof(wire), &wlen) != DC_OK)
			return -1;
		if (send(fd, wire, wlen, 0) != (ssize_t)wlen)
			return -1;
		while (wait_readable(fd, RETRY_MS)) {
			const uint8_t *cn;
			ssize_t r = recv(fd, a, sizeof(a), 0);
			if (r <= 0)
				continue;
			if (dc_answer_nonce(a, (size_t)r, &cn) != DC_OK ||
			    memcmp(cn, nonce, sizeof(nonce)) != 0)
				continue;
			if (dc_decrypt_answer(&sess, a, (size_t)r, plain,
					      sizeof(plain), &plen) != DC_OK)
				return -1;
			if (plain[0] != q[0] || plain[1] != q[1])
				return -1;
			return (plain[3] & 0x0f) == 0 && (plain[6] | plain[7]) ? 0 : -1;
		}
		(*lost)++;
	}
	return -1;
}

/* A and AAAA sent together, as getaddrinfo's are (c-ares in the module and
 * nss_dns alike), DNSCrypt if dc; returns 0 once both good answers came,
 * -1 on a bad one or after RETRY_MS without one (counted lost, no retry). */
static int pair_exchange(int fd, int dc, uint8_t q[2][512], const size_t ql[2],
			 int *lost)
{
	uint8_t wire[DC_QUERY_OVERHEAD + 4096], a[DC_ANSWER_MAX_LEN],
		plain[DC_ANSWER_MAX_LEN], nonce[2][DC_NONCE_HALF];
	int got = 0;

	for (int k = 0; k < 2; k++) {
		const uint8_t *out = q[k];
		size_t wlen = ql[k];
		if (dc) {
			randombytes_buf(nonce[k], sizeof(nonce[k]));
			if (dc_encrypt_query(&sess, nonce[k], q[k], ql[k],
					     dc_pad_len(ql[k], UDP_WIRE), wire,
					     sizeof(wire), &wlen) != DC_OK)
				return -1;
			out = wire;
		}
		if (send(fd, out, wlen, 0) != (ssize_t)wlen)
			return -1;
	}
	while (got != 3) {
		const uint8_t *m = a, *cn;
		size_t mlen;
		ssize_t r;
		int k;

		if (!wait_readable(fd, RETRY_MS)) {
			(*lost)++;
			return -1;
		}
		r = recv(fd, a, sizeof(a), 0);
		if (r < 12)
			continue;
		mlen = (size_t)r;
		if (dc) {
			if (dc_answer_nonce(a, mlen, &cn) != DC_OK)
				continue;
			for (k = 0; k < 2 && memcmp(cn, nonce[k], DC_NONCE_HALF); k++)
				;
			if (k == 2)
				continue; /* stale answer to an earlier pair */
			if (dc_decrypt_answer(&sess, a, mlen, plain, sizeof(plain),
					      &mlen) != DC_OK || mlen < 12)
				return -1;
			m = plain;
		}
		for (k = 0; k < 2 && (m[0] != q[k][0] || m[1] != q[k][1]); k++)
			;
		if (k == 2) {
			if (dc)
				return -1;
			continue;
		}
		if ((m[3] & 0x0f) != 0 || !(m[6] | m[7]))
			return -1;
		got |= 1 << k;
	}
	return 0;
}

static void fetch_cert(const uint8_t pk[32], const char *provider,
		       struct dc_cert *cert)
{
	uint8_t q[512], a[4096];
	int fd = udp_connect(DC_ADDR, DC_PORT);
	size_t qlen = build_query(q, 0x4242, provider, 16 /* TXT */);
	dc_cert_check why;

	for (int tries = 0; tries < 5; tries++) {
		send(fd, q, qlen, 0);
		if (!wait_readable(fd, 1000))
			continue;
		ssize_t r = recv(fd, a, sizeof(a), 0);
		if (r > 0 && dc_cert_from_txt_answer(a, (size_t)r, pk, time(NULL),
						     cert, &why) == DC_OK) {
			close(fd);
			return;
		}
		fprintf(stderr, "bench-floor: certificate rejected: %s\n",
			dc_cert_check_str(why));
		exit(2);
	}
	fprintf(stderr, "bench-floor: no certificate from %s:%d\n", DC_ADDR, DC_PORT);
	exit(2);
}

/* bench-floor costs: what a new process pays before its first query, each
 * step timed at its first call in this fresh process (run.sh runs this
 * many times and the report takes medians): sodium_init, a key pair, the
 * shared key, verifying a certificate, a c-ares channel. */
static int costs(const uint8_t pk[32], const char *provider)
{
	struct dc_cert cert, c2;
	struct dc_keypair kp;
	struct dc_session s;
	struct ares_options o;
	struct in_addr lo;
	ares_channel ch;
	double t0;

	t0 = bench_now_us();
	if (sodium_init() < 0)
		return 2;
	bench_kv("coldcost", "sodium_init", bench_now_us() - t0);
	fetch_cert(pk, provider, &cert);
	t0 = bench_now_us();
	dc_keypair_new(&kp);
	bench_kv("coldcost", "keypair", bench_now_us() - t0);
	t0 = bench_now_us();
	if (dc_session_init(&s, &kp, &cert) != DC_OK)
		return 2;
	bench_kv("coldcost", "shared_key", bench_now_us() - t0);
	t0 = bench_now_us();
	if (dc_cert_parse(cert.raw, cert.rawlen, pk, time(NULL), &c2) != DC_CERT_VALID)
		return 2;
	bench_kv("coldcost", "cert_verify", bench_now_us() - t0);
	/* the same options as common/dc_channel.c's dc_channel_new */
	t0 = bench_now_us();
	ares_library_init(ARES_LIB_INIT_ALL);
	memset(&o, 0, sizeof(o));
	lo.s_addr = htonl(INADDR_LOOPBACK);
	o.servers = &lo;
	o.nservers = 1;
	o.lookups = (char *)"b";
	o.ndots = 1;
	o.timeout = 500;
	o.tries = 4;
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_EDNS;
	o.ednspsz = 4096;
	if (ares_init_options(&ch, &o, ARES_OPT_SERVERS | ARES_OPT_DOMAINS |
			      ARES_OPT_LOOKUPS | ARES_OPT_SORTLIST | ARES_OPT_NDOTS |
			      ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
			      ARES_OPT_EDNSPSZ) != ARES_SUCCESS)
		return 2;
	bench_kv("coldcost", "ares_init", bench_now_us() - t0);
	ares_destroy(ch);
	/* steady-state cost of the same steps (second and later calls) */
	double kpv[21], sv[21], vv[21];
	for (int i = 0; i < 21; i++) {
		t0 = bench_now_us();
		dc_keypair_new(&kp);
		kpv[i] = bench_now_us() - t0;
		t0 = bench_now_us();
		dc_session_init(&s, &kp, &cert);
		sv[i] = bench_now_us() - t0;
		t0 = bench_now_us();
		dc_cert_parse(cert.raw, cert.rawlen, pk, time(NULL), &c2);
		vv[i] = bench_now_us() - t0;
	}
	qsort(kpv, 21, sizeof(double), bench_cmp_double);
	qsort(sv, 21, sizeof(double), bench_cmp_double);
	qsort(vv, 21, sizeof(double), bench_cmp_double);
	bench_kv("coldcost", "keypair_warm", kpv[10]);
	bench_kv("coldcost", "shared_key_warm", sv[10]);
	bench_kv("coldcost", "cert_verify_warm", vv[10]);
	return 0;
}

int main(int argc, char **argv)
{
	const char *pkhex = getenv("PROVIDER_PK_HEX");
	const char *provider = getenv("PROVIDER_NAME");
	long n = argc > 1 ? atol(argv[1]) : 2000;
	if (argc > 1 && strcmp(argv[1], "costs") == 0)
		n = 1;
	uint8_t pk[32];
	struct dc_cert cert;
	struct dc_keypair kp;
	double *tdc, *tpl, cpu_dc = 0, cpu_pl = 0;
	int fdc, fpl, lost_dc = 0, lost_pl = 0, err_dc = 0, err_pl = 0;

	if (!pkhex || strlen(pkhex) != 64 || !provider || n <= 0 ||
	    sodium_hex2bin(pk, sizeof(pk), pkhex, 64, NULL, NULL, NULL) != 0) {
		fprintf(stderr, "usage: PROVIDER_PK_HEX=.. PROVIDER_NAME=.. bench-floor N\n");
		return 2;
	}
	if (argc > 1 && strcmp(argv[1], "costs") == 0)
		return costs(pk, provider);
	if (sodium_init() < 0)
		return 2;
	fetch_cert(pk, provider, &cert);
	dc_keypair_new(&kp);
	if (dc_session_init(&sess, &kp, &cert) != DC_OK) {
		fprintf(stderr, "bench-floor: dc_session_init failed\n");
		return 2;
	}
	fdc = udp_connect(DC_ADDR, DC_PORT);
	fpl = udp_connect(PLAIN_ADDR, PLAIN_PORT);
	tdc = calloc((size_t)n, sizeof(double));
	tpl = calloc((size_t)n, sizeof(double));
	if (!tdc || !tpl)
		return 2;

	/* warm-up (not counted) */
	for (int i = 0; i < 20; i++) {
		uint8_t q[512];
		size_t ql = build_query(q, (uint16_t)randombytes_uniform(65536),
					"a4.lab.test", 1);
		int l = 0;
		dc_exchange(fdc, q, ql, &l);
		plain_exchange(fpl, q, ql, &l);
	}

	for (long i = 0; i < n; i++) {
		char name[64];
		uint8_t q[512];
		size_t ql;

		snprintf(name, sizeof(name), "bench-%ld.lab.test", i % 5000);
		ql = build_query(q, (uint16_t)randombytes_uniform(65536), name, 1);
		for (int k = 0; k < 2; k++) {
			int which = (int)((i + k) & 1); /* 0 = dc first on even i */
			double c0 = bench_thread_cpu_us(), t0 = bench_now_us();
			if (which == 0) {
				err_dc += dc_exchange(fdc, q, ql, &lost_dc) != 0;
				tdc[i] = bench_now_us() - t0;
				cpu_dc += bench_thread_cpu_us() - c0;
			} else {
				err_pl += plain_exchange(fpl, q, ql, &lost_pl) != 0;
				tpl[i] = bench_now_us() - t0;
				cpu_pl += bench_thread_cpu_us() - c0;
			}
		}
	}
	bench_summary("floor.dc", tdc, (size_t)n);
	bench_summary("floor.plain", tpl, (size_t)n);

	/* the same names, A and AAAA sent together, interleaved the same way */
	int lost_dcp = 0, lost_plp = 0, err_dcp = 0, err_plp = 0;
	for (long i = 0; i < n; i++) {
		char name[64];
		uint8_t q[2][512];
		size_t ql[2];
		uint16_t id = (uint16_t)randombytes_uniform(65535);

		snprintf(name, sizeof(name), "bench-%ld.lab.test", i % 5000);
		ql[0] = build_query(q[0], id, name, 1);
		ql[1] = build_query(q[1], (uint16_t)(id + 1), name, 28);
		for (int k = 0; k < 2; k++) {
			int which = (int)((i + k) & 1);
			double t0 = bench_now_us();
			if (which == 0) {
				err_dcp += pair_exchange(fdc, 1, q, ql, &lost_dcp) != 0;
				tdc[i] = bench_now_us() - t0;
			} else {
				err_plp += pair_exchange(fpl, 0, q, ql, &lost_plp) != 0;
				tpl[i] = bench_now_us() - t0;
			}
		}
	}
	bench_summary("floor.dcpair", tdc, (size_t)n);
	bench_summary("floor.plainpair", tpl, (size_t)n);
	bench_kv("floor.dcpair", "lost", lost_dcp);
	bench_kv("floor.plainpair", "lost", lost_plp);
	bench_kv("floor.dcpair", "err", err_dcp);
	bench_kv("floor.plainpair", "err", err_plp);
	bench_kv("floor.dc", "lost", lost_dc);
	bench_kv("floor.plain", "lost", lost_pl);
	bench_kv("floor.dc", "err", err_dc);
	bench_kv("floor.plain", "err", err_pl);
	bench_kv("floor.dc", "cpu", cpu_dc / (double)n);
	bench_kv("floor.plain", "cpu", cpu_pl / (double)n);
	close(fdc);
	close(fpl);
	free(tdc);
	free(tpl);
	return 0;
}
