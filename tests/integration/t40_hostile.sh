#!/bin/bash
# SPDX-License-Identifier: ISC
# A hostile DNSCrypt server (tests/lab/hostile.py) against the client:
# garbage, forged and malformed answers, oversized, truncated, missing,
# late, cut and dribbled answers, a network that drops UDP, and bad,
# several and rotating certificates.  Every case runs through
# dnscrypt-resolve (exit status: 0 ok, 1 NXDOMAIN/NODATA, 2 failed) and
# through the NSS module (tests/prog/hostile_gai: the EAI_* code of
# getaddrinfo, or h_errno of gethostbyname2_r), with a bound on the time
# taken.  Failures must be "try again" (exit 2, EAI_AGAIN, TRY_AGAIN) -
# never "no such name", since the forged answers all say NXDOMAIN - and
# must come within the configured total-timeout plus a small margin.
#
# The cases run in parallel (three hostile.py processes serve every mode,
# each on its own 127.0.40.N:443, listed in $LAB/extra-listeners for
# zz_capture.sh); the results are checked afterwards.  About 15 s.
# shellcheck disable=SC2317  # functions called through launch and the trap
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

RESOLVE=$B/dnscrypt-resolve
GAI=$B/tests/hostile_gai
T=$(lab_tmp t40)
NAME=both.lab.test              # A 127.20.0.2, AAAA ::1
WANT_ADDRS='127.20.0.2 ::1'
FAIL_BUDGET=3000                # total-timeout of the failure cases (ms)
MARGIN=$SLACK_MS                # what a failing lookup may take beyond it
ROTATE=3                        # cert-rotate*: seconds after the start

for f in "$RESOLVE" "$GAI"; do
    if [ ! -x "$f" ]; then
        t_fail "$f is built (make all units)"
        t_done
    fi
done

# ---- the server: one listener per mode ------------------------------------
# LISTENER[id]=spec; address 127.0.40.N in the order below.
IDS=(ok garbage wrong-magic wrong-client-nonce bad-mac
     mal-short mal-noquestion mal-count mal-loop mal-rdlen mal-nxcount
     other-id other-question oversized truncated no-answer slow tcp-cut
     tcp-dribble udp-drop-all cert-expired cert-not-yet-valid
     cert-bad-signature cert-unknown-es cert-with-extensions cert-several
     cert-rotate cert-rotate-expire ok-es1 tcp-close-first)
declare -A SPEC ADDR
n=0
for id in "${IDS[@]}"; do
    n=$((n + 1))
    ADDR[$id]=127.0.40.$n:443
    case $id in
        mal-*) SPEC[$id]="malformed-dns,variant=${id#mal-}" ;;
        tcp-dribble) SPEC[$id]="tcp-dribble,dribble=0.005" ;;
        cert-rotate|cert-rotate-expire) SPEC[$id]="$id,rotate=$ROTATE" ;;
        ok-es1) SPEC[$id]="ok,es=1" ;;
        *) SPEC[$id]=$id ;;
    esac
done

mkdir -p "$LAB/dnscrypt"
# Three server processes (python's threads share one CPU), listeners dealt
# round-robin; each writes its info file once all its sockets are bound.
NSRV=3
declare -a SARGS HPIDS
i=0
for id in "${IDS[@]}"; do
    SARGS[i % NSRV]+=" ${SPEC[$id]}@${ADDR[$id]}"
    echo "${ADDR[$id]}" >>"$LAB/extra-listeners"   # for zz_capture.sh
    i=$((i + 1))
done
HLOG=$T/hostile.log
for ((s = 0; s < NSRV; s++)); do
    # shellcheck disable=SC2086  # the listener specs have no spaces
    python3 "$REPO/tests/lab/hostile.py" --info "$T/info.$s" --log "$HLOG" \
        --certdir "$LAB/dnscrypt" --provider "$PROVIDER_NAME" \
        --upstream "$AUTH_DNS:53" ${SARGS[s]} >"$T/hostile.$s.out" 2>&1 &
    HPIDS+=($!)
    lab_pid "$!" python3
