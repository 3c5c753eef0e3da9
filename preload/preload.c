/* SPDX-License-Identifier: ISC */
/* preload.c - what LD_PRELOAD of libdnscrypt-preload.so does at load time.
 *
 * The library carries the soname libnss_dnscrypt.so.2 and the NSS entry
 * points, so when glibc loads the "dnscrypt" NSS module it finds it
 * already in the process (a loaded soname is reused).  Pointing the hosts
 * database at "files dnscrypt" then routes getaddrinfo, gethostbyname*,
 * gethostbyaddr* and getnameinfo through us with all of glibc's own
 * behaviour (flags, /etc/hosts, numeric hosts, sorting, freeaddrinfo).
 * No "dns" source follows: nothing resolves in clear.
 *
 * The constructor starts no thread, prints nothing and reads no
 * environment: configuration is read on the first lookup.
 */
#include <nss.h>

/* glibc exports it (GLIBC_2.2.5); nss.h declares it. */
__attribute__((constructor))
static void dc_preload_init(void)
{
	(void)__nss_configure_lookup("hosts", "files dnscrypt");
}
