#!/bin/bash
# SPDX-License-Identifier: ISC
# Use the test lab by hand (or from the demo/benchmark):
#
#   tests/lab/shell.sh                 interactive shell with the lab env
#   tests/lab/shell.sh CMD [ARGS...]   run CMD with the lab env, exit with its status
#
# Enters a private network + mount namespace, starts the lab
# (tests/lab/start.sh) in a fresh work directory, prints its environment,
# runs the shell or command with it exported (plus B=build dir if unset and
# REPO), then stops the lab and removes the work directory (kept when
# KEEP_LAB=1).  tests/integration/lib.sh can be sourced in the shell for
# with_nss and lab_console.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/ns.sh
. "$HERE/ns.sh"
lab_enter_ns DC_LAB_SHELL "$HERE/shell.sh" "$@"
lab_ns_setup
# Nested tests/run.sh or shell.sh runs get namespaces of their own.
unset DC_LAB_SHELL DC_IN_NS

LAB=$(mktemp -d "${TMPDIR:-/tmp}/dnscrypt-lab.XXXXXX")
export LAB
cleanup() {
    "$HERE/stop.sh" || true
    if [ "${KEEP_LAB:-}" = 1 ]; then
        echo "lab: kept $LAB" >&2
    else
        rm -rf "$LAB"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$HERE/start.sh" >&2
# shellcheck disable=SC1091
. "$LAB/env"
export REPO
export B=${B:-$REPO/build}
case $B in /*) ;; *) B=$REPO/$B ;; esac
grep '^export' "$LAB/env" | sed 's/^export //' >&2

if [ $# -eq 0 ]; then
    echo "lab: starting ${SHELL:-/bin/bash}; exit to stop the lab" >&2
    set +e
    "${SHELL:-/bin/bash}" -i
else
    set +e
    "$@"
fi
