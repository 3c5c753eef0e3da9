#!/bin/bash
# SPDX-License-Identifier: ISC
# The one lookup engine (issue 12): every kind of lookup x every condition
# the engine must handle, each cell one TAP line "KIND x CASE" with its
# exact outcome and a time bound.
#
# Kinds ($B/tests/matrix_lookup prints one canonical dump per call, and
# the time the call itself took):
#   getaddrinfo       through the NSS module (hosts: files dnscrypt)
#   gethostbyaddr     through the NSS module
#   res_query, res_search, res_send
#                     through the preload library (dnscrypt-run)
#   dnscrypt-resolve  NAME TYPE (-q --short; timed as a whole process)
# Cases:
#   big               answers that need TCP far beyond 4 KB, from dnsdist
#                     (es-version 2 and 1, IPv4 and IPv6): the dump must be
#                     identical to glibc's through plain DNS from the same
#                     dnsdist (dig +tcp +short for dnscrypt-resolve)
#   udp-dropped       hostile.py udp-drop-all: certificate and answer over
#                     TCP, within the budget
#   udp-dropped again a second process with the same cert-cache directory
#                     (the server state file): answers, and its first query
#                     goes over TCP (only the first lookup pays the UDP wait)
#   rotated-keys      a certificate cached on disk by an earlier process;
#                     then the server takes new resolver keys (hostile.py,
#                     SIGHUP) and ignores the old ones: the lookup fetches
#                     the certificate again and answers, within the budget
#   rotated-keys (dnsdist)
#                     the same with dnsdist (lab_rotate_keys: a new
#                     certificate made in memory, the old one removed)
#   silent            nothing answers, not even the certificate query:
#                     "try again" within total-timeout
#   no-answer         the certificate is served, queries never answered:
#                     "try again" within total-timeout
#   slow-under        every answer 1 s late, budget 8 s: the answer
#   slow-over         every answer 6 s late, budget 2 s: "try again"
#                     within the budget
#   truncated         hostile.py udp-tc, every UDP answer (certificate
#                     included) truncated: the answer over TCP
#   tcp-cut           UDP answers truncated, the TCP answer frame cut in
#                     the middle and the connection closed: "try again"
#                     within the budget (dnscrypt-resolve must not call it
#                     "refused")
#   tcp-garbage       tcp-only, a frame of random bytes: the same
# Outcomes: success = exit 0 and the same dump as plain glibc; "try
# again" = what glibc gives for a silent plain DNS server (checked first):
# EAI_AGAIN (getaddrinfo), TRY_AGAIN (gethostbyaddr), ret=-1
# h_errno=TRY_AGAIN (res_query, res_search), ret=-1 errno=ETIMEDOUT
# (res_send), and exit 2 (dnscrypt-resolve).  Time bounds are
# total-timeout + $SLACK ms, which hold on a loaded machine; nothing here
# asserts speed.  Cells run in parallel, at most $MAXJ at a time.
# shellcheck disable=SC2317  # functions called through run_cell and traps
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

ML=$B/tests/matrix_lookup
RESOLVE=$B/dnscrypt-resolve
PRELOAD=$B/libdnscrypt-preload.so
T=$(lab_tmp t45)
SLACK=3000
MAXJ=12
KINDS=(getaddrinfo gethostbyaddr res_query res_search res_send dnscrypt-resolve)

for f in "$ML" "$RESOLVE" "$PRELOAD" "$B/dnscrypt-run"; do
    if [ ! -e "$f" ]; then
        t_fail "$f is built (make all units)"
        t_done
    fi
done

