/* SPDX-License-Identifier: ISC */
/* dc_anscache.c - in-process answer cache (see dc_anscache.h).
 *
 * A compact table of slots (hash, family, expiry, entry) is scanned; the
 * entries (name and answer) live on the heap.  The table is a few KB: a
 * lookup touches it and nothing else, so a new process does not fault in
 * a large static array and a warm lookup's scan stays in cache. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dc_anscache.h"
#include "dc_ctx.h"

struct entry {
	struct dc_hostres h;
	char name[];
};

struct slot {
	uint32_t hash;
	int family;
	int mode;                 /* the dnssec setting it was got under */
	uint64_t expires_ms;      /* CLOCK_MONOTONIC */
	struct entry *e;          /* NULL: free */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[DC_ANSCACHE_ENTRIES];

void dc_anscache_atfork_prepare(void) { pthread_mutex_lock(&lock); }
void dc_anscache_atfork_parent(void) { pthread_mutex_unlock(&lock); }
void dc_anscache_atfork_child(void) { pthread_mutex_init(&lock, NULL); }

/* FNV-1a: only to skip most slots before comparing names. */
static uint32_t name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

static void drop(struct slot *s)
{
	if (s->e) {
		dc_hostres_free(&s->e->h);
		free(s->e);
	}
	memset(s, 0, sizeof(*s));
}

static struct slot *find(const char *name, uint32_t hash, int family, int mode)
{
	for (int i = 0; i < DC_ANSCACHE_ENTRIES; i++) {
		struct slot *s = &slots[i];
		if (s->e && s->hash == hash && s->family == family && s->mode == mode &&
		    strcmp(s->e->name, name) == 0)
			return s;
	}
	return NULL;
}

dc_status dc_anscache_get(const char *name, int family, int mode,
			  struct dc_hostres *out)
{
	uint64_t now = dc_now_ms();
	dc_status rc = DC_ENOTFOUND;
	struct slot *s;

	pthread_mutex_lock(&lock);
	s = find(name, name_hash(name), family, mode);
	if (s && now >= s->expires_ms) {
		drop(s);
	} else if (s) {
		rc = dc_hostres_copy(out, &s->e->h);
		if (rc == DC_OK)
			out->ttl = (uint32_t)((s->expires_ms - now) / 1000);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void dc_anscache_put(const char *name, int family, int mode,
		     const struct dc_hostres *h)
{
	uint64_t now = dc_now_ms();
	uint32_t ttl = h->ttl < DC_ANSCACHE_MAX_TTL ? h->ttl : DC_ANSCACHE_MAX_TTL;
	uint32_t hash = name_hash(name);
	size_t len = strlen(name);
	struct slot *victim;
	struct entry *e;

	if (ttl == 0 || len >= DC_NAME_MAX)
		return;
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return;
	memcpy(e->name, name, len + 1);
	if (dc_hostres_copy(&e->h, h) != DC_OK) {
		free(e);
		return;
	}
	pthread_mutex_lock(&lock);
	/* The same key, else a free or expired slot, else the one that
	 * expires first. */
	victim = find(name, hash, family, mode);
	for (int i = 0; !victim && i < DC_ANSCACHE_ENTRIES; i++) {
		struct slot *s = &slots[i];
		if (!s->e || now >= s->expires_ms)
			victim = s;
	}
	if (!victim) {
		victim = &slots[0];
		for (int i = 1; i < DC_ANSCACHE_ENTRIES; i++)
			if (slots[i].expires_ms < victim->expires_ms)
				victim = &slots[i];
	}
	drop(victim);
	victim->hash = hash;
	victim->family = family;
	victim->mode = mode;
	victim->expires_ms = now + (uint64_t)ttl * 1000u;
	victim->e = e;
	pthread_mutex_unlock(&lock);
}

void dc_anscache_flush(void)
{
	pthread_mutex_lock(&lock);
	for (int i = 0; i < DC_ANSCACHE_ENTRIES; i++)
		drop(&slots[i]);
	pthread_mutex_unlock(&lock);
}
