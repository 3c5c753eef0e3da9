#!/bin/bash
# SPDX-License-Identifier: ISC
# The signed DNSSEC lab (tests/lab/labsec.sh) is right, independently of
# our code: for every case of tests/lab/dnssec-cases, bind's validator
# (delv, with the lab's root key as its only trust anchor) gives the
# expected state and answer, and the server gives the case's data with
# checking disabled (dig +cd: what "dnssec no" must give).  The dnssec-alter
# and dnssec-strip cases go through tests/lab/hostile.py with plain=1 (plain
# DNS, for delv; not DNSCrypt listeners, so not in extra-listeners).  Then
# glibc's nss_dns through the signed lab's plain listener answers the
# secure and insecure names as the table says: the baseline of t81's
# differential.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

CASES=${SEC_CASES:-$REPO/tests/lab/dnssec-cases}
DIG=(dig +time=2 +tries=2)
T=$(lab_tmp t80)

# ---- the lab's structure ---------------------------------------------------
t_ok "the trust anchor is the root's key as served" \
    bash -c "dig +time=2 +short @$SEC_PLAIN . DNSKEY | tr -d ' ' |
        grep -qxF \"\$(awk '{print \$4 \$5 \$6 \$7}' '$SEC_ANCHOR')\""
t_eq "root.ds is the anchor's DS (ldns-key2ds)" \
    "$(cd "$T" && ldns-key2ds -n -2 "$SEC_ANCHOR" | awk '{print $(NF-3), $(NF-2), $(NF-1), $NF}')" \
    "$(awk '{print $(NF-3), $(NF-2), $(NF-1), $NF}' "$LAB/dnssec/root.ds")"
algs=$(for z in . test lab.test n3.test rsa.test rsa512.test p384.test; do
    "${DIG[@]}" +short @"$SEC_PLAIN" "$z" DNSKEY | awk '{print $3}'
done | sort -n | uniq | tr '\n' ' ')
t_eq "DNSKEY algorithms 8 10 13 14 15 are all in the chain" "$algs" "8 10 13 14 15 "
t_match "n3.test. is NSEC3 without opt-out (NSEC3PARAM 1 0 0 -)" \
    "$("${DIG[@]}" +short @"$SEC_PLAIN" n3.test NSEC3PARAM)" '^1 0 0 -'
t_match "lab.test. is NSEC" "$("${DIG[@]}" +dnssec @"$SEC_PLAIN" nx.lab.test A)" \
    $'\tNSEC\t'
t_eq "insecure.test. has no DS (NOERROR, no answer)" \
    "$("${DIG[@]}" @"$SEC_PLAIN" insecure.test DS | grep -Eo 'status: [A-Z]+|ANSWER: [0-9]+' | tr '\n' ' ')" \
    "status: NOERROR ANSWER: 0 "
t_eq "unsupported.test.'s only DS has algorithm 100" \
    "$("${DIG[@]}" +short @"$SEC_PLAIN" unsupported.test DS | awk '{print $2}')" 100
t_eq "the first lab still refuses the signed lab's names (no root there)" \
    "$("${DIG[@]}" @"$PLAIN_DNS" a.n3.test A | grep -Eo 'status: [A-Z]+')" "status: REFUSED"
t_eq "the first lab's a4.lab.test is the signed lab's" \
    "$("${DIG[@]}" +short @"$PLAIN_DNS" a4.lab.test A)" \
    "$("${DIG[@]}" +short @"$SEC_PLAIN" a4.lab.test A)"
out=$(python3 "$REPO/tests/lab/dcclient.py" "${SEC_LISTENER%:*}" "${SEC_LISTENER##*:}" \
    "$PROVIDER_PK_HEX" "$PROVIDER_NAME" a.n3.test A 2>&1)
t_match "the DNSCrypt listener $SEC_LISTENER serves the signed zones" "$out" \
    'a\.n3\.test\. A 127\.20\.3\.1'
t_match "sec.conf names the listener and the anchor" "$(cat "$LAB/sec.conf")" \
    "^server $STAMP_SEC"$'\n'"cert-cache none"$'\n'"dnssec validate"$'\n'"trust-anchor $SEC_ANCHOR"

# ---- hostile.py: dnssec-alter and dnssec-strip, in plain DNS for delv -------
declare -A SERVER=([lab]=$SEC_PLAIN [alter]=127.0.80.1 [strip]=127.0.80.2)
python3 "$REPO/tests/lab/hostile.py" --info "$T/info" --log "$T/hostile.log" \
    --provider "$PROVIDER_NAME" --upstream "$SEC_AUTH:53" \
    "dnssec-alter,plain=1@${SERVER[alter]}:53" "dnssec-strip,plain=1@${SERVER[strip]}:53" \
    >"$T/hostile.out" 2>&1 &
