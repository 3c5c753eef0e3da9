#!/bin/bash
# SPDX-License-Identifier: ISC
# Start the test lab in $LAB (an empty work directory) inside a private
# network namespace (see tests/lab/ns.sh; tests/run.sh and
# tests/lab/shell.sh set one up).  Servers:
#
#   127.0.0.10:53      NSD, authoritative for lab.test, 0.20.127.in-addr.arpa
#                      and the ip6.arpa zone of ::1
#   127.0.0.53:53      dnsdist, plain DNS (UDP+TCP), for glibc nss_dns
#   127.0.0.54:443     dnsdist, DNSCrypt es-version 2
#   127.0.0.55:443     dnsdist, DNSCrypt es-version 1
#   127.0.0.56:443     dnsdist, DNSCrypt with both an es 1 and an es 2 cert
#   [::1]:8443         dnsdist, DNSCrypt es-version 2
#   127.0.0.57:443     dnsdist, DNSCrypt es-version 2, for tests that rotate its
#                      keys (getDNSCryptBind(4); lib.sh: lab_rotate_keys)
#   127.0.0.1:5199     dnsdist console (tests/integration/lib.sh: lab_console)
#   127.0.0.11:53      NSD, the signed DNSSEC lab: a private root and signed
#                      zones (tests/lab/labsec.sh; tests/lab/dnssec-cases)
#   127.0.0.59:53      a second dnsdist, plain DNS to 127.0.0.11
#   127.0.0.58:443     the second dnsdist, DNSCrypt es-version 2 to 127.0.0.11
#
# Writes $LAB/env (source it), $LAB/{es2,es1,both,v6,sec}.conf,
# $LAB/resolv.conf.{plain,dead,sec}, $LAB/nsswitch.conf.{dns,dnscrypt},
# $LAB/dnssec/ (keys, signed zones, trust anchors) and
# records "PID COMM" lines in $LAB/pids (tests/lab/stop.sh kills them).
# LAB_VERBOSE=1 makes the servers log more (dnsdist -v).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/labsec.sh
. "$HERE/labsec.sh"
: "${LAB:?LAB must name the lab work directory}"
LAB=$(cd "$LAB" && pwd)
case $LAB in
    *[!A-Za-z0-9._/-]*) echo "lab: unsupported characters in LAB=$LAB" >&2; exit 1 ;;
esac
if [ -z "${DC_LAB_NETNS:-}" ] && [ "${LAB_ALLOW_HOST_NETNS:-}" != 1 ]; then
    echo "lab: refusing to start outside a private network namespace" \
         "(use tests/run.sh or tests/lab/shell.sh)" >&2
    exit 1
fi

t0=$EPOCHREALTIME
PROVIDER_NAME=2.dnscrypt-cert.lab.test
AUTH_DNS=127.0.0.10
PLAIN_DNS=127.0.0.53
CONSOLE=127.0.0.1:5199
ES2=127.0.0.54:443
ES1=127.0.0.55:443
BOTH=127.0.0.56:443
V6='[::1]:8443'
ROT=127.0.0.57:443

die() {
    echo "lab: $*" >&2
    local f
    for f in "$LAB"/nsd.log "$LAB"/nsd.out "$LAB"/dnsdist.log \
             "$LAB"/nsd-sec.log "$LAB"/nsd-sec.out "$LAB"/dnsdist-sec.log; do
        [ -s "$f" ] || continue
        echo "---- $f" >&2
        tail -n 40 "$f" >&2
    done
    exit 1
}

record_pid() { # PID COMM (the name the process will have once exec'd)
    echo "$1 $2" >>"$LAB/pids"
}

: >"$LAB/pids"
: >"$LAB/extra-listeners"

# ---- DNSCrypt provider key and certificates (dnsdist, no server) --------
D=$LAB/dnscrypt
mkdir -p "$D"
now=$(date +%s)
# the signed lab's keys and zones (labsec.sh), meanwhile
sec_zones >"$LAB/labsec.log" 2>&1 &
sec_zones_pid=$!
cat >"$D/generate.conf" <<EOF
-- Run with: dnsdist -C generate.conf --check-config
-- (the configuration is executed, so the files are written, then dnsdist exits)
generateDNSCryptProviderKeys("$D/provider.pub", "$D/provider.key")
generateDNSCryptCertificate("$D/provider.key", "$D/es2.cert", "$D/es2.key", 1, $((now - 3600)), $((now + 86400)), DNSCryptExchangeVersion.VERSION2)
generateDNSCryptCertificate("$D/provider.key", "$D/es1.cert", "$D/es1.key", 1, $((now - 3600)), $((now + 86400)), DNSCryptExchangeVersion.VERSION1)
EOF
dnsdist -C "$D/generate.conf" --check-config >"$D/generate.log" 2>&1 ||
    { cat "$D/generate.log" >&2; die "dnsdist could not generate keys"; }
