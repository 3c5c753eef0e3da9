#!/bin/bash
# SPDX-License-Identifier: ISC
# A configuration that exists but cannot be read, or is wrong, fails closed
# (issue 14, 3): only no file at all, or a file that names no server, is
# "not configured" (UNAVAIL).
#
# nsswitch.conf "hosts: files dnscrypt [!UNAVAIL=return] dns" (what
# nss-dnscrypt-enable writes) with resolv.conf pointing at the lab's plain
# DNS (dnsdist 127.0.0.53).
# The unreadable file: NSS_DNSCRYPT_CONF naming a working configuration of
# mode 0600 owned by root, read by uid 65534 (setpriv):
#  - getaddrinfo (python3) fails with EAI_AGAIN, getent ahosts exits 2,
#    and not one packet goes to 127.0.0.53 (tcpdump);
#  - the same through the preload library (getaddrinfo and res_query:
#    h_errno TRY_AGAIN) and dnscrypt-resolve (exit 2, says why in words,
#    also --check-config --offline); dnscrypt-run refuses to start the
#    program (exit 78);
# controls: root reads that file and resolves over DNSCrypt; uid 65534
# resolves with the same file at mode 0644; with no file at all, uid
# 65534 falls back to plain DNS (so the capture sees packets when there
# are some).
# The wrong files: a syntax error, an unknown keyword, a bad stamp, a bad
# value (through NSS_DNSCRYPT_CONF), a bad NSS_DNSCRYPT_SERVER, and
# /etc/nss-dnscrypt.conf (the default path, in an overlay of /etc) writable
# by others, by its group, or owned by uid 65534: getent ahosts exits 2
# and getaddrinfo says EAI_AGAIN for each, the preload library's res_query
# TRY_AGAIN, dnscrypt-resolve exit 2 with the parser's words, dnscrypt-run
# exit 78; no packet to the plain server.  Controls: an empty file, a file
# of comments only, and the default path absent are UNAVAIL and reach dns.
# The files live on a tmpfs over /srv in a private mount namespace (the
# script re-executes itself under unshare --mount): $LAB is 0700.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

if [ -n "${DC_LAB_USERNS:-}" ] || [ "$(id -u)" -ne 0 ]; then
    t_skip "unreadable configuration" "needs real root (uid 65534 and root-owned files)"
    t_done
fi
command -v setpriv >/dev/null || { t_skip "unreadable configuration" "setpriv not installed"; t_done; }
if [ -z "${T24_IN_NS:-}" ]; then
    export T24_IN_NS=1
    exec unshare --mount --propagation private -- bash "$0" "$@"
fi

T=$(lab_tmp t24)
mount -t tmpfs -o mode=755 t24srv /srv || { t_fail "tmpfs on /srv"; t_done; }
printf 'server %s\ncert-cache none\n' "$STAMP_ES2" >/srv/secret.conf
cp /srv/secret.conf /srv/open.conf
chmod 600 /srv/secret.conf
chmod 644 /srv/open.conf
mkdir -m 1777 /srv/w
printf 'hosts: files dnscrypt [!UNAVAIL=return] dns\n' >"$T/nsswitch.conf"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
N=a4.lab.test

# py: getaddrinfo(NAME) from python3: "ok ADDRS" or the EAI_* name.
# shellcheck disable=SC2317  # called by name in bash -c (export -f)
py() {
    python3 -c '
import socket, sys
try:
    r = socket.getaddrinfo(sys.argv[1], None, socket.AF_INET)
    print("ok " + " ".join(sorted({a[4][0] for a in r})))
except socket.gaierror as e:
    names = {socket.EAI_AGAIN: "EAI_AGAIN", socket.EAI_NONAME: "EAI_NONAME"}
    print(names.get(e.errno, "EAI %d" % e.errno))' "$1" 2>&1
}
# nss CONF CMD...: through the module, with the fallback line
nss() {
    local conf=$1
    shift
    NSS_DNSCRYPT_CONF=$conf with_nss "$T/nsswitch.conf" "$LAB/resolv.conf.plain" "$@"
}
# pre CONF CMD...: through the preload library ("hosts: files dns")
pre() {
    local conf=$1
    shift
    NSS_DNSCRYPT_CONF=$conf with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" \
        env -u LD_LIBRARY_PATH LD_PRELOAD="$B/libdnscrypt-preload.so" "$@"
}
# shellcheck disable=SC2329,SC2317  # exported to the with_nss children
export -f py

# ---- controls -----------------------------------------------------------------
t_eq "control: root reads the 0600 file and resolves over DNSCrypt" \
    "$(nss /srv/secret.conf bash -c "py $N")" "ok 127.20.0.1"
