/* dc_dns.c - DNS answers to host entries, as glibc 2.36's nss_dns.
 *
 * Every length is checked against the end of the message; names are
 * decompressed with glibc's own limits (ns_name_unpack: 255 bytes, pointer
 * targets inside the message, a pointer-loop bound); what glibc would
 * reject or skip is rejected or skipped here, in the same order.  The
 * glibc function each part follows is named in its comment (sources:
 * Debian 12's glibc 2.36-9+deb12u14, resolv/).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dc_dns.h"

#define HDR_LEN     12
#define T_A         1
#define T_CNAME     5
#define T_PTR       12
#define T_AAAA      28
#define C_IN        1
#define RC_NOERROR  0
#define RC_SERVFAIL 2
#define RC_NXDOMAIN 3
#define RC_NOTIMP   4
#define RC_REFUSED  5
/* glibc formats host names into MAXHOSTNAMELEN + 1 = 257 bytes, so that
 * ns_name_ntop doubles as a length check (getanswer_r_store_alias). */
#define HOSTNAME_TEXT 257

/* ---------------------------------------------------------------- names */

/* ns_name_unpack: expand the name at src (inside [msg, eom)) into dst as
 * uncompressed wire form.  Returns the bytes the name occupies at src, or
 * -1.  Pointers may go anywhere inside the message (forward too); a loop
 * is caught by counting the bytes looked at, as glibc does. */
static int name_unpack(const uint8_t *msg, const uint8_t *eom,
		       const uint8_t *src, uint8_t *dst, size_t dstsiz)
{
	const uint8_t *srcp = src;
	uint8_t *dstp = dst;
	const uint8_t *dstlim = dst + dstsiz;
	size_t msglen = (size_t)(eom - msg);
	size_t checked = 0;
	int len = -1;

	if (srcp < msg || srcp >= eom)
		return -1;
	for (;;) {
		unsigned n = *srcp++;

		if (n == 0)
			break;
		switch (n & 0xc0) {
		case 0:
			/* n + 1 and >= leave room for the final 0. */
			if ((ptrdiff_t)n + 1 >= dstlim - dstp || (ptrdiff_t)n >= eom - srcp)
				return -1;
			checked += n + 1;
			*dstp++ = (uint8_t)n;
			memcpy(dstp, srcp, n);
			dstp += n;
			srcp += n;
			break;
		case 0xc0: {
			size_t target;

			if (srcp >= eom)
				return -1;
			if (len < 0)
				len = (int)(srcp - src + 1);
			target = ((size_t)(n & 0x3f) << 8) | *srcp;
			if (target >= msglen)
				return -1;
			srcp = msg + target;
			checked += 2;
			/* Looked at the whole message: there must be a loop. */
			if (checked >= msglen)
				return -1;
			break;
		}
		default:        /* 0x40, 0x80: extended label types */
			return -1;
		}
		if (srcp >= eom)
			return -1;
	}
	*dstp = 0;
	if (len < 0)
		len = (int)(srcp - src);
	return len;
}

/* __ns_name_length_uncompressed: the question name must be uncompressed. */
static int name_length_uncompressed(const uint8_t *p, const uint8_t *eom)
{
	const uint8_t *start = p;

	for (;;) {
		unsigned b;

		if (p == eom)
			return -1;
		b = *p++;
		if (b == 0) {
			size_t length = (size_t)(p - start);
			return length > DC_WIRE_NAME_MAX ? -1 : (int)length;
		}
		if (b > 63 || (ptrdiff_t)b > eom - p)
			return -1;
		p += b;
	}
}

