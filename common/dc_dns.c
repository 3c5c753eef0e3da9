/* SPDX-License-Identifier: ISC */
/* dc_dns.c - DNS answers to host entries, as glibc 2.36's nss_dns: the
 * answers to A and AAAA queries, CNAME chains included, read as
 * getanswer_r does for gethostbyname{,2,3}_r and as gaih_getanswer_slice
 * does for gethostbyname4_r.  Names are dc_dns_name.c's, the header and
 * record cursor dc_dns_msg.c's, PTR answers dc_dns_ptr.c's.
 *
 * Every length is checked against the end of the message; names are
 * decompressed with glibc's own limits (ns_name_unpack: 255 bytes, pointer
 * targets inside the message, a pointer-loop bound); what glibc would
 * reject or skip is rejected or skipped here, in the same order.  The
 * glibc function each part follows is named in its comment (sources:
 * Debian 12's glibc 2.36-9+deb12u14, resolv/).
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dc_dns_int.h"

static int rdata_len(int type)
{
	return type == T_A ? 4 : type == T_AAAA ? 16 : -1;
}

/* getanswer_r_store_alias: keep a name only if it is a host name whose
 * text fits glibc's buffer.  Returns 1 kept, 0 skipped, -1 no memory. */
static int store_alias(struct dc_dns_strlist *l, const uint8_t *wire)
{
	char text[HOSTNAME_TEXT];

	if (!dc_dns_binary_hnok(wire) ||
	    dc_dns_name_ntop(wire, text, sizeof(text)) < 0)
		return 0;
	return dc_dns_strlist_add(l, text) < 0 ? -1 : 1;
}

/* ----------------------------------------------------- getanswer_r */

dc_status dc_dns_parse_addrs(const uint8_t *msg, size_t len, int qtype,
			     struct dc_hostres *h)
{
	struct dc_dns_strlist names = { 0 };
	struct dc_dns_addrlist addrs = { 0 };
	uint8_t expected_buf[DC_WIRE_NAME_MAX];
	const uint8_t *expected;
	uint32_t ttl = UINT32_MAX;
	struct dc_dns_cursor c;
	dc_status st;
	unsigned ancount;
	int r;

	if (h == NULL || (qtype != T_A && qtype != T_AAAA))
		return DC_EBADARG;
	st = dc_dns_answer_open(msg, len, h, &c);
	if (st != DC_OK)
		return st;

	/* getanswer_r: the question name is the first alias; a question
	 * name that is not a host name is NOTFOUND, HOST_NOT_FOUND. */
	r = store_alias(&names, dc_dns_qname(&c));
	if (r < 0) {
		st = DC_ENOMEM;
		goto out;
	}
	if (r == 0) {
		st = DC_ENOTFOUND;
		goto out;
	}

	expected = dc_dns_qname(&c);
	ancount = dc_dns_hdr_ancount(msg);
	for (; ancount > 0; ancount--) {
		struct dc_dns_rr rr;

		if (!dc_dns_cursor_next(&c, &rr)) {
			st = DC_EBADRESP;     /* UNAVAIL, NO_RECOVERY */
			goto out;
		}
		if (rr.cls != C_IN)
			continue;
		if (rr.type == T_CNAME || rr.type == qtype)
			dc_dns_ttl_min(&ttl, rr.ttl);
		if (rr.type == T_CNAME) {
			/* No owner check ("historic precedent"); the
			 * target is the new expected name. */
			if (dc_dns_name_unpack(c.begin, c.end, rr.rdata, expected_buf,
					       sizeof(expected_buf)) < 0) {
				st = DC_EBADRESP;
				goto out;
			}
			if (store_alias(&names, expected_buf) < 0) {
				st = DC_ENOMEM;
				goto out;
			}
			expected = expected_buf;
		} else if (rr.type == qtype && dc_dns_same_name(rr.name, expected) &&
			   rr.rdlen == rdata_len(qtype)) {
			if (dc_dns_addrlist_add(&addrs, qtype == T_A ? AF_INET : AF_INET6,
						rr.rdata, rr.rdlen) < 0) {
				st = DC_ENOMEM;
				goto out;
			}
		}
	}
	if (addrs.n == 0) {
		st = NOADDR_STATUS;
		goto out;
	}

