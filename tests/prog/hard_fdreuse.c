/* SPDX-License-Identifier: ISC */
/* hard_fdreuse.c - the UDP socket the module keeps between lookups is
 * never used once the program has closed it, even when the number comes
 * back as something of the program's own (a daemon closing every
 * descriptor, then opening files).  Driven by
 * tests/integration/t70_concurrency.sh with "hosts: files dnscrypt".
 *
 * 1. A lookup; the process's sockets are listed: the kept one.
 * 2. It is closed and its number made a pipe's write end (dup2): the next
 *    lookups are exact, nothing is written into the pipe, and the number
 *    is still open afterwards (never closed by the module).
 * 3. The same with a UDP socket of the program's own under the number:
 *    it stays unconnected and receives nothing.
 * 4. After everything is closed, the count of descriptors is the count
 *    after the first lookup.
 * 5. The kept socket's number made a pipe, then fork(): in the child the
 *    pipe is still open (the fork handler closes only our own sockets).
 * 6. A thread resolves; its kept socket's number is made a pipe while the
 *    thread still lives; when it exits (its context freed) the pipe stays
 *    open.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "hard_util.h"

/* Is fd open and a pipe? */
static int is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

static int sockets_now(char *map, int n)
{
	char p[64], t[64];
	int c = 0;

	for (int fd = 0; fd < n; fd++) {
		ssize_t k;

		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		k = readlink(p, t, sizeof(t) - 1);
		map[fd] = 0;
		if (k > 0) {
			t[k] = 0;
			map[fd] = strncmp(t, "socket:", 7) == 0;
			c += map[fd];
		}
	}
	return c;
}

/* The lowest-numbered socket descriptor of this process, or -1. */
static int first_socket(void)
{
	char map[1024];

	sockets_now(map, 1024);
	for (int fd = 0; fd < 1024; fd++)
		if (map[fd])
			return fd;
	return -1;
}

static pthread_barrier_t bar;

static void *thread_lookup(void *arg)
{
	char got[1024];

	*(int *)arg = hard_check_bench(30, got, sizeof(got));
	pthread_barrier_wait(&bar);     /* resolved: main looks */
	pthread_barrier_wait(&bar);     /* main put a pipe there */
	return NULL;
}

static int check_lookups(const char *what)
{
	char got[1024];
	int fails = 0;

	for (int i = 20; i < 23; i++) {
		if (hard_check_bench(i, got, sizeof(got)) != 0) {
			printf("FAIL %s: lookup %d: %s\n", what, i, got);
			fails++;
		}
	}
	if (!fails)
		printf("PASS %s: 3 lookups exact\n", what);
	return fails;
}

int main(void)
{
	int base, s, fd, p[2], own, fails = 0;
	struct sockaddr_in a;
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	char got[1024], b[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (hard_check_bench(19, got, sizeof(got)) != 0) {
		printf("FAIL first lookup\nDIAG %s\n", got);
		return 1;
	}
	base = hard_count_fds(&s);
	fd = first_socket();
	if (fd < 0) {
		printf("FAIL no socket kept after a lookup\n");
		return 1;
	}
	printf("DIAG after the first lookup: %d descriptors, %d sockets; kept socket %d\n",
	       base, s, fd);

	/* 2. the number becomes a pipe (dup2 closes our socket first) */
	if (pipe2(p, O_NONBLOCK) != 0 || dup2(p[1], fd) != fd) {
		printf("FAIL pipe/dup2: %s\n", strerror(errno));
		return 1;
	}
	close(p[1]);
	fails += check_lookups("kept socket closed, number now a pipe");
	if (fcntl(fd, F_GETFD) < 0) {
		printf("FAIL the program's pipe %d was closed by the module\n", fd);
		fails++;
	} else if (read(p[0], b, sizeof(b)) >= 0 || errno != EAGAIN) {
		printf("FAIL bytes were written into the program's pipe %d\n", fd);
		fails++;
	} else {
		printf("PASS the pipe under the old number: still open, nothing written\n");
	}
	close(p[0]);
	close(fd);

	/* 3. the number becomes the program's own UDP socket */
	fd = first_socket();
	if (fd < 0) {
		printf("FAIL no socket kept after the lookups\n");
		return 1;
	}
	own = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (own < 0 || bind(own, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    dup3(own, fd, O_CLOEXEC) != fd) {
		printf("FAIL own socket onto %d: %s\n", fd, strerror(errno));
		return 1;
	}
	close(own);
	own = fd;
	fails += check_lookups("kept socket closed, number now the program's UDP socket");
	if (getpeername(own, (struct sockaddr *)&peer, &plen) == 0 || errno != ENOTCONN) {
		printf("FAIL the program's UDP socket %d was connected by the module\n", own);
		fails++;
	} else if (recv(own, b, sizeof(b), MSG_DONTWAIT) >= 0 || errno != EAGAIN) {
		printf("FAIL the program's UDP socket %d received something\n", own);
		fails++;
	} else {
		printf("PASS the program's UDP socket under the old number: unconnected, nothing received\n");
	}
	close(own);

	/* 4. one lookup more; back to the count after the first lookup */
	fails += check_lookups("after the program's socket was closed");
	fd = hard_count_fds(&s);
	if (fd != base) {
		printf("FAIL descriptors at the end: %d, after the first lookup %d\n", fd, base);
		fails++;
	} else {
		printf("PASS descriptors at the end: %d, as after the first lookup\n", fd);
	}

	/* 5. fork with the number taken by the program */
	{
		pid_t pid;
		int st;

		fd = first_socket();
		if (fd < 0 || pipe2(p, O_CLOEXEC) != 0 || dup2(p[1], fd) != fd) {
			printf("FAIL fork case: no kept socket or pipe: %s\n", strerror(errno));
			return 1;
		}
		pid = fork();
		if (pid == 0)
			_exit(is_pipe(fd) ? 0 : 1);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0) {
			printf("FAIL fork: in the child the program's pipe %d was closed\n", fd);
			fails++;
		} else {
			printf("PASS fork: in the child the program's pipe under the old number is still open\n");
		}
		fails += check_lookups("parent after the fork");
		close(fd);
		close(p[0]);
		close(p[1]);
	}

	/* 6. a thread's kept socket taken by the program before it exits */
	{
		char before[1024], after[1024];
		pthread_t th;
		int rc = -1, mine = -1;

		sockets_now(before, 1024);
		pthread_barrier_init(&bar, NULL, 2);
		pthread_create(&th, NULL, thread_lookup, &rc);
		pthread_barrier_wait(&bar);
		sockets_now(after, 1024);
		for (int i = 0; i < 1024 && mine < 0; i++)
			if (after[i] && !before[i])
				mine = i;
		if (rc != 0 || mine < 0 || pipe2(p, O_CLOEXEC) != 0 ||
		    dup2(p[1], mine) != mine) {
			printf("FAIL thread case: lookup %d, socket %d: %s\n", rc, mine, strerror(errno));
			pthread_barrier_wait(&bar);
			pthread_join(th, NULL);
			return 1;
		}
		pthread_barrier_wait(&bar);
		pthread_join(th, NULL);
		if (!is_pipe(mine)) {
			printf("FAIL thread exit: the program's pipe %d was closed with the thread's context\n", mine);
			fails++;
		} else {
			printf("PASS thread exit: the program's pipe under the thread's old number is still open\n");
		}
		close(mine);
		close(p[0]);
		close(p[1]);
		pthread_barrier_destroy(&bar);
	}
	return fails ? 1 : 0;
}
