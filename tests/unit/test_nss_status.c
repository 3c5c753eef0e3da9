/* SPDX-License-Identifier: ISC */
/* test_nss_status.c - every dc_status through dc_nss_status. */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <string.h>

#include "t.h"
#include "dc_status.h"
#include "../../nss/nss_status.h"

struct row {
	dc_status st;
	enum nss_status ns;
	int err;      /* -1: untouched */
	int herr;
};

static const struct row rows[] = {
	{ DC_OK,           NSS_STATUS_SUCCESS,  -1,     NETDB_SUCCESS },
	{ DC_ENOTFOUND,    NSS_STATUS_NOTFOUND, ENOENT, HOST_NOT_FOUND },
	{ DC_ENODATA,      NSS_STATUS_NOTFOUND, ENOENT, NO_DATA },
	{ DC_ETIMEOUT,     NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_ECONNREFUSED, NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_EBADRESP,     NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_EBADFRAME,    NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_ESERVFAIL,    NSS_STATUS_NOTFOUND, EAGAIN, TRY_AGAIN },
	{ DC_EREFUSED,     NSS_STATUS_NOTFOUND, EAGAIN, TRY_AGAIN },
	{ DC_ECERT,        NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_ENOMEM,       NSS_STATUS_TRYAGAIN, ENOMEM, NETDB_INTERNAL },
	{ DC_ERANGE,       NSS_STATUS_TRYAGAIN, ERANGE, NETDB_INTERNAL },
	{ DC_EBADNAME,     NSS_STATUS_NOTFOUND, ENOENT, HOST_NOT_FOUND },
	{ DC_ENOQUERY,     NSS_STATUS_NOTFOUND, ENOENT, NO_RECOVERY },
	{ DC_EBADARG,      NSS_STATUS_TRYAGAIN, EINVAL, NETDB_INTERNAL },
	{ DC_ECONFIG,      NSS_STATUS_UNAVAIL,  ENOENT, NO_RECOVERY },
	{ DC_EPARSE,       NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_ESYS,         NSS_STATUS_TRYAGAIN, EMFILE, NETDB_INTERNAL },
	{ DC_ECONFREAD,    NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_ECONFBAD,     NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_EBOGUS,       NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_EDNSSEC,      NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
	{ DC_STATUS_MAX,   NSS_STATUS_TRYAGAIN, EAGAIN, TRY_AGAIN },
};

int main(void)
{
	int seen[DC_STATUS_MAX + 1];
	int e, h;

	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		enum nss_status ns;

		e = 12345;
		h = 12345;
		errno = EMFILE;    /* the DC_ESYS case reads errno */
		ns = dc_nss_status(r->st, &e, &h);
		seen[r->st] = 1;
		T_EQ_INT(ns, r->ns, "%s: nss status", dc_strerror(r->st));
		T_EQ_INT(e, r->err == -1 ? 12345 : r->err, "%s: errno", dc_strerror(r->st));
		T_EQ_INT(h, r->herr, "%s: h_errno", dc_strerror(r->st));
		if (r->st != DC_OK) {
			T_OK(e != 0, "%s: failure sets errno", dc_strerror(r->st));
			T_OK(ns != NSS_STATUS_SUCCESS, "%s: not success", dc_strerror(r->st));
		}
		/* Privacy: UNAVAIL only for "not configured". */
		T_OK((ns == NSS_STATUS_UNAVAIL) == (r->st == DC_ECONFIG),
		     "%s: UNAVAIL only for DC_ECONFIG", dc_strerror(r->st));
		/* ERANGE only with TRYAGAIN + NETDB_INTERNAL, only for DC_ERANGE. */
		T_OK((e == ERANGE) == (r->st == DC_ERANGE),
		     "%s: ERANGE only for DC_ERANGE", dc_strerror(r->st));
	}
	for (int s = 0; s <= DC_STATUS_MAX; s++)
		T_OK(seen[s], "status %d is in the table", s);

	/* DC_ESYS never passes ERANGE or 0 on (glibc would loop growing). */
	errno = ERANGE;
	dc_nss_status(DC_ESYS, &e, &h);
	T_EQ_INT(e, EIO, "DC_ESYS with errno ERANGE gives EIO");
	errno = 0;
	dc_nss_status(DC_ESYS, &e, &h);
	T_EQ_INT(e, EIO, "DC_ESYS with errno 0 gives EIO");

	/* Out-of-range values are transient failures, never UNAVAIL. */
	T_EQ_INT(dc_nss_status((dc_status)999, &e, &h), NSS_STATUS_TRYAGAIN,
		 "unknown status: TRYAGAIN");
	T_EQ_INT(h, TRY_AGAIN, "unknown status: TRY_AGAIN");

	/* NULL errnop / h_errnop are tolerated. */
	T_EQ_INT(dc_nss_status(DC_ENOTFOUND, NULL, NULL), NSS_STATUS_NOTFOUND,
		 "NULL pointers");

	/* The resolver's h_errno (res_search / res_query under nss_dns). */
	T_EQ_INT(dc_nss_res_herrno(DC_OK, NETDB_SUCCESS, 1), HOST_NOT_FOUND,
		 "forward success: HOST_NOT_FOUND, as res_search leaves it");
	T_EQ_INT(dc_nss_res_herrno(DC_ERANGE, NETDB_INTERNAL, 1), HOST_NOT_FOUND,
		 "forward ERANGE: the query succeeded, HOST_NOT_FOUND");
	T_EQ_INT(dc_nss_res_herrno(DC_OK, NETDB_SUCCESS, 0), -1,
		 "reverse success: untouched, as res_query leaves it");
	T_EQ_INT(dc_nss_res_herrno(DC_ERANGE, NETDB_INTERNAL, 0), -1,
		 "reverse ERANGE: untouched");
	for (int s = 0; s <= DC_STATUS_MAX; s++) {
		if (s == DC_OK || s == DC_ERANGE)
			continue;
		dc_nss_status((dc_status)s, &e, &h);
		for (int fwd = 0; fwd < 2; fwd++)
			T_EQ_INT(dc_nss_res_herrno((dc_status)s, h, fwd),
				 s == DC_ECONFIG || s == DC_EBADARG || s == DC_EBADNAME ? -1 : h,
				 "%s (%s): %s", dc_strerror((dc_status)s),
				 fwd ? "forward" : "reverse",
				 s == DC_ECONFIG || s == DC_EBADARG || s == DC_EBADNAME ?
				 "no query, untouched" :
				 "the failure's h_errno");
	}
	T_DONE();
}
