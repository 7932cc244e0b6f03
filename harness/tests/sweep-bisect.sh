#!/bin/bash
# mmrepro sweep and bisect end to end, on real local runs of a scenario
# that stresses nothing (harness/tests/scenarios/bisect.ini: reproduced
# while MemFree is above {limit} MiB, an error at limit 400), so that
# which point reproduces is known from the limit alone. The search's
# own logic is tested on made-up verdicts in test-bisect.c.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-$PWD/build/mmrepro}
S=harness/tests/scenarios/bisect.ini
T=$(mktemp -d /tmp/mmrepro-bisecttest.XXXXXX)
export MMREPRO_JOURNAL=$T/journal
trap 'rm -rf "$T"' EXIT
L=(--local --i-understand-this-stresses-the-host -q)
big=1000000000 # MiB: no machine has so much free
free=$(awk '$1 == "MemFree:" { print int($2 / 1024) }' /proc/meminfo)
low=$((free / 4)) # below MemFree for the whole run

width_ok() { awk 'length($0) > 72 { bad = 1 } END { exit bad }' "$1"; }

# --- sweep over a key: 2 runs at each of 3 points ---
"$M" sweep "$S" --sweep "limit=$low,$((low * 2)),$big" --runs 2 "${L[@]}" \
	--out "$T/sw" >"$T/sw.out" 2>"$T/sw.err"
check "sweep: exit 0" [ $? -eq 0 ]
check "sweep: round-robin, a point after another, run by run" \
	bash -c "[ \"\$(grep -o 'start limit=[0-9]* run-[0-9]' '$T/sw/sweep.log' | cut -d' ' -f2- | tr '\n' ' ')\" = \
'limit=$low run-1 limit=$((low * 2)) run-1 limit=$big run-1 limit=$low run-2 limit=$((low * 2)) run-2 limit=$big run-2 ' ]"
check "sweep: each point's runs in DIR/POINT/run-K" \
	test -s "$T/sw/limit_$low/run-2/summary.json" -a -s "$T/sw/limit_$big/run-1/summary.json"
check "sweep json: reproduced 2, 2 and 0 of 2, by the limits" \
	jq -e '[.points[].reproduced] == [2, 2, 0] and [.points[].not_reproduced] == [0, 0, 2]' "$T/sw/report.json"
check "sweep json: each point's median free lies in its CI" \
	jq -e '[.points[].metrics.free | .ci_lo <= .median and .median <= .ci_hi] | all' "$T/sw/report.json"
check "sweep json: two steps, each with free's p" \
	jq -e '(.steps | length) == 2 and ([.steps[].metrics.free.p | type] == ["number", "number"])' "$T/sw/report.json"
check "sweep text: a line per point with its outcome" \
	bash -c "grep -Eq '^$low +.* 2 of 2 ' '$T/sw.out' && grep -Eq '^$big +.* 0 of 2 ' '$T/sw.out'"
check "sweep text: 72 columns" width_ok "$T/sw/report.txt"
check "sweep: the report on stdout is report.txt" \
	bash -c "head -n \$(wc -l <'$T/sw/report.txt') '$T/sw.out' | cmp -s - '$T/sw/report.txt'"
check "sweep ktap: 3 tests, all ok" \
	bash -c "grep -qx '1..3' '$T/sw/report.ktap' && [ \$(grep -c '^ok ' '$T/sw/report.ktap') -eq 3 ]"
check "sweep ktap: the kernel's KTAP parser reads it" ktap_parses "$T/sw/report.ktap" "$T/sw/ktap.json"
check "sweep md: a row per point" \
	bash -c "grep -q '^| $low | ' '$T/sw/report.md' && grep -q '^| $big | ' '$T/sw/report.md'"
check "sweep: a plot of the metric across the points" \
	test -s "$T/sw/plots/sweep-free.svg" -a -s "$T/sw/plots/sweep-free.png"
check "sweep: the plot's points are the runs (6) and medians (3)" \
	bash -c "[ \$(awk 'NF == 2' '$T/sw/plots/src/sweep-free.dat' | wc -l) -eq 6 ] &&
		[ \$(awk 'NF == 4' '$T/sw/plots/src/sweep-free.dat' | wc -l) -eq 3 ]"

