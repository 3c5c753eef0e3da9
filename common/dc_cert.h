/* SPDX-License-Identifier: ISC */
/* dc_cert.h - DNSCrypt v2 resolver certificates (pure functions).
 *
 * Wire layout (big-endian): magic "DNSC"(4) | es-version(2) | minor(2) |
 * signature(64) | resolver pk(32) | client magic(8) | serial(4) |
 * ts-start(4) | ts-end(4) | extensions.  The Ed25519 signature covers
 * bytes 72..end, extensions included.
 */
#ifndef DC_CERT_H
#define DC_CERT_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>
#include "dc_status.h"

#define DC_CERT_MIN_LEN 124
#define DC_CERT_MAX_LEN 1024
#define DC_ES_XSALSA20   1
#define DC_ES_XCHACHA20  2

struct dc_cert {
	uint16_t es_version;
	uint8_t resolver_pk[32];
	uint8_t client_magic[8];
	uint32_t serial;
	uint32_t ts_start;
	uint32_t ts_end;
	size_t rawlen;
	uint8_t raw[DC_CERT_MAX_LEN]; /* the signed bytes as received (for the disk cache) */
};

typedef enum dc_cert_check {
	DC_CERT_VALID = 0,
	DC_CERT_BAD_FORMAT,    /* too short/long, bad magic */
	DC_CERT_BAD_VERSION,   /* es-version not 1 or 2 */
	DC_CERT_BAD_SIGNATURE,
	DC_CERT_NOT_YET_VALID,
	DC_CERT_EXPIRED,
	DC_CERT_BAD_WINDOW     /* ts-start >= ts-end */
} dc_cert_check;

const char *dc_cert_check_str(dc_cert_check c);

/* Parse and fully check one certificate against the provider key at time
 * now.  out is filled whenever the format is right (even if invalid). */
dc_cert_check dc_cert_parse(const uint8_t *buf, size_t len,
			    const uint8_t provider_pk[32], time_t now,
			    struct dc_cert *out);

/* The same checks but the signature's, for a certificate whose signature
 * this process has proof was checked before (dc_certfile.h says when): the
 * format, es-version and validity window are checked again. */
dc_cert_check dc_cert_parse_presigned(const uint8_t *buf, size_t len,
				      time_t now, struct dc_cert *out);

/* Returns 1 if a is preferred to b: higher serial; on a tie es-version 2,
 * then the later ts-start. */
int dc_cert_better(const struct dc_cert *a, const struct dc_cert *b);

/* Parse a DNS answer to the certificate TXT query: every TXT record of
 * the answer section (character-strings of one record joined) is tried as
 * a certificate, and the best valid one is written to best.  On failure
 * returns DC_ECERT and, if why != NULL, the check of the last candidate
 * (DC_CERT_BAD_FORMAT if there was none); DC_ENOMEM when out of memory. */
dc_status dc_cert_from_txt_answer(const uint8_t *abuf, size_t alen,
				  const uint8_t provider_pk[32], time_t now,
				  struct dc_cert *best, dc_cert_check *why);

/* Every certificate of such an answer with its check (dnscrypt-resolve's
 * explanations): ntxt TXT records, the first DC_CERT_LIST_MAX of them in
 * cert/check, best the index of the one a client uses or -1.  DC_OK when
 * there is a valid one. */
#define DC_CERT_LIST_MAX 8
struct dc_cert_list {
	int ntxt, n, best;
	struct dc_cert cert[DC_CERT_LIST_MAX];
	dc_cert_check check[DC_CERT_LIST_MAX];
};
dc_status dc_cert_list_txt_answer(const uint8_t *abuf, size_t alen,
				  const uint8_t provider_pk[32], time_t now,
				  struct dc_cert_list *all);

#endif
