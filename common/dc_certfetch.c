/* SPDX-License-Identifier: ISC */
/* dc_certfetch.c - getting a resolver's certificate: the process-wide
 * store, then the plain TXT query for the provider name (UDP, then TCP on
 * failure or truncation), then the session keys.
 *
 * The certificate query is the only plaintext packet the protocol needs.
 * For a server reached through a relay it goes through the relay too (the
 * server must not see our address); only with direct-cert-fallback is it
 * sent straight to the server when the relay gives no certificate.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "dc_cachedir.h"
#include "dc_certfetch.h"
#include "dc_certcache.h"
#include "dc_keycache.h"
#include "dc_channel.h"
#include "dc_ctx.h"
#include "dc_query.h"

#define DC_STORE_SIZE (DC_MAX_SERVERS * 2)
#define DC_NS_C_IN 1
#define DC_NS_T_TXT 16

struct store_entry {
	int used;
	uint8_t provider_pk[32];
	char provider_name[DC_PROVIDER_NAME_MAX + 1];
	struct sockaddr_storage addr;
	struct dc_cert cert;
	time_t fetched;
	int from_disk;
};

static pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store_entry store[DC_STORE_SIZE];
static unsigned store_next;

void dc_certstore_atfork_prepare(void) { pthread_mutex_lock(&store_lock); }
void dc_certstore_atfork_parent(void) { pthread_mutex_unlock(&store_lock); }
void dc_certstore_atfork_child(void) { pthread_mutex_init(&store_lock, NULL); }

/* Entries are filled in order, then replaced round robin: only the first
 * store_used() can match, and a lookup touches no more of the 48 KB
 * array than that (every page of it touched is a page fault in a new
 * process). */
static int store_used(void)
{
	return store_next < DC_STORE_SIZE ? (int)store_next : DC_STORE_SIZE;
}

static int entry_matches(const struct store_entry *e, const struct dc_stamp *st)
{
	return e->used && memcmp(e->provider_pk, st->provider_pk, 32) == 0 &&
	       strcmp(e->provider_name, st->provider_name) == 0 &&
	       memcmp(&e->addr, &st->addr, st->addrlen) == 0;
}

static int store_get(const struct dc_stamp *st, time_t now, struct dc_cert *out,
		     int *from_disk)
{
	int found = 0;

	pthread_mutex_lock(&store_lock);
	for (int i = 0; i < store_used(); i++) {
		struct store_entry *e = &store[i];
		if (!entry_matches(e, st))
			continue;
		if (now - e->fetched < DC_CERT_RECHECK &&
		    now >= (time_t)e->cert.ts_start && now <= (time_t)e->cert.ts_end) {
			*out = e->cert;
			*from_disk = e->from_disk;
			found = 1;
		}
		break;
	}
	pthread_mutex_unlock(&store_lock);
	return found;
}

void dc_certstore_forget(const struct dc_stamp *st)
{
	pthread_mutex_lock(&store_lock);
	for (int i = 0; i < store_used(); i++)
		if (entry_matches(&store[i], st))
			store[i].fetched = 0;
	pthread_mutex_unlock(&store_lock);
}

static void store_put(const struct dc_stamp *st, const struct dc_cert *c,
		      time_t now, int from_disk)
{
	struct store_entry *e = NULL;

	pthread_mutex_lock(&store_lock);
	for (int i = 0; i < store_used(); i++) {
		if (entry_matches(&store[i], st)) {
			e = &store[i];
			break;
		}
	}
	if (!e)
		e = &store[store_next++ % DC_STORE_SIZE];
	memset(e, 0, sizeof(*e));
	e->used = 1;
	memcpy(e->provider_pk, st->provider_pk, 32);
	memcpy(e->provider_name, st->provider_name, sizeof(e->provider_name));
	memcpy(&e->addr, &st->addr, st->addrlen);
	e->cert = *c;
	e->fetched = now;
	e->from_disk = from_disk;
	pthread_mutex_unlock(&store_lock);
}

struct fetch_chan {
	ares_channel ch;
	struct dc_transport *tr;
};

/* Free the channel, also when the thread is cancelled in its wait. */
static void fetch_chan_free(void *p)
{
	struct fetch_chan *fc = p;

	ares_destroy(fc->ch);
	dc_transport_cleanup(fc->tr);
}

