/* SPDX-License-Identifier: ISC */
/* test_secbind.c - DNSSEC state on disk bound to the trust anchor
 * (dc_secbind.c): the anchor file is read once, its bytes handed back
 * (for the validator's open) with their digest (of the bytes, not the
 * path); a missing, oversized or not regular file is an error that names
 * it and keeps errno, the descriptor is closed, and a key-set file sealed
 * under one anchor opens under that anchor only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* dc_secbind_anchor of path: its status; the bytes compared with want
 * (NULL: none expected) and freed. */
static int anchor(const char *path, uint8_t d[DC_SECBIND_DIGEST], char *err,
		  size_t errlen, const char *want, size_t wlen)
{
	uint8_t *bytes = (uint8_t *)"x";
	size_t len = 99;
	dc_status rc = dc_secbind_anchor(path, &bytes, &len, d, err, errlen);

	if (want)
		T_OK(bytes && len == wlen && memcmp(bytes, want, wlen) == 0,
		     "  ... the file's bytes handed back (%zu)", len);
	else
		T_OK(!bytes && len == 0, "  ... no bytes");
	free(bytes);
	return rc;
}

int main(void)
{
	char dir[] = "/tmp/test_secbind.XXXXXX", a[64], b[64], err[DC_SEC_WHY_MAX];
	uint8_t d1[DC_SECBIND_DIGEST], d2[DC_SECBIND_DIGEST], d3[DC_SECBIND_DIGEST];
	uint8_t want[DC_SECBIND_DIGEST];
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
	T_EQ_INT(anchor(a, d1, err, sizeof err, ". IN DS 1 8 2 00\n", 17), DC_OK,
		 "an anchor file: its bytes and digest");
	T_EQ_INT(errno, 1234, "... errno kept");
	T_EQ_INT(open_fds(), fds, "... no descriptor left open");
	crypto_generichash(want, sizeof want, (const uint8_t *)". IN DS 1 8 2 00\n", 17, NULL, 0);
	T_OK(memcmp(d1, want, sizeof want) == 0, "... the digest is BLAKE2b-256 of those bytes");
	T_EQ_INT(anchor(b, d2, err, sizeof err, ". IN DS 1 8 2 00\n", 17), DC_OK,
		 "the same bytes elsewhere");
	T_OK(memcmp(d1, d2, sizeof d1) == 0, "... the same digest (bytes, not the path)");
	put(b, ". IN DS 2 8 2 00\n", 17);
	anchor(b, d2, err, sizeof err, ". IN DS 2 8 2 00\n", 17);
	T_OK(memcmp(d1, d2, sizeof d1) != 0, "another key in the file: another digest");
	put(b, "", 0);
	T_EQ_INT(anchor(b, d2, err, sizeof err, "", 0), DC_OK,
		 "an empty file: read (the validator refuses it)");

	snprintf(b, sizeof b, "%s/missing.key", dir);
	errno = 1234;
	T_EQ_INT(anchor(b, d3, err, sizeof err, NULL, 0), DC_EDNSSEC, "a missing file: DC_EDNSSEC");
	T_EQ_INT(errno, 1234, "... errno kept");
	T_OK(strstr(err, "missing.key: No such file") != NULL, "... the reason names it");
	T_EQ_INT(anchor(dir, d3, err, sizeof err, NULL, 0), DC_EDNSSEC, "a directory: DC_EDNSSEC");
	T_OK(strstr(err, "not a regular file") != NULL && strstr(err, dir) != NULL,
	     "... names it and says why (%s)", err);
	snprintf(b, sizeof b, "%s/fifo.key", dir);
	if (mkfifo(b, 0600) != 0)
		abort();
	T_EQ_INT(anchor(b, d3, err, sizeof err, NULL, 0), DC_EDNSSEC,
		 "a FIFO: DC_EDNSSEC, at once (no writer waited for)");
	T_OK(strstr(err, "not a regular file") != NULL, "... not a regular file (%s)", err);
	unlink(b);
	big = calloc(1, DC_SEC_ANCHOR_MAX_FILE + 1);
	memset(big, ';', DC_SEC_ANCHOR_MAX_FILE + 1);
	snprintf(b, sizeof b, "%s/big.key", dir);
	put(b, big, DC_SEC_ANCHOR_MAX_FILE);
	T_EQ_INT(anchor(b, d3, err, sizeof err, big, DC_SEC_ANCHOR_MAX_FILE), DC_OK,
		 "a file of the largest size");
	put(b, big, DC_SEC_ANCHOR_MAX_FILE + 1);
	T_EQ_INT(anchor(b, d3, err, sizeof err, NULL, 0), DC_EDNSSEC, "one byte more: refused");
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
