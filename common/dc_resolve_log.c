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
static void servers_str(const struct dc_ctx *c, char *buf, size_t len)
{
	const struct dc_diag *d = &c->diag;
	char addr[64];
	size_t o = 0;

	buf[0] = '\0';
	if (d->server >= 0 && d->server < c->cfg.nservers) {
		dc_stamp_addr_str(&c->cfg.servers[d->server], addr, sizeof(addr));
		snprintf(buf, len, " via %s (%s, certificate serial %u)", addr,
			 c->cfg.servers[d->server].provider_name, d->cert_serial[d->server]);
		return;
	}
	for (int i = 0; i < c->cfg.nservers && o < len; i++) {
		int n;
		dc_stamp_addr_str(&c->cfg.servers[i], addr, sizeof(addr));
		n = snprintf(buf + o, len - o, "; server %s: %s", addr,
			     d->cert_status[i] == DC_OK ? "certificate ok" :
			     d->cert_status[i] == DC_ECERT ?
			     dc_cert_check_str((dc_cert_check)d->cert_check[i]) :
			     dc_strerror(d->cert_status[i]));
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

void dc_lookup_log_write(const struct dc_lookup_log *lg, const char *what,
			 dc_status rc, const char *detail)
{
	char srv[512];

	if (lg->ctx == NULL || !dc_log_enabled(lg->ctx->cfg.log_target))
		return;
	if (lg->how)
		srv[0] = '\0';
	else
		servers_str(lg->ctx, srv, sizeof(srv));
	dc_log(lg->ctx->cfg.log_target, "%s %s: %s%s%s%s in %llu ms",
	       program_invocation_short_name, what,
	       rc == DC_OK ? "ok" : dc_strerror(rc), detail ? detail : "",
	       lg->how ? lg->how : "", srv,
	       (unsigned long long)(dc_now_ms() - lg->start));
}
