/* SPDX-License-Identifier: ISC */
/* test_search.c - glibc 2.36 __res_context_search order and stop rules. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "dc_search.h"

static struct dc_search S;

static void setup(int ndots, unsigned flags, int n, ...)
{
	va_list ap;

	memset(&S, 0, sizeof(S));
	S.ndots = ndots;
	S.flags = flags;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		strcpy(S.domains[S.ndomains++], va_arg(ap, const char *));
	va_end(ap);
}

#define DEF (DC_SEARCH_DNSRCH | DC_SEARCH_DEFNAMES)

/* The candidates, joined with spaces. */
static const char *cands(const char *name)
{
	static char out[DC_SEARCH_MAXCAND * DC_NAME_MAX];
	char c[DC_SEARCH_MAXCAND][DC_NAME_MAX];
	int n = dc_search_candidates(&S, name, c, DC_SEARCH_MAXCAND);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(out, " ");
		strcat(out, c[i]);
	}
	return out;
}

#define T_CANDS(name, want, ...) do {                                     \
	const char *got_ = cands(name);                                   \
	T_OK(strcmp(got_, want) == 0, __VA_ARGS__);                       \
	if (strcmp(got_, want) != 0)                                      \
		printf("#   got '%s', want '%s'\n", got_, want);          \
} while (0)

static void test_order(void)
{
	setup(1, DEF, 2, "a.com", "b.com");
	T_CANDS("www", "www.a.com www.b.com www", "ndots 1, 0 dots: domains, then as is");
	T_CANDS("www.x", "www.x www.x.a.com www.x.b.com", "ndots 1, 1 dot: as is first");
	T_CANDS("a.b.c", "a.b.c a.b.c.a.com a.b.c.b.com", "ndots 1, 2 dots: as is first");
	T_CANDS("www.", "www.", "trailing dot: only as is");
	T_CANDS("www.x.", "www.x.", "trailing dot, 1 dot: only as is");
	T_CANDS(".", ".", "root");

	setup(2, DEF, 2, "a.com", "b.com");
	T_CANDS("www", "www.a.com www.b.com www", "ndots 2, 0 dots");
	T_CANDS("www.x", "www.x.a.com www.x.b.com www.x", "ndots 2, 1 dot: as is last");
	T_CANDS("a.b.c", "a.b.c a.b.c.a.com a.b.c.b.com", "ndots 2, 2 dots: as is first");

	setup(5, DEF, 2, "a.com", "b.com");
	T_CANDS("www", "www.a.com www.b.com www", "ndots 5, 0 dots");
	T_CANDS("www.x", "www.x.a.com www.x.b.com www.x", "ndots 5, 1 dot");
	T_CANDS("a.b.c", "a.b.c.a.com a.b.c.b.com a.b.c", "ndots 5, 2 dots");

	setup(0, DEF, 1, "a.com");
	T_CANDS("www", "www www.a.com", "ndots 0: as is first even without dots");

	setup(1, DEF, 0);
	T_CANDS("www", "www", "no domains, 0 dots");
	T_CANDS("www.x", "www.x", "no domains, 1 dot");

	/* The root on the list ("." or ""): "name." and no as-is query. */
	setup(1, DEF, 2, "a.com", ".");
	T_CANDS("www", "www.a.com www.", "root domain: name., no as is");
	setup(1, DEF, 1, ".a.com");
	T_CANDS("www", "www.a.com www", "one leading dot of a domain dropped");

	/* options no-tld-query: no as-is query for a searched dotless name. */
	setup(1, DEF | DC_SEARCH_NOTLDQUERY, 2, "a.com", "b.com");
	T_CANDS("www", "www.a.com www.b.com", "no-tld-query, 0 dots");
	T_CANDS("www.x", "www.x www.x.a.com www.x.b.com", "no-tld-query, 1 dot");
	setup(1, DEF | DC_SEARCH_NOTLDQUERY, 0);
	T_CANDS("www", "www", "no-tld-query without domains: as is");

	/* Without RES_DNSRCH: dotless names get the first domain only,
	 * names with dots are not searched. */
	setup(1, DC_SEARCH_DEFNAMES, 2, "a.com", "b.com");
	T_CANDS("www", "www.a.com www", "DEFNAMES only, 0 dots");
	T_CANDS("www.x", "www.x", "DEFNAMES only, 1 dot");
	setup(2, DC_SEARCH_DEFNAMES, 2, "a.com", "b.com");
	T_CANDS("www.x", "www.x", "DEFNAMES only, ndots 2, 1 dot");
	setup(1, DC_SEARCH_DNSRCH, 2, "a.com", "b.com");
	T_CANDS("www", "www", "DNSRCH only, 0 dots: not searched");
	T_CANDS("www.x", "www.x www.x.a.com www.x.b.com", "DNSRCH only, 1 dot");

	/* A name + domain res_mkquery cannot encode ends the domains. */
	{
		char name[300], want[2000];

		memset(name, 'n', 63);
		name[63] = '.';
		memset(name + 64, 'm', 63);
		name[127] = '.';
		memset(name + 128, 'o', 63);
		name[191] = '\0';                     /* 191 characters */
		setup(5, DEF, 3, "a.com",
		      "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd.e",
		      "b.com");
		snprintf(want, sizeof(want), "%s.a.com %s", name, name);
		T_CANDS(name, want, "too long with the 2nd domain: 3rd skipped, as is last");
	}
	/* An empty name: ".a.com" is not a name; "" as is fails (glibc's
	 * length check wraps). */
	setup(1, DEF, 1, "a.com");
	T_CANDS("", "", "empty name: no candidate");

	T_EQ_INT(dc_search_candidates(&S, "www", NULL, 8), 0, "NULL out");
	setup(1, DEF, 2, "a.com", "b.com");
	{
		char c[1][DC_NAME_MAX];
		T_EQ_INT(dc_search_candidates(&S, "www", c, 1), 1, "max 1");
		T_OK(strcmp(c[0], "www.a.com") == 0, "max 1: first");
	}
}

