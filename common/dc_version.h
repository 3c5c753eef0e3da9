/* SPDX-License-Identifier: ISC */
/* dc_version.h - the c-ares and libsodium versions a build carries.
 *
 * Both are linked in statically (README), so a security update of either
 * reaches nss-dnscrypt only through a rebuild.  Every binary linked with
 * common/ (the module and the preload library through -Wl,-u: Makefile)
 * carries one line of text that says which versions, and which Debian
 * packages, it was built with; dnscrypt-resolve --version prints its own
 * and reads it from module files.
 */
#ifndef DC_VERSION_H
#define DC_VERSION_H

#include <stddef.h>

/* What the text starts with, in the file as in memory. */
#define DC_VERSION_MARK "nss-dnscrypt built with c-ares "

/* "nss-dnscrypt built with c-ares 1.18.1, libsodium 1.0.18 (Debian
 * packages: ...)". */
extern const char dc_version_text[];

/* The text carried by the file at path (a built module, say) into out:
 * 0, or -1 with errno (ENODATA: the file carries none). */
int dc_version_of_file(const char *path, char *out, size_t cap);

#endif
