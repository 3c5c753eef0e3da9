#!/bin/bash
# SPDX-License-Identifier: ISC
# dnscrypt-resolve explains failures in words a user can act on, and
# --check-config tries every server.  Against the hostile server
# (tests/lab/hostile.py: an expired certificate, one not valid yet, bad
# signatures, an unsupported es-version, a server that reads queries and
# never answers, a network that drops UDP, a correct server) and the lab's
# dnsdist with a wrong provider key or name, and an address where nothing
# listens.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

RESOLVE=$B/dnscrypt-resolve
T=$(lab_tmp t62)
if [ ! -x "$RESOLVE" ]; then
    t_fail "$RESOLVE is built (make all)"
    t_done
fi

# ---- servers ---------------------------------------------------------------
IDS=(cert-expired cert-not-yet-valid cert-bad-signature cert-unknown-es
     no-answer udp-drop-all ok)
declare -A ADDR STAMP
specs=()
n=0
for id in "${IDS[@]}"; do
    n=$((n + 1))
    ADDR[$id]=127.0.62.$n:443
    specs+=("$id@${ADDR[$id]}")
    echo "${ADDR[$id]}" >>"$LAB/extra-listeners"   # for zz_capture.sh
done
# One more correct server, asked with a wrong provider name: left out of
# extra-listeners, as the capture check counts any other plaintext query
# to a DNSCrypt listener as a leak (the certificate query is plaintext by
# design, whatever name the stamp holds).
ADDR[wrong-name]=127.0.62.20:443
specs+=("ok@${ADDR[wrong-name]}")
mkdir -p "$LAB/dnscrypt"
python3 "$REPO/tests/lab/hostile.py" --info "$T/info" --log "$T/hostile.log" \
    --certdir "$LAB/dnscrypt" --provider "$PROVIDER_NAME" \
    --upstream "$AUTH_DNS:53" "${specs[@]}" >"$T/hostile.out" 2>&1 &
HPID=$!
lab_pid "$HPID" python3
trap 'kill "$HPID" 2>/dev/null; wait "$HPID" 2>/dev/null' EXIT
lab_wait test -s "$T/info"
if [ ! -s "$T/info" ]; then
    t_fail "hostile.py starts" "$(cat "$T/hostile.out")"
    t_done
fi
while read -r addr mode stamp _; do
    if [ "$addr" = "${ADDR[wrong-name]}" ]; then STAMP[wrong-name-ok]=$stamp; else STAMP[$mode]=$stamp; fi
done <"$T/info"
t_pass "hostile.py serves $((${#IDS[@]} + 1)) listeners"

# A stamp like STAMP_ES2 with another address, provider key or name.
restamp() { # STAMP addr|pk|name VALUE
    python3 - "$@" <<'PY'
import base64, sys
s, what, val = sys.argv[1][7:], sys.argv[2], sys.argv[3]
b = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
p = 9
fields = []
for _ in range(3):
    fields.append(b[p + 1:p + 1 + b[p]])
    p += 1 + b[p]
i = {"addr": 0, "pk": 1, "name": 2}[what]
fields[i] = bytes.fromhex(val) if what == "pk" else val.encode()
out = b[:9] + b"".join(bytes([len(f)]) + f for f in fields)
print("sdns://" + base64.urlsafe_b64encode(out).decode().rstrip("="))
PY
}
STAMP[dead]=$(restamp "$STAMP_ES2" addr 127.0.0.99:443)
STAMP[wrong-key]=$(restamp "$STAMP_ES2" pk "$(printf '%064d' 7)")
STAMP[wrong-name]=$(restamp "${STAMP[wrong-name-ok]}" name 2.dnscrypt-cert.nosuch.lab.test)
# A stamp that points at a plain DNS server (NSD): it answers NXDOMAIN.
STAMP[plain-dns]=$(restamp "$(restamp "$STAMP_ES2" addr "$AUTH_DNS:53")" name 2.dnscrypt-cert.nosuch.lab.test)
ADDR[dead]=127.0.0.99:443
ADDR[wrong-key]=127.0.0.54:443
ADDR[plain-dns]=$AUTH_DNS:53

