/* SPDX-License-Identifier: ISC */
/* dc_cachedir.c - the cache directories, opened once per lookup
 * (dc_cachedir.h).  Per thread: no lock, and a thread's span never
 * outlives its lookup. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dc_cachedir.h"
#include "dc_safepath.h"

/* The system directory and the per-user one. */
#define KEPT_MAX 2

struct kept {
	int fd;                 /* -1: free */
	uid_t owner;
	char *path;
};

static __thread int holding;
static __thread struct kept kept[KEPT_MAX] = {
	{ -1, 0, NULL }, { -1, 0, NULL }
};

void dc_cachedir_drop(void)
{
	int saved = errno;

	for (int i = 0; i < KEPT_MAX; i++) {
		if (kept[i].fd >= 0)
			close(kept[i].fd);
		free(kept[i].path);
		kept[i].fd = -1;
		kept[i].path = NULL;
	}
	holding = 0;
	errno = saved;
}

void dc_cachedir_hold(void)
{
	dc_cachedir_drop();
	holding = 1;
}

int dc_cachedir_open(const char *path, uid_t owner, int create, mode_t mode)
{
	int fd, i;

	for (i = 0; holding && i < KEPT_MAX; i++)
		if (kept[i].fd >= 0 && kept[i].owner == owner &&
		    strcmp(kept[i].path, path) == 0)
			return kept[i].fd;
	fd = dc_safe_opendir(path, owner, create, mode);
	if (fd < 0 || !holding)
		return fd;
	for (i = 0; i < KEPT_MAX; i++) {
		if (kept[i].fd < 0) {
			if ((kept[i].path = strdup(path)) == NULL)
				break;
			kept[i].fd = fd;
			kept[i].owner = owner;
			break;
		}
	}
	return fd;
}

void dc_cachedir_close(int fd)
{
	for (int i = 0; i < KEPT_MAX; i++)
		if (kept[i].fd == fd)
			return;
	close(fd);
}
