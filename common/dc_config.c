/* dc_config.c - /etc/nss-dnscrypt.conf and the environment overrides. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_config.h"

#define MAX_ARGS 16

/* A route line, resolved once the whole file is read (it may name
 * servers and relays given further down). */
struct route_line {
	int line;
	char server[DC_CFG_NAME_MAX + 1];          /* a server name or "*" */
	char relay[DC_MAX_VIA][DC_CFG_NAME_MAX + 1]; /* relay names, or one "*" */
	int nrelay;
};

struct parser {
	const char *name;
	int line;
	struct dc_config *cfg;
	int seen[32];          /* line where each keyword was last given */
	int udp_line;          /* last line setting udp-size or udp-max */
	int require_line;      /* first require-* line */
	int relay_line[DC_MAX_RELAYS];
	struct route_line routes[DC_MAX_SERVERS + 1];
	int nroutes;
	char *err;
	size_t errlen;
};

struct keyword {
	const char *name;
	dc_status (*fn)(struct parser *p, const struct keyword *kw,
			char **argv, int argc);
	int repeat;            /* may appear on several lines */
	size_t field;          /* offsetof the int, for kw_int */
	long min, max;
	const char *unit;
};

/* "name:line: reason" */
__attribute__((format(printf, 2, 3)))
static dc_status perr(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	dc_set_err(p->err, p->errlen, "%s:%d: %s", p->name, p->line, msg);
	return DC_ECONFIG;
}

/* A token made fit for a one-line message: printable ASCII, cut at 64. */
static const char *shown(const char *s, char *buf, size_t len)
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
}

static dc_status one_value(struct parser *p, const struct keyword *kw, int argc)
{
	if (argc == 1)
		return DC_OK;
	if (argc == 0)
		return perr(p, "%s needs a value", kw->name);
	return perr(p, "%s takes one value, got %d", kw->name, argc);
}

/* Decimal digits only: no sign, no space, at most 9 digits. */
static int parse_long(const char *s, long *out)
{
	long v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 9)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -1;
	*out = v;
	return 0;
}

static dc_status kw_int(struct parser *p, const struct keyword *kw,
			char **argv, int argc)
{
	char buf[80];
	long v;

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFIG;
	if (parse_long(argv[0], &v) != 0 || v < kw->min || v > kw->max)
		return perr(p, "%s must be %ld..%ld%s, got '%s'", kw->name,
			    kw->min, kw->max, kw->unit, shown(argv[0], buf, sizeof buf));
	*(int *)(void *)((char *)p->cfg + kw->field) = (int)v;
	if (kw->field == offsetof(struct dc_config, udp_size) ||
	    kw->field == offsetof(struct dc_config, udp_max))
		p->udp_line = p->line;
	return DC_OK;
}

/* A server or relay name: 1..DC_CFG_NAME_MAX letters, digits, '.', '_' or
 * '-', starting with a letter or digit (so never "*" nor a stamp). */
