#!/bin/bash
# mmrepro run --local on a harmless scenario (sysctls and a netns, no
# memory pressure): results, verdicts, --set, teardown after SIGKILL at
# several points, and bad scenario files.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=build/mmrepro
S=harness/tests/scenarios
T=$(mktemp -d /tmp/mmrepro-runtest.XXXXXX)
export MMREPRO_JOURNAL=$T/journal
trap 'ip netns del mmrepro-selftest 2>/dev/null; rm -rf "$T"' EXIT
L=(--local --i-understand-this-stresses-the-host -q)

state() {
	echo "$(cat /proc/sys/vm/swappiness) $(cat /proc/sys/vm/watermark_scale_factor) $(ip netns list | grep -c mmrepro-selftest)"
}
before=$(state)

# --- a whole run ---
"$M" run "$S/harmless.ini" "${L[@]}" --out "$T/r1" >"$T/r1.out" 2>"$T/r1.err"
check "a reproduced run exits 1" [ $? -eq 1 ]
check "verdict file says reproduced" grep -q '^reproduced: ' "$T/r1/verdict"
check "summary.json has the verdict and the metric" \
	jq -e '.verdict.verdict == "reproduced" and (.metrics.free.value > 0)' "$T/r1/summary.json"
check "phases kept their output" grep -q 'phase=ready' "$T/r1/phases/first.log"
check "meta.json has the phase times" \
	jq -e '(.phases | length) == 2 and .phases[1].end_s > .phases[1].start_s' "$T/r1/meta.json"
check "phase second lasted its {hold} of 2 s" \
	jq -e '.phases[1].end_s - .phases[1].start_s | . > 1.9 and . < 3' "$T/r1/meta.json"
check "derived.csv has samples" [ "$(wc -l <"$T/r1/derived.csv")" -gt 5 ]
check "reproduce.sh holds the command" grep -q "harmless.ini" "$T/r1/reproduce.sh"
check "the scenario file is kept in the run, meta.json names it there" \
	bash -c "[ \"\$(jq -r .scenario_file '$T/r1/meta.json')\" = harmless.ini ] && cmp -s '$S/harmless.ini' '$T/r1/harmless.ini'"
check "state restored after a normal end" [ "$(state)" = "$before" ]
check "journal removed after a normal end" [ ! -e "$MMREPRO_JOURNAL" ]

"$M" run "$S/harmless.ini" "${L[@]}" --set 'verdict.when=meminfo.MemFree_MiB < 0' \
	--set hold=1 --out "$T/r2" >/dev/null 2>&1
check "--set verdict.when: not reproduced exits 0" [ $? -eq 0 ]
check "and says not-reproduced" grep -q '^not-reproduced: ' "$T/r2/verdict"
check "--set hold=1 shortened the phase" \
	jq -e '.phases[1].end_s - .phases[1].start_s | . < 1.8' "$T/r2/meta.json"

cp -r "$T/r1" "$T/rj"
"$M" run "$S/harmless.ini" --rejudge "$T/rj" --set 'verdict.when=meminfo.MemFree_MiB < 0' >/dev/null
check "--rejudge with another condition: exit 0" [ $? -eq 0 ]
check "--rejudge rewrote the verdict" grep -q '^not-reproduced: ' "$T/rj/verdict"
"$M" run "$S/harmless.ini" --rejudge "$T/rj" >/dev/null
check "--rejudge with the file's condition: reproduced again" grep -q '^reproduced: ' "$T/rj/verdict"

"$M" run "$S/harmless.ini" "${L[@]}" --set sysctl.vm.no_such_knob=1 --out "$T/r3" >/dev/null 2>&1
check "a sysctl this kernel lacks: exit 0" [ $? -eq 0 ]
check "and not-applicable, naming it" grep -q '^not-applicable: this kernel has no vm.no_such_knob' "$T/r3/verdict"
check "nothing left changed" [ "$(state)" = "$before" ]

"$M" run "$S/harmless.ini" "${L[@]}" --set hold=30 --out "$T/r4" >/dev/null 2>&1 &
pid=$!
sleep 2
kill -INT $pid
wait $pid
check "SIGINT: exit 2 (error: interrupted)" [ $? -eq 2 ]
check "SIGINT: verdict error: interrupted" grep -q '^error: interrupted' "$T/r4/verdict"
check "SIGINT: state restored" [ "$(state)" = "$before" ]

