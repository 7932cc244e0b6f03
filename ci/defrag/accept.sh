#!/bin/bash
# Acceptance for issue 5: 5 runs with vm.defrag_mode=0 and 5 with =1,
# interleaved, on the Debian 7.2 kernel, one guest at a time, with the
# scenario's recorded load mix. usage: ci/defrag/accept.sh OUTDIR [--set ...]
cd "$(dirname "$0")/../.." || exit 1
D=(); for x in $(ci/kernels.sh 7.2 | cut -d' ' -f4-); do D+=(--deb "$x"); done
o=$1; shift; mkdir -p "$o"
for i in 1 2 3 4 5; do
	for m in 0 1; do
		build/mmrepro run configs/defrag-unmovable.ini "${D[@]}" -q \
			--set sysctl.vm.defrag_mode=$m "$@" --out "$o/dm$m-$i" \
			>"$o/dm$m-$i.out" 2>&1
		echo "dm$m-$i rc=$?" >>"$o/done"
	done
done
