#!/bin/bash
# SPDX-License-Identifier: ISC
# The preload library's res_query family (preload/res.c) against plain
# glibc, through dnscrypt-run, in the lab:
#
#   - $B/tests/res_query calls res_query, res_search, res_querydomain,
#     res_send (query from res_mkquery), res_nquery, res_nsearch,
#     res_nquerydomain and res_nsend for A, AAAA, CNAME chains, MX, TXT
#     (600 bytes: TCP without EDNS), SRV, PTR, NXDOMAIN, NODATA, 100
#     records (TCP), REFUSED, a trailing dot, search-list names, invalid
#     and odd names (empty label, 64-byte label, 308 characters, a space,
#     "", ".", NULL domains), ANY, class CHAOS and a private type, and
#     prints every return value, h_errno and the whole answer (all
#     sections; the message id aside).
#   - A second build binds every call to the pre-2.34 spelling
#     (__res_query@GLIBC_2.2.5 ... via .symver), which programs built
#     against older glibc still call.
#   - Through dnscrypt-run the resolv.conf points where nothing listens
#     (127.0.0.99), so an answer can only come over DNSCrypt; without it
#     the same program asks glibc, resolv.conf pointing at the lab's plain
#     DNS (dnsdist 127.0.0.53, the same backend).  The dumps must be
#     identical, for several resolver setups: no search list, "search
#     lab.test", "options edns0", and answer buffers of 65536, 512, 64
#     and 11 bytes (glibc's truncation rules).
#   - Nothing is sent to 127.0.0.99 (tcpdump) while the preloaded programs
#     run: no lookup fell back to glibc's own resolver.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

PRELOAD=$B/libdnscrypt-preload.so
RQ=$B/tests/res_query
T=$(lab_tmp t31)

# ---- helpers ---------------------------------------------------------------
# Plain glibc against the lab's plain DNS.
plain() { # RESOLV CMD...
    local rc=$1
    shift
    with_nss "$LAB/nsswitch.conf.dns" "$rc" env -u LD_LIBRARY_PATH "$@"
}
# Through dnscrypt-run; resolv.conf is dead, nsswitch.conf the usual
# "files dns", and LD_LIBRARY_PATH unset so that glibc cannot load the NSS
# module from $B by itself.
viarun() { # RESOLV CMD...
    local rc=$1
    shift
    with_nss "$LAB/nsswitch.conf.dns" "$rc" env -u LD_LIBRARY_PATH \
        DNSCRYPT_RUN_PRELOAD="$PRELOAD" "$B/dnscrypt-run" --config "$LAB/es2.conf" "$@"
}

# ---- the old-symbol build --------------------------------------------------
RQ_OLD=$T/res_query_old
if gcc -std=gnu11 -O2 -Wall -Wextra -DOLD_RES_SYMVER -o "$RQ_OLD" \
        "$REPO/tests/prog/res_query.c" -ldl 2>"$T/gcc.err"; then
    t_pass "res_query built against __res_*@GLIBC_2.2.5"
else
    t_fail "res_query built against __res_*@GLIBC_2.2.5" "$(cat "$T/gcc.err")"
fi
old_syms=$(objdump -T "$RQ_OLD" 2>&1 | awk '/UND/ && $NF ~ /res_/ {print $(NF-1), $NF}' | sort | tr '\n' ' ')
t_eq "the old build imports only the pre-2.34 names" "$old_syms" \
    "(GLIBC_2.2.5) __res_mkquery (GLIBC_2.2.5) __res_nclose (GLIBC_2.2.5) __res_ninit (GLIBC_2.2.5) __res_nmkquery (GLIBC_2.2.5) __res_nquery (GLIBC_2.2.5) __res_nquerydomain (GLIBC_2.2.5) __res_nsearch (GLIBC_2.2.5) __res_nsend (GLIBC_2.2.5) __res_query (GLIBC_2.2.5) __res_querydomain (GLIBC_2.2.5) __res_search (GLIBC_2.2.5) __res_send "
