/* dc_search.h - which names to ask for, in which order, as glibc's
 * res_search does (resolv/res_query.c, __res_context_search).
 */
#ifndef DC_SEARCH_H
#define DC_SEARCH_H

#include "dc_config.h"

struct dc_search {
	int ndots;
	int ndomains;
	char domains[DC_MAX_SEARCH][256];
};

/* Search settings: from the config if it sets them, else from glibc's own
 * reading of resolv.conf (res_ninit), else ndots 1 and no domain. */
void dc_search_init(struct dc_search *s, const struct dc_config *cfg);

/* The candidate names for name, in the order glibc tries them.  Returns the
 * number written (at most max); each out[i] holds DC_NAME_MAX bytes. */
int dc_search_candidates(const struct dc_search *s, const char *name,
			 char (*out)[1025], int max);

#endif