# --report: the same report again from DIR/sweep.json; a plan naming a
# directory outside DIR is refused
cp "$T/sw/report.txt" "$T/sw-report.before"
"$M" sweep --report "$T/sw" >"$T/swr.out" 2>"$T/swr.err"
check "sweep --report: exit 0, the same report.txt" \
	bash -c "[ $? -eq 0 ] && cmp -s '$T/sw/report.txt' '$T/sw-report.before'"
mkdir -p "$T/swbad"
jq '.points[0].dir = "../sw/limit_'"$low"'"' "$T/sw/sweep.json" >"$T/swbad/sweep.json"
"$M" sweep --report "$T/swbad" >/dev/null 2>"$T/swbad.err"
check "sweep --report: a point outside DIR is refused (exit 2)" \
	bash -c "[ $? -eq 2 ] && grep -q 'plain directory name' '$T/swbad.err' && [ ! -e '$T/swbad/report.txt' ]"

# a point whose runs all end in error: not ok in KTAP, exit 3
"$M" sweep "$S" --sweep "limit=$low,400" --runs 2 "${L[@]}" --out "$T/sw4" \
	>"$T/sw4.out" 2>"$T/sw4.err"
check "sweep: a point with no usable run: exit 3" [ $? -eq 3 ]
check "sweep ktap: that point is not ok, saying why" \
	grep -q '^not ok 2 400 # 0 usable run(s) of 2' "$T/sw4/report.ktap"
check "sweep json: its errors counted" jq -e '.points[1].error == 2' "$T/sw4/report.json"

# --- bisect over values: bad means not reproduced (a fix) ---
vals="limit=$low,$((low + 1)),$((low + 2)),$big,$((big * 2)),$((big * 3))"
"$M" bisect "$S" --values "$vals" --good "$low" --bad $((big * 3)) \
	--bad-means not-reproduced --runs 1 "${L[@]}" --out "$T/b1" \
	>"$T/b1.out" 2>"$T/b1.err"
check "bisect: exit 0, the first bad named" [ $? -eq 0 ]
check "bisect: the first bad is the first limit that cannot reproduce" \
	jq -e ".first_bad == \"limit=$big\" and .last_good == \"limit=$((low + 2))\" and .decided" "$T/b1/bisect.json"
check "bisect: says so on stdout" \
	grep -qx "first bad: limit=$big (last good: limit=$((low + 2)))" "$T/b1.out"
check "bisect: both ends ran first, then at most 2 steps of 4" \
	jq -e '([.steps[] | select(.order <= 2) | .role] | sort) == ["bad end", "good end"] and
		([.steps[] | select(.role == "step")] | length) <= 2' "$T/b1/bisect.json"
check "bisect: bisect.log has each run and each decision" \
	bash -c "[ \$(grep -c ' decide ' '$T/b1/bisect.log') -eq \$(jq '.steps | length' '$T/b1/bisect.json') ] &&
		[ \$(grep -c ' start ' '$T/b1/bisect.log') -eq \$(jq '[.steps[].runs] | add' '$T/b1/bisect.json') ]"

# --- bad means reproduced (a regression), the list the other way round ---
"$M" bisect "$S" --values "limit=$((big * 3)),$((big * 2)),$big,$((low + 1)),$low" \
	--good $((big * 3)) --bad "$low" --runs 1 "${L[@]}" --out "$T/b2" \
	>"$T/b2.out" 2>"$T/b2.err"
check "bisect, bad means reproduced: exit 0" [ $? -eq 0 ]
check "bisect, bad means reproduced: the first limit that reproduces" \
	jq -e ".first_bad == \"limit=$((low + 1))\" and .last_good == \"limit=$big\"" "$T/b2/bisect.json"

# --- a step that errors is a skip, never a verdict ---
"$M" bisect "$S" --values "limit=$low,$((low + 1)),400,$big,$((big * 2))" \
	--good "$low" --bad $((big * 2)) --bad-means not-reproduced --runs 1 \
	--max-runs 2 "${L[@]}" --out "$T/b3" >"$T/b3.out" 2>"$T/b3.err"
