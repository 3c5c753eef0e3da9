/* SPDX-License-Identifier: ISC */
/* dc_ctx.c - per-thread contexts (made on first use, re-made after fork or
 * a configuration change, freed at thread exit), the process-wide key
 * pair, search settings and fork handling.  Channels and their poll loop
 * are in dc_channel.c, the server plan in dc_ctx_plan.c; a lookup (its
 * sessions, budget, UDP and TCP) is the engine's (dc_engine.c). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "dc_ctx_plan.h"
#include "dc_anscache.h"
#include "dc_crypt.h"
#include "dc_keypair.h"
#include "dc_proc.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_ok;
static pthread_key_t ctx_key;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dc_ctx *g_ctxs;         /* every live context */
static int g_kp_made;
static unsigned g_kp_gen;
static struct dc_keypair g_kp;        /* one client key pair per process */

/* The thread's context, for dc_ctx_wait: the state file is written when
 * the outermost wait ends, never from inside c-ares's processing (where
 * the hooks run). */
static __thread struct dc_ctx *tls_ctx;
static __thread int tls_wait_depth;

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
	dc_servers_atfork_prepare();
	dc_fdreg_lock();
}

static void atfork_parent(void)
{
	dc_fdreg_unlock();
	dc_servers_atfork_parent();
	dc_anscache_atfork_parent();
	dc_certstore_atfork_parent();
	pthread_mutex_unlock(&g_lock);
}

/* The child has one thread.  Contexts of the others are abandoned (their
 * sockets are closed by the transport's handler, which also bumps
 * dc_fork_gen); the forking thread's own context notices the new
 * generation and is rebuilt with a new key pair.  Also run by
 * new_process for a child made without the handlers. */
static void atfork_child(void)
{
	dc_transport_atfork_child();
	dc_servers_atfork_child();
	dc_anscache_atfork_child();
	dc_certstore_atfork_child();
	g_ctxs = NULL;
	pthread_mutex_init(&g_lock, NULL);
	dc_proc_mark();
}

/* A child of _Fork() or of a raw clone() ran no fork handler (dc_proc.h):
 * do in its first lookup what the child handler does, so that it makes
 * its own key pair, shared keys and nonces, and leaves its parent's
 * sockets alone.  Such a child starts with one thread; the lock keeps two
 * threads it made since from doing it twice. */
static pthread_mutex_t newproc_lock = PTHREAD_MUTEX_INITIALIZER;

static void new_process(void)
{
	int saved = errno;

	pthread_mutex_lock(&newproc_lock);
	if (dc_proc_is_new())
		atfork_child();
	pthread_mutex_unlock(&newproc_lock);
	errno = saved;
}

static void do_init(void)
{
	if (sodium_init() < 0)
		return;
	if (dc_proc_init() != 0)
		return;
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		return;
	if (pthread_key_create(&ctx_key, ctx_thread_exit) != 0)
		return;
	if (pthread_atfork(atfork_prepare, atfork_parent, atfork_child) != 0)
		return;
	init_ok = 1;
}

static void keypair_get(struct dc_keypair *kp)
{
	pthread_mutex_lock(&g_lock);
	if (!g_kp_made || g_kp_gen != dc_fork_gen) {
		dc_keypair_new(&g_kp);
		g_kp_made = 1;
		g_kp_gen = dc_fork_gen;
	}
	*kp = g_kp;
	pthread_mutex_unlock(&g_lock);
}

