/* SPDX-License-Identifier: ISC */
/* hard_fork.c - fork in the middle of lookups, then many lookups in both
 * processes (run with "hosts: files dnscrypt" and "cache no", under a
 * capture: tests/integration/t70_concurrency.sh checks the client public
 * keys and nonces of every DNSCrypt query on the wire).
 *
 *   hard_fork NTHREADS LOOKUPS
 *
 * 1. The main thread resolves once with getaddrinfo (module loaded,
 *    context, certificate).
 * 2. NTHREADS threads resolve LOOKUPS bench names each.  All of them have
 *    made their first lookup (and so their context) before the fork
 *    (barrier); once NTHREADS more lookups are done, the main thread sends
 *    the datagram "hard-fork-mark" to 127.0.0.1:9 (so the capture can
 *    tell queries before the fork from those after), counts its sockets
 *    and forks.
 * 3. Child: no socket connected to the resolver (port 443) may be open
 *    right after the fork (the parent's in-flight lookups' sockets are
 *    closed by the library's fork handler; glibc's own sockets of
 *    getaddrinfo calls in other threads, netlink and sorting probes, are
 *    not counted); NTHREADS new threads x LOOKUPS lookups, every answer
 *    exact; the descriptor count after them equals the one right after
 *    the fork, with no resolver socket open.
 * Every lookup of the threads, in both processes, calls the module's
 * _nss_dnscrypt_gethostbyname4_r (looked up after the first getaddrinfo)
 * rather than getaddrinfo: glibc's own locks, which fork does not reset
 * (resolv_conf.c's, taken by every getaddrinfo in __resolv_context_get;
 * check_pf.c's, for RFC 3484 sorting), may be held by a parent thread that
 * does not exist in the child, which would then hang - glibc's fork
 * safety, not ours.  The module takes resolv_conf.c's lock too, through
 * res_ninit when it makes a context, hence the barrier: no parent thread
 * may be making its context at fork time (a child then hangs in its own
 * first context; tests/prog/hard_fork.c is not the place to show it).
 * 4. Parent: its threads finish exactly, then NTHREADS more threads x
 *    LOOKUPS lookups (while the child is resolving too), exact.
 * Prints "COUNT parent-before N", "COUNT parent-after N", "COUNT child N":
 * lookups that certainly sent all their queries before the mark (the main
 * thread's first one and those the threads finished before it), that the
 * parent started after its threads of step 2 were joined (so after the
 * mark), and that the child made: lower bounds for the capture check.
 */
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <nss.h>
#include <pthread.h>
#include <sys/wait.h>

#include "hard_util.h"

static int nthreads, lookups;
static int completed;
static pthread_barrier_t first;   /* the first batch: contexts made */
static int use_barrier;

typedef enum nss_status (*gbn4_fn)(const char *, struct gaih_addrtuple **,
				   char *, size_t, int *, int *, int32_t *);
static gbn4_fn gbn4;     /* the module's entry point, after the first lookup */

/* bench-n through the module's gethostbyname4_r: 0 when exact, else the
 * reason in got. */
static int check_direct(int n, char *got, size_t gotlen)
{
	char buf[8192], name[64], want[128], *addrs[16], txt[16][INET6_ADDRSTRLEN];
	struct gaih_addrtuple *pat = NULL;
	int e = 0, h = 0, k = 0;
	size_t off;
	enum nss_status st;

	hard_bench(n, name, sizeof(name), want, sizeof(want));
	st = gbn4(name, &pat, buf, sizeof(buf), &e, &h, NULL);
	if (st != NSS_STATUS_SUCCESS) {
		snprintf(got, gotlen, "%s: status %d errno %d h_errno %d", name, st, e, h);
		return -1;
	}
	for (struct gaih_addrtuple *t = pat; t && k < 16; t = t->next) {
		inet_ntop(t->family, t->addr, txt[k], sizeof(txt[k]));
		addrs[k] = txt[k];
		k++;
	}
	qsort(addrs, (size_t)k, sizeof(addrs[0]), hard_cmp_str);
	off = (size_t)snprintf(got, gotlen, "%s ", pat && pat->name ? pat->name : "-");
	for (int i = 0; i < k && off < gotlen; i++)
		off += (size_t)snprintf(got + off, gotlen - off, "%s%s", i ? "," : "", addrs[i]);
	if (strcmp(got, want) == 0)
		return 0;
	{
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s: got '%.200s' want '%.200s'", name, got, want);
		snprintf(got, gotlen, "%s", tmp);
	}
	return -1;
}

struct worker {
	pthread_t th;
	int base, done, errors, barrier;
	char first_error[512];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char got[1024];

	for (int i = 0; i < lookups; i++) {
		if (check_direct(w->base + i, got, sizeof(got)) != 0) {
			if (!w->errors)
				snprintf(w->first_error, sizeof(w->first_error), "%.400s", got);
			w->errors++;
		}
		w->done++;
		__atomic_add_fetch(&completed, 1, __ATOMIC_SEQ_CST);
		if (i == 0 && w->barrier)
			pthread_barrier_wait(&first);
	}
	return NULL;
}

