/* SPDX-License-Identifier: ISC */
/* dc_log.h - the debug log: off by default, one line per lookup, to
 * syslog or to a file named in the configuration ("log syslog",
 * "log /var/log/nss-dnscrypt.log"), never to the program's stdout or
 * stderr.
 *
 * The log names every looked-up name: it is for debugging, not for
 * keeping on.
 */
#ifndef DC_LOG_H
#define DC_LOG_H

#include <sys/stat.h>
#include <sys/types.h>

#define DC_LOG_TARGET_MAX 256        /* with the NUL */
#define DC_LOG_SYSLOG     "syslog"   /* the target for syslog */
#define DC_LOG_SYSLOG_PATH "/dev/log"

/* Whether target (the configuration's log setting: "" off, "syslog" or an
 * absolute path) asks for logging. */
int dc_log_enabled(const char *target);

/* Write one line.  syslog: a datagram to /dev/log (facility user,
 * severity debug, tag "nss-dnscrypt"), sent without blocking; a file: one
 * append (O_APPEND, O_NOFOLLOW, created 0600) to a file dc_log_file_ok
 * accepts (fstat of the open descriptor), else nothing.  Failures are
 * ignored; errno is preserved; no descriptor outlives the call or reaches
 * a child forked meanwhile. */
void dc_log(const char *target, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Whether a log file with this status may be appended to by user me (the
 * effective uid): a regular file owned by root or by me, writable by
 * neither its group nor others. */
int dc_log_file_ok(const struct stat *st, uid_t me);

#endif
