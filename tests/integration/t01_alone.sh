#!/bin/bash
# SPDX-License-Identifier: ISC
# The repository stands alone: a copy of it (every file git tracks or
# would track, as a clone of the committed tree has them) in an empty
# directory builds and passes the unit tests that read test data
# (test_lists, test_stamp: the signed lists of tests/data), while the
# original repository and everything beside it (its parent directory) are
# hidden under an empty tmpfs. Nothing of the build or of those tests may
# read outside the repository (../shared was such a path once).
set -u
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

T=$(lab_tmp t01)
ALONE=$T/alone/repo
mkdir -p "$ALONE"

if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$REPO" ls-files -z --cached --others --exclude-standard |
        tar -cf - -C "$REPO" --null -T - | tar -xf - -C "$ALONE"
else # an unpacked source tarball: everything but build output
    tar -cf - -C "$REPO" --exclude=./build --exclude=./build-san --exclude=./.git . |
        tar -xf - -C "$ALONE"
fi
t_ok "the copy has the signed lists" \
    test -s "$ALONE/tests/data/public-resolvers.v3.md.minisig" -a \
         -s "$ALONE/tests/data/relays.v3.md.minisig"
t_eq "the copy's directory holds nothing else" "$(ls -A "$T/alone")" repo

# Hide what lies beside the repository: its parent directory (or the
# repository alone when the parent also holds $LAB, or is /).
HIDE=$(dirname "$REPO")
case $LAB/ in "$HIDE"/*) HIDE=$REPO ;; esac
[ "$HIDE" != / ] || HIDE=$REPO

# -O0: the point is where files are read from, not the code (faster on a
# loaded machine). DC_TEST_DATA is unset: the tests find tests/data from
# the top directory, as tests/run.sh and debian/rules run them.
out=$(cd "$ALONE" && env -u DC_TEST_DATA unshare --mount --propagation private -- bash -c '
    set -e
    mount -t tmpfs alone-hidden "$1"
    if [ -e "$2" ]; then echo "still visible: $2"; exit 1; fi
    make -s B=build CFLAGS=-O0 build/tests/test_lists build/tests/test_stamp >build.log 2>&1 ||
        { tail -n 20 build.log; exit 1; }
    echo "# test_lists"
    build/tests/test_lists
    echo "# test_stamp"
    build/tests/test_stamp' alone "$HIDE" "$REPO/tests/data" 2>&1)
rc=$?
t_eq "with $HIDE hidden, the copy builds test_lists and test_stamp, and they pass" "$rc" 0 ||
    t_diag "$(grep -v '^ok ' <<<"$out" | head -n 40)"
t_eq "no check failed in the copy" "$(grep -c '^not ok' <<<"$out")" 0
t_match "the real lists were read there" "$out" \
    'ok [0-9]+ - public-resolvers.v3.md: all 436 DNSCrypt stamps parse'
t_match "and their signatures verified" "$out" \
    'ok [0-9]+ - relays.v3.md: signature verifies with the project key'
n=$(grep -c '^ok ' <<<"$out")
t_diag "$n checks passed in the copy"
t_done