# ---- the lab's big names: NSD and dnsdist pass them over TCP, glibc gets them
size_of() { # SERVER NAME TYPE: the answer's size and record count over TCP
    dig +tcp +time=5 +tries=2 -p 53 "@$1" "$2" "$3" |
        sed -n -e 's/.*ANSWER: \([0-9]*\),.*/an=\1/p' -e 's/.*MSG SIZE *rcvd: \([0-9]*\)/size=\1/p' |
        tr '\n' ' '
}
for q in "big16k.lab.test TXT an=4 size=16156" "big59k.lab.test TXT an=15 size=60464" \
         "big64k.lab.test TXT an=17 size=65161" \
         "aaaa400.lab.test AAAA an=400 size=11245" "a4300.lab.test A an=150 size=2443" \
         "a4300.lab.test AAAA an=150 size=4243" "9.0.20.127.in-addr.arpa PTR an=300 size=19260"; do
    read -r qn ty an sz <<<"$q"
    t_eq "lab: NSD and dnsdist (plain DNS) answer $qn $ty over TCP ($an, $sz bytes with EDNS)" \
        "$(size_of "$AUTH_DNS" "$qn" "$ty")/$(size_of "$PLAIN_DNS" "$qn" "$ty")" "$an $sz /$an $sz "
done

# ---- running cells ----------------------------------------------------------
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
# lookup KIND CONF ARGS...: one lookup of KIND over DNSCrypt with CONF, or
# through plain glibc (dig for dnscrypt-resolve) when CONF is "plain".
lookup() {
    local kind=$1 conf=$2
    shift 2
    case $kind:$conf in
        getaddrinfo:plain) with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" "$ML" gai "$@" ;;
        gethostbyaddr:plain) with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" "$ML" hba "$@" ;;
        getaddrinfo:*)
            NSS_DNSCRYPT_CONF=$conf with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
                "$ML" gai "$@" ;;
        gethostbyaddr:*)
            NSS_DNSCRYPT_CONF=$conf with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
                "$ML" hba "$@" ;;
        res_*:plain)
            with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" env -u LD_LIBRARY_PATH \
                "$ML" "$kind" "$@" ;;
        res_*:*)
            # resolv.conf names a dead server: an answer can only come
            # over DNSCrypt; LD_LIBRARY_PATH unset: glibc cannot load
            # the module by itself.
            with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.dead" env -u LD_LIBRARY_PATH \
                DNSCRYPT_RUN_PRELOAD="$PRELOAD" "$B/dnscrypt-run" --config "$conf" \
                "$ML" "$kind" "$@" ;;
        dnscrypt-resolve:plain) dig +tcp +short +time=5 +tries=2 "@$PLAIN_DNS" "$@" ;;
        dnscrypt-resolve:*) "$RESOLVE" -c "$conf" -q --short "$@" ;;
    esac
}
# run_cell KEY KIND CONF ARGS...: lookup in the background, at most MAXJ
# at a time; KEY.out, KEY.err, KEY.res ("EXIT WALL_MS START_US END_US").
# wait_cells waits for them all (not for the servers).
CELLS=()
running_cells() {
    local p r=0
    for p in "${CELLS[@]}"; do kill -0 "$p" 2>/dev/null && r=$((r + 1)); done
    echo "$r"
}
wait_cells() {
    [ "${#CELLS[@]}" = 0 ] || wait "${CELLS[@]}" 2>/dev/null
    CELLS=()
}
run_cell() {
    local key=$1
    shift
    while [ "$(running_cells)" -ge "$MAXJ" ]; do sleep 0.05; done
    (
        s=$(now_us)
        lookup "$@" >"$T/$key.out" 2>"$T/$key.err"
        rc=$?
        e=$(now_us)
        echo "$rc $(((e - s) / 1000)) $s $e" >"$T/$key.res"
    ) &
    CELLS+=($!)
}
res_rc() { cut -d' ' -f1 "$T/$1.res" 2>/dev/null || echo none; }
# The time a cell took: matrix_lookup's own count (the call alone), or the
# whole process (dnscrypt-resolve).
cell_ms() {
    local m
    m=$(sed -n 's/^# ms=//p' "$T/$1.out" 2>/dev/null)
    [ -n "$m" ] || m=$(cut -d' ' -f2 "$T/$1.res" 2>/dev/null)
    echo "${m:-999999}"
}
dump() { grep -v '^# ms=' "$T/$1.out" 2>/dev/null; }
show() { # KEY: what a failed cell printed (shortened)
    printf 'exit %s after %s ms\n' "$(res_rc "$1")" "$(cell_ms "$1")"
    dump "$1" | head -c 1500
    echo
    head -c 1500 "$T/$1.err" 2>/dev/null
}

