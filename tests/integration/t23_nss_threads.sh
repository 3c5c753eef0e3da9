#!/bin/bash
# SPDX-License-Identifier: ISC
# Threads, fork and a host with its own c-ares/libsodium, through glibc
# with "hosts: files dnscrypt" (resolv.conf names a dead server):
#  - $B/tests/nss_threads (tests/prog/nss_threads.c): 32 threads resolving
#    at once with getaddrinfo, every answer exact; open descriptors the same
#    after the threads exited; then a fork in the middle of the lookups:
#    the child holds no socket of the parent, resolves correctly (twice, no
#    descriptor growth), the parent's threads and later lookups too;
#  - tests/prog/own_ares.c, built here with -rdynamic so that its own
#    ares_*, sodium_*, crypto_*, randombytes_* and dc_* functions (all
#    aborting) are in the global scope, as node's are: resolving through
#    the module must not reach any of them.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t23)
t0=$EPOCHREALTIME

t_prog nss_threads with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
    "$B/tests/nss_threads" 32 2

# The Makefile links test programs without -rdynamic; this one needs it.
if ${CC:-cc} -O1 -rdynamic -o "$T/own_ares" "$REPO/tests/prog/own_ares.c" -ldl -pthread \
    >"$T/cc.log" 2>&1; then
    t_prog own_ares with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" "$T/own_ares"
else
    t_fail "own_ares.c builds with -rdynamic" "$(cat "$T/cc.log")"
fi

t1=$EPOCHREALTIME
t_diag "t23 took $(( (${t1/./} - ${t0/./}) / 1000 )) ms"
t_done
