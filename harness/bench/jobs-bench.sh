#!/bin/bash
# make bench: -j 2 against -j 1 on the same ab (Debian 6.12,
# direct-reclaim of 4 s in 1-vCPU guests, 2 runs a side), side by side
# in one run, and the Slurm engine's overhead: from sbatch to the first
# run starting on the node, against the local engine's from its start
# to the same point (a one-node cluster of ci/slurm-local.sh).
set -u
cd "$(dirname "$0")/../.." || exit 1
M=$PWD/build/mmrepro
T=$(mktemp -d /tmp/mmrepro-jobsbench.XXXXXX)
trap 'ci/slurm-local.sh stop "$T/cluster" >/dev/null 2>&1; rm -rf "$T"' EXIT
G=(direct-reclaim --a kernel=6.12 --b kernel=6.12 --runs 2
	--set scenario.cpus=1 --set duration_s=4 -q)

echo "# -j: the same ab of 2+2 runs of 1-vCPU guests, $(nproc) CPUs"
for j in 1 2; do
	t0=$(date +%s.%N)
	"$M" ab "${G[@]}" -j $j --out "$T/j$j" >/dev/null 2>&1
	echo "$j $(echo "$(date +%s.%N) - $t0" | bc)" >>"$T/times"
done
awk '{ w[$1] = $2 } END {
	printf "%-24s %8s\n", "", "wall_s"
	printf "%-24s %8.1f\n", "ab -j 1", w[1]
	printf "%-24s %8.1f\n", "ab -j 2", w[2]
	printf "speedup -j 2 / -j 1: %5.2fx (ideal 2x on 2 CPUs)\n", w[1] / w[2]
}' "$T/times"

# the time a run directory was made: its reproduce.sh, written first
made() { stat -c %.3Y "$1/reproduce.sh"; }
# a log line's UTC stamp, in seconds
stamp() { date -d "$(cut -c1-23 <<<"$1")" +%s.%N; }

echo
echo "# --engine slurm: submission to the first run starting"
if ! ci/slurm-local.sh start "$T/cluster" 2 >"$T/up" 2>&1; then
	echo "slurm: no cluster ($(cat "$T/up"))"
	exit 1
fi
export SLURM_CONF=$T/cluster/slurm.conf
"$M" ab "${G[@]}" --runs 1 --engine slurm --out "$T/sl" >/dev/null 2>&1
sub=$(stamp "$(grep -m1 ' submit job ' "$T/sl/ab.log")")
loc=$(stamp "$(grep -m1 ' start A run-1' "$T/j1/ab.log")")
awk -v s="$(echo "$(made "$T/sl/a/run-1") - $sub" | bc)" \
	-v l="$(echo "$(made "$T/j1/a/run-1") - $loc" | bc)" 'BEGIN {
	printf "%-34s %8.2f s\n", "local: plan start -> run started", l
	printf "%-34s %8.2f s\n", "slurm: sbatch -> run started", s
	printf "slurm overhead: %+.2f s a submission\n", s - l
}'
