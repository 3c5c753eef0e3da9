/* SPDX-License-Identifier: ISC */
/* dc_lists.h - signed DNSCrypt resolver lists (pure functions over bytes).
 *
 * The public lists (public-resolvers.md, relays.md, ...) are Markdown
 * files signed with minisign:
 *
 *   public key  "RW..." = base64("Ed" | key id(8) | Ed25519 public key(32))
 *   FILE.minisig, four lines:
 *     untrusted comment: TEXT
 *     base64(algorithm(2) | key id(8) | signature(64))
 *         "Ed": the signature covers the file's bytes (legacy)
 *         "ED": it covers BLAKE2b-512 of the file (prehashed)
 *     trusted comment: TEXT
 *     base64(global signature(64)) over signature(64) | TEXT
 *
 * A list is "## name" sections, each with free text and one or more lines
 * that start with "sdns://".
 */
#ifndef DC_LISTS_H
#define DC_LISTS_H

#include <stddef.h>
#include <stdint.h>
#include "dc_stamp.h"
#include "dc_status.h"

#define DC_MINISIGN_KEYID_LEN  8
#define DC_MINISIG_COMMENT_MAX 1024   /* as minisign's COMMENTMAXBYTES */
#define DC_MINISIG_MAX_SIZE    8192   /* a .minisig file, generously */
#define DC_LIST_NAME_MAX       127
#define DC_LIST_STAMP_MAX      1000   /* "server " + stamp fits a config line */

/* The signing key of the DNSCrypt project's resolver lists. */
#define DC_LISTS_DEFAULT_KEY "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"

struct dc_minisign_pk {
	uint8_t keyid[DC_MINISIGN_KEYID_LEN];
	uint8_t pk[32];
};

struct dc_minisig {
	int prehashed;                       /* "ED" (1) or "Ed" (0) */
	uint8_t keyid[DC_MINISIGN_KEYID_LEN];
	uint8_t sig[64];
	char trusted[DC_MINISIG_COMMENT_MAX + 1]; /* text after "trusted comment: " */
	uint8_t global_sig[64];
};

/* Parse a public key string ("RW...", surrounding blanks allowed).
 * DC_EPARSE with a one-line reason in err. */
dc_status dc_minisign_pk_parse(const char *text, struct dc_minisign_pk *out,
			       char *err, size_t errlen);

/* Parse the text of a .minisig file (CRLF accepted; nothing but blank
 * lines may follow the fourth line).  DC_EPARSE with a reason. */
dc_status dc_minisig_parse(const char *text, size_t len, struct dc_minisig *out,
			   char *err, size_t errlen);

/* Check a signature over data: key id, file signature, then the global
 * signature over the trusted comment.  DC_OK, or DC_EBADRESP with the
 * reason in err. */
dc_status dc_minisig_verify(const struct dc_minisign_pk *pk,
			    const struct dc_minisig *sig,
			    const uint8_t *data, size_t len,
			    char *err, size_t errlen);

/* Walking the stamps of a list. */
struct dc_list_iter {
	const char *text;
	size_t len, pos;
	int line;                            /* line of the last stamp returned */
	char name[DC_LIST_NAME_MAX + 1];     /* current "## " section, "" before one */
	unsigned long sections;              /* "## " headings seen so far */
};

void dc_list_begin(struct dc_list_iter *it, const char *text, size_t len);

/* The next stamp line: 1 with the stamp copied to stamp (NUL-terminated)
 * and *name pointing at its section's name (control characters shown as
 * '?'), 0 at the end.  Stamps before the first section, stamp lines with
 * a NUL byte, and stamps longer than DC_LIST_STAMP_MAX or cap - 1 bytes
 * are skipped. */
int dc_list_next(struct dc_list_iter *it, const char **name,
		 char *stamp, size_t cap);

/* The kind byte of a stamp (0x01 DNSCrypt, 0x02 DoH, 0x81 relay, ...), or
 * -1 when it is not "sdns://" followed by base64url. */
int dc_list_stamp_kind(const char *stamp);

/* Filters on a DNSCrypt stamp's properties. */
#define DC_LIST_DNSSEC   0x01u   /* the resolver validates DNSSEC */
#define DC_LIST_NOLOG    0x02u   /* it says it keeps no logs */
#define DC_LIST_NOFILTER 0x04u   /* it says it does not filter */
#define DC_LIST_IPV4     0x10u   /* an IPv4 address is acceptable */
#define DC_LIST_IPV6     0x20u   /* an IPv6 address is acceptable */

/* Parse stamp and check it against want (DC_LIST_* bits; with neither
 * DC_LIST_IPV4 nor DC_LIST_IPV6, both families are acceptable).  Returns
 * 1 for a DNSCrypt stamp that matches (parsed into out when out != NULL),
 * 0 for one that does not, -1 for anything that is not a valid DNSCrypt
 * server stamp. */
int dc_list_stamp_match(const char *stamp, unsigned want, struct dc_stamp *out);

#endif