lab_pid $! python3
HPID=$!
if ! lab_wait test -s "$T/info"; then
    t_fail "hostile.py dnssec-alter/dnssec-strip started" "$(cat "$T/hostile.out")"
    t_done
fi
t_pass "hostile.py dnssec-alter/dnssec-strip started"
out=$("${DIG[@]}" +dnssec @"${SERVER[alter]}" a4.lab.test A)
t_match "dnssec-alter: A 127.20.0.2 with its RRSIG" "$out" \
    $'a4\\.lab\\.test\\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+127\\.20\\.0\\.2\n.*RRSIG'
out=$("${DIG[@]}" +dnssec @"${SERVER[strip]}" nx.lab.test A)
if [[ $out == *NXDOMAIN* ]] && ! grep -Eq $'\t(RRSIG|NSEC|NSEC3|DS|DNSKEY)\t' <<<"$out"; then
    t_pass "dnssec-strip: NXDOMAIN without RRSIG or NSEC"
else
    t_fail "dnssec-strip: NXDOMAIN without RRSIG or NSEC" "$out"
fi

# ---- every case: delv's state and answer, the server's data -----------------
# records TYPE < dig/delv output: the rdata of the TYPE records, in order,
# comma-separated; NXDOMAIN or NODATA when there are none
records() {
    awk -v t="$1" '
        /status: NXDOMAIN|;-\$NXDOMAIN/ { nx = 1 }
        /^[^;]/ && $4 == t { out = out (out == "" ? "" : ",") $5 }
        END { if (out != "") print out; else if (nx) print "NXDOMAIN"; else print "NODATA" }'
}
ncase=0
while read -r name type via state gives data; do
    case $name in '' | '#'*) continue ;; esac
    ncase=$((ncase + 1))
    srv=${SERVER[$via]}
    out=$(delv -a "$SEC_BIND_KEYS" @"$srv" "$name" "$type" 2>&1)
    case $state in
        secure) want='^; (negative response, )?fully validated' ;;
        insecure) want='^; (negative response, )?unsigned answer' ;;
        bogus) want='^;; resolution failed: ' ;;
    esac
    got_state=no
    if grep -Eq "$want" <<<"$out"; then
        got_state=yes
        if [ "$state" = bogus ] &&
           grep -Eq '^;; resolution failed: ncache|^; (negative response, )?(fully validated|unsigned answer)' <<<"$out"; then
            got_state=no
        fi
    fi
    if [ "$got_state" = yes ]; then
        t_pass "delv: $name $type via $via is $state"
    else
        t_fail "delv: $name $type via $via is $state" "$out"
    fi
    if [ "$state" != bogus ]; then
        t_eq "delv: $name $type via $via gives $gives" "$(records "$type" <<<"$out")" "$gives"
    fi
    t_eq "dig +cd: $name $type via $via answers $data" \
        "$("${DIG[@]}" +cd +dnssec @"$srv" "$name" "$type" | records "$type")" "$data"
done <"$CASES"
t_match "the case table has cases" "$ncase" '^[1-9][0-9]+$'

# ---- glibc nss_dns through the signed lab: the secure and insecure names ----
while read -r name type via state gives data; do
    case $name in '' | '#'*) continue ;; esac
    if [ "$via" != lab ] || [ "$state" = bogus ]; then continue; fi
    case $type in
        A) out=$(with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.sec" getent ahostsv4 "$name")
           rc=$? ;;
        AAAA) out=$(with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.sec" getent ahostsv6 "$name")
           rc=$? ;;
        PTR) addr=$(awk -F. '{print $4 "." $3 "." $2 "." $1}' <<<"$name")
             out=$(with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.sec" getent hosts "$addr")
             t_eq "nss_dns: gethostbyaddr $addr gives $gives" "$(awk '{print $2 "."}' <<<"$out")" "$gives"
             continue ;;
    esac
    case $gives in
        NXDOMAIN | NODATA) t_eq "nss_dns: $name $type: not found (getent exit 2)" "$rc" 2 ;;
        *) t_eq "nss_dns: $name $type gives $gives" \
               "$(awk '$2 == "STREAM" {print $1}' <<<"$out" | paste -sd,)" "$gives" ;;
    esac
done <"$CASES"

kill "$HPID" 2>/dev/null
t_done
