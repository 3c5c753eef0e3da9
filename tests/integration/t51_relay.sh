#!/bin/bash
# SPDX-License-Identifier: ISC
# Anonymized DNSCrypt (README "Relays"): lookups through the test relay
# (tests/lab/relay.py) over UDP and TCP; a capture shows that every packet
# to the relay carries the relay header and that nothing - certificate
# query included - goes from the client straight to the server; a relay
# that refuses the target, one that refuses certificate queries (with and
# without direct-cert-fallback), and a route with a refusing relay first.
#
#   R1 127.0.51.1:443  allows 127.0.0.54:443 (dnsdist es2) and [::1]:8443 (v6)
#   R2 127.0.51.2:443  allows 127.0.0.55:443 only: refuses our server
#   R3 127.0.51.3:443  allows 127.0.0.54:443 but no certificate query
# About 5 s.
# shellcheck disable=SC2317  # functions called through the trap
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

RESOLVE=$B/dnscrypt-resolve
T=$(lab_tmp t51)
SERVER=127.0.0.54

declare -A LISTEN=([R1]=127.0.51.1:443 [R2]=127.0.51.2:443 [R3]=127.0.51.3:443)
declare -A ARGS=([R1]="--allow 127.0.0.54:443 --allow [::1]:8443"
                 [R2]="--allow 127.0.0.55:443"
                 [R3]="--allow 127.0.0.54:443 --no-cert")
declare -A PID RSTAMP
for r in R1 R2 R3; do
    # shellcheck disable=SC2086  # ARGS are words
    python3 "$REPO/tests/lab/relay.py" --info "$T/info.$r" --log "$T/$r.log" \
        ${ARGS[$r]} "${LISTEN[$r]}" >"$T/relay.$r.out" 2>&1 &
    PID[$r]=$!
    lab_pid "$!" python3
done
stop_relays() {
    local p
    for p in "${PID[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PID[@]}"; do wait "$p" 2>/dev/null; done
}
trap stop_relays EXIT
for r in R1 R2 R3; do
    lab_wait test -s "$T/info.$r"
    if [ ! -s "$T/info.$r" ]; then
        t_fail "relay.py $r starts" "$(cat "$T/relay.$r.out")"
        t_done
    fi
    read -r _ RSTAMP[$r] <"$T/info.$r"
done
t_pass "three test relays on 127.0.51.1-3:443 (UDP and TCP)"

# conf NAME SERVER_STAMP "RELAY..." EXTRA...: one server, named "s", routed
# through the relays (only those are defined: a relay no route uses is a
# configuration error)
conf() {
    local f=$T/$1.conf server=$2 route=$3 r
    shift 3
    {
        echo "server s $server"
        for r in $route; do echo "relay $r ${RSTAMP[$r]}"; done
        echo "route s $route"
        echo "cert-cache none"
        echo "cache no"
        echo "search none"
        echo "timeout 1000"      # python relays on a loaded machine
        echo "attempts 2"
        echo "total-timeout 6000"
        for r in "$@"; do echo "$r"; done
    } >"$f"
    echo "$f"
}
lines() { grep -c -- "$2" "$T/$1.log" 2>/dev/null; }
# capture's filter (lib.sh): CMD's packets to/from the relays and servers
CAP='host 127.0.0.54 or host 127.0.0.55 or net 127.0.51.0/24 or port 8443'
# analyse PCAP: what went to the relays and to the server (key value lines)
analyse() {
    python3 - "$1" <<'EOF'
import ipaddress, struct, sys
sys.path.insert(0, __import__("os").environ["REPO"] + "/tests/lab")
import pcapcheck
MAGIC = b"\xff" * 8 + b"\x00\x00"
RELAYS = {("127.0.51.%d" % i, 443) for i in (1, 2, 3)}
SERVER = ("127.0.0.54", 443)
st = {"udp_to_relay": 0, "udp_to_relay_hdr": 0, "tcp_to_relay": 0,
      "tcp_to_relay_hdr": 0, "to_server_from_relay": 0, "to_server_from_client": 0,
      "min_udp_to_relay": 99999, "client_cert_to_server": 0,
      "client_other_to_server": 0}
targets = set()
streams = {}
linktype, frames = pcapcheck.read_pcap(sys.argv[1])
def header(p):
    if p[:10] != MAGIC or len(p) < 28:
        return False
    ip = ipaddress.IPv6Address(p[10:26])
    host = str(ip.ipv4_mapped or ip)
    targets.add("%s:%d" % (host, struct.unpack(">H", p[26:28])[0]))
    return True
for fr in frames:
    x = pcapcheck.l3(linktype, fr)
    y = pcapcheck.l4(*x) if x else None
    if not y:
        continue
    proto, src, dst, body, _ = y
    if proto not in (6, 17) or len(body) < 8:
        continue
    sport, dport = struct.unpack(">HH", body[:4])
    if (dst, dport) == SERVER:
        relayed = src.startswith("127.0.51.")
        st["to_server_from_relay" if relayed else "to_server_from_client"] += 1
        if not relayed and proto == 17:
            try:
                m = pcapcheck.labdns.parse(body[8:])
                cert = m["qd"][0][1] == pcapcheck.labdns.T_TXT and not m["qr"]
            except (ValueError, IndexError, KeyError):
                cert = False
            st["client_cert_to_server" if cert else "client_other_to_server"] += 1
    if (dst, dport) not in RELAYS:
        continue
    if proto == 17:
        st["udp_to_relay"] += 1
        st["udp_to_relay_hdr"] += header(body[8:])
        st["min_udp_to_relay"] = min(st["min_udp_to_relay"], len(body) - 8)
        continue
    seq = struct.unpack(">I", body[4:8])[0]
    flags, data = body[13], body[(body[12] >> 4) * 4:]
    s = streams.setdefault((src, sport, dst, dport), pcapcheck.Stream())
    if flags & 0x02:
        s.isn = seq
    else:
        s.add(seq, data)
for s in streams.values():
    frames_, _ = pcapcheck.split_frames(s.bytes()[0])
    for f in frames_:
        st["tcp_to_relay"] += 1
        st["tcp_to_relay_hdr"] += header(f)
for k, v in st.items():
    print(k, v)
print("targets", " ".join(sorted(targets)) or "-")
EOF
}
get() { sed -n "s/^$1 //p" <<<"$2"; }

