#!/bin/bash
# SPDX-License-Identifier: ISC
# The on-disk certificate cache: a warm cache means no plaintext packet
# and one round trip; corrupted, truncated, planted (random), foreign-key
# and expired files are ignored and replaced.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t12)
CC=$T/cache
mkdir -m 755 "$CC"
# A try of 2 s (first try with a cached certificate: 4 s): on a loaded
# machine an answer later than the default 1 s would make the lookup fetch
# the certificate again, and the packet counts below would not hold.
printf 'server %s\ncert-cache %s\ntimeout 2000\n' "$STAMP_ES2" "$CC" >"$T/c.conf"
export NSS_DNSCRYPT_CONF=$T/c.conf

packets() { tcpdump -n -r "$1" 2>/dev/null | wc -l; }

# capture (lib.sh): the traffic to and from 127.0.0.54
capture "$T/cold.pcap" 'host 127.0.0.54' "$B/dnscrypt-resolve" -4 a4.lab.test
files=$(ls "$CC")
t_match "a fetch writes one certificate file" "$files" '^[0-9a-f]{32}\.cert$'
f=$CC/$files
t_eq "file is 0644, owned by root" "$(stat -c '%a %u' "$f")" "644 0"
# common/dc_certfile.h: "DCf1", a 32-byte digest, the 124-byte certificate
t_eq "file: format, digest, certificate (160 bytes)" \
    "$(head -c 4 "$f")/$(stat -c %s "$f")/$(tail -c 124 "$f" | head -c 4)" "DCf1/160/DNSC"
t_eq "cold: certificate query + answer + query + answer" "$(packets "$T/cold.pcap")" 4

capture "$T/warm.pcap" 'host 127.0.0.54' "$B/dnscrypt-resolve" -4 a4.lab.test
t_match "warm: the certificate comes from the disk cache" "$(cat "$T/warm.pcap.out")" 'from the disk cache'
t_eq "warm: one round trip, no plaintext packet" "$(packets "$T/warm.pcap")" 2

good=$(od -An -tx1 "$f" | tr -d ' \n')
# replaced NAME DESC: with a bad file in place of $f, a lookup still works,
# costs one fetch, and leaves the valid certificate in the file.
replaced() {
    capture "$T/$1.pcap" 'host 127.0.0.54' "$B/dnscrypt-resolve" -4 a4.lab.test
    t_match "$2: lookup still works" "$(cat "$T/$1.pcap.out")" '127\.20\.0\.1'
    t_eq "$2: costs one fetch (4 packets)" "$(packets "$T/$1.pcap")" 4
    t_eq "$2: replaced by the valid certificate" \
        "$(od -An -tx1 "$f" | tr -d ' \n')" "$good"
}
for kind in corrupt corrupt-key truncated planted; do
    case $kind in
    corrupt) printf '\x00' | dd of="$f" bs=1 seek=80 conv=notrunc 2>/dev/null ;;
    # a byte of the resolver key (certificate offset 72..103), the digest
    # left as it was: not taken unchecked, the signature then fails
    corrupt-key) printf '\x00' | dd of="$f" bs=1 seek=$((36 + 90)) conv=notrunc 2>/dev/null ;;
    truncated) head -c 100 "$f" >"$f.t" && mv "$f.t" "$f" ;;
    planted) head -c 124 /dev/urandom >"$f" ;;
    esac
    replaced "$kind" "$kind file"
done

# A file of the earlier format (the bare certificate, as a previous
# version wrote it) is used, its signature checked.
tail -c 124 "$f" >"$T/bare" && cp "$T/bare" "$f"
capture "$T/bare.pcap" 'host 127.0.0.54' "$B/dnscrypt-resolve" -4 a4.lab.test
t_match "a bare certificate file (earlier format) is used" "$(cat "$T/bare.pcap.out")" 'from the disk cache'
t_eq "a bare certificate file: one round trip" "$(packets "$T/bare.pcap")" 2
cp "$T/bare" "$f.t" && printf '\x00' | dd of="$f.t" bs=1 seek=90 conv=notrunc 2>/dev/null
mv "$f.t" "$f"
replaced bare-bad "a bare certificate file with a changed resolver key"

