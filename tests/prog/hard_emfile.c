/* SPDX-License-Identifier: ISC */
/* hard_emfile.c - the descriptor limit reached: getaddrinfo fails cleanly
 * (EAI_AGAIN or EAI_SYSTEM/EMFILE), neither crashes nor hangs, and works
 * again once descriptors are available (run with "hosts: files dnscrypt"
 * and a working NSS_DNSCRYPT_CONF).  Driven by
 * tests/integration/t70_concurrency.sh.
 *
 *   hard_emfile [thread]
 *
 * 1. The main thread resolves (module loaded, its context made); the
 *    descriptors are counted: the baseline.
 * 2. RLIMIT_NOFILE's soft limit is lowered to baseline + 8 and /dev/null
 *    opened until open() fails with EMFILE.
 * 3. getaddrinfo in the main thread (a context already made, which keeps
 *    its UDP socket between lookups) must give the exact answer without a
 *    new descriptor, or fail cleanly as below.  With "thread", a new thread
 *    (which needs descriptors) must return EAI_AGAIN or EAI_SYSTEM with
 *    errno EMFILE, within 5 s
 *    (its context cannot even open the configuration file: that must be a
 *    passing system error, not "not configured", which is UNAVAIL and
 *    would let nsswitch go on to the next source).
 * 4. The filler descriptors are closed and the limit restored: lookups in
 *    the main thread and in a new thread are exact, and the count is the
 *    baseline again.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>

#include "hard_util.h"

struct res {
	int rc, err;
	double secs;
	char got[1024];
};

static void *lookup(void *arg)
{
	struct res *r = arg;
	double t0 = hard_now();

	errno = 0;
	r->rc = hard_resolve("bench-17.lab.test", r->got, sizeof(r->got));
	r->err = errno;
	r->secs = hard_now() - t0;
	return NULL;
}

#define BENCH17 "bench-17.lab.test 127.22.0.18,::ffff:127.22.0.18"

static int expect_fail(const char *what, struct res *r)
{
	int ok = (r->rc == EAI_AGAIN || (r->rc == EAI_SYSTEM && r->err == EMFILE)) &&
		 r->secs < 5.0;

	printf("%s EMFILE, %s: getaddrinfo gives %s%s%s in %.3f s\n", ok ? "PASS" : "FAIL",
	       what, hard_eai_name(r->rc), r->rc == EAI_SYSTEM ? " errno " : "",
	       r->rc == EAI_SYSTEM ? strerror(r->err) : "", r->secs);
	if (!ok && r->rc == 0)
		printf("DIAG it answered: %s\n", r->got);
	return !ok;
}

/* A context made before the limit: its kept socket may still answer. */
static int expect_kept(const char *what, struct res *r)
{
	if (r->rc == 0 && strcmp(r->got, BENCH17) == 0 && r->secs < 5.0) {
		printf("PASS EMFILE, %s: exact answer through the kept socket in %.3f s\n",
		       what, r->secs);
		return 0;
	}
	return expect_fail(what, r);
}

int main(int argc, char **argv)
{
	struct rlimit orig, low;
	struct res r;
	pthread_t th;
	int base, s, fails = 0, nfill = 0, fill[64], fd;
	char got[1024];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (hard_check_bench(16, got, sizeof(got)) != 0) {
		printf("FAIL first lookup\nDIAG %s\n", got);
		return 1;
	}
	base = hard_count_fds(&s);
	getrlimit(RLIMIT_NOFILE, &orig);
	low = orig;
	low.rlim_cur = (rlim_t)base + 8;
	if (setrlimit(RLIMIT_NOFILE, &low) != 0) {
		printf("FAIL setrlimit: %s\n", strerror(errno));
		return 1;
	}
	while (nfill < 64 && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		fill[nfill++] = fd;
	if (nfill == 64 || errno != EMFILE) {
		printf("FAIL could not reach the limit: %d opened, then %s\n", nfill, strerror(errno));
		return 1;
	}
	printf("DIAG soft limit %lu descriptors: baseline %d + %d fillers open, open() now fails with EMFILE\n",
	       (unsigned long)low.rlim_cur, base, nfill);

	memset(&r, 0, sizeof(r));
	lookup(&r);
	fails += expect_kept("main thread (context made before)", &r);

	if (argc > 1 && strcmp(argv[1], "thread") == 0) {
		memset(&r, 0, sizeof(r));
		pthread_create(&th, NULL, lookup, &r);
		pthread_join(th, NULL);
		fails += expect_fail("new thread (new context)", &r);
	}
	/* once more: a failed lookup changed nothing */
	memset(&r, 0, sizeof(r));
	lookup(&r);
	fails += expect_kept("main thread, again", &r);

	while (nfill > 0)
		close(fill[--nfill]);
	setrlimit(RLIMIT_NOFILE, &orig);

	memset(&r, 0, sizeof(r));
	lookup(&r);
	if (strcmp(r.got, BENCH17) != 0)
		printf("FAIL after the limit was raised, main thread: %s\n", r.got), fails++;
	else
		printf("PASS after the limit was raised, the main thread resolves again\n");
	memset(&r, 0, sizeof(r));
	pthread_create(&th, NULL, lookup, &r);
	pthread_join(th, NULL);
	if (strcmp(r.got, BENCH17) != 0)
		printf("FAIL after the limit was raised, new thread: %s\n", r.got), fails++;
	else
		printf("PASS after the limit was raised, a new thread resolves\n");
	fd = hard_count_fds(&s);
	if (fd != base)
		printf("FAIL descriptors at the end: %d, baseline %d\n", fd, base), fails++;
	else
		printf("PASS descriptors at the end: %d, as at the start\n", fd);
	return fails ? 1 : 0;
}
