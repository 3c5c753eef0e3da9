/* SPDX-License-Identifier: ISC */
/* dc_proc.c - the process mark of dc_proc.h: a private anonymous page
 * with MADV_WIPEONFORK, which every child (fork, vfork, _Fork, clone
 * without CLONE_VM) gets zero-filled (madvise(2)), holding a flag and the
 * pid that marked it.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dc_proc.h"

struct proc_mark {
	int marked;          /* 0 in every child the kernel made */
	pid_t pid;           /* of the process that marked it */
};

static struct proc_mark *mark;
static int wiped;            /* the kernel took MADV_WIPEONFORK */

int dc_proc_init(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int saved = errno;
	void *p;

	if (pg <= 0)
		pg = 4096;
	p = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	wiped = madvise(p, (size_t)pg, MADV_WIPEONFORK) == 0;
	mark = p;
	dc_proc_mark();
	errno = saved;
	return 0;
}

int dc_proc_is_new(void)
{
	if (!__atomic_load_n(&mark->marked, __ATOMIC_ACQUIRE))
		return 1;
	return !wiped && mark->pid != getpid();
}

void dc_proc_mark(void)
{
	mark->pid = getpid();
	__atomic_store_n(&mark->marked, 1, __ATOMIC_RELEASE);
}