static int valid_name(const char *n)
{
	size_t i;

	for (i = 0; n[i] != '\0'; i++) {
		char c = n[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9');
		if (i >= DC_CFG_NAME_MAX || !(alnum || (i > 0 && (c == '.' || c == '_' || c == '-'))))
			return 0;
	}
	return i > 0;
}

/* "[NAME] STAMP": sets *name (NULL when unnamed) and *stamp. */
static dc_status name_and_stamp(struct parser *p, const struct keyword *kw,
				char **argv, int argc, const char **name,
				const char **stamp)
{
	char buf[80];

	if (argc == 0)
		return perr(p, "%s needs a value", kw->name);
	if (argc > 2)
		return perr(p, "%s takes [NAME] STAMP, got %d values", kw->name, argc);
	*name = argc == 2 ? argv[0] : NULL;
	*stamp = argv[argc - 1];
	if (*name && !valid_name(*name))
		return perr(p, "'%s' is not a valid %s name (1..%d letters, digits, "
			    "'.', '_' or '-')", shown(*name, buf, sizeof buf), kw->name,
			    DC_CFG_NAME_MAX);
	return DC_OK;
}

/* The common part of "server" and "relay": [NAME] STAMP of the given kind,
 * within max entries, the name not given before among names[0..n). */
static dc_status named_stamp(struct parser *p, const struct keyword *kw,
			     char **argv, int argc, int kind, const char *wrong_kind,
			     char (*names)[DC_CFG_NAME_MAX + 1], int n, int max,
			     struct dc_stamp *st)
{
	const char *name = NULL, *text = NULL;
	char why[256];

	if (name_and_stamp(p, kw, argv, argc, &name, &text) != DC_OK)
		return DC_ECONFIG;
	if (n >= max)
		return perr(p, "too many %ss (at most %d)", kw->name, max);
	if (dc_stamp_parse(text, st, why, sizeof why) != DC_OK)
		return perr(p, "%s", why);
	if (st->kind != kind)
		return perr(p, "%s", wrong_kind);
	for (int i = 0; name && i < n; i++)
		if (strcmp(names[i], name) == 0)
			return perr(p, "a %s named '%s' was given before", kw->name, name);
	if (name)
		memcpy(names[n], name, strlen(name) + 1);
	return DC_OK;
}

static dc_status kw_server(struct parser *p, const struct keyword *kw,
			   char **argv, int argc)
{
	struct dc_config *c = p->cfg;
	struct dc_stamp st;

	if (named_stamp(p, kw, argv, argc, DC_STAMP_DNSCRYPT,
			"a relay stamp (0x81) cannot be used as a server",
			c->server_name, c->nservers, DC_MAX_SERVERS, &st) != DC_OK)
		return DC_ECONFIG;
	c->servers[c->nservers++] = st;
	return DC_OK;
}

static dc_status kw_relay(struct parser *p, const struct keyword *kw,
			  char **argv, int argc)
{
	struct dc_config *c = p->cfg;
	struct dc_stamp st;

	if (named_stamp(p, kw, argv, argc, DC_STAMP_RELAY,
			"a DNSCrypt server stamp (0x01) cannot be used as a relay",
			c->relay_name, c->nrelays, DC_MAX_RELAYS, &st) != DC_OK)
		return DC_ECONFIG;
	p->relay_line[c->nrelays] = p->line;
	c->relays[c->nrelays++] = st;
	return DC_OK;
}

/* "route SERVER RELAY...": kept as words until the file is read. */
static dc_status kw_route(struct parser *p, const struct keyword *kw,
			  char **argv, int argc)
{
	struct route_line *r;
	char buf[80];
	int i, j;

	if (argc < 2)
		return perr(p, "route takes a server name (or '*') and at least one "
			    "relay name (or '*')");
	if (argc - 1 > DC_MAX_VIA)
		return perr(p, "too many relays in one route (at most %d)", DC_MAX_VIA);
	if (p->nroutes >= (int)(sizeof p->routes / sizeof p->routes[0]))
		return perr(p, "too many route lines (at most %d)", DC_MAX_SERVERS + 1);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "*") == 0) {
			if (i > 0 && argc > 2)
				return perr(p, "'*' stands for every relay: name no other");
			continue;
		}
		if (!valid_name(argv[i]))
			return perr(p, "'%s' is not a valid %s name", shown(argv[i], buf, sizeof buf),
				    i ? "relay" : "server");
		for (j = 1; j < i; j++)
			if (strcmp(argv[i], argv[j]) == 0)
				return perr(p, "relay '%s' named twice in the route", argv[i]);
	}
	for (i = 0; i < p->nroutes; i++)
		if (strcmp(p->routes[i].server, argv[0]) == 0)
			return perr(p, "a route for '%s' was given on line %d", argv[0],
				    p->routes[i].line);
	r = &p->routes[p->nroutes++];
	r->line = p->line;
	memcpy(r->server, argv[0], strlen(argv[0]) + 1);
	r->nrelay = argc - 1;
	for (i = 1; i < argc; i++)
		memcpy(r->relay[i - 1], argv[i], strlen(argv[i]) + 1);
	return DC_OK;
}

/* A search domain: labels of 1..63 letters, digits, '-' or '_', at most
 * 253 bytes; one trailing dot is dropped.  Returns the length kept. */
