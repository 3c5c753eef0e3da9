#!/bin/bash
# SPDX-License-Identifier: ISC
# shellcheck disable=SC2129  # one >> per step keeps the steps readable
# tests/bench/run.sh - the benchmark behind `make bench` (issue 5).
#
#   B=build tests/bench/run.sh
#
# Builds tests/bench/{floor,bench,nss_dcnull}.c into $B/bench/, then re-executes
# itself inside a fresh lab (tests/lab/shell.sh: private network + mount
# namespace, NSD + dnsdist) and measures, against glibc's nss_dns talking
# plain DNS to the same dnsdist (127.0.0.53), interleaved in the same run:
#   0 floor   bare DNSCrypt exchange over UDP with common/'s crypto (one
#             query; then A and AAAA sent together)
#   1 warm    getaddrinfo(AF_UNSPEC) of uncached names, NSS module and
#             preload library
#   2 cold    getent ahosts per lookup (certificate cache warm / none /
#             warm with key-cache yes / "hosts: dcnull dns", a null module
#             (nss_dcnull.c) before nss_dns: what glibc charges any external
#             module in a new process; with row 0 it gives the cold row's
#             bound for any DNSCrypt NSS module)
#   3 threads lookups/s from 8 threads
#   4 tcp     many.lab.test (TC over UDP, answered over TCP)
#   5 memory  RSS added by the module and growth over many lookups
#   6 CPU     user+sys per warm lookup; instructions under callgrind
#   7 dnssec  the signed lab's listener, a secure name: warm lookups and a
#             new process with a warm cache, "dnssec validate" vs "dnssec
#             no" (not against nss_dns); and warm lookups of a new name of
#             a signed wildcard each time (no answer, no verdict seen twice:
#             what validating a new answer costs, chain keys warm)
# and prints one table.  Raw figures: $B/bench/last.kv, table:
# $B/bench/last.txt, callgrind profile: $B/bench/callgrind-*.txt.
#
# Sizes (environment):
#   BENCH_N=2000            lookups per mode, rows 0 and 1 (at most 4900)
#   BENCH_COLD_N=400        processes per mode, row 2
#   BENCH_THREADS=8 BENCH_THREAD_SECS=2 BENCH_THREAD_ROUNDS=3   row 3
#   BENCH_TCP_N=500         lookups per mode, row 4
#   BENCH_MEM_N=100000      lookups after warm-up, row 5 (both modes)
#   BENCH_CG_N=200          lookups under callgrind, row 6 (0: skip)
#   BENCH_COLDP_N=200       new processes per mode for the cold-start split
#   BENCH_COSTS_N=31        runs of bench-floor costs (sodium_init, keys...)
#   BENCH_SEC_N=2000 BENCH_SEC_ROUNDS=10 BENCH_SEC_NEW_N=200   row 7
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
B=${B:-$REPO/build}
case $B in /*) ;; *) B=$REPO/$B ;; esac
export B

BENCH_N=${BENCH_N:-2000}
BENCH_COLD_N=${BENCH_COLD_N:-400}
BENCH_THREADS=${BENCH_THREADS:-8}
BENCH_THREAD_SECS=${BENCH_THREAD_SECS:-2}
BENCH_THREAD_ROUNDS=${BENCH_THREAD_ROUNDS:-3}
BENCH_TCP_N=${BENCH_TCP_N:-500}
BENCH_MEM_N=${BENCH_MEM_N:-100000}
BENCH_CG_N=${BENCH_CG_N:-200}
BENCH_COLDP_N=${BENCH_COLDP_N:-200}
BENCH_COSTS_N=${BENCH_COSTS_N:-31}
BENCH_SEC_N=${BENCH_SEC_N:-2000}
BENCH_SEC_ROUNDS=${BENCH_SEC_ROUNDS:-10}
BENCH_SEC_NEW_N=${BENCH_SEC_NEW_N:-200}
export BENCH_SEC_N BENCH_SEC_ROUNDS BENCH_SEC_NEW_N
export BENCH_COLDP_N BENCH_COSTS_N
export BENCH_N BENCH_COLD_N BENCH_THREADS BENCH_THREAD_SECS \
       BENCH_THREAD_ROUNDS BENCH_TCP_N BENCH_MEM_N BENCH_CG_N

if [ -z "${DC_BENCH_IN_LAB:-}" ]; then
    for f in "$B/libdc.a" "$B/libnss_dnscrypt.so.2" "$B/libdnscrypt-preload.so"; do
        [ -e "$f" ] || { echo "bench: $f missing (make all first)" >&2; exit 1; }
    done
    CC=${CC:-cc}
    MULTIARCH=$($CC -print-multiarch 2>/dev/null || true)
    SYSLIB=/usr/lib/$MULTIARCH
    mkdir -p "$B/bench"
    flags=(-std=gnu11 -O2 -g -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter
           -Wno-unused-function -I"$REPO/common" -I"$HERE")
    echo "  CC      $B/bench/bench-floor" >&2
    # -u: libsodium's CPU probe as the module has it (common/dc_sodium_cpu.h),
    # so that the "sodium_init" cost is the module's
    $CC "${flags[@]}" -o "$B/bench/bench-floor" "$HERE/floor.c" "$B/libdc.a" \
        "$SYSLIB/libcares.a" "$SYSLIB/libsodium.a" -Wl,-u,_sodium_runtime_get_cpu_features -pthread
    echo "  CC      $B/bench/bench" >&2
    $CC "${flags[@]}" -o "$B/bench/bench" "$HERE/bench.c" -pthread -ldl
    echo "  CC      $B/bench/libnss_dcnull.so.2" >&2
    # linked as the module is (Makefile's SO_LDFLAGS), without its contents;
    # it needs libc.so.6, as any module does
    $CC "${flags[@]}" -fPIC -shared -o "$B/bench/libnss_dcnull.so.2" "$HERE/nss_dcnull.c" \
        -Wl,--no-as-needed -lc -Wl,-z,nodelete -Wl,-z,relro -Wl,-z,now -Wl,--no-undefined \
        -Wl,-soname,libnss_dcnull.so.2 -Wl,--version-script="$HERE/nss_dcnull.map"
    export DC_BENCH_IN_LAB=1
    # The lab's start-up chatter goes to stderr; the table to stdout.
    exec "$REPO/tests/lab/shell.sh" "$HERE/run.sh" "$@"
fi

# ---- inside the lab -----------------------------------------------------
: "${LAB:?}"
W=$LAB/bench
mkdir -p "$W" "$W/certcache" "$W/keycache"
KV=$W/results.kv
: >"$KV"
BENCH=$B/bench/bench
server_lines=$(grep '^server' "$LAB/es2.conf")
printf '%s\ncert-cache none\ncache no\n' "$server_lines" >"$W/es2-nocache.conf"
printf '%s\ncert-cache %s\n' "$server_lines" "$W/certcache" >"$W/es2-certcache.conf"
printf '%s\ncert-cache %s\nkey-cache yes\n' "$server_lines" "$W/keycache" >"$W/es2-keycache.conf"
echo 'hosts: dns' >"$W/nsswitch.conf"
cp "$LAB/resolv.conf.plain" "$W/resolv.conf"
# shell.sh gave us a private mount namespace: these stay inside it.
mount --bind "$W/resolv.conf" /etc/resolv.conf
mount --bind "$W/nsswitch.conf" /etc/nsswitch.conf

step() { echo "bench: $*" >&2; }
t_start=$(date +%s)
echo "K load.start $(cut -d' ' -f1 /proc/loadavg)" >>"$KV"
# The servers and their children (NSD forks its workers), for the CPU
# split of the threads row.
srv=()
add_tree() { # PID COMM: the process and all its descendants
    srv+=("$1:$2")
    local c
    for c in $(pgrep -P "$1" || true); do add_tree "$c" "$2"; done
}
while read -r pid comm _; do
    case $pid in '' | *[!0-9]*) continue ;; esac
    add_tree "$pid" "$comm"
done <"$LAB/pids"
export BENCH_SERVER_PIDS="${srv[*]}"

step "row 0: floor, $BENCH_N A queries per mode"
"$B/bench/bench-floor" "$BENCH_N" >>"$KV"

step "row 1: warm NSS, $BENCH_N getaddrinfo per mode"
LD_LIBRARY_PATH=$B NSS_DNSCRYPT_CONF=$LAB/es2.conf "$BENCH" warm "$BENCH_N" warm >>"$KV"

step "row 1: warm preload, $BENCH_N getaddrinfo per mode"
env -u LD_LIBRARY_PATH LD_PRELOAD="$B/libdnscrypt-preload.so" NSS_DNSCRYPT_CONF="$LAB/es2.conf" \
    "$BENCH" warm "$BENCH_N" pre "files dnscrypt" "files dns" >>"$KV"

step "row 2: cold, $BENCH_COLD_N getent processes per mode"
LD_LIBRARY_PATH=$B "$BENCH" cold "$BENCH_COLD_N" "$W/nsswitch.conf" \
    "$W/es2-certcache.conf" "$LAB/es2.conf" "$W/certcache" "$W/es2-keycache.conf" \
    "$B/bench" >>"$KV"
echo 'hosts: dns' >"$W/nsswitch.conf"

step "row 2 diagnostics: $BENCH_COLDP_N new processes per mode, $BENCH_COSTS_N cost probes"
LD_LIBRARY_PATH=$B "$BENCH" coldparts "$BENCH_COLDP_N" "$W/es2-certcache.conf" "$LAB/es2.conf" >>"$KV"
for _ in $(seq "$BENCH_COSTS_N"); do
    "$B/bench/bench-floor" costs >>"$KV"
done

step "row 3: $BENCH_THREADS threads, $BENCH_THREAD_ROUNDS x ${BENCH_THREAD_SECS}s per mode"
LD_LIBRARY_PATH=$B NSS_DNSCRYPT_CONF=$W/es2-nocache.conf \
    "$BENCH" threads "$BENCH_THREADS" "$BENCH_THREAD_SECS" "$BENCH_THREAD_ROUNDS" >>"$KV"

step "row 4: many.lab.test, $BENCH_TCP_N lookups per mode"
LD_LIBRARY_PATH=$B NSS_DNSCRYPT_CONF=$W/es2-nocache.conf "$BENCH" tcp "$BENCH_TCP_N" >>"$KV"

step "row 5: memory, $BENCH_MEM_N lookups per mode"
LD_LIBRARY_PATH=$B NSS_DNSCRYPT_CONF=$W/es2-nocache.conf "$BENCH" mem dnscrypt "$BENCH_MEM_N" >>"$KV"
LD_LIBRARY_PATH=$B "$BENCH" mem dns "$BENCH_MEM_N" >>"$KV"
# The added memory with the default configuration (answer cache on).
LD_LIBRARY_PATH=$B NSS_DNSCRYPT_CONF=$LAB/es2.conf "$BENCH" mem dnscrypt 0 |
    sed -n 's/^K mem\.dc\./K mem.dcdefault./p' >>"$KV"

step "row 7: dnssec validate vs no, $BENCH_SEC_N warm lookups and $BENCH_SEC_NEW_N new processes per mode"
mkdir -p "$W/seccache"
for m in no validate; do
    printf 'server %s\ncert-cache %s\ncache no\ndnssec %s\ntrust-anchor %s\n' \
        "$STAMP_SEC" "$W/seccache" "$m" "$SEC_ANCHOR" >"$W/sec-$m.conf"
done
LD_LIBRARY_PATH=$B "$BENCH" sec "$BENCH_SEC_N" "$BENCH_SEC_ROUNDS" "$BENCH_SEC_NEW_N" \
    "$W/sec-no.conf" "$W/sec-validate.conf" a4.lab.test both.lab.test '*.wild.lab.test' >>"$KV"

if [ "$BENCH_CG_N" -gt 0 ] && command -v valgrind >/dev/null; then
    step "row 6: callgrind, $BENCH_CG_N lookups per mode"
    for m in dnscrypt dns; do
        LD_LIBRARY_PATH=$B NSS_DNSCRYPT_CONF=$W/es2-nocache.conf \
            valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_measured \
            --callgrind-out-file="$W/cg.$m.out" "$BENCH" cg "$m" "$BENCH_CG_N" \
            >"$W/cg.$m.log" 2>&1 || { step "callgrind $m failed"; tail -5 "$W/cg.$m.log" >&2; }
        ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$W/cg.$m.out" 2>/dev/null | tail -1)
        k=$([ $m = dns ] && echo dns || echo dc)
        [ -n "$ir" ] && echo "K cg.$k.ir $(awk -v a="$ir" -v n="$BENCH_CG_N" 'BEGIN{printf "%.0f", a/n}')" >>"$KV"
        callgrind_annotate --inclusive=yes "$W/cg.$m.out" 2>/dev/null | head -60 \
            >"$B/bench/callgrind-$m.txt" || true
        callgrind_annotate "$W/cg.$m.out" 2>/dev/null | head -60 \
            >"$B/bench/callgrind-$m-self.txt" || true
    done
    echo "K cg.n $BENCH_CG_N" >>"$KV"
fi
t_end=$(date +%s)
echo "K load.end $(cut -d' ' -f1 /proc/loadavg)" >>"$KV"

cp "$KV" "$B/bench/last.kv"
{
    echo "nss-dnscrypt benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $((t_end - t_start)) s"
    echo
    "$BENCH" report "$KV"
    echo
    echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
         "kernel $(uname -r), $(ldd --version | head -1 | sed 's/^ldd //')"
    echo "servers: $(dnsdist --version 2>/dev/null | head -1), $(nsd -v 2>&1 | head -1)"
    echo "tree: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
    echo "command: make bench   (B=${B#"$REPO"/} tests/bench/run.sh; BENCH_N=$BENCH_N BENCH_COLD_N=$BENCH_COLD_N" \
         "BENCH_THREADS=$BENCH_THREADS BENCH_THREAD_SECS=$BENCH_THREAD_SECS BENCH_THREAD_ROUNDS=$BENCH_THREAD_ROUNDS" \
         "BENCH_TCP_N=$BENCH_TCP_N BENCH_MEM_N=$BENCH_MEM_N BENCH_CG_N=$BENCH_CG_N" \
         "BENCH_COLDP_N=$BENCH_COLDP_N BENCH_COSTS_N=$BENCH_COSTS_N" \
         "BENCH_SEC_N=$BENCH_SEC_N BENCH_SEC_ROUNDS=$BENCH_SEC_ROUNDS BENCH_SEC_NEW_N=$BENCH_SEC_NEW_N)"
} | tee "$B/bench/last.txt"
