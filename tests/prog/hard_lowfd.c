/* SPDX-License-Identifier: ISC */
/* hard_lowfd.c - the module never holds descriptor 0, 1 or 2 (issue 14,
 * 2): a program that closed its stderr resolves, then writes to fd 2;
 * that text must not become a datagram to the resolver, and fd 2 must not
 * be ours.  Run with "hosts: files dnscrypt" under a capture of what is
 * sent to the resolver (tests/integration/t76_process.sh looks for MARKER
 * in it).
 *
 *   hard_lowfd MARKER
 *
 * 1. close(2); a lookup (its UDP socket is kept for the next one); fd 2
 *    is closed afterwards; a write of MARKER to fd 2 fails with EBADF;
 *    a second lookup (the kept socket) is exact and fd 2 still closed.
 * 2. close(0) too; a new thread resolves (a new context, a new socket)
 *    and stays alive: fd 0 is closed while it lives.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>

#include "hard_util.h"

static void check_closed(int fd, const char *when)
{
	errno = 0;
	if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
		printf("PASS %s: fd %d is not ours (still closed)\n", when, fd);
	else {
		char p[64], t[128];
		ssize_t k;

		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		k = readlink(p, t, sizeof(t) - 1);
		t[k > 0 ? k : 0] = 0;
		printf("FAIL %s: fd %d is open (%s)\n", when, fd, t);
	}
}

static void lookup(const char *when)
{
	char got[512];

	if (hard_resolve("a4.lab.test", got, sizeof(got)) == 0 &&
	    strcmp(got, "a4.lab.test 127.20.0.1") == 0)
		printf("PASS %s: exact\n", when);
	else
		printf("FAIL %s: got '%s'\n", when, got);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stage;

static void *resolver(void *arg)
{
	(void)arg;
	lookup("a new thread's lookup with fd 0 and 2 closed");
	pthread_mutex_lock(&mu);
	stage = 1;
	pthread_cond_broadcast(&cv);
	while (stage != 2)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *marker = argc > 1 ? argv[1] : "hard-lowfd-marker";
	pthread_t th;
	ssize_t w;

	setvbuf(stdout, NULL, _IOLBF, 0);
	close(2);
	lookup("first lookup with fd 2 closed");
	check_closed(2, "after the first lookup");
	errno = 0;
	w = write(2, marker, strlen(marker));
	if (w < 0 && errno == EBADF)
		printf("PASS a write to fd 2 fails with EBADF\n");
	else
		printf("FAIL a write to fd 2: %zd (%s)\n", w, strerror(errno));
	lookup("second lookup (the kept socket)");
	check_closed(2, "after the second lookup");

	close(0);
	if (pthread_create(&th, NULL, resolver, NULL) != 0) {
		printf("FAIL pthread_create\n");
		return 1;
	}
	pthread_mutex_lock(&mu);
	while (stage != 1)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	check_closed(0, "while the new thread keeps its socket");
	check_closed(2, "while the new thread keeps its socket");
	pthread_mutex_lock(&mu);
	stage = 2;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(th, NULL);
	return 0;
}