check "bisect with a skip next to the answer: exit 3" [ $? -eq 3 ]
check "bisect: the skipped value ran to the cap (2 runs) and was skipped" \
	jq -e '.steps[] | select(.kernel == "limit=400") | .runs == 2 and .unusable == 2 and .verdict == "skip"' "$T/b3/bisect.json"
check "bisect: the answer is one of the skipped and the first bad" \
	jq -e ".candidates == [\"limit=400\", \"limit=$big\"] and (.decided | not)" "$T/b3/bisect.json"

# --- an end that is not what it is said to be ---
"$M" bisect "$S" --values "limit=$low,$big" --good "$big" --bad "$low" \
	--bad-means not-reproduced --runs 1 "${L[@]}" --out "$T/b4" \
	>"$T/b4.out" 2>"$T/b4.err"
check "bisect: a good end that is bad: exit 2" [ $? -eq 2 ]
check "bisect: says which end, and why" \
	grep -q "the good end $big is not good (bad means not reproduced): bad" "$T/b4.err"

# --- bisect --git: git bisect run over commits, each step "built" by a
# stand-in for ci/build-kernel.sh that prints a SPEC from the tree ---
G=$T/git
mkdir -p "$G/repo"
git -C "$G/repo" init -q
for v in $low $((low + 1)) $((low + 2)) $((low + 3)) $big $((big + 1)) $((big + 2)); do
	echo "$v" >"$G/repo/limit"
	git -C "$G/repo" add limit
	git -C "$G/repo" -c user.name=t -c user.email=t@t commit -qm "limit $v"
