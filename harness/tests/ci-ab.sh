#!/bin/bash
# ci/ab.sh end to end, as a CI job calls it: Debian 6.12 (base) against
# sid's 7.2 (test), direct-reclaim shortened to 10 s, 2 runs per side,
# in guests (TCG, or KVM where it works). Checks the artifacts: the
# combined KTAP parses with the kernel's own parser (kunit.py), the text
# reports fit 72 columns, the Markdown report and plots are there, and
# every run's meta.json names the kernel of its side. Slow: 4 guest runs,
# about 5 minutes under TCG on a busy 2-core host.
# Every check below is an assertion: it prints "ok N" or "not ok N".
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
T=$(mktemp -d /tmp/mmrepro-ciab.XXXXXX)
trap 'rm -rf "$T"' EXIT
A=$T/artifacts

width_ok() { # width_ok FILE: every line at most 72 columns
	awk 'length($0) > 72 { bad = 1; print "too wide: " $0 > "/dev/stderr" } END { exit bad }' "$1"
}

ci/ab.sh --base 6.12 --test 7.2 --scenarios direct-reclaim --runs 2 \
	--set duration_s=10 --artifacts "$A" >"$T/out" 2>&1
st=$?
# at N=2 per side no change can be significant (the smallest two-sided
# Mann-Whitney p is 1/3), so anything but 0 is a failure of the job
check "ci/ab.sh: exit 0 (N=2 cannot be significant)" [ $st -eq 0 ]
if [ $st -ne 0 ]; then
	sed 's/^/# /' "$T/out"
	# why each failed run failed: its verdict and the guest's outcome
	for d in "$A"/direct-reclaim/[ab]/run-*/; do
		grep -q '^error' "$d/verdict" 2>/dev/null || continue
		echo "# $d: $(head -1 "$d/verdict")"
		jq -r '"#   vm: \(.outcome) \(.reason // "") (\(.attempts) attempts)"' "$d/vm.json" 2>/dev/null
		sed -n '1,12s/^/#   crash: /p' "$d/crash.txt" 2>/dev/null
		tail -5 "${d%/}.log" 2>/dev/null | sed 's/^/#   log: /'
	done
fi
check "4 runs, each with a verdict" \
	[ "$(find "$A/direct-reclaim" -path '*/run-*/verdict' | wc -l)" -eq 4 ]
check "side A ran 6.12, side B 7.2 (meta.json)" \
	bash -c "jq -r .kernel.release '$A'/direct-reclaim/a/run-*/meta.json | grep -c '^6\.12\.' | grep -qx 2 &&
		jq -r .kernel.release '$A'/direct-reclaim/b/run-*/meta.json | grep -c '^7\.2\.' | grep -qx 2"
check "results.ktap parses (kunit.py parse)" ktap_parses "$A/results.ktap" "$T/k.json"
check "results.ktap: the scenario, with its gating metrics as subtests" \
	jq -e --slurpfile r "$A/direct-reclaim/report.json" \
		'[.sub_groups[] | select(.name == "direct-reclaim") | .test_cases[].name] ==
		 [$r[0].metrics[] | select(.gate) | .name] and
		 ([$r[0].metrics[] | select(.gate)] | length) >= 2' "$T/k.json"
check "results.ktap: the scenario passed" grep -qx 'ok 1 direct-reclaim' "$A/results.ktap"
check "report.txt fits 72 columns" width_ok "$A/report.txt"
check "the scenario's own report.txt fits 72 columns" width_ok "$A/direct-reclaim/report.txt"
check "report.txt: the scenario's result" \
	grep -q '^  direct-reclaim  *no significant regression$' "$A/report.txt"
check "report.txt: the comparison says A and B differ in the kernel" \
	bash -c "sed -n '/^  A and B differ in:$/,/^[^ ]/p' '$A/report.txt' |
		grep -Eq '^    kernel: 6\.12\..* -> 7\.2\.'"
check "report.md: summary table and the scenario's report" \
	bash -c "grep -q '^| direct-reclaim | no significant regression |$' '$A/report.md' &&
		grep -q '^### mmrepro compare: direct-reclaim' '$A/report.md'"
check "plots: PNGs, linked from report.md" \
	bash -c "ls '$A'/plots/direct-reclaim/*.png >/dev/null &&
		p=\$(grep -om1 'plots/direct-reclaim/[^)]*\.png' '$A/report.md') && [ -f '$A'/\$p ]"
check "each run's meta.json names the packaged kernel it booted (kernel_name)" \
	bash -c "[ \"\$(jq -r .kernel_name '$A'/direct-reclaim/a/run-*/meta.json | sort -u)\" = 6.12 ] &&
		[ \"\$(jq -r .kernel_name '$A'/direct-reclaim/b/run-*/meta.json | sort -u)\" = 7.2 ]"
check "base.json and test.json: the SPECs given and used" \
	jq -e --slurpfile t "$A/test.json" '.given == "6.12" and .spec == "kernel=6.12" and
		$t[0].given == "7.2"' "$A/base.json"
tap_end
