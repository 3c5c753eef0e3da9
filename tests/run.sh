#!/bin/bash
# SPDX-License-Identifier: ISC
# The test suite runner:  B=build tests/run.sh [PATTERN...]
#
# Runs, inside private network + mount (+ pid) namespaces, with the test
# lab (tests/lab/start.sh) up and tcpdump capturing the loopback:
#   1. every unit test program $B/tests/test_* (sorted),
#   2. every tests/integration/t*.sh (sorted, run with bash),
#   3. tests/integration/zz_capture.sh (checks the capture) after tcpdump
#      has stopped.
# PATTERN (bash regexes, any may match) selects tests by file name;
# zz_capture.sh then runs when it matches or when an integration script ran.
# Each program prints TAP; the runner counts "ok"/"not ok" lines and adds a
# failure for a program that crashes, times out (900 s: a hang, not a slow
# machine: at load 8 on 2 cores t70 takes several minutes), exits non-zero
# without a "not ok", prints no result at all, or prints a plan ("1..N")
# that its results do not match.  A program that prints only the TAP plan
# "1..0 # SKIP REASON" is skipped as a whole (listed at the end, not counted).
#
# Environment: B (build dir, default build), VALGRIND=1 (unit tests under
# valgrind; exported for the integration scripts), KEEP_LAB=1 (keep the
# work directory), LAB_VERBOSE=1 (chattier servers), TEST_TIMEOUT (900).
# SLACK_MS and WAIT_S: see tests/integration/lib.sh.
# Last line: "N passed, N failed"; exit status 1 if anything failed.
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=SCRIPTDIR/lab/ns.sh
. "$REPO/tests/lab/ns.sh"
lab_enter_ns DC_IN_NS "$REPO/tests/run.sh" "$@"
lab_ns_setup
cd "$REPO" || exit 1

B=${B:-build}
case $B in /*) ;; *) B=$REPO/$B ;; esac
export B REPO
export VALGRIND=${VALGRIND:-}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
PATTERNS=("$@")

PASSED=0
FAILED=0
SKIPPED=0
SKIPPED_WHOLE=()
TCPDUMP_PID=
LAB=$(mktemp -d "${TMPDIR:-/tmp}/dnscrypt-test.XXXXXX") || exit 1
export LAB
mkdir -p "$LAB/logs"

stop_tcpdump() {
    [ -n "$TCPDUMP_PID" ] || return 0
    # tcpdump drops what it has not yet read when interrupted: send a marker
    # datagram and stop it only once the marker is in the file (-U writes
    # each packet as it is read), so the capture is complete.
    local marker=dnscrypt-lab-capture-end-$RANDOM$RANDOM
    for _ in $(seq 50); do
        kill -0 "$TCPDUMP_PID" 2>/dev/null || break
        echo "$marker" 2>/dev/null >/dev/udp/127.0.0.1/9
        grep -qaF "$marker" "$LAB/capture.pcap" && break
        sleep 0.1
    done
    kill -INT "$TCPDUMP_PID" 2>/dev/null
    wait "$TCPDUMP_PID" 2>/dev/null
    TCPDUMP_PID=
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_tcpdump
    "$REPO/tests/lab/stop.sh" || true
    if [ "${KEEP_LAB:-}" = 1 ]; then
        echo "# kept the lab work directory: $LAB" >&2
    else
        rm -rf "$LAB"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "# interrupted" >&2; exit 130' INT
trap 'echo "# terminated" >&2; exit 143' TERM

selected() { # FILE-NAME
    [ ${#PATTERNS[@]} -eq 0 ] && return 0
    local p
    for p in "${PATTERNS[@]}"; do
        [[ $1 =~ $p ]] && return 0
    done
    return 1
}

# run_one NAME CMD...: run with a time limit, show and count its TAP output.
run_one() {
    local name=$1
    shift
    local log=$LAB/logs/$name.log rc pid n_ok n_fail n_skip
    echo "# ---- $name"
    : >"$log"
    timeout -k 10 "$TEST_TIMEOUT" "$@" </dev/null >"$log" 2>&1 &
    pid=$!
    # Show the output as it comes; tail stops once the program is gone.
    tail -s 0.1 -n +1 -f --pid="$pid" "$log" &
    local tail_pid=$!
    wait "$pid"
    rc=$?
    wait "$tail_pid"
    n_ok=$(grep -cE '^ok( |$)' "$log")
    n_fail=$(grep -cE '^not ok( |$)' "$log")
    n_skip=$(grep -Eci '^ok[^#]*#[[:space:]]*skip' "$log")
    PASSED=$((PASSED + n_ok))
    FAILED=$((FAILED + n_fail))
    SKIPPED=$((SKIPPED + n_skip))
    local why=
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        why="timed out after ${TEST_TIMEOUT}s"
    elif [ "$rc" -gt 128 ]; then
        why="killed by signal $((rc - 128))"
    elif [ -n "$VALGRIND" ] && [ "$rc" -eq 99 ] && [ "${RUN_UNDER_VALGRIND:-}" = 1 ]; then
        why="valgrind reported errors"
    elif [ "$rc" -ne 0 ] && [ "$n_fail" -eq 0 ]; then
        why="exited with status $rc"
    elif [ "$rc" -eq 0 ] && [ $((n_ok + n_fail)) -eq 0 ]; then
        local skip
        skip=$(sed -n 's/^1\.\.0[[:space:]]*#[[:space:]]*[Ss][Kk][Ii][Pp][[:space:]]*//p' "$log" | head -n 1)
        if grep -Eqi '^1\.\.0[[:space:]]*#[[:space:]]*skip' "$log"; then
            SKIPPED_WHOLE+=("$name (${skip:-no reason given})")
        else
            why="printed no test result"
        fi
    else
        # A TAP plan ("1..N"), if printed, must match the results.
        local plan
        plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)
        if [ -n "$plan" ] && [ "$plan" -ne $((n_ok + n_fail)) ]; then
            why="planned $plan tests but reported $((n_ok + n_fail))"
        fi
    fi
    if [ -n "$why" ]; then
        echo "not ok - $name $why"
        FAILED=$((FAILED + 1))
    fi
}

