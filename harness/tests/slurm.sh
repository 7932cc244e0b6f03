#!/bin/bash
# --engine slurm on a real one-node Slurm: munged, slurmctld and slurmd
# of Debian's slurm-wlm, started here by ci/slurm-local.sh with 2 CPUs.
# An ab of 2+2 short 1-vCPU guest runs of Debian 6.12 goes as one job
# array; one task is cancelled mid-run (scancel of its index) and must
# be resubmitted, not counted; the results and the report must be laid
# out as a local run's (ab -j 2 of the same); ab --collect compares them
# again; a sweep goes through the same engine.  About 5 minutes under
# TCG.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-$PWD/build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-slurm.XXXXXX)
S=$T/cluster
trap 'ci/slurm-local.sh stop "$S"; rm -rf "$T"' EXIT
G=(--set scenario.cpus=1 --set duration_s=4)

t0=$(date +%s)
ci/slurm-local.sh start "$S" 2 >"$T/up" 2>&1
rc=$?
check "ci/slurm-local.sh: a one-node cluster up (idle) in $(($(date +%s) - t0)) s" [ $rc -eq 0 ]
if [ $rc -ne 0 ]; then
	sed 's/^/# /' "$T/up"
	tap_end
	exit 1
fi
export SLURM_CONF=$S/slurm.conf

# bad input, refused before anything is submitted
"$M" ab direct-reclaim --a kernel=6.12 --b kernel=6.12 --engine slurm -j 2 \
	--out "$T/bad" >/dev/null 2>"$T/bad.err"
check "--engine slurm with -j is refused, nothing written" \
	bash -c "[ $? -eq 2 ] && grep -q 'Slurm places the tasks' '$T/bad.err' && [ ! -e '$T/bad' ]"
"$M" ab direct-reclaim --a kernel=6.12 --b kernel=6.12 --engine pbs \
	--out "$T/bad" >/dev/null 2>"$T/bad.err"
check "--engine pbs is refused, naming the engines" \
	bash -c "[ $? -eq 2 ] && grep -q 'use local or slurm' '$T/bad.err' && [ ! -e '$T/bad' ]"

# --- the ab through Slurm, index 1 (B run-1) cancelled while it runs
"$M" ab direct-reclaim --a kernel=6.12 --b kernel=6.12 --runs 2 "${G[@]}" \
	--engine slurm --out "$T/sl" >"$T/sl.out" 2>"$T/sl.err" &
abpid=$!
job=
for _ in $(seq 1500); do
	job=$(sed -n 's/.* submit job \([0-9]*\) .*/\1/p' "$T/sl/ab.log" 2>/dev/null | head -1)
	[ -n "$job" ] && squeue -h -r -j "$job" -o '%K %t' 2>/dev/null | grep -qx '1 R' && break
	sleep 0.2
done
# into its guest's boot, then cancel that one index
for _ in $(seq 300); do
	grep -q 'booting' "$T/sl/b/run-1.log" 2>/dev/null && break
	sleep 0.2
done
sleep 3
scancel "${job}_1"
wait $abpid
rc=$?
check "slurm ab: exit 0 (2 runs a side cannot be significant)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -20 "$T/sl.err" | sed 's/^/# /'
check "slurm ab: one array of the 4 runs, in the order A B A B" \
	grep -q " submit job $job array 0,1,2,3\$" "$T/sl/ab.log"
check "slurm ab: the cancelled task was resubmitted, alone" \
	bash -c "grep -q 'retry B run-1: attempt 1 left no exit status' '$T/sl/ab.log' &&
		grep -q ' submit job [0-9]* array 1\$' '$T/sl/ab.log'"
check "slurm ab: the cancelled attempt kept aside in slurm/lost, with its log" \
	bash -c "[ -d '$T/sl/slurm/lost/b-run-1.attempt-1' ] && [ -s '$T/sl/slurm/lost/b-run-1.attempt-1.log' ] &&
		[ ! -e '$T/sl/b/run-1.attempt-1' ]"
check "slurm ab: and not counted: B run-1 ended once, the report has 2 runs a side" \
	bash -c "[ \$(grep -c ' end B run-1 ' '$T/sl/ab.log') -eq 1 ] &&
		jq -e '[.metrics[] | select(.gate)] | length > 0 and all(.[]; .A.n == 2 and .B.n == 2)' '$T/sl/report.json'"