static size_t check_domain(const char *d)
{
	size_t n = strlen(d), i, label = 0;

	if (n > 0 && d[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		char c = d[i];
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return n;
}

static dc_status kw_search(struct parser *p, const struct keyword *kw,
			   char **argv, int argc)
{
	char buf[80];
	size_t n;
	int i;

	if (argc == 0)
		return perr(p, "search needs at least one domain (or 'none')");
	if (strcmp(argv[0], "none") == 0) {
		if (argc > 1)
			return perr(p, "'search none' takes no domain");
		p->cfg->nsearch = 0;
		return DC_OK;
	}
	if (argc > DC_MAX_SEARCH)
		return perr(p, "too many search domains (at most %d)", DC_MAX_SEARCH);
	for (i = 0; i < argc; i++) {
		n = check_domain(argv[i]);
		if (n == 0)
			return perr(p, "'%s' is not a valid search domain",
				    shown(argv[i], buf, sizeof buf));
		memcpy(p->cfg->search[i], argv[i], n);
		p->cfg->search[i][n] = '\0';
	}
	p->cfg->nsearch = argc;
	return DC_OK;
}

/* "yes" or "no" into the int at kw->field. */
static dc_status kw_bool(struct parser *p, const struct keyword *kw,
			 char **argv, int argc)
{
	int *v = (int *)(void *)((char *)p->cfg + kw->field);
	char buf[80];

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFIG;
	if (strcmp(argv[0], "yes") == 0)
		*v = 1;
	else if (strcmp(argv[0], "no") == 0)
		*v = 0;
	else
		return perr(p, "%s must be 'yes' or 'no', got '%s'", kw->name,
			    shown(argv[0], buf, sizeof buf));
	if (*v && strncmp(kw->name, "require-", 8) == 0 && p->require_line == 0)
		p->require_line = p->line;
	return DC_OK;
}

static dc_status kw_cert_cache(struct parser *p, const struct keyword *kw,
			       char **argv, int argc)
{
	char buf[80];
	size_t n;

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFIG;
	if (strcmp(argv[0], "none") == 0) {
		p->cfg->cert_cache_dir[0] = '\0';
		return DC_OK;
	}
	if (argv[0][0] != '/')
		return perr(p, "cert-cache must be an absolute path or 'none', got '%s'",
			    shown(argv[0], buf, sizeof buf));
	n = strlen(argv[0]);
	if (n >= sizeof p->cfg->cert_cache_dir)
		return perr(p, "cert-cache path is longer than %zu bytes",
			    sizeof p->cfg->cert_cache_dir - 1);
	memcpy(p->cfg->cert_cache_dir, argv[0], n + 1);
	return DC_OK;
}

/* "log none|syslog|/absolute/path" (dc_log.h). */
static dc_status kw_log(struct parser *p, const struct keyword *kw,
			char **argv, int argc)
{
	char buf[80];
	size_t n;

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFIG;
	n = strlen(argv[0]);
	if (strcmp(argv[0], "none") == 0)
		n = 0;
	else if (strcmp(argv[0], "syslog") != 0 && argv[0][0] != '/')
		return perr(p, "log must be 'none', 'syslog' or an absolute path, got '%s'",
			    shown(argv[0], buf, sizeof buf));
	if (n >= sizeof p->cfg->log_target)
		return perr(p, "log path is longer than %zu bytes",
			    sizeof p->cfg->log_target - 1);
	memcpy(p->cfg->log_target, argv[0], n);
	p->cfg->log_target[n] = '\0';
	return DC_OK;
}

#define INT_KW(n, f, lo, hi, u) \
	{ n, kw_int, 0, offsetof(struct dc_config, f), lo, hi, u }
#define BOOL_KW(n, f) \
	{ n, kw_bool, 0, offsetof(struct dc_config, f), 0, 0, "" }

static const struct keyword keywords[] = {
	{ "server", kw_server, 1, 0, 0, 0, "" },
	INT_KW("timeout", timeout_ms, 50, 30000, " milliseconds"),
	INT_KW("attempts", attempts, 1, 10, ""),
	INT_KW("total-timeout", total_timeout_ms, 100, 60000, " milliseconds"),
	INT_KW("ndots", ndots, 0, 15, ""),
	{ "search", kw_search, 0, 0, 0, 0, "" },
	INT_KW("udp-size", udp_size, 256, 4096, " bytes"),
	INT_KW("udp-max", udp_max, 256, 4096, " bytes"),
	BOOL_KW("cache", cache),
	BOOL_KW("tcp-only", tcp_only),
	{ "cert-cache", kw_cert_cache, 0, 0, 0, 0, "" },
	{ "log", kw_log, 0, 0, 0, 0, "" },
	{ "relay", kw_relay, 1, 0, 0, 0, "" },
	{ "route", kw_route, 1, 0, 0, 0, "" },
	BOOL_KW("direct-cert-fallback", direct_cert_fallback),
	BOOL_KW("require-dnssec", require_dnssec),
	BOOL_KW("require-nolog", require_nolog),
	BOOL_KW("require-nofilter", require_nofilter),
	BOOL_KW("ephemeral-keys", ephemeral_keys),
};

_Static_assert(sizeof keywords / sizeof keywords[0] <=
	       sizeof ((struct parser *)0)->seen / sizeof(int),
	       "struct parser.seen is too small");

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

static dc_status parse_words(struct parser *p, char **argv, int argc)
{
	char buf[80];
	size_t i;

	for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
		const struct keyword *kw = &keywords[i];
		if (strcmp(argv[0], kw->name) != 0)
			continue;
		if (!kw->repeat && p->seen[i] != 0)
			return perr(p, "%s given twice (first on line %d)", kw->name, p->seen[i]);
		p->seen[i] = p->line;
		return kw->fn(p, kw, argv + 1, argc - 1);
	}
	return perr(p, "unknown keyword '%s'", shown(argv[0], buf, sizeof buf));
}

static dc_status parse_line(struct parser *p, const char *line, size_t n)
{
	char buf[DC_CONFIG_LINE_MAX + 1];
	char *argv[MAX_ARGS];
	size_t i;
	int argc;

	if (n > DC_CONFIG_LINE_MAX)
		return perr(p, "line is longer than %d bytes", DC_CONFIG_LINE_MAX);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c == '\0')
			return perr(p, "NUL byte in the line");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return perr(p, "control character 0x%02x in the line", c);
	}
	memcpy(buf, line, n);
	buf[n] = '\0';
	argc = split(buf, argv, MAX_ARGS);
	if (argc < 0)
		return perr(p, "more than %d words on the line", MAX_ARGS);
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

