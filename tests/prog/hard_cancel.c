/* SPDX-License-Identifier: ISC */
/* hard_cancel.c - threads cancelled in the middle of a lookup (deferred
 * cancellation, the default) leak no descriptor and leave the library
 * usable (run with "hosts: files dnscrypt").  Driven by
 * tests/integration/t70_concurrency.sh.
 *
 *   hard_cancel answer|cert|random GOOD_CONF OTHER_CONF N [WARM_CONF]
 *
 * The configuration is chosen with setenv(NSS_DNSCRYPT_CONF) while no
 * other thread resolves.  First the main thread resolves with GOOD_CONF
 * (a working server) and counts its descriptors: the baseline.  With
 * WARM_CONF (OTHER_CONF's server, short total-timeout) it then makes one
 * lookup that fetches the certificate and gets no answer.
 *
 * answer  OTHER_CONF serves its certificate but never answers a query.
 *         N times: a thread calls getaddrinfo; once a socket is open (the
 *         lookup waits in poll(), a cancellation point) and 20-60 ms more
 *         have passed, it is cancelled and joined (5 s bound; the join must
 *         give PTHREAD_CANCELED); the count must be the baseline each time.
 * cert    the same with an OTHER_CONF server that answers nothing at all:
 *         cancelled while fetching the certificate.
 * random  N times: a thread resolves bench names in a loop with GOOD_CONF
 *         through the module's _nss_dnscrypt_gethostbyname4_r (looked up
 *         after the first getaddrinfo) and is cancelled after a random
 *         0-3 ms, wherever it is; joined within 5 s; the count must be the
 *         baseline after each join.  Not through getaddrinfo: glibc itself
 *         leaks a descriptor when cancelled at some of its own points (the
 *         nscd client's AF_UNIX socket, which it retries every 100 lookups,
 *         and the RFC 3484 sort's UDP probes), which is not ours to test.
 * Then the main thread resolves 20 names with GOOD_CONF: exact answers,
 * the count still the baseline.
 */
#include <dlfcn.h>
#include <errno.h>
#include <nss.h>
#include <pthread.h>
#include <time.h>

#include "hard_util.h"

static volatile int started;

static void *slow_lookup(void *arg)
{
	char got[1024];

	(void)arg;
	started = 1;
	hard_resolve("bench-1.lab.test", got, sizeof(got));
	/* only reached if the lookup ended by itself (a timeout) */
	return NULL;
}

/* The warm-up lookup (WARM_CONF), in a thread of its own. */
static void *warm(void *arg)
{
	char got[1024];

	*(int *)arg = hard_resolve("bench-2.lab.test", got, sizeof(got));
	return NULL;
}

typedef enum nss_status (*gbn4_fn)(const char *, struct gaih_addrtuple **,
				   char *, size_t, int *, int *, int32_t *);
static gbn4_fn gbn4;

/* Bench names through the module's gethostbyname4_r, for ever. */
static void *loop_lookups(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;
	struct gaih_addrtuple *pat;
	char name[64], buf[4096];
	int e, h;

	for (;;) {
		snprintf(name, sizeof(name), "bench-%u.lab.test", n++ % 5000);
		pat = NULL;
		gbn4(name, &pat, buf, sizeof(buf), &e, &h, NULL);
	}
	return NULL;
}

/* Join within 5 s; 0 when the thread was cancelled, 1 when it returned,
 * -1 when it did not end. */
static int join5(pthread_t th)
{
	struct timespec ts;
	void *ret;
	int rc;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	rc = pthread_timedjoin_np(th, &ret, &ts);
	if (rc != 0)
		return -1;
	return ret == PTHREAD_CANCELED ? 0 : 1;
}