/* __ns_samebinaryname: equal label by label, ASCII case-insensitive. */
static int same_name(const uint8_t *a, const uint8_t *b)
{
	while (*a != 0 && *b != 0) {
		unsigned n = *a;

		if (*a != *b)
			return 0;
		a++;
		b++;
		for (unsigned i = 0; i < n; i++, a++, b++) {
			uint8_t x = *a, y = *b;

			if (x >= 'a' && x <= 'z')
				x = (uint8_t)(x - 'a' + 'A');
			if (y >= 'a' && y <= 'z')
				y = (uint8_t)(y - 'a' + 'A');
			if (x != y)
				return 0;
		}
	}
	return *a == 0 && *b == 0;
}

/* __res_binary_hnok (res-name-checking.c): labels of [0-9A-Za-z_-] only,
 * and the first label must not start with '-'. */
static int binary_hnok(const uint8_t *dn)
{
	if (dn[0] > 0 && dn[1] == '-')
		return 0;
	while (*dn != 0) {
		unsigned n = *dn++;

		for (unsigned i = 0; i < n; i++, dn++) {
			uint8_t ch = *dn;

			if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '_'))
				return 0;
		}
	}
	return 1;
}

static int ntop_special(int ch)
{
	switch (ch) {
	case '"': case '.': case ';': case '\\': case '(': case ')':
	case '@': case '$':
		return 1;
	default:
		return 0;
	}
}

/* ns_name_ntop: uncompressed wire name -> text.  Returns the length
 * including the NUL, or -1 if it does not fit. */
static int name_ntop(const uint8_t *src, char *dst, size_t dstsiz)
{
	const uint8_t *cp = src;
	char *dn = dst, *eom = dst + dstsiz;
	unsigned l;

	while ((l = *cp++) != 0) {
		if (l >= 64)
			return -1;
		if (dn != dst) {
			if (dn >= eom)
				return -1;
			*dn++ = '.';
		}
		for (; l > 0; l--) {
			uint8_t c = *cp++;

			if (ntop_special(c)) {
				if (eom - dn < 2)
					return -1;
				*dn++ = '\\';
				*dn++ = (char)c;
			} else if (c <= 0x20 || c >= 0x7f) {
				if (eom - dn < 4)
					return -1;
				*dn++ = '\\';
				*dn++ = (char)('0' + c / 100);
				*dn++ = (char)('0' + (c % 100) / 10);
				*dn++ = (char)('0' + c % 10);
			} else {
				if (eom - dn < 2)
					return -1;
				*dn++ = (char)c;
			}
		}
	}
	if (dn == dst) {
		if (dn >= eom)
			return -1;
		*dn++ = '.';
	}
	if (dn >= eom)
		return -1;
	*dn++ = '\0';
	return (int)(dn - dst);
}

/* ns_name_pton with a 255-byte destination, as res_mkquery and res_hnok
 * use it.  Returns -1 on error, 0 or 1 (fully qualified) on success. */
static int name_pton(const char *src, uint8_t *dst, size_t dstsiz, size_t *outlen)
{
	uint8_t *label = dst, *bp = dst + 1, *eom = dst + dstsiz;
	int c, escaped = 0;
	size_t n;

	while ((c = (unsigned char)*src++) != 0) {
		if (escaped) {
			if (c >= '0' && c <= '9') {
				int v = (c - '0') * 100;

				c = (unsigned char)*src++;
				if (c < '0' || c > '9')
					return -1;
				v += (c - '0') * 10;
				c = (unsigned char)*src++;
				if (c < '0' || c > '9')
					return -1;
				v += c - '0';
				if (v > 255)
					return -1;
				c = v;
			}
			escaped = 0;
		} else if (c == '\\') {
			escaped = 1;
			continue;
		} else if (c == '.') {
			n = (size_t)(bp - label - 1);
			if (n > 63 || label >= eom)
				return -1;
			*label = (uint8_t)n;
			if (*src == '\0') {   /* fully qualified */
				if (n != 0) {
					if (bp >= eom)
						return -1;
					*bp++ = 0;
				}
				if ((size_t)(bp - dst) > DC_WIRE_NAME_MAX)
					return -1;
				if (outlen)
					*outlen = (size_t)(bp - dst);
				return 1;
			}
			if (n == 0 || *src == '.')
				return -1;
			label = bp++;
			continue;
		}
		if (bp >= eom)
			return -1;
		*bp++ = (uint8_t)c;
	}
	if (escaped)
		return -1;
	n = (size_t)(bp - label - 1);
	if (n > 63 || label >= eom)
		return -1;
	*label = (uint8_t)n;
	if (n != 0) {
		if (bp >= eom)
			return -1;
		*bp++ = 0;
	}
	if ((size_t)(bp - dst) > DC_WIRE_NAME_MAX)
		return -1;
	if (outlen)
		*outlen = (size_t)(bp - dst);
	return 0;
}

