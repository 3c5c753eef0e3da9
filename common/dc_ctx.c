/* dc_ctx.c - per-thread contexts, process-wide key pair, fork handling and
 * the poll loop that drives a c-ares channel. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "dc_ctx.h"
#include "dc_anscache.h"
#include "dc_crypt.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_ok;
static pthread_key_t ctx_key;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dc_ctx *g_ctxs;         /* every live context */
static pid_t g_kp_pid;
static struct dc_keypair g_kp;        /* one client key pair per process */

extern void dc_certstore_atfork_prepare(void);
extern void dc_certstore_atfork_parent(void);
extern void dc_certstore_atfork_child(void);

static void ctx_free(struct dc_ctx *c);

static void ctx_unregister(struct dc_ctx *c)
{
	pthread_mutex_lock(&g_lock);
	for (struct dc_ctx **pp = &g_ctxs; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&g_lock);
}

static void ctx_thread_exit(void *p)
{
	struct dc_ctx *c = p;

	ctx_unregister(c);
	ctx_free(c);
}

static void atfork_prepare(void)
{
	pthread_mutex_lock(&g_lock);
	dc_certstore_atfork_prepare();
	dc_anscache_atfork_prepare();
	dc_transport_atfork_prepare();
}

static void atfork_parent(void)
{
	dc_transport_atfork_parent();
	dc_anscache_atfork_parent();
	dc_certstore_atfork_parent();
	pthread_mutex_unlock(&g_lock);
}

/* The child has one thread.  Contexts of the others are abandoned (their
 * sockets are closed by the transport's handler); the forking thread's
 * own context notices the new pid and is rebuilt with a new key pair. */
static void atfork_child(void)
{
	dc_transport_atfork_child();
	dc_anscache_atfork_child();
	dc_certstore_atfork_child();
	g_ctxs = NULL;
	pthread_mutex_init(&g_lock, NULL);
}

static void do_init(void)
{
	if (sodium_init() < 0)
		return;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		return;
	if (pthread_key_create(&ctx_key, ctx_thread_exit) != 0)
		return;
	if (pthread_atfork(atfork_prepare, atfork_parent, atfork_child) != 0)
		return;
	init_ok = 1;
}

uint64_t dc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void keypair_get(struct dc_keypair *kp)
{
	pid_t me = getpid();

	pthread_mutex_lock(&g_lock);
	if (g_kp_pid != me) {
		dc_keypair_new(&g_kp);
		g_kp_pid = me;
	}
	*kp = g_kp;
	pthread_mutex_unlock(&g_lock);
}

dc_status dc_channel_new(ares_channel *ch, struct dc_transport *tr,
			 const struct dc_config *cfg,
			 const struct dc_stamp *const *servers, int nservers,
			 int use_tcp)
{
	struct ares_options o;
	struct in_addr dummy;
	char *lookups = (char *)"b", csv[DC_MAX_SERVERS * 64];
	size_t off = 0;
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
	 * e.g. dribbled or slow, still counts). */
	o.timeout = use_tcp ? cfg->total_timeout_ms : cfg->timeout_ms;
	o.tries = use_tcp ? 1 : cfg->attempts;
	/* We see every rcode ourselves; EDNS(0) lets an answer up to our
	 * padded query size come back over UDP. */
	o.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH | ARES_FLAG_EDNS |
		  (use_tcp ? ARES_FLAG_USEVC : 0);
	o.ednspsz = DC_MAX_DNS_MSG;
	mask = ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS |
	       ARES_OPT_SORTLIST | ARES_OPT_NDOTS | ARES_OPT_TIMEOUTMS |
	       ARES_OPT_TRIES | ARES_OPT_FLAGS | ARES_OPT_EDNSPSZ;
	rc = ares_init_options(ch, &o, mask);
	if (rc != ARES_SUCCESS)
		return rc == ARES_ENOMEM ? DC_ENOMEM : DC_ESYS;
	dc_transport_attach(tr, *ch);
	for (int i = 0; i < nservers; i++) {
		char one[64];
		dc_stamp_addr_str(servers[i], one, sizeof(one));
		off += (size_t)snprintf(csv + off, sizeof(csv) - off, "%s%s",
					i ? "," : "", one);
		if (off >= sizeof(csv))
			break;
	}
	/* ARES_OPT_SERVERS carries no port: set the real list here. */
	if (ares_set_servers_ports_csv(*ch, csv) != ARES_SUCCESS) {
		ares_destroy(*ch);
		*ch = NULL;
		return DC_ENOMEM;
	}
	return DC_OK;
}

static void ctx_free(struct dc_ctx *c)
{
	if (!c)
		return;
	if (c->ch)
		ares_destroy(c->ch);
	if (c->ch_tcp)
		ares_destroy(c->ch_tcp);
	dc_transport_cleanup(&c->tr);
	sodium_memzero(c->srv, sizeof(c->srv));
	free(c);
}

