# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Helpers for tests/integration/t*.sh (sourced; tests/run.sh runs each
# script with bash and exports B, LAB, REPO, VALGRIND and the lab's env).
#
# TAP output:
#   t_pass DESC                 ok N - DESC
#   t_fail DESC [DIAG...]       not ok N - DESC, then each DIAG as "# ..."
#   t_skip DESC REASON          ok N - DESC # SKIP REASON
#   t_ok DESC CMD...            pass when CMD exits 0 (its output is shown
#                               as comments when it fails)
#   t_fails DESC CMD...         pass when CMD exits non-zero
#   t_eq DESC GOT WANT          pass when the strings are equal
#   t_match DESC GOT REGEX      pass when GOT matches the bash regex
#   t_diag MSG...               "# MSG"
#   t_sub PREFIX OUTPUT         report the results in another TAP run's
#                               OUTPUT as this script's ("PREFIX: DESC"),
#                               its other lines as diagnostics
#   t_prog_lines OUT RC DESC [PREFIX]
#                               report a test program's output OUT (PASS
#                               DESC / FAIL DESC / DIAG MSG lines; COUNT
#                               lines skipped, others as diagnostics) as
#                               this script's ("PREFIXDESC"); fails DESC when
#                               RC is non-zero without a FAIL line or when
#                               OUT has no PASS/FAIL line
#   t_prog DESC CMD...          run CMD, then t_prog_lines on its output
#                               (stdout+stderr), which stays in $POUT, its
#                               run time (ms) in $PMS
#   t_done                      exit 0 if nothing failed, else 1
#
# Lab helpers:
#   with_nss NSSWITCH RESOLV CMD...
#       run CMD in a further private mount namespace with NSSWITCH bind-
#       mounted over /etc/nsswitch.conf and RESOLV over /etc/resolv.conf
#       (either may be "-" to keep the real file; $NSS_HOSTS, if set, goes
#       over /etc/hosts), LD_LIBRARY_PATH=$B so glibc loads
#       $B/libnss_dnscrypt.so.2, and NSS_DNSCRYPT_CONF=${NSS_DNSCRYPT_CONF:-
#       $LAB/es2.conf}.  Example:
#         NSS_DNSCRYPT_CONF=$LAB/es1.conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
#             "$LAB/resolv.conf.dead" getent ahosts a4.lab.test
#   lab_console LUA       run a command on the lab's dnsdist console
#   lab_pid PID [COMM]    record a process you started, so that the lab's
#                         stop.sh kills it if your script does not; COMM
#                         (its /proc/PID/comm once exec'd, e.g. python3)
#                         guards against killing a reused PID
#   lab_tmp NAME          create a fresh directory under $LAB, print its path
#   lab_addrconfig v4|v6|both|none
#                         set the host addresses glibc's AI_ADDRCONFIG sees
#                         (default both; restore "both" when you are done)
#   lab_stamp ADDR:PORT [PK_FILE]
#                         the sdns:// stamp of a DNSCrypt server there, with
#                         the lab's provider key (or the 32 bytes in
#                         PK_FILE) and $PROVIDER_NAME
#   lab_rotate_keys SERIAL
#                         give dnsdist's 127.0.0.57:443 listener new resolver
#                         keys at once: a certificate with SERIAL (es 2),
#                         made in memory, replaces every other one (as a
#                         restart with new keys would); queries with an old
#                         client magic then get no answer
#   lab_confs DIR NAME... write DIR/NAME.conf ("cert-cache none") for each
#                         NAME: udp (the es2 listener), tcp (es1, tcp-only),
#                         v6 ([::1]:8443), dead (127.0.0.99:443, where
#                         nothing listens; total-timeout 1000), wrong (the
#                         es2 listener under a random provider key;
#                         total-timeout 2000)
#   lab_silent_server ADDR PORT DIR
#                         start a server that binds UDP and TCP on ADDR:PORT
#                         and never reads nor answers; DIR/silent.up appears
#                         once it is bound (its output: DIR/silent.out).
#                         Sets SILENT_PID, records it with lab_pid and lists
#                         ADDR:PORT in $LAB/extra-listeners (zz_capture.sh)
#   lab_overlay_root DIR NAME DESC
#                         in a private mount namespace: make /usr, /etc and
#                         /var writable copies (overlays whose upper layers
#                         are on a tmpfs NAME mounted on DIR), then t_pass
#                         DESC; on failure t_fail and t_done
#   lab_nested ARG DIR DESC
#                         run this script again ("bash SCRIPT ARG DIR") in
#                         a fresh lab of its own (tests/lab/shell.sh: its
#                         own namespaces, NSD and dnsdist), its output in
#                         DIR/shell.log; t_fail DESC if that run fails
#
# Time (the suite must pass at load 8 on 2 cores, with other builds
# running: tests assert behaviour - a budget kept, a try waited out -
# never speed):
#   SLACK_MS              what a loaded machine may add to an operation's
#                         own budget (process start, scheduling): a check
#                         "within BUDGET" allows BUDGET + SLACK_MS (3000)
#   lab_wait CMD...       run CMD every 50 ms until it succeeds, for
#                         WAIT_S seconds at most (30; then status 1): for
#                         servers and files that tests start
#
# Captures (tcpdump on the loopback):
#   capture PCAP FILTER CMD...
#                         run CMD (its output into PCAP.out, its exit status
#                         into PCAP.rc) while the packets FILTER selects are
#                         captured into PCAP
#   cap_start PCAP HOST   capture everything sent to HOST into PCAP, until
#                         cap_stop; fails where tcpdump cannot run (a user
#                         namespace, not installed)
#   cap_stop              stop once all that was sent is in PCAP (a marker
#                         datagram to HOST port 9), print how many of the
#                         captured packets went to port 53

