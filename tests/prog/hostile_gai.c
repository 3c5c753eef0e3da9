/* SPDX-License-Identifier: ISC */
/* hostile_gai.c - timed host lookups through glibc (and so through NSS),
 * for tests/integration/t40_hostile.sh.
 *
 *   hostile_gai [-n COUNT] [-i INTERVAL_MS] [-r] NAME
 *
 * Does COUNT (default 1) lookups of NAME, INTERVAL_MS apart (start to
 * start; default 0), in one process, and prints one line per lookup:
 *
 *   N START_MS ELAPSED_MS RESULT ADDRESS...
 *
 * START_MS counts from the program's start.  Default: getaddrinfo(NAME,
 * AF_UNSPEC, SOCK_STREAM, AI_ADDRCONFIG|AI_CANONNAME) as getent ahosts
 * does; RESULT is OK or the EAI_* name (EAI_SYSTEM:strerror).  With -r:
 * gethostbyname2_r(NAME, AF_INET); RESULT is OK or the h_errno name, then
 * "rc=" the return value (an errno name or 0).
 * Exit status 0 unless the arguments are wrong (64).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "prog_util.h"

static const char *eai_name(int rc)
{
	const char *n = prog_eai_name(rc);

	return n ? n : "EAI_?";
}

static const char *herr_name(int h)
{
	const char *n = prog_herr_name(h);

	return n ? n : "H_?";
}

static const char *errno_name(int e)
{
	switch (e) {
	case 0: return "0";
	case ERANGE: return "ERANGE";
	case EAGAIN: return "EAGAIN";
	case ENOENT: return "ENOENT";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EIO: return "EIO";
	case ENOMEM: return "ENOMEM";
	default: return "E?";
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void lookup_gai(const char *name, char *out, size_t n)
{
	struct addrinfo hints, *res = NULL;
	size_t off;
	int rc, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG | AI_CANONNAME;
	errno = 0;
	rc = getaddrinfo(name, NULL, &hints, &res);
	e = errno;
	if (rc == 0)
		off = (size_t)snprintf(out, n, "OK");
	else if (rc == EAI_SYSTEM)
		off = (size_t)snprintf(out, n, "EAI_SYSTEM:%s", strerror(e));
	else
		off = (size_t)snprintf(out, n, "%s", eai_name(rc));
	for (struct addrinfo *r = rc == 0 ? res : NULL; r && off < n; r = r->ai_next) {
		char buf[INET6_ADDRSTRLEN];

		prog_ai_addr(r, buf, sizeof(buf), NULL, NULL);
		off += (size_t)snprintf(out + off, n - off, " %s", buf);
	}
	if (rc == 0)
		freeaddrinfo(res);
}

static void lookup_hbn(const char *name, char *out, size_t n)
{
	struct hostent he, *hp = NULL;
	char buf[8192];
	size_t off;
	int rc, herr = 0;

	rc = gethostbyname2_r(name, AF_INET, &he, buf, sizeof(buf), &hp, &herr);
	off = (size_t)snprintf(out, n, "%s rc=%s", hp ? "OK" : herr_name(herr),
			       errno_name(rc));
	for (char **p = hp ? hp->h_addr_list : NULL; p && *p && off < n; p++) {
		char a[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, *p, a, sizeof(a));
		off += (size_t)snprintf(out + off, n - off, " %s", a);
	}
}

int main(int argc, char **argv)
{
	char out[8192];
	int count = 1, interval = 0, hbn = 0, c;
	double t0;

	while ((c = getopt(argc, argv, "n:i:r")) != -1) {
		switch (c) {
		case 'n': count = atoi(optarg); break;
		case 'i': interval = atoi(optarg); break;
		case 'r': hbn = 1; break;
		default: return 64;
		}
	}
	if (optind != argc - 1 || count < 1 || interval < 0)
		return 64;
	setvbuf(stdout, NULL, _IOLBF, 0);
	t0 = now_ms();
	for (int i = 0; i < count; i++) {
		double next = t0 + (double)i * interval, s, now = now_ms();

		if (now < next)
			usleep((useconds_t)((next - now) * 1e3));
		s = now_ms();
		if (hbn)
			lookup_hbn(argv[optind], out, sizeof(out));
		else
			lookup_gai(argv[optind], out, sizeof(out));
		printf("%d %.0f %.0f %s\n", i + 1, s - t0, now_ms() - s, out);
	}
	return 0;
}
