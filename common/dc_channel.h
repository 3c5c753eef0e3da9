/* SPDX-License-Identifier: ISC */
/* dc_channel.h - a c-ares channel with our transport, its server list,
 * the poll loop that drives it, and the monotonic clock of deadlines
 * (dc_channel.c). */
#ifndef DC_CHANNEL_H
#define DC_CHANNEL_H

#include <stdint.h>
#include <stdio.h>
#include <ares.h>
#include "dc_config.h"
#include "dc_stamp.h"
#include "dc_status.h"
#include "dc_transport.h"

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t dc_now_ms(void);

/* Make a c-ares channel with our transport: servers in this order, no
 * resolv.conf read, timeout and tries from cfg (TCP with use_tcp). */
dc_status dc_channel_new(ares_channel *ch, struct dc_transport *tr,
			 const struct dc_config *cfg, const struct dc_stamp *const *servers,
			 int nservers, int use_tcp);

/* Set a channel's servers, in this order, with their ports (no query may
 * be pending): ARES_SUCCESS or a c-ares error. */
int dc_channel_set_servers(ares_channel ch, const struct dc_stamp *const *servers,
			   int n);

/* Run the channel until *pending drops to zero or deadline_ms passes
 * (then its queries are cancelled and DC_ETIMEOUT returned).  The wait
 * is the one cancellation point of a lookup (dc_cancel_caller). */
dc_status dc_channel_wait(ares_channel ch, const int *pending, uint64_t deadline_ms);

/* Cancellation: a lookup runs with cancellation disabled (the caller's
 * state saved here) except in dc_channel_wait's poll(), where no lock is
 * held; a channel on the stack needs a cleanup handler
 * (pthread_cleanup_push) around the wait. */
extern __thread int dc_cancel_caller;

/* open(2) flags for an fopen(3) mode, always with O_CLOEXEC: 0, or -1
 * for a mode fopen refuses (not r, w or a first). */
int dc_fopen_flags(const char *mode, int *flags);
/* fopen with close-on-exec: what c-ares's fopen calls reach in a binary
 * linked with -Wl,--wrap=fopen. */
FILE *__wrap_fopen(const char *path, const char *mode);

#endif