dc_status dc_ask_once(const struct dc_config *cfg, struct dc_tserver *srv,
		      int encrypt, int tcp, const char *name, int type,
		      uint64_t deadline, struct dc_qres *r)
{
	const struct dc_stamp *list[1] = { srv->stamp };
	struct dc_transport tr;
	struct fetch_chan fc;
	ares_channel ch;
	int pending = 0;
	dc_status rc;

	memset(r, 0, sizeof(*r));
	dc_transport_init(&tr, encrypt, srv, 1, (size_t)cfg->udp_max);
	rc = dc_channel_new(&ch, &tr, cfg, list, 1, tcp);
	if (rc != DC_OK)
		return rc;
	dc_query_start(ch, name, DC_NS_C_IN, type, 0, r, &pending);
	fc.ch = ch;
	fc.tr = &tr;
	pthread_cleanup_push(fetch_chan_free, &fc);
	rc = dc_ctx_wait(ch, &pending, deadline);
	pthread_cleanup_pop(1);
	if (rc != DC_OK)
		return rc;
	return dc_qres_status(r);
}

dc_status dc_cert_query(const struct dc_config *cfg, const struct dc_stamp *st,
			const struct dc_stamp *relay, size_t udp_wire, int udp,
			uint64_t end, struct dc_qres *r, struct dc_cert_how *how)
{
	uint64_t start = dc_now_ms();
	uint64_t total = end > start ? end - start : 0;
	struct dc_tserver ts;
	dc_status rc = DC_ETIMEOUT;

	memset(r, 0, sizeof(*r));
	memset(&ts, 0, sizeof(ts));
	ts.stamp = st;
	ts.relay = relay;
	ts.udp_wire = udp_wire;
	how->on[0] = how->on[1] = DC_EPARSE;
	how->tcp = 0;
	/* UDP gets half the budget (an eighth when UDP to the server is
	 * known to get no answer); TCP (for networks that drop UDP, or
	 * answers too big for it) the rest, and UDP again what TCP left
	 * (some servers - dnsdist 1.7 - answer certificate queries over TCP
	 * with an empty frame).  c-ares itself moves a truncated UDP answer
	 * to TCP. */
	for (int phase = 0; phase < 3; phase++) {
		uint64_t deadline = phase == 0 ? start + total / (udp ? 2 : 8) : end;
		int tcp = phase == 1;

		if (phase == 2 && dc_now_ms() + 10 >= end)
			break;
		dc_qres_free(r);
		rc = dc_ask_once(cfg, &ts, 0, tcp, st->provider_name, DC_NS_T_TXT,
				 deadline, r);
		how->on[tcp] = rc;
		if (rc == DC_OK) {
			how->tcp = tcp;
			break;
		}
	}
	return rc;
}

static dc_status fetch_cert(const struct dc_config *cfg,
			    const struct dc_stamp *st, const struct dc_stamp *relay,
			    size_t udp_wire, int udp, time_t now, uint64_t end,
			    struct dc_cert *out, int *why)
{
	struct dc_cert_how how;
	struct dc_qres r;
	dc_cert_check chk = DC_CERT_BAD_FORMAT;
	dc_status rc;

	*why = DC_CERT_BAD_FORMAT;
	rc = dc_cert_query(cfg, st, relay, udp_wire, udp, end, &r, &how);
	if (rc == DC_OK) {
		rc = dc_cert_from_txt_answer(r.abuf, r.alen, st->provider_pk, now,
					     out, &chk);
		*why = (int)chk;
	}
	dc_qres_free(&r);
	return rc;
}

/* Through the server's relay if it has one; with direct-cert-fallback,
 * straight to the server when the relay gave none in half the time. */
static dc_status fetch_routed(const struct dc_config *cfg,
			      const struct dc_tserver *srv, int udp, time_t now,
			      uint64_t deadline, struct dc_cert *out, int *why)
{
	uint64_t t = dc_now_ms(), mid;
	dc_status rc;

	if (srv->relay == NULL)
		return fetch_cert(cfg, srv->stamp, NULL, 0, udp, now, deadline, out, why);
	mid = cfg->direct_cert_fallback && deadline > t ? t + (deadline - t) / 2 : deadline;
	rc = fetch_cert(cfg, srv->stamp, srv->relay, srv->udp_wire, udp, now, mid,
			out, why);
	if (rc == DC_OK || !cfg->direct_cert_fallback)
		return rc;
	return fetch_cert(cfg, srv->stamp, NULL, 0, udp, now, deadline, out, why);
}

