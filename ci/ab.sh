#!/bin/bash
# The CI entry point for an A/B comparison of two kernels: `mmrepro ab`
# per scenario, and the artifacts a CI job keeps. See usage() below.
set -uo pipefail

prog=ab.sh
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
mmrepro=${MMREPRO:-$top/build/mmrepro}

usage() {
	cat <<USAGE
usage: ci/ab.sh --base SPEC --test SPEC [--scenarios LIST] [--runs N]
                [--artifacts DIR] [--set KEY=VALUE]... [--accel kvm|tcg]

Run each scenario with the base kernel and the test kernel (\`mmrepro
ab\`: N runs of each, interleaved) and write into the artifacts
directory:

  results.ktap   one KTAP test per scenario, with the gating metrics of
                 each as subtests (not ok: significantly worse)
  report.txt     the text reports, 72 columns (for email)
  report.md      the Markdown reports (a CI job summary, a merge request)
  plots/SCENARIO/  the plots (PNG, SVG)
  SCENARIO/      everything \`mmrepro ab\` wrote: runs, logs, reports;
                 SCENARIO/report.html is one page with the plots inside,
                 to open from the artifact in a browser
  base.json, test.json  each side's SPEC and, for a kernel from
                 ci/build-kernel.sh, its manifest

A SPEC is one of:
  NAME              a Debian kernel by name (6.1, 6.12, 6.18, 7.2, 7.3, or
                    an exact version such as 7.2.13: 'mmrepro kernels')
  DIR               a ci/build-kernel.sh --out DIR (its bzImage, modules
                    and manifest.json)
  kernel=IMG,modules=DIR,deb=PKG,set=KEY=VALUE,...  as \`mmrepro ab\`

  --base SPEC       the reference kernel (side A)
  --test SPEC       the kernel under test (side B)
  --scenarios LIST  comma-separated scenarios (default: udp-order3)
  --runs N          runs per side and scenario (default 5)
  --artifacts DIR   default: artifacts
  --set KEY=VALUE   override a scenario key on both sides (repeatable),
                    e.g. --set duration_s=20 to shorten a run
  --accel kvm|tcg   QEMU accelerator (default: KVM if a guest boots under
                    it, else TCG)

Exit: 0 no significant regression, 1 a significant regression in a
gating metric of some scenario, 2 bad input or a scenario that could not
be compared.
USAGE
}

die() { # WHAT WHY [STATUS]
	echo "$prog: $1: $2" >&2
	exit "${3:-2}"
}

base='' test='' scenarios=udp-order3 runs=5 art=artifacts accel=''
sets=()
need() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1" "needs a value (see --help)"; }
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--base) need "$@"; base=$2; shift ;;
	--test) need "$@"; test=$2; shift ;;
	--scenarios) need "$@"; scenarios=$2; shift ;;
	--runs) need "$@"; runs=$2; shift ;;
	--artifacts) need "$@"; art=$2; shift ;;
	--set) need "$@"; sets+=("$2"); shift ;;
	--accel) need "$@"; accel=$2; shift ;;
	*) die "$1" "unknown argument (see --help)" ;;
	esac
	shift
done
[ -n "$base" ] || die --base "is required (see --help)"
[ -n "$test" ] || die --test "is required (see --help)"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs $runs" "not a positive number"
case $accel in '' | kvm | tcg) ;; *) die "--accel $accel" "use kvm or tcg" ;; esac
[ -x "$mmrepro" ] || die "$mmrepro" "not built (run make)"

# every scenario must exist before anything runs
IFS=', ' read -r -a scen <<<"$scenarios"
[ ${#scen[@]} -gt 0 ] || die --scenarios "is empty"
for s in "${scen[@]}"; do
	if [ -f "$s" ]; then continue; fi
	[ -f "$top/configs/$s.ini" ] ||
		die "$s" "no such scenario (configs/$s.ini; see 'mmrepro list')"
done

# resolve ROLE SPEC: print the `mmrepro ab` SPEC; write ROLE.json
resolve() {
	local role=$1 spec=$2 out manifest=null
	case $spec in
	[0-9]*.[0-9]*)
		# a Debian kernel by name: mmrepro ab fetches it
		[[ $spec =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]] ||
			die "--$role $spec" "not a kernel name (6.12, 7.2.13; see 'mmrepro kernels --list')"
		out=kernel=$spec
		;;
	*=*)
		out=$spec
		;;
	*)
		[ -d "$spec" ] ||
			die "--$role $spec" "not a kernel name, a ci/build-kernel.sh output directory or kernel=IMG,..."
		[ -f "$spec/spec" ] && [ -f "$spec/bzImage" ] ||
			die "--$role $spec" "no bzImage and spec in it: not a ci/build-kernel.sh --out DIR"
		out=$(cat "$spec/spec")
		[ ! -f "$spec/manifest.json" ] || manifest=$(cat "$spec/manifest.json")
		;;
	esac
	jq -n --arg given "$spec" --arg spec "$out" --argjson manifest "$manifest" \
		'{given: $given, spec: $spec} + (if $manifest then {manifest: $manifest} else {} end)' \
		>"$art/$role.json" || die "$art/$role.json" "cannot write it"
	echo "$out"
}

mkdir -p "$art" || die "$art" "cannot create it"
art=$(cd "$art" && pwd)
for s in "${scen[@]}"; do
	n=$(basename "$s" .ini)
	[ ! -e "$art/$n/a/run-1" ] ||
		die "$art/$n" "already holds runs; use an empty --artifacts directory"
done
a=$(resolve base "$base") || exit 2
b=$(resolve test "$test") || exit 2
for kv in "${sets[@]}"; do
	a+=,set=$kv
	b+=,set=$kv
done

if [ -z "$accel" ]; then
	echo "$prog: accelerator: KVM when a guest boots under it, else TCG ($( [ -w /dev/kvm ] && echo '/dev/kvm present' || echo 'no /dev/kvm'))" >&2
fi

# run every scenario; a failed one does not stop the others
status=0
declare -A rc
for s in "${scen[@]}"; do
	n=$(basename "$s" .ini)
	echo "$prog: $n: base $base, test $test, $runs run(s) each" >&2
	# its progress (a line per phase) and report go to the job's log too,
	# so that a CI job is never silent for long
	"$mmrepro" ab "$s" --a "$a" --b "$b" --runs "$runs" --out "$art/$n" \
		${accel:+--accel "$accel"} </dev/null 2>&1 | tee "$art/$n.log" >&2
	rc[$n]=${PIPESTATUS[0]}
	case ${rc[$n]} in
	0) ;;
	1) [ "$status" -eq 2 ] || status=1 ;;
	*) status=2 ;;
	esac
	[ -f "$art/$n/report.ktap" ] || status=2
done

# --- combined artifacts -------------------------------------------------
k=0
{
	echo "KTAP version 1"
	echo "# mmrepro ci/ab.sh: base $base, test $test, $runs run(s) per side"
	echo "1..${#scen[@]}"
	for s in "${scen[@]}"; do
		n=$(basename "$s" .ini)
		k=$((k + 1))
		if [ -f "$art/$n/report.ktap" ]; then
			# a subtest: "# Subtest:" after its version line, indented
			awk -v n="$n" 'NR == 1 { print "    " $0; print "    # Subtest: " n; next }
				{ print "    " $0 }' "$art/$n/report.ktap"
		fi
		case ${rc[$n]} in
		0) echo "ok $k $n" ;;
		1) echo "not ok $k $n # significant regression" ;;
		*) echo "not ok $k $n # error: mmrepro ab exit ${rc[$n]}, see $n.log" ;;
		esac
	done
} >"$art/results.ktap"

verdict() {
	case ${rc[$1]} in
	0) echo "no significant regression" ;;
	1) echo "SIGNIFICANT REGRESSION" ;;
	*) echo "ERROR (mmrepro ab exit ${rc[$1]}; see $1.log)" ;;
	esac
}
{
	# the header is wrapped (long paths); the reports fit 72 columns
	{
		echo "mmrepro A/B: base (A) $base"
		echo "test (B) $test"
		echo "$runs run(s) per side and scenario"
	} | fold -s -w 72
	for s in "${scen[@]}"; do
		n=$(basename "$s" .ini)
		printf '  %-20s %s\n' "$n" "$(verdict "$n")"
	done
	for s in "${scen[@]}"; do
		n=$(basename "$s" .ini)
		echo
		echo "==== $n ===="
		if [ -f "$art/$n/report.txt" ]; then
			cat "$art/$n/report.txt"
		else
			tail -n 5 "$art/$n.log"
		fi
	done
} >"$art/report.txt"

{
	echo "# mmrepro A/B comparison"
	echo
	echo "Base (A): \`$base\`, test (B): \`$test\`, $runs run(s) per side."
	echo
	echo "| scenario | result |"
	echo "|---|---|"
	for s in "${scen[@]}"; do
		n=$(basename "$s" .ini)
		echo "| $n | $(verdict "$n") |"
	done
	for s in "${scen[@]}"; do
		n=$(basename "$s" .ini)
		echo
		echo "## $n"
		echo
		if [ -f "$art/$n/report.md" ]; then
			# one level down, under the scenario's heading
			sed 's/^#/##/' "$art/$n/report.md"
			for p in "$art/$n/plots"/*.png; do
				[ -f "$p" ] || continue
				echo
				echo "![$(basename "$p" .png)](plots/$n/$(basename "$p"))"
			done
		else
			echo '```'
			tail -n 5 "$art/$n.log"
			echo '```'
		fi
	done
} >"$art/report.md"

rm -rf "$art/plots"
for s in "${scen[@]}"; do
	n=$(basename "$s" .ini)
	if [ -d "$art/$n/plots" ]; then
		mkdir -p "$art/plots"
		cp -r "$art/$n/plots" "$art/plots/$n"
	fi
done

echo "$prog: artifacts in $art: results.ktap report.txt report.md plots/" >&2
case $status in
0) echo "$prog: no significant regression" >&2 ;;
1) echo "$prog: significant regression (see $art/report.txt)" >&2 ;;
*) echo "$prog: a scenario could not be compared (see $art/*.log)" >&2 ;;
esac
exit "$status"