# shellcheck source=SCRIPTDIR/../lab/ns.sh
. "${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/tests/lab/ns.sh"

T_N=0
T_FAILED=0
SLACK_MS=${SLACK_MS:-3000}
WAIT_S=${WAIT_S:-30}

t_diag() {
    local line
    while IFS= read -r line; do
        printf '# %s\n' "$line"
    done <<<"$*"
}

t_pass() {
    T_N=$((T_N + 1))
    printf 'ok %d - %s\n' "$T_N" "$1"
}

t_fail() {
    T_N=$((T_N + 1))
    T_FAILED=$((T_FAILED + 1))
    printf 'not ok %d - %s\n' "$T_N" "$1"
    shift
    local d
    for d in "$@"; do t_diag "$d"; done
}

t_skip() {
    T_N=$((T_N + 1))
    printf 'ok %d - %s # SKIP %s\n' "$T_N" "$1" "${2:-}"
}

t_ok() {
    local desc=$1 out rc
    shift
    out=$("$@" 2>&1) && rc=0 || rc=$?
    if [ "$rc" -eq 0 ]; then
        t_pass "$desc"
    else
        t_fail "$desc" "command: $*" "exit status: $rc" "${out:0:4000}"
    fi
    return "$rc"
}

t_fails() {
    local desc=$1 out rc
    shift
    out=$("$@" 2>&1) && rc=0 || rc=$?
    if [ "$rc" -ne 0 ]; then
        t_pass "$desc"
        return 0
    fi
    t_fail "$desc" "command: $*" "unexpectedly succeeded" "${out:0:4000}"
    return 1
}

t_eq() {
    if [ "$2" = "$3" ]; then
        t_pass "$1"
    else
        t_fail "$1" "got:  ${2:0:4000}" "want: ${3:0:4000}"
        return 1
    fi
}

t_match() {
    if [[ $2 =~ $3 ]]; then
        t_pass "$1"
    else
        t_fail "$1" "got:   ${2:0:4000}" "regex: $3"
        return 1
    fi
}

t_sub() {
    local l
    while IFS= read -r l; do
        case $l in
            "ok "*) t_pass "$1: ${l#ok * - }" ;;
            "not ok "*) t_fail "$1: ${l#not ok * - }" ;;
            *) t_diag "$l" ;;
        esac
    done <<<"$2"
}

