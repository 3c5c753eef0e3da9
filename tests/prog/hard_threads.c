/* SPDX-License-Identifier: ISC */
/* hard_threads.c - NTHREADS threads x LOOKUPS getaddrinfo lookups at once
 * (run with "hosts: files dnscrypt"), every answer exact, descriptors
 * constant.  Driven by tests/integration/t70_concurrency.sh.
 *
 *   hard_threads NTHREADS LOOKUPS LABEL
 *
 * The main thread resolves once (module loaded, its context made) and
 * counts /proc/self/fd: the baseline.  NTHREADS threads start together
 * (barrier); thread t resolves bench-((t * LOOKUPS + i) mod 5000) for
 * i < LOOKUPS (A + AAAA, AF_UNSPEC) and compares with the zone's
 * 127.22.(N/250).(N%250+1) and ::ffff: the same.  A monitor thread samples
 * the descriptor count every 2 ms (the peak is reported).  After the
 * threads are joined the count must equal the baseline (sockets: at
 * most the baseline's, the main thread's kept socket being released when
 * idle), and a further round of lookups in the main thread must bring it
 * back to the baseline.
 */
#include <errno.h>
#include <pthread.h>

#include "hard_util.h"

static int nthreads, lookups;
static pthread_barrier_t start;
static volatile int stop_monitor;
static int peak_fds, peak_socks;

struct worker {
	pthread_t th;
	int id, done, errors;
	char first_error[512];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char got[1024];

	pthread_barrier_wait(&start);
	for (int i = 0; i < lookups; i++) {
		if (hard_check_bench(w->id * lookups + i, got, sizeof(got)) != 0) {
			if (!w->errors)
				snprintf(w->first_error, sizeof(w->first_error),
					 "thread %d lookup %d: %.400s", w->id, i, got);
			w->errors++;
		}
		w->done++;
	}
	return NULL;
}

static void *monitor(void *arg)
{
	(void)arg;
	while (!stop_monitor) {
		int s, n = hard_count_fds(&s);
		if (n > peak_fds)
			peak_fds = n;
		if (s > peak_socks)
			peak_socks = s;
		usleep(2000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker *w;
	pthread_t mon;
	int fd0, s0, fd1, s1, fd2, errors = 0, done = 0, fails = 0;
	double t0, t1;
	char got[1024];
	const char *label;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 4 || (nthreads = atoi(argv[1])) < 1 || (lookups = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: hard_threads NTHREADS LOOKUPS LABEL\n");
		return 2;
	}
	label = argv[3];
	if (hard_check_bench(4999, got, sizeof(got)) != 0) {
		printf("FAIL %s: first lookup in the main thread\nDIAG %s\n", label, got);
		return 1;
	}
	fd0 = hard_count_fds(&s0);
	w = calloc((size_t)nthreads, sizeof(*w));
	if (!w)
		return 2;
	pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
	for (int i = 0; i < nthreads; i++) {
		w[i].id = i;
		if (pthread_create(&w[i].th, NULL, work, &w[i]) != 0) {
			printf("FAIL %s: pthread_create: %s\n", label, strerror(errno));
			return 1;
		}
	}
	pthread_create(&mon, NULL, monitor, NULL);
	t0 = hard_now();
	pthread_barrier_wait(&start);
	for (int i = 0; i < nthreads; i++) {
		pthread_join(w[i].th, NULL);
		done += w[i].done;
		errors += w[i].errors;
		if (w[i].errors && errors == w[i].errors)
			printf("DIAG %s\n", w[i].first_error);
	}
	t1 = hard_now();
	stop_monitor = 1;
	pthread_join(mon, NULL);
	fd1 = hard_count_fds(&s1);

	printf("DIAG %s: %d threads x %d lookups in %.1f s (%.0f lookups/s); "
	       "descriptors %d (%d sockets) before, peak %d (%d sockets) during, %d (%d sockets) after\n",
	       label, nthreads, lookups, t1 - t0, done / (t1 - t0), fd0, s0,
	       peak_fds, peak_socks, fd1, s1);
	if (errors || done != nthreads * lookups) {
		printf("FAIL %s: %d of %d lookups wrong (%d done)\n", label, errors,
		       nthreads * lookups, done);
		fails++;
	} else {
		printf("PASS %s: %d threads x %d lookups, all %d exact\n", label,
		       nthreads, lookups, done);
	}
	/* The main thread's kept UDP socket is released once idle for a few
	 * seconds (while the threads ran): at most the sockets before. */
	if (fd1 - s1 != fd0 - s0 || s1 > s0) {
		printf("FAIL %s: descriptors %d (%d sockets) after the threads, %d (%d sockets) before\n",
		       label, fd1, s1, fd0, s0);
		fails++;
	} else {
		printf("PASS %s: descriptors %d before and after the threads (%d sockets)\n",
		       label, fd0, s0);
	}
	/* the process goes on working, still without growth */
	errors = 0;
	for (int i = 0; i < 50; i++)
		if (hard_check_bench(4000 + i, got, sizeof(got)) != 0 && !errors++)
			printf("DIAG %s\n", got);
	fd2 = hard_count_fds(NULL);
	if (errors || fd2 != fd0) {
		printf("FAIL %s: 50 more lookups in the main thread: %d wrong, descriptors %d (baseline %d)\n",
		       label, errors, fd2, fd0);
		fails++;
	} else {
		printf("PASS %s: 50 more lookups in the main thread exact, descriptors still %d\n",
		       label, fd2);
	}
	pthread_barrier_destroy(&start);
	free(w);
	return fails ? 1 : 0;
}