/* srv's session with certificate cert: from the key cache, or made (and
 * then kept there) with the process's key pair. */
static dc_status session(const struct dc_config *cfg, struct dc_tserver *srv,
			 void (*get_kp)(struct dc_keypair *kp), int flags,
			 const struct dc_cert *cert, time_t now, int *cached)
{
	int use_cache = cfg->key_cache && !cfg->ephemeral_keys;
	struct dc_keypair kp;
	dc_status rc;

	*cached = 0;
	if (use_cache && !(flags & DC_CERT_REFETCH) &&
	    dc_keycache_load(cfg, srv->stamp, cert, now, &srv->session) == DC_OK) {
		*cached = 1;
		return DC_OK;
	}
	get_kp(&kp);
	rc = dc_session_init(&srv->session, &kp, cert);
	sodium_memzero(&kp, sizeof(kp));
	if (rc == DC_OK && use_cache)
		dc_keycache_save(cfg, srv->stamp, cert, &srv->session, now);
	return rc;
}

/* Frees dc_cert_ensure's certificate also when the thread is cancelled
 * in the fetch's wait (the lookup's one cancellation point). */
static void cert_free(void *arg)
{
	sodium_memzero(arg, sizeof(struct dc_cert));
	free(arg);
}

/* fetch_routed into a heap certificate that a cancellation frees. */
static dc_status fetch_guarded(const struct dc_config *cfg, struct dc_tserver *srv,
			       int udp, time_t now, uint64_t deadline,
			       struct dc_cert *cert, int *why)
{
	dc_status rc;

	pthread_cleanup_push(cert_free, cert);
	rc = fetch_routed(cfg, srv, udp, now, deadline, cert, why);
	pthread_cleanup_pop(0);
	return rc;
}

dc_status dc_cert_ensure(const struct dc_config *cfg, struct dc_tserver *srv,
			 void (*get_kp)(struct dc_keypair *kp), int flags,
			 time_t now, uint64_t deadline, struct dc_certinfo *info)
{
	int refetch = flags & DC_CERT_REFETCH;
	const struct dc_stamp *st = srv->stamp;
	/* On the heap (1 KB): a lookup runs in 16 KiB of stack, and this
	 * frame is below every wait of the certificate fetch. */
	struct dc_cert *cert;
	dc_status rc = DC_OK;
	int why = DC_CERT_VALID, from_disk = 0, key_cached = 0;
	time_t saved_at = 0;

	srv->has_session = 0;
	srv->answers = 0;
	memset(info, 0, sizeof(*info));
	cert = malloc(sizeof(*cert));
	if (cert == NULL) {
		rc = DC_ENOMEM;
		goto done;
	}
	if (refetch || !store_get(st, now, cert, &from_disk)) {
		from_disk = 0;
		if (!refetch &&
		    dc_certcache_load(cfg, st, now, cert, &saved_at) == DC_OK &&
		    now - saved_at < DC_CERT_DISK_REFRESH && saved_at <= now + 60) {
			from_disk = 1;
		} else {
			/* No directory kept over the network wait (fork). */
			dc_cachedir_drop();
			rc = fetch_guarded(cfg, srv, !(flags & DC_CERT_TCP), now,
					   deadline, cert, &why);
			if (rc == DC_OK)
				dc_certcache_save(cfg, st, cert);
		}
		if (rc == DC_OK)
			store_put(st, cert, now, from_disk);
	}
	info->check = why;
	if (rc == DC_OK)
		rc = session(cfg, srv, get_kp, flags, cert, now, &key_cached);
	if (rc != DC_OK)
		goto done;
	memcpy(srv->resolver_pk, cert->resolver_pk, sizeof(srv->resolver_pk));
	srv->has_session = 1;
	info->from_disk = from_disk;
	info->key_from_disk = key_cached;
	info->serial = cert->serial;
	info->es = cert->es_version;
	info->ts_end = cert->ts_end;
	info->until = now + DC_CERT_RECHECK;
	if ((time_t)cert->ts_end < info->until)
		info->until = (time_t)cert->ts_end + 1;
done:
	info->status = rc;
	if (cert != NULL)
		cert_free(cert);
	return rc;
}
