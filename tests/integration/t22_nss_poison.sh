#!/bin/bash
# SPDX-License-Identifier: ISC
# The NSS buffer and status contract, calling the module's six entry points
# directly ($B/tests/nss_poison dlopen()s $B/libnss_dnscrypt.so.2; see
# tests/prog/nss_poison.c):
#  - the nss-mdns buffer test: every buffer length from 0 up to success
#    (+16) at three misaligned offsets of a poisoned allocation: nothing
#    written outside the buffer, TRYAGAIN/ERANGE/NETDB_INTERNAL while too
#    small, then SUCCESS with every pointer inside the buffer and the same
#    result; *pat of gethostbyname4_r points at a PROT_NONE page;
#  - the same buffer lengths against nss_dns's own functions (libc.so.6's
#    _nss_dns_*, on the plain resolver, same answers): for every entry
#    point and every length from 0 to 16 past the first success, at three
#    offsets, the same status, errno, h_errno and result (nss_poison sizes
#    run once on each module);
#  - the retry after ERANGE does not ask the network again: after the first
#    (too small) call the process forbids itself socket, connect, send* and
#    recv* with a seccomp filter (a blocked call kills it) and the retries
#    must still succeed; answer cache off, so that only the module's
#    keep-the-last-answer path can do it; a control process shows that the
#    filter stops a real lookup;
#  - statuses: NXDOMAIN, NODATA, REFUSED (h_errno TRY_AGAIN, never UNAVAIL;
#    reverse NOTFOUND as in nss_dns), no configuration (UNAVAIL), a
#    configuration that does not parse (TRYAGAIN: it fails closed), a wrong
#    provider key, a refused and a silent server (within total-timeout).
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

P=$B/tests/nss_poison
M=$B/libnss_dnscrypt.so.2
T=$(lab_tmp t22)
t0=$EPOCHREALTIME

