/* SPDX-License-Identifier: ISC */
/* dc_config.c - /etc/nss-dnscrypt.conf and the environment overrides:
 * the text of the file (lines, words, the keyword table that hands each
 * line to its handler in dc_config_kw.c or dc_config_route.c) and the
 * checks made once the whole file is read (udp-max, routes, the require-*
 * options); reading the file and the environment is dc_config_load.c's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dc_config_int.h"
#include "dc_dnssec.h"

#define MAX_ARGS 16

/* "name:line: reason" */
dc_status dc_cfg_perr(struct dc_cfg_parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	dc_set_err(p->err, p->errlen, "%s:%d: %s", p->name, p->line, msg);
	return DC_ECONFBAD;
}

/* A token made fit for a one-line message: printable ASCII, cut at 64. */
const char *dc_cfg_shown(const char *s, char *buf, size_t len)
{
	size_t i, j = 0;

	for (i = 0; s[i] != '\0' && j + 4 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[j++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		if (i == 63 && s[i + 1] != '\0') {
			memcpy(buf + j, "...", 3);
			j += 3;
			break;
		}
	}
	buf[j] = '\0';
	return buf;
}

void dc_config_init(struct dc_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->timeout_ms = 500;
	cfg->attempts = 4;
	cfg->total_timeout_ms = 8000;
	cfg->ndots = -1;
	cfg->nsearch = -1;
	cfg->udp_size = 512;
	cfg->udp_max = 1252;
	cfg->cache = 1;
	memcpy(cfg->cert_cache_dir, DC_DEFAULT_CERT_CACHE, sizeof DC_DEFAULT_CERT_CACHE);
	memcpy(cfg->trust_anchor, DC_SEC_DEFAULT_ANCHOR, sizeof DC_SEC_DEFAULT_ANCHOR);
}

#define INT_KW(n, f, lo, hi, u) \
	{ n, dc_cfg_kw_int, 0, offsetof(struct dc_config, f), lo, hi, u }
#define BOOL_KW(n, f) \
	{ n, dc_cfg_kw_bool, 0, offsetof(struct dc_config, f), 0, 0, "" }

static const struct dc_cfg_keyword keywords[] = {
	{ "server", dc_cfg_kw_server, 1, 0, 0, 0, "" },
	INT_KW("timeout", timeout_ms, 50, 30000, " milliseconds"),
	INT_KW("attempts", attempts, 1, 10, ""),
	INT_KW("total-timeout", total_timeout_ms, 100, 60000, " milliseconds"),
	INT_KW("ndots", ndots, 0, 15, ""),
	{ "search", dc_cfg_kw_search, 0, 0, 0, 0, "" },
	INT_KW("udp-size", udp_size, 256, 4096, " bytes"),
	INT_KW("udp-max", udp_max, 256, 4096, " bytes"),
	BOOL_KW("cache", cache),
	BOOL_KW("tcp-only", tcp_only),
	{ "cert-cache", dc_cfg_kw_cert_cache, 0, 0, 0, 0, "" },
	{ "log", dc_cfg_kw_log, 0, 0, 0, 0, "" },
	{ "relay", dc_cfg_kw_relay, 1, 0, 0, 0, "" },
	{ "route", dc_cfg_kw_route, 1, 0, 0, 0, "" },
	BOOL_KW("direct-cert-fallback", direct_cert_fallback),
	BOOL_KW("require-dnssec", require_dnssec),
	BOOL_KW("require-nolog", require_nolog),
	BOOL_KW("require-nofilter", require_nofilter),
	BOOL_KW("ephemeral-keys", ephemeral_keys),
	{ "dnssec", dc_cfg_kw_dnssec, 0, 0, 0, 0, "" },
	{ "trust-anchor", dc_cfg_kw_anchor, 0, 0, 0, 0, "" },
	BOOL_KW("key-cache", key_cache),
};

_Static_assert(sizeof keywords / sizeof keywords[0] <=
	       sizeof ((struct dc_cfg_parser *)0)->seen / sizeof(int),
	       "struct dc_cfg_parser.seen is too small");

/* Split buf in place at spaces and tabs; a word starting with '#' ends
 * the line.  Returns the number of words, or -1 if more than max. */
static int split(char *buf, char **argv, int max)
{
	int argc = 0;
	char *s = buf;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			return argc;
		if (argc == max)
			return -1;
		argv[argc++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static dc_status parse_words(struct dc_cfg_parser *p, char **argv, int argc)
{
	char buf[80];
	size_t i;

	for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
		const struct dc_cfg_keyword *kw = &keywords[i];
		if (strcmp(argv[0], kw->name) != 0)
			continue;
		if (!kw->repeat && p->seen[i] != 0)
			return dc_cfg_perr(p, "%s given twice (first on line %d)", kw->name,
					   p->seen[i]);
		p->seen[i] = p->line;
		return kw->fn(p, kw, argv + 1, argc - 1);
	}
	return dc_cfg_perr(p, "unknown keyword '%s'",
			   dc_cfg_shown(argv[0], buf, sizeof buf));
}

static dc_status parse_line(struct dc_cfg_parser *p, const char *line, size_t n)
{
	char *buf = p->linebuf;
	char *argv[MAX_ARGS];
	size_t i;
	int argc;

	if (n > DC_CONFIG_LINE_MAX)
		return dc_cfg_perr(p, "line is longer than %d bytes",
				   DC_CONFIG_LINE_MAX);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == '\0')
			return dc_cfg_perr(p, "NUL byte in the line");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return dc_cfg_perr(p, "control character 0x%02x in the line", c);
	}
	memcpy(buf, line, n);
	buf[n] = '\0';
	argc = split(buf, argv, MAX_ARGS);
	if (argc < 0)
		return dc_cfg_perr(p, "more than %d words on the line", MAX_ARGS);
	if (argc == 0)
		return DC_OK;
	return parse_words(p, argv, argc);
}