# --- SIGKILL at several points; the next start restores ---
# kill when the journal holds N entries (1 = the first sysctl only,
# 3 = both sysctls and the netns, 5 = during the phases)
for n in 2 4 6; do
	rm -rf "$T/k$n"
	"$M" run "$S/harmless.ini" "${L[@]}" --set hold=30 --out "$T/k$n" >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 200); do
		[ "$(wc -l <"$MMREPRO_JOURNAL" 2>/dev/null || echo 0)" -ge "$n" ] && break
		sleep 0.02
	done
	kill -KILL $pid
	wait $pid 2>/dev/null
	check "SIGKILL at journal line $n: the journal stays" [ -s "$MMREPRO_JOURNAL" ]
	check "SIGKILL at journal line $n: the system is left changed" [ "$(state)" != "$before" ]
	"$M" run "$S/observe.ini" "${L[@]}" --out "$T/o$n" >"$T/o$n.out" 2>"$T/o$n.err"
	check "next start after line $n: says it restores" grep -q 'restoring' "$T/o$n.err"
	check "next start after line $n: the run saw the original state" \
		grep -q "swappiness=${before%% *} wsf=$(echo "$before" | cut -d' ' -f2) netns=0" "$T/o$n/phases/look.log"
	check "after line $n: everything as before" [ "$(state)" = "$before" ]
	pkill -KILL -f 'sleep 600' 2>/dev/null
done

# --- a run in progress is not disturbed ---
"$M" run "$S/harmless.ini" "${L[@]}" --set hold=4 --out "$T/live" >/dev/null 2>&1 &
pid=$!
sleep 1
"$M" run "$S/observe.ini" "${L[@]}" --out "$T/o-live" >/dev/null 2>"$T/o-live.err"
check "a second run while one is live: exit 2" [ $? -eq 2 ]
check "naming the live run" grep -q "another run (pid $pid)" "$T/o-live.err"
wait $pid
check "the live run still restores" [ "$(state)" = "$before" ]

# --- bad scenario files: one line with FILE:LINE, exit 2 ---
bad() { # bad NAME EXPECT-REGEX CONTENT
	printf '%s\n' "$3" >"$T/bad.ini"
	"$M" run "$T/bad.ini" "${L[@]}" --out "$T/bad-out" >/dev/null 2>"$T/bad.err"
	local rc=$? lines
	lines=$(wc -l <"$T/bad.err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -Eq "$2" "$T/bad.err"; then
		ok "$1"
	else
		not_ok "$1" "rc=$rc lines=$lines: $(head -c 200 "$T/bad.err")"
	fi
}
HEAD=$'[scenario]\nname = x\ndescription = y'
bad "syntax error names file:line" "bad.ini:4: " "$HEAD"$'\nthis line has no equals sign'
bad "unclosed section names file:line" "bad.ini:4: " "$HEAD"$'\n[phase.a'
bad "unknown key names file:line and key" "bad.ini:4: unknown key 'colour'" "$HEAD"$'\ncolour = blue'
bad "unknown section names file:line" "bad.ini:4: unknown section \\[frobs\\]" "$HEAD"$'\n[frobs]\na = 1'
bad "phase without cmd names file:line" "bad.ini:4: \\[phase.a\\] has no cmd" "$HEAD"$'\n[phase.a]\nready = exit'
bad "bad sysctl name names file:line" "bad.ini:5: bad sysctl name 'vm..x'" "$HEAD"$'\n[sysctl]\nvm..x = 1'
bad "bad duration names file:line" "bad.ini:3: interval: invalid duration" $'[scenario]\nname = x\ninterval = soon'
bad "[expect] with a bad direction names file:line" "bad.ini:5: fixed: expected METRIC lower\\|higher, not 'x sideways'" \
	"$HEAD"$'\n[expect]\nfixed = x sideways'
bad "[expect] naming no metric is refused" "bad.ini: \\[expect\\] fixed: no \\[metric.nope\\] in this scenario" \
	"$HEAD"$'\n[phase.a]\ncmd = true\n[expect]\nfixed = nope lower'
"$M" run no-such-scenario "${L[@]}" >/dev/null 2>"$T/err"
check "unknown scenario: exit 2, one line" bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ]"
"$M" run "$S/harmless.ini" --local >/dev/null 2>"$T/err"
check "--local alone is refused" bash -c "[ $? -eq 2 ] && grep -q i-understand-this-stresses-the-host '$T/err'"
"$M" run "$S/harmless.ini" --set nosuchvar=1 "${L[@]}" >/dev/null 2>"$T/err"
check "--set of an unknown key is refused" bash -c "[ $? -eq 2 ] && grep -q \"unknown key 'nosuchvar'\" '$T/err'"
check "state unchanged by the bad inputs" [ "$(state)" = "$before" ]
# --- end = duration:{var}s, resolved per run; a phase of that kind that
# exits non-zero before its time is a failure, not "ended as planned" ---
cat >"$T/dur.ini" <<'EOF'
[scenario]
name = dur
description = a phase ended by its duration
interval = 200ms
timeout = 60s

