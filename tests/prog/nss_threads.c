/* SPDX-License-Identifier: ISC */
/* nss_threads.c - many threads resolving at once through glibc (run it
 * with "hosts: files dnscrypt"), and a fork in the middle of lookups.
 * Driven by tests/integration/t23_nss_threads.sh, which turns the lines
 * into TAP:  PASS <desc> | FAIL <desc> | DIAG <text>
 *
 *   nss_threads NTHREADS ROUNDS
 *
 * 1. The main thread resolves once (its own context), and the open file
 *    descriptors are counted.
 * 2. NTHREADS threads start together (barrier) and each resolves, ROUNDS
 *    times, a set of names with getaddrinfo: cached and fresh ones
 *    (bench-N, different in every thread and round), a CNAME chain, a TCP
 *    answer, NXDOMAIN and NODATA; every result must be exactly the
 *    expected one.  After the threads have exited, the descriptor count
 *    must be what it was in step 1 (per-thread contexts freed).
 * 3. The same again, and while the threads are resolving the main thread
 *    forks.  The child must have no socket left open from the parent
 *    right after the fork, resolve correctly (names the parent never
 *    asked), twice, with the same descriptor count after both rounds.
 *    The parent's threads must all finish correctly, and the parent
 *    resolves fresh names afterwards.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <dlfcn.h>
#include <nss.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hard_util.h"

static int nthreads = 32, rounds = 2;
static pthread_barrier_t start;
static int completed;   /* lookups done by the workers */

/* After a fork in the middle of other threads' getaddrinfo calls, the
 * child may not call getaddrinfo: glibc's own locks (check_pf.c's, for
 * AI_ADDRCONFIG and sorting) can be held by a thread that does not exist
 * in the child, and POSIX allows only async-signal-safe calls there.  So
 * the child calls the module's gethostbyname4_r directly (looked up in the
 * parent), which is what getaddrinfo would have reached: that tests our
 * fork safety, not glibc's. */
typedef enum nss_status (*gbn4_fn)(const char *, struct gaih_addrtuple **,
				   char *, size_t, int *, int *, int32_t *);
static gbn4_fn direct_gbn4;
static int in_child;

static void resolve_direct(const char *name, char *out, size_t outlen)
{
	static char buf[65536];
	char *addrs[256], txt[256][INET6_ADDRSTRLEN];
	struct gaih_addrtuple *pat = NULL, *t;
	int e = 0, h = 0, n = 0;
	size_t off;
	enum nss_status st = direct_gbn4(name, &pat, buf, sizeof(buf), &e, &h, NULL);

	if (st != NSS_STATUS_SUCCESS) {
		snprintf(out, outlen, "%s", st == NSS_STATUS_NOTFOUND && h == NO_DATA ?
			 "EAI_NODATA" : st == NSS_STATUS_NOTFOUND ? "EAI_NONAME" : "EAI_AGAIN");
		return;
	}
	for (t = pat; t && n < 256; t = t->next) {
		inet_ntop(t->family, t->addr, txt[n], sizeof(txt[n]));
		addrs[n] = txt[n];
		n++;
	}
	qsort(addrs, (size_t)n, sizeof(addrs[0]), hard_cmp_str);
	off = (size_t)snprintf(out, outlen, "%s ", pat && pat->name ? pat->name : "-");
	for (int i = 0; i < n && off < outlen; i++)
		off += (size_t)snprintf(out + off, outlen - off, "%s%s", i ? "," : "", addrs[i]);
}

/* The expected hard_resolve() text for bench-N. */
static void bench_expect(int n, char *out, size_t outlen)
{
	char a4[32], a6[48];

	snprintf(a4, sizeof(a4), "127.22.%d.%d", n / 250, n % 250 + 1);
	snprintf(a6, sizeof(a6), "::ffff:%s", a4);
	/* sorted: "127..." < "::ffff..." */
	snprintf(out, outlen, "bench-%d.lab.test %s,%s", n, a4, a6);
}

static char many4_expect[2048];

static const struct { const char *name; const char *want; } fixed[] = {
	{ "a4.lab.test", "a4.lab.test 127.20.0.1" },
	{ "a6.lab.test", "a6.lab.test ::1" },
	{ "both.lab.test", "both.lab.test 127.20.0.2,::1" },
	{ "two4.lab.test", "two4.lab.test 127.20.0.3,127.20.0.4" },
	{ "alias1.lab.test", "both.lab.test 127.20.0.2,::1" },
	{ "nx.lab.test", "EAI_NONAME" },
	{ "nodata.lab.test", "EAI_NODATA" },
	{ "many4.lab.test", many4_expect },
};
#define NFIXED (sizeof(fixed) / sizeof(fixed[0]))