/* Run a search with the outcome of each candidate from a table (by
 * position in the candidate list); returns the final status and the
 * indices asked, as a string. */
static dc_status run(const char *name, const dc_status *res, char *asked)
{
	struct dc_search_state st;
	int i, stop = 0, n = 0;

	asked[0] = '\0';
	dc_search_begin(&st, &S, name);
	i = st.next;
	while (i >= 0 && n++ < 20) {
		char tmp[16];

		snprintf(tmp, sizeof(tmp), "%d", i);
		strcat(asked, tmp);
		i = dc_search_step(&st, i, res[i], &stop);
		T_OK(stop == (i < 0), "stop flag matches (%s)", name);
	}
	return dc_search_final(&st);
}

#define T_RUN(name, want_st, want_asked, ...) do {                        \
	static const dc_status r_[] = { __VA_ARGS__ };                    \
	char a_[64];                                                      \
	dc_status s_ = run(name, r_, a_);                                 \
	T_OK(s_ == want_st && strcmp(a_, want_asked) == 0,                \
	     "%s %s -> %s, asked %s", name, #__VA_ARGS__, #want_st, want_asked); \
	if (s_ != want_st || strcmp(a_, want_asked) != 0)                 \
		printf("#   got %s, asked %s\n", dc_strerror(s_), a_);     \
} while (0)