conf() { # NAME STAMP... -> path
    local f=$T/$1.conf
    shift
    { for s in "$@"; do echo "server $s"; done
      echo "cert-cache none"; echo "cache no"; echo "search none"
      echo "timeout 300"; echo "total-timeout 1500"; } >"$f"
    echo "$f"
}

# run ID: dnscrypt-resolve a4.lab.test with that one server; exit status
# in RC, standard error in ERR, milliseconds in MS.
run() {
    local c a
    c=$(conf "$1" "${STAMP[$1]}")
    a=${EPOCHREALTIME/[.,]/}
    RC=0
    ERR=$("$RESOLVE" -c "$c" a4.lab.test 2>&1 >/dev/null) || RC=$?
    MS=$(((${EPOCHREALTIME/[.,]/} - a) / 1000))
}
# Timestamps as the tool prints them; the clock may tick between two runs.
D='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC'
TODAY=$(date -u +%Y-%m-%d)

# ---- failed lookups: exit 2 and an explanation -------------------------------
run cert-expired
t_eq "expired certificate: exit 2" "$RC" 2
t_match "expired certificate: names the server" "$ERR" \
    "server ${ADDR[cert-expired]//./\\.} \(2\.dnscrypt-cert\.lab\.test\): no valid DNSCrypt certificate"
t_match "expired certificate: your clock against the validity window" "$ERR" \
    "certificate serial 1 has expired: your clock says $TODAY [0-9:]+ UTC; the certificate is valid from $D to $D \(your clock is 2[34] h [0-9]+ min past its end\)"
t_match "expired certificate: what to do" "$ERR" \
    'If your clock is wrong, set it .*if it is right, the resolver has not renewed its certificate: use another server'
t_ok "expired certificate: explained within total-timeout ($MS ms < 1500 + $SLACK_MS)" \
    test "$MS" -lt $((1500 + SLACK_MS))

run cert-not-yet-valid
t_eq "certificate not valid yet: exit 2" "$RC" 2
t_match "certificate not valid yet: your clock against the validity window" "$ERR" \
    "certificate serial 1 is not valid yet: your clock says $TODAY [0-9:]+ UTC; the certificate is valid from $D to $D \(your clock is (59|60) min before its start\)"
# The window really is in the future: the start is later than "your clock".
now=$(sed -nE 's/.*your clock says ([0-9-]+ [0-9:]+) UTC.*/\1/p' <<<"$ERR" | head -n 1)
from=$(sed -nE 's/.*valid from ([0-9-]+ [0-9:]+) UTC to.*/\1/p' <<<"$ERR" | head -n 1)
t_ok "certificate not valid yet: the start ($from) is after the clock ($now)" \
    test "$(date -u -d "$from" +%s)" -gt "$(date -u -d "$now" +%s)"

run cert-bad-signature
t_eq "badly signed certificates: exit 2" "$RC" 2
t_match "badly signed certificates: each one explained (wrong provider key or forgery)" "$ERR" \
    "certificate serial 1 is not signed by the provider key in the stamp: the stamp's provider public key is wrong .*certificate serial 2 is not signed by the provider key"

run wrong-key
t_eq "wrong provider key in the stamp: exit 2" "$RC" 2
t_match "wrong provider key: says the stamp's key is wrong" "$ERR" \
    "server 127\.0\.0\.54:443 .*bad signature.*the stamp's provider public key is wrong"

run wrong-name
t_eq "wrong provider name in the stamp: exit 2" "$RC" 2
t_match "wrong provider name: the name is among the causes given" "$ERR" \
    "server ${ADDR[wrong-name]//./\\.} \(2\.dnscrypt-cert\.nosuch\.lab\.test\): .*or the provider name 2\.dnscrypt-cert\.nosuch\.lab\.test in the stamp is wrong"
run plain-dns
t_eq "stamp pointing at a plain DNS server: exit 2" "$RC" 2
t_match "plain DNS server: NXDOMAIN for the provider name, says the name is wrong" "$ERR" \
    "answered the certificate query \(TXT 2\.dnscrypt-cert\.nosuch\.lab\.test\) with NXDOMAIN: the provider name in the stamp is probably wrong"