# poison DESC [VAR=VALUE...] -- ARGS...: run nss_poison (resolv.conf.dead,
# so no search list) and turn its PASS/FAIL/DIAG lines into TAP; RESULT
# lines are kept in $T/results.
poison() {
    local desc=$1 out rc
    shift
    local -a envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    # shellcheck disable=SC2030,SC2031  # the exports stay in the subshell
    out=$( [ ${#envs[@]} -eq 0 ] || export "${envs[@]}"
           with_nss - "$LAB/resolv.conf.dead" "$P" "$M" "$@" 2>&1)
    rc=$?
    grep '^RESULT' <<<"$out" | sed 's/^RESULT //' >>"$T/results"
    t_prog_lines "$(grep -v '^RESULT' <<<"$out")" "$rc" "$desc: nss_poison" "$desc: "
}
result() { awk -F '\t' -v k="$1" '$1 == k { print $2 }' "$T/results"; }

# ---- buffers ---------------------------------------------------------------
poison buffers -- buffers \
    4:a4.lab.test 4:both.lab.test 4:alias1.lab.test 4:many.lab.test "4:$LONGNAME" \
    3:a4.lab.test:4 3:both.lab.test:6 3:alias1.lab.test:4 3:many.lab.test:6 "3:$LONGNAME:4" \
    2:two4.lab.test:4 2:a6.lab.test:6 2:alias1.lab.test:6 \
    1:a4.lab.test 1:many4.lab.test \
    a2:127.20.0.1 a2:::1 a2:127.20.0.2 a:127.20.0.80 a:::ffff:127.20.0.1 a:::1
t_eq "gethostbyname4_r a4: result" "$(result 4:a4.lab.test)" "SUCCESS a4.lab.test 127.20.0.1 scope=0"
t_eq "gethostbyname4_r both: A first, then AAAA; the name on the first tuple only" \
    "$(result 4:both.lab.test)" "SUCCESS both.lab.test 127.20.0.2 scope=0 ; - ::1 scope=0"
t_eq "gethostbyname4_r alias1: canonical name" "$(result 4:alias1.lab.test)" \
    "SUCCESS both.lab.test 127.20.0.2 scope=0 ; - ::1 scope=0"
t_eq "gethostbyname4_r many: 100 tuples" \
    "$(result 4:many.lab.test | grep -o 'scope=0' | wc -l)" 100
t_eq "gethostbyname3_r alias1 AF_INET: h_name and aliases" "$(result 3:alias1.lab.test:4)" \
    "SUCCESS name=both.lab.test aliases=[alias1.lab.test,alias2.lab.test] type=2 len=4 addrs=[127.20.0.2]"
t_eq "gethostbyname3_r LONGNAME" "$(result "3:$LONGNAME:4")" \
    "SUCCESS name=$LONGNAME aliases=[] type=2 len=4 addrs=[127.20.0.7]"
t_eq "gethostbyname2_r two4 AF_INET" "$(result 2:two4.lab.test:4)" \
    "SUCCESS name=two4.lab.test aliases=[] type=2 len=4 addrs=[127.20.0.3,127.20.0.4]"
t_eq "gethostbyaddr2_r ::1" "$(result a2:::1)" \
    "SUCCESS name=a6.lab.test aliases=[] type=10 len=16 addrs=[::1]"
t_eq "gethostbyaddr_r ::ffff:127.20.0.1 answers for 127.20.0.1" "$(result a:::ffff:127.20.0.1)" \
    "SUCCESS name=a4.lab.test aliases=[] type=2 len=4 addrs=[127.20.0.1]"

# ---- every buffer length, against nss_dns's own outcome ---------------------
SIZE_CALLS=(4:a4.lab.test 4:a6.lab.test 4:both.lab.test 4:two4.lab.test 4:alias1.lab.test
            4:cname-ext.lab.test 4:many.lab.test "4:$LONGNAME" 4:bench-7.lab.test
            3:a4.lab.test:4 3:a6.lab.test:6 3:both.lab.test:6 3:alias1.lab.test:4
            3:alias1.lab.test:6 3:many.lab.test:6 "3:$LONGNAME:4" 3:cname-ext.lab.test:4
            2:two4.lab.test:4 2:a6.lab.test:6 2:alias1.lab.test:6 2:bench-7.lab.test:6
            2:bench-7.lab.test:4 2:many4.lab.test:4
            1:a4.lab.test 1:two4.lab.test 1:many4.lab.test 1:alias1.lab.test
            a2:127.20.0.1 a2:::1 a2:127.20.0.80 a:127.20.0.80 a:::ffff:127.20.0.1 a:::1)
with_nss - "$LAB/resolv.conf.plain" "$P" libc.so.6 sizes "${SIZE_CALLS[@]}" >"$T/sizes.dns" 2>&1
rc_dns=$?
with_nss - "$LAB/resolv.conf.dead" "$P" "$M" sizes "${SIZE_CALLS[@]}" >"$T/sizes.dc" 2>&1
rc_dc=$?
t_eq "buffer lengths: nss_poison sizes ran on nss_dns and on the module" "$rc_dns $rc_dc" "0 0"
n_same=0
for c in "${SIZE_CALLS[@]}"; do
    a=$(grep -F "SIZE $c off=" "$T/sizes.dns")
    b=$(grep -F "SIZE $c off=" "$T/sizes.dc")
    if [ -n "$a" ] && [ "$a" = "$b" ]; then
        n_same=$((n_same + 1))
    else
        t_fail "buffer lengths: $c: as nss_dns" "$(diff <(echo "$a") <(echo "$b") | head -n 20)"
    fi
done
lens=$(awk '{ split($4, r, "[=-]"); n += r[3] - r[2] + 1 } END { print n }' "$T/sizes.dc")
t_eq "buffer lengths: every one of ${#SIZE_CALLS[@]} calls has nss_dns's status, errno, h_errno and result at every length ($lens calls each)" \
    "$n_same" "${#SIZE_CALLS[@]}"
t_diag "e.g. $(grep -F 'SIZE 2:bench-7.lab.test:6 off=1' "$T/sizes.dc" | head -n 2 | tr '\n' ';')"

# ---- the retry after ERANGE stays off the network -------------------------
{ cat "$LAB/es2.conf"; printf 'cache no\n'; } >"$T/nocache.conf"
poison "no network on retry" NSS_DNSCRYPT_CONF="$T/nocache.conf" -- noretry \
    4:many.lab.test 4:a4.lab.test 3:alias1.lab.test:4 3:a6.lab.test:6 2:a6.lab.test:6 \
    1:two4.lab.test a2:127.20.0.2 a:::1

# ---- statuses ---------------------------------------------------------------
all() { # NAME STATUS: the name through every forward entry point
    printf '%s\n' "4:$1=$2" "3:$1:4=$2" "3:$1:6=$2" "2:$1:4=$2" "2:$1:6=$2" "1:$1=$2"
}
# shellcheck disable=SC2046  # one word per line of all()
poison status -- status \
    $(all nx.lab.test NOTFOUND/HOST_NOT_FOUND) \
    $(all nodata.lab.test NOTFOUND/NO_DATA) \
    $(all a..b.lab.test NOTFOUND/HOST_NOT_FOUND) \
    $(all example.com '!UNAVAIL/TRY_AGAIN') \
    3:a4.lab.test:6=NOTFOUND/NO_DATA 2:a4.lab.test:6=NOTFOUND/NO_DATA \
    1:a6.lab.test=NOTFOUND/NO_DATA 3:a6.lab.test:4=NOTFOUND/NO_DATA \
    a2:127.20.0.99=NOTFOUND/HOST_NOT_FOUND a:127.20.0.99=NOTFOUND/HOST_NOT_FOUND \
    a2:10.255.0.1=NOTFOUND/TRY_AGAIN a:fd00:dc::1=NOTFOUND/TRY_AGAIN

ALL7=(4:a4.lab.test 3:a4.lab.test:4 3:a4.lab.test:6 2:a4.lab.test:4 2:a4.lab.test:6
      1:a4.lab.test a2:127.20.0.1 a:127.20.0.1)
want() { local c; for c in "${ALL7[@]}"; do printf '%s=%s\n' "$c" "$1"; done; }

# Not configured: UNAVAIL (the only case), so "[!UNAVAIL=return] dns" falls
# back; a configuration that is there but does not parse fails closed
# (TRYAGAIN: a typo must not send lookups to plain DNS; t24 has the rest).
# shellcheck disable=SC2046
poison "no configuration file" NSS_DNSCRYPT_CONF=/nonexistent/nss-dnscrypt.conf -- \
    status $(want UNAVAIL/NO_RECOVERY)
printf 'server sdns://garbage\n' >"$T/garbage.conf"
# shellcheck disable=SC2046
poison "a configuration that does not parse" NSS_DNSCRYPT_CONF="$T/garbage.conf" -- \
    status $(want TRYAGAIN/TRY_AGAIN)

stamp() { python3 "$REPO/tests/lab/labtool.py" stamp "$1" "$2" "$PROVIDER_NAME"; }
# A provider key that signed none of the certificates: TRYAGAIN, never
# UNAVAIL (an attacker can make certificates fail to verify).
head -c 32 /dev/urandom >"$T/wrong.pub"
printf 'server %s\ncert-cache none\n' "$(stamp 127.0.0.54:443 "$T/wrong.pub")" >"$T/wrongkey.conf"
# shellcheck disable=SC2046
poison "wrong provider key" NSS_DNSCRYPT_CONF="$T/wrongkey.conf" -- \
    status $(want TRYAGAIN/TRY_AGAIN)

# Nothing listens at 127.0.0.99:443: refused at once (well before the
# default total-timeout of 8000 ms).
printf 'server %s\ncert-cache none\n' "$(stamp 127.0.0.99:443 "$LAB/dnscrypt/provider.pub")" \
    >"$T/refused.conf"
# shellcheck disable=SC2046
poison "server refuses" NSS_DNSCRYPT_CONF="$T/refused.conf" -- \
    timed $((500 + SLACK_MS)) $(want TRYAGAIN/TRY_AGAIN)

# A server that takes UDP and TCP and never answers: the lookup ends within
# total-timeout (+ SLACK_MS for scheduling), with our settings and with the
# defaults (total-timeout 8000 ms).
"$P" - silent-server "$T/silent.port" 120 </dev/null >"$T/silent.log" 2>&1 &
spid=$!
lab_pid "$spid" nss_poison
lab_wait test -s "$T/silent.port"
if [ -s "$T/silent.port" ]; then
    s=$(stamp "127.0.0.1:$(cat "$T/silent.port")" "$LAB/dnscrypt/provider.pub")
    printf 'server %s\ncert-cache none\ntimeout 200\nattempts 2\ntotal-timeout 1000\n' "$s" \
        >"$T/silent.conf"
    poison "silent server, total-timeout 1000" NSS_DNSCRYPT_CONF="$T/silent.conf" -- \
        timed $((1000 + SLACK_MS)) 4:a4.lab.test=TRYAGAIN/TRY_AGAIN 3:a4.lab.test:6=TRYAGAIN/TRY_AGAIN \
        a2:127.20.0.1=TRYAGAIN/TRY_AGAIN
    printf 'server %s\ncert-cache none\n' "$s" >"$T/silent-default.conf"
    poison "silent server, default settings" NSS_DNSCRYPT_CONF="$T/silent-default.conf" -- \
        timed $((8000 + SLACK_MS)) 4:a4.lab.test=TRYAGAIN/TRY_AGAIN
else
    t_fail "the silent server started" "$(cat "$T/silent.log")"
fi
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null

t1=$EPOCHREALTIME
t_diag "t22 took $(( (${t1/./} - ${t0/./}) / 1000 )) ms"
t_done
