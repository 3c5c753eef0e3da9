/* SPDX-License-Identifier: ISC */
/* stack16.c - resolve from threads with small stacks (issue 14, 4).
 *
 *   stack16 [-s BYTES] CALL...
 *   stack16 -m CALL...
 *
 * Each CALL runs in a new thread created with pthread_attr_setstacksize
 * (BYTES, default 16384), one after the other, so the first one is the
 * process's first lookup (configuration parsed, key pair made,
 * certificate fetched); each thread also gets a context of its own.
 * CALLs (a4.lab.test: 127.20.0.1, both.lab.test: 127.20.0.2 and ::1):
 *   gai gai4 gai6    getaddrinfo(both.lab.test) AF_UNSPEC / AF_INET /
 *                    AF_INET6, with AI_CANONNAME
 *   ghbn             gethostbyname(a4.lab.test)
 *   ghbn2            gethostbyname2(both.lab.test, AF_INET6)
 *   ghbnr            gethostbyname_r(a4.lab.test)
 *   ghba             gethostbyaddr(127.20.0.1)
 *   gni              getnameinfo(127.20.0.1, NI_NAMEREQD)
 *   resq ress ressend res_query, res_search (search list of resolv.conf),
 *                    res_send of an A query for a4.lab.test
 *   none             nothing (what the thread itself takes, with -m)
 * Output: "PASS CALL: result" or "FAIL CALL: why" per call; a stack
 * overflow kills the process (SIGSEGV on the guard page).  Exit 0 when
 * every call passed.  -m measures instead: each thread runs on a 256 KiB
 * stack of ours, filled with a pattern first, and the line ends with
 * "(stack N bytes)", the bytes written from the top of that stack down
 * to the deepest one (glibc's thread descriptor and static TLS at its top
 * included, as they are in a stack of pthread_attr_setstacksize).
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "prog_util.h"

#define MEASURE_STACK (256 * 1024)

unsigned char *stack16_mem; /* the -m stack, for a debugger's watchpoint */

/* The caller's buffers are here, not on the small stack: what is
 * measured is what the libraries need. */
struct job {
	const char *call;
	char out[256];
	int ok;
	unsigned char q[512], ans[4096];
	char buf[1024];
};

