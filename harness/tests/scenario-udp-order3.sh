#!/bin/bash
# configs/udp-order3.ini in a Debian 6.12 guest (5G, TCG): the storm on
# fragmented memory is reproduced, with order-3 wakeups of kswapd in the
# trace; the control with net.core.high_order_alloc_disable=1 is not.
# Every check below is an assertion: it prints "ok N" or "not ok N".
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-udp.XXXXXX)
trap 'rm -rf "$T"' EXIT
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
order3() { jq -r '.by_order["3"] // 0' "$1/trace/wakeup_kswapd.json" 2>/dev/null || echo none; }
# kcompactd woken for order 3 (by kswapd, which it follows), node 0
kc3() { jq -r '.nodes["0"].wakeups_by_order["3"] // 0' "$1/trace/kcompactd.json" 2>/dev/null || echo none; }

"$M" run udp-order3 --deb "$deb" -q --set storm_s=35 --out "$T/storm" >/dev/null 2>&1
check "storm: reproduced (exit 1)" [ $? -eq 1 ]
check "storm: no free order>=3 block above ZONE_DMA (median 0)" \
	jq -e '.metrics.o3_free.value == 0' "$T/storm/summary.json"
check "storm: MemFree stayed above the high watermarks" \
	bash -c "[ \$(jq '.metrics.memfree.value' '$T/storm/summary.json' | cut -d. -f1) -gt \
		$(awk '/^ +high / { s += $2 } END { print int(s * 4 / 1024) }' "$T/storm/snapshots/start/zoneinfo" 2>/dev/null || echo 0) ]"
check "storm: order-3 requests kept waking kswapd (trace)" [ "$(order3 "$T/storm")" -gt 100 ]
check "storm: the wakeups_o3 metric counts them per second" \
	jq -e '.metrics.wakeups_o3.value > 1' "$T/storm/summary.json"
check "storm: kcompactd was woken for order 3 too ($(kc3 "$T/storm"))" [ "$(kc3 "$T/storm")" -gt 100 ]
check "storm: a listed kcompactd period per awake period" \
	[ "$(tail -n +2 "$T/storm/trace/kcompactd.events.csv" | grep -c ',period,')" = \
	"$(jq '.nodes["0"].periods.count' "$T/storm/trace/kcompactd.json")" ]
"$M" run udp-order3 --deb "$deb" -q --set storm_s=35 \
	--set sysctl.net.core.high_order_alloc_disable=1 --out "$T/ctl" >/dev/null 2>&1
check "control: not reproduced (exit 0)" [ $? -eq 0 ]
check "control: no order-3 wakeups of kswapd" [ "$(order3 "$T/ctl")" = 0 ]
check "control: kcompactd woken for order 3 a tenth as often at most ($(kc3 "$T/ctl"))" \
	[ $(($(kc3 "$T/ctl") * 10)) -lt "$(kc3 "$T/storm")" ]
check "control: kswapd CPU and pgscan_kswapd far below the storm's" \
	jq -en --slurpfile a "$T/storm/summary.json" --slurpfile b "$T/ctl/summary.json" \
	'($b[0].metrics.kswapd_cpu.value * 4 < $a[0].metrics.kswapd_cpu.value) and
	 ($b[0].metrics.pgscan_kswapd.value * 4 < $a[0].metrics.pgscan_kswapd.value)'
check "the storm stayed on loopback" grep -q 'phase=done .*send_errors=0' "$T/storm/phases/storm.log"
tap_end
