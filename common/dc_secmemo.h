/* SPDX-License-Identifier: ISC */
/* dc_secmemo.h - validated answers remembered per thread context, so that
 * the same answer is not checked again (signature checks cost tens of
 * microseconds to milliseconds each; issue 15's warm target). */
#ifndef DC_SECMEMO_H
#define DC_SECMEMO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dc_secbind.h"

#define DC_SECMEMO_ENTRIES 64
#define DC_SECMEMO_MAX_TTL 3600   /* seconds, whatever the records say */
#define DC_SECMEMO_KEY 32

struct dc_secmemo_entry {
	uint8_t key[DC_SECMEMO_KEY];
	time_t until;             /* 0: free */
	int state;                /* DC_SEC_SECURE or DC_SEC_INSECURE */
};

struct dc_secmemo {
	struct dc_secmemo_entry e[DC_SECMEMO_ENTRIES];
	unsigned next;            /* the entry replaced next */
};

/* The key of an answer validated under the trust anchor whose digest is
 * anchor (dc_secbind.h): BLAKE2b of anchor, then of the whole message but
 * its id and the TTL fields of its records (a caching resolver lowers
 * them), so that the same records, signatures and denial proofs under
 * the same anchor give the same key, and a verdict reached under one
 * anchor never counts under another.  -1 when the message does not parse
 * (such an answer is never remembered). */
int dc_secmemo_key(const uint8_t anchor[DC_SECBIND_DIGEST], const uint8_t *ans,
		   size_t len, uint8_t key[DC_SECMEMO_KEY]);

/* How long a verdict on ans may be kept from now: the smallest TTL of
 * its records and the time left before its earliest RRSIG expiration
 * (RFC 4034 3.1.5 serial arithmetic), at most DC_SECMEMO_MAX_TTL; 0 when
 * it must not be kept (it does not parse, a TTL of 0, a signature already
 * expired). */
uint32_t dc_secmemo_lifetime(const uint8_t *ans, size_t len, time_t now);

/* The remembered state for key at now, or 0. */
int dc_secmemo_get(const struct dc_secmemo *m, const uint8_t key[DC_SECMEMO_KEY],
		   time_t now);

/* Remember state for key until now + life (nothing if life is 0). */
void dc_secmemo_put(struct dc_secmemo *m, const uint8_t key[DC_SECMEMO_KEY],
		    int state, time_t now, uint32_t life);

/* The live entries of m as a file's bytes: "DCSM1" then, per entry, the
 * key, the expiry (64-bit big-endian seconds) and the state (one byte).
 * Returns the length (at most DC_SECMEMO_FILE_MAX). */
#define DC_SECMEMO_REC (DC_SECMEMO_KEY + 9)
#define DC_SECMEMO_FILE_MAX (5 + DC_SECMEMO_ENTRIES * DC_SECMEMO_REC)
size_t dc_secmemo_pack(const struct dc_secmemo *m, time_t now,
		       uint8_t out[DC_SECMEMO_FILE_MAX]);

/* Add the entries of such a file to m: only secure and insecure ones
 * that are live at now and expire within DC_SECMEMO_MAX_TTL; anything
 * else, or a file that is not one, is ignored. */
void dc_secmemo_unpack(struct dc_secmemo *m, const uint8_t *in, size_t len,
		       time_t now);

#endif
