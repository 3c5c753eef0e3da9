#!/bin/bash
# SPDX-License-Identifier: ISC
# Concurrency and processes (issue 6), through glibc with "hosts: files
# dnscrypt" (resolv.conf names a dead server):
#  1. 64 threads x 500 getaddrinfo lookups of bench-N (A + AAAA, exact
#     answers) in one process, with "cache no" (every lookup on the wire:
#     dnsdist's query counter must grow by at least 64102, and a capture of
#     the queries must hold that many DNSCrypt queries) and again with
#     "cache yes"; the descriptor count after the threads equals the one
#     before (tests/prog/hard_threads.c); each run within 180 s (a hang,
#     not speed: a loaded machine stretches it);
#  2. a fork in the middle of lookups, then many lookups in parent and
#     child (tests/prog/hard_fork.c): no socket of the parent in the child,
#     exact answers; under a capture of the UDP queries to 127.0.0.54:443:
#     the 12-byte client nonce (bytes 40..51 of every DNSCrypt query, after
#     the client magic and the client public key) never repeats, one
#     client public key before the fork, the parent's and one new key after
#     it, each with at least 2 queries per lookup its process made;
#  3. threads cancelled in the middle of lookups (tests/prog/hard_cancel.c):
#     while waiting in poll() for an answer that never comes
#     (tests/lab/hostile.py no-answer), while fetching a certificate from a
#     server that answers nothing (a silent UDP/TCP listener), and 300 times
#     at random points of a lookup loop: each joined within 5 s, no
#     descriptor left, and the process resolves afterwards;
#  4. the descriptor limit reached: getaddrinfo fails with EAI_AGAIN or
#     EAI_SYSTEM/EMFILE at once in a new thread (a thread whose context
#     keeps its UDP socket still resolves), then works again
#     (tests/prog/hard_emfile.c);
#  5. the UDP socket kept between lookups, when the program closes it and
#     reuses the number (a pipe, a UDP socket of its own): lookups stay
#     exact, nothing is written to, connected or closed of the program's
#     descriptor, also in a forked child and when the resolving thread
#     exits (tests/prog/hard_fdreuse.c).
# Parts 1 and 2 run in a lab of their own (tests/lab/shell.sh: a nested
# network namespace; the script runs itself there with --heavy DIR): their
# half a million packets would make the suite's tcpdump drop packets of
# other tests.  Their queries are captured there instead (filtered: the
# queries to the listener only) and checked with pcapcheck.py as
# zz_capture.sh checks the suite's: no plaintext but the certificate
# query, nothing but DNSCrypt, UDP queries padded to 256 bytes.
# Under ASan (make check-san) part 2 is skipped: the allocator of gcc 12's
# ASan runtime is not fork-safe (a child forked while another thread holds
# one of its locks deadlocks in malloc; t23's nss_threads does).  So is
# part 3: when a cancelled thread unwinds to a pthread_cleanup_push frame
# (the library's lookups and certificate fetches have them),
# gcc 12's __asan_handle_no_return reports a stack-buffer-overflow in its
# own sigaltstack call (stale redzones of the frames the cancellation
# abandoned: a false positive of the runtime, also with a 15-line program
# without our code); make check-valgrind runs part 3 under valgrind (t73).
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

# dnsdist's "queries" counter (every query its frontends received).
queries() {
    lab_console 'dumpStats()' |
        awk '{ for (i = 1; i < NF; i++) if ($i == "queries") print $(i + 1) }'
}

# start_capture PCAP FILTER: tcpdump on lo, 256 MiB buffer; sets CAP_PID.
start_capture() {
    tcpdump -i lo -n -U --immediate-mode -s 0 -B 262144 -Z root -w "$1" "$2" \
        </dev/null >"$1.log" 2>&1 &
    CAP_PID=$!
    lab_pid "$CAP_PID" tcpdump
    cap_listening "$1.log" && return 0
    CAP_PID=
    return 1
}

