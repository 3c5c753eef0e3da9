/* SPDX-License-Identifier: ISC */
/* dc_secload.c - the DNSSEC validator object (dc_secload.h).
 *
 * The object is found beside the code that needs it: dladdr of one of our
 * own functions names the file that holds it (the module in
 * $(libdir), or build/ in the build tree), and DC_SEC_OBJECT is taken
 * relative to its directory (the preload library, installed in
 * $(libdir)/nss-dnscrypt/ itself, finds it beside it).  Setuid programs load the module, so nothing
 * from the environment takes part.  For a program linked with libdc
 * (dnscrypt-resolve), dladdr names the program itself: its directory (the
 * build tree), then DC_LIBDIR (an install).  NSS modules are never
 * unloaded safely, and neither is this: no dlclose.
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dc_secload.h"

#ifndef DC_LIBDIR
#define DC_LIBDIR "/usr/local/lib"
#endif

#define PATH_CAP 1024
#define ERR_CAP 1200

static pthread_once_t once = PTHREAD_ONCE_INIT;
/* Set once by load() (under pthread_once); dc_secload_present reads it
 * without the once: atomic, release/acquire, so that no thread sees the
 * pointer before what it points to. */
static const struct dc_sec_ops *g_ops;
static char g_err[ERR_CAP];

/* The directory of the file holding this code, with a trailing '/';
 * *main set when that file is the program. */
static int own_dir(char *out, size_t cap, int *main)
{
	struct link_map *lm = NULL;
	Dl_info info;
	ssize_t n;
	char *slash;

	*main = 0;
	if (dladdr1((void *)own_dir, &info, (void **)&lm, RTLD_DL_LINKMAP) == 0 || !lm)
		return -1;
	if (lm->l_name && lm->l_name[0] != '\0') {
		if (snprintf(out, cap, "%s", lm->l_name) >= (int)cap)
			return -1;
	} else {
		/* The main program: its link map has no name. */
		*main = 1;
		n = readlink("/proc/self/exe", out, cap - 1);
		if (n <= 0)
			return -1;
		out[n] = '\0';
	}
	slash = strrchr(out, '/');
	if (!slash)
		return -1;
	slash[1] = '\0';
	return 0;
}

/* dir + DC_SEC_OBJECT; a library that is itself in the private directory
 * (the preload library, $(libdir)/nss-dnscrypt/) has the object beside it. */
static int object_path(const char *dir, char *path, size_t cap)
{
	static const char sub[] = "nss-dnscrypt/";
	size_t n = strlen(dir), s = sizeof sub - 1;
	const char *obj = DC_SEC_OBJECT;

	if (n >= s + 1 && strcmp(dir + n - s, sub) == 0 && dir[n - s - 1] == '/' &&
	    strncmp(obj, sub, s) == 0)
		obj += s;
	return snprintf(path, cap, "%s%s", dir, obj) >= (int)cap ? -1 : 0;
}

static int try_open(const char *dir, char *path, size_t cap, void **h)
{
	const char *e;

	if (object_path(dir, path, cap) != 0)
		return -1;
	*h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (*h)
		return 0;
	e = dlerror();
	dc_set_err(g_err, sizeof g_err, "%s: cannot load the DNSSEC validator: %s",
		 path, e ? e : "unknown error");
	return -1;
}

static void load(void)
{
	static char dir[PATH_CAP], path[PATH_CAP];
	const struct dc_sec_ops *ops;
	void *h = NULL;
	int main;

	if (own_dir(dir, sizeof dir, &main) != 0) {
		dc_set_err(g_err, sizeof g_err,
			 "the DNSSEC validator cannot be found: no path for our own library");
		return;
	}
	if (try_open(dir, path, sizeof path, &h) != 0) {
		char first[ERR_CAP];
		if (!main)
			return;
		memcpy(first, g_err, sizeof first);
		if (try_open(DC_LIBDIR "/", path, sizeof path, &h) != 0) {
			dc_set_err(g_err, sizeof g_err, "%s; nor in %s/", first, DC_LIBDIR);
			return;
		}
	}
	ops = dlsym(h, DC_SEC_OPS_SYMBOL);
	if (!ops) {
		dc_set_err(g_err, sizeof g_err, "%s: no %s in the DNSSEC validator",
			 path, DC_SEC_OPS_SYMBOL);
		return;
	}
	if (ops->abi != DC_SEC_ABI || !ops->open || !ops->close || !ops->validate) {
		dc_set_err(g_err, sizeof g_err,
			 "%s: the DNSSEC validator has abi %d, not %d", path, ops->abi,
			 DC_SEC_ABI);
		return;
	}
	__atomic_store_n(&g_ops, ops, __ATOMIC_RELEASE);
}

dc_status dc_secload_ops(const struct dc_sec_ops **ops, char *err, size_t errlen)
{
	int e = errno;

	pthread_once(&once, load);
	errno = e;
	*ops = g_ops;
	if (g_ops)
		return DC_OK;
	dc_set_err(err, errlen, "%s", g_err);
	return DC_EDNSSEC;
}

/* Is there a regular file where dir's object would be?  path gets it. */
static int exists_in(const char *dir, char *path, size_t cap)
{
	struct stat st;

	return object_path(dir, path, cap) == 0 && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

dc_status dc_secload_present(char *err, size_t errlen)
{
	char *dir, *path;
	int main = 0, e = errno, ok = 0;

	if (__atomic_load_n(&g_ops, __ATOMIC_ACQUIRE))
		return DC_OK;
	dir = malloc(2 * PATH_CAP);
	if (!dir) {
		dc_set_err(err, errlen, "out of memory");
		return DC_EDNSSEC;
	}
	path = dir + PATH_CAP;
	if (own_dir(dir, PATH_CAP, &main) != 0)
		dc_set_err(err, errlen,
			   "the DNSSEC validator cannot be found: no path for our own library");
	else if (!(ok = exists_in(dir, path, PATH_CAP) ||
			(main && exists_in(DC_LIBDIR "/", path, PATH_CAP))))
		dc_set_err(err, errlen, "%s: cannot load the DNSSEC validator: no such file%s",
			   object_path(dir, path, PATH_CAP) == 0 ? path : DC_SEC_OBJECT,
			   main ? "; nor in " DC_LIBDIR "/" : "");
	free(dir);
	errno = e;
	return ok ? DC_OK : DC_EDNSSEC;
}
