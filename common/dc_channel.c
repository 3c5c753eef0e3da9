/* SPDX-License-Identifier: ISC */
/* dc_channel.c - a c-ares channel with our transport (every option given,
 * the servers with their ports, /dev/urandom read close-on-exec), the poll
 * loop that drives a channel until its queries are done or the deadline
 * passes, and the monotonic clock of those deadlines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dc_channel.h"

__thread int dc_cancel_caller = -1;

uint64_t dc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* c-ares 1.18.1 reads /dev/urandom with fopen(RANDOM_FILE, "rb") while
 * it makes a channel (ares_init.c, randomize_key): no close-on-exec, so an
 * exec or posix_spawn in another thread at that moment would hand the
 * descriptor to another program.  The module, the preload library and the
 * tools are linked with -Wl,--wrap=fopen (Makefile): every fopen call of
 * the objects linked into them, c-ares's included, comes to __wrap_fopen,
 * which opens the same file close-on-exec.  --wrap rewrites references at
 * link time only: the host program's own fopen is untouched. */
int dc_fopen_flags(const char *mode, int *flags)
{
	int f;

	switch (mode[0]) {
	case 'r': f = O_RDONLY; break;
	case 'w': f = O_WRONLY | O_CREAT | O_TRUNC; break;
	case 'a': f = O_WRONLY | O_CREAT | O_APPEND; break;
	default: return -1;
	}
	/* fopen(3): '+' read and write, 'x' exclusive; 'b' and 'e' change
	 * nothing here (close-on-exec is always set). */
	for (const char *m = mode + 1; *m; m++) {
		if (*m == '+')
			f = (f & ~O_ACCMODE) | O_RDWR;
		else if (*m == 'x')
			f |= O_EXCL;
	}
	*flags = f | O_CLOEXEC;
	return 0;
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	int flags, fd, saved;
	FILE *f;

	if (dc_fopen_flags(mode, &flags) != 0) {
		errno = EINVAL;
		return NULL;
	}
	fd = open(path, flags, 0666);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, mode);
	if (!f) {
		saved = errno;
		close(fd);
		errno = saved;
	}
	return f;
}

/* The channel's servers, in this order (ARES_OPT_SERVERS carries no
 * port: the list is set here). */
int dc_channel_set_servers(ares_channel ch, const struct dc_stamp *const *servers,
			   int n)
{
	struct ares_addr_port_node node[DC_MAX_SERVERS];

	if (n > DC_MAX_SERVERS)
		n = DC_MAX_SERVERS;
	memset(node, 0, sizeof(node));
	for (int i = 0; i < n; i++) {
		const struct dc_stamp *st = servers[i];
		node[i].next = i + 1 < n ? &node[i + 1] : NULL;
		node[i].family = st->addr.sa.sa_family;
		if (node[i].family == AF_INET) {
			node[i].addr.addr4 = st->addr.sin.sin_addr;
			node[i].udp_port = ntohs(st->addr.sin.sin_port);
		} else {
			memcpy(&node[i].addr.addr6, &st->addr.sin6.sin6_addr, 16);
			node[i].udp_port = ntohs(st->addr.sin6.sin6_port);
		}
		node[i].tcp_port = node[i].udp_port;
	}
	return ares_set_servers_ports(ch, n > 0 ? node : NULL);
}

