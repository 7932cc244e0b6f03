#!/bin/bash
# One row per run of configs/udp-order3.ini: the run (its last two path
# components), the kernel (its release, and
# the patch series of a ci/build-kernel.sh build, from meta.json), the
# verdict, and the medians and means over the storm that the scenario's
# metrics give (summary.json): kswapd CPU (%), pgscan_kswapd (pages/s),
# kswapd woken for order >= 3 (per s), free order>=3 blocks above
# ZONE_DMA (the fragmentation, which a fix of the wakeups leaves as it
# is), and the order-3 wakeups that the tracer counted in the whole run.
# usage: ci/patched/table.sh RUN_DIR...
set -u
case ${1:-} in -h | --help | "") sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; [ -n "${1:-}" ]; exit $? ;; esac
printf '%-18s %-20s %-24s %-14s %7s %9s %8s %7s %9s\n' run kernel patches verdict \
	kswapd% pgscan/s wk_o3/s o3_free wk_o3_all
for r in "$@"; do
	[ -f "$r/summary.json" ] && [ ! -L "$r/summary.json" ] || continue
	k=$(jq -r '.kernel.release // "?"' "$r/meta.json" 2>/dev/null)
	p=$(jq -r '[.kernel_build.patches[]?.file // empty | sub(".*/"; "") | sub("\\.patch$"; "")] | if length == 0 then "-" else join("+") end' "$r/meta.json" 2>/dev/null)
	w=$(jq -r '.by_order["3"] // 0' "$r/trace/wakeup_kswapd.json" 2>/dev/null || echo -)
	d=${r%/}
	jq -r --arg d "$(basename "$(dirname "$d")")/$(basename "$d")" --arg k "$k" --arg p "${p:--}" --arg w "${w:--}" '
		def v(m): (.metrics[m].value // null) as $x |
			if $x == null then "-" else ($x * 10 | round / 10 | tostring) end;
		[$d, $k, $p, .verdict.verdict, v("kswapd_cpu"), v("pgscan_kswapd"),
		 v("wakeups_o3"), v("o3_free"), $w] | @tsv' "$r/summary.json" |
		awk -F'\t' '{ printf "%-18s %-20s %-24s %-14s %7s %9s %8s %7s %9s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
done