for f in provider.pub:32 provider.key:64 es2.cert:124 es1.cert:124 es2.key:32 es1.key:32; do
    [ "$(stat -c %s "$D/${f%%:*}" 2>/dev/null)" = "${f#*:}" ] ||
        die "dnsdist wrote no ${f#*:}-byte $D/${f%%:*}"
done

# ---- zones, stamps, console key (one python3 run: its start-up is slow) ----
mkdir -p "$LAB/nsd"
values=$(python3 "$HERE/labtool.py" setup "$LAB/nsd" "$D/provider.pub" "$PROVIDER_NAME" \
    STAMP_ES2="$ES2" STAMP_ES1="$ES1" STAMP_BOTH="$BOTH" STAMP_V6="$V6" STAMP_ROT="$ROT" STAMP_SEC="$SEC_ES2") ||
    die "zone generation or stamp computation failed"
eval "$values"

# ---- NSD --------------------------------------------------------------
IP6_LOOPBACK_ZONE=1$(printf '.0%.0s' {1..31}).ip6.arpa
for z in lab.test:lab.test.zone 0.20.127.in-addr.arpa:0.20.127.in-addr.arpa.zone \
         "$IP6_LOOPBACK_ZONE:ip6-loopback.zone"; do
    nsd-checkzone "${z%%:*}" "$LAB/nsd/${z#*:}" >"$LAB/nsd-checkzone.log" 2>&1 ||
        { cat "$LAB/nsd-checkzone.log" >&2; die "zone ${z%%:*} does not load"; }
done

cat >"$LAB/nsd.conf" <<EOF
server:
    ip-address: $AUTH_DNS
    port: 53
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "$LAB/nsd"
    database: ""
    zonelistfile: "$LAB/nsd/zone.list"
    xfrdfile: "$LAB/nsd/xfrd.state"
    xfrdir: "$LAB/nsd"
    pidfile: "$LAB/nsd/nsd.pid"
    logfile: "$LAB/nsd.log"
    verbosity: $([ "${LAB_VERBOSE:-}" = 1 ] && echo 2 || echo 0)
    hide-version: yes
    rrl-ratelimit: 0
    minimal-responses: yes
    tcp-count: 256
    server-count: 2
remote-control:
    control-enable: no
zone:
    name: lab.test
    zonefile: lab.test.zone
zone:
    name: 0.20.127.in-addr.arpa
    zonefile: 0.20.127.in-addr.arpa.zone
zone:
    name: $IP6_LOOPBACK_ZONE
    zonefile: ip6-loopback.zone
EOF
nsd-checkconf "$LAB/nsd.conf" || die "nsd.conf rejected"
nsd -c "$LAB/nsd.conf" -d </dev/null >"$LAB/nsd.out" 2>&1 &
record_pid $! nsd

# ---- dnsdist ------------------------------------------------------------
cat >"$LAB/dnsdist.conf" <<EOF
-- test lab dnsdist (generated by tests/lab/start.sh)
setSecurityPollSuffix("")
controlSocket("$CONSOLE")
setKey("$CONSOLE_KEY")
setConsoleConnectionsLogging(false)
setLocal("$PLAIN_DNS:53")
-- administratively up: no health-check queries, no start-up race with NSD
newServer({address="$AUTH_DNS:53", name="nsd"}):setUp()
addDNSCryptBind("$ES2", "$PROVIDER_NAME", "$D/es2.cert", "$D/es2.key")
addDNSCryptBind("$ES1", "$PROVIDER_NAME", "$D/es1.cert", "$D/es1.key")
addDNSCryptBind("$BOTH", "$PROVIDER_NAME", {"$D/es1.cert", "$D/es2.cert"}, {"$D/es1.key", "$D/es2.key"})
addDNSCryptBind("$V6", "$PROVIDER_NAME", "$D/es2.cert", "$D/es2.key")
-- bind 4: its keys are rotated by tests (lab_rotate_keys), the others never
addDNSCryptBind("$ROT", "$PROVIDER_NAME", "$D/es2.cert", "$D/es2.key")
EOF
dnsdist -C "$LAB/dnsdist.conf" --check-config >"$LAB/dnsdist-check.log" 2>&1 ||
    { cat "$LAB/dnsdist-check.log" >&2; die "dnsdist.conf rejected"; }
