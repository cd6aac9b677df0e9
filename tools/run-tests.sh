#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build Rampart and run every test suite but the benchmarks: unit (cmocka), fuzz (corpus
# replay) and integration (network namespaces; needs root, skips without it).
#
#   tools/run-tests.sh [BUILD_DIR] [-- EXTRA MESON TEST ARGS]
#
# BUILD_DIR defaults to $RAMPART_BUILD_DIR, then build/. An existing build directory is
# reconfigured, not wiped. Ends with one line "tests: N passed, N failed, N skipped" and exits
# non-zero when the build or any test failed.
set -euo pipefail

cd "$(dirname "$0")/.."
build=${RAMPART_BUILD_DIR:-build}
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	build=$1
	shift
fi
[ "${1:-}" = -- ] && shift

say() {
	printf 'run-tests: %s\n' "$*"
}

tools/install-deps.sh </dev/null

if [ -f "$build/build.ninja" ]; then
	say "reconfiguring $build"
	meson setup --reconfigure "$build" </dev/null
else
	say "configuring $build"
	meson setup "$build" </dev/null
fi

if ! ninja -C "$build" </dev/null; then
	say "build failed"
	echo "tests: 0 passed, 1 failed"
	exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/rampart-tests.XXXXXX")
trap 'rm -f "$log"' EXIT
rc=0
meson test -C "$build" --no-suite bench --print-errorlogs "$@" </dev/null 2>&1 | tee "$log" ||
	rc=$?

# meson's summary block: "Ok: N", "Fail: N", "Skipped: N", "Timeout: N", ...
count() {
	local n
	n=$(sed -n "s/^$1:[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$log" | tail -1)
	echo "${n:-0}"
}
ok=$(count 'Ok')
xfail=$(count 'Expected Fail')
fail=$(count 'Fail')
xpass=$(count 'Unexpected Pass')
skipped=$(count 'Skipped')
timeout=$(count 'Timeout')
passed=$((ok + xfail))
failed=$((fail + xpass + timeout))

if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	say "meson test exited $rc"
	failed=1
fi
if [ $((passed + failed)) -eq 0 ]; then
	say "no test ran"
	failed=1
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
