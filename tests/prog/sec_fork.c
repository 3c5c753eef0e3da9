/* SPDX-License-Identifier: ISC */
/* sec_fork.c - "dnssec validate" inside a process that forks, runs small
 * threads and cancels them (run with "hosts: files dnscrypt" and a
 * configuration that validates against the signed lab).  Driven by
 * tests/integration/t84_dnssec_process.sh.
 *
 *   sec_fork BOGUS NAME1 ... NAME6
 *
 * NAMEs are secure names (each asked once, so that no remembered verdict
 * or cached answer stands in for validation), BOGUS a bogus one (never
 * remembered: validated each time).  Prints PASS/FAIL lines:
 *   1. the main thread: NAME1 answered; a thread of 48 KiB (less than the
 *      64 KiB the validator wants: it runs in the helper thread): NAME2;
 *   2. every descriptor the library keeps is close-on-exec;
 *   3. a child forked after (the contexts made before fork): NAME3
 *      answered, BOGUS EAI_AGAIN, NAME4 from a thread of 48 KiB;
 *   4. children forked while another thread validates BOGUS in a loop:
 *      each answers NAME5 and refuses BOGUS (no lock left held: each must
 *      end within 60 s, alarm);
 *   5. threads of 48 KiB validating BOGUS in a loop, cancelled after
 *      0-20 ms: each joined within 20 s as PTHREAD_CANCELED; then NAME6.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SMALL_STACK (48 * 1024)

static int fails;

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	fflush(stdout);
	fails += !ok;
}

static int lookup(const char *name)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (res)
		freeaddrinfo(res);
	return rc;
}

struct job {
	const char *name;
	int rc;
	int loop;                /* resolve until cancelled */
};

static void *run(void *arg)
{
	struct job *j = arg;

	do
		j->rc = lookup(j->name);
	while (j->loop);
	return NULL;
}

/* name from a thread with a small stack: its getaddrinfo status. */
static int small_lookup(const char *name)
{
	struct job j = { name, -1, 0 };
	pthread_attr_t a;
	pthread_t th;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, SMALL_STACK);
	if (pthread_create(&th, &a, run, &j) != 0)
		return -1000;
	pthread_attr_destroy(&a);
	pthread_join(th, NULL);
	return j.rc;
}

#define MAX_FD 1024
static char inherited[MAX_FD];  /* open without close-on-exec at start */

static void note_inherited(void)
{
	for (int fd = 0; fd < MAX_FD; fd++)
		inherited[fd] = fcntl(fd, F_GETFD) >= 0;
}

/* Every descriptor opened since the start is close-on-exec. */
static int all_cloexec(void)
{
	char path[64], to[256];
	int ok = 1;

	for (int fd = 0; fd < MAX_FD; fd++) {
		int fl = fcntl(fd, F_GETFD);
		ssize_t n;
		if (inherited[fd] || fl < 0 || (fl & FD_CLOEXEC))
			continue;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		n = readlink(path, to, sizeof to - 1);
		to[n > 0 ? n : 0] = '\0';
		printf("DIAG fd %d (%s) is not close-on-exec\n", fd, to);
		ok = 0;
	}
	return ok;
}

/* The child's checks, as its exit status (0: all passed). */
static int child_wait(pid_t pid, const char *what)
{
	int st = 0;
	char line[160];

	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		snprintf(line, sizeof line, "%s: the child ran", what);
		check(0, line);
		return -1;
	}
	snprintf(line, sizeof line, "%s: the child ended by itself, every check passed",
		 what);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, line);
	if (!WIFEXITED(st))
		printf("DIAG the child got signal %d\n", WTERMSIG(st));
	return 0;
}

int main(int argc, char **argv)
{
	const char *bogus;
	struct timespec ts;
	pid_t pid;

	if (argc != 8)
		return 64;
	bogus = argv[1];
	srand((unsigned)getpid());
	note_inherited();

	/* 1 */
	check(lookup(argv[2]) == 0, "main thread: a secure name answered");
	check(small_lookup(argv[3]) == 0,
	      "a thread of 48 KiB: a secure name answered (validated in the helper thread)");
	check(lookup(bogus) == EAI_AGAIN, "main thread: a bogus name EAI_AGAIN");
	/* 2 */
	check(all_cloexec(), "every descriptor the library keeps is close-on-exec");

	/* 3 */
	pid = fork();
	if (pid == 0) {
		alarm(60);
		fails = 0;
		check(lookup(argv[4]) == 0, "child: a secure name answered");
		check(lookup(bogus) == EAI_AGAIN, "child: a bogus name EAI_AGAIN");
		check(small_lookup(argv[5]) == 0,
		      "child, a thread of 48 KiB: a secure name answered");
		_exit(fails ? 1 : 0);
	}
	child_wait(pid, "fork after validated lookups");

	/* 4 */
	{
		struct job busy = { bogus, 0, 1 };
		pthread_t th;
		int bad = 0;

		if (pthread_create(&th, NULL, run, &busy) != 0)
			return 70;
		for (int i = 0; i < 10; i++) {
			ts.tv_sec = 0;
			ts.tv_nsec = (rand() % 20) * 1000000L;
			nanosleep(&ts, NULL);
			pid = fork();
			if (pid == 0) {
				alarm(60);
				_exit(lookup(argv[6]) == 0 && lookup(bogus) == EAI_AGAIN ? 0 : 1);
			}
			bad += child_wait(pid, "fork while another thread validates") != 0;
		}
		pthread_cancel(th);
		pthread_join(th, NULL);
		(void)bad;
	}

	/* 5 */
	for (int i = 0; i < 10; i++) {
		struct job j = { bogus, 0, 1 };
		pthread_attr_t a;
		pthread_t th;
		void *ret = NULL;
		int rc;

		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, SMALL_STACK);
		if (pthread_create(&th, &a, run, &j) != 0)
			return 70;
		pthread_attr_destroy(&a);
		ts.tv_sec = 0;
		ts.tv_nsec = (rand() % 21) * 1000000L;
		nanosleep(&ts, NULL);
		pthread_cancel(th);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 20;
		rc = pthread_timedjoin_np(th, &ret, &ts);
		check(rc == 0 && ret == PTHREAD_CANCELED,
		      "a 48 KiB thread validating, cancelled: joined as cancelled");
		if (rc != 0)
			return 1;
	}
	check(lookup(argv[7]) == 0, "after the cancellations: a secure name answered");
	check(all_cloexec(), "... every descriptor still close-on-exec");
	return fails ? 1 : 0;
}
