#!/bin/bash
# SPDX-License-Identifier: ISC
# What DNSSEC validation keeps on disk (the verdicts on answers,
# secmemo.v1, and the validated DNSKEY and DS sets, dnssec-*) is bound to
# the trust anchor it was reached under (common/dc_secbind.c): against the
# signed lab (NSD behind dnsdist), with one cache directory shared by
# every configuration here:
#   - warm the cache with the lab's root key: a4.lab.test secure, and a
#     new process takes the verdict from the cache (the validator not
#     loaded: tests/prog/sec_maps);
#   - another anchor (a key made now with ldns-keygen, which the lab's
#     root does not have), by another trust-anchor line, or by new bytes
#     in the same anchor file (a KSK rollover): never secure from the
#     cache: exit 2 and bogus/indeterminate from dnscrypt-resolve,
#     EAI_AGAIN through the NSS module, the validator loaded; the same
#     with the verdicts removed, so that only the kept key sets could
#     vouch for it;
#   - back to the lab's key: secure again;
#   - the anchor file is opened once by a process that validates (strace);
#   - a verdict kept on disk does not vouch for a changed answer:
#     tests/lab/hostile.py dnssec-alter (one byte of the A record changed,
#     under valid DNSCrypt encryption) with the warm cache is bogus, and
#     the lab's own answer stays secure after it.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t83)
mkdir -p "$T/cache" "$T/keygen"
chmod 755 "$T/cache"
cp "$SEC_ANCHOR" "$T/lab.key"
( cd "$T/keygen" && ldns-keygen -a ED25519 -k . >"$T/keygen/name" 2>&1 )
other=$(sed -n 1p "$T/keygen/name" 2>/dev/null)
if [ ! -s "$T/keygen/$other.key" ]; then
    t_fail "ldns-keygen made a root key" "$(cat "$T/keygen/name")"
    t_done
fi
grep -v '^;' "$T/keygen/$other.key" >"$T/other.key"
t_ok "ldns-keygen made a root key other than the lab's" \
    bash -c "grep -q 'DNSKEY' '$T/other.key' && ! cmp -s '$T/other.key' '$T/lab.key'"

conf() { # NAME ANCHOR [SERVER]
    printf 'server %s\ncert-cache %s\ndnssec validate\ntrust-anchor %s\n' \
        "${3:-$STAMP_SEC}" "$T/cache" "$2" >"$T/$1.conf"
    echo "$T/$1.conf"
}
C_LAB=$(conf lab "$T/lab.key")
C_OTHER=$(conf other "$T/other.key")
cp "$T/lab.key" "$T/same.key"
C_SAME=$(conf same "$T/same.key")

resolve() { # CONF NAME: A and AAAA, as getaddrinfo asks
    NSS_DNSCRYPT_CONF=$1 "$B/dnscrypt-resolve" "$2" 2>&1
}
maps() { # CONF NAME: getaddrinfo through the NSS module, then what is mapped
    NSS_DNSCRYPT_CONF=$1 with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" "$B/tests/sec_maps" "$2" 2>&1
}
# Another anchor: never the answer, never "secure".
refused() { # WHAT CONF
    local out rc
    out=$(resolve "$2" a4.lab.test); rc=$?
    t_eq "$1: dnscrypt-resolve exits 2" "$rc" 2
    t_match "... A and AAAA bogus or indeterminate" "$out" \
        ';; dnssec: A (bogus|indeterminate), AAAA (bogus|indeterminate)'
    t_ok "... and never secure" bash -c "! grep -Eq '(A|AAAA) secure' <<<'$out'"
    out=$(maps "$2" a4.lab.test)
    t_match "$1: EAI_AGAIN through the NSS module, the validator loaded" \
        "$out" '^gai=EAI_AGAIN .* validator=1'
}
secure() { # WHAT CONF
    local out rc
    out=$(resolve "$2" a4.lab.test); rc=$?
    t_eq "$1: dnscrypt-resolve exits 0" "$rc" 0
    t_match "... A and AAAA secure" "$out" ';; dnssec: A secure, AAAA secure'
}

