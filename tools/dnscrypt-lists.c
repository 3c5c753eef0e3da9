/* SPDX-License-Identifier: ISC */
/* dnscrypt-lists - check a signed DNSCrypt resolver list (minisign) and
 * print the servers that pass a filter as ready nss-dnscrypt.conf lines.
 *
 * Exit status: 0 servers printed (or, with --verify-only, the signature
 * is good), 1 the list is authentic but no server matched, 2 the
 * signature is missing, malformed or does not verify, 3 a file cannot be
 * read, 64 usage error.  Nothing is printed on stdout unless the
 * signature verified.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "dc_config.h"
#include "dc_lists.h"

#define LIST_MAX_SIZE (16u << 20)
#define MAX_NAMES 64

static void usage(FILE *f)
{
	fprintf(f,
"usage: dnscrypt-lists [options] LIST.md\n"
"Verify the minisign signature of a DNSCrypt resolver list (LIST.md.minisig)\n"
"and print its DNSCrypt servers as nss-dnscrypt.conf \"server\" lines.\n"
"  -m, --minisig FILE    signature file (default LIST.md.minisig)\n"
"  -k, --key KEY         minisign public key (default %s,\n"
"                        the DNSCrypt project's list key)\n"
"      --dnssec          only resolvers that validate DNSSEC\n"
"      --nolog           only resolvers that say they keep no logs\n"
"      --nofilter        only resolvers that say they do not filter\n"
"  -4, --ipv4            servers with an IPv4 address\n"
"  -6, --ipv6            servers with an IPv6 address (neither: both)\n"
"  -n, --name PATTERN    only resolvers whose name matches the shell pattern\n"
"                        (repeat for more)\n"
"      --max N           print at most N servers\n"
"      --verify-only     check the signature and print nothing else\n"
"  -h, --help            this text\n", DC_LISTS_DEFAULT_KEY);
}

/* Read a whole file (at most max bytes). */
static int read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		close(fd);
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;
			free(buf);
			close(fd);
			errno = e;
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* Printable ASCII only, at most 300 bytes: comment lines stay well under
 * the configuration's line limit. */