# expect_ok DESC KEY REF BUDGET_MS: exit 0, the same dump as REF's (the
# plain run), within BUDGET + SLACK.
expect_ok() {
    local desc=$1 key=$2 ref=$3 bound=$(($4 + SLACK)) ms rc
    ms=$(cell_ms "$key")
    rc=$(res_rc "$key")
    if [ "$rc" != 0 ] || [ "$(res_rc "$ref")" != 0 ] || [ -z "$(dump "$ref")" ]; then
        t_fail "$desc" "want: success identical to plain DNS, within $bound ms" \
            "got: $(show "$key")" "plain: exit $(res_rc "$ref"), $(dump "$ref" | head -n 1)"
    elif [ "$(dump "$key")" != "$(dump "$ref")" ]; then
        t_fail "$desc" "want: the same answer as plain DNS ($(dump "$ref" | wc -l) lines: $(dump "$ref" | head -n 1 | cut -c1-100))" \
            "got: $(show "$key" | cut -c1-200)" \
            "diff (plain, dnscrypt): $(diff <(dump "$ref") <(dump "$key") | head -n 6 | cut -c1-100)"
    elif [ "$ms" -gt "$bound" ]; then
        t_fail "$desc" "want: within $bound ms" "got: the answer after $ms ms"
    else
        t_pass "$desc ($ms ms)"
    fi
}
# again_re KIND: the "try again" outcome of KIND (the first line of
# matrix_lookup's dump; dnscrypt-resolve's exit status), as glibc gives it
# for a silent plain DNS server (checked below).  res_send reports only
# errno (h_errno is not judged there).
again_re() {
    case $1 in
        getaddrinfo) echo ': EAI_AGAIN$' ;;
        gethostbyaddr) echo ': TRY_AGAIN$' ;;
        res_send) echo ': ret=-1 .*errno=ETIMEDOUT$' ;;
        res_*) echo ': ret=-1 h_errno=TRY_AGAIN$' ;;
        dnscrypt-resolve) echo '^exit 2$' ;;
    esac
}
first_line() { # KIND KEY
    if [ "$1" = dnscrypt-resolve ] || [ "$(res_rc "$2")" != 0 ]; then
        echo "exit $(res_rc "$2")"
    else
        dump "$2" | head -n 1
    fi
}
# expect_again DESC KIND KEY BUDGET_MS [frame]: "try again" within BUDGET
# + SLACK.  With "frame" (a broken TCP answer), res_send may set another
# errno than a silent server's ETIMEDOUT (glibc does), but not
# ECONNREFUSED: nothing refused anything.
expect_again() {
    local desc=$1 kind=$2 key=$3 bound=$(($4 + SLACK)) ms got want
    ms=$(cell_ms "$key")
    want=$(again_re "$kind")
    [ "${5:-}:$kind" != frame:res_send ] || want=': ret=-1 .*errno=E[A-Z0-9]+$'
    got=$(first_line "$kind" "$key")
    if ! [[ $got =~ $want ]] || [[ $got == *errno=ECONNREFUSED ]]; then
        t_fail "$desc" "want: ${want#: } (errno never ECONNREFUSED) within $bound ms" "got: $(show "$key")"
    elif [ "$ms" -gt "$bound" ]; then
        t_fail "$desc" "want: ${want#: } within $bound ms" "got: it after $ms ms"
    else
        t_pass "$desc ($ms ms)"
    fi
}

# conf NAME STAMP BUDGET CERT_CACHE: a configuration file, its path printed
conf() {
    printf 'server %s\ncert-cache %s\nsearch none\ncache no\ntotal-timeout %s\n' \
        "$2" "$4" "$3" >"$T/$1.conf"
    echo "$T/$1.conf"
}