static int find_name(char names[][DC_CFG_NAME_MAX + 1], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* The relays of route r into via/nvia; marks them used. */
static dc_status route_relays(struct parser *p, const struct route_line *r,
			      uint8_t *via, int *nvia, int *used)
{
	struct dc_config *c = p->cfg;
	int k;

	p->line = r->line;
	*nvia = 0;
	if (strcmp(r->relay[0], "*") == 0) {
		if (c->nrelays == 0)
			return perr(p, "route: no relay is defined");
		/* '*' is every relay, the first DC_MAX_VIA of them */
		for (k = 0; k < c->nrelays && k < DC_MAX_VIA; k++) {
			via[(*nvia)++] = (uint8_t)k;
			used[k] = 1;
		}
		return DC_OK;
	}
	for (int i = 0; i < r->nrelay; i++) {
		k = find_name(c->relay_name, c->nrelays, r->relay[i]);
		if (k < 0)
			return perr(p, "route: no relay named '%s'", r->relay[i]);
		via[(*nvia)++] = (uint8_t)k;
		used[k] = 1;
	}
	return DC_OK;
}

/* Routes: names to indices, then "route *" for the servers without one.
 * Every relay must be used by some route (a relay line alone would
 * otherwise silently change nothing). */
static dc_status resolve_routes(struct parser *p)
{
	struct dc_config *c = p->cfg;
	int used[DC_MAX_RELAYS] = { 0 }, own[DC_MAX_SERVERS] = { 0 }, i, k;

	for (i = 0; i < p->nroutes; i++) {
		const struct route_line *r = &p->routes[i];
		if (strcmp(r->server, "*") == 0) {
			if (route_relays(p, r, c->via_default, &c->nvia_default, used) != DC_OK)
				return DC_ECONFIG;
			continue;
		}
		k = find_name(c->server_name, c->nservers, r->server);
		if (k < 0) {
			p->line = r->line;
			return perr(p, "route: no server named '%s'", r->server);
		}
		if (route_relays(p, r, c->via[k], &c->nvia[k], used) != DC_OK)
			return DC_ECONFIG;
		own[k] = 1;
	}
	for (i = 0; i < c->nservers; i++) {
		if (own[i])
			continue;
		memcpy(c->via[i], c->via_default, sizeof c->via[i]);
		c->nvia[i] = c->nvia_default;
	}
	for (k = 0; k < c->nrelays; k++) {
		if (used[k])
			continue;
		p->line = p->relay_line[k];
		if (c->relay_name[k][0] == '\0')
			return perr(p, "this relay is used by no route (add 'route * *' "
				    "to send every query through the relays)");
		return perr(p, "relay '%s' is used by no route (add e.g. 'route * %s')",
			    c->relay_name[k], c->relay_name[k]);
	}
	return DC_OK;
}

/* require-*: drop the servers whose stamp lacks a required property
 * (dnscrypt-proxy's require_dnssec, require_nolog, require_nofilter). */
static dc_status apply_filters(struct parser *p)
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
		return perr(p, "none of the %d server(s) has the properties the "
			    "require-* options ask for (%s%s%s)", had,
			    c->require_dnssec ? " dnssec" : "",
			    c->require_nolog ? " nolog" : "",
			    c->require_nofilter ? " nofilter" : "");
	}
	return DC_OK;
}

