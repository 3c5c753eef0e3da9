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

#define DC_LOG_TARGET_MAX 256        /* with the NUL */
#define DC_LOG_SYSLOG     "syslog"   /* the target for syslog */
#define DC_LOG_SYSLOG_PATH "/dev/log"

/* Whether target (the configuration's log setting: "" off, "syslog" or an
 * absolute path) asks for logging. */
int dc_log_enabled(const char *target);

/* Write one line.  syslog: a datagram to /dev/log (facility user,
 * severity debug, tag "nss-dnscrypt"), sent without blocking; a file: one
 * append (O_APPEND, O_NOFOLLOW, created 0600), regular files only.
 * Failures are ignored; errno is preserved; no descriptor outlives the
 * call or reaches a child forked meanwhile. */
void dc_log(const char *target, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
