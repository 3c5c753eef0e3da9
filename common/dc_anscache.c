/* dc_anscache.c - in-process answer cache (see dc_anscache.h). */
#include <pthread.h>
#include <string.h>

#include "dc_anscache.h"
#include "dc_ctx.h"

struct entry {
	int used;
	int family;
	uint64_t expires_ms;      /* CLOCK_MONOTONIC */
	char name[DC_NAME_MAX];
	struct dc_hostres h;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry cache[DC_ANSCACHE_ENTRIES];

void dc_anscache_atfork_prepare(void) { pthread_mutex_lock(&lock); }
void dc_anscache_atfork_parent(void) { pthread_mutex_unlock(&lock); }
void dc_anscache_atfork_child(void) { pthread_mutex_init(&lock, NULL); }

static void drop(struct entry *e)
{
	dc_hostres_free(&e->h);
	memset(e, 0, sizeof(*e));
}

dc_status dc_anscache_get(const char *name, int family, struct dc_hostres *out)
{
	uint64_t now = dc_now_ms();
	dc_status rc = DC_ENOTFOUND;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < DC_ANSCACHE_ENTRIES; i++) {
		struct entry *e = &cache[i];
		if (!e->used || e->family != family || strcmp(e->name, name) != 0)
			continue;
		if (now >= e->expires_ms) {
			drop(e);
			break;
		}
		rc = dc_hostres_copy(out, &e->h);
		if (rc == DC_OK)
			out->ttl = (uint32_t)((e->expires_ms - now) / 1000);
		break;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void dc_anscache_put(const char *name, int family, const struct dc_hostres *h)
{
	uint64_t now = dc_now_ms();
	uint32_t ttl = h->ttl < DC_ANSCACHE_MAX_TTL ? h->ttl : DC_ANSCACHE_MAX_TTL;
	struct entry *victim = NULL;

	if (ttl == 0 || strlen(name) >= DC_NAME_MAX)
		return;
	pthread_mutex_lock(&lock);
	/* The same key, else a free or expired slot, else the one that
	 * expires first. */
	for (int i = 0; i < DC_ANSCACHE_ENTRIES; i++) {
		struct entry *e = &cache[i];
		if (e->used && e->family == family && strcmp(e->name, name) == 0) {
			victim = e;
			break;
		}
		if (!e->used || now >= e->expires_ms) {
			if (!victim || victim->used)
				victim = e;
		} else if (!victim || (victim->used && e->expires_ms < victim->expires_ms)) {
			victim = e;
		}
	}
	drop(victim);
	if (dc_hostres_copy(&victim->h, h) == DC_OK) {
		victim->used = 1;
		victim->family = family;
		victim->expires_ms = now + (uint64_t)ttl * 1000u;
		memcpy(victim->name, name, strlen(name) + 1);
	}
	pthread_mutex_unlock(&lock);
}

void dc_anscache_flush(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < DC_ANSCACHE_ENTRIES; i++)
		if (cache[i].used)
			drop(&cache[i]);
	pthread_mutex_unlock(&lock);
}