dc_status dc_dns_name_wire(const char *name, uint8_t *out, size_t *wirelen)
{
	if (name == NULL || out == NULL)
		return DC_EBADNAME;
	return name_pton(name, out, DC_WIRE_NAME_MAX, wirelen) < 0 ?
		DC_EBADNAME : DC_OK;
}

/* res_hnok = printable_string && ns_name_pton && __res_binary_hnok. */
dc_status dc_dns_check_name(const char *name)
{
	uint8_t wire[DC_WIRE_NAME_MAX];

	if (name == NULL)
		return DC_EBADNAME;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p > '~')
			return DC_EBADNAME;
	if (name_pton(name, wire, sizeof(wire), NULL) < 0)
		return DC_EBADNAME;
	return binary_hnok(wire) ? DC_OK : DC_EBADNAME;
}

int dc_dns_expand(const uint8_t *msg, size_t len, const uint8_t *src,
		  char *dst, size_t dstsiz)
{
	uint8_t wire[DC_WIRE_NAME_MAX];
	int n;

	if (msg == NULL || src == NULL || dst == NULL || len == 0)
		return -1;
	n = name_unpack(msg, msg + len, src, wire, sizeof(wire));
	if (n < 0 || name_ntop(wire, dst, dstsiz) < 0)
		return -1;
	return n;
}

/* ------------------------------------------------------------ messages */

/* __ns_rr_cursor_init / __ns_rr_cursor_next. */
struct cursor {
	const uint8_t *begin, *end, *cur;
	uint16_t qtype;
};

struct rr {
	uint8_t name[DC_WIRE_NAME_MAX];
	uint16_t type, cls, rdlen;
	uint32_t ttl;
	const uint8_t *rdata;
};

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static int cursor_init(struct cursor *c, const uint8_t *msg, size_t len)
{
	int n;

	c->begin = msg;
	c->end = msg + len;
	/* A header and exactly one question. */
	if (len < HDR_LEN || msg[4] != 0 || msg[5] != 1)
		return 0;
	c->cur = msg + HDR_LEN;
	n = name_length_uncompressed(c->cur, c->end);
	if (n < 0)
		return 0;
	c->cur += n;
	if (c->end - c->cur < 4)
		return 0;
	c->qtype = (uint16_t)get16(c->cur);
	c->cur += 4;
	return 1;
}

static int cursor_next(struct cursor *c, struct rr *rr)
{
	int n = name_unpack(c->begin, c->end, c->cur, rr->name, sizeof(rr->name));

	if (n < 0)
		return 0;
	c->cur += n;
	if (c->end - c->cur < 10)
		return 0;
	rr->type = (uint16_t)get16(c->cur);
	rr->cls = (uint16_t)get16(c->cur + 2);
	rr->ttl = (uint32_t)get16(c->cur + 4) << 16 | get16(c->cur + 6);
	rr->rdlen = (uint16_t)get16(c->cur + 8);
	c->cur += 10;
	if (c->end - c->cur < rr->rdlen)
		return 0;
	rr->rdata = c->cur;
	c->cur += rr->rdlen;
	return 1;
}