done
cat >"$G/build.sh" <<'BUILD'
#!/bin/bash
while [ $# -gt 0 ]; do case $1 in --src) src=$2; shift ;; esac; shift; done
[ "$(cat "$src/limit")" != broken ] || { echo "does not build" >&2; exit 1; }
echo "building limit $(cat "$src/limit")" >&2
echo "set=limit=$(cat "$src/limit")"
BUILD
chmod +x "$G/build.sh"
first=$(git -C "$G/repo" log --format=%H --grep="^limit $big\$")
MMREPRO_BUILD_KERNEL=$G/build.sh "$M" bisect "$S" --git "$G/repo" \
	--patch-range HEAD~6..HEAD --bad-means not-reproduced --runs 1 "${L[@]}" \
	--out "$T/g1" >"$T/g1.out" 2>"$T/g1.err"
check "bisect --git: exit 0" [ $? -eq 0 ]
check "bisect --git: names the commit that made the limit unreachable" \
	jq -e ".first_bad == \"$first\" and .decided" "$T/g1/bisect.json"
check "bisect --git: with its subject, on stdout" \
	grep -qx "first bad: $first limit $big" "$T/g1.out"
check "bisect --git: every step built and ran in DIR/SHA, with step.json" \
	bash -c "[ \$(ls '$T'/g1/*/step.json | wc -l) -ge 3 ] &&
		jq -e '.build_exit == 0 and .runs == 1' '$T/g1/${first:0:12}/step.json'"
check "bisect --git: report.txt lists each step in git's order, with its verdict and runs" \
	bash -c "n=\$(grep -cE '^  [0-9]+\. [0-9a-f]{12} (good|bad) +reproduced [01] of 1  limit ' '$T/g1/report.txt');
		[ \$n -ge 3 ] && [ \$n -eq \$(jq '.steps | length' '$T/g1/bisect.json') ] &&
		grep -qE '^  1\. [0-9a-f]{12} (good|bad) ' '$T/g1/report.txt'"
check "bisect --git: git's own log kept" grep -q "first bad commit: \[$first\]" "$T/g1/git-bisect.log"
check "bisect --git: the tree is back on its branch, not bisecting" \
	bash -c "[ \"\$(git -C '$G/repo' symbolic-ref --short HEAD)\" = master ] &&
		! git -C '$G/repo' bisect log >/dev/null 2>&1"
# a commit that does not build is a skip (git's 125), never a verdict
git -C "$G/repo" checkout -q -b broken HEAD~3
echo broken >"$G/repo/limit"
git -C "$G/repo" -c user.name=t -c user.email=t@t commit -qam "limit broken"
echo $((big + 5)) >"$G/repo/limit"
git -C "$G/repo" -c user.name=t -c user.email=t@t commit -qam "limit $((big + 5))"
MMREPRO_BUILD_KERNEL=$G/build.sh "$M" bisect "$S" --git "$G/repo" \
	--good HEAD~3 --bad HEAD --bad-means not-reproduced --runs 1 "${L[@]}" \
	--out "$T/g2" >"$T/g2.out" 2>"$T/g2.err"
check "bisect --git, a commit that does not build next to the answer: exit 3" [ $? -eq 3 ]
check "bisect --git: the broken build was a skip" \
	bash -c "grep -l '\"build_exit\": 1' '$T'/g2/*/step.json | xargs jq -e '.verdict == \"skip\"'"
check "bisect --git: candidates are the skipped and the first bad" \
	jq -e '(.candidates | length) == 2 and (.decided | not)' "$T/g2/bisect.json"
# a work tree with changes is refused, and left alone
echo dirt >>"$G/repo/limit"
MMREPRO_BUILD_KERNEL=$G/build.sh "$M" bisect "$S" --git "$G/repo" \
	--good HEAD~1 --bad HEAD "${L[@]}" --out "$T/g3" >/dev/null 2>"$T/g3.err"
check "bisect --git on a tree with changes: exit 2, untouched" \
	bash -c "[ $? -eq 2 ] && grep -q 'has changes' '$T/g3.err' && grep -q dirt '$G/repo/limit'"

# --- bad input: exit 2, one line, nothing written ---
bad_input() { # bad_input NAME WANT ARGS...
	local name=$1 want=$2 rc
	shift 2
	"$M" "$@" --out "$T/bad" >/dev/null 2>"$T/bad.err"
	rc=$?
	check "$name: exit 2, one line saying why, nothing written" \
		bash -c "[ $rc -eq 2 ] && [ \$(wc -l <'$T/bad.err') -eq 1 ] &&
			grep -q -- '$want' '$T/bad.err' && [ ! -e '$T/bad' ]"
}
bad_input "bisect --threshold not above half" "more than half" bisect "$S" \
	--values "limit=1,2" --good 1 --bad 2 --runs 4 --threshold 2 "${L[@]}"
bad_input "bisect --good not in the list" "not in the list" bisect "$S" \
	--values "limit=1,2" --good 7 --bad 2 "${L[@]}"
bad_input "bisect --bad-means" "reproduced or not-reproduced" bisect "$S" \
	--values "limit=1,2" --good 1 --bad 2 --bad-means sometimes "${L[@]}"
bad_input "bisect --kernel with a kernel list" "go with --values" bisect "$S" \
	--good 6.1 --bad 6.12 --kernel 6.1
bad_input "sweep without points" "give --kernels" sweep "$S" "${L[@]}"
bad_input "sweep with one point" "at least 2 points" sweep "$S" --sweep limit=1 "${L[@]}"
bad_input "sweep of a key the scenario lacks" "nokey" sweep "$S" --sweep nokey=1,2 "${L[@]}"
bad_input "sweep with a point twice" "given twice" sweep "$S" --sweep limit=1,1 "${L[@]}"
bad_input "run --kernel NAME with --modules" "brings its own modules" \
	run "$S" --kernel 6.12 --modules /nonexistent

# --- kernel names ---
check "kernels --names: the series, oldest first" \
	bash -c "[ \"\$('$M' kernels --names)\" = '6.1 6.12 6.18 7.2 7.3' ]"
"$M" kernels 7.1 >"$T/k.out" 2>"$T/k.err"
check "kernels 7.1: exit 2, saying why" \
	bash -c "[ $? -eq 2 ] && grep -q 'no linux-modules package' '$T/k.err' && [ ! -s '$T/k.out' ]"
"$M" kernels 6.1.5 >/dev/null 2>"$T/k.err"
check "kernels 6.1.5: exit 2 (6.1 is named by ABI)" \
	bash -c "[ $? -eq 2 ] && grep -q 'named by ABI' '$T/k.err'"
tap_end