/* Phases 1 and 2; returns the number of failures. */
static int cancel_in_poll(const char *conf, const char *what, int n, int base)
{
	int fails = 0, notcancelled = 0, leaks = 0, notinpoll = 0;
	double maxwait = 0;

	setenv("NSS_DNSCRYPT_CONF", conf, 1);
	for (int i = 0; i < n; i++) {
		pthread_t th;
		int s, fds, r;
		double t0;

		started = 0;
		pthread_create(&th, NULL, slow_lookup, NULL);
		/* wait (2 s at most) until the lookup has a socket open */
		t0 = hard_now();
		do {
			usleep(1000);
			hard_count_fds(&s);
		} while ((s == 0 || !started) && hard_now() - t0 < 2.0);
		if (s == 0)
			notinpoll++;
		usleep(20000 + (unsigned)(i % 5) * 10000);  /* well inside poll() */
		t0 = hard_now();
		pthread_cancel(th);
		r = join5(th);
		if (hard_now() - t0 > maxwait)
			maxwait = hard_now() - t0;
		if (r < 0) {
			printf("FAIL %s: cancelled thread %d did not end within 5 s\n", what, i);
			printf("DIAG the process is probably deadlocked; giving up\n");
			fflush(stdout);
			_exit(1);
		}
		notcancelled += r == 1;
		fds = hard_count_fds(&s);
		if (fds != base) {
			if (!leaks)
				printf("DIAG %s: after cancel %d: %d descriptors (%d sockets), baseline %d\n",
				       what, i, fds, s, base);
			leaks++;
		}
	}
	if (notinpoll)
		printf("FAIL %s: %d of %d lookups had no socket open when cancelled\n", what,
		       notinpoll, n), fails++;
	if (notcancelled)
		printf("FAIL %s: %d of %d threads returned instead of being cancelled\n", what,
		       notcancelled, n), fails++;
	if (leaks)
		printf("FAIL %s: descriptors not back to the baseline after %d of %d cancels\n",
		       what, leaks, n), fails++;
	if (!fails)
		printf("PASS %s: %d threads cancelled in poll() with a socket open, each joined "
		       "(longest %.0f ms), descriptors back to %d every time\n", what, n,
		       maxwait * 1000, base);
	return fails;
}

/* Where the socket with this inode is: "udp 0100007F:AC40->3600007F:01BB"
 * from /proc/net/{udp,udp6,tcp,tcp6,unix}, or "" if none lists it (a
 * socket never bound or connected). */
static void sock_where(unsigned long ino, char *out, size_t outlen)
{
	static const char *tabs[] = { "udp", "udp6", "tcp", "tcp6", "unix" };
	char path[64], line[512];

	out[0] = 0;
	for (size_t i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/net/%s", tabs[i]);
		if (!(f = fopen(path, "re")))
			continue;
		while (fgets(line, sizeof(line), f)) {
			char loc[64], rem[64];
			unsigned long in = 0;

			if (i < 4) {
				if (sscanf(line, " %*s %63s %63s %*s %*s %*s %*s %*s %*s %lu",
					   loc, rem, &in) == 3 && in == ino) {
					snprintf(out, outlen, "%s %s->%s", tabs[i], loc, rem);
					break;
				}
			} else if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu", &in) == 1 &&
				   in == ino) {
				snprintf(out, outlen, "unix");
				break;
			}
		}
		fclose(f);
		if (out[0])
			return;
	}
}

/* The descriptors above the baseline, as "fd->target" words. */
static void show_fds(int base)
{
	char p[64], t[256], line[2048];
	size_t off = 0;

	line[0] = 0;
	for (int fd = 3; fd < 1024 && off < sizeof(line) - 300; fd++) {
		ssize_t k;

		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		k = readlink(p, t, sizeof(t) - 1);
		if (k <= 0)
			continue;
		t[k] = 0;
		off += (size_t)snprintf(line + off, sizeof(line) - off, " %d->%s", fd, t);
		if (strncmp(t, "socket:[", 8) == 0) {
			char w[160];

			sock_where(strtoul(t + 8, NULL, 10), w, sizeof(w));
			off += (size_t)snprintf(line + off, sizeof(line) - off, "(%s)",
						w[0] ? w : "unbound");
		}
	}
	printf("DIAG open descriptors (baseline %d):%s\n", base, line);
}