t_eq "control: uid 65534 resolves with the same file at mode 0644" \
    "$(nss /srv/open.conf "${NOBODY[@]}" bash -c "py $N")" "ok 127.20.0.1"

if cap_start "$T/fallback.pcap" "$PLAIN_DNS"; then
    out=$(nss /srv/none.conf "${NOBODY[@]}" bash -c "py $N")
    n=$(cap_stop)
    t_eq "control: no file at all is UNAVAIL, so [!UNAVAIL=return] goes on to dns" "$out" "ok 127.20.0.1"
    t_ok "control: ... and the capture sees its plain queries ($n packets to port 53)" [ "$n" -gt 0 ]
    CAP=1
else
    t_skip "control: no file falls back to dns (captured)" "tcpdump cannot run here"
    CAP=
fi

# ---- the unreadable file ------------------------------------------------------
[ -z "$CAP" ] || cap_start "$T/closed.pcap" "$PLAIN_DNS" || CAP=
t_eq "uid 65534, 0600 root file: getaddrinfo fails with EAI_AGAIN, no fallback to dns" \
    "$(nss /srv/secret.conf "${NOBODY[@]}" bash -c "py $N")" "EAI_AGAIN"
out=$(nss /srv/secret.conf "${NOBODY[@]}" getent ahosts "$N" 2>&1)
t_eq "uid 65534, 0600 root file: getent ahosts exits 2, prints nothing" "$? [$out]" "2 []"
t_eq "preload library: getaddrinfo fails with EAI_AGAIN" \
    "$(pre /srv/secret.conf "${NOBODY[@]}" bash -c "py $N")" "EAI_AGAIN"
out=$(pre /srv/secret.conf "${NOBODY[@]}" "$B/tests/res_query" "A $N" 2>&1 | grep '^res_query ')
t_eq "preload library: res_query fails with TRY_AGAIN" "$out" "res_query A $N: ret=-1 h_errno=TRY_AGAIN"
t_eq "preload control: the 0644 file resolves" \
    "$(pre /srv/open.conf "${NOBODY[@]}" bash -c "py $N")" "ok 127.20.0.1"
if [ -n "$CAP" ]; then
    n=$(cap_stop)
    t_eq "no packet went to the plain DNS server meanwhile" "$n" 0
fi

# ---- the tools ----------------------------------------------------------------
why="/srv/secret.conf exists but cannot be read (Permission denied): name lookups fail until this process can read it; they never fall back to plain DNS"
out=$(NSS_DNSCRYPT_CONF=/srv/secret.conf "${NOBODY[@]}" "$B/dnscrypt-resolve" "$N" 2>&1)
t_eq "dnscrypt-resolve: exit 2 and the reason in words" "$? $out" "2 dnscrypt-resolve: $why"
out=$(NSS_DNSCRYPT_CONF=/srv/secret.conf "${NOBODY[@]}" "$B/dnscrypt-resolve" --check-config --offline 2>&1)
t_eq "dnscrypt-resolve --check-config --offline: exit 2, same words" "$? $out" "2 dnscrypt-resolve: $why"
out=$(NSS_DNSCRYPT_CONF=/srv/secret.conf DNSCRYPT_RUN_PRELOAD="$B/libdnscrypt-preload.so" \
      "${NOBODY[@]}" "$B/dnscrypt-run" touch /srv/w/ran 2>&1)
rc=$?
t_eq "dnscrypt-run: refuses to start the program (exit 78), says why" "$rc $out" \
    "78 dnscrypt-run: no usable configuration, not running touch:
  $why"
t_ok "dnscrypt-run: the program did not run" [ ! -e /srv/w/ran ]

