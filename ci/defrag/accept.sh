#!/bin/bash
# The defrag-unmovable acceptance: two `mmrepro ab` sessions of N runs
# a side (default 5), one guest at a time, under whatever accelerator the
# host has (TCG here):
#   dm0-vs-dm1   Debian 6.18, vm.defrag_mode=0 against 1 (the knob)
#   72-vs-618    Debian 7.2 (the fix) against 6.18 (the bug), both at 1
#   aa-618       A/A: `mmrepro compare` of the two sessions' 6.18 sides
#                at 1 (runs of the same kernel, taken apart in time)
# then ci/defrag/table.sh of each. About 25 min under TCG on 2 cores
# (one run takes 60-75 s). Exit: the A/A's (0: no difference), or 2.
# usage: ci/defrag/accept.sh [--runs N] OUTDIR [--set KEY=VALUE ...]
set -eu
cd "$(dirname "$0")/../.."
runs=5
if [ "${1:-}" = --runs ]; then
	runs=$2
	shift 2
fi
case ${1:-} in
-h | --help | "")
	sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
	[ -n "${1:-}" ]
	exit $?
	;;
esac
out=$1
shift
extra=""
while [ $# -gt 0 ]; do
	case $1 in
	--set)
		[ $# -ge 2 ] || { echo "accept.sh: --set: needs KEY=VALUE" >&2; exit 2; }
		extra+=",set=$2"
		shift 2
		;;
	*) echo "accept.sh: $1: unknown argument (see --help)" >&2; exit 2 ;;
	esac
done
spec() { # spec KERNEL DEFRAG_MODE: an mmrepro ab SPEC
	local d s=""
	for d in $(ci/kernels.sh "$1" | cut -d' ' -f4-); do s+="deb=$d,"; done
	echo "${s}set=sysctl.vm.defrag_mode=$2$extra"
}
mkdir -p "$out"
rc=0
for ab in "dm0-vs-dm1 6.18 0 6.18 1" "72-vs-618 7.2 1 6.18 1"; do
	set -- $ab
	r=0
	build/mmrepro ab defrag-unmovable --runs "$runs" --a "$(spec "$2" "$3")" \
		--b "$(spec "$4" "$5")" --out "$out/$1" >"$out/$1.log" 2>&1 || r=$?
	echo "== $1 (mmrepro ab exit $r: 1 is expected, B is the bug kernel)"
	ci/defrag/table.sh "$out/$1"
done
# the A/A: the same kernel and knob in both sessions' side B
r=0
build/mmrepro compare "$out/dm0-vs-dm1/b" "$out/72-vs-618/b" \
	--plots "$out/aa-618-plots" >"$out/aa-618.txt" 2>&1 || r=$?
echo "== aa-618 (mmrepro compare exit $r)"
[ $r -eq 0 ] || rc=$r
cat "$out/aa-618.txt"
# the ab sessions exit 1 (side B, the bug, is worse): that is the point;
# the exit status is the A/A's
exit $rc
