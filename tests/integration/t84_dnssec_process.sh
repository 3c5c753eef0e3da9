#!/bin/bash
# SPDX-License-Identifier: ISC
# "dnssec validate" in a process that forks, runs small threads and
# cancels them (tests/prog/sec_fork.c), through the NSS module against the
# signed lab: a context made before fork used in the child, children
# forked while another thread is inside the validator, the helper thread
# that validates for threads with little stack (in the parent and in a
# child), threads cancelled while validating; every descriptor
# close-on-exec; nothing written to stderr by the library.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t84)
printf 'server %s\ncert-cache none\ndnssec validate\ntrust-anchor %s\n' \
    "$STAMP_SEC" "$SEC_ANCHOR" >"$T/sec.conf"
run() {
    NSS_DNSCRYPT_CONF=$T/sec.conf with_nss "$LAB/nsswitch.conf.dnscrypt" \
        "$LAB/resolv.conf.dead" "$B/tests/sec_fork" a.expired.test \
        a4.lab.test both.lab.test two4.lab.test alias1.lab.test \
        to-n3.lab.test a.n3.test 2>"$T/stderr"
}
t_prog "sec_fork" run
t_eq "nothing on stderr" "$(cat "$T/stderr")" ""
t_done