run cert-unknown-es
t_eq "unsupported es-version: exit 2" "$RC" 2
t_match "unsupported es-version: says which" "$ERR" \
    "uses es-version (3|0), which nss-dnscrypt does not support \(1 and 2 are\)"

run dead
t_eq "nothing listens: exit 2" "$RC" 2
t_match "nothing listens: connection refused, wrong port or server down" "$ERR" \
    "server 127\.0\.0\.99:443 .*connection refused or closed: nothing listens on that address and port, the server is down"

run no-answer
t_eq "server that never answers: exit 2" "$RC" 2
t_match "server that never answers: timeout, certificate fine" "$ERR" \
    "timed out .*certificate serial 1 is fine, but no valid encrypted answer came within 1500 ms"
t_ok "server that never answers: within the budget ($MS ms < 1500 + $SLACK_MS)" \
    test "$MS" -lt $((1500 + SLACK_MS))

run ok
t_eq "a correct server: exit 0, nothing on stderr" "$RC:$ERR" "0:"

# ---- --check-config --------------------------------------------------------
ALL=(ok cert-expired cert-not-yet-valid cert-bad-signature wrong-key wrong-name
     dead no-answer udp-drop-all plain-dns)
stamps=()
for id in "${ALL[@]}"; do stamps+=("${STAMP[$id]}"); done
c=$(conf all "${stamps[@]}")
a=${EPOCHREALTIME/[.,]/}
rc=0; out=$("$RESOLVE" -c "$c" --check-config 2>&1) || rc=$?
ms=$(((${EPOCHREALTIME/[.,]/} - a) / 1000))
t_diag "$out"
t_eq "--check-config with broken servers: exit 2" "$rc" 2
t_match "--check-config: 2 of 10 servers usable" "$out" '2 of 10 server\(s\) usable$'
# server N: ADDR (PROVIDER): ok|FAILED, in the order of the file
i=0
for id in "${ALL[@]}"; do
    i=$((i + 1))
    want=FAILED
    case $id in ok|udp-drop-all) want=ok ;; esac
    t_match "--check-config: server $i ($id) $want" "$out" \
        "server $i: ${ADDR[$id]//./\\.} \([^)]*\): $want"
done
t_match "--check-config: the certificate in use and its window" "$out" \
    "using certificate serial 1, es-version 2 \(X25519-XChaCha20Poly1305\), valid from $D to $D \([0-9]+ h [0-9]+ min left\)"
t_match "--check-config: UDP and TCP tried on a good server" "$out" \
    'encrypted query over UDP: answered \(REFUSED\) in [0-9]+ ms.  encrypted query over TCP: answered \(REFUSED\) in [0-9]+ ms'
t_match "--check-config: a network that drops UDP is recognised" "$out" \
    'encrypted query over UDP: timed out.*encrypted query over TCP: answered.*UDP gets no answer but TCP does: a firewall may drop UDP; "tcp-only yes"'
t_match "--check-config: the silent server" "$out" \
    'the server gives no encrypted answer'
t_match "--check-config: the wrong provider name among the causes (no answer over UDP and TCP)" "$out" \
    "server 6: [^
]*FAILED.  no answer to the certificate query \(TXT 2\.dnscrypt-cert\.nosuch\.lab\.test\) within 1500 ms over UDP and TCP: .* or the provider name in the stamp is not the server's"
# dnsdist drops a UDP certificate query for another name and closes such a
# TCP connection: that case gets its own words.  A stand-in that does just
# that (not a DNSCrypt listener for the capture check either).
python3 - 127.0.62.21 443 "$T/closer.ready" <<'PY' &
import socket, sys, threading
host, port = sys.argv[1], int(sys.argv[2])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind((host, port))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind((host, port)); t.listen(16)
def drain():
    while True:
        u.recv(4096)
threading.Thread(target=drain, daemon=True).start()
open(sys.argv[3], "w").close()
while True:
    c, _ = t.accept()
    try:
        c.recv(4096)
    finally:
        c.close()