# stop_capture PCAP: stop once a marker datagram is in the file.
stop_capture() {
    local m=t70-capture-end-$RANDOM$RANDOM i
    for ((i = 0; i < WAIT_S * 10; i++)); do
        echo "$m" 2>/dev/null >/dev/udp/127.0.0.1/9
        grep -qaF "$m" "$1" && break
        sleep 0.1
    done
    kill -INT "$CAP_PID" 2>/dev/null
    wait "$CAP_PID" 2>/dev/null
}

# capture_check PCAP OUT: pcapcheck.py on PCAP (the listener 127.0.0.54:443)
# into OUT, tcpdump's drop count into OUT.drops.
capture_check() {
    python3 "$REPO/tests/lab/pcapcheck.py" "$1" "$PROVIDER_NAME" 127.0.0.54:443 \
        "$LAB"/dnscrypt/*.cert >"$2" 2>&1
    sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$1.log" >"$2.drops"
}

# nonces PCAP PARENT_BEFORE PARENT_AFTER CHILD: the client keys and nonces
# of the DNSCrypt queries in PCAP (part 2), as "key value" lines.
nonces() {
    python3 - "$@" 2>&1 <<'EOF'
import collections, os, sys
sys.path.insert(0, os.path.join(os.environ["REPO"], "tests", "lab"))
import pcapcheck  # noqa: E402

path, pb, pa, ch = sys.argv[1], *[int(x or 0) for x in sys.argv[2:5]]
queries, mark = [], None
for pkt, dport, payload in pcapcheck.udp4(path):
    if dport == 9:
        if payload.startswith(b"hard-fork-mark") and mark is None:
            mark = len(queries)
        continue
    if pkt[16:20] != bytes([127, 0, 0, 54]) or dport != 443 or len(payload) < 256:
        continue  # not ours, or the (short, plain) certificate query
    # client magic | client public key | client nonce | box
    queries.append((mark is not None, payload[0:8], payload[8:40], payload[40:52]))
nonces = collections.Counter(q[3] for q in queries)
before = collections.Counter(q[2] for q in queries if not q[0])
after = collections.Counter(q[2] for q in queries if q[0])
parent = next(iter(before)) if len(before) == 1 else None
others = [k for k in after if k != parent]
child = others[0] if len(others) == 1 else None
print("queries %d" % len(queries))
print("nonces %d" % len(nonces))
print("duplicates %d" % sum(c - 1 for c in nonces.values() if c > 1))
print("magics %d" % len(set(q[1] for q in queries)))
print("mark %s" % ("seen" if mark is not None else "missing"))
print("keys_before %d" % len(before))
print("keys_after %d" % len(after))
print("parent_before %d %d" % (before.get(parent, 0), 2 * pb))
print("parent_after %d %d" % (after.get(parent, 0), 2 * pa))
print("child %d %d" % (after.get(child, 0) if child else 0, 2 * ch))
print("child_key_before %d" % (before.get(child, 0) if child else 0))
EOF
}

# A sanitizer build (make check-san): the test programs carry the runtime.
ASAN_BUILD=
ldd "$B/tests/hard_fork" 2>/dev/null | grep -q libasan && ASAN_BUILD=1

# heavy DIR: parts 1 and 2, inside the nested lab; every result goes to a
# file in DIR (the outer script turns them into TAP).
heavy() {
    local d=$1 c q0 q1 a b cap=1
    [ -z "${DC_LAB_USERNS:-}" ] || cap=
    CAP_PID=
    for c in nocache cache; do
        printf 'server %s\ncert-cache none\ncache %s\n' "$STAMP_ES2" \
            "$([ $c = cache ] && echo yes || echo no)" >"$d/$c.conf"
        # the queries only: the answers and dnsdist's backend traffic
        # would be three times as many packets
        if [ -n "$cap" ] && ! start_capture "$d/$c.pcap" 'dst host 127.0.0.54 and dst port 443'; then
            echo "tcpdump did not start: $(cat "$d/$c.pcap.log")" >"$d/$c.capture-error"
        fi
        q0=$(queries)
        a=${EPOCHREALTIME/[.,]/}
        NSS_DNSCRYPT_CONF=$d/$c.conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
            "$LAB/resolv.conf.dead" "$B/tests/hard_threads" 64 500 "$c" >"$d/$c.out" 2>&1
        echo "$?" >"$d/$c.rc"
        b=${EPOCHREALTIME/[.,]/}
        q1=$(queries)
        echo $(((b - a) / 1000)) >"$d/$c.ms"
        echo "$q0 $q1" >"$d/$c.queries"
        if [ -n "$CAP_PID" ]; then
            stop_capture "$d/$c.pcap"
            CAP_PID=
            capture_check "$d/$c.pcap" "$d/$c.pcapcheck"
        fi
    done

    [ -z "$ASAN_BUILD" ] || return 0
    if [ -n "$cap" ] && ! start_capture "$d/fork.pcap" \
        '(udp and dst host 127.0.0.54 and dst port 443) or (udp and dst port 9)'; then
        echo "tcpdump did not start: $(cat "$d/fork.pcap.log")" >"$d/fork.capture-error"
    fi
    NSS_DNSCRYPT_CONF=$d/nocache.conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" "$B/tests/hard_fork" 16 100 >"$d/fork.out" 2>&1
    echo "$?" >"$d/fork.rc"
    if [ -n "$CAP_PID" ]; then
        stop_capture "$d/fork.pcap"
        CAP_PID=
        capture_check "$d/fork.pcap" "$d/fork.pcapcheck"
        count() { sed -n "s/^COUNT $1 //p" "$d/fork.out" | head -n 1; }
        nonces "$d/fork.pcap" "$(count parent-before)" "$(count parent-after)" \
            "$(count child)" >"$d/fork.nonces"
    fi
}
if [ "${1:-}" = --heavy ]; then
    heavy "$2"
    exit 0
fi

pcget() { sed -n "s/^$1 //p" <<<"$PC" | head -n 1; }

# capture_tap NAME DESC: TAP for $H/NAME.pcapcheck (sets $PC); 1 when
# there is no capture to look at.
capture_tap() {
    local name=$1 desc=$2 f=$H/$1.pcapcheck
    if [ -n "${DC_LAB_USERNS:-}" ]; then
        t_skip "$desc: the queries on the wire" "tcpdump cannot run unprivileged"
        return 1
    fi
    if [ -s "$H/$name.capture-error" ] || [ ! -s "$f" ] || grep -q '^error ' "$f"; then
        t_fail "$desc: the queries are captured and parsed" \
            "$(cat "$H/$name.capture-error" "$f" 2>/dev/null)"
        return 1
    fi
    PC=$(cat "$f")
    t_diag "$desc capture: $(pcget packets) packets, $(pcget dnscrypt) DNSCrypt queries," \
        "$(pcget cert) certificate queries; tcpdump dropped $(cat "$f.drops")"
    t_eq "$desc: no plaintext query to the listener but the certificate's" "$(pcget leak)" 0
    t_eq "$desc: nothing but DNSCrypt and that query sent to it" "$(pcget other)" 0
    t_eq "$desc: every DNSCrypt UDP query padded to 256 bytes or more" "$(pcget short_udp)" 0
    return 0
}

T=$(lab_tmp t70)
t0=$EPOCHREALTIME
NSSW=$LAB/nsswitch.conf.dnscrypt
DEAD=$LAB/resolv.conf.dead
printf 'server %s\ncert-cache none\ncache no\n' "$STAMP_ES2" >"$T/nocache.conf"

# ---- 1. 64 threads x 500 lookups (nested lab) ---------------------------------
H=$T/heavy
lab_nested --heavy "$H" "the nested lab for parts 1 and 2 ran"
for c in nocache cache; do
    POUT=$(cat "$H/$c.out" 2>/dev/null)
    t_prog_lines "$POUT" "$(cat "$H/$c.rc" 2>/dev/null || echo 99)" "hard_threads $c"
    ms=$(cat "$H/$c.ms" 2>/dev/null || echo 999999)
    # Bounds here only tell a hang from a slow machine (load 8 on 2
    # cores stretches these runs several times over).
    if [ "$ms" -lt 180000 ]; then
        t_pass "$c: 64 x 500 lookups within 180 s ($ms ms)"
    else
        t_fail "$c: 64 x 500 lookups within 180 s ($ms ms)"
    fi
    q0='' q1=''
    read -r q0 q1 2>/dev/null <"$H/$c.queries"
    if [ -z "$q0" ] || [ -z "$q1" ]; then
        t_fail "$c: dnsdist's query counter can be read" "before: $q0" "after: $q1"
    elif [ "$c" = nocache ]; then
        # 1 + 32000 + 50 lookups by the program, A and AAAA each
        if [ $((q1 - q0)) -ge 64102 ]; then
            t_pass "nocache: every lookup went to the wire ($((q1 - q0)) queries for 32051 lookups)"
        else
            t_fail "nocache: every lookup went to the wire" "$((q1 - q0)) queries, want >= 64102"
        fi
    else
        t_diag "cache: $((q1 - q0)) queries on the wire for 32051 lookups" \
            "(a 256-entry answer cache, 5000 names)"
    fi
    if capture_tap "$c" "$c" && [ "$c" = nocache ]; then
        n=$(pcget dnscrypt)
        if [ -n "$n" ] && [ "$n" -ge 64102 ]; then
            t_pass "nocache: $n DNSCrypt queries captured (>= 64102)"
        else
            t_fail "nocache: DNSCrypt queries captured: ${n:-none}, want >= 64102"
        fi
    fi
done

# ---- 2. fork in the middle of lookups, nonces on the wire (nested lab) --------
if [ -n "$ASAN_BUILD" ]; then
    t_skip "fork in the middle of lookups" \
        "ASan build: gcc 12's ASan allocator is not fork-safe (the child can deadlock in malloc)"
else
    POUT=$(cat "$H/fork.out" 2>/dev/null)
    t_prog_lines "$POUT" "$(cat "$H/fork.rc" 2>/dev/null || echo 99)" hard_fork
fi
if [ -z "$ASAN_BUILD" ] && capture_tap fork fork; then
    out=$(cat "$H/fork.nonces" 2>/dev/null)
    get() { sed -n "s/^$1 //p" <<<"$out" | head -n 1; }
    count() { sed -n "s/^COUNT $1 //p" <<<"$POUT" | head -n 1; }
    pb=$(count parent-before) pa=$(count parent-after) ch=$(count child)
    n=$(get queries)
    if [ -z "$n" ]; then
        t_fail "fork: the capture can be read" "$out"
    else
        t_diag "fork: $n DNSCrypt queries captured, $(get nonces) distinct client nonces," \
            "$(get duplicates) duplicates"
        if [ "$n" -gt 0 ] && [ "$n" -ge $((2 * (${pb:-0} + ${pa:-0} + ${ch:-0}))) ]; then
            t_pass "fork: every lookup's queries captured ($n >= 2 x $((pb + pa + ch)))"
        else
            t_fail "fork: every lookup's queries captured" "$out"
        fi
        t_eq "fork: no client nonce repeated among $n queries" "$(get duplicates)" 0
        t_eq "fork: one certificate (client magic) in use" "$(get magics)" 1
        t_eq "fork: the mark datagram was captured" "$(get mark)" seen
        t_eq "fork: one client public key before the fork" "$(get keys_before)" 1
        t_eq "fork: two client public keys after it (parent's and a new one)" "$(get keys_after)" 2
        t_eq "fork: the child's key was not used before the fork" "$(get child_key_before)" 0
        for k in parent_before parent_after child; do
            read -r got want <<<"$(get "$k")"
            if [ "${got:-0}" -gt 0 ] && [ "${got:-0}" -ge "${want:-1}" ]; then
                t_pass "fork: $k: $got queries with that key, at least 2 per lookup ($want)"
            else
                t_fail "fork: $k: ${got:-0} queries with that key, want at least ${want:-?}" "$out"
            fi
        done
    fi
fi

# ---- 3. cancelled in the middle of lookups ---------------------------------------
cancel_tests() {
python3 "$REPO/tests/lab/hostile.py" --info "$T/hostile.info" --log "$T/hostile.log" \
    --certdir "$LAB/dnscrypt" --provider "$PROVIDER_NAME" --upstream "$AUTH_DNS:53" \
    no-answer@127.0.70.1:443 >"$T/hostile.out" 2>&1 &
HPID=$!
lab_pid "$HPID" python3
echo 127.0.70.1:443 >>"$LAB/extra-listeners"   # for zz_capture.sh
lab_wait test -s "$T/hostile.info"
if [ ! -s "$T/hostile.info" ]; then
    t_fail "hostile.py (no-answer) starts" "$(cat "$T/hostile.out")"
else
    read -r _ _ hstamp _ <"$T/hostile.info"
    printf 'server %s\ncert-cache none\n' "$hstamp" >"$T/silent.conf"
    printf 'server %s\ncert-cache none\ntotal-timeout 300\n' "$hstamp" >"$T/warm.conf"
    t_prog "hard_cancel answer" with_nss "$NSSW" "$DEAD" "$B/tests/hard_cancel" answer \
        "$T/nocache.conf" "$T/silent.conf" 20 "$T/warm.conf"
    # a 300 ms warm-up, 20 cancels 20-60 ms into their lookups, 20 lookups
    if [ "$PMS" -lt 60000 ]; then
        t_pass "cancel while waiting: within 60 s ($PMS ms)"
    else
        t_fail "cancel while waiting: within 60 s ($PMS ms)"
    fi
fi
kill "$HPID" 2>/dev/null
wait "$HPID" 2>/dev/null

# A server that reads nothing and answers nothing, on UDP and TCP (it is
# sent certificate queries only).
lab_silent_server 127.0.70.2 443 "$T"
SPID=$SILENT_PID
lab_wait test -s "$T/silent.up"
if [ ! -s "$T/silent.up" ]; then
    t_fail "a silent server starts" "$(cat "$T/silent.out")"
else
    NOCERT=$(lab_stamp 127.0.70.2:443)
    printf 'server %s\ncert-cache none\n' "$NOCERT" >"$T/nocert.conf"
    t_prog "hard_cancel cert" with_nss "$NSSW" "$DEAD" "$B/tests/hard_cancel" cert \
        "$T/nocache.conf" "$T/nocert.conf" 10
fi
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null

t_prog "hard_cancel random" with_nss "$NSSW" "$DEAD" "$B/tests/hard_cancel" random \
    "$T/nocache.conf" "$T/nocache.conf" 300
# 300 cancels after 0-3 ms each
if [ "$PMS" -lt 60000 ]; then
    t_pass "random cancels: within 60 s ($PMS ms)"
else
    t_fail "random cancels: within 60 s ($PMS ms)"
fi
}
if [ -n "$ASAN_BUILD" ]; then
    t_skip "threads cancelled in the middle of lookups" \
        "ASan build: gcc 12's runtime reports a false stack-buffer-overflow when a cancelled thread reaches a pthread_cleanup_push frame"
else
    cancel_tests
fi

# ---- 4. EMFILE ---------------------------------------------------------------------
NSS_DNSCRYPT_CONF=$T/nocache.conf t_prog hard_emfile \
    with_nss "$NSSW" "$DEAD" "$B/tests/hard_emfile" thread

# ---- 5. the kept UDP socket and a program that closes descriptors ------------------
NSS_DNSCRYPT_CONF=$T/nocache.conf t_prog hard_fdreuse \
    with_nss "$NSSW" "$DEAD" "$B/tests/hard_fdreuse"

t1=$EPOCHREALTIME
t_diag "t70 took $(( (${t1/[.,]/} - ${t0/[.,]/}) / 1000 )) ms"
t_done