t_prog_lines() {
    local out=$1 rc=$2 desc=$3 pre=${4:-} l n=0
    while IFS= read -r l; do
        case $l in
            "PASS "*) t_pass "$pre${l#PASS }"; n=$((n + 1)) ;;
            "FAIL "*) t_fail "$pre${l#FAIL }"; n=$((n + 1)) ;;
            "DIAG "*) t_diag "${l#DIAG }" ;;
            "COUNT "*) ;;
            *) [ -n "$l" ] && t_diag "$l" ;;
        esac
    done <<<"$out"
    if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
        t_fail "$desc exited with status $rc"
    elif [ "$n" -eq 0 ]; then
        t_fail "$desc reported nothing"
    fi
}

t_prog() {
    local desc=$1 rc a b
    shift
    a=${EPOCHREALTIME/[.,]/}
    POUT=$("$@" 2>&1)
    rc=$?
    b=${EPOCHREALTIME/[.,]/}
    # shellcheck disable=SC2034  # for the caller
    PMS=$(((b - a) / 1000))
    t_prog_lines "$POUT" "$rc" "$desc"
}

t_done() {
    [ "$T_FAILED" -eq 0 ] && exit 0
    exit 1
}

with_nss() {
    local nss=$1 resolv=$2
    shift 2
    local f
    for f in "$nss" "$resolv" "${NSS_HOSTS:--}"; do
        if [ "$f" != - ] && [ ! -e "$f" ]; then
            echo "with_nss: no such file: $f" >&2
            return 127
        fi
    done
    # shellcheck disable=SC2016
    NSS_DNSCRYPT_CONF=${NSS_DNSCRYPT_CONF:-$LAB/es2.conf} \
    LD_LIBRARY_PATH=$B${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
    unshare --mount --propagation private -- bash -c '
        set -e
        [ "$1" = - ] || mount --bind "$1" /etc/nsswitch.conf
        [ "$2" = - ] || mount --bind "$2" /etc/resolv.conf
        [ "$3" = - ] || mount --bind "$3" /etc/hosts
        shift 3
        exec "$@"' with_nss "$nss" "$resolv" "${NSS_HOSTS:--}" "$@"
}

lab_wait() {
    local i
    for ((i = 0; i < WAIT_S * 20; i++)); do
        "$@" && return 0
        sleep 0.05
    done
    return 1
}

lab_console() {
    dnsdist -C "$DNSDIST_CONF" -c -e "$*"
}

lab_pid() {
    echo "$1 ${2:-?}" >>"$LAB/pids"
}

lab_tmp() {
    mktemp -d "$LAB/$1.XXXXXX"
}

lab_stamp() {
    python3 "$REPO/tests/lab/labtool.py" stamp "$1" "${2:-$LAB/dnscrypt/provider.pub}" "$PROVIDER_NAME"
}

lab_rotate_keys() {
    local now old
    now=$(date +%s)
    old=$(lab_console 'getDNSCryptBind(4):printCertificates()' |
        awk '$1 ~ /^[0-9]+$/ { print $2 }')
    lab_console "getDNSCryptBind(4):generateAndLoadInMemoryCertificate('$LAB/dnscrypt/provider.key', $1, $((now - 3600)), $((now + 86400)), DNSCryptExchangeVersion.VERSION2)" &&
    for s in $old; do
        lab_console "getDNSCryptBind(4):markInactive($s)" &&
        lab_console "getDNSCryptBind(4):removeInactiveCertificate($s)" || return 1
    done
}

lab_confs() {
    local dir=$1 name
    shift
    for name in "$@"; do
        case $name in
        udp) printf 'server %s\ncert-cache none\n' "$STAMP_ES2" ;;
        tcp) printf 'server %s\ncert-cache none\ntcp-only yes\n' "$STAMP_ES1" ;;
        v6) printf 'server %s\ncert-cache none\n' "$STAMP_V6" ;;
        dead) printf 'server %s\ncert-cache none\ntotal-timeout 1000\n' "$(lab_stamp 127.0.0.99:443)" ;;
        wrong)
            head -c 32 /dev/urandom >"$dir/wrong.pub"
            printf 'server %s\ncert-cache none\ntotal-timeout 2000\n' \
                "$(lab_stamp 127.0.0.54:443 "$dir/wrong.pub")"
            ;;
        *) echo "lab_confs: no configuration named $name" >&2; return 1 ;;
        esac >"$dir/$name.conf"
    done
}