PY
CPID=$!
lab_pid "$CPID" python3
trap 'kill "$HPID" "$CPID" 2>/dev/null; wait "$HPID" "$CPID" 2>/dev/null' EXIT
lab_wait test -e "$T/closer.ready"
c1=$(conf closer "$(restamp "$STAMP_ES2" addr 127.0.62.21:443)")
rc1=0; out1=$("$RESOLVE" -c "$c1" --check-config 2>&1) || rc1=$?
t_match "--check-config: UDP silent, TCP closed: the provider name is probably wrong" "$rc1 $out1" \
    "^2 .*FAILED.  no answer to the certificate query \(TXT 2\.dnscrypt-cert\.lab\.test\) over UDP, and the TCP connection was refused or closed: the provider name in the stamp is probably wrong"
t_match "--check-config: nothing listens (ICMP port unreachable)" "$out" \
    "server 7: 127\.0\.0\.99:443 [^
]*FAILED.  connection refused: nothing listens on that address and port"
t_match "--check-config: clock skew explained there too" "$out" \
    "is not valid yet: your clock says $D; the certificate is valid from $D to $D"
# In turn they would take 10 x 1500 ms.
t_ok "--check-config: servers tried in parallel ($ms ms for 10, budget 1500 ms each)" \
    test "$ms" -lt $((1500 + 2 * SLACK_MS))

good=$(conf good "$STAMP_ES2" "$STAMP_ES1" "$STAMP_V6" "${STAMP[ok]}")
rc=0; out=$("$RESOLVE" -c "$good" --check-config 2>&1) || rc=$?
t_match "--check-config, good servers: exit 0, 4 of 4 usable" "$rc $out" '^0 .*4 of 4 server\(s\) usable$'
t_match "--check-config: es-version 1 shown" "$out" 'es-version 1 \(X25519-XSalsa20Poly1305\)'
rc=0; out=$("$RESOLVE" -c "$c" --check-config --offline 2>&1) || rc=$?
t_eq "--check-config --offline: reads the file only" "$rc:$out" "0:configuration ok: 10 server(s)"
rc=0; "$RESOLVE" --offline >/dev/null 2>&1 || rc=$?
t_eq "--offline alone: usage error" "$rc" 64
printf 'server sdns://AAAA\n' >"$T/bad.conf"
rc=0; out=$("$RESOLVE" -c "$T/bad.conf" --check-config 2>&1) || rc=$?
t_match "--check-config, a broken file: exit 2, file and line" "$rc $out" "^2 dnscrypt-resolve: $T/bad.conf:1: stamp: "

# ---- --check-config through relays -------------------------------------------------
# A relayed server is probed through its relay, never directly: relay.py
# allows dnsdist's 127.0.0.54:443; a second one allows nothing.
for r in 1 2; do
    allow=()
    [ "$r" = 1 ] && allow=(--allow 127.0.0.54:443)
    python3 "$REPO/tests/lab/relay.py" --info "$T/relay$r.info" --log "$T/relay$r.log" \
        "${allow[@]}" "127.0.62.3$r:443" >"$T/relay$r.out" 2>&1 &
    RPID[r]=$!
    lab_pid "${RPID[r]}" python3
done
trap 'kill "$HPID" "$CPID" "${RPID[@]}" 2>/dev/null; wait "$HPID" "$CPID" "${RPID[@]}" 2>/dev/null' EXIT
lab_wait test -s "$T/relay1.info" -a -s "$T/relay2.info"
read -r _ R1 <"$T/relay1.info"
read -r _ R2 <"$T/relay2.info"
{ echo "server lab $STAMP_ES2"; echo "relay r1 $R1"; echo "relay r2 $R2"
  echo "route lab r1 r2"; echo "cert-cache none"; echo "total-timeout 1500"; } >"$T/relayed.conf"
tcpdump -i lo -n -U -w "$T/direct.pcap" 'dst host 127.0.0.54 and not src host 127.0.62.31' \
    >"$T/tcpdump.out" 2>&1 &