static void print_clean(const char *s)
{
	for (int n = 0; *s && n < 300; s++, n++) {
		unsigned char c = (unsigned char)*s;
		putchar(c >= 0x20 && c < 0x7f ? c : ' ');
	}
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
	enum { O_DNSSEC = 256, O_NOLOG, O_NOFILTER, O_MAX, O_VERIFY };
	static const struct option opts[] = {
		{ "minisig", required_argument, NULL, 'm' },
		{ "key", required_argument, NULL, 'k' },
		{ "dnssec", no_argument, NULL, O_DNSSEC },
		{ "nolog", no_argument, NULL, O_NOLOG },
		{ "nofilter", no_argument, NULL, O_NOFILTER },
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "name", required_argument, NULL, 'n' },
		{ "max", required_argument, NULL, O_MAX },
		{ "verify-only", no_argument, NULL, O_VERIFY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sigpath = NULL, *key = DC_LISTS_DEFAULT_KEY, *names[MAX_NAMES];
	char *list = NULL, *sigtext = NULL, *sigbuf = NULL, err[512];
	char stamp[DC_LIST_STAMP_MAX + 1];
	struct dc_minisign_pk pk;
	struct dc_minisig sig;
	struct dc_list_iter it;
	size_t listlen, siglen;
	unsigned want = 0;
	long max = -1;
	int nnames = 0, verify_only = 0, c, rc = 0;
	unsigned long printed = 0, dnscrypt = 0, other = 0, bad = 0, filtered = 0, over = 0;

	while ((c = getopt_long(argc, argv, "m:k:46n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': sigpath = optarg; break;
		case 'k': key = optarg; break;
		case O_DNSSEC: want |= DC_LIST_DNSSEC; break;
		case O_NOLOG: want |= DC_LIST_NOLOG; break;
		case O_NOFILTER: want |= DC_LIST_NOFILTER; break;
		case '4': want |= DC_LIST_IPV4; break;
		case '6': want |= DC_LIST_IPV6; break;
		case 'n':
			if (nnames == MAX_NAMES) {
				fprintf(stderr, "dnscrypt-lists: at most %d --name patterns\n", MAX_NAMES);
				return 64;
			}
			names[nnames++] = optarg;
			break;
		case O_MAX: {
			char *end;
			max = strtol(optarg, &end, 10);
			if (!*optarg || *end || max < 0) {
				fprintf(stderr, "dnscrypt-lists: --max needs a number, got '%s'\n", optarg);
				return 64;
			}
			break;
		}
		case O_VERIFY: verify_only = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 64;
	}
	const char *path = argv[optind];
	if (sodium_init() < 0) {
		fprintf(stderr, "dnscrypt-lists: libsodium could not be initialised\n");
		return 3;
	}
	if (dc_minisign_pk_parse(key, &pk, err, sizeof(err)) != DC_OK) {
		fprintf(stderr, "dnscrypt-lists: %s\n", err);
		return 64;
	}
	if (!sigpath) {
		sigbuf = malloc(strlen(path) + sizeof(".minisig"));
		if (!sigbuf)
			return 3;
		sprintf(sigbuf, "%s.minisig", path);
		sigpath = sigbuf;
	}
	if (read_file(path, LIST_MAX_SIZE, &list, &listlen) != 0) {
		fprintf(stderr, "dnscrypt-lists: %s: %s\n", path, strerror(errno));
		rc = 3;
		goto done;
	}
	if (read_file(sigpath, DC_MINISIG_MAX_SIZE, &sigtext, &siglen) != 0) {
		if (errno == ENOENT)
			fprintf(stderr, "dnscrypt-lists: %s: no signature file; refusing "
				"an unsigned list (download %s too, or give it with --minisig)\n",
				sigpath, base(sigpath));
		else
			fprintf(stderr, "dnscrypt-lists: %s: %s; refusing the list\n",
				sigpath, strerror(errno));
		rc = 2;
		goto done;
	}
	if (dc_minisig_parse(sigtext, siglen, &sig, err, sizeof(err)) != DC_OK) {
		fprintf(stderr, "dnscrypt-lists: %s: %s; refusing the list\n", sigpath, err);
		rc = 2;
		goto done;
	}
	if (dc_minisig_verify(&pk, &sig, (const uint8_t *)list, listlen, err, sizeof(err)) != DC_OK) {
		fprintf(stderr, "dnscrypt-lists: %s: BAD SIGNATURE: %s; refusing the list\n",
			path, err);
		rc = 2;
		goto done;
	}
	if (verify_only) {
		printf("%s: signature OK (%s, key %.12s...)\ntrusted comment: ",
		       path, sig.prehashed ? "prehashed ED" : "legacy Ed", key);
		print_clean(sig.trusted);
		putchar('\n');
		rc = 0;
		goto done;
	}
	printf("# from %s, signature verified (key %s)\n# trusted comment: ",
	       base(path), key);
	print_clean(sig.trusted);
	printf("\n# filter:%s%s%s%s%s",
	       want & DC_LIST_DNSSEC ? " dnssec" : "",
	       want & DC_LIST_NOLOG ? " nolog" : "",
	       want & DC_LIST_NOFILTER ? " nofilter" : "",
	       want & DC_LIST_IPV4 ? " ipv4" : "",
	       want & DC_LIST_IPV6 ? " ipv6" : "");
	for (int i = 0; i < nnames; i++) {
		printf(" name=");
		print_clean(names[i]);
	}
	if (max >= 0)
		printf(" max=%ld", max);
	printf("%s\n", want || nnames || max >= 0 ? "" : " none");

	dc_list_begin(&it, list, listlen);
	const char *name;
	while (dc_list_next(&it, &name, stamp, sizeof(stamp))) {
		int k = dc_list_stamp_kind(stamp), m;
		if (k != DC_STAMP_DNSCRYPT) {
			other++;
			continue;
		}
		dnscrypt++;
		m = dc_list_stamp_match(stamp, want, NULL);
		if (m < 0) {
			bad++;
			fprintf(stderr, "dnscrypt-lists: %s:%d: %s: unusable DNSCrypt stamp skipped\n",
				path, it.line, name);
			continue;
		}
		if (m == 0) {
			filtered++;
			continue;
		}
		if (nnames) {
			int hit = 0;
			for (int i = 0; i < nnames && !hit; i++)
				hit = fnmatch(names[i], name, 0) == 0;
			if (!hit) {
				filtered++;
				continue;
			}
		}
		if (max >= 0 && printed >= (unsigned long)max) {
			over++;
			continue;
		}
		printf("# ");
		print_clean(name);
		printf("\nserver %s\n", stamp);
		printed++;
	}
	fprintf(stderr, "dnscrypt-lists: %lu server%s printed (%lu DNSCrypt stamps in the list, "
		"%lu filtered out, %lu over --max, %lu unusable; %lu stamps of other kinds skipped)\n",
		printed, printed == 1 ? "" : "s", dnscrypt, filtered, over, bad, other);
	if (printed > DC_MAX_SERVERS)
		fprintf(stderr, "dnscrypt-lists: note: nss-dnscrypt.conf takes at most %d "
			"servers; narrow the choice with --name or --max %d\n",
			DC_MAX_SERVERS, DC_MAX_SERVERS);
	rc = printed ? 0 : 1;
done:
	free(list);
	free(sigtext);
	free(sigbuf);
	return rc;
}