static void start(struct worker *w, int base)
{
	for (int i = 0; i < nthreads; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].base = base + i * lookups;
		w[i].barrier = use_barrier;
		if (pthread_create(&w[i].th, NULL, work, &w[i]) != 0) {
			printf("FAIL pthread_create: %s\n", strerror(errno));
			exit(1);
		}
	}
}

/* Join; returns the number of wrong answers, adds the lookups to *done. */
static int join(struct worker *w, int *done)
{
	int errors = 0;

	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].th, NULL);
		*done += w[i].done;
		if (w[i].errors && !errors)
			printf("DIAG %s\n", w[i].first_error);
		errors += w[i].errors;
	}
	return errors;
}

static void mark(void)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(9);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || sendto(fd, "hard-fork-mark", 14, 0, (struct sockaddr *)&a, sizeof(a)) != 14)
		printf("DIAG mark datagram: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct worker *w;
	char got[1024];
	int before_mark, done = 0, errors, fds_parent, socks_parent, fails = 0;
	pid_t child;
	void *h;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3 || (nthreads = atoi(argv[1])) < 1 || (lookups = atoi(argv[2])) < 1 ||
	    nthreads * lookups > 1600) {
		fprintf(stderr, "usage: hard_fork NTHREADS LOOKUPS (NTHREADS*LOOKUPS <= 1600)\n");
		return 2;
	}
	w = calloc((size_t)nthreads, sizeof(*w));
	if (!w)
		return 2;
	if (hard_check_bench(4999, got, sizeof(got)) != 0) {
		printf("FAIL first lookup in the main thread\nDIAG %s\n", got);
		return 1;
	}
	h = dlopen("libnss_dnscrypt.so.2", RTLD_LAZY | RTLD_NOLOAD);
	gbn4 = h ? (gbn4_fn)dlsym(h, "_nss_dnscrypt_gethostbyname4_r") : NULL;
	if (!gbn4) {
		printf("FAIL libnss_dnscrypt.so.2 is not loaded after a lookup\n");
		return 1;
	}
	fds_parent = hard_fds(&socks_parent, 1);
	pthread_barrier_init(&first, NULL, (unsigned)nthreads + 1);
	use_barrier = 1;
	start(w, 0);
	use_barrier = 0;
	pthread_barrier_wait(&first);
	for (int i = 0; i < 100000; i++) {
		if (__atomic_load_n(&completed, __ATOMIC_SEQ_CST) >= 2 * nthreads)
			break;
		usleep(100);
	}
	/* lookups finished before the mark sent all their queries before it */
	before_mark = __atomic_load_n(&completed, __ATOMIC_SEQ_CST);
	mark();
	{
		int s;

		hard_fds(&s, 1);
		printf("DIAG fork with %d of %d lookups done, %d resolver socket(s) open in the parent just before\n",
		       before_mark, nthreads * lookups, s);
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		printf("FAIL fork: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0) {
		int s0, f0, s1, f1;

		f0 = hard_fds(&s0, 1);
		/* the parent's threads do not exist here: only new ones */
		start(w, 2000);
		errors = join(w, &done);
		f1 = hard_fds(&s1, 1);
		if (s0 != 0)
			printf("FAIL child: %d resolver socket(s) open right after the fork (parent's)\n", s0);
		else
			printf("PASS child: no resolver socket open right after the fork\n");
		if (errors)
			printf("FAIL child: %d of %d lookups wrong\n", errors, done);
		else
			printf("PASS child: %d threads x %d lookups through the module, all exact\n",
			       nthreads, lookups);
		if (f1 != f0 || s1 != 0)
			printf("FAIL child: descriptors %d (%d resolver sockets) after its lookups, %d right after the fork\n",
			       f1, s1, f0);
		else
			printf("PASS child: descriptors %d right after the fork and after its lookups\n", f0);
		printf("COUNT child %d\n", done);
		fflush(stdout);
		free(w);
		_exit(s0 != 0 || errors || f1 != f0 || s1 != 0 ? 1 : 0);
	}
	/* parent */
	errors = join(w, &done);
	{
		int more = 0, e2;

		start(w, 3000);
		e2 = join(w, &more);
		if (errors || e2)
			printf("FAIL parent: %d + %d of %d lookups wrong\n", errors, e2, done + more);
		else
			printf("PASS parent: %d lookups across the fork and %d after it, all exact\n",
			       done, more);
		fails += errors || e2;
		printf("COUNT parent-before %d\n", before_mark + 1);
		printf("COUNT parent-after %d\n", more);
	}
	{
		int ws, fds, socks;

		if (waitpid(child, &ws, 0) != child || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
			printf("FAIL child exit status %d\n", ws);
			fails++;
		}
		fds = hard_fds(&socks, 1);
		if (fds != fds_parent || socks != socks_parent) {
			printf("FAIL parent: descriptors %d (%d resolver sockets) at the end, %d (%d) at the start\n",
			       fds, socks, fds_parent, socks_parent);
			fails++;
		} else {
			printf("PASS parent: descriptors %d at the start and at the end\n", fds);
		}
	}
	free(w);
	return fails ? 1 : 0;
}
