#!/bin/bash
# The main job on the embedded default: start a real DNSCrypt resolver
# (dnsdist, in front of an NSD authoritative server) on loopback in a
# private network namespace, resolve names through libnss_dnscrypt.so.2 the
# way every program on a host would, and show what an observer of the wire
# learns: with plain DNS the names, with nss-dnscrypt nothing but DNSCrypt
# packets (and the one certificate query the protocol needs).
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
printf 'server %s\ncert-cache none\n' "$STAMP_ES2" >"$NSS_DNSCRYPT_CONF"

observe() { # LABEL NSSWITCH RESOLV -> runs getent for every name under tcpdump
    local label=$1 nss=$2 resolv=$3 pcap=$LAB/$1.pcap pid
    tcpdump --immediate-mode -i lo -n -U -w "$pcap" \
        'host 127.0.0.53 or host 127.0.0.54' 2>"$pcap.err" & pid=$!
    for _ in $(seq 50); do grep -q listening "$pcap.err" && break; sleep 0.1; done
    echo "--- what the program gets ($label) ---"
    for n in "${NAMES[@]}"; do
        with_nss "$nss" "$resolv" getent hosts "$n" || echo "(no answer for $n)"
    done
    sleep 1
    kill -INT "$pid"; wait "$pid" 2>/dev/null || true
    echo "--- what an observer of the wire sees ($label) ---"
    tcpdump -n -r "$pcap" 2>/dev/null | sed -E 's/^[0-9:.]+ /  /' | head -24 || true
    echo
}

cat <<INTRO
nss-dnscrypt demo
=================
A DNSCrypt resolver (dnsdist 1.7) runs on 127.0.0.54:443 and, for the
comparison, the same dnsdist serves plain DNS on 127.0.0.53:53.  Server stamp:
  $STAMP_ES2

INTRO

observe "plain DNS, hosts: files dns" "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain"
observe "nss-dnscrypt, hosts: files dnscrypt" "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead"

echo "--- dnscrypt-resolve, the diagnostic tool ---"
"$B/dnscrypt-resolve" both.lab.test
"$B/dnscrypt-resolve" mx.lab.test MX
echo
echo "--- dnscrypt-run: one program (python3) without touching /etc ---"
with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.dead" \
    env DNSCRYPT_RUN_PRELOAD="$B/libdnscrypt-preload.so" "$B/dnscrypt-run" \
    python3 -c 'import socket; print("python3 resolved web.lab.test to", socket.gethostbyname("web.lab.test"))'
cat <<'OUTRO'

With plain DNS the observer reads every name ("A? a4.lab.test.").  With
nss-dnscrypt it sees one certificate query (TXT 2.dnscrypt-cert.lab.test,
which the protocol sends in clear) and then only encrypted UDP/TCP packets to
port 443.  Nothing listened on port 53 for the second run: resolv.conf
pointed at an address with no server, so nothing could have gone in clear.
OUTRO
