/* SPDX-License-Identifier: ISC */
/* dc_resolve_log.c - the debug log of lookups (dc_log.h, config "log"):
 * one line per lookup, naming the server that answered or, when none did,
 * each server's certificate state.  The lines are made here, in frames of
 * their own, not in the lookup's (1 KB each: a lookup runs in 16 KiB of
 * stack). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <ares.h>

#include "dc_ctx.h"
#include "dc_log.h"
#include "dc_resolve_int.h"
#include "dc_wire.h"

const char *dc_lookup_family_str(int family)
{
	return family == AF_INET ? "A" : family == AF_INET6 ? "AAAA" : "A+AAAA";
}

/* "via ADDR (PROVIDER)" for the server that answered, else each server's
 * certificate state. */
static void servers_str(const struct dc_lookup *lk, char *buf, size_t len)
{
	const struct dc_ctx *c = lk->ctx;
	char addr[64];
	size_t o = 0;
	int s = lk->server;

	buf[0] = '\0';
	if (s >= 0 && s < c->cfg.nservers) {
		dc_stamp_addr_str(&c->cfg.servers[s], addr, sizeof(addr));
		snprintf(buf, len, " via %s (%s, certificate serial %u%s)", addr,
			 c->cfg.servers[s].provider_name, c->cert[s].serial,
			 lk->tcp ? ", TCP" : "");
		return;
	}
	for (int i = 0; i < c->cfg.nservers && o < len; i++) {
		const struct dc_certinfo *ci = &c->cert[i];
		int n;
		dc_stamp_addr_str(&c->cfg.servers[i], addr, sizeof(addr));
		n = snprintf(buf + o, len - o, "; server %s: %s", addr,
			     ci->status == DC_OK ? "certificate ok" :
			     ci->status == DC_ECERT ?
			     dc_cert_check_str((dc_cert_check)ci->check) :
			     dc_strerror(ci->status));
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

void dc_lookup_log_write(const struct dc_lookup *lk, const char *what,
			 dc_status rc, const char *detail)
{
	char srv[512];

	if (lk->ctx == NULL || !dc_log_enabled(lk->ctx->cfg.log_target))
		return;
	if (rc == DC_EBOGUS || rc == DC_EDNSSEC)
		/* Which zone, which record, what failed; or why there is
		 * no validator. */
		snprintf(srv, sizeof(srv), ": %s", lk->ctx->secinfo.why);
	else if (lk->how)
		srv[0] = '\0';
	else
		servers_str(lk, srv, sizeof(srv));
	dc_log(lk->ctx->cfg.log_target, "%s %s: %s%s%s%s in %llu ms",
	       program_invocation_short_name, what,
	       rc == DC_OK ? "ok" : dc_strerror(rc), detail ? detail : "",
	       lk->how ? lk->how : "", srv,
	       (unsigned long long)(dc_now_ms() - lk->start_ms));
}

void dc_lookup_log_name(const struct dc_lookup *lk, const char *name, int family,
			dc_status rc, const struct dc_hostres *out)
{
	char what[DC_NAME_MAX + 16], detail[48] = "";

	snprintf(what, sizeof(what), "%s %s", name, dc_lookup_family_str(family));
	if (rc == DC_OK)
		snprintf(detail, sizeof(detail), ", %d address%s", out->naddrs,
			 out->naddrs == 1 ? "" : "es");
	dc_lookup_log_write(lk, what, rc, detail);
}

void dc_lookup_log_addr(const struct dc_lookup *lk, int family, const void *addr,
			dc_status rc, const struct dc_hostres *out)
{
	char a[INET6_ADDRSTRLEN] = "?", what[INET6_ADDRSTRLEN + 8], detail[DC_NAME_MAX + 8] = "";

	if (family == AF_INET || family == AF_INET6)
		inet_ntop(family, addr, a, sizeof(a));
	snprintf(what, sizeof(what), "%s PTR", a);
	if (rc == DC_OK && out->name)
		snprintf(detail, sizeof(detail), ", %s", out->name);
	dc_lookup_log_write(lk, what, rc, detail);
}

void dc_lookup_log_raw(const struct dc_lookup *lk, const char *name, int dnsclass,
		       int type, int search, dc_status rc)
{
	char what[DC_NAME_MAX + 48];

	snprintf(what, sizeof(what), "%s class %d type %d (%s)", name ? name : "",
		 dnsclass, type, search ? "with the search list" : "as given");
	dc_lookup_log_write(lk, what, rc, NULL);
}

void dc_lookup_log_msg(const struct dc_lookup *lk, const uint8_t *msg, size_t len,
		       const uint8_t *ans, size_t anslen, dc_status rc)
{
	char what[DC_NAME_MAX + 48] = "a message (res_send)", detail[32] = "";
	char *qname = NULL;
	long nl;

	/* The question's name, if the caller's message has one. */
	if (len > 12 && dc_get16(msg + 4) > 0 &&
	    ares_expand_name(msg + 12, msg, (int)len, &qname, &nl) == ARES_SUCCESS) {
		snprintf(what, sizeof(what), "%s (res_send)", qname);
		ares_free_string(qname);
	}
	if (rc == DC_OK && anslen >= 12)
		snprintf(detail, sizeof(detail), ", rcode %d", ans[3] & 0x0f);
	dc_lookup_log_write(lk, what, rc, detail);
}