dd_opts=(--supervised --disable-syslog -C "$LAB/dnsdist.conf")
[ "${LAB_VERBOSE:-}" = 1 ] && dd_opts+=(-v)
dnsdist "${dd_opts[@]}" </dev/null >"$LAB/dnsdist.log" 2>&1 &
record_pid $! dnsdist
wait "$sec_zones_pid" || { cat "$LAB/labsec.log" >&2; die "the signed lab's zones could not be made"; }
sec_servers

# ---- configuration files ------------------------------------------------
for c in es2:"$STAMP_ES2" es1:"$STAMP_ES1" both:"$STAMP_BOTH" v6:"$STAMP_V6"; do
    printf 'server %s\ncert-cache none\n' "${c#*:}" >"$LAB/${c%%:*}.conf"
done
printf 'nameserver %s\noptions attempts:2 timeout:2\n' "$PLAIN_DNS" >"$LAB/resolv.conf.plain"
printf 'nameserver 127.0.0.99\n' >"$LAB/resolv.conf.dead"
for s in dns dnscrypt; do
    printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files %s\nnetworks: files\nprotocols: files\nservices: files\n' \
        "$s" >"$LAB/nsswitch.conf.$s"
done

# ---- wait until everything answers ----------------------------------------
deadline=$(($(date +%s) + 60))      # a loaded machine starts servers slowly
wait_for() { # DESCRIPTION CMD...
    local desc=$1
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || die "$desc is not up after 60 s"
        local p c
        while read -r p c; do
            case $(sed -e 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1) in
                '' | Z | X) die "$desc: $c ($p) exited" ;;
            esac
        done <"$LAB/pids"
        sleep 0.05
    done
}
answers() { # SERVER PORT NAME TYPE EXPECT [DIG-OPTIONS...]
    [ "$(dig +time=1 +tries=1 +short "${@:6}" -p "$2" "@$1" "$3" "$4")" = "$5" ]
}
certs() { # HOST PORT: the certificate TXT query answers with a certificate
    dig +time=1 +tries=1 +short -p "$2" "@$1" "$PROVIDER_NAME" TXT | grep -q '^"DNSC'
}
wait_for "NSD ($AUTH_DNS:53)" answers "$AUTH_DNS" 53 a4.lab.test A 127.20.0.1
wait_for "dnsdist plain ($PLAIN_DNS:53)" answers "$PLAIN_DNS" 53 a4.lab.test A 127.20.0.1
wait_for "dnsdist plain TCP ($PLAIN_DNS:53)" answers "$PLAIN_DNS" 53 a4.lab.test A 127.20.0.1 +tcp
wait_for "dnsdist DNSCrypt $ES2" certs 127.0.0.54 443
wait_for "dnsdist DNSCrypt $ES1" certs 127.0.0.55 443
wait_for "dnsdist DNSCrypt $BOTH" certs 127.0.0.56 443
wait_for "dnsdist DNSCrypt $V6" certs ::1 8443
wait_for "dnsdist DNSCrypt $ROT" certs 127.0.0.57 443
sec_wait
sec_files

cat >"$LAB/env" <<EOF
# test lab environment (tests/lab/start.sh); source it
export LAB='$LAB'
export LAB_ZONE='lab.test'
export AUTH_DNS='$AUTH_DNS'
export PLAIN_DNS='$PLAIN_DNS'
export PROVIDER_NAME='$PROVIDER_NAME'
export PROVIDER_PK_HEX='$PROVIDER_PK_HEX'
export STAMP_ES2='$STAMP_ES2'
export STAMP_ES1='$STAMP_ES1'
export STAMP_BOTH='$STAMP_BOTH'
export STAMP_V6='$STAMP_V6'
export STAMP_ROT='$STAMP_ROT'
export ROT_LISTENER='$ROT'
export DNSCRYPT_LISTENERS='$ES2 $ES1 $BOTH $V6'
export LONGNAME='$LONGNAME'
export DNSDIST_CONF='$LAB/dnsdist.conf'
export DNSDIST_CONSOLE='$CONSOLE'
export SEC_AUTH='$SEC_AUTH'
export SEC_PLAIN='$SEC_PLAIN'
export SEC_LISTENER='$SEC_ES2'
export STAMP_SEC='$STAMP_SEC'
export SEC_ANCHOR='$LAB/dnssec/root.key'
export SEC_BIND_KEYS='$LAB/dnssec/bind.keys'
export SEC_CASES='$HERE/dnssec-cases'
EOF
t1=$EPOCHREALTIME
ms=$(( (${t1/./} - ${t0/./}) / 1000 ))
printf 'lab: up in %d.%03d s (%s)\n' $((ms / 1000)) $((ms % 1000)) "$LAB"
