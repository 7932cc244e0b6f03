#!/bin/bash
# mmrepro compare, ab and report: on result directories written here
# with known metric values (B 50 % worse, A/A, N=1, bad input), and on
# real runs of the harmless local scenario (sysctls and a netns only).
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-$PWD/build/mmrepro}
S=harness/tests/scenarios
T=$(mktemp -d /tmp/mmrepro-comparetest.XXXXXX)
export MMREPRO_JOURNAL=$T/journal
trap 'ip netns del mmrepro-selftest 2>/dev/null; rm -rf "$T"' EXIT
L=(--local --i-understand-this-stresses-the-host -q)

. harness/tests/lib-runs.sh

width_ok() { # width_ok FILE: every line at most 72 columns
	awk 'length($0) > 72 { bad = 1; print "too wide: " $0 > "/dev/stderr" } END { exit bad }' "$1"
}

ktap_ok() { # ktap_ok FILE: version line, a plan that matches the tests
	local plan n
	[ "$(head -1 "$1")" = "KTAP version 1" ] || return 1
	plan=$(grep -E '^1\.\.[0-9]+$' "$1" | head -1 | cut -d. -f3)
	n=$(grep -cE '^(not )?ok [0-9]+ ' "$1")
	[ -n "$plan" ] && [ "$plan" -eq "$n" ] &&
		! grep -vE '^(KTAP version 1|1\.\.[0-9]+|(not )?ok [0-9]+ .*|#.*)$' "$1"
}

# --- B 50 % worse on the gating metric, N=5 ---
side "$T/w/a" udp-order3 "10 11 9 10.5 9.5" "5 6 4 5 6"
side "$T/w/b" udp-order3 "15 16.5 14 15.5 14.5" "5 4 6 5 6"
"$M" compare "$T/w/a" "$T/w/b" --no-plots >"$T/w.txt" 2>"$T/w.err"
check "B 50% worse: exit 1" [ $? -eq 1 ]
check "text names the regression" grep -q 'REGRESSION in kswapd_cpu +50%' "$T/w.txt"
check "text: the metric row says worse, exact p" \
	grep -Eq '^kswapd_cpu\* \(%\) +10 +15 +\+50% .* \.0079 worse$' "$T/w.txt"
check "text lines are at most 72 columns" width_ok "$T/w.txt"
# four gating metrics worse: the result line names them all, wrapped
for s in a b; do
	for r in "$T/w/$s"/run-*; do
		mkdir -p "$T/w4/$s/${r##*/}"
		cp "$r"/* "$T/w4/$s/${r##*/}/"
		jq '.metrics as $m | .metrics += {
			direct_reclaim_stall_seconds: ($m.kswapd_cpu | .value *= 7),
			pressure_stall_some_percent: ($m.kswapd_cpu | .value *= 3),
			allocation_stalls_per_second: ($m.kswapd_cpu | .value *= 11) }' \
			"$r/summary.json" >"$T/w4/$s/${r##*/}/summary.json"
	done
done
"$M" compare "$T/w4/a" "$T/w4/b" --no-plots >"$T/w4.txt" 2>&1
check "four regressions: each named after 'REGRESSION in'" \
	bash -c "sed -n '/^result: REGRESSION in/,\$p' '$T/w4.txt' >'$T/w4.res' &&
		for m in allocation_stalls_per_second direct_reclaim_stall_seconds kswapd_cpu pressure_stall_some_percent; do
			grep -qE \"(in| ) \$m \\+50% \\(p=\" '$T/w4.res' || exit 1; done"
check "four regressions: the result is wrapped at 72 columns" width_ok "$T/w4.txt"
check "text: kernels, N and reproduced k of N at the top" \
	grep -q '6.12.0-test, local, N=5, reproduced 5 of 5' "$T/w.txt"
"$M" compare "$T/w/a" "$T/w/b" --format ktap --no-plots >"$T/w.ktap"
check "ktap: exit 1 too" [ $? -eq 1 ]
check "ktap: not ok with the change and p" \
	grep -qx 'not ok 1 kswapd_cpu # worse: +50% (p=.0079)' "$T/w.ktap"
check "ktap parses: version, plan = number of tests" ktap_ok "$T/w.ktap"
check "ktap: only gating metrics are tests" bash -c "! grep -q '^ok.*o3_free' '$T/w.ktap'"
"$M" compare "$T/w/a" "$T/w/b" --format json --no-plots >"$T/w.json"
check "json: p, CI, direction and result per metric" \
	jq -e '.regression == true and (.metrics[] | select(.name == "kswapd_cpu") |
		.test.p < 0.01 and .test.method == "exact" and .ci.lo <= 5 and
		.ci.hi >= 5 and .result == "worse" and .A.n == 5)' "$T/w.json"
