#!/bin/bash
# SPDX-License-Identifier: ISC
# The client core under valgrind, through dnscrypt-resolve: UDP, TCP,
# truncation then TCP, PTR, raw types, NXDOMAIN, a wrong provider key and a
# dead server.  No memory error and no definite or indirect leak.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || { t_skip "valgrind" "not installed"; t_done; }
T=$(lab_tmp t11)
# --vgdb=no: valgrind names its gdbserver FIFOs in /tmp after the pid; runs
# in their own pid namespaces share /tmp, so two at once would collide.
VG=(valgrind -q --error-exitcode=99 --vgdb=no --leak-check=full
    --errors-for-leak-kinds=definite,indirect)
lab_confs "$T" udp tcp dead

vg() { # DESC WANT_RC CONF ARGS...
    local desc=$1 want=$2 conf=$3 rc=0 out
    shift 3
    out=$(NSS_DNSCRYPT_CONF=$conf "${VG[@]}" "$B/dnscrypt-resolve" "$@" 2>&1 >/dev/null) || rc=$?
    if [ "$rc" = "$want" ]; then t_pass "$desc"; else t_fail "$desc" "exit $rc, want $want" "$out"; fi
}

vg "valgrind: UDP A+AAAA" 0 "$T/udp.conf" both.lab.test
vg "valgrind: UDP truncated, then TCP" 0 "$T/udp.conf" many.lab.test
vg "valgrind: TCP only, es1, TXT" 0 "$T/tcp.conf" txt.lab.test TXT
vg "valgrind: PTR" 0 "$T/udp.conf" -x 127.20.0.2
vg "valgrind: CNAME chain" 0 "$T/tcp.conf" alias1.lab.test
vg "valgrind: NXDOMAIN" 1 "$T/udp.conf" nx.lab.test
vg "valgrind: dead server" 2 "$T/dead.conf" a4.lab.test
t_done
