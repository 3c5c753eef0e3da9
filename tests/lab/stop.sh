#!/bin/bash
# SPDX-License-Identifier: ISC
# Stop the processes recorded in $LAB/pids ("PID [COMM]" lines; tests may
# append their own): SIGTERM, then SIGKILL after 3 s.  A PID whose
# current command name differs from the recorded one is left alone (the
# process is gone and the PID was reused).  Waits until they are gone.
set -u

: "${LAB:?LAB must name the lab work directory}"
[ -f "$LAB/pids" ] || exit 0

alive() { # PID [COMM]
    local state comm
    [ -r "/proc/$1/stat" ] || return 1
    state=$(sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] || return 1
    if [ -n "${2:-}" ] && [ "$2" != '?' ]; then
        comm=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
        [ "$comm" = "$2" ] || return 1
    fi
    return 0
}

declare -A comm_of=()
while read -r pid comm _; do
    case $pid in '' | *[!0-9]*) continue ;; esac
    [ "$pid" -gt 1 ] || continue
    alive "$pid" "${comm:-}" || continue
    comm_of[$pid]=${comm:-}
    kill -TERM "$pid" 2>/dev/null || true
done <"$LAB/pids"

deadline=$(($(date +%s%N) / 1000000 + 3000))
for sig in KILL ''; do
    while :; do
        left=()
        for pid in "${!comm_of[@]}"; do
            alive "$pid" "${comm_of[$pid]}" && left+=("$pid")
        done
        [ ${#left[@]} -eq 0 ] && break
        [ "$(($(date +%s%N) / 1000000))" -lt "$deadline" ] || break
        sleep 0.05
    done
    [ ${#left[@]} -eq 0 ] && break
    [ -n "$sig" ] || { echo "lab: still running: ${left[*]}" >&2; exit 1; }
    echo "lab: sending SIGKILL to ${left[*]}" >&2
    for pid in "${left[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    deadline=$(($(date +%s%N) / 1000000 + 2000))
done
: >"$LAB/pids"
exit 0
