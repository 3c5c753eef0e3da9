/* SPDX-License-Identifier: ISC */
/* dc_log.c - the debug log (syslog datagrams or appends to a file). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dc_log.h"

#define LINE_MAX_LEN 1024

/* The descriptor of a log write exists only under this lock, and fork
 * takes it first: a child never inherits one. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void atfork_prepare(void) { pthread_mutex_lock(&log_lock); }
static void atfork_parent(void) { pthread_mutex_unlock(&log_lock); }
static void atfork_child(void) { pthread_mutex_init(&log_lock, NULL); }

static void log_init(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

int dc_log_enabled(const char *target)
{
	return target != NULL && (target[0] == '/' || strcmp(target, DC_LOG_SYSLOG) == 0);
}

/* Control characters (a name may hold any byte) shown as '?'. */
static void clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* The line's buffer is on the heap: a lookup runs in 16 KiB of stack,
 * and the log is for debugging. */
#define BUF_LEN (LINE_MAX_LEN + 128)

static void send_syslog(char *buf, const char *msg)
{
	struct sockaddr_un sa;
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int fd, n;

	/* RFC 3164 as glibc's syslog(3) writes it: <PRI>TIMESTAMP TAG[PID]: */
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		return;
	n = snprintf(buf, BUF_LEN, "<%d>%s nss-dnscrypt[%ld]: %s",
		     (1 << 3) | 7 /* LOG_USER | LOG_DEBUG */, stamp, (long)getpid(), msg);
	if (n < 0)
		return;
	if (n >= BUF_LEN)
		n = BUF_LEN - 1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, DC_LOG_SYSLOG_PATH, sizeof(DC_LOG_SYSLOG_PATH));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		(void)send(fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

int dc_log_file_ok(const struct stat *st, uid_t me)
{
	return S_ISREG(st->st_mode) && (st->st_uid == 0 || st->st_uid == me) &&
	       (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

static void append_file(char *buf, const char *path, const char *msg)
{
	char stamp[40];
	struct timespec ts;
	struct stat st;
	struct tm tm;
	int fd, n;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return;
	n = snprintf(buf, BUF_LEN, "%s.%03ldZ nss-dnscrypt[%ld]: %s\n", stamp,
		     ts.tv_nsec / 1000000, (long)getpid(), msg);
	if (n < 0)
		return;
	if (n >= BUF_LEN) {
		n = BUF_LEN - 1;
		buf[n - 1] = '\n';
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
		  O_NOCTTY | O_NONBLOCK, 0600);
	if (fd < 0)
		return;
	/* Another user's file, or one others may write, is not ours to
	 * append names to (whoever created it would read every lookup of
	 * every program). */
	if (fstat(fd, &st) == 0 && dc_log_file_ok(&st, geteuid()) &&
	    write(fd, buf, (size_t)n) < 0) {
		/* nothing to do: the log is best effort */
	}
	close(fd);
}

void dc_log(const char *target, const char *fmt, ...)
{
	struct line { char msg[LINE_MAX_LEN], buf[BUF_LEN]; } *l;
	int saved = errno;
	va_list ap;

	if (!dc_log_enabled(target))
		return;
	l = malloc(sizeof(*l));
	if (l == NULL) {
		errno = saved;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
	va_end(ap);
	clean(l->msg);
	pthread_once(&log_once, log_init);
	pthread_mutex_lock(&log_lock);
	if (target[0] == '/')
		append_file(l->buf, target, l->msg);
	else
		send_syslog(l->buf, l->msg);
	pthread_mutex_unlock(&log_lock);
	free(l);
	errno = saved;
}