static dc_status parse_all(struct parser *p, const char *text, size_t len)
{
	size_t pos = 0, n;
	const char *nl;

	if (len > DC_CONFIG_MAX_SIZE) {
		dc_set_err(p->err, p->errlen, "%s: file is larger than %d KiB",
			p->name, DC_CONFIG_MAX_SIZE / 1024);
		return DC_ECONFIG;
	}
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		p->line++;
		if (parse_line(p, text + pos, n) != DC_OK)
			return DC_ECONFIG;
		pos += n + 1;
	}
	if (p->cfg->udp_max < p->cfg->udp_size) {
		p->line = p->udp_line;
		return perr(p, "udp-max (%d) is smaller than udp-size (%d)",
			    p->cfg->udp_max, p->cfg->udp_size);
	}
	if (resolve_routes(p) != DC_OK || apply_filters(p) != DC_OK)
		return DC_ECONFIG;
	return DC_OK;
}

dc_status dc_config_parse(const char *text, size_t len, const char *name,
			  struct dc_config *cfg, char *err, size_t errlen)
{
	struct parser p;

	memset(&p, 0, sizeof p);
	p.name = name ? name : "(config)";
	p.cfg = cfg;
	p.err = err;
	p.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	dc_config_init(cfg);
	if (text == NULL && len > 0)
		len = 0;
	if (parse_all(&p, text, len) != DC_OK) {
		dc_config_init(cfg);
		return DC_ECONFIG;
	}
	return DC_OK;
}

static void err_errno(char *err, size_t errlen, const char *path, int e)
{
	char buf[128];

	dc_set_err(err, errlen, "%s: %s", path, strerror_r(e, buf, sizeof buf));
}

dc_status dc_config_check_owner(const char *path, int fd, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		err_errno(err, errlen, path, errno);
		return DC_ECONFIG;
	}
	if (st.st_mode & S_IWOTH) {
		dc_set_err(err, errlen, "%s is writable by others; refusing it", path);
		return DC_ECONFIG;
	}
	if (st.st_mode & S_IWGRP) {
		dc_set_err(err, errlen, "%s is writable by its group; refusing it", path);
		return DC_ECONFIG;
	}
	if (st.st_uid != 0) {
		dc_set_err(err, errlen, "%s is owned by uid %lu, not root; refusing it",
			path, (unsigned long)st.st_uid);
		return DC_ECONFIG;
	}
	return DC_OK;
}

/* Read at most DC_CONFIG_MAX_SIZE bytes of a regular file into *text. */
static dc_status read_fd(int fd, const char *path, char **text, size_t *len,
			 char *err, size_t errlen)
{
	struct stat st;
	size_t got = 0;
	ssize_t r;
	char *buf;

	if (fstat(fd, &st) != 0) {
		err_errno(err, errlen, path, errno);
		return DC_ECONFIG;
	}
	if (!S_ISREG(st.st_mode)) {
		dc_set_err(err, errlen, "%s: not a regular file", path);
		return DC_ECONFIG;
	}
	if (st.st_size > DC_CONFIG_MAX_SIZE) {
		dc_set_err(err, errlen, "%s: file is larger than %d KiB", path,
			DC_CONFIG_MAX_SIZE / 1024);
		return DC_ECONFIG;
	}
	buf = malloc(DC_CONFIG_MAX_SIZE + 1);
	if (buf == NULL) {
		dc_set_err(err, errlen, "%s: out of memory", path);
		return DC_ENOMEM;
	}
	/* one byte more than allowed, to see a file that grew meanwhile */
	while (got <= DC_CONFIG_MAX_SIZE) {
		r = read(fd, buf + got, DC_CONFIG_MAX_SIZE + 1 - got);
		if (r == 0)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_errno(err, errlen, path, errno);
			free(buf);
			return DC_ECONFIG;
		}
		got += (size_t)r;
	}
	*text = buf;
	*len = got;
	return DC_OK;
}

