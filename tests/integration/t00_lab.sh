#!/bin/bash
# SPDX-License-Identifier: ISC
# The test lab itself: every server answers what the other tests expect.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

DIG=(dig +time=2 +tries=1)
LABTOOL=$REPO/tests/lab/labtool.py

t_eq "NSD answers A a4.lab.test" \
    "$("${DIG[@]}" +short @"$AUTH_DNS" a4.lab.test A)" 127.20.0.1
t_eq "dnsdist (plain) answers A a4.lab.test" \
    "$("${DIG[@]}" +short @"$PLAIN_DNS" a4.lab.test A)" 127.20.0.1
t_eq "dnsdist (plain) answers AAAA both.lab.test" \
    "$("${DIG[@]}" +short @"$PLAIN_DNS" both.lab.test AAAA)" ::1

out=$("${DIG[@]}" +noedns +ignore @"$PLAIN_DNS" many.lab.test A)
t_match "many.lab.test over UDP without EDNS is truncated" "$out" 'flags:[a-z ]* tc[ ;]'
t_eq "many.lab.test over TCP has 50 A records" \
    "$("${DIG[@]}" +tcp +short @"$PLAIN_DNS" many.lab.test A | grep -c '^127\.21\.0\.')" 50
t_eq "many.lab.test over TCP has 50 AAAA records" \
    "$("${DIG[@]}" +tcp +short @"$PLAIN_DNS" many.lab.test AAAA | grep -c '^::ffff:127\.21\.0\.')" 50
out=$("${DIG[@]}" +noedns +ignore @"$PLAIN_DNS" txt.lab.test TXT)
t_match "txt.lab.test over UDP without EDNS is truncated" "$out" 'flags:[a-z ]* tc[ ;]'

t_eq "LONGNAME is 253 characters" "${#LONGNAME}" 253
t_eq "LONGNAME resolves" "$("${DIG[@]}" +short @"$PLAIN_DNS" "$LONGNAME" A)" 127.20.0.7
t_eq "alias1 is a CNAME chain to both" \
    "$("${DIG[@]}" +short @"$PLAIN_DNS" alias1.lab.test A | tr '\n' ' ')" \
    "alias2.lab.test. both.lab.test. 127.20.0.2 "
t_eq "127.20.0.2 has two PTR records" \
    "$("${DIG[@]}" +short @"$PLAIN_DNS" -x 127.20.0.2 | sort | tr '\n' ' ')" \
    "alias-ptr.lab.test. both.lab.test. "
t_eq "::1 has a PTR record" "$("${DIG[@]}" +short @"$PLAIN_DNS" -x ::1)" a6.lab.test.
t_eq "bench-4999 has A 127.22.19.250" \
    "$("${DIG[@]}" +short @"$PLAIN_DNS" bench-4999.lab.test A)" 127.22.19.250
t_eq "nodata.lab.test: NOERROR, no A record" \
    "$("${DIG[@]}" @"$PLAIN_DNS" nodata.lab.test A | grep -Eo 'status: [A-Z]+|ANSWER: [0-9]+' | tr '\n' ' ')" \
    "status: NOERROR ANSWER: 0 "
t_eq "nx.lab.test: NXDOMAIN" \
    "$("${DIG[@]}" @"$PLAIN_DNS" nx.lab.test A | grep -Eo 'status: [A-Z]+')" "status: NXDOMAIN"