static const uint8_t *qname(const struct cursor *c)
{
	return c->begin + HDR_LEN;
}

static unsigned hdr_rcode(const uint8_t *m) { return m[3] & 0x0f; }
static unsigned hdr_ancount(const uint8_t *m) { return get16(m + 6); }

static int hdr_answered(const uint8_t *m)
{
	return hdr_rcode(m) == RC_NOERROR && hdr_ancount(m) != 0;
}

/* Answers res_send (send_dg/send_vc) does not hand back: SERVFAIL,
 * NOTIMP and REFUSED, and a NOERROR answer with no answer record, no
 * additional record and neither AA nor RA (a lame referral) make it try
 * the next server, and when every server answered so the query fails
 * with TRY_AGAIN.  In an A+AAAA pair such an answer counts as missing if
 * the other one is usable. */
static int hdr_send_error(const uint8_t *m)
{
	unsigned rc = hdr_rcode(m);

	if (rc == RC_SERVFAIL || rc == RC_NOTIMP || rc == RC_REFUSED)
		return 1;
	return rc == RC_NOERROR && hdr_ancount(m) == 0 && !(m[2] & 0x04) &&
		!(m[3] & 0x80) && get16(m + 10) == 0;
}

/* __res_context_query: the h_errno of an answer (pair) without a usable
 * answer section, as a status. */
static dc_status rcode_status(unsigned rcode)
{
	switch (rcode) {
	case RC_NXDOMAIN: return DC_ENOTFOUND;      /* HOST_NOT_FOUND */
	case RC_SERVFAIL: return DC_ESERVFAIL;      /* TRY_AGAIN */
	case RC_NOERROR:  return DC_ENODATA;        /* NO_DATA */
	default:          return DC_EREFUSED;       /* NO_RECOVERY */
	}
}

/* The status of a single answer that fails the query. */
static dc_status answer_status(const uint8_t *m)
{
	if (hdr_send_error(m))
		/* TRY_AGAIN; the search goes on after SERVFAIL only. */
		return hdr_rcode(m) == RC_SERVFAIL ? DC_ESERVFAIL : DC_EREFUSED;
	return rcode_status(hdr_rcode(m));
}

/* The status for "answer records, but no usable address/PTR" (see
 * dc_dns.h: glibc says TRYAGAIN/NO_RECOVERY for hostent and PTR lookups,
 * NOTFOUND/HOST_NOT_FOUND for gethostbyname4_r; getaddrinfo and
 * getnameinfo see no difference with DC_ENOTFOUND). */
#define NOADDR_STATUS DC_ENOTFOUND

static int rdata_len(int type)
{
	return type == T_A ? 4 : type == T_AAAA ? 16 : -1;
}

static void ttl_min(uint32_t *ttl, uint32_t v)
{
	if (*ttl > v)
		*ttl = v;
}

/* ------------------------------------------------------------ hostres */

void dc_hostres_init(struct dc_hostres *h)
{
	memset(h, 0, sizeof(*h));
	h->ttl = UINT32_MAX;
}

static void free_names(char **v, int n)
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
	free_names(h->aliases, h->naliases);
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

/* Growable lists used while reading one answer. */
struct strlist {
	char **v;
	int n, cap;
};

struct addrlist {
	struct dc_addr *v;
	int n, cap;
};

static int strlist_add(struct strlist *l, const char *s)
{
	char *d;

	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 4;
		char **v;

		if (cap > 65536)  /* an answer holds fewer names than this */
			return -1;
		v = realloc(l->v, (size_t)cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	d = strdup(s);
	if (!d)
		return -1;
	l->v[l->n++] = d;
	return 0;
}

static int addrlist_add(struct addrlist *l, int family, const uint8_t *a, size_t n)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		struct dc_addr *v;

		if (cap > 65536)
			return -1;
		v = realloc(l->v, (size_t)cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].family = family;
	memcpy(l->v[l->n].addr, a, n);
	l->n++;
	return 0;
}

