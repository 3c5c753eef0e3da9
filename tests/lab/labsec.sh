# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# The signed DNSSEC lab (issue 15), sourced by tests/lab/start.sh, which
# calls, in this order: sec_zones (keys, zones, signatures), sec_servers
# (a second NSD and a second dnsdist, pids in $LAB/pids), sec_wait and
# sec_files; sec_zones runs in the background (it needs only $LAB and
# $now) while start.sh makes the rest.  Servers:
#
#   127.0.0.11:53    NSD, authoritative for the lab's private root "." and
#                    the signed zones below (never for a name the first
#                    NSD's tests expect REFUSED: that one, 127.0.0.10,
#                    serves no root)
#   127.0.0.59:53    dnsdist, plain DNS (UDP+TCP) to it, for delv, dig and
#                    glibc nss_dns ($LAB/resolv.conf.sec)
#   127.0.0.58:443   dnsdist, DNSCrypt es-version 2 to it (the lab's provider
#                    key and es 2 certificate), $STAMP_SEC, $LAB/sec.conf
#
# Zones (tests/lab/dnssec-cases lists every case and its outcome; keys are
# made at each lab start, one combined signing key (flags 257) per zone):
#
#   .                    ECDSA P-256; DS for test. and 20.127.in-addr.arpa.
#   test.                ECDSA P-256, NSEC; DS for every child but insecure.
#   lab.test.            Ed25519, NSEC: a copy of the old lab's first names,
#                        a wildcard, CNAMEs into n3.test. and insecure.test.
#   n3.test.             ECDSA P-256, NSEC3 (no salt, 0 iterations, no
#                        opt-out), a wildcard
#   rsa.test. rsa512.test. p384.test.
#                        RSA/SHA-256 and RSA/SHA-512 (1024-bit: fast to make),
#                        ECDSA P-384: one name each
#   20.127.in-addr.arpa. ECDSA P-256: PTR of 127.20.0.1 and 127.20.0.2
#   insecure.test.       unsigned, no DS in test. (insecure)
#   unsupported.test.    signed, but test. has only a DS of algorithm 100
#                        (unassigned): insecure by RFC 4035 5.2
#   expired.test.        RRSIGs expired a day ago (bogus)
#   future.test.         RRSIGs valid from tomorrow (bogus)
#   badds.test.          the DS in test. is that of another key (bogus)
#   nosig.test.          the RRSIG of a.nosig.test. A removed (bogus)
#
# Files in $LAB/dnssec: root.key (the trust anchor: the root's DNSKEY in
# zone file form, as /usr/share/dns/root.key), root.ds, bind.keys (the
# same key as a "trust-anchors" clause, for delv -a), keys/, the zones
# (NAME.zone unsigned, NAME.signed served) and nsd.conf.

# From start.sh: LAB, now (the lab's start time), D (the DNSCrypt keys and
# certificates), PROVIDER_NAME, STAMP_SEC, die, record_pid, wait_for,
# answers and certs.
# shellcheck disable=SC2154
SEC_AUTH=127.0.0.11
SEC_PLAIN=127.0.0.59
SEC_ES2=127.0.0.58:443
SEC_ZONES="test lab.test n3.test rsa.test rsa512.test p384.test insecure.test
    unsupported.test expired.test future.test badds.test nosig.test
    20.127.in-addr.arpa"

# sec_key ZONE ALGORITHM [BITS]: make a key (flags 257) in $SD/keys, print
# its base path
sec_key() {
    local base
    base=$(cd "$SD/keys" && ldns-keygen -r /dev/urandom -k -a "$2" ${3:+-b "$3"} "$1") ||
        die "ldns-keygen $2 $1 failed"
    echo "$SD/keys/$base"
}

# sec_head ZONE: $ORIGIN, $TTL, SOA and NS lines (NS ns.test.: every zone
# is on the one NSD)
sec_head() {
    # shellcheck disable=SC2016  # $ORIGIN and $TTL are zone file directives
    printf '$ORIGIN %s\n$TTL 3600\n@ IN SOA ns.test. hostmaster.test. ( 1 3600 900 604800 60 )\n@ IN NS ns.test.\n' \
        "${1%.}."
}

# sec_sign ZONE KEY [LDNS-SIGNZONE OPTIONS]: $SD/ZONE.zone -> ZONE.signed,
# valid from an hour ago for 30 days unless the options say otherwise
sec_sign() {
    local z=$1 k=$2
    shift 2
    ldns-signzone -i "$((now - 3600))" -e "$((now + 30 * 86400))" "$@" \
        -f "$SD/$z.signed" -o "$z." "$SD/$z.zone" "$k" >"$SD/sign.log" 2>&1 ||
        { cat "$SD/sign.log" >&2; die "ldns-signzone $z failed"; }
}