done
stop_servers() {
    local p
    for p in "${HPIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${HPIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap stop_servers EXIT
for ((i = 0; i < WAIT_S * 20; i++)); do
    up=0
    for ((s = 0; s < NSRV; s++)); do [ -s "$T/info.$s" ] && up=$((up + 1)); done
    [ "$up" = "$NSRV" ] && break
    sleep 0.05
done
if [ "$up" != "$NSRV" ]; then
    t_fail "hostile.py starts" "$(cat "$T"/hostile.*.out)"
    t_done
fi
cat "$T"/info.* >"$T/info"
SERVER_T0=${EPOCHREALTIME/[.,]/}
t_pass "hostile.py serves ${#IDS[@]} listeners on 127.0.40.1-$n:443 (UDP and TCP)"

declare -A STAMP
while read -r addr _ stamp _; do
    for id in "${IDS[@]}"; do
        [ "${ADDR[$id]}" = "$addr" ] && STAMP[$id]=$stamp
    done
done <"$T/info"

# conf ID KIND: KIND f = failure budget (total-timeout 3000), d = defaults,
# d2 = defaults but timeout 2000, r = total-timeout 1500 (rotation loops);
# a "t" suffix adds tcp-only yes.
conf() {
    local id=$1 kind=$2 f=$T/$1.$2.conf
    {
        echo "server ${STAMP[$id]}"
        echo "cert-cache none"
        echo "search none"
        echo "cache no"
        case $kind in
            f*) echo "timeout 500"; echo "attempts 4"; echo "total-timeout $FAIL_BUDGET" ;;
            d2*) echo "timeout 2000" ;;
            r) echo "timeout 500"; echo "attempts 4"; echo "total-timeout 1500" ;;
        esac
        case $kind in
            *t) echo "tcp-only yes" ;;
        esac
    } >"$f"
    echo "$f"
}

# ---- running the clients in parallel ---------------------------------------
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
JOBS=()
# launch KEY CMD...: run CMD in the background; KEY.out/.err/.res ("status
# ms start_ms start_us", start_ms counted from the server's start, start_us
# since the epoch)
launch() {
    local key=$1
    shift
    (
        s=$(now_us)
        "$@" >"$T/$key.out" 2>"$T/$key.err"
        rc=$?
        echo "$rc $((($(now_us) - s) / 1000)) $(((s - SERVER_T0) / 1000)) $s" >"$T/$key.res"
    ) &
    JOBS+=($!)
}
resolve() { # CONF ARGS...
    local c=$1
    shift
    "$RESOLVE" -c "$c" "$@"
}
nss() { # CONF ARGS... (hostile_gai through the module)
    local c=$1
    shift
    NSS_DNSCRYPT_CONF=$c with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" "$GAI" "$@"
}
getent_nss() { # CONF NAME
    NSS_DNSCRYPT_CONF=$1 with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" getent -s hosts:dnscrypt ahosts "$2"
}

# Rotation (started first, as it is timed from the server's start): one
# process looking up every 500 ms across the change.
c=$(conf cert-rotate r)
launch cert-rotate.loop nss "$c" -n 10 -i 500 "$NAME"
c=$(conf cert-rotate-expire r)
launch cert-rotate-expire.loop nss "$c" -n 14 -i 500 "$NAME"

# Failure cases: the listener, the configuration kind.
FAIL_UDP=(garbage wrong-magic wrong-client-nonce bad-mac mal-short
          mal-noquestion mal-count mal-loop mal-rdlen other-id other-question
          truncated no-answer tcp-cut cert-expired
          cert-not-yet-valid cert-bad-signature cert-unknown-es)
FAIL_TCP=(garbage wrong-magic wrong-client-nonce bad-mac mal-count mal-loop
          other-id other-question truncated no-answer tcp-cut)
for id in "${FAIL_UDP[@]}"; do
    c=$(conf "$id" f)
    launch "$id.u.res" resolve "$c" "$NAME"
    launch "$id.u.raw" resolve "$c" "$NAME" A
    launch "$id.u.gai" nss "$c" "$NAME"
    launch "$id.u.hbn" nss "$c" -r "$NAME"
done
for id in "${FAIL_TCP[@]}"; do
    c=$(conf "$id" ft)
    launch "$id.t.res" resolve "$c" "$NAME"
    launch "$id.t.gai" nss "$c" "$NAME"
