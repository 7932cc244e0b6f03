#!/bin/bash
# configs/direct-reclaim.ini in a Debian 6.12 guest, shortened with --set:
# anon at 150 % of RAM stalls (reproduced), at 40 % it does not.
# Every check below is an assertion: it prints "ok N" or "not ok N".
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-dr.XXXXXX)
trap 'rm -rf "$T"' EXIT
read -r _ _ _ deb < <(ci/kernels.sh 6.12)

"$M" run direct-reclaim --deb "$deb" -q --set duration_s=30 --out "$T/over" >/dev/null 2>&1
check "150 % of RAM: reproduced (exit 1)" [ $? -eq 1 ]
check "direct reclaim happened (allocstall total > 0)" \
	jq -e '.metrics.allocstall.value > 0' "$T/over/summary.json"
check "and swap-out (pswpout total > 0)" jq -e '.metrics.pswpout.value > 0' "$T/over/summary.json"
"$M" run direct-reclaim --deb "$deb" -q --set duration_s=30 --set vm_bytes=40% --out "$T/under" >/dev/null 2>&1
check "40 % of RAM: not reproduced (exit 0)" [ $? -eq 0 ]
check "and stalled less than at 150 %" \
	[ "$(jq '.metrics.psi_some.value < 20' "$T/under/summary.json")" = true ]
check "the scratch disk held fio's file" grep -q 'dirty' "$T/over/phases/dirty.log"
tap_end