"$M" compare "$T/w/a" "$T/w/b" --format md --no-plots >"$T/w.md"
check "md: a table with a bold worse" grep -q '| \*\*worse\*\* |' "$T/w.md"
# md's plot links are relative to where the report is (here: the
# current directory), so that they hold in a CI artifact
(cd "$T/w" && "$M" compare a b --format md --plots "$T/w/mdplots" >"$T/w/w.md" 2>/dev/null)
check "md: plot links relative to the report, and they resolve" \
	bash -c "grep -q '^!\[box-kswapd_cpu\](mdplots/box-kswapd_cpu.svg)\$' '$T/w/w.md' &&
		! grep -q '](/' '$T/w/w.md' &&
		cd '$T/w' && grep -o '](.*)' w.md | tr -d '()]' | xargs -r ls >/dev/null"
# two gating metrics worse, one with a long name: the result line keeps
# to 72 columns and a comma parts the two
side "$T/w2/a" udp-order3 "10 11 9 10.5 9.5" "50 52 48 51 49"
side "$T/w2/b" udp-order3 "15 16.5 14 15.5 14.5" "20 21 19 22 18"
for f in "$T"/w2/*/run-*/summary.json; do
	jq '.metrics.free_order3_blocks_nodma = (.metrics.o3_free | .gate = true) |
		del(.metrics.o3_free)' "$f" >"$f.new" && mv "$f.new" "$f"
done
"$M" compare "$T/w2/a" "$T/w2/b" --no-plots >"$T/w2.txt" 2>&1
check "two regressions: exit 1, the result at most 72 columns, comma-parted" \
	bash -c "[ $? -eq 1 ] && awk 'length > 72 { exit 1 }' '$T/w2.txt' &&
		sed -n '/^result: /,\$p' '$T/w2.txt' | tr -s '\n ' '  ' |
		grep -q 'REGRESSION in kswapd_cpu +50% (p=.0079), free_order3_blocks_nodma -60% (p=.0079)'"

# --- the same, better, and A/A ---
"$M" compare "$T/w/b" "$T/w/a" --no-plots >"$T/better.txt" 2>&1
check "B 33% better: exit 0, says better" \
	bash -c "[ $? -eq 0 ] && grep -Eq '^kswapd_cpu.* better$' '$T/better.txt'"
side "$T/aa/b" udp-order3 "10.5 9 11 9.5 10" "6 5 4 6 5"
"$M" compare "$T/w/a" "$T/aa/b" --format ktap --no-plots >"$T/aa.ktap"
check "A/A: exit 0" [ $? -eq 0 ]
check "A/A: ok 1 kswapd_cpu" grep -qx 'ok 1 kswapd_cpu' "$T/aa.ktap"
check "A/A ktap parses" ktap_ok "$T/aa.ktap"

# --- no gating metric: one test still (1..0 is an error to kunit.py) ---
for d in w/a w/b; do
	cp -r "$T/$d" "$T/ng-${d//\//-}"
	for f in "$T/ng-${d//\//-}"/run-*/summary.json; do
		jq '.metrics.kswapd_cpu.gate = false' "$f" >"$f.new" && mv "$f.new" "$f"
	done
done
"$M" compare "$T/ng-w-a" "$T/ng-w-b" --format ktap --no-plots >"$T/ng.ktap"
check "no gating metric: exit 0, one test, a SKIP with the reproduction rates" \
	bash -c "[ $? -eq 0 ] && grep -qx '1..1' '$T/ng.ktap' &&
		grep -qx 'ok 1 reproduced # SKIP no gating metric: reproduced A 5 of 5, B 5 of 5' '$T/ng.ktap'"
check "no gating metric: kunit.py parse reads it without an error" \
	ktap_parses "$T/ng.ktap" "$T/ng.kjson"

# --- [expect] fixed = kswapd_cpu lower: which side behaves like the fix ---
for d in w/a w/b aa/b; do
	cp -r "$T/$d" "$T/x-${d//\//-}"
	for f in "$T/x-${d//\//-}"/run-*/summary.json; do
		jq '. + { expect_fixed: { metric: "kswapd_cpu", better: "lower" } }' \
			"$f" >"$f.new" && mv "$f.new" "$f"
	done
done
"$M" compare "$T/x-w-b" "$T/x-w-a" --no-plots >"$T/x1.txt" 2>&1
check "expect: B lower by a third: 'B behaves like the fix', with the change and p" \
	grep -q '^expect: B behaves like the fix: kswapd_cpu -33.*(p=.0079)' "$T/x1.txt"
