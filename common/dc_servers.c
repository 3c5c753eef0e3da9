/* SPDX-License-Identifier: ISC */
/* dc_servers.c - the process's server health records, their ranking and
 * their exchange with the state file (see dc_servers.h). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "dc_servers.h"
#include "dc_cachefile.h"
#include "dc_certcache.h"

#define MINOR_SAVE_EVERY 300   /* s: RTT drift alone is saved this rarely */

struct entry {
	struct dc_health h;
	uint32_t srtt_saved;       /* srtt_us as last read or written */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry tab[DC_HEALTH_MAX];
static int ntab;
static time_t last_load, last_save;

void dc_servers_atfork_prepare(void) { pthread_mutex_lock(&lock); }
void dc_servers_atfork_parent(void) { pthread_mutex_unlock(&lock); }
void dc_servers_atfork_child(void) { pthread_mutex_init(&lock, NULL); }

int dc_servers_id(const struct dc_stamp *server, const struct dc_stamp *relay,
		  uint8_t id[DC_HEALTH_ID_LEN])
{
	uint8_t buf[DC_CERTCACHE_ID_LEN + 2 + 16 + 2];
	size_t n = DC_CERTCACHE_ID_LEN;

	if (dc_certcache_id(server, buf) != 0)
		return -1;
	if (relay != NULL) {
		const struct sockaddr *sa = &relay->addr.sa;
		buf[n++] = (uint8_t)(sa->sa_family >> 8);
		buf[n++] = (uint8_t)sa->sa_family;
		if (sa->sa_family == AF_INET) {
			memcpy(buf + n, &relay->addr.sin.sin_addr, 4);
			memcpy(buf + n + 4, &relay->addr.sin.sin_port, 2);
			n += 6;
		} else if (sa->sa_family == AF_INET6) {
			memcpy(buf + n, &relay->addr.sin6.sin6_addr, 16);
			memcpy(buf + n + 16, &relay->addr.sin6.sin6_port, 2);
			n += 18;
		} else {
			return -1;
		}
	}
	crypto_generichash(id, DC_HEALTH_ID_LEN, buf, n, NULL, 0);
	return 0;
}

/* ---- ranking ---- */

static int rtt_known(const struct dc_health *h, time_t now)
{
	return h->srtt_us != 0 && now - h->rtt_at < DC_RTT_STALE;
}

int dc_health_cmp(const struct dc_health *a, const struct dc_health *b,
		  time_t now)
{
	int sa = a->skip_until > now, sb = b->skip_until > now;
	int ka = rtt_known(a, now), kb = rtt_known(b, now);

	if (sa != sb)
		return sa - sb;                 /* skipped ones last */
	if (sa)
		return (a->skip_until > b->skip_until) - (a->skip_until < b->skip_until);
	if (ka != kb)
		return ka - kb;                 /* unmeasured ones first */
	if (!ka)
		return 0;
	return (a->srtt_us > b->srtt_us) - (a->srtt_us < b->srtt_us);
}

void dc_health_rank(const struct dc_health *h, int n, time_t now, int *order)
{
	/* insertion sort: n <= DC_MAX_SERVERS, and it is stable */
	for (int i = 0; i < n; i++) {
		int j = i;
		while (j > 0 && dc_health_cmp(&h[i], &h[order[j - 1]], now) < 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

/* ---- the process's records (lock held) ---- */

static struct entry *find(const uint8_t id[DC_HEALTH_ID_LEN])
{
	for (int i = 0; i < ntab; i++)
		if (memcmp(tab[i].h.id, id, DC_HEALTH_ID_LEN) == 0)
			return &tab[i];
	return NULL;
}

/* The record for id, made if missing (replacing the stalest when full). */
static struct entry *find_or_add(const uint8_t id[DC_HEALTH_ID_LEN])
{
	struct entry *e = find(id);

	if (e != NULL)
		return e;
	if (ntab < DC_HEALTH_MAX) {
		e = &tab[ntab++];
	} else {
		e = &tab[0];
		for (int i = 1; i < ntab; i++)
			if (tab[i].h.updated < e->h.updated)
				e = &tab[i];
	}
	memset(e, 0, sizeof *e);
	memcpy(e->h.id, id, DC_HEALTH_ID_LEN);
	return e;
}

/* Take the records of a file that are newer than ours. */
static void merge(const struct dc_health *h, int n)
{
	for (int i = 0; i < n; i++) {
		struct entry *e = find(h[i].id);
		if (e != NULL && e->h.updated >= h[i].updated)
			continue;
		if (e == NULL && ntab == DC_HEALTH_MAX) {
			int stalest = 0;
			for (int k = 1; k < ntab; k++)
				if (tab[k].h.updated < tab[stalest].h.updated)
					stalest = k;
			if (tab[stalest].h.updated >= h[i].updated)
				continue;
		}
		e = find_or_add(h[i].id);
		e->h = h[i];
		e->srtt_saved = h[i].srtt_us;
	}
}

void dc_servers_get(const uint8_t id[DC_HEALTH_ID_LEN], struct dc_health *out)
{
	struct entry *e;

	pthread_mutex_lock(&lock);
	e = find(id);
	if (e != NULL) {
		*out = e->h;
	} else {
		memset(out, 0, sizeof *out);
		memcpy(out->id, id, DC_HEALTH_ID_LEN);
	}
	pthread_mutex_unlock(&lock);
}

/* ---- the state file ---- */

/* The records and the text of the file, on the heap (11 KB): the state
 * is read and written inside lookups, which run in 16 KiB of stack. */
struct state_io {
	struct dc_health h[DC_HEALTH_MAX];
	char text[DC_STATE_MAX + 1];
};

static int read_state(const struct dc_config *cfg, int user, time_t now,
		      struct state_io *io)
{
	ssize_t n = dc_cachefile_read(cfg, user, 0, DC_STATE_FILE, (uint8_t *)io->text,
				      DC_STATE_MAX, NULL);

	return n > 0 ? dc_state_parse(io->text, (size_t)n, now, io->h, DC_HEALTH_MAX) : 0;
}

void dc_servers_load(const struct dc_config *cfg, int force)
{
	struct state_io *io;
	time_t now = time(NULL);
	int n;

	if (cfg->cert_cache_dir[0] == '\0')
		return;
	pthread_mutex_lock(&lock);
	if (!force && last_load != 0 && now - last_load < DC_STATE_RELOAD &&
	    now >= last_load) {
		pthread_mutex_unlock(&lock);
		return;
	}
	last_load = now;
	pthread_mutex_unlock(&lock);
	if ((io = malloc(sizeof(*io))) == NULL)
		return;
	for (int user = 0; user <= 1; user++) {
		n = read_state(cfg, user, now, io);
		pthread_mutex_lock(&lock);
		merge(io->h, n);
		pthread_mutex_unlock(&lock);
	}
	free(io);
}

/* Our records, merged with what the file holds now (other processes may
 * have written it since we read it). */
void dc_servers_save(const struct dc_config *cfg)
{
	struct state_io *io;
	time_t now = time(NULL);
	size_t len;
	int n;

	if (cfg->cert_cache_dir[0] == '\0' || (io = malloc(sizeof(*io))) == NULL)
		return;
	n = read_state(cfg, geteuid() != 0, now, io);
	pthread_mutex_lock(&lock);
	merge(io->h, n);
	n = ntab;
	for (int i = 0; i < ntab; i++) {
		io->h[i] = tab[i].h;
		tab[i].srtt_saved = tab[i].h.srtt_us;
	}
	last_save = now;
	pthread_mutex_unlock(&lock);
	len = dc_state_format(io->h, n, io->text, DC_STATE_MAX);
	dc_cachefile_write(cfg, 0, DC_STATE_FILE, (const uint8_t *)io->text, len);
	free(io);
}

/* Did the smoothed RTT move enough from the saved one to change choices
 * (a quarter, and at least 2 ms)? */
static int moved(uint32_t now_us, uint32_t saved_us)
{
	uint32_t d = now_us > saved_us ? now_us - saved_us : saved_us - now_us;

	return d > saved_us / 4 && d > 2000;
}

int dc_servers_note_answer(const uint8_t id[DC_HEALTH_ID_LEN], uint32_t rtt_us,
			   int sample)
{
	time_t now = time(NULL);
	struct entry *e;
	int major, minor;

	if (rtt_us == 0)
		rtt_us = 1;
	if (rtt_us > DC_RTT_MAX_US)
		rtt_us = DC_RTT_MAX_US;
	pthread_mutex_lock(&lock);
	e = find_or_add(id);
	major = e->h.fails != 0 || e->h.skip_until != 0;   /* recovered */
	e->h.fails = 0;
	e->h.skip_until = 0;
	if (sample) {
		if (!rtt_known(&e->h, now)) {
			e->h.srtt_us = rtt_us;
			major = 1;                          /* first measurement */
		} else {
			/* the TCP estimator's gain, 1/8 (RFC 6298) */
			e->h.srtt_us = (uint32_t)(((uint64_t)e->h.srtt_us * 7 + rtt_us) / 8);
			major |= moved(e->h.srtt_us, e->srtt_saved);
		}
		e->h.rtt_at = now;
	}
	e->h.updated = now;
	{
		time_t since = last_save > last_load ? last_save : last_load;
		minor = now - since >= MINOR_SAVE_EVERY || now < since;
	}
	pthread_mutex_unlock(&lock);
	return major || minor;
}

int dc_servers_note_failure(const uint8_t id[DC_HEALTH_ID_LEN])
{
	time_t now = time(NULL);
	struct entry *e;
	int64_t skip;

	pthread_mutex_lock(&lock);
	e = find_or_add(id);
	if (e->h.fails < DC_FAILS_MAX)
		e->h.fails++;
	skip = DC_SKIP_MIN;
	for (uint32_t i = 1; i < e->h.fails && skip < DC_SKIP_MAX; i++)
		skip *= 2;
	if (skip > DC_SKIP_MAX)
		skip = DC_SKIP_MAX;
	e->h.skip_until = (int64_t)now + skip;
	e->h.updated = now;
	pthread_mutex_unlock(&lock);
	return 1;
}

int dc_servers_note_udp(const uint8_t id[DC_HEALTH_ID_LEN], int ok)
{
	time_t now = time(NULL);
	struct entry *e;
	int changed = 1;

	pthread_mutex_lock(&lock);
	e = find_or_add(id);
	if (ok)
		changed = e->h.udp_bad_until != 0;
	e->h.udp_bad_until = ok ? 0 : (int64_t)now + DC_UDP_RETRY;
	if (changed)
		e->h.updated = now;
	pthread_mutex_unlock(&lock);
	return changed;
}
