#!/bin/bash
# SPDX-License-Identifier: ISC
# Differential test through glibc's getent: for every test name and every
# hosts database (getent ahosts, ahostsv4, ahostsv6, hosts) and for reverse
# lookups (getent hosts ADDRESS), the output and exit status under
#   "hosts: files dns"      with resolv.conf -> dnsdist's plain DNS port
# and
#   "hosts: files dnscrypt" with resolv.conf -> 127.0.0.99 (nothing there)
# must be identical; the dead resolv.conf proves that nothing went out as
# plain DNS.  Variants: no search list, "search nope.lab.test lab.test",
# "domain lab.test" + ndots:2, and a v4-only host (AI_ADDRCONFIG).
# Also: the module exports exactly the six _nss_dnscrypt_* entry points
# and nothing of c-ares, libsodium or our core; getent -s hosts:dnscrypt.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t20)
printf '127.0.0.1 localhost\n' >"$T/hosts"
export NSS_HOSTS=$T/hosts       # ::1 must reach DNS, not /etc/hosts
L254=${LONGNAME/.0123/.a0123}   # 254 characters, no trailing dot
t0=$EPOCHREALTIME

# ---- exported symbols -------------------------------------------------------
syms=$(nm -D --defined-only "$B/libnss_dnscrypt.so.2" | awk '{ print $NF }' | sort)
t_eq "the module exports exactly the six entry points" "$syms" \
"_nss_dnscrypt_gethostbyaddr2_r
_nss_dnscrypt_gethostbyaddr_r
_nss_dnscrypt_gethostbyname2_r
_nss_dnscrypt_gethostbyname3_r
_nss_dnscrypt_gethostbyname4_r
_nss_dnscrypt_gethostbyname_r"
leak=$(nm -D "$B/libnss_dnscrypt.so.2" | awk '{ print $NF }' |
       grep -E '^(ares_|sodium_|crypto_|randombytes_|dc_)' || true)
t_eq "no ares_*, sodium_*, crypto_*, randombytes_* or dc_* symbol in the dynamic table" "$leak" ""
t_eq "the module needs no shared c-ares or libsodium" \
    "$(objdump -p "$B/libnss_dnscrypt.so.2" | awk '$1 == "NEEDED" { print $2 }' | grep -Ec 'cares|sodium')" 0

# ---- getent differential ---------------------------------------------------
NAMES=()
for n in a4 a6 both two4 many many4 alias1 alias2 cname-ext mx nodata nx web \
         bench-1 mail sip txt _sip._udp aaaa400 a4300; do
    NAMES+=("$n.lab.test")
done
NAMES+=("$LONGNAME" "$LONGNAME." "$L254" a..b.lab.test A4.Lab.TEST a4.lab.test.
        lab.test example.com a_b.lab.test "" .)
ADDRS=(127.20.0.1 127.20.0.2 127.20.0.80 ::1 127.20.0.99 ::ffff:127.20.0.1
       127.20.0.7 10.255.0.1 fd00:dc::1 127.20.0.9)
SEARCH_NAMES=(a4 a6 both nx nodata alias1 many cname-ext mx a4.lab.test a4.lab
              a4. bench-1 nosuchname "${LONGNAME%.lab.test}")

printf 'nameserver %s\nsearch nope.lab.test lab.test\n' "$PLAIN_DNS" >"$T/plain.s1"
printf 'nameserver 127.0.0.99\nsearch nope.lab.test lab.test\n' >"$T/dead.s1"
printf 'nameserver %s\ndomain lab.test\noptions ndots:2\n' "$PLAIN_DNS" >"$T/plain.s2"
printf 'nameserver 127.0.0.99\ndomain lab.test\noptions ndots:2\n' >"$T/dead.s2"

# One line per lookup: "DB KEY<TAB>exit=N: output lines joined by ' ; '".
# shellcheck disable=SC2016
GETENT_LOOP='
for db in ahosts ahostsv4 ahostsv6 hosts; do
    for k in "$@"; do
        if [ "$k" = -x ]; then rev=1; continue; fi
        if [ -n "${rev:-}" ]; then rev=; [ "$db" = hosts ] || continue; fi
        mapfile -t lines < <(getent "$db" "$k" 2>&1; echo "exit=$?")
        out=
        for l in "${lines[@]:0:${#lines[@]}-1}"; do
            l=${l%"${l##*[! ]}"}
            out+="$l|"
        done
        printf "%s [%s]\t%s: %s\n" "$db" "$k" "${lines[-1]}" "${out%|}"
    done
done'

# run_pair VARIANT DNS_RESOLV DC_RESOLV KEYS...
run_pair() {
    local v=$1 rp=$2 rd=$3
    shift 3
    with_nss "$LAB/nsswitch.conf.dns" "$rp" bash -c "$GETENT_LOOP" getent-loop "$@" \
        >"$T/$v.dns" 2>&1
    with_nss "$LAB/nsswitch.conf.dnscrypt" "$rd" bash -c "$GETENT_LOOP" getent-loop "$@" \
        >"$T/$v.dc" 2>&1
}

