#!/bin/bash
# SPDX-License-Identifier: ISC
# dnscrypt-resolve against the real dnsdist DNSCrypt listeners (es-version 1
# and 2, IPv4 and IPv6, UDP and TCP): every test name gives the same
# records as plain DNS through the same dnsdist, and the failures a user
# can meet (wrong provider key, dead server, bad configuration) give a
# clear error within the configured budget.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

RESOLVE=$B/dnscrypt-resolve
DIG=(dig +time=2 +tries=2 +tcp)
T=$(lab_tmp t10)

# name:type pairs; CNAME chains show up as in dig +short (chain, then data).
CASES="a4:A a4:AAAA a6:AAAA a6:A both:A both:AAAA two4:A many:A many:AAAA
many4:A alias1:A alias1:AAAA alias2:A cname-ext:A mx:MX mail:A txt:TXT
_sip._udp:SRV sip:A nodata:A nodata:TXT web:A bench-42:A bench-4999:AAAA
nx:A big16k:TXT big59k:TXT aaaa400:AAAA a4300:A a4300:AAAA"

conf() { # NAME STAMP [EXTRA LINES...]
    local f=$T/$1.conf stamp=$2
    shift 2
    { echo "server $stamp"; echo "cert-cache none"; printf '%s\n' "$@"; } >"$f"
    echo "$f"
}

