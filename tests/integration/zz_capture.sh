#!/bin/bash
# SPDX-License-Identifier: ISC
# Run last by tests/run.sh, after tcpdump has stopped: check the whole
# run's loopback capture ($LAB/capture.pcap).  The only plaintext DNS sent
# to a DNSCrypt listener may be the certificate query (TXT $PROVIDER_NAME);
# everything else sent there must be DNSCrypt (start with the client magic
# of a certificate the lab served).  Queries to $PLAIN_DNS (glibc
# comparisons) and $AUTH_DNS (dnsdist's backend) are expected and ignored.
# The signed lab's DNSCrypt listener (labsec.sh) and DNSCrypt servers that
# tests start themselves are checked too when the
# test lists them in $LAB/extra-listeners (one ADDR:PORT per line, as in
# $DNSCRYPT_LISTENERS) and puts their certificates in $LAB/dnscrypt/*.cert
# (or lets the capture show them being fetched).
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

PCAP=${CAPTURE:-$LAB/capture.pcap}
if [ ! -e "$PCAP" ] && [ -n "${DC_LAB_USERNS:-}" ]; then
    t_skip "loopback capture check" "no capture: tcpdump cannot run unprivileged"
    t_done
fi
if [ ! -s "$PCAP" ]; then
    t_fail "capture file $PCAP exists"
    t_done
fi

listeners=$DNSCRYPT_LISTENERS
if [ -s "$LAB/extra-listeners" ]; then
    listeners="$listeners $(tr -s '\n' ' ' <"$LAB/extra-listeners")"
    t_diag "also checked: $(wc -l <"$LAB/extra-listeners") listener(s) from $LAB/extra-listeners (the signed lab's, tests')"
fi
# shellcheck disable=SC2086
out=$(python3 "$REPO/tests/lab/pcapcheck.py" "$PCAP" "$PROVIDER_NAME" \
    "$listeners" "$LAB"/dnscrypt/*.cert 2>&1)
rc=$?
get() { sed -n "s/^$1 //p" <<<"$out" | head -n 1; }
if [ "$rc" -ne 0 ] || [ -n "$(get error)" ]; then
    t_fail "capture can be parsed" "$out"
    t_done
fi
t_pass "capture can be parsed ($(get packets) packets, link type $(get linktype))"

cert=$(get cert)
leak=$(get leak)
dnscrypt=$(get dnscrypt)
dnscrypt_udp=$(get dnscrypt_udp)
short=$(get short_udp)
total=$((cert + leak))
if [ "$leak" -eq 0 ]; then
    t_pass "no plaintext DNS query to a DNSCrypt listener but certificate fetches"
    t_diag "plaintext queries to DNSCrypt ports: $total (all certificate fetches)"
else
    # shellcheck disable=SC2046
    t_fail "no plaintext DNS query to a DNSCrypt listener but certificate fetches" \
        "plaintext queries to DNSCrypt ports: $total ($leak not certificate fetches)" \
        "$(grep '^leak: ' <<<"$out")"
fi
t_diag "DNSCrypt packets: $dnscrypt ($dnscrypt_udp over UDP; $(get responses) DNSCrypt responses)"
t_diag "client magics: $(get magics)"
other=$(get other)
if [ "$other" -gt 0 ]; then
    t_diag "other messages to DNSCrypt ports (neither DNS nor a known magic): $other"
    t_diag "$(grep '^other: ' <<<"$out")"
fi
[ "$(get fragments)" -eq 0 ] || t_diag "IP fragments to/from DNSCrypt ports (not checked): $(get fragments)"
if [ -r "$LAB/tcpdump.log" ]; then
    drops=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$LAB/tcpdump.log")
    [ "${drops:-0}" -eq 0 ] || t_diag "WARNING: tcpdump dropped $drops packets: the check may have missed some"
fi

if [ "$dnscrypt_udp" -eq 0 ]; then
    t_skip "DNSCrypt UDP queries are padded to at least 256 bytes" "no DNSCrypt UDP query"
elif [ "$short" -eq 0 ]; then
    t_pass "DNSCrypt UDP queries are padded to at least 256 bytes"
else
    t_fail "DNSCrypt UDP queries are padded to at least 256 bytes" "$short shorter" \
        "$(grep '^short: ' <<<"$out")"
fi

if [ "$dnscrypt" -gt 0 ]; then
    t_pass "DNSCrypt traffic was captured"
else
    t_skip "DNSCrypt traffic was captured" "no test sent a DNSCrypt query"
fi
t_done