sec_zones() {
    SD=$LAB/dnssec
    mkdir -p "$SD/keys"
    local z k
    declare -A key=()
    for z in . test n3.test 20.127.in-addr.arpa expired.test future.test \
             badds.test nosig.test unsupported.test; do
        key[$z]=$(sec_key "$z" ECDSAP256SHA256)
    done
    key[lab.test]=$(sec_key lab.test ED25519)
    key[p384.test]=$(sec_key p384.test ECDSAP384SHA384)
    key[rsa.test]=$(sec_key rsa.test RSASHA256 1024)
    key[rsa512.test]=$(sec_key rsa512.test RSASHA512 1024)
    local other
    other=$(sec_key badds.test ECDSAP256SHA256)  # its DS goes in test.: no key matches

    # ---- the leaves ----
    { sec_head lab.test; cat <<'EOF'
a4 IN A 127.20.0.1
a6 IN AAAA ::1
both IN A 127.20.0.2
both IN AAAA ::1
two4 IN A 127.20.0.3
two4 IN A 127.20.0.4
alias1 IN CNAME alias2
alias2 IN CNAME both
cname-ext IN CNAME a4.lab.test.
to-n3 IN CNAME a.n3.test.
to-insecure IN CNAME a.insecure.test.
nodata IN TXT "no address here"
*.wild IN A 127.20.1.1
EOF
    } >"$SD/lab.test.zone"
    { sec_head n3.test; cat <<'EOF'
a IN A 127.20.3.1
a IN AAAA 2001:db8::3:1
both IN A 127.20.3.2
both IN AAAA 2001:db8::3:2
nodata IN TXT "no address here"
*.wild IN A 127.20.3.9
EOF
    } >"$SD/n3.test.zone"
    { sec_head insecure.test; cat <<'EOF'
a IN A 127.20.2.1
a IN AAAA 2001:db8::2:1
EOF
    } >"$SD/insecure.test.zone"
    { sec_head 20.127.in-addr.arpa; cat <<'EOF'
1.0 IN PTR a4.lab.test.
2.0 IN PTR both.lab.test.
EOF
    } >"$SD/20.127.in-addr.arpa.zone"
    local n=4
    for z in expired future badds nosig unsupported rsa rsa512 p384; do
        { sec_head "$z.test"; echo "a IN A 127.20.$n.1"; echo "b IN A 127.20.$n.2"; } \
            >"$SD/$z.test.zone"
        n=$((n + 1))
    done
    cp "$SD/insecure.test.zone" "$SD/insecure.test.signed"   # served unsigned
    sec_sign lab.test "${key[lab.test]}"
    sec_sign n3.test "${key[n3.test]}" -n -t 0
    sec_sign 20.127.in-addr.arpa "${key[20.127.in-addr.arpa]}"
    for z in badds nosig unsupported rsa rsa512 p384; do
        sec_sign "$z.test" "${key[$z.test]}"
    done
    sec_sign expired.test "${key[expired.test]}" -i "$((now - 30 * 86400))" -e "$((now - 86400))"
    sec_sign future.test "${key[future.test]}" -i "$((now + 86400))" -e "$((now + 30 * 86400))"
    # The RRSIG of a.nosig.test. A goes; b.nosig.test. keeps its own.
    sed -i -E '/^a\.nosig\.test\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+RRSIG[[:space:]]+A[[:space:]]/d' \
        "$SD/nosig.test.signed"

    # ---- test. ----
    { sec_head test; echo "ns IN A $SEC_AUTH"
      for z in lab n3 insecure expired future badds nosig unsupported rsa rsa512 p384; do
          echo "$z IN NS ns.test."
      done
      for z in lab n3 expired future nosig rsa rsa512 p384; do
          cat "${key[$z.test]}.ds"
      done
      cat "$other.ds"
      # RFC 4035 5.2: a DS RRset with no supported algorithm: insecure
      echo "unsupported IN DS 4711 100 2 $(sha256sum "${key[unsupported.test]}.key" | cut -c1-64)"
    } >"$SD/test.zone"
    sec_sign test "${key[test]}"

    # ---- the root ----
    { sec_head .; echo "ns.test. IN A $SEC_AUTH"
      echo "test. IN NS ns.test."
      echo "20.127.in-addr.arpa. IN NS ns.test."
      cat "${key[test]}.ds" "${key[20.127.in-addr.arpa]}.ds"
    } >"$SD/root.zone"
    ldns-signzone -i "$((now - 3600))" -e "$((now + 30 * 86400))" -f "$SD/root.signed" \
        -o . "$SD/root.zone" "${key[.]}" >"$SD/sign.log" 2>&1 ||
        { cat "$SD/sign.log" >&2; die "ldns-signzone . failed"; }

    # ---- the trust anchor, in two forms ----
    sed -e 's/[[:space:]]*;.*$//' "${key[.]}.key" >"$SD/root.key"
    cp "${key[.]}.ds" "$SD/root.ds"
    local flags proto alg pub
    read -r _ _ _ flags proto alg pub <"$SD/root.key"
    printf 'trust-anchors {\n\t. static-key %s %s %s "%s";\n};\n' \
        "$flags" "$proto" "$alg" "$pub" >"$SD/bind.keys"

    for z in root $SEC_ZONES; do
        local name=$z
        [ "$z" = root ] && name=.
        nsd-checkzone "$name" "$SD/$z.signed" >"$SD/checkzone.log" 2>&1 ||
            { cat "$SD/checkzone.log" >&2; die "signed zone $name does not load"; }
    done
}