check_listener() { # LABEL CONF
    local label=$1 cf=$2 n=0 bad=0 c name type want got
    for c in $CASES "$LONGNAME:A"; do
        name=${c%:*}
        [[ $name == *.lab.test ]] || name=$name.lab.test
        type=${c##*:}
        want=$("${DIG[@]}" +short @"$PLAIN_DNS" "$name" "$type" | sort)
        got=$(NSS_DNSCRYPT_CONF=$cf "$RESOLVE" --short "$name" "$type" 2>"$T/err" | sort)
        n=$((n + 1))
        if [ "$got" != "$want" ]; then
            bad=$((bad + 1))
            t_diag "$label $name $type: got [$got] want [$want]; stderr: $(head -c 600 "$T/err")"
        fi
    done
    t_eq "$label: $n name/type pairs give the records of plain DNS" "$bad" 0
}

C_ES2=$(conf es2 "$STAMP_ES2")
C_ES1=$(conf es1 "$STAMP_ES1")
C_V6=$(conf v6 "$STAMP_V6")
C_BOTH=$(conf both "$STAMP_BOTH")
C_ES2T=$(conf es2tcp "$STAMP_ES2" "tcp-only yes")
C_ES1T=$(conf es1tcp "$STAMP_ES1" "tcp-only yes")
C_V6T=$(conf v6tcp "$STAMP_V6" "tcp-only yes")

check_listener "es2 UDP" "$C_ES2"
check_listener "es1 UDP" "$C_ES1"
check_listener "es2 IPv6 UDP" "$C_V6"
check_listener "es2 TCP" "$C_ES2T"
check_listener "es1 TCP" "$C_ES1T"
check_listener "es2 IPv6 TCP" "$C_V6T"

# What the tool says about the server and its certificate.
out=$(NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" a4.lab.test)
t_match "es2: shows the server and es-version 2" "$out" \
    ';; server 127\.0\.0\.54:443 \(2\.dnscrypt-cert\.lab\.test\), certificate serial 1, es-version 2'
out=$(NSS_DNSCRYPT_CONF=$C_ES1 "$RESOLVE" a4.lab.test)
t_match "es1: shows es-version 1" "$out" 'certificate serial 1, es-version 1 '
out=$(NSS_DNSCRYPT_CONF=$C_BOTH "$RESOLVE" a4.lab.test)
t_match "a listener with es1 and es2 certificates of one serial: es2 chosen" "$out" 'es-version 2 '
out=$(NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" both.lab.test)
t_eq "A and AAAA for AF_UNSPEC, A first" "$(grep -v '^;;' <<<"$out")" \
    "$(printf '127.20.0.2\tboth.lab.test\n::1\tboth.lab.test')"
out=$(NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" -4 many.lab.test | grep -c '^127\.21\.')
t_eq "-4 many.lab.test: 50 addresses (truncated over UDP, then TCP)" "$out" 50
out=$(NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" -q -x 127.20.0.1)
t_eq "reverse 127.20.0.1" "$out" "$(printf '127.20.0.1\ta4.lab.test')"
out=$(NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" -q -x ::1)
t_eq "reverse ::1" "$out" "$(printf '::1\ta6.lab.test')"
out=$(NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" --server "$STAMP_ES1" a4.lab.test)
t_match "--server replaces the file's servers" "$out" 'server 127\.0\.0\.55:443'

# Exit codes and messages.
rc=0; err=$(NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" nx.lab.test 2>&1 >/dev/null) || rc=$?
t_eq "NXDOMAIN: exit 1" "$rc" 1
t_match "NXDOMAIN: says so" "$err" 'nx\.lab\.test: name does not exist \(NXDOMAIN\)'
rc=0; NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" nodata.lab.test >/dev/null 2>&1 || rc=$?
t_eq "NODATA: exit 1" "$rc" 1

# Wrong provider key: same listener, another key in the stamp.
WRONG=$(python3 - "$STAMP_ES2" <<'PY'
import base64, sys
s = sys.argv[1][7:]
b = bytearray(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
al = b[9]
b[9 + 1 + al + 1] ^= 1          # first byte of the provider public key
print("sdns://" + base64.urlsafe_b64encode(bytes(b)).decode().rstrip("="))
PY
)
C_WRONG=$(conf wrong "$WRONG" "total-timeout 3000")
start=$(date +%s%N); rc=0
err=$(NSS_DNSCRYPT_CONF=$C_WRONG "$RESOLVE" a4.lab.test 2>&1 >/dev/null) || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
t_eq "wrong provider key: exit 2 (a failure, not 'not found')" "$rc" 2
t_match "wrong provider key: explains the certificate" "$err" \
    'server 127\.0\.0\.54:443 \(2\.dnscrypt-cert\.lab\.test\): no valid DNSCrypt certificate.*bad signature'
t_ok "wrong provider key: fails within total-timeout (${ms} ms < 3000 + $SLACK_MS)" \
    test "$ms" -lt $((3000 + SLACK_MS))

# A server that does not run: nothing listens on 127.0.0.99:443.
DEAD=$(python3 - "$STAMP_ES2" <<'PY'
import base64, sys
s = sys.argv[1][7:]
b = bytes(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))
al = b[9]
addr = b"127.0.0.99:443"
n = b[:9] + bytes([len(addr)]) + addr + b[10 + al:]
print("sdns://" + base64.urlsafe_b64encode(n).decode().rstrip("="))
PY
)
C_DEAD=$(conf dead "$DEAD" "total-timeout 2000" "timeout 300")
start=$(date +%s%N); rc=0
err=$(NSS_DNSCRYPT_CONF=$C_DEAD "$RESOLVE" a4.lab.test 2>&1 >/dev/null) || rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
t_eq "dead server: exit 2" "$rc" 2
t_match "dead server: names the server" "$err" 'server 127\.0\.0\.99:443'
t_ok "dead server: within the 2 s budget (${ms} ms < 2000 + $SLACK_MS)" \
    test "$ms" -lt $((2000 + SLACK_MS))

# Configuration errors name the file and line.
printf 'server sdns://AAAA\n' >"$T/bad.conf"
rc=0; err=$(NSS_DNSCRYPT_CONF=$T/bad.conf "$RESOLVE" a4.lab.test 2>&1) || rc=$?
t_eq "bad stamp in config: exit 2 (lookups fail closed)" "$rc" 2
t_match "bad stamp in config: file and line" "$err" "$T/bad.conf:1: stamp: "
rc=0; err=$(NSS_DNSCRYPT_CONF=$T/none.conf "$RESOLVE" a4.lab.test 2>&1) || rc=$?
t_eq "missing config: exit 3" "$rc" 3
rc=0; out=$(NSS_DNSCRYPT_CONF=$C_ES2 "$RESOLVE" --check-config --offline 2>&1) || rc=$?
t_eq "--check-config --offline on a good file" "$rc:$out" "0:configuration ok: 1 server(s)"
rc=0; "$RESOLVE" >/dev/null 2>&1 || rc=$?
t_eq "no name: usage error 64" "$rc" 64

t_done
