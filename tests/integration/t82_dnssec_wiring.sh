#!/bin/bash
# SPDX-License-Identifier: ISC
# The DNSSEC wiring (issue 15), whatever validator is built: a tree with
# the module, the preload library and dnscrypt-resolve, and the stand-in
# validator object ($B/tests/secstub.so, tests/secstub/secstub.c: it
# checks no signature, says "bogus" for names with a label "bogus",
# "insecure" for a label "insecure", fetches each zone's DNSKEY set
# through the engine and keeps it in the key cache) in its place,
# nss-dnscrypt/dnssec.so:
#   - "dnssec no": the validator object is not mapped, nor is ldns (a
#     lookup through the NSS module, /proc/self/maps); "dnssec validate":
#     it is;
#   - fail closed: "dnssec validate" with no validator object, one of
#     another ABI ($B/tests/secstub-abi1.so), or with a trust anchor that
#     cannot be read or that the validator refuses, gives EAI_AGAIN through the
#     module, exit 2 and the reason from dnscrypt-resolve, the reason in
#     the debug log; never an answer;
#   - outcomes: secure and insecure answers are given, a bogus one is
#     EAI_AGAIN (NSS TRYAGAIN), exit 2 with why from dnscrypt-resolve;
#     dnscrypt-resolve prints each answer's state;
#   - the AD bit through the preload library's res_* family (every
#     function): set for a secure answer, clear for an insecure one and
#     with "dnssec no"; CD never shown to a caller that did not set it;
#   - validated key sets, and the verdicts on validated answers, go to the
#     certificate cache directory; a new process whose answers' verdicts
#     are kept there does not load the validator.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t82)
TREE=$T/tree
BARE=$T/bare
OLD=$T/old
mkdir -p "$TREE/nss-dnscrypt" "$BARE" "$OLD/nss-dnscrypt" "$T/cache"
chmod 755 "$T/cache"
for d in "$TREE" "$BARE" "$OLD"; do
    cp "$B/libnss_dnscrypt.so.2" "$B/libdnscrypt-preload.so" "$B/dnscrypt-resolve" "$d/"
done
cp "$B/tests/secstub.so" "$TREE/nss-dnscrypt/dnssec.so"
cp "$B/tests/secstub-abi1.so" "$OLD/nss-dnscrypt/dnssec.so"
echo ". IN DS 1 8 2 0000" >"$T/anchor"
: >"$T/empty.key"

conf() { # NAME EXTRA-LINES...
    local f=$T/$1.conf
    shift
    { echo "server $STAMP_ES2"; echo "cert-cache none"; printf '%s\n' "$@"; } >"$f"
    echo "$f"
}
C_NO=$(conf no "dnssec no")
C_VAL=$(conf val "dnssec validate" "trust-anchor $T/anchor" "log $T/val.log")
C_NOANCHOR=$(conf noanchor "dnssec validate" "trust-anchor $T/missing.key" "log $T/noanchor.log")
C_CACHE=$(conf cache "dnssec validate" "trust-anchor $T/anchor")
C_EMPTY=$(conf empty "dnssec validate" "trust-anchor $T/empty.key")
sed -i "s|^cert-cache none|cert-cache $T/cache|" "$C_CACHE"

# sec_maps NAME through the NSS module of tree DIR with conf CONF.
maps() { # DIR CONF NAME
    B=$1 NSS_DNSCRYPT_CONF=$2 with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" "$B/tests/sec_maps" "$3" 2>&1
}
resolve() { # DIR CONF ARGS...
    local d=$1 c=$2
    shift 2
    NSS_DNSCRYPT_CONF=$c "$d/dnscrypt-resolve" "$@" 2>&1
}

# ---- what is mapped ------------------------------------------------------
out=$(maps "$TREE" "$C_NO" a4.lab.test)
t_match "dnssec no: the answer, and neither the validator object nor ldns mapped" \
    "$out" '^gai=0 .*first=127\.20\.0\.1 validator=0 ldns=0$'
out=$(maps "$TREE" "$C_VAL" a4.lab.test)
t_match "dnssec validate: the answer, the validator object mapped" \
    "$out" '^gai=0 .*first=127\.20\.0\.1 validator=1'