TPID=$!
lab_wait grep -q listening "$T/tcpdump.out"
rc=0; out=$("$RESOLVE" -c "$T/relayed.conf" --check-config 2>&1) || rc=$?
sleep 0.3
kill -INT "$TPID"; wait "$TPID" 2>/dev/null
t_diag "$out"
t_match "--check-config: a server through a working relay: ok" "$out" \
    "server 1: lab 127\.0\.0\.54:443 \(2\.dnscrypt-cert\.lab\.test\) through relay r1 127\.0\.62\.31:443: ok"
t_match "--check-config: the same server through a refusing relay: FAILED, the relay named" "$out" \
    "server 1: lab 127\.0\.0\.54:443 [^
]* through relay r2 127\.0\.62\.32:443: FAILED.  through relay 127\.0\.62\.32:443: refused: the relay does not forward to this server"
t_match "--check-config: the server counts as usable (one route works)" "$rc $out" '^0 .*1 of 1 server\(s\) usable$'
t_match "relay r1 carried the certificate query and encrypted queries" "$(cat "$T/relay1.log")" \
    'kind=plain answer=.*kind=dnscrypt answer='
n=$(tcpdump -n -r "$T/direct.pcap" 2>/dev/null | wc -l)
t_eq "nothing went straight to the relayed server (capture: dst 127.0.0.54, not from the relay)" "$n" 0

# ---- the debug log -------------------------------------------------------------
LOG=$T/lookups.log
logconf() { # NAME STAMP EXTRA... -> a config logging to $LOG
    local f=$T/$1.conf s=$2
    shift 2
    { echo "server $s"; echo "cert-cache none"; echo "search none"; echo "log $LOG"
      for l in "$@"; do echo "$l"; done; } >"$f"
    echo "$f"
}
c=$(logconf log-es2 "$STAMP_ES2" "cache no")
"$RESOLVE" -c "$c" a4.lab.test >/dev/null 2>&1
"$RESOLVE" -c "$c" -x 127.20.0.1 >/dev/null 2>&1
"$RESOLVE" -c "$c" mx.lab.test MX >/dev/null 2>&1
"$RESOLVE" -c "$c" nosuch.lab.test >/dev/null 2>&1
L=$(cat "$LOG" 2>/dev/null)
t_diag "$L"
t_eq "log FILE: created 0600" "$(stat -c %a "$LOG" 2>&1)" 600
t_match "log: a lookup, its outcome, the server and its certificate, the time" "$L" \
    'Z nss-dnscrypt\[[0-9]+\]: dnscrypt-resolve a4\.lab\.test A\+AAAA: ok, 1 address via 127\.0\.0\.54:443 \(2\.dnscrypt-cert\.lab\.test, certificate serial 1\) in [0-9]+ ms'
t_match "log: a reverse lookup" "$L" 'dnscrypt-resolve 127\.20\.0\.1 PTR: ok, a4\.lab\.test via 127\.0\.0\.54:443'
t_match "log: a typed query" "$L" 'dnscrypt-resolve mx\.lab\.test class 1 type 15 \(with the search list\): ok via'
t_match "log: NXDOMAIN" "$L" 'dnscrypt-resolve nosuch\.lab\.test A\+AAAA: name does not exist \(NXDOMAIN\)'
: >"$LOG"
c=$(logconf log-silent "${STAMP[no-answer]}" "cache no" "total-timeout 800")
"$RESOLVE" -c "$c" a4.lab.test >/dev/null 2>&1
t_match "log: a failure, with each server's state" "$(cat "$LOG")" \
    "a4\.lab\.test A\+AAAA: timed out waiting for a valid DNSCrypt answer; server ${ADDR[no-answer]//./\\.}: certificate ok in [0-9]+ ms"
