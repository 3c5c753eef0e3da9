#!/bin/bash
# SPDX-License-Identifier: ISC
# The main job on the embedded default: start a real DNSCrypt resolver
# (dnsdist, in front of an NSD authoritative server) on loopback in a
# private network namespace, resolve names through libnss_dnscrypt.so.2 the
# way every program on a host would, and show what an observer of the wire
# learns: with plain DNS the names, with nss-dnscrypt nothing but DNSCrypt
# packets.  The first process with an empty certificate cache sends the one
# certificate query the protocol needs (in clear); the certificate is then
# kept on disk (cert-cache, the default), and a second process sends
# nothing in clear at all.  Each capture is counted by the suite's own
# checker (tests/lab/pcapcheck.py).
#
#   make demo            (after scripts/install-deps.sh)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$REPO/$B ;; esac
export B REPO

if [ -z "${DC_DEMO_INNER:-}" ]; then
    export DC_DEMO_INNER=1
    exec "$REPO/tests/lab/shell.sh" bash "$0" "$@" 2>/dev/null
fi

# shellcheck source=../tests/integration/lib.sh
. "$REPO/tests/integration/lib.sh"
NAMES=(a4.lab.test both.lab.test alias1.lab.test mx.lab.test web.lab.test)
export NSS_DNSCRYPT_CONF=$LAB/demo.conf
CERT_CACHE=$LAB/demo-cert-cache        # empty: no process has run yet
mkdir -m 755 "$CERT_CACHE"
printf 'server %s\ncert-cache %s\n' "$STAMP_ES2" "$CERT_CACHE" >"$NSS_DNSCRYPT_CONF"

# observe N LABEL NSSWITCH RESOLV NAME...: getent hosts NAME, each in a
# new process, while tcpdump captures the loopback traffic to and from
# the two resolver addresses; then what the wire showed.
observe() {
    local n=$1 label=$2 nss=$3 resolv=$4 pcap=$LAB/demo$1.pcap pid name
    shift 4
    tcpdump --immediate-mode -i lo -n -U -w "$pcap" \
        'host 127.0.0.53 or host 127.0.0.54' 2>"$pcap.err" & pid=$!
    for _ in $(seq 100); do grep -q listening "$pcap.err" && break; sleep 0.1; done
    echo "--- what the program gets ($label) ---"
    for name in "$@"; do
        with_nss "$nss" "$resolv" getent hosts "$name" || echo "(no answer for $name)"
    done
    sleep 1
    kill -INT "$pid"; wait "$pid" 2>/dev/null || true
    echo "--- what an observer of the wire sees ($label) ---"
    tcpdump -n -r "$pcap" 2>/dev/null | sed -E 's/^[0-9:.]+ /  /' | head -16 || true
    count "$pcap"
    echo
}

# count PCAP: the packets, and what the DNSCrypt listener was sent.
count() {
    local total c
    total=$(tcpdump -n -r "$1" 2>/dev/null | wc -l)
    # the resolver's certificates tell its client magics (pcapcheck.py)
    c=$(python3 "$REPO/tests/lab/pcapcheck.py" "$1" "$PROVIDER_NAME" 127.0.0.54:443 \
            "$LAB"/dnscrypt/*.cert 2>/dev/null |
        awk '$1 ~ /^(cert|leak|dnscrypt|other)$/ { printf "%s=%s ", $1, $2 }')
    echo "  => $total packets; sent to the DNSCrypt resolver: ${c:-nothing}"
    echo "     (cert: certificate queries in clear; leak: other queries in clear;"
    echo "      dnscrypt: encrypted queries; other: anything else)"
}

cat <<INTRO
nss-dnscrypt demo
=================
A DNSCrypt resolver (dnsdist 1.7) runs on 127.0.0.54:443 and, for the
comparison, the same dnsdist serves plain DNS on 127.0.0.53:53.  Server stamp:
  $STAMP_ES2

INTRO

observe 1 "plain DNS, hosts: files dns" "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" \
    "${NAMES[@]}"
echo "=== nss-dnscrypt, hosts: files dnscrypt; certificate cache: $(ls -A "$CERT_CACHE" | wc -l) files ==="
echo
observe 2 "nss-dnscrypt, first process, empty certificate cache" \
    "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" "${NAMES[0]}"
echo "=== the certificate cache now holds: $(ls "$CERT_CACHE" | tr '\n' ' ')==="
echo
observe 3 "nss-dnscrypt, $((${#NAMES[@]} - 1)) more processes, certificate cache warm" \
    "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" "${NAMES[@]:1}"

echo "--- dnscrypt-resolve, the diagnostic tool ---"
"$B/dnscrypt-resolve" both.lab.test
"$B/dnscrypt-resolve" mx.lab.test MX
echo
echo "--- DNSSEC validated in the process (dnssec validate, the lab's signed zones) ---"
printf 'server %s\ncert-cache %s\ndnssec validate\ntrust-anchor %s\n' \
    "$STAMP_SEC" "$CERT_CACHE" "$SEC_ANCHOR" >"$LAB/demo-sec.conf"
"$B/dnscrypt-resolve" -c "$LAB/demo-sec.conf" a4.lab.test A
echo "(a zone whose signatures have expired: the answer is refused, with the reason)"
"$B/dnscrypt-resolve" -c "$LAB/demo-sec.conf" a.expired.test A 2>&1 || echo ";; exit status $?"
echo
echo "--- dnscrypt-run: one program (python3) without touching /etc ---"
with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.dead" \
    "$B/dnscrypt-run" \
    python3 -c 'import socket; print("python3 resolved web.lab.test to", socket.gethostbyname("web.lab.test"))'
cat <<'OUTRO'

With plain DNS the observer reads every name ("A? a4.lab.test.").  With
nss-dnscrypt, the first process ever (empty certificate cache) sends one
certificate query (TXT 2.dnscrypt-cert.lab.test, which the protocol sends in
clear: it names the resolver, not what you look up) and its lookups
encrypted; it keeps the certificate on disk (cert-cache, by default
/var/cache/nss-dnscrypt), so every later process sends nothing in clear at
all until the certificate expires.  Nothing listened on port 53 for the
nss-dnscrypt runs: resolv.conf pointed at an address with no server, so
nothing could have gone in clear.
OUTRO
