# SPDX-License-Identifier: ISC
# shellcheck shell=bash
# Sourced by tests/run.sh and tests/lab/shell.sh (and usable by the demo
# and the benchmark): enter a private network + mount (+ pid) namespace.
#
#   lab_enter_ns GUARD "$0" "$@"   re-exec the calling script inside fresh
#                                  namespaces unless $GUARD is set; sets it.
#   lab_ns_setup                   once inside: lo up, private mounts,
#                                  nscd hidden, host addresses (below);
#                                  exports DC_LAB_NETNS.
#   lab_addrconfig v4|v6|both|none which non-loopback addresses the
#                                  namespace has (see below).
#
# Inside, the loopback interface (127.0.0.0/8 and ::1) belongs to this run
# alone: no port collides with a system service or another test run, and
# bind mounts over /etc files stay private.  A pid namespace is added when
# the kernel allows it, so every process still running when the script
# ends is killed by the kernel.
#
# Non-loopback addresses: glibc's getaddrinfo decides AI_ADDRCONFIG before
# NSS from the interface addresses, ignoring 127.0.0.1 and ::1.  With lo
# alone, AF_INET or AF_INET6 plus AI_ADDRCONFIG fails with EAI_NONAME
# without asking NSS (getent ahostsv4 does that), unlike on a real host.
# So lo also gets 10.255.0.1/32 and fd00:dc::1/128 (a dual-stack host;
# nothing routes anywhere).  LAB_ADDRCONFIG=v4|v6|none at start, or
# lab_addrconfig later (one test at a time: the namespace is shared),
# makes it a v4-only, v6-only or unconnected host.
LAB_HOST_V4=10.255.0.1
LAB_HOST_V6=fd00:dc::1

lab_enter_ns() {
    local guard=$1
    shift
    if [ -n "${!guard:-}" ]; then
        return 0
    fi
    export "$guard=1"
    local -a ns=(--net --mount --fork --kill-child)
    if [ "$(id -u)" -ne 0 ]; then
        # Unprivileged: a user namespace where we are root.  (tcpdump
        # cannot run there: it calls setgroups, which such a namespace
        # denies; tests/run.sh then runs without a capture.)
        ns=(--user --map-root-user "${ns[@]}")
        export DC_LAB_USERNS=1
    fi
    if unshare "${ns[@]}" --pid --mount-proc true 2>/dev/null; then
        ns+=(--pid --mount-proc)
    fi
    exec unshare "${ns[@]}" -- "$@"
}

lab_ns_setup() {
    ip link set lo up
    mount --make-rprivate /
    # A running nscd would answer host lookups through its socket, which a
    # network namespace does not hide: hide it in this mount namespace.
    local d
    for d in /run/nscd /var/run/nscd; do
        if [ -d "$d" ] && ! mountpoint -q "$d"; then
            mount -t tmpfs -o size=64k tmpfs "$d" 2>/dev/null || true
        fi
    done
    lab_addrconfig "${LAB_ADDRCONFIG:-both}"
    export DC_LAB_NETNS=$$
}

lab_addrconfig() {
    local v4=del v6=del
    case $1 in
        both) v4=add v6=add ;;
        v4) v4=add ;;
        v6) v6=add ;;
        none) ;;
        *) echo "lab_addrconfig: v4, v6, both or none, not '$1'" >&2; return 2 ;;
    esac
    ip -4 addr "$v4" "$LAB_HOST_V4/32" dev lo 2>/dev/null
    ip -6 addr "$v6" "$LAB_HOST_V6/128" dev lo 2>/dev/null
    return 0
}
