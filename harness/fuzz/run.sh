#!/bin/bash
# run.sh SECONDS TARGET...: each libFuzzer target of build/fuzz, first on
# every input kept in harness/tests/fuzz-regressions/TARGET (each must
# pass), then for SECONDS from seeds out of harness/tests/fixtures.  One
# TAP line a target, with its exec count; a crash is "not ok", and its
# input is copied to harness/tests/fuzz-regressions/TARGET/ to be kept.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
secs=$1
shift
F=build/fuzz
R=harness/tests/fuzz-regressions
X=harness/tests/fixtures

# seeds TARGET DIR: the fixture files that target reads
seeds() {
	local t=$1 d=$2 f i=0
	case $t in
	source-kthreads) set -- "$X"/*/proc/[0-9]*/stat "$X"/*/proc/[0-9]*/schedstat ;;
	source-zram) set -- "$X"/*/sys/block/zram*/mm_stat "$X"/*/sys/block/zram*/io_stat ;;
	source-psi) set -- "$X"/*/proc/pressure/memory ;;
	source-snmp) set -- "$X"/*/proc/net/snmp ;;
	source-*) set -- "$X"/*/proc/"${t#source-}" ;;
	scenario) set -- harness/tests/scenarios/*.ini configs/*.ini ;;
	console) set -- "$X"/*/console/*.log ;;
	journal) set -- harness/fuzz/seeds/journal/* ;;
	results) set -- harness/fuzz/seeds/results/* ;;
	esac
	for f in "$@"; do
		[ -f "$f" ] && cp "$f" "$d/seed-$((i += 1))"
	done
}

for t in "$@"; do
	bin=$F/fuzz-$t
	work=$(mktemp -d /tmp/mmrepro-fuzz-run.XXXXXX)
	mkdir -p "$work/corpus" "$work/crash"
	seeds "$t" "$work/corpus"
	ok=1 why=
	if [ -d "$R/$t" ] && ls "$R/$t"/* >/dev/null 2>&1; then
		if ! "$bin" -runs=0 "$R/$t"/* >"$work/log" 2>&1; then
			ok=0 why="a kept regression input fails again: $(grep -m1 'ERROR\|runtime error' "$work/log")"
		fi
	fi
	if [ $ok = 1 ]; then
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$work/crash/" "$work/corpus" \
			>"$work/log" 2>&1
		rc=$?
		execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
		[ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$work/log" | tail -1 | tr -d '#')
		if [ "$rc" -ne 0 ] || ls "$work/crash"/* >/dev/null 2>&1; then
			ok=0
			mkdir -p "$R/$t"
			cp "$work/crash"/* "$R/$t/" 2>/dev/null
			why="rc=$rc, kept in $R/$t: $(grep -m1 'ERROR\|runtime error' "$work/log")"
		fi
	fi
	if [ $ok = 1 ]; then
		ok "fuzz $t: ${secs}s, ${execs:-?} execs, no crash"
	else
		not_ok "fuzz $t" "$why"
		grep -A25 -m1 'ERROR\|runtime error' "$work/log" | sed 's/^/# /'
	fi
	rm -rf "$work"
done
tap_end
