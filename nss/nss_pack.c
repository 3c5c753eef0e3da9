/* SPDX-License-Identifier: ISC */
/* nss_pack.c - struct dc_hostres -> caller's buffer (see nss_pack.h). */
#include <stdalign.h>
#include <string.h>
#include <sys/socket.h>

#include "nss_pack.h"

/* A bump allocator over [base, base + len).  Alignment is computed on
 * the real address, so the buffer itself may be misaligned. */
struct bump {
	char *base;
	size_t len, off;
	int failed;
};

static void *bump_alloc(struct bump *b, size_t size, size_t align)
{
	uintptr_t cur;
	size_t pad, room, at;

	if (b->failed)
		return NULL;
	room = b->len - b->off;
	cur = (uintptr_t)b->base + b->off;
	pad = (size_t)(-cur & (uintptr_t)(align - 1));
	if (pad > room || size > room - pad) {
		b->failed = 1;
		return NULL;
	}
	at = b->off + pad;
	b->off = at + size;
	return b->base + at;
}

/* n + 1 pointers, checked for overflow. */
static char **bump_ptrs(struct bump *b, size_t n)
{
	if (n >= SIZE_MAX / sizeof(char *) - 1) {
		b->failed = 1;
		return NULL;
	}
	return bump_alloc(b, (n + 1) * sizeof(char *), alignof(char *));
}

static char *bump_str(struct bump *b, const char *s)
{
	size_t n = strlen(s);
	char *d;

	if (n == SIZE_MAX) {
		b->failed = 1;
		return NULL;
	}
	d = bump_alloc(b, n + 1, 1);
	if (d)
		memcpy(d, s, n + 1);
	return d;
}

static size_t af_len(int af)
{
	return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
}

/* nss_dns: "if (ttlp != NULL && *ttlp > rr.ttl) *ttlp = rr.ttl" with an
 * int32_t against a uint32_t, i.e. an unsigned comparison. */
static void set_ttl(int32_t *ttlp, uint32_t ttl)
{
	if (ttlp != NULL && (uint32_t)*ttlp > ttl)
		*ttlp = (int32_t)ttl;
}

static int valid_buffer(const char *buffer, size_t buflen)
{
	return buffer != NULL || buflen == 0;
}

static int valid_names(const struct dc_hostres *h)
{
	if (h->name == NULL || h->naliases < 0 ||
	    (h->naliases > 0 && h->aliases == NULL))
		return 0;
	for (int i = 0; i < h->naliases; i++)
		if (h->aliases[i] == NULL)
			return 0;
	return 1;
}

/* Aliases array + strings; returns the array or NULL (b->failed). */
static char **pack_aliases(struct bump *b, const struct dc_hostres *h,
			   char **arr)
{
	for (int i = 0; i < h->naliases; i++)
		arr[i] = bump_str(b, h->aliases[i]);
	arr[h->naliases] = NULL;
	return b->failed ? NULL : arr;
}

/* The layout of nss_dns's gethostbyname3_context (glibc 2.36,
 * resolv/nss_dns/dns-host.c), so that a buffer fits exactly when it fits
 * nss_dns: getanswer_r copies the names in answer order (the query name,
 * then each CNAME target; the last one is h_name), then each address
 * aligned to 4; then come h_addr_list and h_aliases (whose n-1 entries
 * and NULL take as many pointers as there were names). */
