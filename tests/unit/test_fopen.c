/* SPDX-License-Identifier: ISC */
/* test_fopen.c - dc_channel.c's fopen replacement (the module is linked
 * with -Wl,--wrap=fopen so that c-ares's fopen of /dev/urandom is
 * close-on-exec): the open(2) flags of each fopen(3) mode, and files
 * opened through __wrap_fopen are close-on-exec and usable. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "dc_channel.h"

static void test_flags(void)
{
	static const struct { const char *mode; int flags; } ok[] = {
		{ "r", O_RDONLY }, { "rb", O_RDONLY }, { "re", O_RDONLY },
		{ "r+", O_RDWR }, { "rb+", O_RDWR }, { "r+b", O_RDWR },
		{ "w", O_WRONLY | O_CREAT | O_TRUNC }, { "w+", O_RDWR | O_CREAT | O_TRUNC },
		{ "wx", O_WRONLY | O_CREAT | O_TRUNC | O_EXCL },
		{ "a", O_WRONLY | O_CREAT | O_APPEND }, { "a+", O_RDWR | O_CREAT | O_APPEND },
	};
	static const char *const bad[] = { "", "x", "+r", "b" };
	int f;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		f = -1;
		T_OK(dc_fopen_flags(ok[i].mode, &f) == 0 && f == (ok[i].flags | O_CLOEXEC),
		     "mode \"%s\": flags 0%o, close-on-exec", ok[i].mode, f);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_EQ_INT(dc_fopen_flags(bad[i], &f), -1, "mode \"%s\" refused", bad[i]);
}

static int cloexec(FILE *f)
{
	int fl = fcntl(fileno(f), F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC);
}

static void test_wrap(void)
{
	char path[] = "/tmp/test_fopen.XXXXXX", buf[16] = "";
	unsigned char rnd[16];
	FILE *f;
	int fd = mkstemp(path);

	if (fd >= 0)
		close(fd);
	f = __wrap_fopen("/dev/urandom", "rb");
	T_OK(f && cloexec(f) && fread(rnd, 1, sizeof(rnd), f) == sizeof(rnd),
	     "/dev/urandom \"rb\": close-on-exec, 16 bytes read");
	if (f)
		fclose(f);
	f = __wrap_fopen(path, "w");
	T_OK(f && cloexec(f) && fputs("hello\n", f) >= 0, "\"w\": close-on-exec, written");
	if (f)
		fclose(f);
	f = __wrap_fopen(path, "a+");
	T_OK(f && fputs("more\n", f) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	     fgets(buf, sizeof(buf), f) && strcmp(buf, "hello\n") == 0,
	     "\"a+\": appends and reads from the start");
	if (f)
		fclose(f);
	errno = 0;
	f = __wrap_fopen(path, "wx");
	T_OK(!f && errno == EEXIST, "\"wx\" on an existing file: EEXIST");
	errno = 0;
	f = __wrap_fopen("/nonexistent/x", "r");
	T_OK(!f && errno == ENOENT, "a missing file: NULL, ENOENT");
	errno = 0;
	f = __wrap_fopen(path, "q");
	T_OK(!f && errno == EINVAL, "a bad mode: NULL, EINVAL");
	unlink(path);
}

int main(void)
{
	test_flags();
	test_wrap();
	T_DONE();
}
