/* SPDX-License-Identifier: ISC */
/* dc_safepath.h - opening a directory whose path others might bend. */
#ifndef DC_SAFEPATH_H
#define DC_SAFEPATH_H

#include <sys/types.h>

/* Open the absolute directory path component by component with openat
 * (O_NOFOLLOW | O_DIRECTORY) from "/": every directory on the way must
 * belong to root or to the euid and be writable by no one else unless it
 * is sticky; a symbolic link on the way (not the last component) is
 * followed only when root or the euid owns it (at most 32 links); the last
 * component must be a directory (no link) owned by owner and writable by
 * no one else.  The last `create` components are made when missing (0700;
 * the last one with exactly mode).  An O_CLOEXEC descriptor, or -1 (errno
 * is not meaningful).  Nothing is kept on the stack beyond a name: the
 * path buffers are on the heap. */
int dc_safe_opendir(const char *path, uid_t owner, int create, mode_t mode);

#endif