[vars]
hold = 1
rc = 0

[phase.held]
cmd = test {rc} = 0 || exit {rc}; exec sleep 600
ready = start
end = duration:{hold}s

[verdict]
when = meminfo.MemFree_MiB > 0
for = 200ms
EOF
"$M" run "$T/dur.ini" "${L[@]}" --set hold=2 --out "$T/dur2" >/dev/null 2>&1
check "end = duration:{hold}s with --set hold=2: the run ends normally (exit 1)" [ $? -eq 1 ]
check "and the phase lasted 2 s" \
	jq -e '.phases[0].end_s - .phases[0].start_s | . > 1.9 and . < 3' "$T/dur2/meta.json"
"$M" run "$T/dur.ini" "${L[@]}" --set rc=3 --set hold=5 --out "$T/dur3" >/dev/null 2>&1
check "a duration phase that exits 3 before its time: error (exit 2)" [ $? -eq 2 ]
check "and the verdict names the phase" grep -q '^error: phase held exited with 3' "$T/dur3/verdict"
"$M" run "$T/dur.ini" "${L[@]}" --set hold=soon --out "$T/dur4" >/dev/null 2>&1
check "a duration var that is no duration: error (exit 2)" [ $? -eq 2 ]
check "naming the value and where it came from" \
	grep -q "invalid duration 'soons' (from '{hold}s')" "$T/dur4/verdict"
check "state unchanged by the duration runs" [ "$(state)" = "$before" ]

# --- a change teardown cannot undo: an error on the host, a warning in a
# guest (thrown away after the run), where the measurement stands. The
# phase plants it in the runner's journal: a parameter file that is gone.
cat >"$T/undo.ini" <<'EOF'
[scenario]
name = undo
description = a journal entry that cannot be undone
interval = 200ms
timeout = 60s

[phase.plant]
cmd = echo "param $MMREPRO_JOURNAL.gone/param 1" >>"$MMREPRO_JOURNAL"; sleep 1
ready = start
end = exit

[verdict]
when = meminfo.MemFree_MiB > 0
for = 200ms
EOF
"$M" run "$T/undo.ini" "${L[@]}" --out "$T/undo-host" >/dev/null 2>"$T/undo-host.err"
check "host: a change left undone is an error (exit 2)" [ $? -eq 2 ]
check "host: the verdict says so" \
	grep -q '^error: teardown could not undo 1 change(s)' "$T/undo-host/verdict"
check "host: the journal stays for the next start to retry" [ -s "$MMREPRO_JOURNAL" ]
rm -f "$MMREPRO_JOURNAL"
MMREPRO_GUEST=1 "$M" run "$T/undo.ini" --inside -q --out "$T/undo-guest" >/dev/null 2>"$T/undo-guest.err"
check "guest: the measurement stands (reproduced, exit 1)" \
	bash -c "[ $? -eq 1 ] && grep -q '^reproduced: ' '$T/undo-guest/verdict'"
check "guest: a warning names the failure" \
	grep -q 'warning: teardown could not undo 1 change(s)' "$T/undo-guest.err"
check "guest: meta.json records it" jq -e '.teardown_failed == 1' "$T/undo-guest/meta.json"
check "a normal run records no teardown failure" jq -e '.teardown_failed == 0' "$T/r1/meta.json"
rm -f "$MMREPRO_JOURNAL"
tap_end