/* Append the addresses of l to h (takes nothing from l). */
static int hostres_add_addrs(struct dc_hostres *h, const struct addrlist *l)
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

/* getanswer_r_store_alias: keep a name only if it is a host name whose
 * text fits glibc's buffer.  Returns 1 kept, 0 skipped, -1 no memory. */
static int store_alias(struct strlist *l, const uint8_t *wire)
{
	char text[HOSTNAME_TEXT];

	if (!binary_hnok(wire) || name_ntop(wire, text, sizeof(text)) < 0)
		return 0;
	return strlist_add(l, text) < 0 ? -1 : 1;
}

/* ----------------------------------------------------- getanswer_r */

dc_status dc_dns_parse_addrs(const uint8_t *msg, size_t len, int qtype,
			     struct dc_hostres *h)
{
	struct strlist names = { 0 };
	struct addrlist addrs = { 0 };
	uint8_t expected_buf[DC_WIRE_NAME_MAX];
	const uint8_t *expected;
	uint32_t ttl = UINT32_MAX;
	struct cursor c;
	dc_status st;
	unsigned ancount;
	int r;

	if (h == NULL || (qtype != T_A && qtype != T_AAAA))
		return DC_EBADARG;
	if (msg == NULL || len < HDR_LEN)
		return DC_EBADRESP;
	/* __res_context_query: an error rcode or an empty answer section
	 * fails the query (and the search goes on). */
	if (!hdr_answered(msg))
		return answer_status(msg);
	h->answered = 1;
	if (!cursor_init(&c, msg, len))
		return DC_EBADRESP;           /* nss_dns: UNAVAIL, NO_RECOVERY */

	/* getanswer_r: the question name is the first alias; a question
	 * name that is not a host name is NOTFOUND, HOST_NOT_FOUND. */
	r = store_alias(&names, qname(&c));
	if (r < 0) {
		st = DC_ENOMEM;
		goto out;
	}
	if (r == 0) {
		st = DC_ENOTFOUND;
		goto out;
	}

