/* dc_fdreg.c - the process-wide registry of the descriptors the transports
 * opened (fork safety): socket() and close() under its lock, which fork
 * takes first, each socket listed with its identity (st_dev, st_ino), the
 * fork generation, and the child handler that closes the parent's sockets.
 * With socket functions set, c-ares 1.18.1 configures nothing on the
 * socket (design.md 1.1): non-blocking and close-on-exec are set here,
 * and TCP_NODELAY on a relay's replacement socket.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_transport_int.h"

struct reg_entry {
	int fd;
	struct dc_fdid id;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reg_entry *reg;
static size_t reg_n, reg_cap;
unsigned dc_fork_gen;

static int same_id(const struct dc_fdid *a, const struct dc_fdid *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* fstat() is async-signal-safe: also used in the fork child handler. */
static int fd_identity(int fd, struct dc_fdid *id)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

static int fd_is(int fd, const struct dc_fdid *id)
{
	struct dc_fdid now;

	return fd_identity(fd, &now) == 0 && same_id(&now, id);
}

static struct reg_entry *reg_find(int fd, const struct dc_fdid *id)
{
	for (size_t i = 0; i < reg_n; i++)
		if (reg[i].fd == fd && same_id(&reg[i].id, id))
			return &reg[i];
	return NULL;
}

/* socket() and close() happen under the registry lock, and fork takes
 * that lock first (atfork_prepare): no child can inherit a socket that the
 * registry does not list.  Each entry keeps the socket's identity: a
 * program may close our descriptor and get the number back from open(),
 * and neither we nor the fork handler may then close its file. */
int dc_fdreg_socket(int domain, int type, int protocol, unsigned *gen,
		    struct dc_fdid *id)
{
	int fd = -1, saved;

	pthread_mutex_lock(&reg_lock);
	if (reg_n == reg_cap) {
		size_t ncap = reg_cap ? reg_cap * 2 : 16;
		struct reg_entry *n = realloc(reg, ncap * sizeof(*n));
		if (!n) {
			errno = ENOMEM;
			goto done;
		}
		reg = n;
		reg_cap = ncap;
	}
	fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	if (fd < 0)
		goto done;
	if (fd_identity(fd, id) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		fd = -1;
		goto done;
	}
	reg[reg_n].fd = fd;
	reg[reg_n].id = *id;
	reg_n++;
	*gen = dc_fork_gen;
done:
	saved = errno;
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
	return fd;
}

/* Put a new socket of another family (a relay's) under fd's number:
 * c-ares made the socket for the server's family.  Under the lock, so
 * that the short-lived second descriptor cannot leak into a child. */
int dc_fdreg_replace(int fd, int domain, int type, unsigned gen,
		     struct dc_fdid *id)
{
	struct reg_entry *e;
	int nfd, rc = -1, saved, one = 1;

	pthread_mutex_lock(&reg_lock);
	e = gen == dc_fork_gen ? reg_find(fd, id) : NULL;
	if (!e || !fd_is(fd, id)) {
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
	if (rc == 0 && fd_identity(fd, &e->id) == 0)
		*id = e->id;
	errno = saved;
done:
	saved = errno;
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
	return rc;
}

int dc_fdreg_is_ours(int fd, unsigned gen, const struct dc_fdid *id)
{
	return gen == dc_fork_gen && fd_is(fd, id);
}

void dc_fdreg_close(int fd, unsigned gen, const struct dc_fdid *id)
{
	struct reg_entry *e;
	int saved = errno;

	pthread_mutex_lock(&reg_lock);
	if (gen == dc_fork_gen && (e = reg_find(fd, id)) != NULL) {
		*e = reg[--reg_n];
		if (fd_is(fd, id))
			close(fd);
	}
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
}

void dc_fdreg_lock(void)
{
	pthread_mutex_lock(&reg_lock);
}

void dc_fdreg_unlock(void)
{
	pthread_mutex_unlock(&reg_lock);
}

/* In the child, the parent's sockets (lookups running in other threads,
 * UDP sockets kept between lookups) are not the child's: close them so
 * they neither leak nor get reused - those that are still ours, not a
 * number the program has since reused.  fstat() and close() are
 * async-signal-safe. */
void dc_transport_atfork_child(void)
{
	int saved = errno;

	for (size_t i = 0; i < reg_n; i++)
		if (fd_is(reg[i].fd, &reg[i].id))
			close(reg[i].fd);
	reg_n = 0;
	dc_fork_gen++;
	pthread_mutex_init(&reg_lock, NULL);
	errno = saved;
}
