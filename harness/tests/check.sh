#!/bin/bash
# mmrepro check, and run and ab refusing before anything starts: each bad
# scenario gives one line FILE:LINE: reason per problem, exit 2, and
# nothing is written.  Every shipped scenario checks clean.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-check.XXXXXX)
export MMREPRO_JOURNAL=$T/journal
trap 'rm -rf "$T"' EXIT
L=(--local --i-understand-this-stresses-the-host -q)

# --- the shipped scenarios ---
for f in configs/*.ini harness/tests/scenarios/*.ini; do
	out=$("$M" check "$f" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ "$out" = "$f: ok" ]; then
		ok "check $f: no problem"
	else
		not_ok "check $f: no problem" "rc=$rc: $(echo "$out" | head -3)"
	fi
done

# line 8 is the verdict, 11 the cmd; lines added at the end continue it
GOOD=$'[scenario]\nname = x\ninterval = 200ms\ntimeout = 60s\n[vars]\nn = 1\n[verdict]\nwhen = meminfo.MemFree_MiB > 0\nfor = 1s\n[phase.a]\ncmd = sleep {n}'
printf '%s\n' "$GOOD" >"$T/good.ini"
"$M" check "$T/good.ini" >"$T/out" 2>&1
check "a good file: exit 0, FILE: ok" bash -c "[ $? -eq 0 ] && [ \"\$(cat '$T/out')\" = '$T/good.ini: ok' ]"

# finds NAME EXPECT-LINE CONTENT [--set ...]: check prints exactly that
# one line and exits 2; run refuses with the same line and writes nothing
finds() {
	local name=$1 want=$2 text=$3 rc out
	shift 3
	printf '%s\n' "$text" >"$T/bad.ini"
	"$M" check "$T/bad.ini" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	if [ $rc -eq 2 ] && [ "$out" = "$T/bad.ini:$want" ] && [ ! -s "$T/err" ]; then
		ok "check: $name"
	else
		not_ok "check: $name" "rc=$rc: $out $(head -c 200 "$T/err")"
	fi
	rm -rf "$T/run-out"
	"$M" run "$T/bad.ini" "${L[@]}" "$@" --out "$T/run-out" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(cat "$T/err")" = "mmrepro: $T/bad.ini:$want" ] &&
		[ ! -s "$T/out" ] && [ ! -e "$T/run-out" ]; then
		ok "run refuses first: $name"
	else
		not_ok "run refuses first: $name" "rc=$rc: $(head -c 300 "$T/err")"
	fi
}

# the good file with line N replaced (N=0: appended)
with() {
	if [ "$1" -eq 0 ]; then
		printf '%s\n%s' "$GOOD" "$2"
	else
		printf '%s\n' "$GOOD" | sed "$1c\\
$2"
	fi
}

finds "an unknown {var} in a cmd, at the line of the cmd that has it" \
	"13: cmd: unknown variable {nope}" "$(with 0 $'  echo {n}\n  echo {nope}')"
finds "an unclosed brace" "11: cmd: unclosed '{' in '{n; echo' (write {{ for a literal brace)" \
	"$(with 11 'cmd = sleep {n; echo')"
finds "a literal brace without the escape" \
	"11: cmd: '{print \$2}' is not a {variable} (write {{ and }} for literal braces)" \
	"$(with 11 "cmd = echo a b | awk '{print \$2}'")"
finds "a lone '}'" "11: cmd: a '}' without its '{' (write }} for a literal brace)" "$(with 11 'cmd = echo }')"
finds "an unknown {var} in a condition" "8: when: unknown variable {lots}" \
	"$(with 8 'when = meminfo.MemFree_MiB > {lots}')"
finds "a series no source provides" \
	"13: series: kthreads has no series 'nope' (kswapd_cpu_pct, kcompactd_cpu_pct, kswapd[0-9]*_cpu_pct, kcompactd[0-9]*_cpu_pct)" \
	"$(with 0 $'[metric.m]\nseries = kthreads.nope\ngate = yes')"
finds "a series of no source" \
	"13: series: no source 'kthread' (buddyinfo, pagetypeinfo, vmstat, meminfo, psi, kthreads, zram, snmp, trace)" \
	"$(with 0 $'[metric.m]\nseries = kthread.kswapd_cpu_pct')"
finds "a tracer series without [trace]" \
	"8: when: 'trace.dr_some_pct' comes from the tracer: add a [trace] section (events = direct_reclaim)" \
	"$(with 8 'when = trace.dr_some_pct < 1')"
finds "a tracer series of a group that [trace] leaves out" \
	"13: series: 'trace.wk_o3plus_per_s' comes from the tracer's wakeup_kswapd group, which [trace] events = direct_reclaim,kswapd leaves out" \
	"$(with 0 $'[metric.w]\nseries = trace.wk_o3plus_per_s\n[trace]\nevents = direct_reclaim,kswapd')"
# the groups as trace --help lists them
tgroups=$("$M" trace --help | sed -n '/^Event groups/,/^$/p' | tr '\n' ' ' |
	sed 's/.*default all): //; s/\. *$//; s/  */ /g')