done
# malformed, NXDOMAIN with records missing: reported, not judged (below).
# The default budget (total-timeout 8000): a failing lookup, getent included.
c=$(conf no-answer d)
launch no-answer.d.res resolve "$c" "$NAME"
launch no-answer.d.gai nss "$c" "$NAME"
launch no-answer.d.getent getent_nss "$c" "$NAME"
c=$(conf ok d)
launch ok.d.getent getent_nss "$c" "$NAME"
c=$(conf mal-nxcount f)
launch mal-nxcount.u.res resolve "$c" "$NAME"
launch mal-nxcount.u.raw resolve "$c" "$NAME" A
launch mal-nxcount.u.gai nss "$c" "$NAME"

# Cases that must succeed (default timeouts).
for id in ok ok-es1 slow cert-with-extensions cert-several; do
    c=$(conf "$id" d)
    launch "$id.d.res" resolve "$c" "$NAME"
    launch "$id.d.gai" nss "$c" "$NAME"
done
# Dribbled at 5 ms a byte, an answer frame takes about 0.6 s, and the A
# and AAAA answers come one after the other on the connection: a try
# timeout of 2 s lets this test the byte-by-byte reassembly alone (a late
# TCP answer is the "slow, tcp-only" case).
c=$(conf tcp-dribble d2)
launch tcp-dribble.d2.res resolve "$c" "$NAME"
launch tcp-dribble.d2.gai nss "$c" "$NAME"
for id in ok slow udp-drop-all tcp-close-first; do
    c=$(conf "$id" dt)
    launch "$id.dt.res" resolve "$c" "$NAME"
    launch "$id.dt.gai" nss "$c" "$NAME"
done
c=$(conf udp-drop-all d)
launch udp-drop-all.d.res resolve "$c" "$NAME"
launch udp-drop-all.d.gai nss "$c" "$NAME"
# oversized: an authentic 4.6 KB answer (300 A records), longer than the
# query over UDP (dropped) and over TCP (taken: answers go up to 65535
# bytes there).
for k in f ft; do
    c=$(conf oversized $k)
    launch "oversized.$k.raw" resolve "$c" --short "$NAME" A
    launch "oversized.$k.gai" nss "$c" "$NAME"
done

wait "${JOBS[@]}"
# A fresh process after the abrupt rotation (the loops ran past it).
c=$(conf cert-rotate r)
launch cert-rotate.after resolve "$c" "$NAME"
wait "${JOBS[@]}"

# ---- checks -------------------------------------------------------------------
res_rc() { cut -d' ' -f1 "$T/$1.res" 2>/dev/null || echo none; }
res_ms() { cut -d' ' -f2 "$T/$1.res" 2>/dev/null || echo 999999; }
out() { cat "$T/$1.out" "$T/$1.err" 2>/dev/null; }
# hostile_gai line: N START_MS ELAPSED_MS RESULT...
gai_result() { awk 'NR == 1 { $1 = $2 = $3 = ""; sub(/^ +/, ""); print }' "$T/$1.out" 2>/dev/null; }
gai_ms() { awk 'NR == 1 { print $3 }' "$T/$1.out" 2>/dev/null; }
TABLE=()
words_sorted() { tr ' ' '\n' | grep -v '^$' | sort | tr '\n' ' '; }
WANT_SORTED=$(words_sorted <<<"$WANT_ADDRS")
note() { TABLE+=("$*"); }

