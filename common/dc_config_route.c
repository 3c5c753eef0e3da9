/* SPDX-License-Identifier: ISC */
/* dc_config_route.c - servers, relays and routes in the configuration:
 * the 'server' and 'relay' keywords ([NAME] STAMP), the 'route' keyword
 * (kept as names until the whole file is read), and the routes resolved
 * from names to indices at the end (README "Several servers", "Relays").
 */
#include <stdint.h>
#include <string.h>

#include "dc_config_int.h"

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
static dc_status name_and_stamp(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
				char **argv, int argc, const char **name,
				const char **stamp)
{
	char buf[80];

	if (argc == 0)
		return dc_cfg_perr(p, "%s needs a value", kw->name);
	if (argc > 2)
		return dc_cfg_perr(p, "%s takes [NAME] STAMP, got %d values", kw->name,
				   argc);
	*name = argc == 2 ? argv[0] : NULL;
	*stamp = argv[argc - 1];
	if (*name && !valid_name(*name))
		return dc_cfg_perr(p, "'%s' is not a valid %s name (1..%d letters, digits, "
				   "'.', '_' or '-')", dc_cfg_shown(*name, buf, sizeof buf),
				   kw->name, DC_CFG_NAME_MAX);
	return DC_OK;
}

static int find_name(char names[][DC_CFG_NAME_MAX + 1], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* The common part of "server" and "relay": [NAME] STAMP of the given kind
 * appended to stamps[] and names[], which hold *n of at most max entries;
 * the name must not have been given before. */
static dc_status named_stamp(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			     char **argv, int argc, int kind, const char *wrong_kind,
			     struct dc_stamp *stamps,
			     char (*names)[DC_CFG_NAME_MAX + 1], int *n, int max)
{
	const char *name = NULL, *text = NULL;
	struct dc_stamp st;
	char why[256];

	if (name_and_stamp(p, kw, argv, argc, &name, &text) != DC_OK)
		return DC_ECONFBAD;
	if (*n >= max)
		return dc_cfg_perr(p, "too many %ss (at most %d)", kw->name, max);
	if (dc_stamp_parse(text, &st, why, sizeof why) != DC_OK)
		return dc_cfg_perr(p, "%s", why);
	if (st.kind != kind)
		return dc_cfg_perr(p, "%s", wrong_kind);
	if (name && find_name(names, *n, name) >= 0)
		return dc_cfg_perr(p, "a %s named '%s' was given before", kw->name, name);
	if (name)
		memcpy(names[*n], name, strlen(name) + 1);
	stamps[(*n)++] = st;
	return DC_OK;
}

dc_status dc_cfg_kw_server(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   char **argv, int argc)
{
	struct dc_config *c = p->cfg;

	return named_stamp(p, kw, argv, argc, DC_STAMP_DNSCRYPT,
			   "a relay stamp (0x81) cannot be used as a server",
			   c->servers, c->server_name, &c->nservers, DC_MAX_SERVERS);
}

dc_status dc_cfg_kw_relay(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			  char **argv, int argc)
{
	struct dc_config *c = p->cfg;

	if (named_stamp(p, kw, argv, argc, DC_STAMP_RELAY,
			"a DNSCrypt server stamp (0x01) cannot be used as a relay",
			c->relays, c->relay_name, &c->nrelays, DC_MAX_RELAYS) != DC_OK)
		return DC_ECONFBAD;
	p->relay_line[c->nrelays - 1] = p->line;
	return DC_OK;
}

/* "route SERVER RELAY...": kept as words until the file is read. */
dc_status dc_cfg_kw_route(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			  char **argv, int argc)
{
	struct dc_cfg_route_line *r;
	char buf[80];
	int i, j;

	if (argc < 2)
		return dc_cfg_perr(p, "route takes a server name (or '*') and at least one "
				   "relay name (or '*')");
	if (argc - 1 > DC_MAX_VIA)
		return dc_cfg_perr(p, "too many relays in one route (at most %d)",
				   DC_MAX_VIA);
	if (p->nroutes >= (int)(sizeof p->routes / sizeof p->routes[0]))
		return dc_cfg_perr(p, "too many route lines (at most %d)",
				   DC_MAX_SERVERS + 1);
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "*") == 0) {
			if (i > 0 && argc > 2)
				return dc_cfg_perr(p, "'*' stands for every relay: name no other");
			continue;
		}
		if (!valid_name(argv[i]))
			return dc_cfg_perr(p, "'%s' is not a valid %s name",
					   dc_cfg_shown(argv[i], buf, sizeof buf),
					   i ? "relay" : "server");
		for (j = 1; j < i; j++)
			if (strcmp(argv[i], argv[j]) == 0)
				return dc_cfg_perr(p, "relay '%s' named twice in the route",
						   argv[i]);
	}
	for (i = 0; i < p->nroutes; i++)
		if (strcmp(p->routes[i].server, argv[0]) == 0)
			return dc_cfg_perr(p, "a route for '%s' was given on line %d",
					   argv[0], p->routes[i].line);
	r = &p->routes[p->nroutes++];
	r->line = p->line;
	memcpy(r->server, argv[0], strlen(argv[0]) + 1);
	r->nrelay = argc - 1;
	for (i = 1; i < argc; i++)
		memcpy(r->relay[i - 1], argv[i], strlen(argv[i]) + 1);
	return DC_OK;
}

/* The relays of route r into via/nvia; marks them used. */
static dc_status route_relays(struct dc_cfg_parser *p,
			      const struct dc_cfg_route_line *r,
			      uint8_t *via, int *nvia, int *used)
{
	struct dc_config *c = p->cfg;
	int k;

	p->line = r->line;
	*nvia = 0;
	if (strcmp(r->relay[0], "*") == 0) {
		if (c->nrelays == 0)
			return dc_cfg_perr(p, "route: no relay is defined");
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
			return dc_cfg_perr(p, "route: no relay named '%s'", r->relay[i]);
		via[(*nvia)++] = (uint8_t)k;
		used[k] = 1;
	}
	return DC_OK;
}

/* Routes: names to indices, then "route *" for the servers without one.
 * Every relay must be used by some route (a relay line alone would
 * otherwise silently change nothing). */
dc_status dc_cfg_resolve_routes(struct dc_cfg_parser *p)
{
	struct dc_config *c = p->cfg;
	int used[DC_MAX_RELAYS] = { 0 }, own[DC_MAX_SERVERS] = { 0 }, i, k;

	for (i = 0; i < p->nroutes; i++) {
		const struct dc_cfg_route_line *r = &p->routes[i];
		if (strcmp(r->server, "*") == 0) {
			if (route_relays(p, r, c->via_default, &c->nvia_default, used) != DC_OK)
				return DC_ECONFBAD;
			continue;
		}
		k = find_name(c->server_name, c->nservers, r->server);
		if (k < 0) {
			p->line = r->line;
			return dc_cfg_perr(p, "route: no server named '%s'", r->server);
		}
		if (route_relays(p, r, c->via[k], &c->nvia[k], used) != DC_OK)
			return DC_ECONFBAD;
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
			return dc_cfg_perr(p, "this relay is used by no route (add 'route * *' "
					   "to send every query through the relays)");
		return dc_cfg_perr(p, "relay '%s' is used by no route (add e.g. 'route * %s')",
				   c->relay_name[k], c->relay_name[k]);
	}
	return DC_OK;
}