# ---- 1. UDP through R1 ---------------------------------------------------------
CU=$(conf udp "$STAMP_ES2" R1)
capture "$T/udp.pcap" "$CAP" "$RESOLVE" -c "$CU" -4 a4.lab.test
t_match "through the relay over UDP: the lookup works" "$(cat "$T/udp.pcap.out")" '127\.20\.0\.1'
t_ok "... the relay forwarded the certificate query" grep -q "udp .* -> 127.0.0.54:443 .* kind=plain answer=" "$T/R1.log"
t_ok "... and the DNSCrypt query" grep -q "udp .* -> 127.0.0.54:443 .* kind=dnscrypt answer=" "$T/R1.log"
a=$(analyse "$T/udp.pcap")
t_diag "$(tr '\n' ' ' <<<"$a")"
t_ok "capture: datagrams to the relay" test "$(get udp_to_relay "$a")" -ge 2
t_eq "capture: every one starts with the relay header" "$(get udp_to_relay_hdr "$a")" "$(get udp_to_relay "$a")"
t_eq "capture: the header names the server, 127.0.0.54:443" "$(get targets "$a")" "127.0.0.54:443"
t_eq "capture: nothing from the client straight to the server" "$(get to_server_from_client "$a")" 0
t_ok "capture: the server got the packets from the relay" test "$(get to_server_from_relay "$a")" -ge 2
t_ok "capture: relayed datagrams are padded to udp-max (>= 1252 bytes), certificate query too" \
    test "$(get min_udp_to_relay "$a")" -ge 1252

out=$("$RESOLVE" -c "$CU" -4 many4.lab.test 2>&1)
t_eq "a 50-address answer fits through the relay (no TC)" "$(grep -c '^127\.21\.0\.' <<<"$out")" 50
out=$("$RESOLVE" -c "$CU" mx.lab.test MX 2>&1)
t_match "MX through the relay" "$out" 'mail2?\.lab\.test'

# An IPv6 server through the IPv4 relay.
CV=$(conf v6 "$STAMP_V6" R1)
out=$("$RESOLVE" -c "$CV" -6 a6.lab.test 2>&1)
t_match "an IPv6 server ([::1]:8443) through the IPv4 relay" "$out" '::1'
t_ok "... the relay forwarded to [::1]:8443" grep -q "udp .* -> \[::1\]:8443 .* kind=dnscrypt answer=" "$T/R1.log"