# ---- fail closed ---------------------------------------------------------
out=$(maps "$BARE" "$C_VAL" a4.lab.test)
t_match "no validator object: EAI_AGAIN through the module (TRYAGAIN, not UNAVAIL)" \
    "$out" '^gai=EAI_AGAIN h_errno=2 first=- '
out=$(resolve "$BARE" "$C_VAL" a4.lab.test); rc=$?
t_eq "no validator object: dnscrypt-resolve exits 2" "$rc" 2
t_match "... and says which file it could not load" "$out" \
    "DNSSEC validator or trust anchor unavailable: $BARE/nss-dnscrypt/dnssec.so: cannot load the DNSSEC validator"
out=$(maps "$TREE" "$C_NOANCHOR" a4.lab.test)
t_match "trust anchor missing: EAI_AGAIN through the module" "$out" '^gai=EAI_AGAIN h_errno=2 first=- '
out=$(resolve "$TREE" "$C_NOANCHOR" a4.lab.test); rc=$?
t_eq "trust anchor missing: dnscrypt-resolve exits 2" "$rc" 2
t_match "... and names the anchor" "$out" "trust anchor $T/missing.key: "
t_match "the debug log says why too" "$(cat "$T/noanchor.log" 2>&1)" \
    "DNSSEC validator or trust anchor unavailable: trust anchor $T/missing.key"
out=$(resolve "$TREE" "$C_EMPTY" a4.lab.test); rc=$?
t_eq "an anchor the validator refuses (empty): dnscrypt-resolve exits 2" "$rc" 2
t_match "... and names the anchor and the validator's reason" "$out" \
    "trust anchor $T/empty.key: no anchor \\(stub\\)"
out=$(maps "$OLD" "$C_VAL" a4.lab.test)
t_match "a validator object of another ABI: EAI_AGAIN through the module" \
    "$out" '^gai=EAI_AGAIN h_errno=2 first=- '
out=$(resolve "$OLD" "$C_VAL" a4.lab.test); rc=$?
t_eq "... dnscrypt-resolve exits 2" "$rc" 2
t_match "... and says which ABI it has" "$out" \
    "$OLD/nss-dnscrypt/dnssec.so: the DNSSEC validator has abi 1, not 2"

# ---- outcomes ------------------------------------------------------------
out=$(resolve "$TREE" "$C_VAL" a4.lab.test); rc=$?
t_eq "secure: dnscrypt-resolve exits 0" "$rc" 0
t_match "... prints the answer and each answer's state" "$out" \
    $'127\\.20\\.0\\.1\ta4\\.lab\\.test.*;; dnssec: A secure, AAAA secure'
out=$(resolve "$TREE" "$C_VAL" nx.lab.test); rc=$?
t_eq "a validated NXDOMAIN: exit 1" "$rc" 1
t_match "... with its state" "$out" ';; dnssec: A secure, AAAA secure'
out=$(resolve "$TREE" "$C_VAL" bogus.lab.test); rc=$?
t_eq "bogus: dnscrypt-resolve exits 2" "$rc" 2
t_match "... and says why" "$out" \
    'bogus\.lab\.test: DNSSEC validation failed: bogus\.lab\.test\. 1: RRSIG expired \(stub\)'
t_match "... and each answer's state" "$out" ';; dnssec: A bogus, AAAA bogus'
out=$(maps "$TREE" "$C_VAL" bogus.lab.test)
t_match "bogus: EAI_AGAIN through the module, never EAI_NONAME" "$out" '^gai=EAI_AGAIN h_errno=2 '
t_match "the debug log says why" "$(cat "$T/val.log" 2>&1)" \
    'bogus\.lab\.test A\+AAAA: DNSSEC validation failed: bogus\.lab\.test\. 1: RRSIG expired \(stub\)'
out=$(resolve "$TREE" "$C_VAL" a4.lab.test TXT); rc=$?
t_eq "a validated NODATA: exit 1" "$rc" 1

# ---- the key cache -------------------------------------------------------
out=$(resolve "$TREE" "$C_CACHE" a4.lab.test); rc=$?
t_eq "with a cache directory: secure" "$rc" 0
t_ok "the validated DNSKEY set is kept in the cache directory (owned by root, 0644)" \
    test -s "$T/cache/dnssec-stub-lab.test." -a "$(stat -c %U:%a "$T/cache/dnssec-stub-lab.test." 2>&1)" = root:644
