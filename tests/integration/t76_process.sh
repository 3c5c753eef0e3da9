#!/bin/bash
# SPDX-License-Identifier: ISC
# What a host process can do to the module (issue 14, findings 1, 2 and 6),
# through glibc with "hosts: files dnscrypt" and "cache no":
#  1. children made without fork()'s handlers (tests/prog/hard_forkid.c):
#     a single-threaded program resolves, then a _Fork() child and a raw
#     clone() child resolve, and the parent again after each; under a
#     capture of everything sent to 127.0.0.54: the parent's queries carry
#     one client public key (bytes 8..40), each child's one of its own, and
#     no client nonce (bytes 40..52) repeats;
#  2. descriptors: a program that closed its stderr resolves and writes to
#     fd 2 (tests/prog/hard_lowfd.c): fd 2 is not ours, the text is not in
#     a capture of what went to the resolver; 64 threads that resolve once
#     and idle (tests/prog/hard_idle.c) hold at most 4 resolver sockets,
#     none once the parked ones' idle time (3 s) has passed and another
#     lookup ran;
#  3. /dev/urandom, which c-ares reads while making a channel, is opened
#     close-on-exec (tests/prog/hard_urandom.c: its own fopen and open see
#     the module's calls; 200 threads make channels while another thread
#     posix_spawns programs that report an inherited /dev/urandom);
#  4. dnscrypt-resolve --version [MODULE...] names the c-ares and libsodium
#     versions (and Debian packages) linked into the tool, the module and
#     the preload library.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# nested DIR: hard_idle and hard_urandom, in a lab of their own
# (tests/lab/shell.sh runs this script there): their bursts of lookups from
# many threads would make the suite's tcpdump drop packets of other tests.
nested() {
    printf 'server %s\ncert-cache none\ncache no\n' "$STAMP_ES2" >"$1/nocache.conf"
    NSS_DNSCRYPT_CONF=$1/nocache.conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" "$B/tests/hard_idle" 64 4 3000 >"$1/idle.out" 2>&1
    echo $? >"$1/idle.rc"
    NSS_DNSCRYPT_CONF=$1/nocache.conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" "$B/tests/hard_urandom" 200 >"$1/urandom.out" 2>&1
    echo $? >"$1/urandom.rc"
}
if [ "${1:-}" = --nested ]; then
    nested "$2"
    exit 0
fi

T=$(lab_tmp t76)
NSSW=$LAB/nsswitch.conf.dnscrypt
DEAD=$LAB/resolv.conf.dead
printf 'server %s\ncert-cache none\ncache no\n' "$STAMP_ES2" >"$T/nocache.conf"
N=$T/nested
lab_nested --nested "$N" "the nested lab for hard_idle and hard_urandom ran"

# keys PCAP: per phase (split by the forkid-mark-N datagrams to port 9),
# the client public keys and nonces of the DNSCrypt queries to port 443.
keys() {
    python3 - "$1" 2>&1 <<'EOF'
import collections, os, sys
sys.path.insert(0, os.path.join(os.environ["REPO"], "tests", "lab"))
import pcapcheck  # noqa: E402

phase, queries = 0, []
for _, dport, payload in pcapcheck.udp4(sys.argv[1]):
    if dport == 9 and payload.startswith(b"forkid-mark-"):
        phase = max(phase, int(payload[12:].decode()))
        continue
    if dport != 443 or len(payload) < 256:
        continue  # a mark of cap_stop, or the (plain) certificate query
    queries.append((phase, payload[8:40], payload[40:52]))
nonces = collections.Counter(q[2] for q in queries)
print("queries %d" % len(queries))
print("duplicates %d" % sum(c - 1 for c in nonces.values() if c > 1))
keys = {}
for p in range(5):
    ks = collections.Counter(q[1] for q in queries if q[0] == p)
    print("phase%d %d %d" % (p, sum(ks.values()), len(ks)))
    keys[p] = set(ks)
parent = keys[0] | keys[2] | keys[4]
print("parent_keys %d" % len(parent))
print("fork_child_shares %d" % len(keys[1] & (parent | keys[3])))
print("clone_child_shares %d" % len(keys[3] & (parent | keys[1])))
EOF
}

# ---- 1. _Fork() and clone() children: keys and nonces on the wire ------------
if ! cap_start "$T/forkid.pcap" 127.0.0.54; then
    t_skip "_Fork() and clone() children" "tcpdump cannot run here"
