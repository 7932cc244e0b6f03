#!/bin/bash
# -j N: several guests at once, each on CPUs of its own, on real Debian
# 6.12 guests of 1 vCPU (two fit this 2-CPU machine): ab and run --runs
# overlap their guests and record each guest's CPUs; an interrupt stops
# every guest and keeps the finished runs; bad -j values are refused
# before anything starts.  About 3 minutes under TCG.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-$PWD/build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-jobs.XXXXXX)
trap 'rm -rf "$T"' EXIT
ncpu=$(nproc)
# a short direct-reclaim in a 1-vCPU guest
G=(--set scenario.cpus=1 --set duration_s=4)

# --- refused before anything starts: one line, exit 2, nothing written
bad() { # bad NAME PATTERN ARGS...: exit 2, one line matching, no DIR
	local name=$1 pat=$2
	shift 2
	rm -rf "$T/bad"
	"$M" "$@" --out "$T/bad" >/dev/null 2>"$T/bad.err"
	local rc=$?
	check "$name" bash -c "[ $rc -eq 2 ] && [ \$(wc -l <'$T/bad.err') -eq 1 ] &&
		grep -q -- '$pat' '$T/bad.err' && [ ! -e '$T/bad' ]"
}
bad "ab -j 0 is refused" '-j 0: must be 1 to 256' \
	ab direct-reclaim --a kernel=6.12 --b kernel=6.12 -j 0
bad "ab -j more guests than CPUs is refused, with the count" \
	"-j $((ncpu + 1)): $((ncpu + 1)) guests of 1 vCPU need $((ncpu + 1)) CPUs" \
	ab direct-reclaim --a kernel=6.12 --b kernel=6.12 -j $((ncpu + 1)) "${G[@]}"
nj=$((ncpu / 2 + 1))
bad "ab -j $nj with 2-vCPU guests on $ncpu CPUs is refused" \
	"$nj guests of 2 vCPUs need $((nj * 2)) CPUs" \
	ab direct-reclaim --a kernel=6.12 --b kernel=6.12 -j $nj
bad "ab --local -j 2 is refused: one at a time on this machine" \
	'with --local' \
	ab harness/tests/scenarios/harmless.ini --local \
	--i-understand-this-stresses-the-host -j 2
bad "run --local -j 2 is refused" 'is for --runs in guests' \
	run harness/tests/scenarios/harmless.ini --local \
	--i-understand-this-stresses-the-host --runs 2 -j 2
bad "sweep -j 0 is refused" '-j 0: must be 1 to 256' \
	sweep direct-reclaim --kernels 6.12,7.2 -j 0
bad "bisect -j 0 is refused" '-j 0: must be 1 to 256' \
	bisect direct-reclaim --good 6.12 --bad 7.2 -j 0

# the default: CPUs / vCPUs, said on stderr; 2-vCPU guests here: 1
"$M" ab direct-reclaim --a kernel=6.12 --b kernel=6.12 --runs 1 \
	--out "$T/def" >/dev/null 2>"$T/def.err" &
dpid=$!
for _ in $(seq 100); do
	grep -q 'at once' "$T/def.err" 2>/dev/null && break
	sleep 0.1
done
kill -INT $dpid 2>/dev/null
wait $dpid
check "ab's default -j: CPUs over the guest's vCPUs, with the figures" \
	grep -q "^ab: -j $((ncpu / 2 > 0 ? ncpu / 2 : 1)): $ncpu CPUs / 2 vCPUs a guest, [0-9]* MiB available / 1280 MiB a guest\$" "$T/def.err"

# --- ab -j 2: A and B at once, on CPUs of their own; the most QEMUs
# of this ab seen at once, counted while it runs
"$M" ab direct-reclaim --a kernel=6.12 --b kernel=6.12 --runs 1 -j 2 \
	"${G[@]}" --out "$T/ab" >"$T/ab.out" 2>"$T/ab.err" &
abpid=$!
most=0
while kill -0 $abpid 2>/dev/null; do
	n=$(pgrep -fc "[q]emu-system.*$T/ab/")
	[ "${n:-0}" -gt "$most" ] && most=$n
	sleep 0.5
done
wait $abpid
rc=$?
check "ab -j 2: exit 3, no comparison (one run a side)" \
	bash -c "[ $rc -eq 3 ] && grep -q 'NO COMPARISON: a side has fewer than 2 usable runs' '$T/ab.out'"