uint64_t dc_config_required_props(const struct dc_config *cfg)
{
	return (cfg->require_dnssec ? DC_PROP_DNSSEC : 0) |
	       (cfg->require_nolog ? DC_PROP_NOLOG : 0) |
	       (cfg->require_nofilter ? DC_PROP_NOFILTER : 0);
}

/* require-*: drop the servers whose stamp lacks a required property
 * (dnscrypt-proxy's require_dnssec, require_nolog, require_nofilter). */
static dc_status apply_filters(struct dc_cfg_parser *p)
{
	struct dc_config *c = p->cfg;
	uint64_t need = dc_config_required_props(c);
	int i, n = 0, had = c->nservers;

	if (need == 0)
		return DC_OK;
	for (i = 0; i < c->nservers; i++) {
		if ((c->servers[i].props & need) != need)
			continue;
		if (n != i) {
			c->servers[n] = c->servers[i];
			memcpy(c->server_name[n], c->server_name[i], sizeof c->server_name[n]);
			memcpy(c->via[n], c->via[i], sizeof c->via[n]);
			c->nvia[n] = c->nvia[i];
		}
		n++;
	}
	for (i = n; i < c->nservers; i++) {
		memset(&c->servers[i], 0, sizeof c->servers[i]);
		c->server_name[i][0] = '\0';
		c->nvia[i] = 0;
	}
	c->nservers = n;
	if (had > 0 && n == 0) {
		p->line = p->require_line;
		return dc_cfg_perr(p, "none of the %d server(s) has the properties the "
				   "require-* options ask for (%s%s%s)", had,
				   c->require_dnssec ? " dnssec" : "",
				   c->require_nolog ? " nolog" : "",
				   c->require_nofilter ? " nofilter" : "");
	}
	return DC_OK;
}

static dc_status parse_all(struct dc_cfg_parser *p, const char *text, size_t len)
{
	size_t pos = 0, n;
	const char *nl;

	if (len > DC_CONFIG_MAX_SIZE) {
		dc_set_err(p->err, p->errlen, "%s: file is larger than %d KiB",
			p->name, DC_CONFIG_MAX_SIZE / 1024);
		return DC_ECONFBAD;
	}
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		p->line++;
		if (parse_line(p, text + pos, n) != DC_OK)
			return DC_ECONFBAD;
		pos += n + 1;
	}
	if (p->cfg->udp_max < p->cfg->udp_size) {
		p->line = p->udp_line;
		return dc_cfg_perr(p, "udp-max (%d) is smaller than udp-size (%d)",
				   p->cfg->udp_max, p->cfg->udp_size);
	}
	if (dc_cfg_resolve_routes(p) != DC_OK || apply_filters(p) != DC_OK)
		return DC_ECONFBAD;
	return DC_OK;
}

dc_status dc_config_parse(const char *text, size_t len, const char *name,
			  struct dc_config *cfg, char *err, size_t errlen)
{
	/* On the heap (about 10 KB): a lookup runs in 16 KiB of stack. */
	struct dc_cfg_parser *p;
	dc_status rc = DC_OK;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	dc_config_init(cfg);
	p = calloc(1, sizeof *p);
	if (p == NULL) {
		dc_set_err(err, errlen, "%s: out of memory", name ? name : "(config)");
		return DC_ENOMEM;
	}
	p->name = name ? name : "(config)";
	p->cfg = cfg;
	p->err = err;
	p->errlen = errlen;
	if (text == NULL && len > 0)
		len = 0;
	if (parse_all(p, text, len) != DC_OK) {
		dc_config_init(cfg);
		rc = DC_ECONFBAD;
	}
	free(p);
	return rc;
}