static void test_steps(void)
{
	/* "www", ndots 1: [0] www.a.com [1] www.b.com [2] www */
	setup(1, DEF, 2, "a.com", "b.com");
	T_RUN("www", DC_ENOTFOUND, "012", DC_ENOTFOUND, DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www", DC_OK, "01", DC_ENOTFOUND, DC_OK, DC_ENOTFOUND);
	T_RUN("www", DC_OK, "0", DC_OK, DC_ENOTFOUND, DC_ENOTFOUND);
	/* NODATA is remembered over a later NXDOMAIN. */
	T_RUN("www", DC_ENODATA, "012", DC_ENODATA, DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www", DC_ENODATA, "012", DC_ENOTFOUND, DC_ENOTFOUND, DC_ENODATA);
	/* SERVFAIL goes on; TRY_AGAIN at the end unless NODATA. */
	T_RUN("www", DC_ESERVFAIL, "012", DC_ESERVFAIL, DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www", DC_ENODATA, "012", DC_ESERVFAIL, DC_ENODATA, DC_ENOTFOUND);
	T_RUN("www", DC_OK, "012", DC_ESERVFAIL, DC_ESERVFAIL, DC_OK);
	/* A timeout, REFUSED or a bad answer ends the domains: as is next. */
	T_RUN("www", DC_ENOTFOUND, "02", DC_ETIMEOUT, DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www", DC_ETIMEOUT, "02", DC_ETIMEOUT, DC_ENOTFOUND, DC_ETIMEOUT);
	T_RUN("www", DC_EREFUSED, "02", DC_EREFUSED, DC_ENOTFOUND, DC_EREFUSED);
	T_RUN("www", DC_ENODATA, "012", DC_ENODATA, DC_ETIMEOUT, DC_ENOTFOUND);
	T_RUN("www", DC_ENODATA, "012", DC_ENODATA, DC_EBADRESP, DC_ENOTFOUND);
	/* Connection refused ends everything. */
	T_RUN("www", DC_ECONNREFUSED, "0", DC_ECONNREFUSED, DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www", DC_ECONNREFUSED, "01", DC_ENODATA, DC_ECONNREFUSED, DC_ENOTFOUND);
	/* Ours: failures that do not depend on the name end everything. */
	T_RUN("www", DC_ECERT, "0", DC_ECERT, DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www", DC_ENOMEM, "01", DC_ENODATA, DC_ENOMEM, DC_ENOTFOUND);
	T_RUN("www", DC_ECONFIG, "012", DC_ENOTFOUND, DC_ENOTFOUND, DC_ECONFIG);

	/* "www.x", ndots 1: [0] www.x (first) [1] www.x.a.com [2] www.x.b.com */
	T_RUN("www.x", DC_ENOTFOUND, "012", DC_ENOTFOUND, DC_ENODATA, DC_ENOTFOUND);
	T_RUN("www.x", DC_ENODATA, "012", DC_ENODATA, DC_ENOTFOUND, DC_ESERVFAIL);
	T_RUN("www.x", DC_ETIMEOUT, "012", DC_ETIMEOUT, DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www.x", DC_ESERVFAIL, "012", DC_ESERVFAIL, DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www.x", DC_ENOTFOUND, "01", DC_ENOTFOUND, DC_ETIMEOUT, DC_ENOTFOUND);
	T_RUN("www.x", DC_OK, "01", DC_ENODATA, DC_OK, DC_ENOTFOUND);
	T_RUN("www.x", DC_ENOTFOUND, "01", DC_ENOTFOUND, DC_EREFUSED, DC_OK);
	/* ... a refused connection in the domains ends it. */
	T_RUN("www.x", DC_ECONNREFUSED, "01", DC_ENOTFOUND, DC_ECONNREFUSED, DC_OK);
	/* ... but not when tried as is first. */
	T_RUN("www.x", DC_ECONNREFUSED, "012", DC_ECONNREFUSED, DC_ENOTFOUND, DC_ENODATA);

	/* Trailing dot: one query, its status. */
	T_RUN("www.x.", DC_ENOTFOUND, "0", DC_ENOTFOUND);
	T_RUN("www.x.", DC_ETIMEOUT, "0", DC_ETIMEOUT);
	T_RUN("www.x.", DC_ENODATA, "0", DC_ENODATA);

	/* No domains. */
	setup(1, DEF, 0);
	T_RUN("www", DC_ENODATA, "0", DC_ENODATA);
	T_RUN("www", DC_ESERVFAIL, "0", DC_ESERVFAIL);

	/* Root on the list: the last result stands (no as-is query). */
	setup(1, DEF, 2, "a.com", ".");
	T_RUN("www", DC_ENOTFOUND, "01", DC_ENOTFOUND, DC_ENOTFOUND);
	T_RUN("www", DC_ETIMEOUT, "0", DC_ETIMEOUT, DC_ENOTFOUND);

	/* Names that cannot be sent fail without a query (NO_RECOVERY). */
	setup(1, DEF, 1, "a.com");
	T_RUN("", DC_ENOQUERY, "");
	{
		struct dc_search_state st;

		dc_search_begin(&st, &S, "");
		T_EQ_INT(st.next, -1, "empty name: nothing to ask");
		T_EQ_INT(dc_search_step(&st, 0, DC_OK, NULL), -1, "step after the end: -1");
		T_EQ_INT(dc_search_final(&st), DC_ENOQUERY, "empty name: ENOQUERY");
		dc_search_begin(&st, NULL, "www");
		T_EQ_INT(dc_search_final(&st), DC_ENOTFOUND, "no settings: never queried");
	}
	/* A candidate skipped by the rules but asked anyway is recorded. */
	setup(1, DEF, 2, "a.com", "b.com");
	{
		struct dc_search_state st;

		dc_search_begin(&st, &S, "www");
		T_EQ_INT(dc_search_step(&st, 0, DC_ETIMEOUT, NULL), 2, "timeout: jump to 2");
		T_EQ_INT(dc_search_step(&st, 2, DC_ENOTFOUND, NULL), -1, "as is last: over");
		T_EQ_INT(dc_search_final(&st), DC_ENOTFOUND, "last status");
	}
}

static void test_init(void)
{
	struct dc_config cfg;
	struct dc_search s;

	/* glibc's own reading: LOCALDOMAIN and RES_OPTIONS override the
	 * file (res_ninit). */
	setenv("LOCALDOMAIN", "one.test two.test", 1);
	setenv("RES_OPTIONS", "ndots:3 no-tld-query no-aaaa", 1);
	dc_search_init(&s, NULL);
	T_EQ_INT(s.ndots, 3, "init: ndots from RES_OPTIONS");
	T_EQ_INT(s.ndomains, 2, "init: domains from LOCALDOMAIN");
	T_OK(s.ndomains == 2 && strcmp(s.domains[0], "one.test") == 0 &&
	     strcmp(s.domains[1], "two.test") == 0, "init: domain names");
	T_OK((s.flags & DEF) == DEF, "init: DNSRCH and DEFNAMES");
	T_OK(s.flags & DC_SEARCH_NOTLDQUERY, "init: no-tld-query");
	T_OK(s.flags & DC_SEARCH_NOAAAA, "init: no-aaaa");

	memset(&cfg, 0, sizeof(cfg));
	cfg.ndots = 2;
	cfg.nsearch = -1;
	dc_search_init(&s, &cfg);
	T_EQ_INT(s.ndots, 2, "init: ndots from the config");
	T_EQ_INT(s.ndomains, 2, "init: domains still from resolv.conf");

	cfg.ndots = -1;
	cfg.nsearch = 1;
	strcpy(cfg.search[0], "cfg.test");
	dc_search_init(&s, &cfg);
	T_EQ_INT(s.ndots, 3, "init: ndots from resolv.conf");
	T_OK(s.ndomains == 1 && strcmp(s.domains[0], "cfg.test") == 0, "init: config domains");

	cfg.nsearch = 0;
	cfg.ndots = 40;
	dc_search_init(&s, &cfg);
	T_EQ_INT(s.ndomains, 0, "init: search none");
	T_EQ_INT(s.ndots, 15, "init: ndots capped at 15");

	setenv("LOCALDOMAIN", "d1 d2 d3 d4 d5 d6 d7 d8", 1);
	dc_search_init(&s, NULL);
	T_OK(s.ndomains <= DC_MAX_SEARCH, "init: at most %d domains (%d)", DC_MAX_SEARCH, s.ndomains);
	unsetenv("LOCALDOMAIN");
	unsetenv("RES_OPTIONS");
	dc_search_init(&s, NULL);
	T_OK(s.ndots >= 0 && s.ndots <= 15 && s.ndomains >= 0 &&
	     s.ndomains <= DC_MAX_SEARCH, "init: system resolv.conf sane");
}

int main(void)
{
	test_order();
	test_steps();
	test_init();
	T_DONE();
}
