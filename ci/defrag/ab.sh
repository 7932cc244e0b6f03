#!/bin/bash
# One line per result dir of a defrag-unmovable run: direct reclaim per
# second by the migratetype of the request (phases/load.log, the
# --trace-reclaim hist counts over the load phase), extfrag fallbacks of
# non-movable requests into movable blocks, and summary.json metrics.
# usage: ci/defrag/ab.sh DIR...
printf '%-28s %6s %8s %8s %8s %8s %8s %7s %6s %6s %7s %7s %5s %4s\n' run mode dr_unm/s dr_rec/s dr_mov/s xf_frmv/s pswpout/s alloc/s some% full% cstall/s fpb_min oom slub
for d in "$@"; do
	mode=$(grep -o 'vm.defrag_mode = [0-9]' "$d/output.log" | head -1 | awk '{print $3}')
	awk -v run="$(basename "$d")" -v mode="${mode:--}" -v j="$d/summary.json" '
	/phase=reclaim/ {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	}
	END {
		t = v["t"]; if (t <= 0) t = 1
		cmd = "jq -r \"[.metrics.pswpout.value, .metrics.allocstall.value, .metrics.psi_some.value, .metrics.psi_full.value, .metrics.compact_stall.value, .metrics.free_pages_blocks.value, .metrics.oom_kill.value] | map(. // -1) | @tsv\" " j
		cmd | getline m; split(m, a, "\t")
		printf "%-28s %6s %8.2f %8.2f %8.2f %8.2f %8.1f %7.2f %6.1f %6.1f %7.2f %7.0f %5d", run, mode, v["direct_unmovable"] / t, v["direct_reclaimable"] / t, v["direct_movable"] / t, v["extfrag_from_movable"] / t, a[1], a[2], a[3], a[4], a[5], a[6], a[7]
	}' "$d/phases/load.log"
	printf ' %4d\n' "$(grep -c -e 'SLUB: Unable to allocate' -e 'page allocation failure' "$d/dmesg.txt")"
done
