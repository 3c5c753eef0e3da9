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
 */
#include <errno.h>
#include <fcntl.h>

#include "hard_util.h"

/* The lowest-numbered socket descriptor of this process, or -1. */
static int first_socket(void)
{
	char p[64], t[64];

	for (int fd = 0; fd < 1024; fd++) {
		ssize_t k;

		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		k = readlink(p, t, sizeof(t) - 1);
		if (k > 0) {
			t[k] = 0;
			if (strncmp(t, "socket:", 7) == 0)
				return fd;
		}
	}
	return -1;
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
	return fails ? 1 : 0;
}
