/* SPDX-License-Identifier: ISC */
/* dc_certfetch.h - a resolver's certificate and the session made with it
 * (dc_certfetch.c): the process-wide store, the disk cache, and the
 * plaintext certificate query (UDP, then TCP), through the server's relay
 * when it has one.
 */
#ifndef DC_CERTFETCH_H
#define DC_CERTFETCH_H

#include <stdint.h>
#include <time.h>
#include "dc_cert.h"
#include "dc_config.h"
#include "dc_crypt.h"
#include "dc_query.h"
#include "dc_transport.h"

/* A certificate in the process or on disk is checked again after this
 * long (design.md 2: at least hourly); a file in the disk cache older
 * than DC_CERT_DISK_REFRESH is fetched again, as dnscrypt-proxy refreshes
 * its certificates every few hours, whatever its validity. */
#define DC_CERT_RECHECK      3600
#define DC_CERT_DISK_REFRESH (4 * 3600)

/* What is known of one server's certificate: the one in use, or why
 * there is none. */
struct dc_certinfo {
	dc_status status;        /* of the last attempt: DC_OK, DC_ECERT, ... */
	int check;               /* dc_cert_check of a refused certificate */
	int from_disk;           /* the certificate came from the disk cache */
	int key_from_disk;       /* the session's keys came from the key cache */
	uint32_t serial;
	uint16_t es;
	uint32_t ts_end;
	time_t until;            /* check again from then on */
};

/* Make srv's session with the best valid certificate of its server (from
 * the process's store, then the disk cache, then the network, through
 * srv->relay with cfg's direct-cert-fallback), giving up at deadline_ms;
 * the session's keys from the key cache (key-cache yes, not with
 * ephemeral-keys), else made with the client key pair get_kp gives (asked
 * only then: making it costs an X25519).  flags: DC_CERT_REFETCH skips
 * the store and the disk caches (certificate and keys), DC_CERT_TCP asks
 * over TCP only (UDP to the server is known to get no answer).  info is
 * filled whatever the outcome. */
#define DC_CERT_REFETCH 1
#define DC_CERT_TCP     2
dc_status dc_cert_ensure(const struct dc_config *cfg, struct dc_tserver *srv,
			 void (*get_kp)(struct dc_keypair *kp), int flags,
			 time_t now, uint64_t deadline_ms, struct dc_certinfo *info);

/* One question on a channel of its own to srv alone (the certificate
 * query, plain; or encrypted with srv's session), over UDP or TCP, until
 * deadline_ms: DC_OK with the answer in r (free it with dc_qres_free),
 * or why none came. */
dc_status dc_ask_once(const struct dc_config *cfg, struct dc_tserver *srv,
		      int encrypt, int tcp, const char *name, int type,
		      uint64_t deadline_ms, struct dc_qres *r);

/* The certificate query (TXT for st's provider name) to st, through
 * relay when not NULL (padded to udp_wire: a relay drops answers longer
 * than the query): UDP for half the time to end_ms (an eighth when udp is
 * 0: UDP known to get no answer), then TCP, then UDP again for what is
 * left.  DC_OK with the raw answer in r (free it with dc_qres_free);
 * how tells the outcome over each transport (DC_EPARSE: not tried). */
struct dc_cert_how {
	dc_status on[2];         /* over UDP, over TCP */
	int tcp;                 /* the answer came over TCP */
};
dc_status dc_cert_query(const struct dc_config *cfg, const struct dc_stamp *st,
			const struct dc_stamp *relay, size_t udp_wire, int udp,
			uint64_t end_ms, struct dc_qres *r, struct dc_cert_how *how);

/* The server's certificate is not to be taken from the process's store
 * any more (it may have been rotated). */
void dc_certstore_forget(const struct dc_stamp *st);

/* pthread_atfork handlers of the store, called from dc_ctx's. */
void dc_certstore_atfork_prepare(void);
void dc_certstore_atfork_parent(void);
void dc_certstore_atfork_child(void);

#endif