out=$(resolve "$TREE" "$C_CACHE" a4.lab.test); rc=$?
t_eq "a new process with the kept set: secure" "$rc" 0
t_ok "the verdicts on validated answers are kept there too (secmemo.v1, root, 0644)" \
    test -s "$T/cache/secmemo.v1" -a "$(stat -c %U:%a "$T/cache/secmemo.v1" 2>&1)" = root:644
out=$(maps "$TREE" "$C_CACHE" a4.lab.test)
t_match "a new process whose answers' verdicts are kept: the answer without loading the validator" \
    "$out" '^gai=0 .*first=127\.20\.0\.1 validator=0 ldns=0$'
out=$(maps "$TREE" "$C_CACHE" bogus.lab.test)
t_match "... and a bogus answer, never kept, still loads it and fails" "$out" \
    '^gai=EAI_AGAIN .* validator=1'

# ---- the AD bit through the res_* family ----------------------------------
rq() { # CONF CASE
    with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.dead" env -u LD_LIBRARY_PATH \
        DNSCRYPT_RUN_PRELOAD="$TREE/libdnscrypt-preload.so" "$B/dnscrypt-run" \
        --config "$1" "$B/tests/res_query" "$2" 2>&1
}
hdrs() { grep -c '^ *hdr ' <<<"$1"; }
ads() { grep -c '^ *hdr .*flags=[a-z,]*\bad\b' <<<"$1"; }
cds() { grep -c '^ *hdr .*flags=[a-z,]*\bcd\b' <<<"$1"; }
out=$(rq "$C_VAL" "A a4.lab.test")
n=$(hdrs "$out")
t_ok "res_* calls gave answers ($n)" test "$n" -ge 8
t_eq "secure: AD set in every answer" "$(ads "$out")" "$n"
t_eq "secure: CD (ours) not shown to the caller" "$(cds "$out")" 0
out=$(rq "$C_VAL" "A insecure.lab.test")
n=$(hdrs "$out")
t_ok "insecure: answers ($n)" test "$n" -ge 1
t_eq "insecure: AD clear in every answer" "$(ads "$out")" 0
out=$(rq "$C_NO" "A a4.lab.test")
n=$(hdrs "$out")
t_ok "dnssec no: answers ($n)" test "$n" -ge 8
t_eq "dnssec no: AD clear in every answer" "$(ads "$out")" 0
# The signed lab: answers to DO queries hold RRSIGs (and NSECs for a
# denial); a caller whose query had no DO gets none (RFC 3225 3).
C_SIGNED=$(conf signed "dnssec validate" "trust-anchor $T/anchor")
sed -i "s|^server .*|server $STAMP_SEC|" "$C_SIGNED"
out=$(rq "$C_SIGNED" "A a4.lab.test")
n=$(hdrs "$out")
t_ok "signed zone: answers ($n)" test "$n" -ge 8
t_eq "... with AD" "$(ads "$out")" "$n"
# (ns_sprintrr shows RRSIG, NSEC and NSEC3 as types 46, 47 and 50.)
sigs() { grep -Ec '^ *(an|ns|ar) .* IN (RRSIG|NSEC|NSEC3|46|47|50) ' <<<"$1"; }
t_eq "... and no RRSIG for a caller without DO" "$(sigs "$out")" 0
t_match "... the A record is there" "$out" 'an a4\.lab\.test\.? .*A 127\.20\.0\.1'
out=$(rq "$C_SIGNED" "46 a4.lab.test")
t_match "an RRSIG question gets its RRSIGs" "$out" 'an a4\.lab\.test\.? .* IN 46 '
out=$(rq "$C_SIGNED" "A nodata.lab.test")
t_match "a NODATA answer: its SOA" "$out" 'ns lab\.test\. .* SOA '
t_eq "... and no NSEC or RRSIG in its authority section" "$(sigs "$out")" 0
out=$(rq "$C_VAL" "A bogus.lab.test")
t_eq "bogus: no res_* call gives an answer" "$(hdrs "$out")" 0
t_match "... every one fails with TRY_AGAIN" "$out" 'h_errno=TRY_AGAIN'
t_done