# ---- capture and lab -------------------------------------------------------
start_tcpdump() {
    tcpdump -i lo -n -U --immediate-mode -s 0 -B 16384 -Z root -w "$LAB/capture.pcap" \
        'udp or tcp' </dev/null >"$LAB/tcpdump.log" 2>&1 &
    TCPDUMP_PID=$!
    for _ in $(seq 300); do
        grep -q 'listening on' "$LAB/tcpdump.log" 2>/dev/null && return 0
        kill -0 "$TCPDUMP_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$LAB/tcpdump.log" >&2
    stop_tcpdump
    return 1
}
if ! start_tcpdump; then
    if [ -n "${DC_LAB_USERNS:-}" ]; then
        echo "# tcpdump cannot run in an unprivileged user namespace: no capture check (run as root for it)"
        rm -f "$LAB/capture.pcap"
    else
        echo "not ok - tcpdump did not start"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi

if ! "$REPO/tests/lab/start.sh"; then
    echo "not ok - the test lab did not start"
    echo "0 passed, 1 failed"
    exit 1
fi
set -a
# shellcheck disable=SC1091
. "$LAB/env"
set +a

# ---- unit tests ----------------------------------------------------------
[ -d "$B" ] || echo "# no build directory $B (make first): no unit tests, no module"
units=()
for t in "$B"/tests/test_*; do
    if [ ! -f "$t" ] || [ ! -x "$t" ]; then continue; fi
    selected "${t##*/}" && units+=("$t")
done
for t in "${units[@]}"; do
    if [ -n "$VALGRIND" ]; then
        RUN_UNDER_VALGRIND=1 run_one "${t##*/}" valgrind --error-exitcode=99 --vgdb=no \
            --leak-check=full --errors-for-leak-kinds=definite,indirect -q "$t"
    else
        run_one "${t##*/}" "$t"
    fi
done

# ---- integration scripts ---------------------------------------------------
ran_integration=0
for t in "$REPO"/tests/integration/t*.sh; do
    [ -f "$t" ] || continue
    selected "${t##*/}" || continue
    ran_integration=1
    run_one "${t##*/}" bash "$t"
done

# ---- the capture check, after the capture has stopped ---------------------
stop_tcpdump
if [ "$ran_integration" = 1 ] || selected zz_capture.sh; then
    run_one zz_capture.sh bash "$REPO/tests/integration/zz_capture.sh"
fi

[ "$SKIPPED" -eq 0 ] || echo "# $SKIPPED of the passed tests were skipped"
for s in "${SKIPPED_WHOLE[@]}"; do echo "# skipped as a whole: $s"; done
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && exit 0
exit 1