else
    out=$(NSS_DNSCRYPT_CONF=$T/nocache.conf with_nss "$NSSW" "$DEAD" \
        "$B/tests/hard_forkid" 127.0.0.54 4 2>&1)
    rc=$?
    cap_stop >/dev/null
    t_prog_lines "$out" "$rc" hard_forkid
    k=$(keys "$T/forkid.pcap")
    get() { sed -n "s/^$1 //p" <<<"$k" | head -n 1; }
    t_diag "$(tr '\n' ' ' <<<"$k")"
    n=$(get queries)
    if [ -z "$n" ]; then
        t_fail "forkid: the capture can be read" "$k"
    else
        for p in 0 1 2 3 4; do
            read -r q nk <<<"$(get phase$p)"
            if [ "${q:-0}" -ge 8 ] && [ "${nk:-0}" -eq 1 ]; then
                t_pass "forkid phase $p: $q queries (>= 2 per lookup), one client key"
            else
                t_fail "forkid phase $p: ${q:-0} queries with ${nk:-0} client keys, want >= 8 with 1"
            fi
        done
        t_eq "forkid: the parent keeps one client key" "$(get parent_keys)" 1
        t_eq "forkid: the _Fork() child's key is its own" "$(get fork_child_shares)" 0
        t_eq "forkid: the clone() child's key is its own" "$(get clone_child_shares)" 0
        t_eq "forkid: no client nonce repeated among $n queries" "$(get duplicates)" 0
    fi
fi

# ---- 2. descriptors 0-2, parked sockets bounded and released ------------------
marker=hard-lowfd-$RANDOM$RANDOM
if cap_start "$T/lowfd.pcap" 127.0.0.54; then
    out=$(NSS_DNSCRYPT_CONF=$T/nocache.conf with_nss "$NSSW" "$DEAD" \
        "$B/tests/hard_lowfd" "$marker")
    rc=$?
    cap_stop >/dev/null
    t_prog_lines "$out" "$rc" hard_lowfd
    if grep -qaF "$marker" "$T/lowfd.pcap"; then
        t_fail "lowfd: what the program wrote to fd 2 did not reach the resolver"
    else
        t_pass "lowfd: what the program wrote to fd 2 did not reach the resolver"
    fi
else
    out=$(NSS_DNSCRYPT_CONF=$T/nocache.conf with_nss "$NSSW" "$DEAD" \
        "$B/tests/hard_lowfd" "$marker")
    t_prog_lines "$out" "$?" hard_lowfd
    t_skip "lowfd: what the program wrote to fd 2 did not reach the resolver" \
        "tcpdump cannot run here"
fi

t_prog_lines "$(cat "$N/idle.out" 2>/dev/null)" "$(cat "$N/idle.rc" 2>/dev/null || echo 99)" hard_idle

# ---- 3. c-ares's /dev/urandom -------------------------------------------------
t_prog_lines "$(cat "$N/urandom.out" 2>/dev/null)" "$(cat "$N/urandom.rc" 2>/dev/null || echo 99)" \
    hard_urandom

# ---- 4. which c-ares and libsodium the build carries ---------------------------
cares=$(sed -n 's/^#define ARES_VERSION_STR "\(.*\)"/\1/p' /usr/include/ares_version.h)
sodium=$(sed -n 's/^#define SODIUM_VERSION_STRING "\(.*\)"/\1/p' /usr/include/sodium/version.h)
pkgs=$(dpkg-query -W -f='${Package}=${Version} ' libc-ares-dev libsodium-dev 2>/dev/null)
want="nss-dnscrypt built with c-ares $cares, libsodium $sodium (Debian packages: ${pkgs% })"
out=$("$B/dnscrypt-resolve" --version "$B/libnss_dnscrypt.so.2" "$B/libdnscrypt-preload.so" 2>&1)
rc=$?
t_eq "version: dnscrypt-resolve --version MODULE PRELOAD exits 0" "$rc" 0
t_eq "version: the tool's own line" "$(sed -n 1p <<<"$out")" "dnscrypt-resolve: $want"
t_eq "version: the module's line" "$(sed -n 2p <<<"$out")" "$B/libnss_dnscrypt.so.2: $want"
t_eq "version: the preload library's line" "$(sed -n 3p <<<"$out")" "$B/libdnscrypt-preload.so: $want"
out=$("$B/dnscrypt-resolve" --version /etc/hostname 2>&1)
rc=$?
t_eq "version: a file that is no module: exit 1" "$rc" 1
t_match "version: ... and says so" "$out" "/etc/hostname: no nss-dnscrypt version text in it"

t_done
