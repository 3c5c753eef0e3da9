#!/bin/bash
# SPDX-License-Identifier: ISC
# The NSS module under valgrind (issue 6): getent through glibc and
# libnss_dnscrypt.so.2 ("hosts: files dnscrypt", resolv.conf dead), every
# case with its exact exit status and output, and no memory error and no
# definite or indirect leak (--leak-check=full
# --errors-for-leak-kinds=definite,indirect; suppressions: tests/valgrind.supp,
# glibc's own only).  UDP A+AAAA, truncated then TCP, TCP only (es1), PTR,
# a CNAME chain, NXDOMAIN, NODATA, a wrong provider key, a dead server and
# no configuration.
# With VALGRIND=1 (make check-valgrind) also the hardening programs: 8
# threads x 20 lookups (contexts freed at thread exit), a fork in the
# middle of lookups (parent and child; memory errors only: the child keeps
# for good what the parent's threads, gone in the fork, had allocated in
# the middle of their lookups - after fork only async-signal-safe calls
# may free anything - so its leak report is not ours to judge), the
# descriptor limit, threads
# cancelled while waiting for an answer (tests/lab/hostile.py no-answer),
# while fetching a certificate (a silent server) and 100 times at random
# points of a lookup loop.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || { t_skip "valgrind" "not installed"; t_done; }
if ldd "$B/libnss_dnscrypt.so.2" 2>/dev/null | grep -q libasan; then
    t_skip "valgrind" "$B is an ASan build: valgrind cannot run it"
    t_done
fi
T=$(lab_tmp t73)
t0=$EPOCHREALTIME
# shellcheck disable=SC2054  # the comma is part of the option
# --vgdb=no: valgrind names its gdbserver FIFOs in /tmp after the pid; runs
# in their own pid namespaces share /tmp, so two at once would collide.
VG=(valgrind -q --error-exitcode=99 --vgdb=no --leak-check=full
    --errors-for-leak-kinds=definite,indirect
    --suppressions="$REPO/tests/valgrind.supp" --log-file="$T/vg.%p")
lab_confs "$T" udp tcp dead wrong

# The valgrind logs of the last command (one per process), minus blank
# lines; empty when valgrind had nothing to say.
vglogs() {
    local f
    for f in "$T"/vg.*; do
        [ -e "$f" ] || continue
        grep -v '^==[0-9]*== *$' "$f"
        rm -f "$f"
    done
}