new_syms=$(objdump -T "$RQ" 2>&1 | awk '/UND/ && $NF ~ /^res_(n?query|n?search|n?querydomain|n?send)$/ {print $(NF-1), $NF}' | sort | tr '\n' ' ')
t_eq "the Makefile build imports the GLIBC_2.34 names" "$new_syms" \
    "(GLIBC_2.34) res_nquery (GLIBC_2.34) res_nquerydomain (GLIBC_2.34) res_nsearch (GLIBC_2.34) res_nsend (GLIBC_2.34) res_query (GLIBC_2.34) res_querydomain (GLIBC_2.34) res_search (GLIBC_2.34) res_send "

# ---- resolver setups -------------------------------------------------------
for v in plain dead; do
    cp "$LAB/resolv.conf.$v" "$T/$v.base"
    { cat "$LAB/resolv.conf.$v"; echo "search lab.test"; } >"$T/$v.search"
    { cat "$LAB/resolv.conf.$v"; echo "options edns0"; } >"$T/$v.edns"
done

# The cases of the small-buffer runs (the default list for the others).
SMALL=("A a4.lab.test" "A alias1.lab.test" "MX mx.lab.test" "TXT txt.lab.test"
       "A many.lab.test" "PTR 2.0.20.127.in-addr.arpa" "A nx.lab.test"
       "TXT big59k.lab.test" "AAAA aaaa400.lab.test")

# setup label, resolv.conf suffix, res_query arguments
RUNS=(
    "base|base|"
    "search lab.test|search|"
    "options edns0|edns|"
    "512-byte buffer|base|-b 512"
    "512-byte buffer, edns0|edns|-b 512"
    "64-byte buffer|base|-b 64"
    "64-byte buffer, edns0|edns|-b 64"
    "11-byte buffer|base|-b 11"
)

# Plain glibc first (it is what sends to 127.0.0.53), then everything
# through dnscrypt-run under the capture.
i=0
for r in "${RUNS[@]}"; do
    IFS='|' read -r label suf args <<<"$r"
    # shellcheck disable=SC2206
    a=($args)
    [ -n "$args" ] && a+=("${SMALL[@]}")
    plain "$T/plain.$suf" "$RQ" "${a[@]}" >"$T/$i.plain" 2>&1
    plain "$T/plain.$suf" "$RQ_OLD" "${a[@]}" >"$T/$i.plain-old" 2>&1
    i=$((i + 1))
done

# everything sent to 127.0.0.99, where the dead resolv.conf points (lib.sh)
cap_start "$T/dead.pcap" 127.0.0.99 && capturing=1 || capturing=0
i=0
for r in "${RUNS[@]}"; do
    IFS='|' read -r label suf args <<<"$r"
    # shellcheck disable=SC2206
    a=($args)
    [ -n "$args" ] && a+=("${SMALL[@]}")
    viarun "$T/dead.$suf" "$RQ" "${a[@]}" >"$T/$i.pre" 2>&1
    viarun "$T/dead.$suf" "$RQ_OLD" "${a[@]}" >"$T/$i.pre-old" 2>&1
    i=$((i + 1))
done
if [ "$capturing" = 1 ]; then
    t_eq "no query went to resolv.conf's (dead) server from a preloaded program" "$(cap_stop)" 0
else
    t_skip "no query went to resolv.conf's (dead) server from a preloaded program" \
        "tcpdump unavailable here"
fi