struct worker {
	pthread_t th;
	int id, base;          /* bench-N numbers used: base + id * rounds + r */
	int lookups, errors;
	char first_error[512];
};

static void check(struct worker *w, const char *name, const char *want)
{
	char got[4096];

	if (in_child)
		resolve_direct(name, got, sizeof(got));
	else
		hard_resolve(name, got, sizeof(got));
	w->lookups++;
	__atomic_add_fetch(&completed, 1, __ATOMIC_SEQ_CST);
	if (strcmp(got, want) != 0) {
		if (!w->errors)
			snprintf(w->first_error, sizeof(w->first_error),
				 "thread %d: %s: got '%.200s' want '%.200s'", w->id, name,
				 got, want);
		w->errors++;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&start);
	for (int r = 0; r < rounds; r++) {
		char name[64], want[128];
		int n = w->base + w->id * rounds + r;

		snprintf(name, sizeof(name), "bench-%d.lab.test", n);
		bench_expect(n, want, sizeof(want));
		check(w, name, want);
		for (size_t i = 0; i < NFIXED; i++)
			check(w, fixed[(i + (size_t)w->id) % NFIXED].name,
			      fixed[(i + (size_t)w->id) % NFIXED].want);
	}
	return NULL;
}

/* Start the workers, optionally fork while they run; returns failures. */
static int run_threads(int base, int do_fork, const char *what)
{
	struct worker *w = calloc((size_t)nthreads, sizeof(*w));
	int fails = 0, lookups = 0, errors = 0;
	pid_t child = -1;

	if (!w)
		return 1;
	__atomic_store_n(&completed, 0, __ATOMIC_SEQ_CST);
	pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
	for (int i = 0; i < nthreads; i++) {
		w[i].id = i;
		w[i].base = base;
		if (pthread_create(&w[i].th, NULL, work, &w[i]) != 0) {
			printf("FAIL %s: pthread_create\n", what);
			exit(1);
		}
	}
	pthread_barrier_wait(&start);
	if (do_fork) {
		/* Let the lookups get going, then fork in their middle. */
		int total = nthreads * rounds * (int)(NFIXED + 1), done = 0, sockets = 0;

		for (int i = 0; i < 50000; i++) {
			done = __atomic_load_n(&completed, __ATOMIC_SEQ_CST);
			if (done >= nthreads)
				break;
			usleep(200);
		}
		if (!direct_gbn4) {
			void *h = dlopen("libnss_dnscrypt.so.2", RTLD_NOW | RTLD_NOLOAD);
			direct_gbn4 = h ? (gbn4_fn)dlsym(h, "_nss_dnscrypt_gethostbyname4_r") : NULL;
		}
		hard_fds(&sockets, 1);
		fflush(stdout);
		child = fork();
		if (child == 0)
			in_child = 1;
		if (child > 0) {
			printf("DIAG fork: %d sockets open in the parent just before\n", sockets);
			if (done < nthreads || done >= total) {
				printf("FAIL fork: not in the middle of the lookups (%d of %d done)\n",
				       done, total);
				fails++;
			} else {
				printf("PASS fork: forked with %d of %d lookups done, the others in flight\n",
				       done, total);
			}
		}
		if (child == 0) {
			struct worker cw;

			if (!direct_gbn4) {
				printf("FAIL fork: libnss_dnscrypt.so.2 not loaded in the parent\n");
				fflush(stdout);
				_exit(1);
			}
			int s0 = -1, s1 = -1, n1 = -1, n2;
			char want[128];

			memset(&cw, 0, sizeof(cw));
			cw.id = -1;
			hard_fds(&s0, 1);
			for (int round = 0; round < 2; round++) {
				for (int k = 0; k < 5; k++) {
					char name[64];
					int n = 4000 + round * 5 + k;

					snprintf(name, sizeof(name), "bench-%d.lab.test", n);
					bench_expect(n, want, sizeof(want));
					check(&cw, name, want);
				}
				check(&cw, "alias1.lab.test", "both.lab.test 127.20.0.2,::1");
				check(&cw, "nx.lab.test", "EAI_NONAME");
				if (round == 0)
					n1 = hard_fds(NULL, 1);
			}
			n2 = hard_fds(&s1, 1);
			if (s0 != 0)
				printf("FAIL fork: the child has %d socket(s) of the parent open right after fork\n", s0);
			else
				printf("PASS fork: no socket of the parent left open in the child\n");
			if (cw.errors)
				printf("FAIL fork: child lookups (%d of %d wrong)\nDIAG %s\n",
				       cw.errors, cw.lookups, cw.first_error);
			else
				printf("PASS fork: %d lookups in the child, all correct\n", cw.lookups);
			if (n1 != n2)
				printf("FAIL fork: child descriptors %d after the first round, %d after the second\n", n1, n2);
			else
				printf("PASS fork: child descriptors unchanged between rounds (%d, %d sockets)\n", n2, s1);
			fflush(stdout);
			_exit(s0 != 0 || cw.errors || n1 != n2 ? 1 : 0);
		}
		if (child < 0) {
			printf("FAIL fork: %s\n", strerror(errno));
			fails++;
		}
	}
	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].th, NULL);
		lookups += w[i].lookups;
		errors += w[i].errors;
		if (w[i].errors && errors == w[i].errors)
			printf("DIAG %s\n", w[i].first_error);
	}
	if (errors) {
		printf("FAIL %s: %d of %d lookups in %d threads wrong\n", what, errors,
		       lookups, nthreads);
		fails++;
	} else {
		printf("PASS %s: %d lookups in %d threads, all correct\n", what, lookups,
		       nthreads);
	}
	if (child > 0) {
		int ws;

		if (waitpid(child, &ws, 0) != child || !WIFEXITED(ws) ||
		    WEXITSTATUS(ws) != 0) {
			printf("FAIL fork: the child did not exit 0 (status %d)\n", ws);
			fails++;
		}
	}
	pthread_barrier_destroy(&start);
	free(w);
	return fails;
}