sec_servers() {
    local z
    SD=$LAB/dnssec
    {
        cat <<EOF
server:
    ip-address: $SEC_AUTH
    port: 53
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "$SD"
    database: ""
    zonelistfile: "$SD/zone.list"
    xfrdfile: "$SD/xfrd.state"
    xfrdir: "$SD"
    pidfile: "$SD/nsd.pid"
    logfile: "$LAB/nsd-sec.log"
    verbosity: $([ "${LAB_VERBOSE:-}" = 1 ] && echo 2 || echo 0)
    hide-version: yes
    rrl-ratelimit: 0
    minimal-responses: yes
    server-count: 1
remote-control:
    control-enable: no
zone:
    name: "."
    zonefile: root.signed
EOF
        for z in $SEC_ZONES; do
            printf 'zone:\n    name: %s\n    zonefile: %s.signed\n' "$z" "$z"
        done
    } >"$SD/nsd.conf"
    nsd-checkconf "$SD/nsd.conf" || die "$SD/nsd.conf rejected"
    nsd -c "$SD/nsd.conf" -d </dev/null >"$LAB/nsd-sec.out" 2>&1 &
    record_pid $! nsd

    cat >"$LAB/dnsdist-sec.conf" <<EOF
-- the signed lab's dnsdist (tests/lab/labsec.sh): no console
setSecurityPollSuffix("")
setLocal("$SEC_PLAIN:53")
newServer({address="$SEC_AUTH:53", name="nsd-sec"}):setUp()
addDNSCryptBind("$SEC_ES2", "$PROVIDER_NAME", "$D/es2.cert", "$D/es2.key")
EOF
    dnsdist -C "$LAB/dnsdist-sec.conf" --check-config >"$LAB/dnsdist-sec-check.log" 2>&1 ||
        { cat "$LAB/dnsdist-sec-check.log" >&2; die "dnsdist-sec.conf rejected"; }
    local opts=(--supervised --disable-syslog -C "$LAB/dnsdist-sec.conf")
    [ "${LAB_VERBOSE:-}" = 1 ] && opts+=(-v)
    dnsdist "${opts[@]}" </dev/null >"$LAB/dnsdist-sec.log" 2>&1 &
    record_pid $! dnsdist
}

sec_wait() {
    wait_for "signed NSD ($SEC_AUTH:53)" answers "$SEC_AUTH" 53 a4.lab.test A 127.20.0.1
    wait_for "signed dnsdist plain ($SEC_PLAIN:53)" answers "$SEC_PLAIN" 53 a4.lab.test A 127.20.0.1
    wait_for "signed dnsdist DNSCrypt $SEC_ES2" certs "${SEC_ES2%:*}" "${SEC_ES2##*:}"
}

sec_files() {
    SD=$LAB/dnssec
    printf 'server %s\ncert-cache none\ndnssec validate\ntrust-anchor %s\n' \
        "$STAMP_SEC" "$SD/root.key" >"$LAB/sec.conf"
    printf 'nameserver %s\noptions attempts:2 timeout:2\n' "$SEC_PLAIN" >"$LAB/resolv.conf.sec"
    echo "$SEC_ES2" >>"$LAB/extra-listeners"   # zz_capture.sh checks it too
}