	/* Commit: addresses, then (for a first answer) the names. */
	if (h->naddrs == 0) {
		/* The last name is h_name, the others are h_aliases. */
		char *last = names.v[names.n - 1];

		if (dc_hostres_add_addrs(h, &addrs) < 0) {
			st = DC_ENOMEM;
			goto out;
		}
		free(h->name);
		dc_dns_free_names(h->aliases, h->naliases);
		h->name = last;
		names.n--;
		if (names.n == 0) {
			free(names.v);
			h->aliases = NULL;
		} else {
			h->aliases = names.v;
		}
		h->naliases = names.n;
		names.v = NULL;
		names.n = 0;
	} else if (dc_hostres_add_addrs(h, &addrs) < 0) {
		st = DC_ENOMEM;
		goto out;
	}
	dc_dns_ttl_min(&h->ttl, ttl);
	st = DC_OK;
out:
	dc_dns_free_names(names.v, names.n);
	free(addrs.v);
	return st;
}

/* ------------------------------------------------ gaih_getanswer_slice */

enum slice { S_SUCCESS, S_NOTFOUND, S_UNAVAIL, S_NOMEM };

struct gaih_acc {
	struct dc_dns_addrlist addrs;
	char *canon;               /* name of the first tuple */
	uint32_t ttl;
};

static enum slice gaih_slice(const uint8_t *msg, size_t len, struct gaih_acc *acc,
			     int store_canon)
{
	uint8_t expected_buf[DC_WIRE_NAME_MAX], canon_buf[DC_WIRE_NAME_MAX];
	const uint8_t *expected, *canon;
	struct dc_dns_cursor c;
	unsigned ancount;
	int have = 0, qtype;

	if (!dc_dns_cursor_init(&c, msg, len))
		return S_UNAVAIL;
	qtype = c.qtype;              /* the answer's own question type */
	ancount = dc_dns_hdr_ancount(msg);
	expected = canon = dc_dns_qname(&c);
	if (ancount == 0 || !dc_dns_binary_hnok(canon))
		return S_NOTFOUND;
	for (; ancount > 0; ancount--) {
		struct dc_dns_rr rr;

		if (!dc_dns_cursor_next(&c, &rr))
			return S_UNAVAIL;  /* tuples linked so far stay */
		/* No class check in gaih_getanswer_slice. */
		if (rr.type == T_CNAME || rr.type == qtype)
			dc_dns_ttl_min(&acc->ttl, rr.ttl);
		if (rr.type == T_CNAME) {
			if (dc_dns_name_unpack(c.begin, c.end, rr.rdata, expected_buf,
					       sizeof(expected_buf)) < 0)
				return S_UNAVAIL;
			expected = expected_buf;
			if (store_canon && dc_dns_binary_hnok(expected_buf)) {
				memcpy(canon_buf, expected_buf, sizeof(canon_buf));
				canon = canon_buf;
			}
		} else if (rr.type == qtype && dc_dns_same_name(rr.name, expected) &&
			   rr.rdlen == rdata_len(qtype)) {
			if (store_canon) {
				char text[HOSTNAME_TEXT];

				/* canon is a host name: ntop cannot fail. */
				if (dc_dns_name_ntop(canon, text, sizeof(text)) < 0)
					text[0] = '\0';
				free(acc->canon);
				acc->canon = strdup(text);
				if (!acc->canon)
					return S_NOMEM;
				store_canon = 0;
			}
			if (dc_dns_addrlist_add(&acc->addrs,
						rr.rdlen == 4 ? AF_INET : AF_INET6,
						rr.rdata, rr.rdlen) < 0)
				return S_NOMEM;
			have = 1;
		}
	}
	/* No address (e.g. only a CNAME): NOTFOUND, HOST_NOT_FOUND. */
	return have ? S_SUCCESS : S_NOTFOUND;
}

