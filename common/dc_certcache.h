/* dc_certcache.h - signed certificates kept on disk, so a new process can
 * skip the plaintext certificate fetch.  A file read back is verified again
 * (signature against the configured provider key, validity window): a
 * corrupted or planted file costs at most one fetch. */
#ifndef DC_CERTCACHE_H
#define DC_CERTCACHE_H

#include <time.h>
#include "dc_config.h"
#include "dc_cert.h"

/* DC_OK with a valid certificate for st, or an error (miss). */
dc_status dc_certcache_load(const struct dc_config *cfg,
			    const struct dc_stamp *st, time_t now,
			    struct dc_cert *out);

/* Best effort, atomic (write + rename); errors are ignored. */
void dc_certcache_save(const struct dc_config *cfg, const struct dc_stamp *st,
		       const struct dc_cert *c);

#endif