dc_status dc_channel_new(ares_channel *ch, struct dc_transport *tr,
			 const struct dc_config *cfg,
			 const struct dc_stamp *const *servers, int nservers,
			 int use_tcp)
{
	struct ares_options o;
	struct in_addr dummy;
	char *lookups = (char *)"b";
	int mask, rc;

	memset(&o, 0, sizeof(o));
	/* Every setting given, so that c-ares reads no resolv.conf (it would
	 * fopen it without close-on-exec); servers are replaced below. */
	dummy.s_addr = htonl(INADDR_LOOPBACK);
	o.servers = &dummy;
	o.nservers = 1;
	o.ndomains = 0;
	o.domains = NULL;
	o.lookups = lookups;
	o.nsort = 0;
	o.ndots = 1;
	/* c-ares 1.18 never resends a TCP query that timed out: give a TCP
	 * channel's single try the whole budget instead (a late answer,
	 * e.g. dribbled or slow, still counts).  With several servers each
	 * gets its share of the TCP half, so that a silent one does not
	 * hold up the others. */
	o.timeout = use_tcp ? cfg->total_timeout_ms : cfg->timeout_ms;
	if (use_tcp && nservers > 1) {
		o.timeout = cfg->total_timeout_ms / (2 * nservers);
		if (o.timeout < cfg->timeout_ms)
			o.timeout = cfg->timeout_ms;
	}
	/* TCP gets its tries too: c-ares sends a query again on a new
	 * connection when the server closed its connection without an
	 * answer (never on the same one, so a timed-out TCP query still
	 * waits out its budget).  dnsdist 1.7.3 drops about one TCP answer
	 * in 200 that way (an exception while padding it, in its log). */
	o.tries = cfg->attempts;
	/* We see every rcode ourselves; EDNS(0) lets an answer up to our
	 * padded query size come back over UDP. */
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_EDNS |
		  (use_tcp ? ARES_FLAG_USEVC : 0);
	o.ednspsz = DC_MAX_DNS_MSG;
	/* NOROTATE: every query starts with the first server of our order,
	 * even if RES_OPTIONS says "rotate" (c-ares reads it regardless). */
	mask = ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS |
	       ARES_OPT_SORTLIST | ARES_OPT_NDOTS | ARES_OPT_TIMEOUTMS |
	       ARES_OPT_TRIES | ARES_OPT_FLAGS | ARES_OPT_EDNSPSZ |
	       ARES_OPT_NOROTATE;
	dc_fdreg_lock();           /* no fork() copies /dev/urandom: dc_transport.h */
	rc = ares_init_options(ch, &o, mask);
	dc_fdreg_unlock();
	if (rc != ARES_SUCCESS)
		return rc == ARES_ENOMEM ? DC_ENOMEM : DC_ESYS;
	dc_transport_attach(tr, *ch);
	if (dc_channel_set_servers(*ch, servers, nservers) != ARES_SUCCESS) {
		ares_destroy(*ch);
		*ch = NULL;
		return DC_ENOMEM;
	}
	return DC_OK;
}

dc_status dc_channel_wait(ares_channel ch, const int *pending, uint64_t deadline_ms)
{
	while (*pending > 0) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		struct timeval maxtv, tv, *tvp;
		uint64_t now = dc_now_ms();
		int bm, n = 0, ms, r;

		if (now >= deadline_ms) {
			ares_cancel(ch);
			return DC_ETIMEOUT;
		}
		bm = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
		for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			/* ARES_GETSOCK_WRITABLE shifts an int 1 by up to 31
			 * (undefined): test the bits unsigned. */
			unsigned ubm = (unsigned)bm;
			short ev = 0;
			if (ubm & (1u << i))
				ev |= POLLIN;
			if (ubm & (1u << (i + ARES_GETSOCK_MAXNUM)))
				ev |= POLLOUT;
			if (!ev)
				continue;
			pfd[n].fd = socks[i];
			pfd[n].events = ev;
			pfd[n].revents = 0;
			n++;
		}
		maxtv.tv_sec = (time_t)((deadline_ms - now) / 1000);
		maxtv.tv_usec = (suseconds_t)((deadline_ms - now) % 1000) * 1000;
		tvp = ares_timeout(ch, &maxtv, &tv);
		ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
		if (dc_cancel_caller == PTHREAD_CANCEL_ENABLE) {
			/* The one cancellation point of a lookup: no lock is
			 * held here; the thread's channels are freed by its
			 * thread-exit destructor, a certificate fetch's by its
			 * cleanup handler. */
			pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
			r = poll(pfd, (nfds_t)n, ms);
			pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		} else {
			r = poll(pfd, (nfds_t)n, ms);
		}
		if (r < 0 && errno != EINTR)
			return DC_ESYS;
		if (r <= 0) {
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		for (int i = 0; i < n; i++) {
			short re = pfd[i].revents;
			if (!re)
				continue;
			ares_process_fd(ch,
				(re & (POLLIN | POLLERR | POLLHUP)) ? pfd[i].fd : ARES_SOCKET_BAD,
				(re & POLLOUT) ? pfd[i].fd : ARES_SOCKET_BAD);
		}
	}
	return DC_OK;
}