check "expect: text still 72 columns" width_ok "$T/x1.txt"
"$M" compare "$T/x-w-b" "$T/x-w-a" --format ktap --no-plots >"$T/x1.ktap"
check "expect: ktap passes expect_fixed, and the plan counts it" \
	bash -c "grep -q '^ok 2 expect_fixed # B behaves like the fix' '$T/x1.ktap'"
check "expect: ktap parses" ktap_ok "$T/x1.ktap"
"$M" compare "$T/x-w-a" "$T/x-w-b" --format ktap --no-plots >"$T/x2.ktap"
check "expect: A behaves like the fix (B lost it): not ok expect_fixed" \
	grep -q '^not ok 2 expect_fixed # A behaves like the fix: kswapd_cpu +50%' "$T/x2.ktap"
"$M" compare "$T/x-w-a" "$T/x-aa-b" --format ktap --no-plots >"$T/x3.ktap"
check "expect: A/A: SKIP, neither side" \
	grep -q '^ok 2 expect_fixed # SKIP neither side behaves like the fix' "$T/x3.ktap"
"$M" compare "$T/x-w-b" "$T/x-w-a" --format json --no-plots >"$T/x1.json"
check "expect: json says B" jq -e '.expect_fixed.behaves_like_fix == "B"' "$T/x1.json"
"$M" compare "$T/x-w-b" "$T/x-w-a" --format md --no-plots >"$T/x1.md"
check "expect: md has the line" grep -q '^\*\*Expect:\*\* B behaves like the fix' "$T/x1.md"
"$M" compare "$T/w/a" "$T/w/b" --no-plots 2>/dev/null | grep -q '^expect:'
check "no [expect] in the runs: no expect line" [ $? -ne 0 ]

# --- N=1 on a side: medians, no significance, no crash ---
side "$T/n1/b" udp-order3 "30" "1"
"$M" compare "$T/w/a" "$T/n1/b" --no-plots >"$T/n1.txt" 2>&1
check "N=1: exit 3 (fewer than 2 usable runs), even 3x worse" [ $? -eq 3 ]
check "N=1: the result line says there is no comparison" \
	grep -qx 'result: NO COMPARISON: a side has fewer than 2 usable runs' "$T/n1.txt"
check "N=1: says there is no significance" grep -q 'N=1 on side B: medians only, no significance' "$T/n1.txt"
check "N=1: result n/a" grep -Eq '^kswapd_cpu.* n/a$' "$T/n1.txt"
"$M" compare "$T/w/a" "$T/n1/b" --format ktap --no-plots >"$T/n1.ktap"
check "N=1: ktap skips" grep -qx 'ok 1 kswapd_cpu # SKIP N=1 on side B' "$T/n1.ktap"
check "N=1: and fails one more test, usable_runs" \
	bash -c "grep -qx 'not ok 2 usable_runs # A 5 of 5, B 1 of 5: fewer than 2' '$T/n1.ktap' ||
		grep -qx 'not ok 2 usable_runs # A 5 of 5, B 1 of 1: fewer than 2' '$T/n1.ktap'"
check "N=1: the KTAP plan counts it" ktap_ok "$T/n1.ktap"
"$M" compare "$T/n1/b/run-1" "$T/n1/b" --no-plots >"$T/single.txt" 2>&1
check "a single run directory as a side: a report, exit 3 (N=1)" \
	bash -c "[ $? -eq 3 ] && grep -q '^  A: .*/n1/b/run-1' '$T/single.txt'"

# --- every run of a side ended in error (a teardown that failed on a
# patched kernel lost them all): never exit 0 ---
side "$T/err/b" udp-order3 "null null null null null" "1 1 1 1 1" error
"$M" compare "$T/w/a" "$T/err/b" --no-plots >"$T/err.txt" 2>&1
check "no usable run on side B: exit 3" [ $? -eq 3 ]
check "and the note says so" \
	grep -q 'side B: 0 usable run(s) of 5 (reproduced or not-reproduced)' "$T/err.txt"
"$M" compare "$T/w/a" "$T/err/b" --format json --no-plots >"$T/err.json" 2>/dev/null
check "json: comparable false, regression false" \
	jq -e '.comparable == false and .regression == false' "$T/err.json"