dc_status dc_dns_parse_gaih(const uint8_t *a_msg, size_t a_len,
			    const uint8_t *aaaa_msg, size_t aaaa_len,
			    struct dc_hostres *h)
{
	struct gaih_acc acc = { { 0 }, NULL, UINT32_MAX };
	const uint8_t *p1, *p2, *hp, *hp2;
	enum slice status = S_NOTFOUND;
	dc_status st;

	if (h == NULL)
		return DC_EBADARG;
	/* res_send never hands back an answer shorter than a header. */
	p1 = a_msg != NULL && a_len >= HDR_LEN ? a_msg : NULL;
	p2 = aaaa_msg != NULL && aaaa_len >= HDR_LEN ? aaaa_msg : NULL;
	if (!p1 && !p2)
		return DC_EBADRESP;
	/* send_dg: an answer res_send rejects leaves its slot empty when
	 * the other one is kept. */
	if (p1 && p2 && dc_dns_hdr_send_error(p1) != dc_dns_hdr_send_error(p2)) {
		if (dc_dns_hdr_send_error(p1))
			p1 = NULL;
		else
			p2 = NULL;
	}
	/* Both (or the only one) rejected: TRY_AGAIN; the buffer holds the
	 * first answer, whose rcode the search looks at. */
	if (dc_dns_hdr_send_error(p1 ? p1 : p2) &&
	    (!p1 || !p2 || dc_dns_hdr_send_error(p2)))
		return dc_dns_answer_status(p1 ? p1 : p2);

	/* __res_context_query for T_QUERY_A_AND_AAAA: success if either
	 * answer has rcode NOERROR and answer records; otherwise h_errno
	 * follows the first answer's rcode, or the second's if the first
	 * is NOERROR (the other switch branches are unreachable then). */
	hp = p1 ? p1 : p2;
	hp2 = p2 ? p2 : hp;
	if (!dc_dns_hdr_answered(hp) && !dc_dns_hdr_answered(hp2))
		return dc_dns_rcode_status(dc_dns_hdr_rcode(hp) == RC_NOERROR ?
					   dc_dns_hdr_rcode(hp2) : dc_dns_hdr_rcode(hp));
	h->answered = 1;

	/* gaih_getanswer: the first answer stores the canonical name; the
	 * second is read only if the first was SUCCESS or NOTFOUND, and
	 * stores the name only if the first had no address; its status
	 * replaces the first's unless the first succeeded or it is
	 * NOTFOUND. */
	if (p1) {
		status = gaih_slice(p1, a_len, &acc, 1);
		if (status == S_NOMEM) {
			st = DC_ENOMEM;
			goto out;
		}
	}
	if (p2 && (status == S_SUCCESS || status == S_NOTFOUND)) {
		enum slice s2 = gaih_slice(p2, aaaa_len, &acc, status != S_SUCCESS);

		if (s2 == S_NOMEM) {
			st = DC_ENOMEM;
			goto out;
		}
		if (status != S_SUCCESS && s2 != S_NOTFOUND)
			status = s2;
	}
	switch (status) {
	case S_SUCCESS:
		break;
	case S_NOTFOUND:
		st = DC_ENOTFOUND;    /* NOTFOUND, HOST_NOT_FOUND */
		goto out;
	default:
		st = DC_EBADRESP;     /* UNAVAIL, NO_RECOVERY */
		goto out;
	}
	if (h->naddrs == 0) {
		free(h->name);
		h->name = acc.canon;
		acc.canon = NULL;
	}
	if (dc_hostres_add_addrs(h, &acc.addrs) < 0) {
		st = DC_ENOMEM;
		goto out;
	}
	dc_dns_ttl_min(&h->ttl, acc.ttl);
	st = DC_OK;
out:
	free(acc.canon);
	free(acc.addrs.v);
	return st;
}