# ---- glibc's own "try again" outcomes, against a silent plain DNS server ----
G=$(lab_tmp t45-glibc)
lab_silent_server 127.0.45.99 53 "$G"
for _ in $(seq 100); do [ -e "$G/silent.up" ] && break; sleep 0.05; done
printf 'nameserver 127.0.45.99\noptions timeout:1 attempts:1\n' >"$G/resolv.conf"
for k in "getaddrinfo gai both.lab.test" "gethostbyaddr hba 127.20.0.1" \
         "res_query res_query mx.lab.test MX" "res_search res_search mx.lab.test MX" \
         "res_send res_send mx.lab.test MX"; do
    read -r kind args <<<"$k"
    # shellcheck disable=SC2086
    got=$(with_nss "$LAB/nsswitch.conf.dns" "$G/resolv.conf" "$ML" $args | head -n 1)
    t_match "glibc: $kind, silent plain DNS server: the outcome this matrix calls \"try again\"" \
        "$got" "$(again_re "$kind")"
done
kill "$SILENT_PID" 2>/dev/null
# It is a plain DNS server: not one for zz_capture.sh's DNSCrypt checks.
sed -i '/^127\.0\.45\.99:53$/d' "$LAB/extra-listeners"

# ---- big answers from dnsdist ------------------------------------------------
# What each kind looks up: its arguments, separated by "|".
big_args() { # KIND
    case $1 in
        getaddrinfo) echo "aaaa400.lab.test|a4300.lab.test" ;;
        gethostbyaddr) echo "127.20.0.9" ;;
        *) echo "big59k.lab.test TXT|big64k.lab.test TXT|big16k.lab.test TXT|aaaa400.lab.test AAAA|a4300.lab.test AAAA|a4300.lab.test A|9.0.20.127.in-addr.arpa PTR" ;;
    esac
}
declare -A BIGCONF
for v in es2 es1 v6; do
    case $v in es2) s=$STAMP_ES2 ;; es1) s=$STAMP_ES1 ;; v6) s=$STAMP_V6 ;; esac
    BIGCONF[$v]=$(conf "big-$v" "$s" 8000 none)
done
declare -a BIGCELLS     # "KIND|VARIANT|ARGS|KEY"
n=0
for kind in "${KINDS[@]}"; do
    IFS='|' read -r -a list <<<"$(big_args "$kind")"
    first=1
    for args in "${list[@]}"; do
        # shellcheck disable=SC2086  # ARGS is NAME [TYPE]
        run_cell "plain-$kind-$n" "$kind" plain $args
        for v in es2 es1 v6; do
            # es-version 1 and IPv6: the biggest answer of each kind
            [ "$v" = es2 ] || [ "$first" = 1 ] || continue
            # shellcheck disable=SC2086
            run_cell "big-$kind-$n-$v" "$kind" "${BIGCONF[$v]}" $args
            BIGCELLS+=("$kind|$v|$args|$n")
        done
        first=0
        n=$((n + 1))
    done
done
wait_cells
for c in "${BIGCELLS[@]}"; do
    IFS='|' read -r kind v args i <<<"$c"
    expect_ok "$kind x big: $args ($v)" "big-$kind-$i-$v" "plain-$kind-$i" 8000
done

# ---- the hostile server's cases ----------------------------------------------
# What each kind looks up there, and its plain reference.
small_args() { # KIND
    case $1 in
        getaddrinfo) echo "both.lab.test" ;;
        gethostbyaddr) echo "127.20.0.1" ;;
        *) echo "mx.lab.test MX" ;;
    esac
}
for kind in "${KINDS[@]}"; do
    # shellcheck disable=SC2046
    run_cell "plain-$kind-small" "$kind" plain $(small_args "$kind")
done

CASES=(udp-dropped silent no-answer slow-under slow-over truncated tcp-cut tcp-garbage)
declare -A MODE=([udp-dropped]="udp-drop-all,log=1" [silent]=silent [no-answer]=no-answer
                 [slow-under]="slow,delay=1" [slow-over]="slow,delay=6" [truncated]=udp-tc
                 [tcp-cut]=tcp-cut [tcp-garbage]=garbage)