# ---- warm the cache under the lab's key --------------------------------------
secure "the lab's key" "$C_LAB"
t_ok "the verdicts and the key sets are kept" \
    bash -c "test -s '$T/cache/secmemo.v1' && ls '$T/cache' | grep -q '^dnssec-'"
t_ok "the key sets carry the anchor's digest (DCSK1 header)" \
    bash -c "for f in '$T'/cache/dnssec-*; do head -c5 \"\$f\" | grep -qx DCSK1 || exit 1; done"
out=$(maps "$C_LAB" a4.lab.test)
t_match "a new process: the answer from the kept verdicts, the validator not loaded" \
    "$out" '^gai=0 .*first=127\.20\.0\.1 validator=0'

# ---- the anchor file is read once per context ---------------------------------
# dnscrypt-resolve (one thread: one context) with no cache directory
# validates both answers, so the validator is opened; the file is opened
# once, the validator given its bytes (common/dc_secbind.c).
if command -v strace >/dev/null 2>&1; then
    printf 'server %s\ncert-cache none\ndnssec validate\ntrust-anchor %s\n' \
        "$STAMP_SEC" "$T/lab.key" >"$T/once.conf"
    # (LeakSanitizer cannot run under ptrace: a sanitized build's leak
    # check is left to the other runs)
    NSS_DNSCRYPT_CONF=$T/once.conf ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
        strace -f -qq -e trace=open,openat -o "$T/once.strace" \
        "$B/dnscrypt-resolve" a4.lab.test >"$T/once.out" 2>&1
    t_match "validated with no cache: A and AAAA secure" "$(cat "$T/once.out")" \
        ';; dnssec: A secure, AAAA secure'
    t_eq "... the anchor file opened once" "$(grep -c "\"$T/lab.key\"" "$T/once.strace")" 1
else
    t_skip "strace not installed: the anchor's reads not counted"
fi

# ---- another anchor ------------------------------------------------------------
refused "another trust-anchor line" "$C_OTHER"
cp "$T/other.key" "$T/same.key"
refused "new bytes in the same anchor file (a rollover)" "$C_SAME"
cp "$T/lab.key" "$T/same.key"
secure "the same file back to the lab's key" "$C_SAME"
secure "back to the lab's key" "$C_LAB"
# Only the key sets left: they must not vouch under another anchor either.
rm -f "$T/cache/secmemo.v1"
refused "another anchor, the kept key sets only" "$C_OTHER"
rm -f "$T/cache/secmemo.v1"
secure "back to the lab's key, the kept key sets only" "$C_LAB"

# ---- a kept verdict does not vouch for a changed answer ------------------------
HA=127.0.83.1:443
python3 "$REPO/tests/lab/hostile.py" --info "$T/info" --log "$T/hostile.log" \
    --certdir "$LAB/dnscrypt" --provider "$PROVIDER_NAME" --upstream "$SEC_AUTH:53" \
    "dnssec-alter@$HA" >"$T/hostile.out" 2>&1 &
lab_pid $! python3
echo "$HA" >>"$LAB/extra-listeners"  # zz_capture.sh
if ! lab_wait test -s "$T/info"; then
    t_fail "hostile.py dnssec-alter started" "$(cat "$T/hostile.out")"
    t_done
fi
C_ALTER=$(conf alter "$T/lab.key" "$(awk -v a="$HA" '$1 == a {print $3}' "$T/info")")
secure "warm again" "$C_LAB"
out=$(resolve "$C_ALTER" a4.lab.test); rc=$?
t_eq "an altered answer with the verdict on the real one kept: exit 2" "$rc" 2
t_match "... A bogus (the AAAA answer is not altered)" "$out" ';; dnssec: A bogus, AAAA secure'
out=$(maps "$C_ALTER" a4.lab.test)
t_match "... EAI_AGAIN through the NSS module" "$out" '^gai=EAI_AGAIN '
secure "the lab's own answer after it" "$C_LAB"
t_done
