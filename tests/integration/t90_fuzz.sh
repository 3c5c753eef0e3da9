#!/bin/bash
# SPDX-License-Identifier: ISC
# A short run of every libFuzzer target (stamps, configuration file,
# certificate TXT answers, encrypted answers down to the DNS parser, NSS
# packing into caller buffers), built with ASan and UBSan.  `make fuzz
# FUZZ_TIME=600` is the long run.
set -u
cd "$REPO" || exit 1
targets=$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')
# shellcheck disable=SC2086
FUZZ_OUT=$B/fuzz FUZZ_TIME=${FUZZ_SHORT_TIME:-5} sh tests/fuzz/run.sh "$B" $targets 2>&1 |
    sed -E '/^(ok|not ok) /!s/^/# /'