# A valid file written over 4 hours ago (the refresh age): fetched again,
# the file rewritten; one written 3 hours ago is still used.
touch -d '3 hours ago' "$f"
capture "$T/aged3.pcap" 'host 127.0.0.54' "$B/dnscrypt-resolve" -4 a4.lab.test
t_match "a 3-hour-old cache file is used" "$(cat "$T/aged3.pcap.out")" 'from the disk cache'
t_eq "a 3-hour-old cache file: one round trip" "$(packets "$T/aged3.pcap")" 2
touch -d '5 hours ago' "$f"
replaced aged "a 5-hour-old cache file"
t_ok "a 5-hour-old cache file: written again" \
    test "$(($(date +%s) - $(stat -c %Y "$f")))" -lt 600

# Files that parse as certificates: one signed by another provider key,
# one signed by the lab's provider key but expired an hour ago (both made
# by dnsdist, as tests/lab/start.sh makes the lab's).
now=$(date +%s)
cat >"$T/gen.conf" <<EOF
generateDNSCryptProviderKeys("$T/other.pub", "$T/other.key")
generateDNSCryptCertificate("$T/other.key", "$T/foreign.cert", "$T/foreign.ckey", 7, $((now - 3600)), $((now + 86400)), DNSCryptExchangeVersion.VERSION2)
generateDNSCryptCertificate("$LAB/dnscrypt/provider.key", "$T/expired.cert", "$T/expired.ckey", 7, $((now - 86400)), $((now - 3600)), DNSCryptExchangeVersion.VERSION2)
EOF
dnsdist -C "$T/gen.conf" --check-config >"$T/gen.log" 2>&1
for kind in foreign expired; do
    if [ "$(stat -c %s "$T/$kind.cert" 2>/dev/null)" != 124 ]; then
        t_fail "$kind certificate made by dnsdist" "$(cat "$T/gen.log")"
        continue
    fi
    cp "$T/$kind.cert" "$f"
    replaced "$kind" "$kind certificate file"
done

# A file that is valid for another provider key (another listener of
# another lab would do; here: the same bytes under another stamp's name).
printf 'server %s\ncert-cache %s\n' "$STAMP_ES1" "$CC" >"$T/c1.conf"
NSS_DNSCRYPT_CONF=$T/c1.conf "$B/dnscrypt-resolve" -4 a4.lab.test >/dev/null 2>&1
t_eq "another server gets a file of its own" "$(ls "$CC" | wc -l)" 2
# A new process's lookup with the cache warm walks the cache directory's
# path once for the state file and the certificate (dc_cachedir.h), and
# closes it before it returns.  (LeakSanitizer cannot run under ptrace:
# off for this one process of the sanitizer build.)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -e trace=openat,close -o "$T/walk.st" "$B/dnscrypt-resolve" -4 a4.lab.test >"$T/walk.out" 2>&1
t_match "a warm lookup under strace works" "$(cat "$T/walk.out")" 'from the disk cache'
t_eq "the cache directory is opened once in a new process's lookup" \
    "$(grep -cE 'openat\([0-9]+, "cache", [^)]*O_DIRECTORY' "$T/walk.st")" 1
dfd=$(sed -nE 's/.*openat\([0-9]+, "cache", [^)]*O_DIRECTORY.*= ([0-9]+)$/\1/p' "$T/walk.st")
t_ok "the cache directory's descriptor is closed before the process exits" \
    grep -qE "close\(${dfd:-none}\) += 0" "$T/walk.st"
chmod 666 "$f"
out=$("$B/dnscrypt-resolve" -4 a4.lab.test 2>&1)
t_ok "a world-writable cache file is not trusted" bash -c "! grep -q 'from the disk cache' <<<'$out'"
t_done
