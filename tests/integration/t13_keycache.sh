#!/bin/bash
# SPDX-License-Identifier: ISC
# key-cache yes (issue 16; common/dc_keycache.h): a new process takes the
# client key and shared key that an earlier process kept for the same
# certificate, from a 0600 file beside the certificate; without the option,
# with ephemeral-keys, with a bad or group-readable file, a process makes
# its own.  Client keys are read from captures of the queries to the lab's
# dnsdist es2 listener (bytes 8..39 of a DNSCrypt query).
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t13)
CC=$T/cache
mkdir -m 755 "$CC"
conf() { # NAME DIR EXTRA...
    local f=$T/$1.conf
    printf 'server %s\ncert-cache %s\ncache no\nsearch none\n' "$STAMP_ES2" "$2" >"$f"
    shift 2
    for l in "$@"; do echo "$l" >>"$f"; done
    echo "$f"
}
CAP='host 127.0.0.54 and port 443'
# keys PCAP: the distinct client public keys (hex) of the DNSCrypt queries
keys() {
    python3 - "$1" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["REPO"] + "/tests/lab")
import pcapcheck
ks = []
for _, dport, payload in pcapcheck.udp4(sys.argv[1]):
    if dport == 443 and len(payload) >= 256 and payload[8:40].hex() not in ks:
        ks.append(payload[8:40].hex())
print(" ".join(ks))
EOF
}
lookup() { # CONF: a new process, A and AAAA of one name
    NSS_DNSCRYPT_CONF=$1 with_nss "$LAB/nsswitch.conf.dnscrypt" "$LAB/resolv.conf.dead" \
        getent ahosts both.lab.test
}
run() { # PCAP CONF
    capture "$1" "$CAP" lookup "$2"
    t_match "$(basename "$1" .pcap): lookup works" "$(cat "$1.out")" '127\.20\.0\.2 '
}
filekey() { od -An -tx1 -j44 -N32 "$1" | tr -d ' \n'; }

KC=$(conf kc "$CC" "key-cache yes")
run "$T/p1.pcap" "$KC"
k1=$(keys "$T/p1.pcap")
t_match "p1: one client key (A and AAAA)" "$k1" '^[0-9a-f]{64}$'
f=$(ls "$CC"/*.key 2>/dev/null)
t_ok "a key file is written beside the certificate" test -f "$f"
t_eq "key file: 0600, root's, 108 bytes" "$(stat -c '%a %u %s' "$f" 2>/dev/null)" "600 0 108"
t_eq "key file: format DCk1" "$(head -c 4 "$f")" DCk1
t_eq "key file holds the key the process used" "$(filekey "$f")" "$k1"
run "$T/p2.pcap" "$KC"
t_eq "a second process uses the first one's key" "$(keys "$T/p2.pcap")" "$k1"

NO=$(conf no "$CC")
run "$T/p3.pcap" "$NO"
k3=$(keys "$T/p3.pcap")
t_ok "without key-cache: a key of the process's own" test -n "$k3" -a "$k3" != "$k1"

# a changed shared key: the answers to the first try cannot be opened,
# so the lookup fetches the certificate again and makes a new key
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[81] ^= 0xff
open(sys.argv[1], "wb").write(b)' "$f"
run "$T/p4.pcap" "$KC"
k4=$(keys "$T/p4.pcap" | awk '{print $NF}')
t_ok "a bad key file: a new key was made" test -n "$k4" -a "$k4" != "$k1"
t_eq "... and kept in the file (0600)" "$(filekey "$f") $(stat -c %a "$f")" "$k4 600"
run "$T/p5.pcap" "$KC"
t_eq "... which the next process uses" "$(keys "$T/p5.pcap")" "$k4"

chmod 640 "$f"
run "$T/p6.pcap" "$KC"
k6=$(keys "$T/p6.pcap")
t_ok "a group-readable key file is not used" test -n "$k6" -a "$k6" != "$k4"
t_eq "... and is replaced by a 0600 one" "$(filekey "$f") $(stat -c %a "$f")" "$k6 600"

chown 1234:1234 "$f"
run "$T/p8.pcap" "$KC"
k8=$(keys "$T/p8.pcap")
t_ok "a key file of another user in root's directory is not used" test -n "$k8" -a "$k8" != "$k6"
t_eq "... and is replaced by root's" "$(filekey "$f") $(stat -c '%a %u' "$f")" "$k8 600 0"

CC2=$T/cache2
mkdir -m 755 "$CC2"
EK=$(conf ek "$CC2" "key-cache yes" "ephemeral-keys yes")
run "$T/p7.pcap" "$EK"
t_eq "with ephemeral-keys: no key file" "$(ls "$CC2" | grep -c '\.key$')" 0
t_eq "... and a key per query (A, AAAA)" "$(keys "$T/p7.pcap" | wc -w)" 2
t_done
