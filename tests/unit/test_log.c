/* SPDX-License-Identifier: ISC */
/* test_log.c - the debug log (dc_log.c): off unless a target is given,
 * one line per call appended to a file (0600, regular files only, no
 * symbolic link followed, never blocking on a FIFO), control characters
 * shown as '?', long lines cut, errno preserved, syslog datagrams to a
 * missing /dev/log harmless; a file of another user, or one its group or
 * others may write, is left alone. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "t.h"
#include "dc_log.h"

static char dir[64];

static char *slurp(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* dc_log_file_ok on made-up file states. */
static int ok_for(mode_t mode, uid_t owner, uid_t me)
{
	struct stat st;

	memset(&st, 0, sizeof st);
	st.st_mode = mode;
	st.st_uid = owner;
	return dc_log_file_ok(&st, me);
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (size_t)st.st_size : (size_t)-1;
}

/* Issue 14, 7: the file is appended to only when it belongs to root or
 * to the running user and no one else may write it. */
static void test_owner(const char *path)
{
	size_t before;

	T_OK(ok_for(S_IFREG | 0600, 1000, 1000) && ok_for(S_IFREG | 0644, 0, 1000) &&
	     ok_for(S_IFREG | 0640, 0, 0), "ok: a regular file of root or of the user, 0600/0644/0640");
	T_OK(!ok_for(S_IFREG | 0600, 1001, 1000) && !ok_for(S_IFREG | 0644, 65534, 0),
	     "refused: owned by another user");
	T_OK(!ok_for(S_IFREG | 0620, 1000, 1000) && !ok_for(S_IFREG | 0602, 0, 1000) &&
	     !ok_for(S_IFREG | 0666, 1000, 1000), "refused: writable by its group or by others");
	T_OK(!ok_for(S_IFIFO | 0600, 1000, 1000) && !ok_for(S_IFDIR | 0700, 0, 0),
	     "refused: not a regular file");

	unlink(path);
	dc_log(path, "first");
	before = file_size(path);
	T_OK(before > 0 && before != (size_t)-1, "a new file is made and written (%zu bytes)", before);
	chmod(path, 0620);
	dc_log(path, "group-writable");
	T_EQ_INT(file_size(path), before, "a group-writable log file is not appended to");
	chmod(path, 0602);
	dc_log(path, "world-writable");
	T_EQ_INT(file_size(path), before, "a world-writable log file is not appended to");
	chmod(path, 0600);
	if (geteuid() == 0 && chown(path, 65534, 65534) == 0) {
		dc_log(path, "another user's");
		T_EQ_INT(file_size(path), before, "a log file of another user (65534) is not appended to");
		if (chown(path, 0, 0) != 0)
			T_OK(0, "chown back: %s", strerror(errno));
	} else {
		T_OK(1, "# SKIP not root: cannot give the file to another user");
	}
	dc_log(path, "again ours");
	T_OK(file_size(path) > before, "our own 0600 file is appended to again");
	unlink(path);
}

int main(void)
{
	char path[128], link[128], fifo[128], big[3000], *text;
	struct stat st;

	snprintf(dir, sizeof dir, "/tmp/test_log.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/log", dir);

	T_OK(!dc_log_enabled(NULL) && !dc_log_enabled("") && !dc_log_enabled("none") &&
	     !dc_log_enabled("relative/file"), "off: NULL, \"\", none, a relative path");
	T_OK(dc_log_enabled("syslog") && dc_log_enabled("/var/log/x"), "on: syslog, an absolute path");

	dc_log("", "nothing %d", 1);
	dc_log(NULL, "nothing %d", 2);
	T_OK(1, "logging while off does nothing");

	errno = 4242;
	dc_log(path, "lookup %s: %s", "a4.lab.test", "ok");
	T_EQ_INT(errno, 4242, "errno preserved");
	text = slurp(path);
	T_OK(text != NULL, "the file is created");
	T_OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
	T_OK(text && strstr(text, "Z nss-dnscrypt[") && strstr(text, "]: lookup a4.lab.test: ok\n"),
	     "line: timestamp, tag, pid, message (%s)", text ? text : "");
	T_OK(text && text[4] == '-' && text[10] == 'T' && text[23] == 'Z', "ISO 8601 UTC timestamp");
	dc_log(path, "second \001line\nwith\tcontrols");
	text = slurp(path);
	T_OK(text && strstr(text, "]: second ?line?with?controls\n"), "control characters shown as '?'");
	T_OK(text && strchr(strchr(text, '\n') + 1, '\n') == text + strlen(text) - 1,
	     "one line per call, appended");

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	unlink(path);
	dc_log(path, "%s", big);
	text = slurp(path);
	T_OK(text && strlen(text) < 1200 && text[strlen(text) - 1] == '\n',
	     "a long message is cut, the line still ends with a newline (%zu bytes)",
	     text ? strlen(text) : 0);

	snprintf(link, sizeof link, "%s/link", dir);
	unlink(path);
	symlink(path, link);
	dc_log(link, "through a link");
	T_OK(access(path, F_OK) != 0, "a symbolic link is not followed");

	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	mkfifo(fifo, 0600);
	dc_log(fifo, "to a fifo");
	T_OK(1, "a FIFO without a reader does not block");
	dc_log(dir, "to a directory");
	T_OK(1, "a directory is ignored");

	test_owner(path);

	errno = 77;
	dc_log(DC_LOG_SYSLOG, "to syslog %d", 1);
	T_EQ_INT(errno, 77, "syslog (whether or not /dev/log exists): errno preserved");

	unlink(link);
	unlink(fifo);
	unlink(path);
	rmdir(dir);
	T_DONE();
}