static int config_changed(struct dc_ctx *c, time_t now)
{
	const char *path = secure_getenv(DC_CONFIG_ENV);
	struct stat st;

	if (now == c->config_checked)
		return 0;
	c->config_checked = now;
	if (stat(path ? path : DC_CONFIG_DEFAULT_PATH, &st) != 0)
		return c->config_mtime.tv_sec != 0;
	return st.st_mtim.tv_sec != c->config_mtime.tv_sec ||
	       st.st_mtim.tv_nsec != c->config_mtime.tv_nsec;
}

static dc_status ctx_new(struct dc_ctx **out, struct dc_diag *diag)
{
	const struct dc_stamp *servers[DC_MAX_SERVERS];
	const char *path = secure_getenv(DC_CONFIG_ENV);
	struct dc_keypair kp;
	struct dc_ctx *c;
	struct stat st;
	dc_status rc;

	c = calloc(1, sizeof(*c));
	if (!c)
		return DC_ENOMEM;
	c->pid = getpid();
	if (stat(path ? path : DC_CONFIG_DEFAULT_PATH, &st) == 0)
		c->config_mtime = st.st_mtim;
	c->config_checked = time(NULL);
	rc = dc_config_load_default(&c->cfg, diag->config_error,
				    sizeof(diag->config_error));
	if (rc != DC_OK) {
		free(c);
		return DC_ECONFIG;
	}
	dc_search_init(&c->search, &c->cfg);
	keypair_get(&kp);
	for (int i = 0; i < c->cfg.nservers; i++) {
		c->srv[i].stamp = &c->cfg.servers[i];
		c->srv[i].udp_wire = (size_t)c->cfg.udp_size;
		servers[i] = &c->cfg.servers[i];
	}
	dc_transport_init(&c->tr, 1, c->srv, c->cfg.nservers,
			  (size_t)c->cfg.udp_max);
	rc = dc_channel_new(&c->ch, &c->tr, &c->cfg, servers, c->cfg.nservers,
			    c->cfg.tcp_only);
	if (rc == DC_OK)
		rc = dc_channel_new(&c->ch_tcp, &c->tr, &c->cfg, servers,
				    c->cfg.nservers, 1);
	sodium_memzero(&kp, sizeof(kp));
	if (rc != DC_OK) {
		ctx_free(c);
		return rc;
	}
	pthread_mutex_lock(&g_lock);
	c->next = g_ctxs;
	g_ctxs = c;
	pthread_mutex_unlock(&g_lock);
	*out = c;
	return DC_OK;
}

/* The client key pair the context's sessions are made with. */
void dc_ctx_keypair(struct dc_keypair *kp);
void dc_ctx_keypair(struct dc_keypair *kp)
{
	keypair_get(kp);
}

void dc_certstore_forget(const struct dc_stamp *st);

void dc_ctx_forget_certs(struct dc_ctx *c)
{
	for (int i = 0; i < c->cfg.nservers; i++) {
		c->cert_until[i] = 0;
		c->cert_refetch[i] = 1;
		dc_certstore_forget(&c->cfg.servers[i]);
	}
}

static __thread struct dc_diag *tls_diag;

const struct dc_diag *dc_ctx_last_diag(void)
{
	return tls_diag;
}

dc_status dc_ctx_get(struct dc_ctx **out)
{
	static __thread struct dc_diag failed_diag;
	struct dc_ctx *c;
	time_t now = time(NULL);
	dc_status rc = DC_OK;
	int ready = 0;

	pthread_once(&once, do_init);
	if (!init_ok)
		return DC_ESYS;
	c = pthread_getspecific(ctx_key);
	if (c && (c->pid != getpid() || config_changed(c, now))) {
		/* After fork the context's channel holds no socket of ours
		 * any more (the fork handler closed them); free it and start
		 * again with this process's own key pair. */
		if (c->pid == getpid()) {
			ctx_unregister(c);
			dc_anscache_flush();
		}
		ctx_free(c);
		c = NULL;
		pthread_setspecific(ctx_key, NULL);
	}
	if (!c) {
		memset(&failed_diag, 0, sizeof(failed_diag));
		rc = ctx_new(&c, &failed_diag);
		if (rc != DC_OK) {
			tls_diag = &failed_diag;
			return rc;
		}
		pthread_setspecific(ctx_key, c);
	}
	tls_diag = &c->diag;
	c->diag.server = -1;
	for (int i = 0; i < c->cfg.nservers; i++) {
		if (c->srv[i].has_session && now < c->cert_until[i]) {
			ready = 1;
			continue;
		}
		dc_status r = dc_cert_ensure(c, i, now);
		if (r == DC_OK)
			ready = 1;
		else if (!ready)
			rc = r;
	}
	if (!ready)
		return rc == DC_OK ? DC_ECERT : rc;
	*out = c;
	return DC_OK;
}

dc_status dc_ctx_wait(ares_channel ch, const int *pending, uint64_t deadline_ms)
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
			short ev = 0;
			if (ARES_GETSOCK_READABLE(bm, i))
				ev |= POLLIN;
			if (ARES_GETSOCK_WRITABLE(bm, i))
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
		r = poll(pfd, (nfds_t)n, ms);
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
