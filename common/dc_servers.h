/* SPDX-License-Identifier: ISC */
/* dc_servers.h - health and latency of the servers, kept per process and
 * on disk so that a later process starts with the fastest live server.
 *
 * One record per route (a server, or a server through one relay), named
 * by a 16-byte id.  A route that failed (no authenticated answer before
 * c-ares moved on or the lookup ended, or no certificate) is skipped for
 * DC_SKIP_MIN seconds, doubling per consecutive failure up to
 * DC_SKIP_MAX; an authenticated answer clears that and feeds the
 * smoothed round-trip time.  Before each lookup the servers are ranked:
 * routes not being skipped first, among them the ones without a recent
 * measurement (so each gets measured), then by smoothed RTT; skipped ones
 * last, the soonest to come back first.  Nothing is ever removed from the
 * list: c-ares still falls back to every server within one lookup.
 *
 * The state file ("servers.state" in the certificate cache directories,
 * dc_cachefile_*) is text, one record a line; it is read without trusting
 * it: bad lines are ignored and every value is clamped, so a corrupted or
 * hostile file costs speed at most.
 */
#ifndef DC_SERVERS_H
#define DC_SERVERS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "dc_config.h"

#define DC_HEALTH_ID_LEN  16
#define DC_HEALTH_MAX     64      /* records in the process and the file */
#define DC_SKIP_MIN       60      /* seconds skipped after one failure */
#define DC_SKIP_MAX       600     /* ... doubling up to this */
#define DC_RTT_STALE      1800    /* an older RTT is measured again */
#define DC_RTT_MAX_US     60000000u
#define DC_FAILS_MAX      32
#define DC_STATE_FILE     "servers.state"
#define DC_STATE_MAX      8192    /* bytes in the state file */
#define DC_UDP_RETRY      1800    /* seconds of TCP first after UDP failed */

struct dc_health {
	uint8_t id[DC_HEALTH_ID_LEN];
	uint32_t fails;          /* consecutive failures */
	uint32_t srtt_us;        /* smoothed RTT, 0 = never measured */
	int64_t skip_until;      /* unix time; skipped while now < it */
	int64_t rtt_at;          /* unix time of the last RTT sample */
	int64_t updated;         /* unix time of the last change */
	int64_t udp_bad_until;   /* UDP got no answer where TCP did: lookups
				  * go straight to TCP until then, and probe
				  * UDP again after it (0: UDP works) */
};

/* The id of a route: BLAKE2b of the server's identity (dc_certcache_id)
 * and the relay's address, if any.  -1 for an unusable address. */
int dc_servers_id(const struct dc_stamp *server, const struct dc_stamp *relay,
		  uint8_t id[DC_HEALTH_ID_LEN]);

/* A copy of the process's record for id (zeros but the id if none). */
void dc_servers_get(const uint8_t id[DC_HEALTH_ID_LEN], struct dc_health *out);

/* An authenticated answer on the route; rtt_us is a round-trip sample
 * when sample is set.  A failure: no answer on the route.  Both return 1
 * when the state file should be written (what a later process would
 * choose changed; or RTT drift unsaved for 5 minutes).  No I/O here:
 * they are called from inside c-ares's processing. */
int dc_servers_note_answer(const uint8_t id[DC_HEALTH_ID_LEN], uint32_t rtt_us,
			   int sample);
int dc_servers_note_failure(const uint8_t id[DC_HEALTH_ID_LEN]);
/* UDP to the route answered (ok), or got no answer in a lookup that TCP
 * then answered: 1 when the state file should be written. */
int dc_servers_note_udp(const uint8_t id[DC_HEALTH_ID_LEN], int ok);

/* Write the process's records, merged with the file's newer ones, to
 * the state file of cfg's cache directory (atomically; errno kept). */
void dc_servers_save(const struct dc_config *cfg);

/* Merge the state file(s) into the process's records (at most once every
 * DC_STATE_RELOAD seconds unless force). */
#define DC_STATE_RELOAD 30
void dc_servers_load(const struct dc_config *cfg, int force);

/* Ranking (pure): < 0 when a is to be asked before b at time now. */
int dc_health_cmp(const struct dc_health *a, const struct dc_health *b,
		  time_t now);
/* order[0..n) = 0..n-1 sorted by dc_health_cmp, stable. */
void dc_health_rank(const struct dc_health *h, int n, time_t now, int *order);

/* The state file format (pure; dc_serverstate.c).  parse keeps at most
 * max valid records (later duplicates of an id replace earlier ones),
 * clamps them against now and returns how many; format returns the
 * length written (records that do not fit are left out). */
int dc_state_parse(const char *text, size_t len, time_t now,
		   struct dc_health *out, int max);
size_t dc_state_format(const struct dc_health *h, int n, char *out, size_t cap);

/* pthread_atfork handlers, called from dc_ctx's. */
void dc_servers_atfork_prepare(void);
void dc_servers_atfork_parent(void);
void dc_servers_atfork_child(void);

#endif
