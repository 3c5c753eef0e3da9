/* SPDX-License-Identifier: ISC */
/* test_proc.c - the process mark (dc_proc.h): the process that marked it
 * is not new; children of fork(), _Fork() and a raw clone() are, until
 * they mark it; the parent stays marked.  Also the cost of the check that
 * every lookup makes ("# cost" line), next to a getpid() system call. */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "t.h"
#include "dc_proc.h"

/* In the child: 0 when it is new and no longer after marking. */
static int child_checks(void)
{
	int was_new = dc_proc_is_new();

	dc_proc_mark();
	return was_new && !dc_proc_is_new() ? 0 : 1;
}

static int clone_fn(void *arg)
{
	(void)arg;
	_exit(child_checks());
}

static int status_ok(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void test_cost(void)
{
	enum { N = 2000000 };
	volatile int sink = 0;
	double a, b, c;

	a = cpu_ns();
	for (int i = 0; i < N; i++)
		sink += dc_proc_is_new();
	b = cpu_ns();
	for (int i = 0; i < N; i++)
		sink += getpid() == 0;
	c = cpu_ns();
	printf("# cost: the new-process check %.1f ns per lookup; getpid() %.1f ns\n",
	       (b - a) / N, (c - b) / N);
	T_EQ_INT(sink, 0, "%d checks in the marking process: never new", N);
}

int main(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	pid_t pid;

	T_EQ_INT(dc_proc_init(), 0, "the mark page is made");
	T_EQ_INT(dc_proc_is_new(), 0, "the process that marked it is not new");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child_checks());
	T_OK(status_ok(pid), "a fork() child is new until it marks (no handler here)");
	pid = _Fork();
	if (pid == 0)
		_exit(child_checks());
	T_OK(status_ok(pid), "a _Fork() child is new until it marks");
	pid = clone(clone_fn, stack + sizeof(stack), SIGCHLD, NULL);
	T_OK(status_ok(pid), "a clone() child (no CLONE_VM) is new until it marks");
	T_EQ_INT(dc_proc_is_new(), 0, "the parent is still not new");
	test_cost();
	T_DONE();
}
