/* SPDX-License-Identifier: ISC */
/* hard_idle.c - parked UDP sockets are bounded per process and released
 * when idle (issue 14, 2), with "hosts: files dnscrypt":
 *
 *   hard_idle NTHREADS MAX IDLE_MS
 *
 * 1. NTHREADS threads each resolve once (exactly), then stay alive and
 *    idle: the resolver sockets the process holds are at most MAX.
 * 2. After IDLE_MS and one more second, a new thread resolves once and
 *    exits: the process holds no resolver socket (the idle threads'
 *    parked sockets were released by that lookup, the new thread's at its
 *    exit), with every thread still alive.
 * 3. The idle threads exit: still none, and no descriptor more than
 *    before step 1.
 */
#include <pthread.h>

#include "hard_util.h"

static pthread_barrier_t done_lookup;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int release, fails;

static void *idle_thread(void *arg)
{
	char got[512];

	if (hard_check_bench((int)(long)arg, got, sizeof(got)) != 0) {
		pthread_mutex_lock(&mu);
		if (fails++ == 0)
			printf("DIAG %s\n", got);
		pthread_mutex_unlock(&mu);
	}
	pthread_barrier_wait(&done_lookup);
	pthread_mutex_lock(&mu);
	while (!release)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *once_thread(void *arg)
{
	char got[512];

	if (hard_check_bench((int)(long)arg, got, sizeof(got)) != 0)
		printf("FAIL the lookup after the idle time: %s\n", got);
	return NULL;
}

int main(int argc, char **argv)
{
	int n, max, idle_ms, socks, fds0, fds;
	pthread_t th[256], one;

	if (argc != 4) {
		fprintf(stderr, "usage: hard_idle NTHREADS MAX IDLE_MS\n");
		return 2;
	}
	n = atoi(argv[1]);
	max = atoi(argv[2]);
	idle_ms = atoi(argv[3]);
	if (n < 1 || n > 256)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* the module loaded and a first context made, by a thread that ends */
	pthread_create(&one, NULL, once_thread, (void *)4999L);
	pthread_join(one, NULL);
	fds0 = hard_fds(&socks, 1);

	pthread_barrier_init(&done_lookup, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, idle_thread, (void *)(long)i) != 0) {
			printf("FAIL pthread_create %d\n", i);
			return 1;
		}
	pthread_barrier_wait(&done_lookup);
	if (fails == 0)
		printf("PASS %d threads resolved exactly\n", n);
	else
		printf("FAIL %d of %d threads' lookups not exact\n", fails, n);
	hard_fds(&socks, 1);
	if (socks <= max)
		printf("PASS %d idle threads hold %d resolver sockets (at most %d)\n", n, socks, max);
	else
		printf("FAIL %d idle threads hold %d resolver sockets, want at most %d\n", n, socks, max);

	usleep((useconds_t)(idle_ms + 1000) * 1000u);
	pthread_create(&one, NULL, once_thread, (void *)1000L);
	pthread_join(one, NULL);
	hard_fds(&socks, 1);
	if (socks == 0)
		printf("PASS after %d ms idle and one lookup: no resolver socket held\n", idle_ms + 1000);
	else
		printf("FAIL after %d ms idle and one lookup: %d resolver sockets held\n",
		       idle_ms + 1000, socks);

	pthread_mutex_lock(&mu);
	release = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	fds = hard_fds(&socks, 1);
	if (socks == 0 && fds <= fds0)
		printf("PASS after the threads exit: %d descriptors (%d before), no resolver socket\n",
		       fds, fds0);
	else
		printf("FAIL after the threads exit: %d descriptors (%d before), %d resolver sockets\n",
		       fds, fds0, socks);
	return 0;
}