# --- accelerators differ: warn, test nothing ---
side "$T/acc/a" udp-order3 "10 11 9 10.5 9.5" "5 6 4 5 6" reproduced tcg
side "$T/acc/b" udp-order3 "15 16.5 14 15.5 14.5" "5 4 6 5 6" reproduced kvm
"$M" compare "$T/acc/a" "$T/acc/b" --no-plots >"$T/acc.txt" 2>&1
check "accelerators differ: exit 0, with a warning" \
	bash -c "[ $? -eq 0 ] && grep -q 'warning: A ran under tcg, B under kvm' '$T/acc.txt'"
check "accelerators differ: text still 72 columns" width_ok "$T/acc.txt"

# --- bad input: exit 2, one line naming what is wrong ---
bad() { # bad NAME REGEX ARGS...
	local name=$1 re=$2 rc lines
	shift 2
	"$M" compare "$@" --no-plots >/dev/null 2>"$T/bad.err"
	rc=$?
	lines=$(wc -l <"$T/bad.err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -Eq "$re" "$T/bad.err"; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc lines=$lines: $(head -c 300 "$T/bad.err")"
	fi
}
side "$T/other" harmless "1 2 3" "1 2 3"
bad "different scenarios" "different scenarios: .*'udp-order3'.*'harmless'" "$T/w/a" "$T/other"
# sample runs: no metrics, no verdict; it used to print an empty table
# and "no gating metric is significantly worse"
for d in sa/run-1 sa/run-2 sb/run-1 sb/run-2; do
	"$M" sample -q --interval 50ms --duration 150ms --out "$T/$d" >/dev/null 2>&1
done
bad "two sets of sample runs: nothing to compare" \
	"sa/run-1: runs of no scenario \\(sample runs\\?\\): nothing to compare" "$T/sa" "$T/sb"
side "$T/corrupt" udp-order3 "1 2 3" "1 2 3"
echo '{ "metrics": { "kswapd_cpu": ' >"$T/corrupt/run-2/summary.json"
bad "corrupt summary.json, named" "corrupt/run-2/summary.json: corrupt JSON" "$T/w/a" "$T/corrupt"
: >"$T/corrupt/run-2/summary.json"
bad "empty summary.json, named" "corrupt/run-2/summary.json: empty file" "$T/w/a" "$T/corrupt"
mkdir -p "$T/empty/run-1"
bad "a directory without runs" "empty: no runs" "$T/w/a" "$T/empty"
# a run stopped before its summary: meta.json only
mkdir -p "$T/unfin/run-1"
cp "$T/w/b/run-1/meta.json" "$T/unfin/run-1/"
bad "only unfinished runs, named" "unfin: no finished runs .*unfin/run-1 has no summary.json" "$T/w/a" "$T/unfin"
cp -r "$T/w/b" "$T/part"
rm "$T/part/run-3/summary.json"
"$M" compare "$T/w/a" "$T/part" --no-plots >"$T/part.txt" 2>&1
check "an unfinished run is left out, and it says so" \
	bash -c "[ $? -eq 1 ] && grep -q 'N=4' '$T/part.txt' && grep -q 'side B: left out 1 unfinished run' '$T/part.txt'"
bad "a missing directory" "nosuch: No such file" "$T/w/a" "$T/nosuch"
bad "one directory only" "give two directories" "$T/w/a"
"$M" compare "$T/w/a" "$T/w/b" --format xml >/dev/null 2>&1
check "unknown --format: exit 2" [ $? -eq 2 ]

# --- plots (gnuplot): box plots from summaries alone ---
"$M" compare "$T/w/a" "$T/w/b" --plots "$T/wplots" >/dev/null 2>&1
check "box plot PNG and SVG per metric" \
	test -s "$T/wplots/box-kswapd_cpu.png" -a -s "$T/wplots/box-o3_free.svg"
check "box plot: the unit in parentheses" \
	grep -qF "set ylabel 'kswapd_cpu (%)'" "$T/wplots/src/box-kswapd_cpu.gp"
"$M" compare "$T/w/a" "$T/n1/b" --plots "$T/n1plots" >/dev/null 2>&1
check "box plot: N=1 is '(1 run)', N=5 '(5 runs)'" \
	bash -c "grep -q '(1 run)' '$T/n1plots/src/box-kswapd_cpu.gp' && grep -q '(5 runs)' '$T/n1plots/src/box-kswapd_cpu.gp'"
check "the PNG is a PNG" bash -c "head -c 8 '$T/wplots/box-kswapd_cpu.png' | grep -q PNG"

# --- real runs of the harmless scenario ---
"$M" run "$S/harmless.ini" "${L[@]}" --runs 3 --set hold=1 --out "$T/r/a" >/dev/null 2>&1
"$M" run "$S/harmless.ini" "${L[@]}" --runs 3 --set hold=1 \
	--set sysctl.vm.swappiness=10 --out "$T/r/b" >/dev/null 2>&1
"$M" compare "$T/r/a" "$T/r/b" >"$T/r.txt" 2>"$T/r.err"
check "harmless runs: compare exits 0 (no gating metric)" [ $? -eq 0 ]
check "harmless: the knob that differs is named" \
	grep -q 'set sysctl.vm.swappiness: (not set) -> 10' "$T/r.txt"
check "harmless: vm.swappiness as the runs saw it" grep -q 'vm.swappiness: 33 -> 10' "$T/r.txt"
check "harmless: N=3 cannot reach p < 0.05, and it says so" \
	grep -q 'smallest possible p is 0.100' "$T/r.txt"
check "harmless: text at most 72 columns" width_ok "$T/r.txt"
check "harmless: time-series plots next to a and b" \
	test -s "$T/r/plots/psi.png" -a -s "$T/r/plots/psi.svg" -a -s "$T/r/plots/box-free.png"

# --- the tracer's awake shares joined and plotted, A against B ---
# copies of the harmless runs, each given a trace/timeline.csv of its
# own: kswapd awake 20 % on A and 60 % on B, kcompactd 5 % and 15 %
for side in a b; do
	cp -r "$T/r/$side" "$T/aw-$side"
	rm -rf "$T/aw-$side/plots"
	ks=20 kc=5
	[ $side = b ] && ks=60 kc=15
	for d in "$T/aw-$side"/run-*/; do
		mkdir -p "$d/trace"
		end=$(awk -F, 'END { print int($1) + 1 }' "$d/derived.csv")
		{
			echo "t,trace.kswapd_awake_pct,trace.kcompactd_awake_pct"
			for i in $(seq 1 $((end * 5))); do
				awk -v i="$i" -v ks=$ks -v kc=$kc 'BEGIN { printf "%.1f,%d,%d\n", i * 0.2, ks, kc }'
			done
		} >"$d/trace/timeline.csv"
	done
done
"$M" compare "$T/aw-a" "$T/aw-b" --plots "$T/awplots" >/dev/null 2>"$T/aw.err"
check "awake plot: PNG and SVG of kswapd and kcompactd awake shares" \
	test -s "$T/awplots/awake.png" -a -s "$T/awplots/awake.svg"
# each panel's median block (the last) holds the side's value
awmed() { # awmed FILE: the values of the last block (the median), unique
	awk 'BEGIN { RS = ""; FS = "\n" } { last = $0 } END { print last }' "$1" |
		awk '!/^#/ && NF >= 2 { print $2 }' | sort -u | tr '\n' ' '
}
ka=$(awmed "$T/awplots/src/awake-0-a.dat") kb=$(awmed "$T/awplots/src/awake-0-b.dat")
ca=$(awmed "$T/awplots/src/awake-1-a.dat") cb=$(awmed "$T/awplots/src/awake-1-b.dat")
check "awake plot: kswapd's median is 20 on A and 60 on B ($ka/$kb)" \
	[ "$ka" = "20 " -a "$kb" = "60 " ]
check "awake plot: kcompactd's panel, 5 on A and 15 on B ($ca/$cb)" \
	[ "$ca" = "5 " -a "$cb" = "15 " ]
check "awake plot: runs without a timeline have no such plot" \
	test ! -e "$T/r/plots/awake.png"

# --- report and --bundle ---
"$M" report "$T/r/a/run-1" >"$T/rep.txt" 2>"$T/rep.err"
check "report: exit 0" [ $? -eq 0 ]
for s in 'Verdict:  reproduced' 'Scenario: harmless' 'Knobs' 'vm.swappiness = 33' \
	'To reproduce' 'Time series' 'Kernel log'; do
	check "report has '$s'" grep -q "$s" "$T/rep.txt"
done
check "report: about 20 time-series rows" \
	bash -c "[ \$(sed -n '/^Time series/,/^Kernel log/p' '$T/rep.txt' | grep -cE '^[ *] +[0-9]+\.[0-9] ') -ge 8 ]"
# the Tracepoints section, from a real run's summary.json "trace" object
# (fixtures/runs) put into a copy of a local run; the figures it must
# print are computed here from the same object
F=harness/tests/fixtures/runs/trace-6.18.15-defrag.json
cp -r "$T/r/a/run-1" "$T/tp"
jq --slurpfile t "$F" '.trace = $t[0]' "$T/r/a/run-1/summary.json" >"$T/tp/summary.json"
"$M" report "$T/tp" >"$T/tp.txt" 2>/dev/null
check "report: a Tracepoints section when the run traced" grep -q '^Tracepoints' "$T/tp.txt"
tp() { sed -n '/^Tracepoints/,/^Time series/p' "$T/tp.txt" | tr '\n' ' ' | tr -s ' '; }
g3() { awk -v v="$1" 'BEGIN { printf "%.3g", v }'; }
n=$(jq '.direct_reclaim.count' "$F")
p99=$(g3 "$(jq '.direct_reclaim.p99_us / 1000' "$F")")
check "report: direct reclaim stalls and p99 as in summary.json ($n, $p99 ms)" \
	bash -c "grep -q 'direct reclaim: $n stalls, p50 [0-9.]* ms, p99 $p99 ms' <<<'$(tp)'"
check "report: kswapd's duty cycle as in summary.json" \
	bash -c "grep -q 'kswapd: awake $(g3 "$(jq .kswapd.max_duty_cycle_pct "$F")") %' <<<'$(tp)'"
check "report: compaction runs and fallbacks as in summary.json" \
	bash -c "grep -q 'compaction: $(jq .compaction.count "$F") runs' <<<'$(tp)' &&
		grep -q 'migratetype: $(jq .extfrag.count "$F"), $(jq .extfrag.fragmenting "$F") of them' <<<'$(tp)'"
check "report: events read and lost" \
	bash -c "grep -q 'events: $(jq .events "$F") read, $(jq .lost_events "$F") lost' <<<'$(tp)'"
# lost events and absent ones are said; a part of another type is left out
jq '.trace.lost_events = 7 | .trace.missing_events = {"vmscan:mm_vmscan_throttled": "not in this kernel"} |
	.trace.kswapd.max_duty_cycle_pct = "x" | .trace.compaction.status = {"success": 3, "complete": 1}' \
	"$T/tp/summary.json" >"$T/tp.json" && mv "$T/tp.json" "$T/tp/summary.json"
"$M" report "$T/tp" >"$T/tp.txt" 2>/dev/null
check "report: a damaged trace object still gives a report (exit 0)" [ $? -eq 0 ]
check "report: lost events are said to undercount" bash -c "grep -q '7 lost (the figures above undercount)' <<<'$(tp)'"
check "report: events absent on the kernel are named, with the reason" \
	bash -c "grep -q 'absent on this kernel: vmscan:mm_vmscan_throttled (not in this kernel)\$' <<<'$(tp | sed 's/ Time series.*//')'"
check "report: compaction outcomes by name" \
	bash -c "grep -q 'outcomes:[a-z0-9 ]* success 3' <<<'$(tp)' && grep -q 'outcomes:[a-z0-9 ]* complete 1' <<<'$(tp)'"
check "report: a figure of the wrong type is left out, not printed" bash -c "! grep -q 'kswapd:' <<<'$(tp)'"
check "report: no Tracepoints section when the run did not trace" bash -c "! grep -q '^Tracepoints' '$T/rep.txt'"
"$M" report "$T/r/a" >/dev/null 2>"$T/rep2.err"
check "report of several runs: exit 2, naming one" \
	bash -c "[ $? -eq 2 ] && grep -q 'holds 3 runs' '$T/rep2.err'"
"$M" report "$T/r/a/run-1" --bundle "$T/b1.tar.gz" >/dev/null 2>&1
check "bundle: written" test -s "$T/b1.tar.gz"
tar -tzf "$T/b1.tar.gz" >"$T/b1.list" 2>/dev/null
for f in report.txt reproduce.sh harmless.ini derived.csv summary.json \
	samples/meminfo.csv plots/psi.png; do
	check "bundle holds $f" grep -q "/$f\$" "$T/b1.list"
done
# a run of a scenario with reproducers: its C files go in too
cp -r "$T/r/a/run-1" "$T/u3"
jq --arg f "$PWD/configs/udp-order3.ini" '.scenario = "udp-order3" | .scenario_file = $f' \
	"$T/r/a/run-1/meta.json" >"$T/u3/meta.json"
"$M" report "$T/u3" --bundle "$T/b2.tar.gz" >"$T/u3.txt" 2>&1
tar -tzf "$T/b2.tar.gz" >"$T/b2.list" 2>/dev/null
check "bundle holds the reproducers named in the phases" \
	bash -c "grep -q '/repro/frag.c$' '$T/b2.list' && grep -q '/repro/udp_storm.c$' '$T/b2.list'"
check "bundle holds the scenario file" grep -q '/udp-order3.ini$' "$T/b2.list"
# the tracer's results, raw traces and the snapshots go in too
cp -r "$T/r/a/run-1" "$T/u4"
mkdir -p "$T/u4/trace"
echo '{"count": 3}' >"$T/u4/trace/direct_reclaim.json"
printf 't,trace.dr_some_pct\n1.0,5\n' >"$T/u4/trace/timeline.csv"
echo 'mark' >"$T/u4/reclaim_retry.trace"
"$M" report "$T/u4" --bundle "$T/b4.tar.gz" >/dev/null 2>&1
tar -tzf "$T/b4.tar.gz" >"$T/b4.list" 2>/dev/null
for f in trace/direct_reclaim.json trace/timeline.csv reclaim_retry.trace \
	snapshots/start/zoneinfo snapshots/end/zoneinfo; do
	check "bundle holds $f" grep -q "/$f\$" "$T/b4.list"
done
# reproduce.sh runs the bundle's scenario file from where it is unpacked:
# a stand-in mmrepro checks that the file it is given is there
mkdir -p "$T/unpack" "$T/bin"
tar -xzf "$T/b4.tar.gz" -C "$T/unpack"
printf '#!/bin/sh\nfor a; do case $a in *.ini) [ -f "$a" ] && echo "scenario $a" ;; esac; done\n' \
	>"$T/bin/mmrepro"
chmod +x "$T/bin/mmrepro"
(cd / && PATH="$T/bin:$PATH" sh "$T"/unpack/*/reproduce.sh) >"$T/unpack.out" 2>&1
check "bundle: reproduce.sh runs its own harmless.ini, from anywhere" \
	bash -c "[ $? -eq 0 ] && grep -qx 'scenario ./harmless.ini' '$T/unpack.out'"
# a directory that is not a run, with a corrupt summary.json deep below
mkdir -p "$T/notrun/x/y"
echo '{' >"$T/notrun/x/y/summary.json"
"$M" report "$T/notrun" >/dev/null 2>"$T/rep3.err"
check "report of a directory that is not a run: says so, names no file below" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/rep3.err') -eq 1 ] &&
		grep -q 'notrun is not a run directory' '$T/rep3.err'"

# --- ab: interleaved A B A B, then the report ---
"$M" ab "$S/harmless.ini" --local --i-understand-this-stresses-the-host --runs 2 \
	--set hold=2 --a set=hold=1 --b set=hold=1,set=sysctl.vm.swappiness=10 \
	--out "$T/ab" >"$T/ab.txt" 2>"$T/ab.err"
check "ab: exit 0" [ $? -eq 0 ]
check "ab: runs interleaved A B A B" \
	bash -c "[ \"\$(grep -o 'start [AB] run-[0-9]*' '$T/ab/ab.log' | tr '\n' ' ')\" = 'start A run-1 start B run-1 start A run-2 start B run-2 ' ]"
check "ab: a/ and b/ hold run-1 and run-2" \
	test -s "$T/ab/a/run-1/summary.json" -a -s "$T/ab/a/run-2/summary.json" \
	-a -s "$T/ab/b/run-1/summary.json" -a -s "$T/ab/b/run-2/summary.json"
check "ab: B's runs started after A's of the same round" \
	bash -c "[ \$(jq -r .start_utc '$T/ab/a/run-1/meta.json') '<' \$(jq -r .start_utc '$T/ab/b/run-2/meta.json') ]"
check "ab: B ran with its --set, A without" \
	bash -c "grep -q swappiness=10 '$T/ab/b/run-1/reproduce.sh' && ! grep -q swappiness '$T/ab/a/run-1/reproduce.sh'"
check "ab: --set reaches both sides, before each SPEC's set= (which wins)" \
	bash -c "for s in a b; do grep -q \"'hold=2' .*'hold=1'\" '$T/ab/'\$s/run-2/reproduce.sh || exit 1; done"
check "ab: prints the compare report" grep -q '^mmrepro compare: harmless' "$T/ab.txt"
check "ab: report files" test -s "$T/ab/report.txt" -a -s "$T/ab/report.ktap" -a -s "$T/ab/report.json"
ab_html() { # every SVG of DIR/plots inside report.html, and no other image
	local f n=0
	for f in "$T"/ab/plots/*.svg; do
		grep -qF "base64,$(base64 -w0 "$f")\"" "$T/ab/report.html" || return 1
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] && [ "$(grep -o '<img ' "$T/ab/report.html" | wc -l)" -eq "$n" ]
}
check "ab: report.html embeds each of its plots" ab_html
check "ab: prints where the reports are, html among them" \
	grep -q "^reports: $T/ab/report.{txt,md,json,ktap,html}\$" "$T/ab.txt"
check "ab: report.md links its plots as plots/NAME.svg" \
	bash -c "grep -q '](plots/[a-z0-9_-]*.svg)\$' '$T/ab/report.md' && ! grep -q '](/' '$T/ab/report.md'"
check "ab: progress lines name side, phase and ETA" grep -q 'ab: run 2 of 4: B run-1 of 2, .*ETA' "$T/ab.err"
# a rebuild relinks the binary during a long session: ab runs the new
# one, and waits for it while it is not executable.  The binary turns
# non-executable once A's run is under way (its run directory exists,
# which only the exec'd run makes), before ab starts B, and back 2 s
# after ab has started B's run, whatever the load.  (Turning it off as
# soon as ab ran raced A's own exec: on a loaded machine A then waited
# past its 30 s and was lost, which is not the case under test.)
mkdir -p "$T/rebin"
cp "$(readlink -f "$M")" "$T/rebin/mmrepro"
"$T/rebin/mmrepro" ab "$S/harmless.ini" --local --i-understand-this-stresses-the-host \
	--runs 1 --set hold=3 --out "$T/abre" >/dev/null 2>&1 &
abpid=$!
for _ in $(seq 600); do
	[ -d "$T/abre/a/run-1" ] && break
	sleep 0.05
done
chmod -x "$T/rebin/mmrepro"
grep -q 'start B run-1' "$T/abre/ab.log" 2>/dev/null && b_early=1 || b_early=0
for _ in $(seq 600); do
	grep -q 'start B run-1' "$T/abre/ab.log" 2>/dev/null && break
	sleep 0.1
done
sleep 2
chmod +x "$T/rebin/mmrepro"
wait $abpid
check "ab: the relink test turned the binary off while A ran, before B" \
	[ "$b_early" -eq 0 ]
check "ab: a binary not executable for 2 s (a relink) costs no run" \
	bash -c "[ \$(grep -c 'exit [01]\$' '$T/abre/ab.log') -eq 2 ] && test -s '$T/abre/a/run-1/summary.json' -a -s '$T/abre/b/run-1/summary.json'"
"$M" ab "$S/harmless.ini" --local --runs 1 --a set=hold=1 --b set=hold=2 >/dev/null 2>"$T/ab2.err"
check "ab --local needs the host-stress flag" \
	bash -c "[ $? -eq 2 ] && grep -q i-understand-this-stresses-the-host '$T/ab2.err'"
"$M" ab "$S/harmless.ini" "${L[@]}" --a colour=blue --b set=hold=1 >/dev/null 2>"$T/ab3.err"
check "ab: a bad SPEC is refused" bash -c "[ $? -eq 2 ] && grep -q \"'colour=blue'\" '$T/ab3.err'"
"$M" ab "$S/harmless.ini" --local --i-understand-this-stresses-the-host \
	--a set=nosuchvar=1 --b set=hold=1 >/dev/null 2>"$T/ab4.err"
check "ab: a bad --set is refused before any run" \
	bash -c "[ $? -eq 2 ] && grep -q \"unknown key 'nosuchvar'\" '$T/ab4.err'"
"$M" ab "$S/harmless.ini" --local --i-understand-this-stresses-the-host \
	--set nosuchvar=1 --b set=hold=1 >/dev/null 2>"$T/ab5.err"
check "ab: a bad --set for both sides is refused before any run" \
	bash -c "[ $? -eq 2 ] && grep -q \"^mmrepro: ab: --a: .*unknown key 'nosuchvar'\" '$T/ab5.err'"
# --- 600 --set words in every run, one key that differs: each key is
# compared once (a key per word was cubic: 800 words took minutes), and
# the one difference is still found ---
side "$T/many/a" udp-order3 "10 11 9" "5 6 4"
side "$T/many/b" udp-order3 "10 11 9" "5 6 4"
for d in "$T"/many/[ab]/run-*; do
	v=v
	case $d in */b/run-2) v=w ;; esac
	{
		printf '#!/bin/sh\nmmrepro run x'
		for i in $(seq 600); do
			[ "$i" = 300 ] && printf " '--set' 'k300=%s'" "$v" ||
				printf " '--set' 'k%d=v'" "$i"
		done
		echo
	} >"$d/reproduce.sh"
done
"$M" compare "$T/many/a" "$T/many/b" --no-plots --format md >"$T/many.md" 2>/dev/null
check "600 --set words a run: the one key that differs is named, once" \
	bash -c "[ \$(grep -c -- '--set k300' '$T/many.md') -eq 1 ]"
check "and no key that is the same on both sides" \
	bash -c "! grep -q -- '--set k299\|--set k1\b' '$T/many.md'"
tap_end