finds "an unknown tracer group" "13: events: no group or event 'kswap' (groups: $tgroups)" \
	"$(with 0 $'[trace]\nevents = kswap')"
finds "an unknown listed group" "13: list: no group or event 'kswapdd' (groups: $tgroups)" \
	"$(with 0 $'[trace]\nlist = kswapdd')"
finds "a listed group that is not traced" \
	"14: list: kcompactd is not traced: [trace] events = kswapd leaves it out" \
	"$(with 0 $'[trace]\nevents = kswapd\nlist = kcompactd')"
finds "a bad watermark" "8: when: 'wmark.hi_MiB' is not wmark.min_MiB, wmark.low_MiB or wmark.high_MiB" \
	"$(with 8 'when = meminfo.MemFree_MiB > wmark.hi_MiB')"
finds "interval 0" "3: interval: 0s is out of range (1ms to 1h)" "$(with 3 'interval = 0')"
finds "an interval as long as the run" "3: interval: 60s is not shorter than the timeout (60s)" \
	"$(with 3 'interval = 1m')"
finds "timeout 0" "4: timeout: 0s is out of range (1s to 7d)" "$(with 4 'timeout = 0s')"
finds "mem 0" "3: mem: 0 bytes is out of range (64M to 1T; a bare number is bytes)" "$(with 3 'mem = 0')"
finds "mem 10 (bytes)" "3: mem: 10 bytes is out of range (64M to 1T; a bare number is bytes)" "$(with 3 'mem = 10')"
finds "swap size 0x" "14: size: '0x' is not a multiple of RAM above 0 (e.g. 2x)" \
	"$(with 0 $'[swap]\ntype = zram\nsize = 0x')"
finds "swap size of 10 bytes" "14: size: 10 bytes is below 1M (a bare number is bytes: use 2x of RAM, or 1G)" \
	"$(with 0 $'[swap]\ntype = zram\nsize = 10')"
finds "a swap type from a {var} that is none" "13: type: expected zram, disk, none or keep, not '1' (from '{n}')" \
	"$(with 0 $'[swap]\ntype = {n}')"
finds "a name that climbs out of results/" \
	"2: name: '../../etc' is not a plain word (letters, digits, _ . -; no leading dot): it names the results directory" \
	"$(with 2 'name = ../../etc')"
finds "a hidden name" \
	"2: name: '.x' is not a plain word (letters, digits, _ . -; no leading dot): it names the results directory" \
	"$(with 2 'name = .x')"
finds "a [phase.x] given twice" "12: [phase.a] again (first at line 10)" "$(with 0 $'[phase.a]\nready = exit')"
finds "end = duration:{var} that is no duration" "12: end: invalid duration 'xs' (from 'duration:{n}s')" \
	"$(with 0 'end = duration:{n}s')" --set n=x

