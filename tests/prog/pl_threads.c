/* SPDX-License-Identifier: ISC */
/* pl_threads.c - what the preload library does to a process around its
 * lookups, for tests/integration/t30_preload.sh:
 *
 *   status start: Threads=N SigCgt=X SigIgn=X SigBlk=X   (/proc/self/status)
 *   lookup a4.lab.test: 127.20.0.1
 *   res_query MX mx.lab.test: answers=2
 *   status after: Threads=N ...
 *   fork child: both.lab.test 127.20.0.2, res_query answers=2
 *   fork child exit=0
 *   threads: T x N lookups, wrong=0 failed=0   (getaddrinfo + res_query each)
 *   status end: Threads=N ...
 *
 * The constructor and the lookups must start no thread and install no
 * signal handler (Threads stays 1, SigCgt/SigIgn unchanged); a child
 * forked after a lookup resolves on its own; concurrent lookups
 * (getaddrinfo and res_query) from several threads each get their own
 * answer.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NTHREADS 8
#define PER_THREAD 12

static void status(const char *when)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	printf("status %s:", when);
	if (!f) {
		printf(" (no /proc/self/status)\n");
		return;
	}
	while (fgets(line, sizeof line, f)) {
		static const char *const keys[] = { "Threads:", "SigCgt:", "SigIgn:", "SigBlk:" };

		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0) {
				char *v = line + strlen(keys[i]);

				v += strspn(v, " \t");
				v[strcspn(v, "\n")] = 0;
				printf(" %.*s=%s", (int)strlen(keys[i]) - 1, keys[i], v);
			}
	}
	fclose(f);
	printf("\n");
}

/* The first address of name in family, as text ("-" and the error). */
static void first_addr(const char *name, int family, char *out, size_t len)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(out, len, "- %s", gai_strerror(rc));
		return;
	}
	if (res->ai_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, out, (socklen_t)len);
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, out, (socklen_t)len);
	freeaddrinfo(res);
}

static int mx_answers(void)
{
	unsigned char ans[4096];
	int n = res_query("mx.lab.test", ns_c_in, ns_t_mx, ans, sizeof ans);

	return n < 12 ? -1 : (ans[6] << 8 | ans[7]);
}

/* The first A record of name by res_query, as text ("-" if none). */
static void res_a(const char *name, char *out, size_t len)
{
	unsigned char ans[2048];
	int n = res_query(name, ns_c_in, ns_t_a, ans, sizeof ans);
	const unsigned char *p = ans + 12, *end = ans + (n > 0 ? n : 0);
	int k;

	snprintf(out, len, "-");
	if (n < 12 || (ans[4] << 8 | ans[5]) != 1)
		return;
	if ((k = dn_skipname(p, end)) < 0)
		return;
	p += k + 4;
	for (int i = 0; i < (ans[6] << 8 | ans[7]) && p < end; i++) {
		int type, rdlen;

		if ((k = dn_skipname(p, end)) < 0 || p + k + 10 > end)
			return;
		p += k;
		type = p[0] << 8 | p[1];
		rdlen = p[8] << 8 | p[9];
		p += 10;
		if (p + rdlen > end)
			return;
		if (type == ns_t_a && rdlen == 4) {
			inet_ntop(AF_INET, p, out, (socklen_t)len);
			return;
		}
		p += rdlen;
	}
}

struct job {
	int id;
	int wrong, failed;
};

static void *worker(void *arg)
{
	struct job *j = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		int n = j->id * 250 + i * 7;
		char name[64], want[32], got[64];

		snprintf(name, sizeof name, "bench-%d.lab.test", n);
		snprintf(want, sizeof want, "127.22.%d.%d", n / 250, n % 250 + 1);
		first_addr(name, AF_INET, got, sizeof got);
		if (got[0] == '-')
			j->failed++;
		else if (strcmp(got, want) != 0)
			j->wrong++;
		res_a(name, got, sizeof got);
		if (got[0] == '-')
			j->failed++;
		else if (strcmp(got, want) != 0)
			j->wrong++;
	}
	return NULL;
}

int main(void)
{
	struct job jobs[NTHREADS];
	pthread_t th[NTHREADS];
	char a[64];
	int wrong = 0, failed = 0, st;
	pid_t pid;

	status("start");
	first_addr("a4.lab.test", AF_UNSPEC, a, sizeof a);
	printf("lookup a4.lab.test: %s\n", a);
	printf("res_query MX mx.lab.test: answers=%d\n", mx_answers());
	status("after");
	fflush(stdout);

	pid = fork();
	if (pid == 0) {
		first_addr("both.lab.test", AF_INET, a, sizeof a);
		printf("fork child: both.lab.test %s, res_query answers=%d\n", a, mx_answers());
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		printf("fork failed\n");
	else
		printf("fork child exit=%d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));

	for (int i = 0; i < NTHREADS; i++) {
		jobs[i] = (struct job){ .id = i };
		if (pthread_create(&th[i], NULL, worker, &jobs[i]) != 0) {
			printf("pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		wrong += jobs[i].wrong;
		failed += jobs[i].failed;
	}
	printf("threads: %d x %d x 2 lookups, wrong=%d failed=%d\n", NTHREADS, PER_THREAD, wrong, failed);
	status("end");
	return 0;
}
