#!/bin/bash
# SPDX-License-Identifier: ISC
# dnscrypt-lists: signed resolver lists.
#  - the real lists of tests/data (legacy "Ed" signatures by the DNSCrypt
#    project's key) verify, and the servers printed for every filter are
#    exactly those an independent parser (python, below) selects;
#  - tampered copies (a byte of the list, the trusted comment, the
#    signature), a missing or truncated .minisig, another list's signature
#    and another key are refused with exit 2 and nothing on stdout;
#  - lists signed here by minisign itself (prehashed "ED" by default,
#    legacy "Ed" with -l) verify, and minisign -V agrees on tampered ones;
#  - a signed list of the lab's servers gives a configuration that
#    dnscrypt-resolve --check-config accepts and resolves through.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

L=$B/dnscrypt-lists
RESOLVE=$B/dnscrypt-resolve
T=$(lab_tmp t61)
DATA=$REPO/tests/data
PUB=$DATA/public-resolvers.v3.md
REL=$DATA/relays.v3.md

if [ ! -x "$L" ]; then
    t_fail "$L is built (make all)"
    t_done
fi

# lists FILE ARGS... -> "rc" in $T/rc, stdout in $T/out, stderr in $T/err
lists() {
    local rc=0
    "$L" "$@" >"$T/out" 2>"$T/err" || rc=$?
    echo "$rc" >"$T/rc"
}

# The servers an independent parser selects: python3, base64url and the
# stamp layout (0x01 | props LE64 | LP(addr) | ...), nothing of ours.
py_select() { # FILE FLAGS...
    python3 - "$@" <<'PY'
import base64, struct, sys
path, flags = sys.argv[1], set(sys.argv[2:])
name = None
for line in open(path, encoding="utf-8", errors="replace"):
    line = line.strip()
    if line.startswith("## "):
        name = line[3:].strip()
        continue
    if not line.startswith("sdns://") or name is None:
        continue
    b64 = line[7:]
    try:
        raw = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
    except Exception:
        continue
    if len(raw) < 10 or raw[0] != 1:
        continue
    props = struct.unpack("<Q", raw[1:9])[0]
    addr = raw[10:10 + raw[9]].decode()
    v6 = addr.startswith("[")
    if "dnssec" in flags and not props & 1: continue
    if "nolog" in flags and not props & 2: continue
    if "nofilter" in flags and not props & 4: continue
    fam = {f for f in ("ipv4", "ipv6") if f in flags} or {"ipv4", "ipv6"}
    if ("ipv6" if v6 else "ipv4") not in fam: continue
    print("# " + name)
    print("server " + line)
PY
}

if [ ! -r "$PUB" ] || [ ! -r "$PUB.minisig" ] || [ ! -r "$REL.minisig" ]; then
    t_fail "the signed lists are in $DATA "
    t_done
fi

# ---- the real lists --------------------------------------------------------
lists --verify-only "$PUB"
t_eq "public-resolvers: signature verifies" "$(cat "$T/rc")" 0
t_match "public-resolvers: legacy Ed signature, trusted comment shown" "$(cat "$T/out")" \
    'signature OK \(legacy Ed.*trusted comment: timestamp:[0-9]+.file:public-resolvers.md'
lists --verify-only "$REL"
t_eq "relays: signature verifies" "$(cat "$T/rc")" 0
lists "$REL"
t_eq "relays: verified, but no DNSCrypt server in it: exit 1" "$(cat "$T/rc")" 1
t_match "relays: says why" "$(cat "$T/err")" '0 servers printed.*346 stamps of other kinds'