int main(int argc, char **argv)
{
	struct worker m;
	int fails = 0, fd0, fd1, fd2, fd3, s1;
	size_t off = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1)
		nthreads = atoi(argv[1]);
	if (argc > 2)
		rounds = atoi(argv[2]);
	if (nthreads < 1 || rounds < 1 || nthreads * rounds > 1500) {
		fprintf(stderr, "usage: nss_threads NTHREADS ROUNDS\n");
		return 2;
	}
	off = (size_t)snprintf(many4_expect, sizeof(many4_expect), "many4.lab.test ");
	{
		/* sorted as strings */
		char *v[50], b[50][24];
		for (int i = 0; i < 50; i++) {
			snprintf(b[i], sizeof(b[i]), "127.21.0.%d", i + 1);
			v[i] = b[i];
		}
		qsort(v, 50, sizeof(v[0]), hard_cmp_str);
		for (int i = 0; i < 50; i++)
			off += (size_t)snprintf(many4_expect + off, sizeof(many4_expect) - off,
						"%s%s", i ? "," : "", v[i]);
	}

	fd0 = hard_fds(NULL, 1);
	memset(&m, 0, sizeof(m));
	check(&m, "a4.lab.test", "a4.lab.test 127.20.0.1");
	if (m.errors) {
		printf("FAIL main thread lookup\nDIAG %s\n", m.first_error);
		return 1;
	}
	fd1 = hard_fds(&s1, 1);
	printf("DIAG descriptors: %d before any lookup, %d (%d sockets) after the main thread's first\n",
	       fd0, fd1, s1);

	fails += run_threads(0, 0, "concurrent");
	fd2 = hard_fds(NULL, 1);
	if (fd2 != fd1) {
		printf("FAIL descriptors after the threads exited: %d, before: %d\n", fd2, fd1);
		fails++;
	} else {
		printf("PASS descriptors after %d threads exited: %d, as before\n", nthreads, fd2);
	}

	fails += run_threads(nthreads * rounds, 1, "concurrent with a fork");
	memset(&m, 0, sizeof(m));
	for (int n = 3000; n < 3010; n++) {
		char name[64], want[128];

		snprintf(name, sizeof(name), "bench-%d.lab.test", n);
		bench_expect(n, want, sizeof(want));
		check(&m, name, want);
	}
	if (m.errors) {
		printf("FAIL parent lookups after the fork\nDIAG %s\n", m.first_error);
		fails++;
	} else {
		printf("PASS parent: %d fresh lookups after the fork, all correct\n", m.lookups);
	}
	fd3 = hard_fds(NULL, 1);
	if (fd3 != fd1) {
		printf("FAIL descriptors after the fork round: %d, before: %d\n", fd3, fd1);
		fails++;
	} else {
		printf("PASS descriptors after the fork round: %d, as before\n", fd3);
	}
	return fails ? 1 : 0;
}