int main(int argc, char **argv)
{
	const char *mode, *good, *other;
	int n, nrand = 0, base, fails = 0, leaks = 0, errors = 0, fds, s;
	char got[1024];
	unsigned seed = (unsigned)time(NULL);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: hard_cancel answer|cert|random GOOD_CONF OTHER_CONF N [WARM_CONF]\n");
		return 2;
	}
	mode = argv[1];
	good = argv[2];
	other = argv[3];
	n = atoi(argv[4]);

	setenv("NSS_DNSCRYPT_CONF", good, 1);
	if (hard_check_bench(4999, got, sizeof(got)) != 0) {
		printf("FAIL first lookup in the main thread\nDIAG %s\n", got);
		return 1;
	}
	base = hard_count_fds(&s);
	printf("DIAG baseline: %d descriptors (%d sockets)\n", base, s);

	if (argc == 6) {
		/* WARM_CONF: OTHER_CONF's server with a short total-timeout;
		 * the lookup fails, but the certificate is then in the
		 * process-wide store and the threads below go straight to
		 * their queries. */
		pthread_t th;
		int rc;

		/* in a new thread: the main thread's context would go on
		 * with GOOD_CONF for up to a second (the library checks the
		 * configuration file at most once a second) */
		setenv("NSS_DNSCRYPT_CONF", argv[5], 1);
		pthread_create(&th, NULL, warm, &rc);
		pthread_join(th, NULL);
		printf("DIAG warm-up lookup (certificate fetched, no answer): %s\n",
		       hard_eai_name(rc));
		fds = hard_count_fds(&s);
		if (fds != base)
			printf("FAIL warm-up: %d descriptors after it, baseline %d\n", fds, base), fails++;
	}
	if (strcmp(mode, "answer") == 0)
		fails += cancel_in_poll(other, "cancel while waiting for an answer", n, base);
	else if (strcmp(mode, "cert") == 0)
		fails += cancel_in_poll(other, "cancel while fetching the certificate", n, base);
	else
		nrand = n;

	setenv("NSS_DNSCRYPT_CONF", good, 1);
	if (nrand) {
		void *h = dlopen("libnss_dnscrypt.so.2", RTLD_LAZY | RTLD_NOLOAD);

		gbn4 = h ? (gbn4_fn)dlsym(h, "_nss_dnscrypt_gethostbyname4_r") : NULL;
		if (!gbn4) {
			printf("FAIL libnss_dnscrypt.so.2 is not loaded after a lookup\n");
			return 1;
		}
		printf("DIAG random cancels: seed %u\n", seed);
	}
	srand(seed);
	for (int i = 0; i < nrand; i++) {
		pthread_t th;
		int r;

		pthread_create(&th, NULL, loop_lookups, (void *)(uintptr_t)(i * 7));
		usleep((unsigned)(rand() % 3000));
		pthread_cancel(th);
		r = join5(th);
		if (r < 0) {
			printf("FAIL random cancels: thread %d (cancelled after a random delay) "
			       "did not end within 5 s\n", i);
			printf("DIAG the process is probably deadlocked; giving up\n");
			fflush(stdout);
			_exit(1);
		}
		fds = hard_count_fds(&s);
		if (fds != base) {
			if (!leaks) {
				printf("DIAG random cancel %d: %d descriptors (%d sockets), baseline %d\n",
				       i, fds, s, base);
				show_fds(base);
			}
			leaks++;
		}
	}
	if (leaks && nrand)
		show_fds(base);
	if (!nrand)
		;
	else if (leaks)
		printf("FAIL random cancels: descriptors not back to the baseline after %d of %d\n",
		       leaks, nrand), fails++;
	else
		printf("PASS random cancels: %d threads cancelled at random points, each joined, "
		       "descriptors back to %d every time\n", nrand, base);

	for (int i = 0; i < 20; i++)
		if (hard_check_bench(100 + i, got, sizeof(got)) != 0 && !errors++)
			printf("DIAG %s\n", got);
	fds = hard_count_fds(&s);
	if (fds != base)
		show_fds(base);
	if (errors || fds != base)
		printf("FAIL after the cancels: %d of 20 lookups wrong, %d descriptors (baseline %d)\n",
		       errors, fds, base), fails++;
	else
		printf("PASS after the cancels: 20 lookups exact, descriptors %d as at the start\n", fds);
	return fails ? 1 : 0;
}