static void gai(struct job *j, int family)
{
	struct addrinfo hints, *res = NULL;
	char a[INET6_ADDRSTRLEN];
	size_t n = 0;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_CANONNAME;
	rc = getaddrinfo("both.lab.test", NULL, &hints, &res);
	if (rc != 0) {
		snprintf(j->out, sizeof j->out, "%s", gai_strerror(rc));
		return;
	}
	n += (size_t)snprintf(j->out, sizeof j->out, "canon=%s",
			      res->ai_canonname ? res->ai_canonname : "(none)");
	for (struct addrinfo *p = res; p && n < sizeof j->out; p = p->ai_next) {
		const void *x = p->ai_family == AF_INET ?
			(const void *)&((struct sockaddr_in *)p->ai_addr)->sin_addr :
			(const void *)&((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
		inet_ntop(p->ai_family, x, a, sizeof a);
		n += (size_t)snprintf(j->out + n, sizeof j->out - n, " %s", a);
	}
	freeaddrinfo(res);
	j->ok = 1;
}

static void hostent(struct job *j, const struct hostent *h)
{
	char a[INET6_ADDRSTRLEN];

	if (h == NULL || h->h_addr_list[0] == NULL) {
		snprintf(j->out, sizeof j->out, "h_errno %d", h_errno);
		return;
	}
	inet_ntop(h->h_addrtype, h->h_addr_list[0], a, sizeof a);
	snprintf(j->out, sizeof j->out, "%s %s", h->h_name, a);
	j->ok = 1;
}

static void res(struct job *j, int kind)
{
	unsigned char *q = j->q, *ans = j->ans;
	int n;

	if (kind == 0)
		n = res_query("a4.lab.test", ns_c_in, ns_t_a, ans, sizeof j->ans);
	else if (kind == 1)
		n = res_search("a4", ns_c_in, ns_t_a, ans, sizeof j->ans);
	else {
		n = res_mkquery(ns_o_query, "a4.lab.test", ns_c_in, ns_t_a, NULL, 0,
				NULL, q, sizeof j->q);
		n = n < 0 ? n : res_send(q, n, ans, sizeof j->ans);
	}
	if (n < 12) {
		snprintf(j->out, sizeof j->out, "ret %d h_errno %s", n,
			 prog_herr_text(h_errno));
		return;
	}
	snprintf(j->out, sizeof j->out, "%d bytes, rcode %d, %d answer(s)", n,
		 ans[3] & 0x0f, ans[6] << 8 | ans[7]);
	j->ok = (ans[3] & 0x0f) == 0 && (ans[6] << 8 | ans[7]) > 0;
}

static void *run(void *arg)
{
	struct job *j = arg;
	const char *c = j->call;
	struct sockaddr_in sin;
	struct in_addr ia;

	inet_pton(AF_INET, "127.20.0.1", &ia);
	if (strcmp(c, "gai") == 0) {
		gai(j, AF_UNSPEC);
	} else if (strcmp(c, "gai4") == 0) {
		gai(j, AF_INET);
	} else if (strcmp(c, "gai6") == 0) {
		gai(j, AF_INET6);
	} else if (strcmp(c, "ghbn") == 0) {
		hostent(j, gethostbyname("a4.lab.test"));
	} else if (strcmp(c, "ghbn2") == 0) {
		hostent(j, gethostbyname2("both.lab.test", AF_INET6));
	} else if (strcmp(c, "ghbnr") == 0) {
		struct hostent h, *r = NULL;
		int e = 0;
		gethostbyname_r("a4.lab.test", &h, j->buf, sizeof j->buf, &r, &e);
		hostent(j, r);
	} else if (strcmp(c, "ghba") == 0) {
		hostent(j, gethostbyaddr(&ia, sizeof ia, AF_INET));
	} else if (strcmp(c, "gni") == 0) {
		int rc;
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_addr = ia;
		rc = getnameinfo((struct sockaddr *)&sin, sizeof sin, j->buf, sizeof j->buf,
				 NULL, 0, NI_NAMEREQD);
		snprintf(j->out, sizeof j->out, "%.200s", rc ? gai_strerror(rc) : j->buf);
		j->ok = rc == 0;
	} else if (strcmp(c, "resq") == 0) {
		res(j, 0);
	} else if (strcmp(c, "ress") == 0) {
		res(j, 1);
	} else if (strcmp(c, "ressend") == 0) {
		res(j, 2);
	} else if (strcmp(c, "none") == 0) {
		memcpy(j->out, "no call", sizeof "no call");
		j->ok = 1;
	} else {
		snprintf(j->out, sizeof j->out, "unknown call");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	size_t stack = 16384, used = 0;
	int i = 1, failed = 0, measure = 0;
	unsigned char *mem = NULL;


	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		stack = strtoul(argv[2], NULL, 0);
		i = 3;
	} else if (argc > 1 && strcmp(argv[1], "-m") == 0) {
		measure = 1;
		i = 2;
		mem = mmap(NULL, MEASURE_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (mem == MAP_FAILED) {
			printf("FAIL mmap\n");
			return 1;
		}
		stack16_mem = mem;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (; i < argc; i++) {
		static struct job j;

		pthread_attr_t at;
		pthread_t t;
		int rc;

		memset(&j, 0, sizeof j);
		j.call = argv[i];
		pthread_attr_init(&at);
		if (measure) {
			memset(mem, 0xa5, MEASURE_STACK);
			rc = pthread_attr_setstack(&at, mem, MEASURE_STACK);
		} else {
			rc = pthread_attr_setstacksize(&at, stack);
		}
		if (rc == 0)
			rc = pthread_create(&t, &at, run, &j);
		pthread_attr_destroy(&at);
		if (rc != 0) {
			printf("FAIL %s: pthread_create with a %zu-byte stack: %s\n",
			       j.call, stack, strerror(rc));
			failed = 1;
			continue;
		}
		pthread_join(t, NULL);
		if (measure) {
			size_t k = 0;
			while (k < MEASURE_STACK && mem[k] == 0xa5)
				k++;
			used = MEASURE_STACK - k;
			printf("%s %s: %s (stack %zu bytes)\n", j.ok ? "PASS" : "FAIL",
			       j.call, j.out, used);
		} else {
			printf("%s %s: %s\n", j.ok ? "PASS" : "FAIL", j.call, j.out);
		}
		failed |= !j.ok;
	}
	return failed;
}
