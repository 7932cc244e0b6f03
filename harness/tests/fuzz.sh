#!/bin/bash
# The short fuzzing pass: every libFuzzer target (harness/fuzz) for
# FUZZ_S seconds (default 5) with ASan and UBSan, after its kept
# regression inputs; one TAP line a target, "not ok" on a crash.
set -u
cd "$(dirname "$0")/../.." || exit 1
if ! nice -n 19 make -s -j1 fuzz-build >/tmp/mmrepro-fuzz-build.$$ 2>&1; then
	echo "not ok 1 fuzz targets build # $(tail -3 /tmp/mmrepro-fuzz-build.$$ | tr '\n' ' ')"
	echo "1..1"
	rm -f /tmp/mmrepro-fuzz-build.$$
	exit 1
fi
rm -f /tmp/mmrepro-fuzz-build.$$
exec nice -n 19 make -s -j1 fuzz FUZZ_S="${FUZZ_S:-5}"
