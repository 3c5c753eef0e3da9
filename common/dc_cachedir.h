/* SPDX-License-Identifier: ISC */
/* dc_cachedir.h - the cache directories, opened once per lookup.
 *
 * A lookup of a new process reads the server state file and the
 * certificate (and with key-cache yes the key file) from the same
 * directory; each dc_safe_opendir walks its path from "/" (about 4 system
 * calls a component).  Between dc_cachedir_hold and dc_cachedir_drop this
 * thread keeps the directories it opened (the system one and its per-user
 * one) and hands out the same descriptor again for the same path and
 * owner.  Outside that span every open is a fresh dc_safe_opendir, as
 * before.  A kept descriptor is as trustworthy as a fresh one: what the
 * walk checked (owners and modes of the path) can only be changed by root
 * or the owner, and a path renamed meanwhile is seen by the next lookup.
 */
#ifndef DC_CACHEDIR_H
#define DC_CACHEDIR_H

#include <sys/types.h>

/* Start keeping (dropping first what an earlier span left). */
void dc_cachedir_hold(void);

/* Close what is kept and stop keeping; errno is preserved. */
void dc_cachedir_drop(void);

/* dc_safe_opendir(path, owner, create, mode), or the descriptor kept for
 * the same path and owner.  Give it back with dc_cachedir_close. */
int dc_cachedir_open(const char *path, uid_t owner, int create, mode_t mode);

/* Close fd unless it is kept. */
void dc_cachedir_close(int fd);

#endif
