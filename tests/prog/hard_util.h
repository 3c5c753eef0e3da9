/* SPDX-License-Identifier: ISC */
/* hard_util.h - helpers shared by tests/prog/hard_*.c (issue 6 hardening
 * tests, driven by tests/integration/t70_concurrency.sh and t71_setuid.sh).
 * Each program prints lines the scripts turn into TAP:
 *   PASS <desc> | FAIL <desc> | DIAG <text>
 */
#ifndef HARD_UTIL_H
#define HARD_UTIL_H

#include <arpa/inet.h>
#include <dirent.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Is the socket with this inode connected to port 443, the DNSCrypt
 * resolver's?  Those are the module's; glibc's own getaddrinfo opens other
 * sockets (netlink in check_pf, UDP probes for RFC 6724 sorting). */
static inline int hard_resolver_socket(unsigned long inode)
{
	static const char *const files[] = {
		"/proc/self/net/udp", "/proc/self/net/udp6",
		"/proc/self/net/tcp", "/proc/self/net/tcp6",
	};
	char line[512];
	int found = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !found; i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f)) {
			unsigned port;
			unsigned long ino;

			if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%*x %*[0-9A-Fa-f]:%x %*x %*x:%*x %*x:%*x %*x %*d %*d %lu",
				   &port, &ino) == 2 && ino == inode && port == 443)
				found = 1;
		}
		fclose(f);
	}
	return found;
}

/* Open descriptors of this process (the directory stream's own excluded),
 * and in *sockets how many of them are sockets - only those connected to
 * the resolver's port 443 when only_resolver is set. */
static inline int hard_fds(int *sockets, int only_resolver)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0, s = 0;
	char p[300], t[64];

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		ssize_t k;

		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		n++;
		snprintf(p, sizeof(p), "/proc/self/fd/%s", e->d_name);
		k = readlink(p, t, sizeof(t) - 1);
		if (k > 0) {
			t[k] = 0;
			if (strncmp(t, "socket:[", 8) == 0)
				s += !only_resolver ||
				     hard_resolver_socket(strtoul(t + 8, NULL, 10));
		}
	}
	closedir(d);
	if (sockets)
		*sockets = s;
	return n;
}

static inline int hard_count_fds(int *sockets)
{
	return hard_fds(sockets, 0);
}

static inline int hard_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline const char *hard_eai_name(int rc)
{
	switch (rc) {
	case 0: return "0";
	case EAI_NONAME: return "EAI_NONAME";
	case EAI_NODATA: return "EAI_NODATA";
	case EAI_AGAIN: return "EAI_AGAIN";
	case EAI_FAIL: return "EAI_FAIL";
	case EAI_SYSTEM: return "EAI_SYSTEM";
	case EAI_MEMORY: return "EAI_MEMORY";
	case EAI_FAMILY: return "EAI_FAMILY";
	case EAI_SERVICE: return "EAI_SERVICE";
	default: return "EAI_other";
	}
}

/* getaddrinfo(name, AF_UNSPEC, SOCK_STREAM, AI_CANONNAME): returns the
 * EAI code and writes "EAI_x" or "canon addr,addr,..." (sorted). */
static inline int hard_resolve(const char *name, char *out, size_t outlen)
{
	struct addrinfo hints, *res, *r;
	char *addrs[256], buf[256][INET6_ADDRSTRLEN];
	int rc, n = 0;
	size_t off;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_CANONNAME;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(out, outlen, "%s", hard_eai_name(rc));
		return rc;
	}
	for (r = res; r && n < 256; r = r->ai_next) {
		const void *a = r->ai_family == AF_INET ?
			(const void *)&((struct sockaddr_in *)r->ai_addr)->sin_addr :
			(const void *)&((struct sockaddr_in6 *)r->ai_addr)->sin6_addr;
		inet_ntop(r->ai_family, a, buf[n], sizeof(buf[n]));
		addrs[n] = buf[n];
		n++;
	}
	qsort(addrs, (size_t)n, sizeof(addrs[0]), hard_cmp_str);
	off = (size_t)snprintf(out, outlen, "%s ", res->ai_canonname ? res->ai_canonname : "-");
	for (int i = 0; i < n && off < outlen; i++)
		off += (size_t)snprintf(out + off, outlen - off, "%s%s", i ? "," : "", addrs[i]);
	freeaddrinfo(res);
	return 0;
}

/* bench-N.lab.test: A 127.22.(N/250).(N%250+1), AAAA ::ffff: the same. */
static inline void hard_bench(int n, char *name, size_t namelen, char *want, size_t wantlen)
{
	char a4[32];

	n %= 5000;
	snprintf(name, namelen, "bench-%d.lab.test", n);
	snprintf(a4, sizeof(a4), "127.22.%d.%d", n / 250, n % 250 + 1);
	/* sorted as strings: "127..." < "::ffff..." */
	snprintf(want, wantlen, "bench-%d.lab.test %s,::ffff:%s", n, a4, a4);
}

/* Resolve bench-n and compare; 0 when exact. */
static inline int hard_check_bench(int n, char *got, size_t gotlen)
{
	char name[64], want[128];

	hard_bench(n, name, sizeof(name), want, sizeof(want));
	hard_resolve(name, got, gotlen);
	if (strcmp(got, want) == 0)
		return 0;
	/* make the diagnostic self-explaining */
	{
		char tmp[512];
		snprintf(tmp, sizeof(tmp), "%s: got '%.200s' want '%.200s'", name, got, want);
		snprintf(got, gotlen, "%s", tmp);
	}
	return -1;
}

static inline double hard_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
