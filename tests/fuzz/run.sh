#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/fuzz/run.sh BUILD_DIR target...  - build and run libFuzzer targets.
#
# common/*.c (and nss/nss_pack.c, nss/nss_status.c when present) are built
# once with ASan, UBSan and libFuzzer's coverage into an archive; for each
# target NAME, tests/fuzz/fuzz_NAME.c is linked with it (only the objects
# it needs) into build-fuzz/fuzz_NAME, then run for
# FUZZ_TIME seconds (default 60) on a copy of tests/fuzz/corpus/NAME, so the
# seed corpus in the repository is never modified.  BUILD_DIR is the
# caller's build directory; the fuzz binaries go to build-fuzz/ (which
# "make clean" removes) because they need their own compiler flags, or to
# $FUZZ_OUT (tests/integration/t90_fuzz.sh: BUILD_DIR/fuzz, so that the
# suites of two build directories, make check and make check-san, can run
# at once).
#
# Output, per target:
#   fuzz NAME: N execs, cov X, ft Y
#   ok - fuzz NAME N execs          (or "not ok - ..." after a crash)
# Exit status is non-zero if any target failed to build or crashed.
# Environment: FUZZ_TIME, CLANG (default clang), FUZZ_CFLAGS (extra
# compiler flags), FUZZ_FLAGS (extra libFuzzer flags, e.g. -dict=FILE),
# FUZZ_SOURCES (the library sources, instead of the list above).

set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR target..." >&2
	exit 2
fi
shift # BUILD_DIR: see above

cd "$(dirname "$0")/../.." || exit 2

FUZZ_TIME=${FUZZ_TIME:-60}
CLANG=${CLANG:-clang}
OUT=${FUZZ_OUT:-build-fuzz}
case $OUT in /*) ;; *) OUT=./$OUT ;; esac
SAN="address,undefined"
# DC_FUZZING: the DNSSEC validator accepts signatures that do not verify
# (common/dc_dnssec_int.h), so that fuzz_dnssec reaches what is behind them.
CFLAGS="-g -O1 -fno-sanitize-recover=undefined -D_GNU_SOURCE -DDC_FUZZING -Icommon ${FUZZ_CFLAGS:-}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

if ! command -v "$CLANG" >/dev/null 2>&1; then
	for t in "$@"; do
		echo "ok - fuzz $t # SKIP $CLANG not found"
	done
	exit 0
fi

if [ -z "${FUZZ_SOURCES:-}" ]; then
	FUZZ_SOURCES=$(ls common/*.c)
	for f in nss/nss_pack.c nss/nss_status.c; do
		[ -f "$f" ] && FUZZ_SOURCES="$FUZZ_SOURCES $f"
	done
fi

# The library, once: a failure here fails every target.
rm -rf "$OUT/obj" "$OUT/libdc-fuzz.a"
mkdir -p "$OUT/obj" || exit 2
libok=1
: >"$OUT/lib.build.log"
for f in $FUZZ_SOURCES; do
	o=$OUT/obj/$(echo "$f" | tr / _).o
	# shellcheck disable=SC2086 # word splitting of flags
	if ! $CLANG $CFLAGS -fsanitize=fuzzer-no-link,$SAN -c -o "$o" "$f" \
	    >>"$OUT/lib.build.log" 2>&1; then
		libok=0
	fi
done
if [ $libok = 1 ]; then
	ar rcs "$OUT/libdc-fuzz.a" "$OUT"/obj/*.o >>"$OUT/lib.build.log" 2>&1 ||
		libok=0
fi

# libsodium linked in statically, as in the module: dc_keypair.c uses its
# ref10 X25519 table, which the shared library does not export.
SODIUM_A=$($CLANG -print-file-name=libsodium.a)
[ -f "$SODIUM_A" ] || SODIUM_A=-lsodium

status=0
for t in "$@"; do
	src=tests/fuzz/fuzz_$t.c
	bin=$OUT/fuzz_$t
	log=$OUT/fuzz_$t.log
	work=$OUT/corpus-$t
	if [ ! -f "$src" ]; then
		echo "not ok - fuzz $t: no $src"
		status=1
		continue
	fi

	if [ $libok = 0 ]; then
		echo "not ok - fuzz $t: building the library failed"
		grep -e 'error' "$OUT/lib.build.log" | head -n 20 | sed -e 's/^/# /'
		status=1
		continue
	fi
	# shellcheck disable=SC2086 # word splitting of flags
	if ! $CLANG $CFLAGS -fsanitize=fuzzer,$SAN -o "$bin" "$src" \
	    "$OUT/libdc-fuzz.a" "$SODIUM_A" -lcares -lldns -pthread >"$bin.build.log" 2>&1; then
		echo "not ok - fuzz $t: build failed"
		sed -e 's/^/# /' "$bin.build.log" | tail -n 30
		status=1
		continue
	fi

	rm -rf "$work"
	mkdir -p "$work"
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp -R "tests/fuzz/corpus/$t/." "$work/" 2>/dev/null
	fi

	# shellcheck disable=SC2086
	"$bin" -max_total_time="$FUZZ_TIME" -print_final_stats=1 \
		-artifact_prefix="$OUT/crash-$t-" ${FUZZ_FLAGS:-} "$work" \
		>"$log" 2>&1
	rc=$?

	execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	cov=$(grep -a ' cov: ' "$log" | tail -n 1 | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(grep -a ' ft: ' "$log" | tail -n 1 | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	echo "fuzz $t: ${execs:-0} execs, cov ${cov:-?}, ft ${ft:-?}"

	if [ "$rc" -ne 0 ] || grep -a -q -e '^==[0-9]*==ERROR' -e 'runtime error:' \
	    -e '^SUMMARY: ' "$log"; then
		echo "not ok - fuzz $t ${execs:-0} execs (exit $rc, log $log)"
		grep -a -e 'ERROR' -e 'runtime error' -e 'SUMMARY' -e 'Test unit written' \
		    -e '^    #[0-9]' "$log" | head -n 40 | sed -e 's/^/# /'
		status=1
	else
		echo "ok - fuzz $t ${execs:-0} execs"
	fi
done
exit $status