# ---- the comparisons -------------------------------------------------------
i=0
for r in "${RUNS[@]}"; do
    IFS='|' read -r label suf args <<<"$r"
    if [ -n "$args" ]; then ncases=${#SMALL[@]}; else
        ncases=$(sed '/^odd calls$/q' "$T/0.plain" | grep -c '^res_query '); fi
    n=$(sed '/^odd calls$/q' "$T/$i.pre" | grep -cE '^res_n?(query|search|querydomain|send) ')
    t_eq "[$label] all 8 functions answered for each of the $ncases cases" "$n" $((8 * ncases))
    t_ok "[$label] preload dump = plain glibc dump" diff -u "$T/$i.plain" "$T/$i.pre"
    t_ok "[$label] preload, __res_* build = plain glibc dump" diff -u "$T/$i.plain" "$T/$i.pre-old"
    t_ok "[$label] plain glibc: __res_* build = res_* build" diff -u "$T/$i.plain" "$T/$i.plain-old"
    i=$((i + 1))
done

# ---- what the answers hold (the preload's dump, exactly) -------------------
# The block of one call in a dump: its line and the indented lines after.
block() { # FILE "FUNC TYPE NAME"
    awk -v k="$2: " 'index($0, k) == 1 { p = 1; print; next } /^[^ ]/ { p = 0 } p' "$1"
}
pre=$T/0.pre
t_eq "res_query MX" "$(block "$pre" "res_query MX mx.lab.test")" \
"res_query MX mx.lab.test: ret=72 h_errno=-12345
  hdr opcode=0 rcode=NOERROR flags=qr,aa,rd qd=1 an=2 ns=0 ar=0
  qd mx.lab.test. IN MX
  an mx.lab.test. 1H IN MX 10 mail.lab.test.
  an mx.lab.test. 1H IN MX 20 mail2.lab.test."
t_eq "res_search SRV" "$(block "$pre" "res_search SRV _sip._udp.lab.test")" \
"res_search SRV _sip._udp.lab.test: ret=68 h_errno=HOST_NOT_FOUND
  hdr opcode=0 rcode=NOERROR flags=qr,aa,rd qd=1 an=1 ns=0 ar=0
  qd _sip._udp.lab.test. IN SRV
  an _sip._udp.lab.test. 1H IN SRV 10 60 5060 sip.lab.test."
t_eq "res_nquerydomain PTR (two records)" "$(block "$pre" "res_nquerydomain PTR 2.0.20.127.in-addr.arpa")" \
"res_nquerydomain PTR 2.0.20.127.in-addr.arpa: ret=92 h_errno=-12345 res_h_errno=-12345
  hdr opcode=0 rcode=NOERROR flags=qr,aa,rd qd=1 an=2 ns=0 ar=0
  qd 2.0.20.127.in-addr.arpa. IN PTR
  an 2.0.20.127.in-addr.arpa. 1H IN PTR both.lab.test.
  an 2.0.20.127.in-addr.arpa. 1H IN PTR alias-ptr.lab.test."
txt=$(block "$pre" "res_nsend TXT txt.lab.test")
t_match "res_nsend TXT: the 600-byte record and \"hello\", same id" "$txt" \
'^res_nsend TXT txt.lab.test: ret=663 h_errno=-12345 res_h_errno=-12345
  hdr opcode=0 rcode=NOERROR flags=qr,aa,rd qd=1 an=2 ns=0 ar=0
  qd txt.lab.test. IN TXT
  an txt.lab.test. 1H IN TXT "a{200}" "b{200}" "c{200}"
  an txt.lab.test. 1H IN TXT "hello"$'
t_eq "res_query A many: 50 records" \
    "$(block "$pre" "res_query A many.lab.test" | grep -c '^  an many\.lab\.test\. 1H IN A 127\.21\.0\.')" 50
t_eq "NXDOMAIN: -1 and HOST_NOT_FOUND from the query functions" \
    "$(grep -E '^res_n?(query|search|querydomain) A nx.lab.test:' "$pre" | sed 's/ res_h_errno=.*//' | sort -u | sed 's/^res_[a-z]* //' | sort -u)" \
    "A nx.lab.test: ret=-1 h_errno=HOST_NOT_FOUND"
t_match "NXDOMAIN: res_send returns the answer" "$(block "$pre" "res_send A nx.lab.test")" \
    $'^res_send A nx.lab.test: ret=[0-9]+ h_errno=-12345\n  hdr opcode=0 rcode=NXDOMAIN flags=qr,aa,rd qd=1 an=0 ns=1 ar=0\n'
t_eq "NODATA: -1 and NO_DATA" "$(grep -E '^res_query A nodata.lab.test:' "$pre")" \
    "res_query A nodata.lab.test: ret=-1 h_errno=NO_DATA"
t_eq "REFUSED: res_query -1 and TRY_AGAIN, res_send -1" \
    "$(grep -E '^res_(query|send) A example.com:' "$pre")" \
    "res_query A example.com: ret=-1 h_errno=TRY_AGAIN
res_send A example.com: ret=-1 h_errno=-12345"
t_eq "search lab.test: res_search finds a4, res_query does not" \
    "$(grep -E '^res_(query|search) A a4:' "$T/1.pre")" \
    "res_query A a4: ret=-1 h_errno=TRY_AGAIN
res_search A a4: ret=45 h_errno=HOST_NOT_FOUND"
t_eq "no OPT record unless asked for, then the server's" \
    "$(grep -c ' OPT ' "$T/0.pre") $(block "$T/2.pre" "res_query A a4.lab.test" | grep -c '^  ar OPT udp=')" "0 1"
t_eq "64-byte buffer: a UDP-sized answer is cut to the buffer" \
    "$(grep '^res_query MX mx.lab.test:' "$T/5.pre")" "res_query MX mx.lab.test: ret=64 h_errno=-12345"
t_match "64-byte buffer: a TCP-sized answer gives its length, TC set" \
    "$(block "$T/5.pre" "res_query TXT txt.lab.test")" \
    $'^res_query TXT txt.lab.test: ret=663\\(>64\\) h_errno=-12345\n  hdr opcode=0 rcode=NOERROR flags=qr,aa,tc,rd '
t_eq "11-byte buffer: -1 and TRY_AGAIN" "$(grep '^res_query A a4.lab.test:' "$T/7.pre")" \
    "res_query A a4.lab.test: ret=-1 h_errno=TRY_AGAIN"
t_eq "odd calls" "$(sed -n '/^odd calls$/,$p' "$pre" | grep '^res_')" \
'res_querydomain A a4.lab.test.+NULL: ret=45 h_errno=-12345
res_querydomain A a4.lab.test+NULL: ret=45 h_errno=-12345
res_nquerydomain A a4+lab.test.: ret=45 h_errno=-12345 res_h_errno=-12345
res_querydomain A ""+NULL: ret=-1 h_errno=NO_RECOVERY
res_query NS "": ret=-1 h_errno=TRY_AGAIN
res_query NS .: ret=-1 h_errno=TRY_AGAIN
res_search A "": ret=-1 h_errno=NO_RECOVERY
res_query A (308 characters): ret=-1 h_errno=NO_RECOVERY
res_search A (308 characters): ret=-1 h_errno=NO_RECOVERY
res_query A a4.lab.test class CHAOS: ret=-1 h_errno=TRY_AGAIN
res_query TYPE65280 a4.lab.test: ret=-1 h_errno=NO_DATA'
t_eq "invalid names: -1 and NO_RECOVERY without a query" \
    "$(grep -E '^res_n?query A (bad\.\.|x{64})' "$pre" | sed 's/ res_h_errno=.*//; s/^res_n*query A //' | sort -u)" \
    "bad..lab.test: ret=-1 h_errno=NO_RECOVERY
xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.lab.test: ret=-1 h_errno=NO_RECOVERY"
t_eq "no res_send answer with another id" "$(cat "$T"/*.pre* | grep -c 'id=mismatch')" 0

# Without the preload, the dead resolv.conf gives nothing.
out=$(with_nss "$LAB/nsswitch.conf.dns" "$T/dead.base" env -u LD_LIBRARY_PATH "$RQ" "MX mx.lab.test" 2>&1)
t_match "without dnscrypt-run the same call fails (resolv.conf is dead)" "$out" \
    '^res_query MX mx.lab.test: ret=-1 h_errno=TRY_AGAIN'

t_done
