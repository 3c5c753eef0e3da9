#!/bin/bash
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
# middle of lookups (parent and child), the descriptor limit.
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
VG=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect
    --suppressions="$REPO/tests/valgrind.supp" --log-file="$T/vg.%p")
printf 'server %s\ncert-cache none\n' "$STAMP_ES2" >"$T/udp.conf"
printf 'server %s\ncert-cache none\ntcp-only yes\n' "$STAMP_ES1" >"$T/tcp.conf"
DEADSTAMP=$(python3 "$REPO/tests/lab/labtool.py" stamp 127.0.0.99:443 \
    "$LAB/dnscrypt/provider.pub" "$PROVIDER_NAME")
printf 'server %s\ncert-cache none\ntotal-timeout 1000\n' "$DEADSTAMP" >"$T/dead.conf"
head -c 32 /dev/urandom >"$T/wrong.pub"
WRONG=$(python3 "$REPO/tests/lab/labtool.py" stamp 127.0.0.54:443 "$T/wrong.pub" "$PROVIDER_NAME")
printf 'server %s\ncert-cache none\ntotal-timeout 2000\n' "$WRONG" >"$T/wrong.conf"

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
    # vgprog DESC ARGS...: a tests/prog program under valgrind; its
    # PASS/FAIL lines and the valgrind logs of all its processes.
    vgprog() {
        local desc=$1 rc=0 out log l n=0
        shift
        rm -f "$T"/vg.*
        out=$(NSS_DNSCRYPT_CONF=$T/nocache.conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
            "$LAB/resolv.conf.dead" "${VG[@]}" "$@" 2>&1) || rc=$?
        log=$(vglogs)
        while IFS= read -r l; do
            case $l in
                "PASS "*) t_pass "valgrind $desc: ${l#PASS }"; n=$((n + 1)) ;;
                "FAIL "*) t_fail "valgrind $desc: ${l#FAIL }"; n=$((n + 1)) ;;
            esac
        done <<<"$out"
        if [ -n "$log" ] || [ "$rc" = 99 ]; then
            t_fail "valgrind $desc: no error, no leak (every process)" "$log"
        elif [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
            t_fail "valgrind $desc exited with status $rc" "$out"
        elif [ "$n" -eq 0 ]; then
            t_fail "valgrind $desc reported nothing" "$out"
        else
            t_pass "valgrind $desc: no error, no leak (every process)"
        fi
    }
    vgprog hard_threads "$B/tests/hard_threads" 8 20 vg
    vgprog hard_fork "$B/tests/hard_fork" 4 10
    vgprog hard_emfile "$B/tests/hard_emfile"
fi

t1=$EPOCHREALTIME
t_diag "t73 took $(( (${t1/[.,]/} - ${t0/[.,]/}) / 1000 )) ms"
t_done
