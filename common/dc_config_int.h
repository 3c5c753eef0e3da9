/* SPDX-License-Identifier: ISC */
/* dc_config_int.h - what the files of the configuration parser share: the
 * parser's state, a keyword table entry, the keyword handlers (values in
 * dc_config_kw.c; servers, relays and routes in dc_config_route.c) and
 * the error helpers of dc_config.c.  Internal to common/; dc_config.h is
 * the API.
 */
#ifndef DC_CONFIG_INT_H
#define DC_CONFIG_INT_H

#include <stddef.h>
#include "dc_config.h"

/* A route line, resolved once the whole file is read (it may name
 * servers and relays given further down). */
struct dc_cfg_route_line {
	int line;
	char server[DC_CFG_NAME_MAX + 1];          /* a server name or "*" */
	char relay[DC_MAX_VIA][DC_CFG_NAME_MAX + 1]; /* relay names, or one "*" */
	int nrelay;
};

struct dc_cfg_parser {
	const char *name;
	int line;
	struct dc_config *cfg;
	int seen[32];          /* line where each keyword was last given */
	int udp_line;          /* last line setting udp-size or udp-max */
	int require_line;      /* first require-* line */
	int relay_line[DC_MAX_RELAYS];
	struct dc_cfg_route_line routes[DC_MAX_SERVERS + 1];
	int nroutes;
	char *err;
	size_t errlen;
	char linebuf[DC_CONFIG_LINE_MAX + 1]; /* the line being split */
};

struct dc_cfg_keyword {
	const char *name;
	dc_status (*fn)(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			char **argv, int argc);
	int repeat;            /* may appear on several lines */
	size_t field;          /* offsetof the int, for dc_cfg_kw_int */
	long min, max;
	const char *unit;
};

/* "name:line: reason"; returns DC_ECONFBAD. */
__attribute__((format(printf, 2, 3)))
dc_status dc_cfg_perr(struct dc_cfg_parser *p, const char *fmt, ...);

/* A token made fit for a one-line message: printable ASCII, cut at 64. */
const char *dc_cfg_shown(const char *s, char *buf, size_t len);

/* Keyword handlers: argv holds the argc words after the keyword. */
dc_status dc_cfg_kw_int(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			char **argv, int argc);
dc_status dc_cfg_kw_bool(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			 char **argv, int argc);
dc_status dc_cfg_kw_search(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   char **argv, int argc);
dc_status dc_cfg_kw_cert_cache(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			       char **argv, int argc);
dc_status dc_cfg_kw_log(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			char **argv, int argc);
dc_status dc_cfg_kw_dnssec(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   char **argv, int argc);
dc_status dc_cfg_kw_anchor(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   char **argv, int argc);
dc_status dc_cfg_kw_server(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   char **argv, int argc);
dc_status dc_cfg_kw_relay(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			  char **argv, int argc);
dc_status dc_cfg_kw_route(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			  char **argv, int argc);

/* Once the whole file is read: route names to indices, "route *" for the
 * servers without a route; every relay must be used by some route. */
dc_status dc_cfg_resolve_routes(struct dc_cfg_parser *p);

#endif
