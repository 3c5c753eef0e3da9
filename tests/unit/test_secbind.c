/* SPDX-License-Identifier: ISC */
/* test_secbind.c - DNSSEC state on disk bound to the trust anchor
 * (dc_secbind.c): the digest is of the file's bytes (not its path), a
 * missing or oversized file is an error that names it and keeps errno,
 * the descriptor is closed, and a key-set file sealed under one anchor
 * opens under that anchor only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "t.h"
#include "dc_dnssec.h"
#include "dc_secbind.h"

static void put(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
		abort();
}

static int open_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < 256; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

int main(void)
{
	char dir[] = "/tmp/test_secbind.XXXXXX", a[64], b[64], err[DC_SEC_WHY_MAX];
	uint8_t d1[DC_SECBIND_DIGEST], d2[DC_SECBIND_DIGEST], d3[DC_SECBIND_DIGEST];
	uint8_t file[DC_SECBIND_HDR + 8];
	char *big;
	int fds;
	size_t n;

	if (sodium_init() < 0 || !mkdtemp(dir))
		return 1;
	snprintf(a, sizeof a, "%s/a.key", dir);
	snprintf(b, sizeof b, "%s/b.key", dir);
	put(a, ". IN DS 1 8 2 00\n", 17);
	put(b, ". IN DS 1 8 2 00\n", 17);
	fds = open_fds();
	errno = 1234;
	T_EQ_INT(dc_secbind_anchor(a, d1, err, sizeof err), DC_OK, "an anchor file: its digest");
	T_EQ_INT(errno, 1234, "... errno kept");
	T_EQ_INT(open_fds(), fds, "... no descriptor left open");
	T_EQ_INT(dc_secbind_anchor(b, d2, err, sizeof err), DC_OK, "the same bytes elsewhere");
	T_OK(memcmp(d1, d2, sizeof d1) == 0, "... the same digest (bytes, not the path)");
	put(b, ". IN DS 2 8 2 00\n", 17);
	dc_secbind_anchor(b, d2, err, sizeof err);
	T_OK(memcmp(d1, d2, sizeof d1) != 0, "another key in the file: another digest");

	snprintf(b, sizeof b, "%s/missing.key", dir);
	errno = 1234;
	T_EQ_INT(dc_secbind_anchor(b, d3, err, sizeof err), DC_EDNSSEC, "a missing file: DC_EDNSSEC");
	T_EQ_INT(errno, 1234, "... errno kept");
	T_OK(strstr(err, "missing.key: No such file") != NULL, "... the reason names it");
	big = calloc(1, DC_SEC_ANCHOR_MAX_FILE + 1);
	memset(big, ';', DC_SEC_ANCHOR_MAX_FILE + 1);
	snprintf(b, sizeof b, "%s/big.key", dir);
	put(b, big, DC_SEC_ANCHOR_MAX_FILE);
	T_EQ_INT(dc_secbind_anchor(b, d3, err, sizeof err), DC_OK, "a file of the largest size");
	put(b, big, DC_SEC_ANCHOR_MAX_FILE + 1);
	T_EQ_INT(dc_secbind_anchor(b, d3, err, sizeof err), DC_EDNSSEC, "one byte more: refused");
	T_OK(strstr(err, "larger than") != NULL, "... and says so");
	T_EQ_INT(open_fds(), fds, "no descriptor left open after the failures");
	free(big);

	n = dc_secbind_seal(d1, (const uint8_t *)"keyset", 6, file);
	T_EQ_INT((int)n, DC_SECBIND_HDR + 6, "sealed: the header and the blob");
	T_EQ_INT((int)dc_secbind_open(d1, file, n), DC_SECBIND_HDR, "opens under its anchor");
	T_OK(memcmp(file + DC_SECBIND_HDR, "keyset", 6) == 0, "... the blob after the header");
	T_EQ_INT((int)dc_secbind_open(d2, file, n), 0, "never under another anchor");
	T_EQ_INT((int)dc_secbind_open(d1, file, DC_SECBIND_HDR - 1), 0, "a cut header: nothing");
	T_EQ_INT((int)dc_secbind_open(d1, (const uint8_t *)"keyset", 6), 0,
		 "a file of the old form (no header): nothing");
	file[0] = 'X';
	T_EQ_INT((int)dc_secbind_open(d1, file, n), 0, "another magic: nothing");

	snprintf(b, sizeof b, "%s/big.key", dir);
	unlink(b);
	unlink(a);
	rmdir(dir);
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}