: >"$LOG"
c=$(logconf log-nss "$STAMP_ES2")
out=$(NSS_DNSCRYPT_CONF=$c with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
      python3 -c 'import socket
for i in range(2): print(socket.getaddrinfo("both.lab.test", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4][0])' 2>"$T/py.err")
t_eq "through the NSS module: the program's output is only its own" "$out|$(cat "$T/py.err")" $'127.20.0.2\n127.20.0.2|'
L=$(cat "$LOG")
t_match "log: the module's lookups, named by program" "$L" 'python3 both\.lab\.test A: ok, 1 address via 127\.0\.0\.54:443'
t_match "log: the second one came from the in-process cache" "$L" 'python3 both\.lab\.test A: ok, 1 address from the in-process cache in [0-9]+ ms'
n=$(wc -l <"$LOG")
NSS_DNSCRYPT_CONF=$LAB/es2.conf with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
    getent ahosts a4.lab.test >/dev/null 2>&1
t_eq "no log keyword: nothing logged" "$(wc -l <"$LOG")" "$n"
printf 'server %s\nlog relative.log\n' "$STAMP_ES2" >"$T/badlog.conf"
rc=0; out=$("$RESOLVE" -c "$T/badlog.conf" --check-config --offline 2>&1) || rc=$?
t_eq "log with a relative path: a configuration error (exit 2)" "$rc $out" \
    "2 dnscrypt-resolve: $T/badlog.conf:2: log must be 'none', 'syslog' or an absolute path, got 'relative.log'"
ln -s "$T/target.log" "$T/link.log"
c=$(logconf log-link "$STAMP_ES2")
sed -i "s|^log .*|log $T/link.log|" "$c"
"$RESOLVE" -c "$c" a4.lab.test >/dev/null 2>&1
t_ok "log through a symbolic link: not followed" test ! -e "$T/target.log"

# syslog: a receiver on /dev/log in a private mount namespace (an overlay
# on /dev, so that the socket can be made there).
c=$(logconf log-syslog "$STAMP_ES2")
sed -i 's|^log .*|log syslog|' "$c"
cat >"$T/syslog.sh" <<'SYSLOG'
T=$1 C=$2
. "$REPO/tests/integration/lib.sh"
mkdir -p "$T/dev.up" "$T/dev.work"
mount -t overlay overlay -o "lowerdir=/dev,upperdir=$T/dev.up,workdir=$T/dev.work" /dev || exit 1
rm -f /dev/log
python3 - "$T/syslog.got" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(60)
with open(sys.argv[1], "wb") as f:
    try:
        while True:
            f.write(s.recv(4096) + b"\n")
            f.flush()
    except OSError:
        pass
PY
lab_wait test -S /dev/log
NSS_DNSCRYPT_CONF=$C with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" getent ahosts a6.lab.test
lab_wait test -s "$T/syslog.got"
kill %1
SYSLOG
out=$(unshare -m --propagation private bash "$T/syslog.sh" "$T" "$c" 2>&1)
t_match "log syslog: getent's output is its own" "$out" '^::1 +STREAM a6\.lab\.test'
t_match "log syslog: one datagram per lookup to /dev/log, user.debug, tag nss-dnscrypt[pid]" \
    "$(cat "$T/syslog.got" 2>&1)" \
    '^<15>[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} nss-dnscrypt\[[0-9]+\]: getent a6\.lab\.test A\+AAAA: ok, 1 address via 127\.0\.0\.54:443'

# ---- dnscrypt-run refuses to start without a configuration ----------------------
rc=0; out=$(DNSCRYPT_RUN_PRELOAD=$B/libdnscrypt-preload.so DNSCRYPT_RUN_RESOLVE=$RESOLVE \
    "$B/dnscrypt-run" --config "$T/bad.conf" true 2>&1) || rc=$?
t_match "dnscrypt-run with a broken file: exit 78, the reason" "$rc $out" \
    "^78 dnscrypt-run: no usable configuration, not running true:.*bad.conf:1: stamp: "
rc=0; out=$(DNSCRYPT_RUN_PRELOAD=$B/libdnscrypt-preload.so DNSCRYPT_RUN_RESOLVE=$RESOLVE \
    "$B/dnscrypt-run" --config "$c" true 2>&1) || rc=$?
t_eq "dnscrypt-run checks the file only (servers down do not stop it)" "$rc:$out" "0:"
t_done
