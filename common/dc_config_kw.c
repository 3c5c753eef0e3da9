/* SPDX-License-Identifier: ISC */
/* dc_config_kw.c - the configuration keywords that set one value: numbers
 * (timeout, attempts, ndots, udp-size...), yes/no switches (cache,
 * tcp-only, require-*...), the search domains, the certificate cache
 * directory, the debug log target and the DNSSEC mode and trust anchor.  Each handler checks the words of
 * its line and writes its field of struct dc_config.
 */
#include <stddef.h>
#include <string.h>

#include "dc_config_int.h"

static dc_status one_value(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   int argc)
{
	if (argc == 1)
		return DC_OK;
	if (argc == 0)
		return dc_cfg_perr(p, "%s needs a value", kw->name);
	return dc_cfg_perr(p, "%s takes one value, got %d", kw->name, argc);
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

dc_status dc_cfg_kw_int(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			char **argv, int argc)
{
	char buf[80];
	long v;

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFBAD;
	if (parse_long(argv[0], &v) != 0 || v < kw->min || v > kw->max)
		return dc_cfg_perr(p, "%s must be %ld..%ld%s, got '%s'", kw->name,
				   kw->min, kw->max, kw->unit,
				   dc_cfg_shown(argv[0], buf, sizeof buf));
	*(int *)(void *)((char *)p->cfg + kw->field) = (int)v;
	if (kw->field == offsetof(struct dc_config, udp_size) ||
	    kw->field == offsetof(struct dc_config, udp_max))
		p->udp_line = p->line;
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

dc_status dc_cfg_kw_search(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   char **argv, int argc)
{
	char buf[80];
	size_t n;
	int i;

	if (argc == 0)
		return dc_cfg_perr(p, "search needs at least one domain (or 'none')");
	if (strcmp(argv[0], "none") == 0) {
		if (argc > 1)
			return dc_cfg_perr(p, "'search none' takes no domain");
		p->cfg->nsearch = 0;
		return DC_OK;
	}
	if (argc > DC_MAX_SEARCH)
		return dc_cfg_perr(p, "too many search domains (at most %d)",
				   DC_MAX_SEARCH);
	for (i = 0; i < argc; i++) {
		n = check_domain(argv[i]);
		if (n == 0)
			return dc_cfg_perr(p, "'%s' is not a valid search domain",
					   dc_cfg_shown(argv[i], buf, sizeof buf));
		memcpy(p->cfg->search[i], argv[i], n);
		p->cfg->search[i][n] = '\0';
	}
	p->cfg->nsearch = argc;
	return DC_OK;
}

/* "yes" or "no" into the int at kw->field. */
dc_status dc_cfg_kw_bool(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			 char **argv, int argc)
{
	int *v = (int *)(void *)((char *)p->cfg + kw->field);
	char buf[80];

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFBAD;
	if (strcmp(argv[0], "yes") == 0)
		*v = 1;
	else if (strcmp(argv[0], "no") == 0)
		*v = 0;
	else
		return dc_cfg_perr(p, "%s must be 'yes' or 'no', got '%s'", kw->name,
				   dc_cfg_shown(argv[0], buf, sizeof buf));
	if (*v && strncmp(kw->name, "require-", 8) == 0 && p->require_line == 0)
		p->require_line = p->line;
	return DC_OK;
}

/* Copies a path value of n bytes into dst[cap], or says it is too long. */
static dc_status set_path(struct dc_cfg_parser *p, const char *kw, const char *v,
			  size_t n, char *dst, size_t cap)
{
	if (n >= cap)
		return dc_cfg_perr(p, "%s path is longer than %zu bytes", kw, cap - 1);
	memcpy(dst, v, n);
	dst[n] = '\0';
	return DC_OK;
}

dc_status dc_cfg_kw_cert_cache(struct dc_cfg_parser *p,
			       const struct dc_cfg_keyword *kw, char **argv, int argc)
{
	char buf[80];

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFBAD;
	if (strcmp(argv[0], "none") == 0) {
		p->cfg->cert_cache_dir[0] = '\0';
		return DC_OK;
	}
	if (argv[0][0] != '/')
		return dc_cfg_perr(p, "cert-cache must be an absolute path or 'none', got '%s'",
				   dc_cfg_shown(argv[0], buf, sizeof buf));
	return set_path(p, kw->name, argv[0], strlen(argv[0]), p->cfg->cert_cache_dir,
			sizeof p->cfg->cert_cache_dir);
}

/* "log none|syslog|/absolute/path" (dc_log.h). */
dc_status dc_cfg_kw_log(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			char **argv, int argc)
{
	char buf[80];
	size_t n;

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFBAD;
	n = strlen(argv[0]);
	if (strcmp(argv[0], "none") == 0)
		n = 0;
	else if (strcmp(argv[0], "syslog") != 0 && argv[0][0] != '/')
		return dc_cfg_perr(p, "log must be 'none', 'syslog' or an absolute path, got '%s'",
				   dc_cfg_shown(argv[0], buf, sizeof buf));
	return set_path(p, kw->name, argv[0], n, p->cfg->log_target,
			sizeof p->cfg->log_target);
}

/* "dnssec no|validate". */
dc_status dc_cfg_kw_dnssec(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   char **argv, int argc)
{
	char buf[80];

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFBAD;
	if (strcmp(argv[0], "no") == 0)
		p->cfg->dnssec = DC_DNSSEC_NO;
	else if (strcmp(argv[0], "validate") == 0)
		p->cfg->dnssec = DC_DNSSEC_VALIDATE;
	else
		return dc_cfg_perr(p, "dnssec must be 'no' or 'validate', got '%s'",
				   dc_cfg_shown(argv[0], buf, sizeof buf));
	return DC_OK;
}

/* "trust-anchor /absolute/file". */
dc_status dc_cfg_kw_anchor(struct dc_cfg_parser *p, const struct dc_cfg_keyword *kw,
			   char **argv, int argc)
{
	char buf[80];

	if (one_value(p, kw, argc) != DC_OK)
		return DC_ECONFBAD;
	if (argv[0][0] != '/')
		return dc_cfg_perr(p, "trust-anchor must be an absolute path, got '%s'",
				   dc_cfg_shown(argv[0], buf, sizeof buf));
	return set_path(p, kw->name, argv[0], strlen(argv[0]), p->cfg->trust_anchor,
			sizeof p->cfg->trust_anchor);
}