# ---- files that are there but wrong ---------------------------------------------
# The default path: /etc becomes an overlay of itself in this namespace.
lab_overlay_root "$T/ov" t24ov "an overlay of /etc for /etc/nss-dnscrypt.conf"
SYS=/etc/nss-dnscrypt.conf
rm -f "$SYS"
good="server $STAMP_ES2"$'\n''cert-cache none'
printf '%s\nserver\n' "$good" >/srv/syntax.conf
printf '%s\nsever x\n' "$good" >/srv/keyword.conf
printf 'server sdns://garbage\ncert-cache none\n' >/srv/stamp.conf
printf '%s\ntimeout 9x\n' "$good" >/srv/value.conf
: >/srv/empty.conf
printf '# no server here\n\n   # nor here\n' >/srv/comments.conf
chmod 644 /srv/*.conf
chmod 600 /srv/secret.conf
declare -A WHY=(
    [syntax]="/srv/syntax.conf:3: server needs a value"
    [keyword]="/srv/keyword.conf:3: unknown keyword 'sever'"
    [stamp]="/srv/stamp.conf:1: stamp: "
    [value]="/srv/value.conf:3: timeout must be 50..30000 milliseconds, got '9x'"
    [envserver]="NSS_DNSCRYPT_SERVER: stamp: "
    [o+w]="$SYS is writable by others; refusing it"
    [g+w]="$SYS is writable by its group; refusing it"
    [owner]="$SYS is owned by uid 65534, not root; refusing it"
)
# setup CASE: the files for CASE; prints the environment to run with.
setup() {
    case $1 in
        o+w|g+w|owner)
            printf '%s\n' "$good" >"$SYS"
            chown 0:0 "$SYS"
            case $1 in
                o+w) chmod 646 "$SYS" ;;
                g+w) chmod 664 "$SYS" ;;
                owner) chmod 644 "$SYS"; chown 65534:65534 "$SYS" ;;
            esac
            echo "-u NSS_DNSCRYPT_CONF" ;;
        envserver) rm -f "$SYS"; echo "NSS_DNSCRYPT_CONF=/srv/open.conf NSS_DNSCRYPT_SERVER=sdns://garbage" ;;
        *) rm -f "$SYS"; echo "NSS_DNSCRYPT_CONF=/srv/$1.conf" ;;
    esac
}
CASES=(syntax keyword stamp value envserver o+w g+w owner)
[ -z "$CAP" ] || cap_start "$T/wrong.pcap" "$PLAIN_DNS" || CAP=
for c in "${CASES[@]}"; do
    # shellcheck disable=SC2207  # words of the environment
    E=($(setup "$c"))
    out=$(nss /srv/open.conf env "${E[@]}" getent ahosts "$N" 2>&1)
    t_eq "$c: getent ahosts exits 2, prints nothing (no fallback to dns)" "$? [$out]" "2 []"
    t_eq "$c: getaddrinfo fails with EAI_AGAIN" \
        "$(nss /srv/open.conf env "${E[@]}" bash -c "py $N")" "EAI_AGAIN"
    out=$(pre /srv/open.conf env "${E[@]}" "$B/tests/res_query" "A $N" 2>&1 | grep '^res_query ')
    t_eq "$c: preload library: res_query fails with TRY_AGAIN" "$out" \
        "res_query A $N: ret=-1 h_errno=TRY_AGAIN"
    out=$(env "${E[@]}" "$B/dnscrypt-resolve" "$N" 2>&1)
    rc=$?
    t_match "$c: dnscrypt-resolve: exit 2 and the reason in words" "$rc $out" \
        "^2 dnscrypt-resolve: ${WHY[$c]//./\\.}"
    rm -f /srv/w/ran
    out=$(env "${E[@]}" DNSCRYPT_RUN_PRELOAD="$B/libdnscrypt-preload.so" \
          "$B/dnscrypt-run" touch /srv/w/ran 2>&1)
    rc=$?
    t_match "$c: dnscrypt-run refuses to start the program (exit 78), says why" \
        "$rc $out ran=$([ -e /srv/w/ran ] && echo yes || echo no)" \
        "^78 dnscrypt-run: no usable configuration, not running touch:"$'\n'"  ${WHY[$c]//./\\.}.* ran=no\$"
done
if [ -n "$CAP" ]; then
    n=$(cap_stop)
    t_eq "wrong files: no packet went to the plain DNS server meanwhile" "$n" 0
fi
rm -f "$SYS"

# ---- not configured: no file, no server line -------------------------------------
[ -z "$CAP" ] || cap_start "$T/unconf.pcap" "$PLAIN_DNS" || CAP=
for c in empty comments; do
    t_eq "control: $c file: UNAVAIL, so [!UNAVAIL=return] goes on to dns" \
        "$(nss "/srv/$c.conf" bash -c "py $N")" "ok 127.20.0.1"
    out=$(NSS_DNSCRYPT_CONF=/srv/$c.conf "$B/dnscrypt-resolve" "$N" 2>&1)
    t_eq "control: $c file: dnscrypt-resolve exit 3, no server" "$? $out" \
        "3 dnscrypt-resolve: no server configured in /srv/$c.conf"
done
t_eq "control: the default path absent: UNAVAIL, goes on to dns" \
    "$(nss /srv/open.conf env -u NSS_DNSCRYPT_CONF bash -c "py $N")" "ok 127.20.0.1"
if [ -n "$CAP" ]; then
    n=$(cap_stop)
    t_ok "control: ... and the capture sees their plain queries ($n packets to port 53)" [ "$n" -gt 0 ]
fi

t_done