# {{ and }} reach the shell as braces
with 11 "cmd = echo a b | awk '{{print \$2}}'; echo '}}{{'" >"$T/braces.ini"
"$M" check "$T/braces.ini" >/dev/null 2>&1
check "check: {{ and }} are no problem" [ $? -eq 0 ]
"$M" run "$T/braces.ini" "${L[@]}" --out "$T/braces" >/dev/null 2>&1
check "run: the phase got awk '{print \$2}' and '}{'" \
	bash -c "[ $? -le 1 ] && grep -q ' b\$' '$T/braces/phases/a.log' && grep -q ' }{\$' '$T/braces/phases/a.log'"

# --set: the problem names the --set, and run refuses it too
printf '%s\n' "$GOOD" >"$T/bad.ini"
"$M" check "$T/bad.ini" --set scenario.interval=0 >"$T/out" 2>&1
check "check --set scenario.interval=0: names the --set" \
	bash -c "[ $? -eq 2 ] && [ \"\$(cat '$T/out')\" = '$T/bad.ini: --set scenario.interval: 0s is out of range (1ms to 1h)' ]"
# the issue's crash: a division by zero (SIGFPE) left a run directory
# without a verdict and a stale journal
"$M" run harness/tests/scenarios/observe.ini "${L[@]}" --set scenario.interval=0 \
	--out "$T/fpe" >/dev/null 2>"$T/err"
check "run --set scenario.interval=0: exit 2 and one line, no crash" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ] &&
		grep -q 'observe.ini: --set scenario.interval: 0s is out of range' '$T/err'"
check "and no run directory, no journal left" \
	bash -c "[ ! -e '$T/fpe' ] && [ ! -e '$MMREPRO_JOURNAL' ]"
"$M" check "$T/bad.ini" --set n=nope --set 'phase.a.cmd=echo {m}' >"$T/out" 2>&1
check "check --set of a cmd with an unknown {var}" \
	bash -c "[ $? -eq 2 ] && [ \"\$(cat '$T/out')\" = '$T/bad.ini: --set phase.a.cmd: unknown variable {m}' ]"

# every problem at once, in line order; run gives the first and the count
printf '%s\n' '[scenario]' 'name = a/b' 'interval = 0' 'timeout = 60s' 'mem = 1' \
	'[phase.a]' 'cmd = true' '[metric.m]' 'series = psi.nope' >"$T/many.ini"
"$M" check "$T/many.ini" >"$T/out" 2>&1
check "check: every problem, one line each, in line order" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/out') -eq 4 ] &&
		sed -n 1p '$T/out' | grep -q '^$T/many.ini:2: name: ' &&
		sed -n 2p '$T/out' | grep -q '^$T/many.ini:3: interval: ' &&
		sed -n 3p '$T/out' | grep -q '^$T/many.ini:5: mem: ' &&
		sed -n 4p '$T/out' | grep -q '^$T/many.ini:9: series: psi has no series'"
"$M" run "$T/many.ini" "${L[@]}" --out "$T/many-out" >/dev/null 2>"$T/err"
check "run: the first problem and how many more, on one line" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ] &&
		grep -q \"many.ini:2: name: .* (and 3 more: see 'mmrepro check \" '$T/err' &&
		[ ! -e '$T/many-out' ]"
"$M" ab "$T/many.ini" "${L[@]}" --runs 2 --out "$T/ab-out" >/dev/null 2>"$T/err"
check "ab refuses before its first run, and writes nothing" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'many.ini:2: name: ' '$T/err' &&
		[ ! -e '$T/ab-out' ]"

"$M" check >/dev/null 2>"$T/err"
check "check without a scenario: exit 2, one line saying so" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ] && grep -q 'check: no scenario' '$T/err'"
"$M" check --help >"$T/help"
check "check --help lists --set" grep -q -- '--set KEY=VALUE' "$T/help"
tap_end