# vg DESC CONF WANT_RC WANT_REGEX GETENT-ARGS...
vg() {
    local desc=$1 conf=$2 want_rc=$3 want=$4 rc=0 out log
    shift 4
    rm -f "$T"/vg.*
    out=$(NSS_DNSCRYPT_CONF=$conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" "${VG[@]}" getent "$@" 2>&1) || rc=$?
    log=$(vglogs)
    if [ -n "$log" ] || [ "$rc" = 99 ]; then
        t_fail "valgrind getent $*: $desc: no error, no leak" "$log"
    elif [ "$rc" != "$want_rc" ] || ! [[ $out =~ $want ]]; then
        t_fail "valgrind getent $*: $desc: exit $want_rc, the expected output" \
            "exit $rc" "output: $out" "regex: $want"
    else
        t_pass "valgrind getent $*: $desc (exit $rc, no error, no leak)"
    fi
}

vg "UDP A+AAAA" "$T/udp.conf" 0 \
    '^::1 +STREAM both\.lab\.test.*127\.20\.0\.2 +STREAM' ahosts both.lab.test
vg "truncated, then TCP (100 addresses)" "$T/udp.conf" 0 \
    '127\.21\.0\.50 .*::ffff:127\.21\.0\.50' ahosts many.lab.test
vg "TCP only, es1" "$T/tcp.conf" 0 '^127\.20\.0\.1 +STREAM a4\.lab\.test' ahosts a4.lab.test
vg "PTR" "$T/udp.conf" 0 '^127\.20\.0\.2 +(both|alias-ptr)\.lab\.test$' hosts 127.20.0.2
vg "CNAME chain" "$T/udp.conf" 0 '^127\.20\.0\.2 +STREAM both\.lab\.test' ahostsv4 alias1.lab.test
vg "NXDOMAIN" "$T/udp.conf" 2 '^$' ahosts nx.lab.test
vg "NODATA" "$T/udp.conf" 2 '^$' ahosts nodata.lab.test
vg "wrong provider key" "$T/wrong.conf" 2 '^$' ahosts a4.lab.test
vg "dead server" "$T/dead.conf" 2 '^$' ahosts a4.lab.test
vg "no configuration" /nonexistent/nss-dnscrypt.conf 2 '^$' ahosts a4.lab.test

# ---- make check-valgrind: the hardening programs ------------------------------------
if [ -n "${VALGRIND:-}" ]; then
    printf 'server %s\ncert-cache none\ncache no\n' "$STAMP_ES2" >"$T/nocache.conf"
    # vgprog DESC [VALGRIND-OPTION...] -- ARGS...: a tests/prog program
    # under valgrind; its PASS/FAIL lines and the valgrind logs of all its
    # processes.
    vgprog() {
        local desc=$1 rc=0 out log l n=0 opts=()
        shift
        while [ "$1" != -- ]; do opts+=("$1"); shift; done
        shift
        rm -f "$T"/vg.*
        out=$(NSS_DNSCRYPT_CONF=$T/nocache.conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
            "$LAB/resolv.conf.dead" "${VG[@]}" "${opts[@]}" "$@" 2>&1) || rc=$?
        log=$(vglogs)
        while IFS= read -r l; do
            case $l in
                "PASS "*) t_pass "valgrind $desc: ${l#PASS }"; n=$((n + 1)) ;;
                "FAIL "*) t_fail "valgrind $desc: ${l#FAIL }"; n=$((n + 1)) ;;
            esac
        done <<<"$out"
        local what="no error, no leak"
        [ "${#opts[@]}" -eq 0 ] || what="no error (${opts[*]})"
        if [ -n "$log" ] || [ "$rc" = 99 ]; then
            t_fail "valgrind $desc: $what (every process)" "$log"
        elif [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
            t_fail "valgrind $desc exited with status $rc" "$out"
        elif [ "$n" -eq 0 ]; then
            t_fail "valgrind $desc reported nothing" "$out"
        else
            t_pass "valgrind $desc: $what (every process)"
        fi
    }
    vgprog hard_threads -- "$B/tests/hard_threads" 8 20 vg
    vgprog hard_fork --leak-check=no -- "$B/tests/hard_fork" 4 10
    vgprog hard_emfile -- "$B/tests/hard_emfile" thread

    python3 "$REPO/tests/lab/hostile.py" --info "$T/hostile.info" \
        --certdir "$LAB/dnscrypt" --provider "$PROVIDER_NAME" --upstream "$AUTH_DNS:53" \
        no-answer@127.0.73.1:443 >"$T/hostile.out" 2>&1 &
    HPID=$!
    lab_pid "$HPID" python3
    echo 127.0.73.1:443 >>"$LAB/extra-listeners"   # for zz_capture.sh
    lab_silent_server 127.0.73.2 443 "$T"   # reads nothing, answers nothing
    SPID=$SILENT_PID
    lab_wait test -s "$T/hostile.info" -a -s "$T/silent.up"
    if [ ! -s "$T/hostile.info" ] || [ ! -s "$T/silent.up" ]; then
        t_fail "hostile.py and a silent server start" "$(cat "$T/hostile.out" "$T/silent.out")"
    else
        read -r _ _ hstamp _ <"$T/hostile.info"
        printf 'server %s\ncert-cache none\n' "$hstamp" >"$T/silent.conf"
        printf 'server %s\ncert-cache none\ntotal-timeout 300\n' "$hstamp" >"$T/warm.conf"
        NOCERT=$(lab_stamp 127.0.73.2:443)
        printf 'server %s\ncert-cache none\n' "$NOCERT" >"$T/nocert.conf"
        vgprog "hard_cancel answer" -- "$B/tests/hard_cancel" answer \
            "$T/nocache.conf" "$T/silent.conf" 5 "$T/warm.conf"
        vgprog "hard_cancel cert" -- "$B/tests/hard_cancel" cert \
            "$T/nocache.conf" "$T/nocert.conf" 5
    fi
    vgprog "hard_cancel random" -- "$B/tests/hard_cancel" random \
        "$T/nocache.conf" "$T/nocache.conf" 100
    kill "$HPID" "$SPID" 2>/dev/null
    wait "$HPID" "$SPID" 2>/dev/null
fi

t1=$EPOCHREALTIME
t_diag "t73 took $(( (${t1/[.,]/} - ${t0/[.,]/}) / 1000 )) ms"
t_done