# check_fail ID KIND BOUND_MS [STDERR_REGEX]
check_fail() {
    local id=$1 k=$2 bound=$3 why=${4:-} rc ms g gms what
    what="$id ($(case $k in t) echo "tcp-only" ;; d) echo "udp, defaults" ;; *) echo "udp" ;; esac))"
    rc=$(res_rc "$id.$k.res")
    ms=$(res_ms "$id.$k.res")
    if [ "$rc" = 2 ] && [ "$ms" -le "$bound" ]; then
        t_pass "$what: dnscrypt-resolve fails with exit 2 in ${ms} ms (<= $bound)"
    else
        t_fail "$what: dnscrypt-resolve fails with exit 2 within $bound ms" \
            "exit $rc after $ms ms" "$(out "$id.$k.res")"
    fi
    if [ -n "$why" ]; then
        t_match "$what: dnscrypt-resolve says why" "$(cat "$T/$id.$k.res.err")" "$why"
    fi
    if [ -e "$T/$id.$k.raw.res" ]; then
        rc=$(res_rc "$id.$k.raw")
        ms=$(res_ms "$id.$k.raw")
        if [ "$rc" = 2 ] && [ "$ms" -le "$bound" ]; then
            t_pass "$what: dnscrypt-resolve NAME A (raw path) fails with exit 2 in ${ms} ms"
        else
            t_fail "$what: dnscrypt-resolve NAME A (raw path) fails with exit 2 within $bound ms" \
                "exit $rc after $ms ms" "$(out "$id.$k.raw")"
        fi
    fi
    g=$(gai_result "$id.$k.gai")
    gms=$(gai_ms "$id.$k.gai")
    if [ "$g" = EAI_AGAIN ] && [ "${gms:-999999}" -le "$bound" ]; then
        t_pass "$what: getaddrinfo through NSS: EAI_AGAIN in ${gms} ms"
    else
        t_fail "$what: getaddrinfo through NSS: EAI_AGAIN within $bound ms" \
            "got [$g] after ${gms:-?} ms" "$(out "$id.$k.gai")"
    fi
    local h=
    if [ -e "$T/$id.$k.hbn.res" ]; then
        h=$(gai_result "$id.$k.hbn")
        t_eq "$what: gethostbyname2_r through NSS: TRY_AGAIN, EAGAIN" "$h" "TRY_AGAIN rc=EAGAIN"
    fi
    note "$what | exit 2, EAI_AGAIN | exit $(res_rc "$id.$k.res") $(res_ms "$id.$k.res") ms; gai $g ${gms:-?} ms${h:+; ghbn2_r $h}"
}

# check_ok ID KIND MIN_MS MAX_MS: answered, in MIN_MS..MAX_MS (+ SLACK_MS:
# a loaded machine may add that much to any wait).
check_ok() {
    local id=$1 k=$2 lo=$3 hi=$(($4 + SLACK_MS)) rc ms g gms what o
    what="$id ($(case $k in *t) echo "tcp-only" ;; d2) echo "udp, timeout 2000" ;; *) echo "udp" ;; esac))"
    rc=$(res_rc "$id.$k.res")
    ms=$(res_ms "$id.$k.res")
    o=$(grep -v '^;;' "$T/$id.$k.res.out" 2>/dev/null | cut -f1 | words_sorted)
    if [ "$rc" = 0 ] && [ "$o" = "$WANT_SORTED" ] && [ "$ms" -ge "$lo" ] && [ "$ms" -le "$hi" ]; then
        t_pass "$what: dnscrypt-resolve answers in ${ms} ms ($lo..$hi)"
    else
        t_fail "$what: dnscrypt-resolve answers $WANT_ADDRS in $lo..$hi ms" \
            "exit $rc after $ms ms, addresses [$o]" "$(out "$id.$k.res")"
    fi
    g=$(gai_result "$id.$k.gai")
    gms=$(gai_ms "$id.$k.gai")
    if [ "${g%% *}" = OK ] && [ "$(words_sorted <<<"${g#OK}")" = "$WANT_SORTED" ] &&
        [ "${gms:-0}" -ge "$lo" ] && [ "${gms:-999999}" -le "$hi" ]; then
        t_pass "$what: getaddrinfo through NSS answers in ${gms} ms"
    else
        t_fail "$what: getaddrinfo through NSS answers $WANT_ADDRS in $lo..$hi ms" \
            "got [$g] after ${gms:-?} ms" "$(out "$id.$k.gai")"
    fi
    note "$what | success | exit $rc $ms ms; gai $g ${gms:-?} ms"
}

# The server saw only certificate queries on a listener (no query was sent
# with a certificate the client should have refused).
only_cert_queries() { # ID
    local a=${ADDR[$1]} other
    other=$(grep -F " $a " "$HLOG" | grep -v 'cert query$')
    t_eq "$1: the client sent nothing but certificate queries" "$other" ""
}

bound=$((FAIL_BUDGET + MARGIN))
for id in "${FAIL_UDP[@]}"; do
    case $id in
        cert-expired) check_fail "$id" u "$bound" 'certificate expired' ;;
        cert-not-yet-valid) check_fail "$id" u "$bound" 'not yet valid' ;;
        cert-bad-signature) check_fail "$id" u "$bound" 'bad signature' ;;
        cert-unknown-es) check_fail "$id" u "$bound" 'unsupported es-version' ;;
        *) check_fail "$id" u "$bound" ;;
    esac
