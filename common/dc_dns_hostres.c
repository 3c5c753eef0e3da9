/* SPDX-License-Identifier: ISC */
/* dc_dns_hostres.c - struct dc_hostres (init, free, deep copy) and the
 * growable name and address lists a parser fills while it reads one answer,
 * before it commits them to the host entry.
 */
#include <stdlib.h>
#include <string.h>

#include "dc_dns_int.h"

void dc_hostres_init(struct dc_hostres *h)
{
	memset(h, 0, sizeof(*h));
	h->ttl = UINT32_MAX;
}

void dc_dns_free_names(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dc_hostres_free(struct dc_hostres *h)
{
	if (h == NULL)
		return;
	free(h->name);
	dc_dns_free_names(h->aliases, h->naliases);
	free(h->addrs);
	dc_hostres_init(h);
}

dc_status dc_hostres_copy(struct dc_hostres *dst, const struct dc_hostres *src)
{
	dc_hostres_init(dst);
	if (src->name && !(dst->name = strdup(src->name)))
		goto nomem;
	if (src->naliases > 0) {
		dst->aliases = calloc((size_t)src->naliases, sizeof(char *));
		if (!dst->aliases)
			goto nomem;
		for (int i = 0; i < src->naliases; i++) {
			dst->aliases[i] = strdup(src->aliases[i]);
			if (!dst->aliases[i]) {
				dst->naliases = i;
				goto nomem;
			}
		}
		dst->naliases = src->naliases;
	}
	if (src->naddrs > 0) {
		dst->addrs = malloc((size_t)src->naddrs * sizeof(struct dc_addr));
		if (!dst->addrs)
			goto nomem;
		memcpy(dst->addrs, src->addrs, (size_t)src->naddrs * sizeof(struct dc_addr));
		dst->naddrs = src->naddrs;
	}
	dst->ttl = src->ttl;
	dst->answered = src->answered;
	return DC_OK;
nomem:
	dc_hostres_free(dst);
	return DC_ENOMEM;
}

/* The growable lists (dc_dns_int.h) used while reading one answer. */

/* v (*cap elements of size bytes) reallocated to twice as many (first when
 * empty), *cap updated; NULL when out of memory or over 65536 elements (an
 * answer holds fewer names and addresses than this), v then unchanged. */
static void *grow(void *v, int *cap, int first, size_t size)
{
	int n = *cap ? *cap * 2 : first;

	if (n > 65536)
		return NULL;
	v = realloc(v, (size_t)n * size);
	if (v)
		*cap = n;
	return v;
}

int dc_dns_strlist_add(struct dc_dns_strlist *l, const char *s)
{
	char *d;

	if (l->n == l->cap) {
		char **v = grow(l->v, &l->cap, 4, sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
	}
	d = strdup(s);
	if (!d)
		return -1;
	l->v[l->n++] = d;
	return 0;
}

int dc_dns_addrlist_add(struct dc_dns_addrlist *l, int family, const uint8_t *a,
			size_t n)
{
	if (l->n == l->cap) {
		struct dc_addr *v = grow(l->v, &l->cap, 8, sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].family = family;
	memcpy(l->v[l->n].addr, a, n);
	l->n++;
	return 0;
}

/* Append the addresses of l to h (takes nothing from l). */
int dc_hostres_add_addrs(struct dc_hostres *h, const struct dc_dns_addrlist *l)
{
	struct dc_addr *v;
	size_t total;

	if (l->n == 0)
		return 0;
	total = (size_t)h->naddrs + (size_t)l->n;
	if (total > 1000000)
		return -1;
	v = realloc(h->addrs, total * sizeof(*v));
	if (!v)
		return -1;
	memcpy(v + h->naddrs, l->v, (size_t)l->n * sizeof(*v));
	h->addrs = v;
	h->naddrs = (int)total;
	return 0;
}
