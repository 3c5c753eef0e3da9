/* dc_resolve_log.c - the debug log of lookups (dc_log.h, config "log"):
 * one line per lookup, naming the server that answered or, when none did,
 * each server's certificate state. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>

#include "dc_ctx.h"
#include "dc_log.h"
#include "dc_resolve_int.h"

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
	if (lk->how)
		srv[0] = '\0';
	else
		servers_str(lk, srv, sizeof(srv));
	dc_log(lk->ctx->cfg.log_target, "%s %s: %s%s%s%s in %llu ms",
	       program_invocation_short_name, what,
	       rc == DC_OK ? "ok" : dc_strerror(rc), detail ? detail : "",
	       lk->how ? lk->how : "", srv,
	       (unsigned long long)(dc_now_ms() - lk->start_ms));
}