[ $rc -eq 3 ] || sed 's/^/# /' "$T/ab.err" | tail -20
check "ab -j 2: both runs ended with a verdict" \
	test -s "$T/ab/a/run-1/verdict" -a -s "$T/ab/b/run-1/verdict"
check "ab -j 2: the two guests ran at once (2 QEMUs seen together)" \
	[ "$most" -eq 2 ]
cpus_of() { # cpus_of DIR SIDE: the cpus the log gave SIDE's run-1
	sed -n "s/.* start $2 run-1 cpus \\(.*\\)\$/\\1/p" "$1/ab.log"
}
ca=$(cpus_of "$T/ab" A)
cb=$(cpus_of "$T/ab" B)
check "ab -j 2: each slot had its own CPU (ab.log)" \
	bash -c "[ -n '$ca' ] && [ -n '$cb' ] && [ '$ca' != '$cb' ]"
check "ab -j 2: vm.json records the CPUs each guest had, as the log says" \
	bash -c "[ -n '$ca' ] && [ \"\$(jq -r .host_cpus '$T/ab/a/run-1/vm.json')\" = '$ca' ] &&
		[ \"\$(jq -r .host_cpus '$T/ab/b/run-1/vm.json')\" = '$cb' ]"
check "ab -j 2: each guest had 1 vCPU" \
	bash -c "[ \$(jq -s 'map(.cpus) | add' '$T/ab/a/run-1/vm.json' '$T/ab/b/run-1/vm.json') -eq 2 ]"
check "ab -j 2: the progress counts the slots" \
	grep -q '^ab: 0 done of 2, 2 at once: A run-1 of 1, .*, B run-1 of 1, ' "$T/ab.err"
check "ab -j 2: the report compares them" grep -q '^mmrepro compare: direct-reclaim' "$T/ab.out"

# --- run --runs 2 -j 2
"$M" run direct-reclaim --kernel 6.12 --runs 2 -j 2 "${G[@]}" \
	--out "$T/run" >"$T/run.out" 2>"$T/run.err"
rc=$?
check "run --runs 2 -j 2: exit 0 or 1 (a verdict)" [ $rc -le 1 ]
check "run --runs 2 -j 2: run-1 and run-2, each with a verdict and a line" \
	bash -c "test -s '$T/run/run-1/verdict' -a -s '$T/run/run-2/verdict' &&
		[ \$(grep -c '^$T/run/run-[12]: ' '$T/run.out') -eq 2 ]"
check "run --runs 2 -j 2: the tally" \
	grep -q '^direct-reclaim: reproduced [0-2] of 2$' "$T/run.out"
check "run --runs 2 -j 2: the two guests on different CPUs" \
	bash -c "a=\$(jq -r .host_cpus '$T/run/run-1/vm.json') b=\$(jq -r .host_cpus '$T/run/run-2/vm.json')
		[[ \$a =~ ^[0-9] && \$b =~ ^[0-9] && \$a != \$b ]]"

# --- an interrupt stops every guest; the finished runs stay usable
"$M" ab direct-reclaim --a kernel=6.12 --b kernel=6.12 --runs 2 -j 2 \
	"${G[@]}" --out "$T/int" >/dev/null 2>"$T/int.err" &
ipid=$!
# the first round over (both its runs ended) and B run-2 started
for _ in $(seq 1800); do
	grep -q ' end A run-1 ' "$T/int/ab.log" 2>/dev/null &&
		grep -q ' end B run-1 ' "$T/int/ab.log" &&
		grep -q ' start B run-2' "$T/int/ab.log" && break
	sleep 0.1
done
# the second round's guests are up: interrupt them
for _ in $(seq 600); do
	[ "$(pgrep -fc "[q]emu-system.*$T/int/")" -ge 2 ] && break
	sleep 0.1
done
sleep 2
kill -INT $ipid
wait $ipid
rc=$?
check "interrupted ab -j 2: exit 2, saying it was interrupted" \
	bash -c "[ $rc -eq 2 ] && grep -q 'interrupted after' '$T/int.err'"
check "interrupted ab -j 2: no guest left running" \
	bash -c "! pgrep -f '[q]emu-system.*$T/int' >/dev/null"
check "interrupted ab -j 2: the first round's runs kept their summaries" \
	test -s "$T/int/a/run-1/summary.json" -a -s "$T/int/b/run-1/summary.json"
check "interrupted ab -j 2: every started run ended in the log" \
	bash -c "[ \$(grep -c ' start ' '$T/int/ab.log') -eq \$(grep -c ' end ' '$T/int/ab.log') ]"

tap_end