lab_silent_server() {
    python3 - "$1" "$2" "$3/silent.up" >"$3/silent.out" 2>&1 <<'EOF' &
import socket, sys, time
addr, port = sys.argv[1], int(sys.argv[2])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((addr, port))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((addr, port))
t.listen(64)
open(sys.argv[3], "w").write("up\n")
while True:
    time.sleep(3600)
EOF
    SILENT_PID=$!
    lab_pid "$SILENT_PID" python3
    echo "$1:$2" >>"$LAB/extra-listeners"
}

lab_nested() {
    mkdir -p "$2"
    if ! "$REPO/tests/lab/shell.sh" bash "$REPO/tests/integration/${0##*/}" \
        "$1" "$2" >"$2/shell.log" 2>&1; then
        t_fail "$3" "$(tail -n 20 "$2/shell.log")"
    fi
}

lab_overlay_root() {
    local d
    mkdir -p "$1"
    mount -t tmpfs "$2" "$1" || { t_fail "tmpfs for the overlays"; t_done; }
    for d in usr etc var; do
        mkdir -p "$1/$d.up" "$1/$d.work"
        mount -t overlay overlay -o "lowerdir=/$d,upperdir=$1/$d.up,workdir=$1/$d.work" "/$d" ||
            { t_fail "overlay on /$d"; t_done; }
    done
    t_pass "$3"
}

capture() {
    local f=$1 filter=$2 pid m=capture-end-$RANDOM$RANDOM i
    local mark='udp and src host 127.0.0.1 and dst host 127.0.0.1 and dst port 9'
    shift 2
    tcpdump --immediate-mode -i lo -n -U -w "$f.all" "($filter) or ($mark)" 2>"$f.err" & pid=$!
    lab_wait grep -q listening "$f.err"
    "$@" >"$f.out" 2>&1
    echo $? >"$f.rc"
    # Stop once a marker datagram sent after CMD is in the file (on a
    # loaded machine tcpdump may lag behind), then drop the markers.
    for ((i = 0; i < WAIT_S * 20; i++)); do
        echo "$m" 2>/dev/null >/dev/udp/127.0.0.1/9
        grep -qaF "$m" "$f.all" && break
        sleep 0.05
    done
    kill -INT "$pid"; wait "$pid" 2>/dev/null
    tcpdump -r "$f.all" -w "$f" "not ($mark)" 2>/dev/null
    rm -f "$f.all"
}

CAP_PID=
cap_start() {
    CAP_PID=
    CAP_FILE=$1 CAP_HOST=$2
    [ -z "${DC_LAB_USERNS:-}" ] || return 1
    command -v tcpdump >/dev/null || return 1
    rm -f "$CAP_FILE" "$CAP_FILE.err"
    tcpdump -i lo -n -U -w "$CAP_FILE" "dst host $CAP_HOST" 2>"$CAP_FILE.err" &
    CAP_PID=$!
    lab_pid "$CAP_PID" tcpdump
    cap_listening "$CAP_FILE.err" && return 0
    kill "$CAP_PID" 2>/dev/null
    CAP_PID=
    return 1
}

# cap_listening LOG: wait (WAIT_S at most) until tcpdump $CAP_PID, whose
# stderr goes to LOG, says it is listening; 1 if it died or never did.
cap_listening() {
    local i
    for ((i = 0; i < WAIT_S * 20; i++)); do
        grep -q 'listening on' "$1" 2>/dev/null && return 0
        kill -0 "$CAP_PID" 2>/dev/null || break
        sleep 0.05
    done
    return 1
}

cap_stop() {
    [ -n "$CAP_PID" ] || return 1
    local m=cap-end-$RANDOM$RANDOM i
    for ((i = 0; i < WAIT_S * 20; i++)); do
        echo "$m" 2>/dev/null >"/dev/udp/$CAP_HOST/9"
        grep -qaF "$m" "$CAP_FILE" && break
        sleep 0.05
    done
    kill -INT "$CAP_PID" 2>/dev/null
    wait "$CAP_PID" 2>/dev/null
    CAP_PID=
    tcpdump -r "$CAP_FILE" -n 'dst port 53' 2>/dev/null | wc -l
}