static void ctx_free(struct dc_ctx *c)
{
	if (!c)
		return;
	if (tls_ctx == c)
		tls_ctx = NULL;
	if (c->ch)
		ares_destroy(c->ch);
	if (c->ch_tcp)
		ares_destroy(c->ch_tcp);
	dc_transport_cleanup(&c->tr);
	dc_secval_free(c);
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

/* Search settings come from glibc's res_ninit, which takes a lock of
 * glibc's that fork does not reset: in a forked child a thread that no
 * longer exists may hold it.  So a child reuses what its parent read. */
static struct dc_search g_search;
static int g_search_made;
static unsigned g_search_gen;

static void search_settings(struct dc_search *s, const struct dc_config *cfg)
{
	int reuse;

	pthread_mutex_lock(&g_lock);
	reuse = g_search_made && g_search_gen != dc_fork_gen;
	if (reuse)
		*s = g_search;
	pthread_mutex_unlock(&g_lock);
	if (reuse)
		return;
	dc_search_init(s, cfg);
	pthread_mutex_lock(&g_lock);
	g_search = *s;
	g_search_made = 1;
	g_search_gen = dc_fork_gen;
	pthread_mutex_unlock(&g_lock);
}

static dc_status ctx_new(struct dc_ctx **out)
{
	const struct dc_stamp *servers[DC_MAX_SERVERS];
	const char *path = secure_getenv(DC_CONFIG_ENV);
	struct dc_ctx *c;
	struct stat st;
	dc_status rc;

	c = calloc(1, sizeof(*c));
	if (!c)
		return DC_ENOMEM;
	c->fork_gen = dc_fork_gen;
	if (stat(path ? path : DC_CONFIG_DEFAULT_PATH, &st) == 0)
		c->config_mtime = st.st_mtim;
	c->config_checked = time(NULL);
	rc = dc_config_load_default(&c->cfg, NULL, 0);
	if (rc != DC_OK) {
		int e = errno;
		free(c);
		errno = e;
		return rc;
	}
	search_settings(&c->search, &c->cfg);
	/* The key pair is made by the first session that needs it
	 * (dc_ctx_keypair): with key-cache yes, maybe none. */
	for (int i = 0; i < c->cfg.nservers; i++) {
		const struct dc_config *cf = &c->cfg;
		c->srv[i].stamp = &cf->servers[i];
		/* A relay drops answers longer than the query: relayed
		 * queries are as big as udp-max from the start. */
		c->srv[i].udp_wire = (size_t)(cf->nvia[i] ? cf->udp_max : cf->udp_size);
		c->srv[i].ephemeral = cf->ephemeral_keys;
		servers[i] = &cf->servers[i];
		c->order[i] = i;
		c->chan[i] = i;
		c->choice |= i > 0 || cf->nvia[i] > 1;
		for (int k = 0; k < (cf->nvia[i] ? cf->nvia[i] : 1); k++)
			dc_servers_id(&cf->servers[i],
				      cf->nvia[i] ? &cf->relays[cf->via[i][k]] : NULL,
				      c->hid[i][k]);
	}
	c->nchan = c->cfg.nservers;
	dc_transport_init(&c->tr, 1, c->srv, c->cfg.nservers,
			  (size_t)c->cfg.udp_max);
	c->tr.on_answer = dc_ctx_hook_answer;
	c->tr.on_silence = dc_ctx_hook_silence;
	c->tr.hook_arg = c;
	c->tr.tcp_samples = c->cfg.tcp_only;
	/* The TCP channel is made when a lookup first needs it: each c-ares
	 * 1.18 channel costs about 50 us to set up (it initialises 3072
	 * list heads), paid by every new process. */
	rc = dc_channel_new(&c->ch, &c->tr, &c->cfg, servers, c->cfg.nservers,
			    c->cfg.tcp_only);
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

ares_channel dc_ctx_tcp_channel(struct dc_ctx *c)
{
	const struct dc_stamp *list[DC_MAX_SERVERS];

	if (c->ch_tcp)
		return c->ch_tcp;
	int n = c->nchan;
	for (int k = 0; k < n; k++)
		list[k] = &c->cfg.servers[c->chan[k]];
	if (dc_channel_new(&c->ch_tcp, &c->tr, &c->cfg, list, n, 1) != DC_OK)
		c->ch_tcp = NULL;
	return c->ch_tcp;
}

void dc_ctx_keypair(struct dc_keypair *kp)
{
	keypair_get(kp);
}

dc_status dc_ctx_get(struct dc_ctx **out)
{
	struct dc_ctx *c;
	time_t now = time(NULL);
	dc_status rc;

	pthread_once(&once, do_init);
	if (!init_ok)
		return DC_ESYS;
	if (dc_proc_is_new())
		new_process();
	dc_fdreg_reap();
	/* A lookup from inside one of ours (a passwd or hosts backend called
	 * while we read the cache directory, say) would drive this thread's
	 * channels re-entrantly, which c-ares does not allow. */
	if (tls_wait_depth > 0) {
		errno = EDEADLK;
		return DC_ESYS;
	}
	c = pthread_getspecific(ctx_key);
	if (c && (c->fork_gen != dc_fork_gen || config_changed(c, now))) {
		/* After fork the context's channel holds no socket of ours
		 * any more (the fork handler closed them); free it and start
		 * again with this process's own key pair. */
		if (c->fork_gen == dc_fork_gen) {
			ctx_unregister(c);
			dc_anscache_flush();
		}
		ctx_free(c);
		c = NULL;
		pthread_setspecific(ctx_key, NULL);
	}
	if (!c) {
		rc = ctx_new(&c);
		if (rc != DC_OK)
			return rc;
		pthread_setspecific(ctx_key, c);
	}
	tls_ctx = c;
	*out = c;
	return DC_OK;
}

dc_status dc_ctx_wait(ares_channel ch, const int *pending, uint64_t deadline_ms)
{
	dc_status rc;
	int saved;

	tls_wait_depth++;
	rc = dc_channel_wait(ch, pending, deadline_ms);
	if (--tls_wait_depth == 0 && tls_ctx && tls_ctx->save_wanted) {
		saved = errno;
		dc_ctx_save_state(tls_ctx);
		errno = saved;
	}
	return rc;
}