	expected = qname(&c);
	ancount = hdr_ancount(msg);
	for (; ancount > 0; ancount--) {
		struct rr rr;

		if (!cursor_next(&c, &rr)) {
			st = DC_EBADRESP;     /* UNAVAIL, NO_RECOVERY */
			goto out;
		}
		if (rr.cls != C_IN)
			continue;
		if (rr.type == T_CNAME || rr.type == qtype)
			ttl_min(&ttl, rr.ttl);
		if (rr.type == T_CNAME) {
			/* No owner check ("historic precedent"); the
			 * target is the new expected name. */
			if (name_unpack(c.begin, c.end, rr.rdata, expected_buf,
					sizeof(expected_buf)) < 0) {
				st = DC_EBADRESP;
				goto out;
			}
			if (store_alias(&names, expected_buf) < 0) {
				st = DC_ENOMEM;
				goto out;
			}
			expected = expected_buf;
		} else if (rr.type == qtype && same_name(rr.name, expected) &&
			   rr.rdlen == rdata_len(qtype)) {
			if (addrlist_add(&addrs, qtype == T_A ? AF_INET : AF_INET6,
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

		if (hostres_add_addrs(h, &addrs) < 0) {
			st = DC_ENOMEM;
			goto out;
		}
		free(h->name);
		free_names(h->aliases, h->naliases);
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
	} else if (hostres_add_addrs(h, &addrs) < 0) {
		st = DC_ENOMEM;
		goto out;
	}
	ttl_min(&h->ttl, ttl);
	st = DC_OK;
out:
	free_names(names.v, names.n);
	free(addrs.v);
	return st;
}

/* ------------------------------------------------ gaih_getanswer_slice */

enum slice { S_SUCCESS, S_NOTFOUND, S_UNAVAIL, S_NOMEM };

struct gaih_acc {
	struct addrlist addrs;
	char *canon;               /* name of the first tuple */
	uint32_t ttl;
};

static enum slice gaih_slice(const uint8_t *msg, size_t len, struct gaih_acc *acc,
			     int store_canon)
{
	uint8_t expected_buf[DC_WIRE_NAME_MAX], canon_buf[DC_WIRE_NAME_MAX];
	const uint8_t *expected, *canon;
	struct cursor c;
	unsigned ancount;
	int have = 0, qtype;

	if (!cursor_init(&c, msg, len))
		return S_UNAVAIL;
	qtype = c.qtype;              /* the answer's own question type */
	ancount = hdr_ancount(msg);
	expected = canon = qname(&c);
	if (ancount == 0 || !binary_hnok(canon))
		return S_NOTFOUND;
	for (; ancount > 0; ancount--) {
		struct rr rr;

		if (!cursor_next(&c, &rr))
			return S_UNAVAIL;  /* tuples linked so far stay */
		/* No class check in gaih_getanswer_slice. */
		if (rr.type == T_CNAME || rr.type == qtype)
			ttl_min(&acc->ttl, rr.ttl);
		if (rr.type == T_CNAME) {
			if (name_unpack(c.begin, c.end, rr.rdata, expected_buf,
					sizeof(expected_buf)) < 0)
				return S_UNAVAIL;
			expected = expected_buf;
			if (store_canon && binary_hnok(expected_buf)) {
				memcpy(canon_buf, expected_buf, sizeof(canon_buf));
				canon = canon_buf;
			}
		} else if (rr.type == qtype && same_name(rr.name, expected) &&
			   rr.rdlen == rdata_len(qtype)) {
			if (store_canon) {
				char text[HOSTNAME_TEXT];

				/* canon is a host name: ntop cannot fail. */
				if (name_ntop(canon, text, sizeof(text)) < 0)
					text[0] = '\0';
				free(acc->canon);
				acc->canon = strdup(text);
				if (!acc->canon)
					return S_NOMEM;
				store_canon = 0;
			}
			if (addrlist_add(&acc->addrs, rr.rdlen == 4 ? AF_INET : AF_INET6,
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
	if (p1 && p2 && hdr_send_error(p1) != hdr_send_error(p2)) {
		if (hdr_send_error(p1))
			p1 = NULL;
		else
			p2 = NULL;
	}
	/* Both (or the only one) rejected: TRY_AGAIN; the buffer holds the
	 * first answer, whose rcode the search looks at. */
	if (hdr_send_error(p1 ? p1 : p2) && (!p1 || !p2 || hdr_send_error(p2)))
		return answer_status(p1 ? p1 : p2);

	/* __res_context_query for T_QUERY_A_AND_AAAA: success if either
	 * answer has rcode NOERROR and answer records; otherwise h_errno
	 * follows the first answer's rcode, or the second's if the first
	 * is NOERROR (the other switch branches are unreachable then). */
	hp = p1 ? p1 : p2;
	hp2 = p2 ? p2 : hp;
	if (!hdr_answered(hp) && !hdr_answered(hp2))
		return rcode_status(hdr_rcode(hp) == RC_NOERROR ?
				    hdr_rcode(hp2) : hdr_rcode(hp));
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
	if (hostres_add_addrs(h, &acc.addrs) < 0) {
		st = DC_ENOMEM;
		goto out;
	}
	ttl_min(&h->ttl, acc.ttl);
	st = DC_OK;
out:
	free(acc.canon);
	free(acc.addrs.v);
	return st;
}

/* ------------------------------------------------------ getanswer_ptr */

dc_status dc_dns_parse_ptr(const uint8_t *msg, size_t len, struct dc_hostres *h)
{
	uint8_t expected_buf[DC_WIRE_NAME_MAX], target[DC_WIRE_NAME_MAX];
	const uint8_t *expected;
	uint32_t ttl = UINT32_MAX;
	struct cursor c;
	unsigned ancount;

	if (h == NULL)
		return DC_EBADARG;
	if (msg == NULL || len < HDR_LEN)
		return DC_EBADRESP;
	if (!hdr_answered(msg))
		return answer_status(msg);
	h->answered = 1;
	if (!cursor_init(&c, msg, len))
		return DC_EBADRESP;
	expected = qname(&c);
	for (ancount = hdr_ancount(msg); ancount > 0; ancount--) {
		struct rr rr;

		if (!cursor_next(&c, &rr))
			return DC_EBADRESP;
		if (rr.cls != C_IN)
			continue;
		if (rr.type == T_CNAME || rr.type == T_PTR)
			ttl_min(&ttl, rr.ttl);
		if (rr.type == T_CNAME) {
			if (name_unpack(c.begin, c.end, rr.rdata, expected_buf,
					sizeof(expected_buf)) < 0)
				return DC_EBADRESP;
			expected = expected_buf;
		} else if (rr.type == T_PTR && same_name(rr.name, expected)) {
			char text[HOSTNAME_TEXT];
			char *name;

			/* The first matching PTR decides: a target that is
			 * not a host name fails the lookup (CVE-2026-4438
			 * fix), glibc does not try the next record. */
			if (name_unpack(c.begin, c.end, rr.rdata, target,
					sizeof(target)) < 0 ||
			    !binary_hnok(target) ||
			    name_ntop(target, text, sizeof(text)) < 0)
				return DC_EBADRESP;
			name = strdup(text);
			if (!name)
				return DC_ENOMEM;
			free(h->name);
			h->name = name;
			ttl_min(&h->ttl, ttl);
			return DC_OK;
		}
	}
	return NOADDR_STATUS;     /* glibc: TRYAGAIN, NO_RECOVERY, ENOENT */
}

/* ------------------------------------------------------- reverse names */

dc_status dc_dns_ptr_name(int family, const void *addr, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *a = addr;
	char buf[80], *p = buf;
	size_t n;

	if (addr == NULL || out == NULL)
		return DC_EBADARG;
	if (family == AF_INET) {
		for (int i = 3; i >= 0; i--) {
			unsigned v = a[i];

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = '.';
		}
		memcpy(p, "in-addr.arpa", sizeof("in-addr.arpa"));
	} else if (family == AF_INET6) {
		for (int i = 15; i >= 0; i--) {
			*p++ = hex[a[i] & 0xf];
			*p++ = '.';
			*p++ = hex[a[i] >> 4];
			*p++ = '.';
		}
		memcpy(p, "ip6.arpa", sizeof("ip6.arpa"));
	} else {
		return DC_EBADARG;
	}
	n = strlen(buf) + 1;
	if (n > outlen)
		return DC_EBADARG;
	memcpy(out, buf, n);
	return DC_OK;
}

dc_status dc_dns_addr_unmap(int *af, const void **addr, size_t *len)
{
	static const uint8_t mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };
	static const uint8_t tunnelled[12] = { 0 };
	static const uint8_t v6local[4] = { 0,0,0,1 };
	const uint8_t *a;

	if (af == NULL || addr == NULL || len == NULL || *addr == NULL)
		return DC_EBADARG;
	a = *addr;
	if (*af == AF_INET6 && *len == 16 &&
	    (memcmp(a, mapped, 12) == 0 ||
	     (memcmp(a, tunnelled, 12) == 0 && memcmp(a + 12, v6local, 4) != 0))) {
		*addr = a + 12;
		*af = AF_INET;
		*len = 4;
		return DC_OK;
	}
	if (*af == AF_INET)
		return *len >= 4 ? DC_OK : DC_EBADARG;
	if (*af == AF_INET6)
		return *len >= 16 ? DC_OK : DC_EBADARG;
	return DC_EBADARG;
}