# Certificates on each DNSCrypt listener.
declare -A want_es=([127.0.0.54:443]=2 [127.0.0.55:443]=1 [127.0.0.56:443]="1 2" ['[::1]:8443']=2)
for l in $DNSCRYPT_LISTENERS; do
    host=${l%:*}
    host=${host#[}
    host=${host%]}
    certs=$(python3 "$LABTOOL" certs "$host" "${l##*:}" "$PROVIDER_NAME" 2>&1)
    good=0
    while read -r c; do
        [ ${#c} -ge 248 ] && [ "${c:0:8}" = 444e5343 ] && good=$((good + 1))
    done <<<"$certs"
    if [ "$good" -ge 1 ]; then
        t_pass "$l answers the certificate query ($good certificate(s))"
    else
        t_fail "$l answers the certificate query" "$certs"
    fi
    # shellcheck disable=SC2086
    es=$(python3 "$LABTOOL" certinfo $certs 2>/dev/null | sed -n 's/^es=\([0-9]*\) .*/\1/p' | sort | tr '\n' ' ')
    t_eq "$l serves es-version ${want_es[$l]}" "$es" "${want_es[$l]} "
done

# Real DNSCrypt exchanges with an independent client (tests/lab/dcclient.py).
dc() { python3 "$REPO/tests/lab/dcclient.py" "$@" 2>&1; }
for l in $DNSCRYPT_LISTENERS; do
    host=${l%:*}
    host=${host#[}
    host=${host%]}
    t_match "DNSCrypt over UDP via $l: A a4.lab.test" \
        "$(dc "$host" "${l##*:}" "$PROVIDER_PK_HEX" "$PROVIDER_NAME" a4.lab.test A)" \
        $'rcode NOERROR\ntc 0\na4\\.lab\\.test\\. A 127\\.20\\.0\\.1$'
done
t_match "DNSCrypt es 1 via 127.0.0.56:443 (both certificates)" \
    "$(dc --es 1 127.0.0.56 443 "$PROVIDER_PK_HEX" "$PROVIDER_NAME" both.lab.test AAAA)" \
    'both\.lab\.test\. AAAA ::1'
t_match "DNSCrypt over UDP with a 256-byte query: many.lab.test is truncated" \
    "$(dc --size 256 127.0.0.54 443 "$PROVIDER_PK_HEX" "$PROVIDER_NAME" many.lab.test A)" \
    $'rcode NOERROR\ntc 1'
t_eq "DNSCrypt over TCP (es 2): 50 A records for many.lab.test" \
    "$(dc --tcp 127.0.0.54 443 "$PROVIDER_PK_HEX" "$PROVIDER_NAME" many.lab.test A | grep -c ' A 127\.21\.0\.')" 50
t_eq "DNSCrypt over TCP (es 1): 50 AAAA records for many.lab.test" \
    "$(dc --tcp 127.0.0.55 443 "$PROVIDER_PK_HEX" "$PROVIDER_NAME" many.lab.test AAAA | grep -c ' AAAA ::ffff:127\.21\.0\.')" 50
t_match "DNSCrypt over TCP via [::1]:8443: TXT txt.lab.test" \
    "$(dc --tcp ::1 8443 "$PROVIDER_PK_HEX" "$PROVIDER_NAME" txt.lab.test TXT)" 'TXT "hello"'
t_match "DNSCrypt: NXDOMAIN for nx.lab.test" \
    "$(dc 127.0.0.54 443 "$PROVIDER_PK_HEX" "$PROVIDER_NAME" nx.lab.test A)" '^rcode NXDOMAIN'
t_fails "DNSCrypt client rejects certificates signed by another key" \
    python3 "$REPO/tests/lab/dcclient.py" 127.0.0.54 443 "$(printf '%064d' 0)" "$PROVIDER_NAME" a4.lab.test

# The stamps carry the provider key and name.
t_ok "STAMP_ES2 decodes to the provider key and name" python3 -c '
import base64, sys
s, pk, name = sys.argv[1][7:], sys.argv[2], sys.argv[3]
b = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
assert b[0] == 1 and b[1:9] == bytes([7, 0, 0, 0, 0, 0, 0, 0]), b[:9]
n = b[9]; addr = b[10:10 + n]; o = 10 + n
assert addr == b"127.0.0.54:443", addr
assert b[o] == 32 and b[o + 1:o + 33].hex() == pk
o += 33
assert b[o] == len(name) and b[o + 1:].decode() == name
' "$STAMP_ES2" "$PROVIDER_PK_HEX" "$PROVIDER_NAME"

# glibc's own DNS client through the lab (with_nss).
out=$(with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" \
    getent -s hosts:dns ahosts a4.lab.test 2>&1)
t_match "getent -s hosts:dns ahosts a4.lab.test (nss_dns via with_nss)" "$out" '^127\.20\.0\.1 +STREAM a4\.lab\.test'
out=$(with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" getent ahostsv4 both.lab.test 2>&1)
t_match "getent ahostsv4 both.lab.test with nsswitch.conf.dns" "$out" '^127\.20\.0\.2 +STREAM both\.lab\.test'
t_ok "with_nss: /etc/nsswitch.conf is the lab's inside" \
    with_nss "$LAB/nsswitch.conf.dnscrypt" - grep -qx 'hosts: files dnscrypt' /etc/nsswitch.conf
t_ok "with_nss: the real /etc/nsswitch.conf is untouched outside" \
    bash -c '! grep -qx "hosts: files dnscrypt" /etc/nsswitch.conf'

t_match "dnsdist console works" "$(lab_console 'showDNSCryptBinds()' 2>&1)" '127\.0\.0\.54:443'

t_done
