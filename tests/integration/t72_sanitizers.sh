#!/bin/bash
# SPDX-License-Identifier: ISC
# Sanitizers in the default suite (issue 6; `make check-san` is the whole
# suite under them): a build with ASan + UBSan (make SAN=1: build-san/,
# -fno-sanitize-recover=undefined, so undefined behaviour aborts), then
#  - every unit test of that build, natively (LeakSanitizer on): exit 0, no
#    "not ok", no sanitizer report;
#  - its dnscrypt-resolve against the lab, differential against $B's:
#    UDP, UDP truncated then TCP, TCP only (es1), PTR, CNAME chain, IPv6
#    listener, NXDOMAIN (exit 1), a wrong provider key and a dead server
#    (exit 2): same exit status and output, no sanitizer report;
#  - the NSS module of that build loaded by its own test programs (linked
#    with the ASan runtime, so it comes first): 8 threads x 50 lookups
#    (hard_threads) and the descriptor limit (hard_emfile).
# When $B is itself a sanitizer build (make check-san) there is nothing to
# add: the whole suite runs under the sanitizers.
# The build takes about 30 s on two cores when build-san/ is cold, nothing
# when it is up to date.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t72)
t0=$EPOCHREALTIME
is_san() { ldd "$1" 2>/dev/null | grep -q libasan; }
if is_san "$B/dnscrypt-resolve"; then
    t_skip "sanitizer subset" "$B is a sanitizer build: the whole suite runs under ASan+UBSan"
    t_done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
SANRE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)'

a=${EPOCHREALTIME/[.,]/}
if ! make -C "$REPO" SAN=1 -j2 all units >"$T/build.log" 2>&1; then
    t_fail "make SAN=1 all units" "$(tail -n 30 "$T/build.log")"
    t_done
fi
b=${EPOCHREALTIME/[.,]/}
SB=$REPO/build-san
t_pass "make SAN=1 all units ($(((b - a) / 1000)) ms)"
if ! is_san "$SB/dnscrypt-resolve"; then
    t_fail "$SB/dnscrypt-resolve is linked with the ASan runtime"
    t_done
fi

# ---- unit tests -------------------------------------------------------------
n=0
for u in "$SB"/tests/test_*; do
    [ -x "$u" ] || continue
    n=$((n + 1))
    rc=0
    (cd "$REPO" && "$u") >"$T/${u##*/}.log" 2>&1 || rc=$?
    pass=$(grep -cE '^ok( |$)' "$T/${u##*/}.log")
    fail=$(grep -cE '^not ok( |$)' "$T/${u##*/}.log")
    if [ "$rc" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ] &&
        ! grep -qE "$SANRE" "$T/${u##*/}.log"; then
        t_pass "${u##*/} under ASan+UBSan: $pass passed"
    else
        t_fail "${u##*/} under ASan+UBSan: exit $rc, $pass passed, $fail failed" \
            "$(grep -E "^not ok|$SANRE" "$T/${u##*/}.log" | head -n 5)" \
            "$(grep -A 12 -E "$SANRE" "$T/${u##*/}.log" | head -n 30)"
    fi
done
[ "$n" -gt 0 ] || t_fail "unit tests built in $SB/tests"

# ---- dnscrypt-resolve -----------------------------------------------------------
lab_confs "$T" udp tcp v6 dead wrong

# resolve DESC WANT_RC CONF ARGS...: $SB's and $B's dnscrypt-resolve -q.
resolve() {
    local desc=$1 want=$2 conf=$3 rc=0 rc0=0 out out0
    shift 3
    out=$(NSS_DNSCRYPT_CONF=$conf "$SB/dnscrypt-resolve" -q "$@" 2>"$T/err") || rc=$?
    out0=$(NSS_DNSCRYPT_CONF=$conf "$B/dnscrypt-resolve" -q "$@" 2>/dev/null) || rc0=$?
    if grep -qE "$SANRE" "$T/err"; then
        t_fail "sanitized dnscrypt-resolve: $desc: no sanitizer report" "$(head -n 30 "$T/err")"
    elif [ "$rc" != "$want" ] || [ "$rc0" != "$want" ] || [ "$out" != "$out0" ]; then
        t_fail "sanitized dnscrypt-resolve: $desc: exit $want, output as $B's" \
            "exit $rc ($B: $rc0), want $want" "output: $out" "$B's: $out0" "$(head -n 5 "$T/err")"
    else
        t_pass "sanitized dnscrypt-resolve: $desc (exit $rc)"
    fi
}

resolve "UDP A+AAAA" 0 "$T/udp.conf" both.lab.test
resolve "UDP truncated, then TCP" 0 "$T/udp.conf" many.lab.test
resolve "TCP only, es1, TXT" 0 "$T/tcp.conf" txt.lab.test TXT
resolve "PTR" 0 "$T/udp.conf" -x 127.20.0.2
resolve "CNAME chain" 0 "$T/tcp.conf" alias1.lab.test
resolve "IPv6 listener" 0 "$T/v6.conf" a4.lab.test
resolve "NXDOMAIN" 1 "$T/udp.conf" nx.lab.test
resolve "wrong provider key" 2 "$T/wrong.conf" a4.lab.test
resolve "dead server" 2 "$T/dead.conf" a4.lab.test

# ---- the NSS module, loaded by sanitized test programs ---------------------------
# prog DESC CMD...: PASS/FAIL/DIAG lines to TAP, no sanitizer report.
prog() {
    local desc=$1 rc=0 l n=0 out
    shift
    out=$("$@" 2>&1) || rc=$?
    while IFS= read -r l; do
        case $l in
            "PASS "*) t_pass "sanitized $desc: ${l#PASS }"; n=$((n + 1)) ;;
            "FAIL "*) t_fail "sanitized $desc: ${l#FAIL }"; n=$((n + 1)) ;;
            "DIAG "*) t_diag "${l#DIAG }" ;;
        esac
    done <<<"$out"
    if grep -qE "$SANRE" <<<"$out"; then
        t_fail "sanitized $desc: no sanitizer report" "$(grep -A 30 -E "$SANRE" <<<"$out" | head -n 40)"
    elif [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' <<<"$out"; then
        t_fail "sanitized $desc exited with status $rc" "$(tail -n 20 <<<"$out")"
    elif [ "$n" -eq 0 ]; then
        t_fail "sanitized $desc reported nothing" "$(tail -n 20 <<<"$out")"
    fi
}
printf 'server %s\ncert-cache none\ncache no\n' "$STAMP_ES2" >"$T/nocache.conf"
B=$SB NSS_DNSCRYPT_CONF=$T/nocache.conf prog hard_threads \
    with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" "$SB/tests/hard_threads" 8 50 nss
B=$SB NSS_DNSCRYPT_CONF=$T/nocache.conf prog hard_emfile \
    with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" "$SB/tests/hard_emfile"

t1=$EPOCHREALTIME
t_diag "t72 took $(( (${t1/[.,]/} - ${t0/[.,]/}) / 1000 )) ms"
t_done
