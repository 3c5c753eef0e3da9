/* SPDX-License-Identifier: ISC */
/* fuzz_pack.c - libFuzzer target: DNS answers -> dc_hostres -> the NSS
 * packers, into malloc'ed buffers of exactly the tested length (ASan
 * catches a write past the end).
 *
 * Input layout: bytes 0-1 buffer length (big-endian), byte 2 the buffer
 * misalignment (low 3 bits), bytes 3-4 the length L of the first message;
 * then L bytes of the answer to the A query and the rest as the answer to
 * the AAAA query (the first is also tried as a PTR answer).  Seeds in
 * corpus/pack/.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dc_dns.h"
#include "../../nss/nss_pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void pack_all(const struct dc_hostres *h, size_t buflen, unsigned mis)
{
	struct hostent he;
	struct gaih_addrtuple *pat;
	char *canon;
	int32_t ttl;
	void *base;
	char *buf;
	static const uint8_t addr[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	dc_status st;

	/* Allocation of exactly mis + buflen bytes; buffer at offset mis. */
	base = malloc(mis + buflen ? mis + buflen : 1);
	if (!base)
		abort();
	buf = (char *)base + mis;

	for (int af = AF_INET; af <= AF_INET6; af += AF_INET6 - AF_INET) {
		ttl = INT32_MAX;
		canon = NULL;
		st = dc_pack_hostent(h, af, &he, buf, buflen, &ttl, &canon);
		if (st == DC_OK) {
			size_t n = strlen(he.h_name);
			for (char **a = he.h_aliases; *a; a++)
				n += strlen(*a);
			for (char **a = he.h_addr_list; *a; a++)
				n += (unsigned char)(*a)[he.h_length - 1];
			if (canon != he.h_name || n == (size_t)-1)
				abort();
		}
		st = dc_pack_hostent_addr(h, af, addr, &he, buf, buflen, &ttl);
		if (st == DC_OK && (strlen(he.h_name) == (size_t)-1 ||
				    he.h_addr_list[1] != NULL))
			abort();
	}
	pat = (struct gaih_addrtuple *)(uintptr_t)1;   /* never read */
	st = dc_pack_gaih(h, &pat, buf, buflen, &ttl);
	if (st == DC_OK) {
		int n = 0;

		if (pat->name == NULL)
			abort();
		for (struct gaih_addrtuple *t = pat; t; t = t->next, n++)
			if ((n > 0 && t->name != NULL) ||
			    (t->family != AF_INET && t->family != AF_INET6))
				abort();
		if (n != h->naddrs)
			abort();
	}
	free(base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_hostres h;
	const uint8_t *m1, *m2;
	size_t buflen, l1, l2;
	unsigned mis;

	if (size < 5)
		return 0;
	buflen = (size_t)data[0] << 8 | data[1];
	mis = data[2] & 7;
	l1 = (size_t)data[3] << 8 | data[4];
	data += 5;
	size -= 5;
	if (l1 > size)
		l1 = size;
	m1 = data;
	m2 = data + l1;
	l2 = size - l1;

	/* gethostbyname{,2,3}_r path: A then AAAA into one hostres. */
	dc_hostres_init(&h);
	(void)dc_dns_parse_addrs(m1, l1, 1, &h);
	(void)dc_dns_parse_addrs(m2, l2, 28, &h);
	pack_all(&h, buflen, mis);
	dc_hostres_free(&h);

	/* gethostbyname4_r path. */
	dc_hostres_init(&h);
	if (dc_dns_parse_gaih(m1, l1, m2, l2, &h) == DC_OK &&
	    (h.naddrs == 0 || h.name == NULL))
		abort();
	pack_all(&h, buflen, mis);
	dc_hostres_free(&h);

	/* gethostbyaddr_r path. */
	dc_hostres_init(&h);
	if (dc_dns_parse_ptr(m1, l1, &h) == DC_OK) {
		if (h.name == NULL || dc_dns_check_name(h.name) != DC_OK)
			abort();
		pack_all(&h, buflen, mis);
	}
	dc_hostres_free(&h);
	return 0;
}
