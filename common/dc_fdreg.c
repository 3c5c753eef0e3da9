/* SPDX-License-Identifier: ISC */
/* dc_fdreg.c - the process-wide registry of the descriptors the transports
 * opened (fork safety): socket() and close() under its lock, which fork
 * takes first, each socket listed with its identity (st_dev, st_ino), the
 * fork generation, and the child handler that closes the parent's sockets.
 * With socket functions set, c-ares 1.18.1 configures nothing on the
 * socket (design.md 1.1): non-blocking and close-on-exec are set here,
 * and TCP_NODELAY on a relay's replacement socket.  Every socket is moved
 * to a number >= 3: a program that closed its stderr must not find our
 * socket under fd 2 (its writes there would go to the resolver).
 *
 * The registry also bounds the UDP sockets the transports park between
 * lookups (dc_transport.c): at most DC_PARK_PROC_MAX in the process,
 * whatever the number of threads, and each closed once it has been idle
 * DC_PARK_IDLE_MS, by whichever thread looks up a name next.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dc_transport_int.h"

#define DC_PARK_PROC_MAX 4
#define DC_PARK_IDLE_MS 3000

struct reg_entry {
	int fd;
	struct dc_fdid id;
	uint64_t parked_ms;          /* when parked; 0 while in use */
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reg_entry *reg;
static size_t reg_n, reg_cap;
static int reg_parked;
static uint64_t reap_due_ms;       /* first parked socket's end; 0: none */
unsigned dc_fork_gen;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u + 1;
}

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

/* Take e off the list (the last entry takes its place); under the lock. */
static void reg_remove(struct reg_entry *e)
{
	if (e->parked_ms)
		reg_parked--;
	*e = reg[--reg_n];
}

/* A new socket under a number >= 3 (F_DUPFD_CLOEXEC, the low one closed):
 * -1 with errno. */
static int socket_high(int domain, int type, int protocol)
{
	int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
	int hi, saved;

	if (fd < 0 || fd > 2)
		return fd;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	saved = errno;
	close(fd);
	errno = saved;
	return hi;
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
	fd = socket_high(domain, type, protocol);
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
	reg[reg_n].parked_ms = 0;
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
	nfd = socket_high(domain, type, 0);
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

int dc_fdreg_park(int fd, unsigned gen, const struct dc_fdid *id)
{
	struct reg_entry *e;
	int ok = 0;

	pthread_mutex_lock(&reg_lock);
	if (gen == dc_fork_gen && reg_parked < DC_PARK_PROC_MAX &&
	    (e = reg_find(fd, id)) != NULL && !e->parked_ms) {
		e->parked_ms = now_ms();
		reg_parked++;
		if (!reap_due_ms)
			__atomic_store_n(&reap_due_ms, e->parked_ms + DC_PARK_IDLE_MS,
					 __ATOMIC_RELAXED);
		ok = 1;
	}
	pthread_mutex_unlock(&reg_lock);
	return ok;
}

int dc_fdreg_unpark(int fd, unsigned gen, const struct dc_fdid *id)
{
	struct reg_entry *e;
	int ok = 0, saved = errno;

	pthread_mutex_lock(&reg_lock);
	if (gen == dc_fork_gen && (e = reg_find(fd, id)) != NULL &&
	    e->parked_ms && fd_is(fd, id)) {
		e->parked_ms = 0;
		reg_parked--;
		ok = 1;
	}
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
	return ok;
}

/* Parked sockets idle for DC_PARK_IDLE_MS are closed and forgotten: their
 * transport finds them gone when it unparks (dc_fdreg_unpark fails, and
 * dc_fdreg_close finds nothing to close). */
void dc_fdreg_reap(void)
{
	uint64_t due = __atomic_load_n(&reap_due_ms, __ATOMIC_RELAXED), now, next = 0;
	int saved;

	if (!due || (now = now_ms()) < due)
		return;
	saved = errno;
	pthread_mutex_lock(&reg_lock);
	for (size_t i = 0; i < reg_n;) {
		struct reg_entry *e = &reg[i];

		if (e->parked_ms && now - e->parked_ms >= DC_PARK_IDLE_MS) {
			if (fd_is(e->fd, &e->id))
				close(e->fd);
			reg_remove(e);
			continue;
		}
		if (e->parked_ms && (!next || e->parked_ms + DC_PARK_IDLE_MS < next))
			next = e->parked_ms + DC_PARK_IDLE_MS;
		i++;
	}
	__atomic_store_n(&reap_due_ms, next, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&reg_lock);
	errno = saved;
}

void dc_fdreg_close(int fd, unsigned gen, const struct dc_fdid *id)
{
	struct reg_entry *e;
	int saved = errno;

	pthread_mutex_lock(&reg_lock);
	if (gen == dc_fork_gen && (e = reg_find(fd, id)) != NULL) {
		reg_remove(e);
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
	reg_parked = 0;
	reap_due_ms = 0;
	dc_fork_gen++;
	pthread_mutex_init(&reg_lock, NULL);
	errno = saved;
}
