/* SPDX-License-Identifier: ISC */
/* hard_urandom.c - c-ares 1.18.1 reads /dev/urandom with fopen(..., "rb")
 * while it makes a channel (ares_init.c); without close-on-exec an exec or
 * posix_spawn in another thread at that moment hands the descriptor to
 * another program (issue 14, 6).  Run with "hosts: files dnscrypt".
 *
 *   hard_urandom THREADS          (the test)
 *   hard_urandom --child          (the spawned program)
 *
 * 1. This program defines fopen, open and open64 (exported: built with
 *    -rdynamic), so the module's calls to them reach these first: every
 *    /dev/urandom the module opens is seen at the moment it is opened,
 *    and must be close-on-exec then.  THREADS threads are made one after
 *    the other, each resolving once (each makes its context and channel).
 * 2. Meanwhile another thread runs posix_spawn of this program with
 *    --child in a loop, which exits 3 when it inherited a descriptor open
 *    on /dev/urandom: none may have.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <sys/wait.h>

#include "hard_util.h"

extern char **environ;

static int seen, leaky;   /* /dev/urandom opens seen, those without CLOEXEC */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void note(const char *path, int fd)
{
	int fl;

	if (fd < 0 || !path || strcmp(path, "/dev/urandom") != 0)
		return;
	fl = fcntl(fd, F_GETFD);
	pthread_mutex_lock(&mu);
	seen++;
	if (fl < 0 || !(fl & FD_CLOEXEC))
		leaky++;
	pthread_mutex_unlock(&mu);
}

/* Built with -fvisibility=hidden like everything here: these three are
 * exported by hand. */
#define EXPORTED __attribute__((visibility("default")))

EXPORTED FILE *fopen(const char *path, const char *mode)
{
	static FILE *(*real)(const char *, const char *);
	FILE *f;

	if (!real)
		real = (FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, "fopen");
	f = real(path, mode);
	if (f)
		note(path, fileno(f));
	return f;
}

static int open_common(const char *name, const char *path, int flags, va_list ap)
{
	static int (*real_open)(const char *, int, ...), (*real_open64)(const char *, int, ...);
	int (**real)(const char *, int, ...) = name[4] ? &real_open64 : &real_open;
	mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
	int fd;

	if (!*real)
		*real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);
	fd = (*real)(path, flags, mode);
	note(path, fd);
	return fd;
}

/* open and open64: each its own interposed symbol, one body. */
#define HARD_OPEN(fn)							\
	EXPORTED int fn(const char *path, int flags, ...)		\
	{								\
		va_list ap;						\
		int fd;							\
									\
		va_start(ap, flags);					\
		fd = open_common(#fn, path, flags, ap);			\
		va_end(ap);						\
		return fd;						\
	}
HARD_OPEN(open)
HARD_OPEN(open64)
#undef HARD_OPEN

/* --child: 3 when a descriptor open on /dev/urandom was inherited. */
static int child(void)
{
	char p[64], t[64];

	for (int fd = 0; fd < 1024; fd++) {
		ssize_t k;

		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		k = readlink(p, t, sizeof(t) - 1);
		if (k > 0) {
			t[k] = 0;
			if (strcmp(t, "/dev/urandom") == 0)
				return 3;
		}
	}
	return 0;
}

static const char *self;
static volatile int stop;
static int spawned, inherited, spawn_errors;

static void *spawner(void *arg)
{
	char *argv[] = { (char *)self, (char *)"--child", NULL };

	(void)arg;
	while (!stop) {
		pid_t pid;
		int st;

		if (posix_spawn(&pid, self, NULL, NULL, argv, environ) != 0) {
			spawn_errors++;
			continue;
		}
		if (waitpid(pid, &st, 0) == pid) {
			spawned++;
			inherited += WIFEXITED(st) && WEXITSTATUS(st) == 3;
		}
	}
	return NULL;
}

static void *resolver(void *arg)
{
	char got[512];

	if (hard_check_bench((int)(long)arg, got, sizeof(got)) != 0)
		printf("DIAG %s\n", got);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t sp, th;
	int n;

	if (argc == 2 && strcmp(argv[1], "--child") == 0)
		return child();
	if (argc != 2)
		return 2;
	n = atoi(argv[1]);
	self = "/proc/self/exe";
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		static char exe[4096];
		ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (k > 0) {
			exe[k] = 0;
			self = exe;
		}
	}
	pthread_create(&sp, NULL, spawner, NULL);
	for (int i = 0; i < n; i++) {
		pthread_create(&th, NULL, resolver, (void *)(long)i);
		pthread_join(th, NULL);
	}
	stop = 1;
	pthread_join(sp, NULL);
	if (seen > 0 && leaky == 0)
		printf("PASS %d threads made channels: all %d /dev/urandom opens were close-on-exec\n",
		       n, seen);
	else
		printf("FAIL %d threads made channels: %d of %d /dev/urandom opens without close-on-exec\n",
		       n, leaky, seen);
	if (inherited == 0)
		printf("PASS %d programs spawned meanwhile: none inherited /dev/urandom\n", spawned);
	else
		printf("FAIL %d of %d programs spawned meanwhile inherited /dev/urandom\n",
		       inherited, spawned);
	if (spawn_errors)
		printf("DIAG %d posix_spawn errors\n", spawn_errors);
	return 0;
}