TOTAL=0
DIFFS=0
compare() {
    local v=$1 n d
    n=$(wc -l <"$T/$v.dns")
    d=$(diff "$T/$v.dns" "$T/$v.dc")
    TOTAL=$((TOTAL + n))
    if [ -z "$d" ] && [ "$n" -gt 0 ] && [ "$(wc -l <"$T/$v.dc")" = "$n" ]; then
        t_pass "$v: $n getent lookups, output and exit status identical"
    else
        DIFFS=$((DIFFS + $(printf '%s\n' "$d" | grep -c '^>')))
        t_fail "$v: $n getent lookups, output and exit status identical" "${d:0:6000}"
    fi
}

args=("${NAMES[@]}")
for a in "${ADDRS[@]}"; do args+=(-x "$a"); done
run_pair plain "$LAB/resolv.conf.plain" "$LAB/resolv.conf.dead" "${args[@]}"
compare plain
run_pair search "$T/plain.s1" "$T/dead.s1" "${SEARCH_NAMES[@]}"
compare search
run_pair domain-ndots2 "$T/plain.s2" "$T/dead.s2" "${SEARCH_NAMES[@]}"
compare domain-ndots2
lab_addrconfig v4
run_pair v4only "$LAB/resolv.conf.plain" "$LAB/resolv.conf.dead" \
    a4.lab.test a6.lab.test both.lab.test many.lab.test alias1.lab.test nx.lab.test
lab_addrconfig both
compare v4only
t_diag "differential: $TOTAL comparisons, $DIFFS differences"

# ---- the expected answers themselves (dnscrypt side) ----------------------
got() { awk -F '\t' -v k="$2" '$1 == k { print $2 }' "$T/$1.dc"; }
t_eq "getent ahosts a4" "$(got plain 'ahosts [a4.lab.test]')" \
    "exit=0: 127.20.0.1      STREAM a4.lab.test|127.20.0.1      DGRAM|127.20.0.1      RAW"
t_eq "getent hosts both (gethostbyname2 AF_INET6 first)" "$(got plain 'hosts [both.lab.test]')" \
    "exit=0: ::1             both.lab.test"
t_eq "getent ahostsv4 alias1: canonical name through the CNAME chain" \
    "$(got plain 'ahostsv4 [alias1.lab.test]')" \
    "exit=0: 127.20.0.2      STREAM both.lab.test|127.20.0.2      DGRAM|127.20.0.2      RAW"
t_eq "getent ahostsv6 a4: v4-mapped" "$(got plain 'ahostsv6 [a4.lab.test]')" \
    "exit=0: ::ffff:127.20.0.1 STREAM a4.lab.test|::ffff:127.20.0.1 DGRAM|::ffff:127.20.0.1 RAW"
t_eq "getent ahosts many: 100 addresses x 3 socket types" \
    "$(got plain 'ahosts [many.lab.test]' | tr '|' '\n' | wc -l)" 300
t_eq "getent hosts LONGNAME" "$(got plain "hosts [$LONGNAME]")" "exit=0: 127.20.0.7      $LONGNAME"
t_eq "getent hosts nx: exit 2" "$(got plain 'hosts [nx.lab.test]')" "exit=2: "
t_eq "getent ahosts nodata: exit 2" "$(got plain 'ahosts [nodata.lab.test]')" "exit=2: "
t_eq "getent hosts a..b.lab.test: exit 2" "$(got plain 'hosts [a..b.lab.test]')" "exit=2: "
t_match "getent hosts 127.20.0.2 (two PTRs: one of the names, no aliases)" \
    "$(got plain 'hosts [127.20.0.2]')" '^exit=0: 127\.20\.0\.2 +(both|alias-ptr)\.lab\.test$'
t_eq "getent hosts ::1" "$(got plain 'hosts [::1]')" "exit=0: ::1             a6.lab.test"
t_eq "getent hosts 127.20.0.80" "$(got plain 'hosts [127.20.0.80]')" "exit=0: 127.20.0.80     web.lab.test"
t_eq "getent hosts 127.20.0.99 (no PTR): exit 2" "$(got plain 'hosts [127.20.0.99]')" "exit=2: "
t_eq "search list: getent hosts a4" "$(got search 'hosts [a4]')" "exit=0: 127.20.0.1      a4.lab.test"
t_eq "v4-only host: getent ahosts both gives only the IPv4 address" \
    "$(got v4only 'ahosts [both.lab.test]')" \
    "exit=0: 127.20.0.2      STREAM both.lab.test|127.20.0.2      DGRAM|127.20.0.2      RAW"

# ---- getent -s hosts:dnscrypt (the machine's nsswitch.conf kept) ----------
out=$(with_nss - "$LAB/resolv.conf.dead" getent -s hosts:dnscrypt ahosts a4.lab.test)
t_eq "getent -s hosts:dnscrypt ahosts a4.lab.test" "$(printf '%s\n' "$out" | head -n 1 | sed 's/ *$//')" \
    "127.20.0.1      STREAM a4.lab.test"

t1=$EPOCHREALTIME
t_diag "t20 took $(( (${t1/./} - ${t0/./}) / 1000 )) ms"
t_done