dc_status dc_pack_hostent(const struct dc_hostres *h, int af,
			  struct hostent *result, char *buffer, size_t buflen,
			  int32_t *ttlp, char **canonp)
{
	struct bump b = { buffer, buflen, 0, 0 };
	size_t alen = af_len(af), n = 0, k = 0;
	char **aliases, **addrs, *name, *first = NULL;
	uint8_t *data;

	if (h == NULL || result == NULL || alen == 0 || !valid_names(h) ||
	    !valid_buffer(buffer, buflen) || h->naddrs < 0 ||
	    (h->naddrs > 0 && h->addrs == NULL))
		return DC_EBADARG;
	for (int i = 0; i < h->naddrs; i++)
		n += h->addrs[i].family == af;
	if (n == 0)
		return DC_ENODATA;

	if (n > SIZE_MAX / alen)
		return DC_ERANGE;
	/* The alias strings lie back to back from the first one: their
	 * array, allocated after them, is filled by walking them. */
	for (int i = 0; i < h->naliases; i++) {
		char *d = bump_str(&b, h->aliases[i]);

		if (i == 0)
			first = d;
	}
	name = bump_str(&b, h->name);
	data = bump_alloc(&b, n * alen, 4);
	addrs = bump_ptrs(&b, n);
	aliases = bump_ptrs(&b, (size_t)h->naliases);
	if (b.failed)
		return DC_ERANGE;
	for (int i = 0; i < h->naliases; i++) {
		aliases[i] = first;
		first += strlen(first) + 1;
	}
	aliases[h->naliases] = NULL;
	for (int i = 0; i < h->naddrs; i++) {
		if (h->addrs[i].family != af)
			continue;
		memcpy(data + k * alen, h->addrs[i].addr, alen);
		addrs[k] = (char *)(data + k * alen);
		k++;
	}
	addrs[k] = NULL;

	result->h_name = name;
	result->h_aliases = aliases;
	result->h_addrtype = af;
	result->h_length = (int)alen;
	result->h_addr_list = addrs;
	if (canonp != NULL)
		*canonp = name;
	set_ttl(ttlp, h->ttl);
	return DC_OK;
}

dc_status dc_pack_gaih(const struct dc_hostres *h, struct gaih_addrtuple **pat,
		       char *buffer, size_t buflen, int32_t *ttlp)
{
	struct bump b = { buffer, buflen, 0, 0 };
	struct gaih_addrtuple *head = NULL, **tail = &head, *t;

	if (h == NULL || pat == NULL || h->name == NULL ||
	    !valid_buffer(buffer, buflen) || h->naddrs < 0 ||
	    (h->naddrs > 0 && h->addrs == NULL))
		return DC_EBADARG;
	/* gaih_getanswer_slice (glibc 2.36): one tuple after the other, each
	 * aligned, the (canonical) name copied right after the first tuple
	 * and carried by it alone (getaddrinfo copies it for AI_CANONNAME). */
	for (int i = 0; i < h->naddrs; i++) {
		size_t alen = af_len(h->addrs[i].family);

		if (alen == 0)
			continue;
		t = bump_alloc(&b, sizeof(*t), alignof(struct gaih_addrtuple));
		if (t == NULL)
			return DC_ERANGE;
		memset(t, 0, sizeof(*t));
		if (head == NULL)
			t->name = bump_str(&b, h->name);
		if (b.failed)
			return DC_ERANGE;
		t->family = h->addrs[i].family;
		memcpy(t->addr, h->addrs[i].addr, alen);
		t->scopeid = 0;
		*tail = t;
		tail = &t->next;
	}
	if (head == NULL)
		return DC_ENODATA;
	*pat = head;
	set_ttl(ttlp, h->ttl);
	return DC_OK;
}

dc_status dc_pack_hostent_addr(const struct dc_hostres *h, int af,
			       const void *addr, struct hostent *result,
			       char *buffer, size_t buflen, int32_t *ttlp)
{
	struct bump b = { buffer, buflen, 0, 0 };
	size_t alen = af_len(af);
	char **aliases, **addrs, *name;
	uint8_t *data;

	if (h == NULL || result == NULL || addr == NULL || alen == 0 ||
	    !valid_names(h) || !valid_buffer(buffer, buflen))
		return DC_EBADARG;
	/* nss_dns's gethostbyaddr2_r (glibc 2.36): the two-pointer address
	 * array first, h_aliases = &h_addr_list[1] (the NULL), then the name
	 * (getanswer_ptr), then the address aligned to 4.  Aliases (none
	 * from a PTR answer) get their own array after the address array. */
	addrs = bump_ptrs(&b, 1);
	if (addrs == NULL)
		return DC_ERANGE;
	aliases = h->naliases > 0 ? bump_ptrs(&b, (size_t)h->naliases) : addrs + 1;
	name = bump_str(&b, h->name);
	if (h->naliases > 0 && aliases != NULL)
		pack_aliases(&b, h, aliases);
	data = bump_alloc(&b, alen, 4);
	if (b.failed)
		return DC_ERANGE;
	memcpy(data, addr, alen);
	addrs[0] = (char *)data;
	addrs[1] = NULL;

	result->h_name = name;
	result->h_aliases = aliases;
	result->h_addrtype = af;
	result->h_length = (int)alen;
	result->h_addr_list = addrs;
	set_ttl(ttlp, h->ttl);
	return DC_OK;
}
