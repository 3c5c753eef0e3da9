/* SPDX-License-Identifier: ISC */
/* hard_forkid.c - children made without fork()'s handlers (issue 14, 1):
 * a single-threaded program resolves, makes a child with _Fork() (glibc
 * 2.34+, no pthread_atfork handlers run) and then with a raw clone()
 * (SIGCHLD, no CLONE_VM: a copy of the process, no handlers either); each
 * child resolves, and the parent resolves again after each.  Run with
 * "hosts: files dnscrypt" and "cache no", under a capture of everything
 * sent to the resolver: tests/integration/t76_process.sh checks that the
 * client public key (bytes 8..40 of each query) of each child is its own
 * and that no client nonce (bytes 40..52) repeats.
 *
 *   hard_forkid MARK_ADDR LOOKUPS
 *
 * Phases, separated by the datagrams "forkid-mark-1".."forkid-mark-4" to
 * MARK_ADDR port 9 (each sent once the phase before it has ended, so the
 * capture can tell the phases apart): 0 parent, 1 the _Fork() child,
 * 2 parent, 3 the clone() child, 4 parent; each makes LOOKUPS exact
 * getaddrinfo lookups (A and AAAA queries each).
 */
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hard_util.h"

static const char *mark_addr;
static int lookups;

/* LOOKUPS exact lookups of bench names from base on: failures. */
static int resolve_some(int base, const char *who)
{
	char got[512];
	int fails = 0;

	for (int i = 0; i < lookups; i++) {
		if (hard_check_bench(base + i, got, sizeof(got)) != 0) {
			if (fails++ == 0)
				printf("DIAG %s: %s\n", who, got);
		}
	}
	return fails;
}

static void mark(int n)
{
	struct sockaddr_in a;
	char m[32];
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(9);
	inet_pton(AF_INET, mark_addr, &a.sin_addr);
	snprintf(m, sizeof(m), "forkid-mark-%d", n);
	if (fd < 0 || sendto(fd, m, strlen(m), 0, (struct sockaddr *)&a, sizeof(a)) < 0)
		printf("DIAG mark datagram: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* The child's status: 0 when it resolved exactly. */
static int child_status(pid_t pid, const char *who)
{
	int st;

	if (pid < 0) {
		printf("FAIL %s: made (%s)\n", who, strerror(errno));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			printf("FAIL %s: waited for (%s)\n", who, strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		printf("PASS %s: %d exact lookups\n", who, lookups);
	else
		printf("FAIL %s: %d lookups (status 0x%x)\n", who, lookups, st);
	fflush(stdout);
	return 0;
}

static int clone_child(void *arg)
{
	(void)arg;
	_exit(resolve_some(2000, "clone() child") ? 1 : 0);
}

static void parent_phase(int base, const char *who)
{
	int f = resolve_some(base, who);

	if (f)
		printf("FAIL %s: %d of %d lookups not exact\n", who, f, lookups);
	else
		printf("PASS %s: %d exact lookups\n", who, lookups);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static char stack[256 * 1024] __attribute__((aligned(16)));
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: hard_forkid MARK_ADDR LOOKUPS\n");
		return 2;
	}
	mark_addr = argv[1];
	lookups = atoi(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	parent_phase(0, "parent before _Fork()");
	mark(1);
	fflush(stdout);
	pid = _Fork();
	if (pid == 0)
		_exit(resolve_some(1000, "_Fork() child") ? 1 : 0);
	child_status(pid, "_Fork() child");
	mark(2);
	parent_phase(100, "parent after _Fork()");
	mark(3);
	pid = clone(clone_child, stack + sizeof(stack), SIGCHLD, NULL);
	child_status(pid, "clone() child");
	mark(4);
	parent_phase(200, "parent after clone()");
	printf("COUNT lookups %d\n", lookups);
	return 0;
}
