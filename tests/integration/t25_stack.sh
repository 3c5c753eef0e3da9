#!/bin/bash
# SPDX-License-Identifier: ISC
# A lookup runs in 16 KiB of stack (issue 14, 4): $B/tests/stack16 resolves
# from threads created with pthread_attr_setstacksize(16384), each entry
# point in a new process (so its first lookup parses the configuration,
# makes the key pair and fetches the certificate on that small stack):
# getaddrinfo AF_UNSPEC/AF_INET/AF_INET6 with AI_CANONNAME, gethostbyname,
# gethostbyname2, gethostbyname_r, gethostbyaddr, getnameinfo through the
# NSS module; res_query, res_search and res_send through the preload
# library.  Configurations: one server (certificate fetched over UDP), the
# certificate cache and the debug log on (a cold then a warm cache), two
# servers (the state file), tcp-only, "dnssec validate" against the signed
# lab (the validation runs in a helper thread when less than 64 KiB of
# stack is left: common/dc_secval.c).  Then every call in one process,
# one thread after the other.  A stack overflow kills the process
# (SIGSEGV on the guard page).  glibc's own nss_dns in the same threads is
# the control.  With -m, stack16 reports the bytes each call used (glibc's
# thread descriptor and static TLS included): shown, not asserted.
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

S=$B/tests/stack16
T=$(lab_tmp t25)
printf 'nameserver 127.0.0.99\nsearch lab.test\n' >"$T/resolv.conf"
mkdir -m 700 "$T/cache"
printf 'server %s\ncert-cache none\n' "$STAMP_ES2" >"$T/udp.conf"
printf 'server %s\ncert-cache %s\nlog %s\n' "$STAMP_ES2" "$T/cache" "$T/log" >"$T/full.conf"
printf 'server a %s\nserver b %s\ncert-cache %s\n' "$STAMP_ES2" "$STAMP_ES1" "$T/cache" >"$T/two.conf"
printf 'server %s\ncert-cache none\ntcp-only yes\n' "$STAMP_ES1" >"$T/tcp.conf"
printf 'server %s\ncert-cache none\ndnssec validate\ntrust-anchor %s\n' "$STAMP_SEC" "$SEC_ANCHOR" \
    >"$T/sec.conf"
NSS_CALLS=(gai gai4 gai6 ghbn ghbn2 ghbnr ghba gni)
RES_CALLS=(resq ress ressend)

nss() { # CONF ARGS...: stack16 through the module
    local conf=$1
    shift
    NSS_DNSCRYPT_CONF=$conf with_nss "$LAB/nsswitch.conf.dnscrypt" "$T/resolv.conf" "$S" "$@" 2>&1
}
pre() { # CONF ARGS...: stack16 through the preload library
    local conf=$1
    shift
    NSS_DNSCRYPT_CONF=$conf with_nss "$LAB/nsswitch.conf.dns" "$T/resolv.conf" \
        env -u LD_LIBRARY_PATH LD_PRELOAD="$B/libdnscrypt-preload.so" "$S" "$@" 2>&1
}
check() { # DESC OUTPUT RC
    if [ "$3" -eq 0 ] && ! grep -q '^FAIL' <<<"$2" && grep -q '^PASS' <<<"$2"; then
        t_pass "$1"
    else
        t_fail "$1" "exit status $3$( [ "$3" -ge 128 ] && echo " (signal $(($3 - 128)))")" "$2"
    fi
}

# ---- control: glibc's own nss_dns in the same threads ------------------------
out=$(with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" "$S" gai ghbn gni 2>&1)
check "control: glibc's nss_dns resolves in 16 KiB threads (gai ghbn gni)" "$out" $?

# ---- every entry point, first lookup of a new process --------------------------
for conf in udp full full two tcp sec; do
    for c in "${NSS_CALLS[@]}"; do
        out=$(nss "$T/$conf.conf" "$c")
        check "$conf.conf: $c in a 16 KiB thread, first lookup of the process" "$out" $?
    done
    for c in "${RES_CALLS[@]}"; do
        out=$(pre "$T/$conf.conf" "$c")
        check "$conf.conf: preload $c in a 16 KiB thread, first lookup of the process" "$out" $?
    done
done
t_ok "the certificate cache was written (the warm runs read it)" \
    bash -c "ls '$T/cache'/*.cert >/dev/null 2>&1"
t_ok "the debug log was written" [ -s "$T/log" ]

# ---- all in one process -------------------------------------------------------
out=$(nss "$T/udp.conf" "${NSS_CALLS[@]}")
check "udp.conf: every NSS entry point, one 16 KiB thread after the other" "$out" $?
out=$(pre "$T/udp.conf" "${RES_CALLS[@]}" gai ghba)
check "udp.conf: preload res_* then getaddrinfo, gethostbyaddr, one 16 KiB thread after the other" "$out" $?
out=$(nss "$T/sec.conf" "${NSS_CALLS[@]}")
check "sec.conf: every NSS entry point validated, one 16 KiB thread after the other" "$out" $?

# ---- what each call used --------------------------------------------------------
m=$("$S" -m none | sed -n 's/.*(stack \([0-9]*\) bytes)/\1/p')
t_diag "stack used (bytes from the top of a 256 KiB thread stack; an idle thread: ${m:-?}):"
for conf in udp sec; do
    for how in nss pre; do
        if [ $how = nss ]; then calls=("${NSS_CALLS[@]}"); else calls=("${RES_CALLS[@]}"); fi
        line=
        for c in "${calls[@]}"; do
            u=$($how "$T/$conf.conf" -m "$c" | sed -n 's/^PASS.*(stack \([0-9]*\) bytes)/\1/p')
            line="$line $c=${u:-FAIL}"
        done
        t_diag " $conf.conf $how:$line"
    done
done
line=
for c in gai ghbn gni; do
    u=$(with_nss "$LAB/nsswitch.conf.dns" "$LAB/resolv.conf.plain" "$S" -m "$c" 2>&1 |
        sed -n 's/^PASS.*(stack \([0-9]*\) bytes)/\1/p')
    line="$line $c=${u:-FAIL}"
done
t_diag " glibc nss_dns:$line"

t_done
