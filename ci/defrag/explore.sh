#!/bin/bash
# Candidate load mixes for defrag-unmovable, one 7.2 guest at a time,
# all with vm.defrag_mode=1. usage: ci/defrag/explore.sh OUTDIR
cd "$(dirname "$0")/../.." || exit 1
D=(); for x in $(ci/kernels.sh 7.2 | cut -d' ' -f4-); do D+=(--deb "$x"); done
o=$1; mkdir -p "$o"
run() { # NAME SETS...
	local n=$1; shift
	build/mmrepro run configs/defrag-unmovable.ini "${D[@]}" -q \
		--set sysctl.vm.defrag_mode=1 "$@" --out "$o/$n" >"$o/$n.out" 2>&1
	echo "$n rc=$?" >>"$o/done"
}
run m2-pipes32 --set rate=32M/s --set total=30%
run m3-mixed-drop --set sources=pipes,pagetables,fork,slab --set rate=32M/s --set total=30% --set "opts=--drop 50"
run m4-all32 --set sources=all --set rate=32M/s --set total=30%
run m5-pagetables --set sources=pagetables --set rate=32M/s --set total=30%