check "slurm ab: all 4 runs ended with a verdict and a summary" \
	bash -c "for r in a/run-1 a/run-2 b/run-1 b/run-2; do
		test -s '$T/sl/'\$r/summary.json -a -s '$T/sl/'\$r/verdict || exit 1; done"
check "slurm ab: every run ran its own 6.12 guest of 1 vCPU" \
	bash -c "[ \$(jq -r '.cpus' '$T'/sl/[ab]/run-[12]/vm.json | grep -cx 1) -eq 4 ] &&
		[ \$(jq -r .kernel.release '$T'/sl/[ab]/run-[12]/meta.json | grep -c '^6\.12\.') -eq 4 ]"
check "slurm ab: each guest kept to the one CPU Slurm gave its task (task/affinity)" \
	bash -c "[ \$(jq -r .host_cpus '$T'/sl/[ab]/run-[12]/vm.json | grep -cx '[0-9]*') -eq 4 ]"
check "slurm ab: plan.json lists the 4 runs, each an mmrepro run, with its kernel and --set values" \
	jq -e '(.runs | length) == 4 and all(.runs[]; .argv[1] == "run") and
		[.runs[].side] == ["A", "B", "A", "B"] and
		all(.runs[]; (.kernel | test("vmlinuz-6\\.12\\.")) and .set == ["scenario.cpus=1", "duration_s=4"])' \
	"$T/sl/slurm/plan.json"
check "slurm ab: the compare report on stdout" \
	grep -q '^mmrepro compare: direct-reclaim' "$T/sl.out"

# --- the same ab locally, -j 2: the same layout of results and reports
"$M" ab direct-reclaim --a kernel=6.12 --b kernel=6.12 --runs 2 "${G[@]}" \
	-j 2 --out "$T/loc" >/dev/null 2>"$T/loc.err"
layout() { # the reports, the plots and one run's files, by name
	(cd "$1" && ls report.* && ls plots && ls a/run-2 | grep -v '^console' && ls b/run-2 | grep -v '^console')
}
layout "$T/sl" >"$T/sl.layout"
layout "$T/loc" >"$T/loc.layout"
check "slurm ab: results and reports laid out as a local ab's" \
	bash -c "[ -s '$T/loc.layout' ] && diff '$T/loc.layout' '$T/sl.layout'"
check "slurm ab: report.json has the metrics of a local ab's" \
	bash -c "[ \"\$(jq -c '[.metrics[].name]' '$T/sl/report.json')\" = \"\$(jq -c '[.metrics[].name]' '$T/loc/report.json')\" ] &&
		[ \$(jq '.metrics | length' '$T/sl/report.json') -gt 3 ]"

# --- --collect: the same comparison again, from the directory alone
"$M" ab --collect "$T/sl" >"$T/col.out" 2>"$T/col.err"
check "ab --collect: exit 0, the same report" \
	bash -c "[ $? -eq 0 ] && diff <(sed -n '/^mmrepro compare/,/^reports:/p' '$T/sl.out') \
		<(sed -n '/^mmrepro compare/,/^reports:/p' '$T/col.out')"

# --- sweep through the same engine: 2 points, a run each
"$M" sweep direct-reclaim --sweep duration_s=3,4 --kernel 6.12 --runs 1 \
	--set scenario.cpus=1 --engine slurm --out "$T/sw" >"$T/sw.out" 2>"$T/sw.err"
rc=$?
check "slurm sweep: exit 3 (one run a point is too few to compare)" [ $rc -eq 3 ]
check "slurm sweep: one array of its 2 runs, a summary at each point" \
	bash -c "grep -q ' submit job [0-9]* array 0,1\$' '$T/sw/sweep.log' &&
		test -s '$T/sw/duration_s_3/run-1/summary.json' -a -s '$T/sw/duration_s_4/run-1/summary.json'"
check "slurm sweep: the report has a line per point" \
	bash -c "[ \$(grep -cE '^[34] +6\.12\..* [01] of 1 ' '$T/sw/report.txt') -eq 2 ]"

tap_end