/* *open_errno is set to the errno of a failed open, else 0. */
static dc_status load_file(const char *path, int check_owner,
			   struct dc_config *cfg, char *err, size_t errlen,
			   int *open_errno)
{
	char *text = NULL;
	size_t len = 0;
	dc_status rc;
	int fd;

	*open_errno = 0;
	dc_config_init(cfg);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		*open_errno = e;
		err_errno(err, errlen, path, e);
		/* Out of descriptors or memory is a passing failure of this
		 * process, not "not configured": UNAVAIL would let nsswitch
		 * go on to the next source. */
		if (e == EMFILE || e == ENFILE || e == ENOMEM || e == EINTR ||
		    e == EAGAIN) {
			errno = e;
			return DC_ESYS;
		}
		return DC_ECONFIG;
	}
	rc = check_owner ? dc_config_check_owner(path, fd, err, errlen) : DC_OK;
	if (rc == DC_OK)
		rc = read_fd(fd, path, &text, &len, err, errlen);
	close(fd);
	if (rc == DC_OK) {
		rc = dc_config_parse(text, len, path, cfg, err, errlen);
		free(text);
	}
	return rc;
}

dc_status dc_config_load(const char *path, struct dc_config *cfg,
			 char *err, size_t errlen)
{
	int open_errno;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL) {
		dc_config_init(cfg);
		dc_set_err(err, errlen, "no configuration file given");
		return DC_ECONFIG;
	}
	return load_file(path, 0, cfg, err, errlen, &open_errno);
}

/* $NSS_DNSCRYPT_SERVER replaces the file's servers. */
static dc_status env_server(const char *text, struct dc_config *cfg,
			    char *err, size_t errlen)
{
	struct dc_stamp st;
	char why[256];
	uint64_t need;

	if (dc_stamp_parse(text, &st, why, sizeof why) != DC_OK) {
		dc_set_err(err, errlen, "%s: %s", DC_CONFIG_ENV_SERVER, why);
		return DC_ECONFIG;
	}
	if (st.kind != DC_STAMP_DNSCRYPT) {
		dc_set_err(err, errlen, "%s: a relay stamp (0x81) cannot be used as a server",
			DC_CONFIG_ENV_SERVER);
		return DC_ECONFIG;
	}
	need = dc_config_required_props(cfg);
	if ((st.props & need) != need) {
		dc_set_err(err, errlen, "%s: the server lacks a property the require-* "
			"options ask for", DC_CONFIG_ENV_SERVER);
		return DC_ECONFIG;
	}
	for (int i = 0; i < DC_MAX_SERVERS; i++) {
		memset(&cfg->servers[i], 0, sizeof cfg->servers[i]);
		cfg->server_name[i][0] = '\0';
		cfg->nvia[i] = 0;
	}
	cfg->servers[0] = st;
	cfg->nservers = 1;
	/* the file's named routes name servers that are gone; "route *"
	 * still holds */
	memcpy(cfg->via[0], cfg->via_default, sizeof cfg->via[0]);
	cfg->nvia[0] = cfg->nvia_default;
	return DC_OK;
}

dc_status dc_config_load_default(struct dc_config *cfg, char *err, size_t errlen)
{
	const char *path = secure_getenv(DC_CONFIG_ENV);
	const char *server = secure_getenv(DC_CONFIG_ENV_SERVER);
	char why[512];
	int from_env = path != NULL && path[0] != '\0';
	int open_errno;
	dc_status rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (!from_env)
		path = DC_CONFIG_DEFAULT_PATH;
	if (server != NULL && server[0] == '\0')
		server = NULL;
	rc = load_file(path, !from_env, cfg, why, sizeof why, &open_errno);
	if (rc != DC_OK) {
		if (open_errno == ENOENT && server != NULL) {
			dc_config_init(cfg);
		} else if (open_errno == ENOENT) {
			dc_set_err(err, errlen, "no configuration: %s", why);
			return DC_ECONFIG;
		} else {
			dc_set_err(err, errlen, "%s", why);
			return rc;
		}
	}
	if (server != NULL && env_server(server, cfg, err, errlen) != DC_OK)
		return DC_ECONFIG;
	if (cfg->nservers == 0) {
		dc_set_err(err, errlen, "no server configured in %s", path);
		return DC_ECONFIG;
	}
	return DC_OK;
}
