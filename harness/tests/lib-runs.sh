# Sourced by compare.sh and html.sh: result directories written by hand,
# with known metric values, for compare, ab and report to read.

# run DIR SCENARIO KSWAPD O3 [VERDICT [ACCEL]]: one run (the scenario name
# goes through jq, so any text is valid in meta.json)
run() {
	mkdir -p "$1"
	cat >"$1/summary.json" <<-EOF
		{ "metrics": {
		    "kswapd_cpu": { "value": $3, "unit": "%", "better": "lower",
		                    "gate": true, "stat": "median", "during": "storm" },
		    "o3_free": { "value": $4, "unit": "blocks", "better": "higher",
		                 "gate": false } },
		  "verdict": { "verdict": "${5:-reproduced}", "reason": "synthetic" } }
	EOF
	jq -n --arg s "$2" '{ scenario: $s,
		kernel: { release: "6.12.0-test", cmdline: "quiet" },
		sysctl_vm: { swappiness: "60" }, interval_s: 1.0 }' >"$1/meta.json"
	echo "${5:-reproduced}: synthetic" >"$1/verdict"
	[ -n "${6:-}" ] && echo "{ \"accel\": \"$6\" }" >"$1/vm.json"
	return 0
}

# side DIR SCENARIO "KSWAPD..." "O3..." [VERDICT [ACCEL]]: run-1..N
side() {
	local i=1 o3=($4) k
	for k in $3; do
		run "$1/run-$i" "$2" "$k" "${o3[$((i - 1))]}" "${5:-reproduced}" "${6:-}"
		i=$((i + 1))
	done
}