done
for id in "${FAIL_TCP[@]}"; do
    check_fail "$id" t "$bound"
done
for k in f ft; do
    t_eq "oversized ($k): dnscrypt-resolve NAME A gives the 300 records of the 4.6 KB answer" \
        "$(res_rc "oversized.$k.raw") $(grep -c '^127\.40\.' "$T/oversized.$k.raw.out")" "0 300"
    g=$(gai_result "oversized.$k.gai")
    t_eq "oversized ($k): getaddrinfo through NSS gives its 300 addresses" \
        "${g%% *} $(wc -w <<<"${g#OK}")" "OK 300"
done
check_fail no-answer d $((8000 + MARGIN))
rc=$(res_rc no-answer.d.getent)
ms=$(res_ms no-answer.d.getent)
if [ "$rc" = 2 ] && [ "$ms" -le $((8000 + MARGIN)) ]; then
    t_pass "no-answer (udp, defaults): getent -s hosts:dnscrypt ahosts exits 2 in $ms ms"
else
    t_fail "no-answer (udp, defaults): getent -s hosts:dnscrypt ahosts exits 2 within $((8000 + MARGIN)) ms" \
        "exit $rc after $ms ms" "$(out no-answer.d.getent)"
fi
note "no-answer (udp, defaults), getent | exit 2 | exit $rc $ms ms"
rc=$(res_rc ok.d.getent)
o=$(out ok.d.getent)
if [ "$rc" = 0 ] && [[ $o =~ (^|$'\n')127\.20\.0\.2\ +STREAM ]] && [[ $o =~ (^|$'\n')::1\ +STREAM ]]; then
    t_pass "ok (udp): getent -s hosts:dnscrypt ahosts answers both addresses"
else
    t_fail "ok (udp): getent -s hosts:dnscrypt ahosts answers both addresses" "exit $rc" "$o"
fi
note "ok (udp), getent | exit 0 | exit $rc"
for id in cert-expired cert-not-yet-valid cert-bad-signature cert-unknown-es; do
    only_cert_queries "$id"
done

# NXDOMAIN header, three answer records announced, none there: the box is
# authentic (the resolver itself sent it), so NXDOMAIN (exit 1) is as
# defensible as "malformed" (exit 2); either, in time, is fine.
rc=$(res_rc mal-nxcount.u.res)
ms=$(res_ms mal-nxcount.u.res)
if [[ $rc =~ ^[12]$ ]] && [ "$ms" -le "$bound" ]; then
    t_pass "mal-nxcount: dnscrypt-resolve exits 1 or 2 in time (exit $rc, $ms ms)"
else
    t_fail "mal-nxcount: dnscrypt-resolve exits 1 or 2 within $bound ms" "exit $rc after $ms ms" \
        "$(out mal-nxcount.u.res)"
fi
note "mal-nxcount (udp) | exit 1 or 2 | exit $rc $ms ms; raw exit $(res_rc mal-nxcount.u.raw); gai $(gai_result mal-nxcount.u.gai)"

# Successes.  slow: the answer comes 3 s late, during the third try.
check_ok ok d 0 1000
check_ok ok-es1 d 0 1000
check_ok ok dt 0 1000
check_ok slow d 2900 4500
check_ok tcp-dribble d2 0 3000
check_ok cert-with-extensions d 0 1000
check_ok cert-several d 0 1000
t_match "cert-several: serial 7, es-version 2 chosen" "$(cat "$T/cert-several.d.res.out")" \
    'certificate serial 7, es-version 2 '
other=$(grep -F " ${ADDR[cert-several]} " "$HLOG" | grep -v 'cert query$' | grep -v 'query serial=7 es=2 ')
t_eq "cert-several: every query used the magic of the best certificate" "$other" ""
# A 3 s answer over TCP (tcp-only): the budget allows it as over UDP.
check_ok slow dt 2900 4500
# A server that closes a TCP connection without answering (dnsdist 1.7.3
# does so now and then): the query is asked again on a new connection.
check_ok tcp-close-first dt 0 1000
n_cut=$(grep -cF " ${ADDR[tcp-close-first]} tcp closed without an answer" "$HLOG")
t_eq "tcp-close-first: one connection was closed without an answer" "$n_cut" 1
# A network that drops UDP: certificate and queries over TCP.
check_ok udp-drop-all dt 0 $((8000 + MARGIN))
check_ok udp-drop-all d 0 $((8000 + MARGIN))
n_udp=$(grep -cF " ${ADDR[udp-drop-all]} udp" "$HLOG")
t_eq "udp-drop-all: the server read no UDP at all" "$n_udp" 0

# Abrupt rotation: serial 1 until $ROTATE s, then serial 2 only.  At most
# one lookup may fail (the one that finds the old key gone).
# When the rotation happened, in the loop's own milliseconds.
rot_ms() { # ID: from the server's log and the loop's start
    local at start
    at=$(grep -F " ${ADDR[$1]} rotates at " "$HLOG" | awk '{ print $NF }')
    start=$(cut -d' ' -f4 "$T/$1.loop.res")
    awk -v a="$at" -v s="$start" 'BEGIN { printf "%d\n", a * 1000 - s / 1000 }'
}
loop=$(cat "$T/cert-rotate.loop.out")
r=$(rot_ms cert-rotate)
t_diag "cert-rotate loop, rotation at $r ms (N start_ms elapsed_ms result):" "$loop"
before=$(awk -v r="$r" '$2 + $3 < r' <<<"$loop" | grep -vc ' OK ')
after_fail=$(awk -v r="$r" '$2 + $3 >= r' <<<"$loop" | grep -vc ' OK ')
last=$(tail -n 1 <<<"$loop" | cut -d' ' -f4-)
t_eq "cert-rotate: lookups before the rotation succeed" "$before" 0
if [ "$after_fail" -le 1 ] && [ "${last%% *}" = OK ]; then
    t_pass "cert-rotate: the client recovers after the rotation ($after_fail failed lookup)"
else
    t_fail "cert-rotate: the client recovers after the rotation (at most 1 failed lookup)" \
        "$after_fail lookups failed after the rotation; last: $last"
fi
note "cert-rotate (udp, one process) | <= 1 failure, then OK | $after_fail failures after rotation; last $last"
rc=$(res_rc cert-rotate.after)
t_match "cert-rotate: a new process uses serial 2" "$rc $(out cert-rotate.after)" \
    '^0 .*certificate serial 2,'
note "cert-rotate (new process) | success serial 2 | exit $rc"

# Rotation by expiry: serial 1's ts-end is $ROTATE s after the start; the
# client must switch to serial 2 with no failure.
loop=$(cat "$T/cert-rotate-expire.loop.out")
t_diag "cert-rotate-expire loop:" "$loop"
fails=$(grep -vc ' OK ' <<<"$loop")
t_eq "cert-rotate-expire: no lookup fails across the certificate's expiry" "$fails" 0
t_match "cert-rotate-expire: queries with serial 2 after the expiry" \
    "$(grep -F " ${ADDR[cert-rotate-expire]} " "$HLOG")" 'query serial=2 '
note "cert-rotate-expire (udp, one process) | no failure | $fails failures"

# Nothing but certificate queries reached the servers in plaintext (the
# capture check, zz_capture.sh, looks at the wire as well).
plain=$(grep -E 'dropped: plain query' "$HLOG")
t_eq "no plaintext query other than the certificate's reached a hostile server" "$plain" ""
crash=$(grep -E 'error:' "$HLOG" | grep -v -E 'BrokenPipe|ConnectionReset' | head -n 5)
t_eq "hostile.py handled every request without an error of its own" "$crash" ""

t_diag "case | expected | observed"
for l in "${TABLE[@]}"; do t_diag "$l"; done
t_diag "elapsed since the server started: $((($(now_us) - SERVER_T0) / 1000)) ms"
t_done