# ---- 2. TCP through R1 -----------------------------------------------------------
CT=$(conf tcp "$STAMP_ES2" R1 "tcp-only yes")
capture "$T/tcp.pcap" "$CAP" "$RESOLVE" -c "$CT" both.lab.test
t_match "through the relay over TCP (tcp-only): the lookup works" "$(cat "$T/tcp.pcap.out")" '127\.20\.0\.2'
t_ok "... the relay got the DNSCrypt queries over TCP" grep -q "tcp .* -> 127.0.0.54:443 .* kind=dnscrypt answer=" "$T/R1.log"
a=$(analyse "$T/tcp.pcap")
t_diag "$(tr '\n' ' ' <<<"$a")"
t_ok "capture: TCP messages to the relay" test "$(get tcp_to_relay "$a")" -ge 2
t_eq "capture: every one starts with the relay header" "$(get tcp_to_relay_hdr "$a")" "$(get tcp_to_relay "$a")"
t_eq "capture: nothing from the client straight to the server" "$(get to_server_from_client "$a")" 0

# Through the NSS module.
out=$(NSS_DNSCRYPT_CONF=$CU with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
      getent ahosts both.lab.test 2>&1)
t_match "getent through the module and the relay" "$out" '127\.20\.0\.2 '

# ---- 3. a relay that refuses the target --------------------------------------
CR=$(conf refused "$STAMP_ES2" R2)
s0=${EPOCHREALTIME/[.,]/}
capture "$T/refused.pcap" "$CAP" "$RESOLVE" -c "$CR" -4 a4.lab.test
ms=$(((${EPOCHREALTIME/[.,]/} - s0) / 1000))
t_eq "relay refusing the target: the lookup fails (exit 2)" "$(cat "$T/refused.pcap.rc")" 2
t_ok "... the relay logged its refusal" grep -q "refused: target 127.0.0.54:443 not allowed" "$T/R2.log"
a=$(analyse "$T/refused.pcap")
t_eq "... and without direct-cert-fallback nothing went to the server" \
    "$(get to_server_from_client "$a") $(get to_server_from_relay "$a")" "0 0"
t_diag "refused lookup took $ms ms (the relay answers refusals at once)"

CRF=$(conf refused-fallback "$STAMP_ES2" R2 "direct-cert-fallback yes")
capture "$T/refused-fb.pcap" "$CAP" "$RESOLVE" -c "$CRF" -4 a4.lab.test
t_eq "with direct-cert-fallback: still no lookup (queries go through the relay only)" \
    "$(cat "$T/refused-fb.pcap.rc")" 2
a=$(analyse "$T/refused-fb.pcap")
t_diag "$(tr '\n' ' ' <<<"$a")"
t_ok "... the certificate was fetched straight from the server" test "$(get client_cert_to_server "$a")" -ge 1
t_eq "... but nothing else went there from the client" "$(get client_other_to_server "$a")" 0

# ---- 4. a relay that refuses certificate queries -----------------------------
CN=$(conf nocert "$STAMP_ES2" R3)
out=$("$RESOLVE" -c "$CN" -4 a4.lab.test 2>&1)
t_eq "relay refusing certificate queries, no direct-cert-fallback: no lookup" "$?" 2
t_ok "... the relay refused the plain query" grep -q "refused: plain query" "$T/R3.log"
CNF=$(conf nocert-fallback "$STAMP_ES2" R3 "direct-cert-fallback yes")
capture "$T/nocert-fb.pcap" "$CAP" "$RESOLVE" -c "$CNF" -4 a4.lab.test
t_match "... with direct-cert-fallback yes: the lookup works" "$(cat "$T/nocert-fb.pcap.out")" '127\.20\.0\.1'
t_ok "... the query went through the relay" grep -q "udp .* -> 127.0.0.54:443 .* kind=dnscrypt answer=" "$T/R3.log"
a=$(analyse "$T/nocert-fb.pcap")
t_diag "$(tr '\n' ' ' <<<"$a")"
t_eq "... only the certificate query went straight to the server" \
    "$(get client_cert_to_server "$a") $(get client_other_to_server "$a")" "1 0"

# ---- 5. a route whose first relay refuses ------------------------------------
mkdir -m 755 "$T/cache"
CF=$(conf failover "$STAMP_ES2" "R2 R1" "cert-cache $T/cache")
sed -i '/^cert-cache none$/d' "$CF"
n2=$(lines R2 refused)
out=$("$RESOLVE" -c "$CF" -4 a4.lab.test 2>&1)
t_match "route R2 R1, R2 refusing: the lookup works through R1" "$out" '127\.20\.0\.1'
t_ok "... after R2 refused" test "$(lines R2 refused)" -gt "$n2"
n2=$(lines R2 refused)
out=$("$RESOLVE" -c "$CF" -4 a4.lab.test 2>&1)
t_match "a later process: works" "$out" '127\.20\.0\.1'
t_eq "... and asks R1 at once (R2 skipped: state file)" "$(lines R2 refused)" "$n2"
t_done