for f in "" "--dnssec" "--nolog" "--nofilter" "--ipv4" "--ipv6" "--ipv4 --ipv6" \
         "--dnssec --nolog --nofilter" "--dnssec --nolog --nofilter --ipv4" \
         "--dnssec --nolog --nofilter --ipv6" "--nolog --ipv6"; do
    # shellcheck disable=SC2086
    lists $f "$PUB"
    # shellcheck disable=SC2086
    want=$(py_select "$PUB" ${f//--/})
    got=$(grep -v '^# \(from\|trusted comment\|filter\):\?' "$T/out")
    n=$(grep -c '^server ' <<<"$want")
    t_eq "public-resolvers, filter '${f:-none}': the $n servers an independent parser picks" \
        "$got" "$want"
done
lists --dnssec --nolog --nofilter "$PUB"
t_match "more than 16 servers: a note says the configuration takes 16" "$(cat "$T/err")" \
    'at most 16 servers'
lists --name 'scaleway-*' --name 'dnscry.pt-amsterdam-ipv4' --ipv4 "$PUB"
want=$(py_select "$PUB" ipv4 | grep -A1 -E '^# (scaleway-.*|dnscry\.pt-amsterdam-ipv4)$' | grep -v '^--$')
t_eq "--name patterns select by section name" \
    "$(grep -v '^# \(from\|trusted comment\|filter\):\?' "$T/out")" "$want"
lists --max 3 --ipv6 "$PUB"
t_eq "--max 3 prints 3 servers" "$(grep -c '^server ' "$T/out")" 3

# Ready lines: the output is a configuration file as it is.
lists --dnssec --nolog --nofilter --max 16 "$PUB"
cp "$T/out" "$T/public16.conf"
rc=0; out=$("$RESOLVE" -c "$T/public16.conf" --check-config --offline 2>&1) || rc=$?
t_eq "16 servers printed: a configuration dnscrypt-resolve accepts" "$rc:$out" \
    "0:configuration ok: 16 server(s)"

# ---- refusals --------------------------------------------------------------
refused() { # DESC REGEX LIST ARGS...
    local desc=$1 re=$2
    shift 2
    lists "$@"
    if [ "$(cat "$T/rc")" = 2 ] && [ ! -s "$T/out" ] && [[ $(cat "$T/err") =~ $re ]]; then
        t_pass "$desc: exit 2, nothing printed"
    else
        t_fail "$desc: exit 2, nothing printed, message /$re/" "exit $(cat "$T/rc")" \
            "stdout: $(head -c 300 "$T/out")" "stderr: $(cat "$T/err")"
    fi
}
cp "$PUB" "$T/p.md"
refused "unsigned list (no .minisig)" 'no signature file; refusing an unsigned list' "$T/p.md"
cp "$PUB.minisig" "$T/p.md.minisig"
lists "$T/p.md"
t_eq "an intact copy next to its signature verifies" "$(cat "$T/rc")" 0
# One byte changed at three places: the start, a stamp, the end.
python3 - "$PUB" "$T" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
i = data.index(b"sdns://AQ") + 20
for name, at in (("start", 0), ("stamp", i), ("end", len(data) - 2)):
    d = bytearray(data)
    d[at] ^= 0x01
    open("%s/t-%s.md" % (sys.argv[2], name), "wb").write(d)
open("%s/t-extra.md" % sys.argv[2], "wb").write(data + b"\n## evil\n\nsdns://AQcAAAAAAAAACTEyNy4wLjAuMQ\n")
open("%s/t-cut.md" % sys.argv[2], "wb").write(data[:-1])
PY
for n in start stamp end extra cut; do
    cp "$PUB.minisig" "$T/t-$n.md.minisig"
    refused "tampered list ($n)" 'BAD SIGNATURE: the signature does not match the file' "$T/t-$n.md"
done
# The trusted comment changed (the list untouched).
sed 's/^trusted comment: timestamp:\([0-9]\)/trusted comment: timestamp:9/' "$PUB.minisig" >"$T/tc.minisig"
refused "trusted comment changed" "trusted comment's signature does not verify" \
    "$PUB" --minisig "$T/tc.minisig"
# The signature line changed: one base64 character of the Ed25519 part.
awk 'NR == 2 { c = substr($0, 40, 1); $0 = substr($0, 1, 39) (c == "A" ? "B" : "A") substr($0, 41) } { print }' \
    "$PUB.minisig" >"$T/sig.minisig"
refused "signature bytes changed" 'BAD SIGNATURE' "$PUB" --minisig "$T/sig.minisig"
head -n 3 "$PUB.minisig" >"$T/short.minisig"
refused "signature file cut after three lines" 'signature file: 3 lines' "$PUB" --minisig "$T/short.minisig"
: >"$T/empty.minisig"
refused "empty signature file" 'signature file: 0 lines' "$PUB" --minisig "$T/empty.minisig"
refused "another list's signature" 'BAD SIGNATURE' "$PUB" --minisig "$REL.minisig"

# ---- minisign itself: prehashed (default) and legacy signatures -------------
if command -v minisign >/dev/null 2>&1; then
    (cd "$T" && minisign -G -W -p "$T/k.pub" -s "$T/k.key" >/dev/null 2>&1)
    KEY=$(tail -n 1 "$T/k.pub")
    {
        printf '# lab-resolvers\n\nServers of the test lab.\n\n'
        printf '## lab-es2\n\nes-version 2, IPv4.\n\n%s\n\n' "$STAMP_ES2"
        printf '## lab-es1\n\nes-version 1, IPv4.\n\n%s\n\n' "$STAMP_ES1"
        printf '## lab-v6\n\nIPv6.\n\n%s\n\n' "$STAMP_V6"
        printf '## lab-doh\n\nnot DNSCrypt.\n\nsdns://AgcAAAAAAAAACTEyNy4wLjAuMQAJbGFiLnRlc3QKL2Rucy1xdWVyeQ\n'
    } >"$T/lab.md"
    cp "$T/lab.md" "$T/lab-legacy.md"
    minisign -S -W -s "$T/k.key" -t "lab list" -m "$T/lab.md" >/dev/null 2>&1
    minisign -S -l -W -s "$T/k.key" -t "lab list, legacy" -m "$T/lab-legacy.md" >/dev/null 2>&1
    alg() { base64 -d <<<"$(sed -n 2p "$1")" 2>/dev/null | head -c 2; }
    t_eq "minisign signs prehashed (ED) by default, legacy (Ed) with -l" \
        "$(alg "$T/lab.md.minisig") $(alg "$T/lab-legacy.md.minisig")" "ED Ed"
    lists -k "$KEY" --verify-only "$T/lab.md"
    t_match "a prehashed ED signature by minisign verifies" "$(cat "$T/rc") $(cat "$T/out")" \
        '^0 .*prehashed ED.*trusted comment: lab list'
    lists -k "$KEY" --verify-only "$T/lab-legacy.md"
    t_match "a legacy Ed signature by minisign verifies" "$(cat "$T/rc") $(cat "$T/out")" \
        '^0 .*legacy Ed.*trusted comment: lab list, legacy'
    refused "the project key refuses the lab list (another key id)" 'signed by key id [0-9A-F]{16}, but the public key.s id is E7620F1842B4E81F' \
        "$T/lab.md"
    # Tampered: minisign -V and dnscrypt-lists agree.
    sed 's/lab-es1/lab-esX/' "$T/lab.md" >"$T/lab-t.md"
    cp "$T/lab.md.minisig" "$T/lab-t.md.minisig"
    mrc=0; minisign -V -P "$KEY" -m "$T/lab-t.md" >/dev/null 2>&1 || mrc=$?
    refused "tampered lab list refused (minisign -V exit $mrc too)" 'BAD SIGNATURE' -k "$KEY" "$T/lab-t.md"
    t_fails "minisign -V refuses it as well" test "$mrc" = 0
    sed 's/^trusted comment: lab list/trusted comment: lab lisT/' "$T/lab.md.minisig" >"$T/lab-tc.minisig"
    mrc=0; minisign -V -P "$KEY" -x "$T/lab-tc.minisig" -m "$T/lab.md" >/dev/null 2>&1 || mrc=$?
    refused "changed trusted comment refused (minisign -V exit $mrc too)" "trusted comment" \
        -k "$KEY" --minisig "$T/lab-tc.minisig" "$T/lab.md"

    # From the signed list to a lookup.
    lists -k "$KEY" --ipv4 "$T/lab.md"
    t_eq "lab list, --ipv4: the two IPv4 servers" "$(grep '^server ' "$T/out" | cut -d' ' -f2)" \
        "$STAMP_ES2"$'\n'"$STAMP_ES1"
    { cat "$T/out"; echo "cert-cache none"; } >"$T/lab.conf"
    rc=0; out=$("$RESOLVE" -c "$T/lab.conf" --check-config 2>&1) || rc=$?
    t_match "dnscrypt-resolve --check-config: both servers of the list usable" "$rc $out" \
        '^0 .*2 of 2 server\(s\) usable'
    rc=0; out=$("$RESOLVE" -c "$T/lab.conf" -q a4.lab.test 2>&1) || rc=$?
    t_eq "and a name resolves through them" "$rc $out" "0 127.20.0.1	a4.lab.test"
    lists -k "$KEY" --ipv6 "$T/lab.md"
    t_eq "lab list, --ipv6: the IPv6 server" "$(grep '^server ' "$T/out" | cut -d' ' -f2)" "$STAMP_V6"
else
    t_skip "minisign interoperability" "minisign not installed (scripts/install-deps.sh)"
fi

# ---- usage -----------------------------------------------------------------
lists
t_eq "no list: usage error 64" "$(cat "$T/rc")" 64
lists -k RWQnotakey "$PUB"
t_match "a malformed key: usage error 64 with a reason" "$(cat "$T/rc") $(cat "$T/err")" \
    '^64 .*not a minisign public key'
lists "$T/nonexistent.md"
t_eq "a missing list: exit 3" "$(cat "$T/rc")" 3
t_done
