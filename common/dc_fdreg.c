/* dc_fdreg.c - the process-wide registry of the descriptors the transports
 * opened (fork safety): socket() and close() under its lock, which fork
 * takes first, and the pthread_atfork handlers (called from dc_ctx's)
 * that close, in a child, the sockets of lookups running in other threads
 * at fork time.  With socket functions set, c-ares 1.18.1 configures
 * nothing on the socket (design.md 1.1): non-blocking and close-on-exec
 * are set here, and TCP_NODELAY on a relay's replacement socket.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include "dc_transport_int.h"

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static int *reg_fds;
static size_t reg_n, reg_cap;
unsigned dc_fdreg_gen;

/* socket() and close() happen under the registry lock, and fork takes
 * that lock first (atfork_prepare): no child can inherit a socket that the
 * registry does not list, nor close a number the registry still lists
 * after the parent reused it. */
int dc_fdreg_socket(int domain, int type, int protocol, unsigned *gen)
{
	int fd = -1, saved;

	pthread_mutex_lock(&reg_lock);
	if (reg_n == reg_cap) {
		size_t ncap = reg_cap ? reg_cap * 2 : 16;
		int *n = realloc(reg_fds, ncap * sizeof(*n));
		if (!n) {
			errno = ENOMEM;
			goto done;
		}
		reg_fds = n;
		reg_cap = ncap;
	}
	fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd >= 0) {
		reg_fds[reg_n++] = fd;
		*gen = dc_fdreg_gen;
	}
done:
	saved = errno;
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
	return fd;
}

/* Put a new socket of another family (a relay's) under fd's number:
 * c-ares made the socket for the server's family.  Under the lock, so
 * that the short-lived second descriptor cannot leak into a child. */
int dc_fdreg_replace(int fd, int domain, int type, unsigned gen)
{
	int nfd, rc = -1, saved, one = 1;

	pthread_mutex_lock(&reg_lock);
	if (gen != dc_fdreg_gen) {
		errno = EBADF;
		goto done;
	}
	nfd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (nfd < 0)
		goto done;
	if (type == SOCK_STREAM)
		(void)setsockopt(nfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	rc = dup3(nfd, fd, O_CLOEXEC) < 0 ? -1 : 0;
	saved = errno;
	close(nfd);
	errno = saved;
done:
	saved = errno;
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
	return rc;
}

/* Take fd off the registry if it was opened in generation gen (and so is
 * still ours), closing it when do_close is set. */
static void reg_drop(int fd, unsigned gen, int do_close)
{
	pthread_mutex_lock(&reg_lock);
	if (gen == dc_fdreg_gen) {
		for (size_t i = 0; i < reg_n; i++) {
			if (reg_fds[i] == fd) {
				reg_fds[i] = reg_fds[--reg_n];
				if (do_close)
					close(fd);
				break;
			}
		}
	}
	pthread_mutex_unlock(&reg_lock);
}

/* Close fd if it was opened in generation gen (and so is still ours). */
void dc_fdreg_close(int fd, unsigned gen)
{
	reg_drop(fd, gen, 1);
}

/* Drop fd from the registry without closing it: the program closed our
 * socket and the number now names something of its own. */
void dc_fdreg_forget(int fd, unsigned gen)
{
	reg_drop(fd, gen, 0);
}

/* Held around c-ares's channel set-up, which opens /dev/urandom without
 * close-on-exec for a moment: no fork() (whose prepare handler takes this
 * lock) can copy that descriptor into a child. */
void dc_transport_fork_block(void)
{
	pthread_mutex_lock(&reg_lock);
}

void dc_transport_fork_unblock(void)
{
	pthread_mutex_unlock(&reg_lock);
}

void dc_transport_atfork_prepare(void)
{
	pthread_mutex_lock(&reg_lock);
}

void dc_transport_atfork_parent(void)
{
	pthread_mutex_unlock(&reg_lock);
}

/* In the child, sockets of lookups running in other threads at fork time
 * belong to threads that no longer exist: close them so they neither leak
 * nor get reused.  close() is async-signal-safe. */
void dc_transport_atfork_child(void)
{
	int saved = errno;

	for (size_t i = 0; i < reg_n; i++)
		close(reg_fds[i]);
	reg_n = 0;
	dc_fdreg_gen++;
	pthread_mutex_init(&reg_lock, NULL);
	errno = saved;
}