declare -A BUDGET=([udp-dropped]=8000 [silent]=3000 [no-answer]=3000
                   [slow-under]=8000 [slow-over]=2000 [truncated]=8000 [rotated-keys]=8000
                   [rotated-keys-dnsdist]=8000 [tcp-cut]=3000 [tcp-garbage]=3000)
declare -A ADDR
HSPECS=()
c=0
for cs in "${CASES[@]}"; do
    c=$((c + 1))
    k=0
    for kind in "${KINDS[@]}"; do
        k=$((k + 1))
        ADDR[$cs/$kind]=127.0.45.$((c * 10 + k)):443
        HSPECS+=("${MODE[$cs]}@${ADDR[$cs/$kind]}")
    done
done
k=0
ROTSPECS=()
for kind in "${KINDS[@]}"; do
    k=$((k + 1))
    ADDR[rotated-keys/$kind]=127.0.46.$k:443
    ROTSPECS+=("ok@${ADDR[rotated-keys/$kind]}")
done
for a in "${ADDR[@]}"; do echo "$a" >>"$LAB/extra-listeners"; done   # zz_capture.sh

HLOG=$T/hostile.log
HPIDS=()
# start_hostile NAME SPEC...: one hostile.py process (python's threads share
# one CPU: the static cases go to two processes, rotation to a third)
start_hostile() {
    local name=$1
    shift
    python3 "$REPO/tests/lab/hostile.py" --info "$T/info.$name" --log "$HLOG" \
        --certdir "$LAB/dnscrypt" --provider "$PROVIDER_NAME" --upstream "$AUTH_DNS:53" \
        "$@" >"$T/hostile.$name.out" 2>&1 &
    HPIDS+=($!)
    lab_pid "$!" python3
}
stop_servers() {
    local p
    for p in "${HPIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${HPIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap stop_servers EXIT
half=$((${#HSPECS[@]} / 2))
start_hostile a "${HSPECS[@]:0:half}"
start_hostile b "${HSPECS[@]:half}"
start_hostile rot "${ROTSPECS[@]}"
ROT_PID=${HPIDS[2]}
for _ in $(seq 200); do
    [ -s "$T/info.a" ] && [ -s "$T/info.b" ] && [ -s "$T/info.rot" ] && break
    sleep 0.05
done
if ! [ -s "$T/info.a" ] || ! [ -s "$T/info.b" ] || ! [ -s "$T/info.rot" ]; then
    t_fail "hostile.py serves ${#ADDR[@]} listeners on 127.0.45.x and 127.0.46.x" \
        "$(cat "$T"/hostile.*.out)"
    t_done
fi
t_pass "hostile.py serves ${#ADDR[@]} listeners on 127.0.45.x and 127.0.46.x"
declare -A STAMP
while read -r addr _ stamp _; do STAMP[$addr]=$stamp; done < <(cat "$T"/info.*)

declare -A CONF
for kind in "${KINDS[@]}"; do
    ADDR[rotated-keys-dnsdist/$kind]=$ROT_LISTENER
    STAMP[$ROT_LISTENER]=$STAMP_ROT
done
echo "$ROT_LISTENER" >>"$LAB/extra-listeners"
for key in "${!ADDR[@]}"; do
    cs=${key%%/*} kind=${key#*/}
    cache=none
    case $cs in
        udp-dropped | rotated-keys*) cache=$T/cache-$cs-$kind; mkdir -p "$cache" ;;
    esac
    CONF[$key]=$(conf "$cs-$kind" "${STAMP[${ADDR[$key]}]}" "${BUDGET[$cs]}" "$cache")
    [ "$cs" != tcp-garbage ] || echo "tcp-only yes" >>"${CONF[$key]}"
done

# Rotated keys: an earlier process caches the certificate, then the server
# takes new keys.
for cs in rotated-keys rotated-keys-dnsdist; do
    warm_ok=1
    for kind in "${KINDS[@]}"; do
        "$RESOLVE" -c "${CONF[$cs/$kind]}" -q a4.lab.test >"$T/warm-$cs-$kind.out" 2>&1 || warm_ok=0
        [ -n "$(ls -A "$T/cache-$cs-$kind")" ] || warm_ok=0
    done
    if [ "$warm_ok" = 1 ]; then
        t_pass "$cs: each kind's cert-cache directory holds the certificate (serial 1)"
    else
        t_fail "$cs: each kind's cert-cache directory holds the certificate (serial 1)" \
            "$(cat "$T"/warm-"$cs"-*.out)" "$(ls -lR "$T"/cache-"$cs"-*)"
    fi
done
t_ok "rotated-keys-dnsdist: dnsdist's $ROT_LISTENER takes new keys (serial 2, serial 1 removed)" \
    lab_rotate_keys 2
t_match "rotated-keys-dnsdist: dnsdist serves only serial 2" \
    "$(lab_console 'getDNSCryptBind(4):printCertificates()' | awk '$1 ~ /^[0-9]+$/ { print $2 }' | tr '\n' ' ')" '^2 $'
kill -HUP "$ROT_PID"
for _ in $(seq 100); do
    [ "$(grep -c ' rotated to serial=2$' "$HLOG")" -ge "${#KINDS[@]}" ] && break
    sleep 0.05
done
t_eq "rotated-keys: the server has new resolver keys (serial 2) on every listener" \
    "$(grep -c ' 127\.0\.46\.[0-9]*:443 rotated to serial=2$' "$HLOG")" "${#KINDS[@]}"

for cs in "${CASES[@]}" rotated-keys rotated-keys-dnsdist; do
    for kind in "${KINDS[@]}"; do
        # shellcheck disable=SC2046
        run_cell "$cs-$kind" "$kind" "${CONF[$cs/$kind]}" $(small_args "$kind")
    done
done
wait_cells

# udp-dropped again: a new process, the same cert-cache directory.
declare -A LOGN
for kind in "${KINDS[@]}"; do
    LOGN[$kind]=$(wc -l <"$HLOG")
    # shellcheck disable=SC2046
    run_cell "udp-again-$kind" "$kind" "${CONF[udp-dropped/$kind]}" $(small_args "$kind")
    wait_cells
done

for cs in "${CASES[@]}" rotated-keys rotated-keys-dnsdist; do
    for kind in "${KINDS[@]}"; do
        case $cs in
            silent | no-answer | slow-over)
                expect_again "$kind x $cs" "$kind" "$cs-$kind" "${BUDGET[$cs]}" ;;
            tcp-*) expect_again "$kind x $cs" "$kind" "$cs-$kind" "${BUDGET[$cs]}" frame ;;
            *) expect_ok "$kind x $cs" "$cs-$kind" "plain-$kind-small" "${BUDGET[$cs]}" ;;
        esac
    done
    case $cs in
        tcp-*)
            err=$(cat "$T/$cs-dnscrypt-resolve.err" 2>/dev/null)
            if [[ $err == *refused* ]] || [ -z "$err" ]; then
                t_fail "dnscrypt-resolve x $cs: says what happened (not \"refused\")" "${err:0:1500}"
            else
                t_pass "dnscrypt-resolve x $cs: says what happened (not \"refused\")"
            fi ;;
    esac
    if [ "$cs" = udp-dropped ]; then
        for kind in "${KINDS[@]}"; do
            # The first thing the second process sent that server: a query
            # over TCP (a UDP datagram would be "udp dropped by ...").
            a=${ADDR[udp-dropped/$kind]}
            first=$(tail -n +$((LOGN[$kind] + 1)) "$HLOG" | grep -F " $a " | head -n 1)
            if [[ $first == *" tcp query "* ]]; then
                expect_ok "$kind x udp-dropped again (the server state file)" \
                    "udp-again-$kind" "plain-$kind-small" "${BUDGET[udp-dropped]}"
            else
                t_fail "$kind x udp-dropped again (the server state file)" \
                    "want: the first query of a new process over TCP (UDP known dropped)" \
                    "got: the server's first log line for it: ${first:-none}" "$(show "udp-again-$kind")"
            fi
        done
    fi
done
t_diag "hostile.py log: $HLOG"
t_done
