#!/bin/bash
# mmrepro run --local on a harmless scenario (sysctls and a netns, no
# memory pressure): results, verdicts, --set, teardown after SIGKILL at
# several points, and bad scenario files.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
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
# rejudging rewrites summary.json and verdict: only of a run of the scenario
cp "$T/rj/summary.json" "$T/rj.summary"
"$M" run "$S/observe.ini" --rejudge "$T/rj" >"$T/rj.out" 2>"$T/rj.err"
check "--rejudge of another scenario's run: exit 2, one line naming both" \
	bash -c "[ $? -eq 2 ] && [ ! -s '$T/rj.out' ] && [ \$(wc -l <'$T/rj.err') -eq 1 ] &&
		grep -q \"a run of scenario 'harmless', not 'observe'\" '$T/rj.err'"
check "and its summary.json and verdict are as they were" \
	bash -c "cmp -s '$T/rj.summary' '$T/rj/summary.json' && grep -q '^reproduced: ' '$T/rj/verdict'"
"$M" sample -q --interval 100ms --duration 300ms --out "$T/smp" >/dev/null 2>&1
cp "$T/smp/summary.json" "$T/smp.summary"
"$M" run "$S/harmless.ini" --rejudge "$T/smp" >"$T/rj.out" 2>"$T/rj.err"
check "--rejudge of a sample run: exit 2, one line" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/rj.err') -eq 1 ] &&
		grep -q 'not a run of a scenario' '$T/rj.err'"
check "and nothing written to it" \
	bash -c "cmp -s '$T/smp.summary' '$T/smp/summary.json' && [ ! -e '$T/smp/verdict' ]"

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
	# a line is journaled before its change is made: wait for the change
	# too, or a loaded host kills in between and nothing is changed yet
	for _ in $(seq 400); do
		[ "$(wc -l <"$MMREPRO_JOURNAL" 2>/dev/null || echo 0)" -ge "$n" ] &&
			[ "$(state)" != "$before" ] && break
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

# --- SIGKILL at 20 random moments of a short run, from its start to
# after its end (hold=1: about 1.5 s in all): the next start restores
# everything every time, whatever the moment ---
restored=0
for i in $(seq 20); do
	rm -rf "$T/rk"
	"$M" run "$S/harmless.ini" "${L[@]}" --set hold=1 --out "$T/rk" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", r % 2200 / 1000 }')"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	pkill -KILL -f 'sleep 600' 2>/dev/null
	"$M" run "$S/observe.ini" "${L[@]}" --out "$T/ro" >/dev/null 2>&1
	rc=$?
	rm -rf "$T/ro"
	if [ $rc -eq 0 ] && [ "$(state)" = "$before" ] && [ ! -e "$MMREPRO_JOURNAL" ]; then
		restored=$((restored + 1))
	else
		echo "# SIGKILL moment $i: rc=$rc state='$(state)' journal=$(test -e "$MMREPRO_JOURNAL" && echo left)"
		rm -f "$MMREPRO_JOURNAL"
	fi
done
check "SIGKILL at 20 random moments: restored every time ($restored of 20)" [ $restored -eq 20 ]

# --- killed between forking a phase and journaling its group (strace
# kills the runner at its second setpgid(), the one for phase second,
# whose command marks a file; strace returns when phase first's sleep 4
# ends): the phase's command never starts, and the next start restores
# everything ---
rm -rf "$T/fk" "$T/RAN"
# (through bash -c, whose "Killed" goes to /dev/null, not into the TAP)
rc=$(bash -c '"$@" >/dev/null 2>&1; echo $?' _ timeout -s KILL 30 \
	strace -f -qq -o /dev/null -e trace=setpgid -e inject=setpgid:signal=KILL:when=2 \
	"$M" run "$S/harmless.ini" "${L[@]}" --out "$T/fk" \
	--set "phase.first.cmd=echo phase=ready; exec sleep 4" \
	--set "phase.second.cmd=touch $T/RAN; sleep 2" 2>/dev/null)
sleep 1
check "killed at the phase's setpgid (strace's injection worked: exit 137)" [ $rc -eq 137 ]
check "that phase's command did not run, then or later" [ ! -e "$T/RAN" ]
check "nothing of it is left running" bash -c "! pgrep -f '[t]ouch $T/RAN' >/dev/null"
"$M" run "$S/observe.ini" "${L[@]}" --out "$T/fko" >/dev/null 2>&1
check "the next start restores everything" \
	[ "$(state)" = "$before" -a ! -e "$MMREPRO_JOURNAL" ]

# --- a journal cut mid-line, as when the run died writing it: the cut
# line is never applied, the whole lines before it are undone, and what
# could not be undone stays in the journal and is named on stderr ---
J=$MMREPRO_JOURNAL
rm -rf "$T/cut"
"$M" run "$S/harmless.ini" "${L[@]}" --set hold=30 --out "$T/cut" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 250); do
	[ "$(wc -l 2>/dev/null <"$J" || echo 0)" -ge 6 ] && break
	sleep 0.02
done
{
	kill -KILL $pid
	wait $pid
} 2>/dev/null
sums=0
while IFS= read -r l; do
	[ "${l##* #}" = "$(printf %s "${l% #*}" | cksum | cut -d' ' -f1)" ] || sums=1
done <"$J"
check "every journal line ends in ' #' and the POSIX cksum of its text" [ $sums -eq 0 ]
pgids=$(sed -n 's/^pgid \([0-9]*\).*/\1/p' "$J")
wsf0=$(echo "$before" | cut -d' ' -f2)
check "vm.watermark_scale_factor had two digits or more (a cut value differs)" [ ${#wsf0} -ge 2 ]
cut="sysctl vm.watermark_scale_factor ${wsf0%?}"
check "its journal line 3 restores vm.watermark_scale_factor" \
	bash -c "sed -n 3p '$J' | grep -q '^sysctl vm.watermark_scale_factor $wsf0 #'"
# the run died writing line 3: what followed was never written
{
	head -n 2 "$J"
	printf '%s' "$cut"
} >"$T/cut.journal"
mv "$T/cut.journal" "$J"
changed_wsf=$(cat /proc/sys/vm/watermark_scale_factor)
"$M" run "$S/observe.ini" "${L[@]}" --out "$T/cut-next" >/dev/null 2>"$T/cut-next.err"
check "a journal cut mid-line: the next start is refused (exit 2)" [ $? -eq 2 ]
check "it ran no phase" [ ! -e "$T/cut-next/phases/look.log" ]
check "the cut line was not applied" [ "$(cat /proc/sys/vm/watermark_scale_factor)" = "$changed_wsf" ]
check "the whole line before it was undone" [ "$(cat /proc/sys/vm/swappiness)" = "${before%% *}" ]
check "stderr names the cut line" grep -qF "'$cut'" "$T/cut-next.err"
check "the journal stays" [ -s "$J" ]
check "and holds the cut line" grep -qF "$cut" "$J"
check "but not the line that was undone" bash -c "! grep -q '^sysctl vm.swappiness' '$J'"
"$M" run "$S/observe.ini" "${L[@]}" --out "$T/cut-next2" >/dev/null 2>"$T/cut-next2.err"
check "the start after that is refused again, naming the cut line" \
	bash -c "[ $? -eq 2 ] && grep -qF \"'$cut'\" '$T/cut-next2.err'"
check "and has still not applied it" [ "$(cat /proc/sys/vm/watermark_scale_factor)" = "$changed_wsf" ]
# by hand, what the journal could not do
echo "$wsf0" >/proc/sys/vm/watermark_scale_factor
ip netns del mmrepro-selftest 2>/dev/null
for g in $pgids; do kill -KILL -- "-$g" 2>/dev/null; done
rm -f "$J"
check "after that by hand: everything as before" [ "$(state)" = "$before" ]

# --- a stale journal's process group is killed only while its leader
# is the process the run started (its start time, /proc/PID/stat field
# 22): a group whose number now names another process is left alone ---
jline() { printf '%s #%s\n' "$1" "$(printf %s "$1" | cksum | cut -d' ' -f1)"; }
# gone PID: no such process within 3 s, or a zombie (init reaps it later)
gone() {
	for _ in $(seq 150); do
		kill -0 "$1" 2>/dev/null || return 0
		ps -o stat= -p "$1" | grep -q '^Z' && return 0
		sleep 0.02
	done
	return 1
}
rm -f "$T/other.pid"
setsid -f sh -c 'echo $$ >"$1"; exec sleep 600' sh "$T/other.pid"
for _ in $(seq 100); do [ -s "$T/other.pid" ] && break; sleep 0.02; done
other=$(cat "$T/other.pid")
other_st=$(sed 's/.*) //' "/proc/$other/stat" | cut -d' ' -f20)
check "an unrelated process leads its own group" \
	[ "$(ps -o pgid= -p "$other" | tr -d ' ')" = "$other" ]
true &
dead=$!
wait $dead
{
	jline "mmrepro-journal pid=$dead start=1"
	jline "pgid $other $((other_st + 1))"
} >"$MMREPRO_JOURNAL"
"$M" run "$S/observe.ini" "${L[@]}" --out "$T/pg1" >/dev/null 2>"$T/pg1.err"
check "a stale pgid whose leader's start time differs: the run goes on (exit 0)" [ $? -eq 0 ]
check "and the group is left alive" kill -0 "$other"
{
	jline "mmrepro-journal pid=$dead start=1"
	jline "pgid $other $other_st"
} >"$MMREPRO_JOURNAL"
"$M" run "$S/observe.ini" "${L[@]}" --out "$T/pg2" >/dev/null 2>"$T/pg2.err"
check "with the leader's start time: the run goes on (exit 0)" [ $? -eq 0 ]
check "and the group is killed" gone "$other"
kill -KILL "$other" 2>/dev/null

# --- what a phase leaves behind in its group after it exits is killed
# by the end of the run ---
cat >"$T/bg.ini" <<'EOF2'
[scenario]
name = bg
description = a phase that leaves a process behind
interval = 200ms
timeout = 60s

[phase.bg]
cmd = sleep 600 >/dev/null 2>&1 & echo $! >"$MMREPRO_OUT/bg.pid"
ready = exit

[phase.hold]
cmd = sleep 1
ready = start
end = exit

[verdict]
when = meminfo.MemFree_MiB > 0
for = 200ms
EOF2
"$M" run "$T/bg.ini" "${L[@]}" --out "$T/bg" >/dev/null 2>&1
check "a phase's leftover process: the run ends normally (exit 1)" [ $? -eq 1 ]
bg=$(cat "$T/bg/bg.pid" 2>/dev/null)
check "the phase wrote its leftover's pid" [ -n "$bg" ]
check "and the leftover is gone after the run" gone "${bg:-1}"

# --- a traced run journals the tracefs instance it made, once made. With
# mmrepro-PID taken (by someone else), it traces in mmrepro-PID-1 and
# removes only that, at its end and, after a SIGKILL, at the next start.
# In a private mount namespace with tracefs mounted (as the tracer would
# mount it), so that the host's mounts stay as they are. ---
cat >"$T/traced.ini" <<'EOF2'
[scenario]
name = traced
description = a traced run with little to trace
interval = 200ms
timeout = 60s

[vars]
hold = 1

[trace]
events = kswapd

[phase.hold]
cmd = sleep {hold}
ready = start
end = exit

[verdict]
when = meminfo.MemFree_MiB > 0
for = 200ms
EOF2
I=/sys/kernel/tracing/instances
TFS='mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing || exit 97'
tfs() { unshare -m sh -c "$TFS; $1"; }
# traced OUT [--set...]: the run as the pid of a shell that first takes
# its instance name; that pid in OUT.pid
traced() {
	local out=$1
	shift
	unshare -m sh -c "$TFS; mkdir $I/mmrepro-\$\$ || exit 98; echo \$\$ >'$out.pid'; exec '$M' run '$T/traced.ini' ${L[*]} --out '$out' $*"
}
traced "$T/tr" >/dev/null 2>"$T/tr.err"
rc=$?
tpid=$(cat "$T/tr.pid" 2>/dev/null)
check "a traced run with mmrepro-PID taken: exit 1" [ $rc -eq 1 ]
check "it traced in mmrepro-PID-1" grep -q "tracing in instance mmrepro-$tpid-1\$" "$T/tr.err"
check "the instance it did not make is still there" tfs "test -d $I/mmrepro-$tpid"
check "its own is gone" tfs "test -n '$tpid' && test ! -e $I/mmrepro-$tpid-1"
tfs "rmdir $I/mmrepro-$tpid" 2>/dev/null
rm -f "$J"
traced "$T/tk" --set hold=60 >/dev/null 2>"$T/tk.err" &
for _ in $(seq 250); do
	grep -q '^tracefs ' "$J" 2>/dev/null && grep -q '^pgid ' "$J" && break
	sleep 0.02
done
tpid=$(cat "$T/tk.pid" 2>/dev/null)
{
	kill -KILL "$tpid"
	wait
} 2>/dev/null
check "SIGKILLed while tracing: the journal names only the instance it made" \
	bash -c "[ \"\$(sed -n 's/^tracefs \([^ ]*\) #.*/\1/p' '$J')\" = 'mmrepro-$tpid-1' ]"
tfs "'$M' run '$S/observe.ini' ${L[*]} --out '$T/tk-next'" >/dev/null 2>&1
check "the next start: exit 0" [ $? -eq 0 ]
check "it removed the instance the killed run made" tfs "test -n '$tpid' && test ! -e $I/mmrepro-$tpid-1"
check "and not the one it did not make" tfs "test -d $I/mmrepro-$tpid"
tfs "rmdir $I/mmrepro-$tpid; rmdir $I/mmrepro-$tpid-1" 2>/dev/null
# killed right after the mkdir of its instance: strace holds the runner
# in that mkdir's return (delay_exit) while the test looks and kills it.
# The instance is journaled before it is made, so the journal already
# names it then, and the next start removes it. Which mkdir is the
# instance's (K) is read off a first run's strace log.
rm -f "$J"
tfs "exec strace -qq -o '$T/mk.log' -e trace=mkdir,mkdirat '$M' run '$T/traced.ini' ${L[*]} --out '$T/mk0'" >/dev/null 2>&1
K=$(grep -E '^mkdir(at)?\(' "$T/mk.log" | grep -n '/instances/mmrepro-' | head -1 | cut -d: -f1)
check "strace saw the mkdir of the instance (K=${K:-none})" [ -n "$K" ]
tfs "exec strace -qq -o /dev/null -e trace=mkdir,mkdirat -e inject=mkdir,mkdirat:delay_exit=30000000:when=${K:-1} '$M' run '$T/traced.ini' ${L[*]} --set hold=30 --out '$T/mk'" >/dev/null 2>&1 &
wpid=
for _ in $(seq 500); do
	wpid=$(pgrep -f "^$M run $T/traced.ini .*--out $T/mk\$" | head -1)
	[ -n "$wpid" ] && tfs "test -d $I/mmrepro-$wpid" && break
	sleep 0.02
done
check "held in the mkdir's return: the instance exists" tfs "test -n '$wpid' && test -d $I/mmrepro-$wpid"
check "and the journal names it already" grep -q "^tracefs mmrepro-$wpid #" "$J"
{
	kill -KILL "$wpid"
	wait
} 2>/dev/null
tfs "'$M' run '$S/observe.ini' ${L[*]} --out '$T/mk-next'" >/dev/null 2>&1
check "the next start: exit 0" [ $? -eq 0 ]
check "it removed the instance the killed run made" tfs "test -n '$wpid' && test ! -e $I/mmrepro-$wpid"
tfs "rmdir $I/mmrepro-$wpid" 2>/dev/null
# a stale entry whose PID is a live process again (this shell: a reused
# pid) names an instance that may be that process's own: left alone
tfs "mkdir $I/mmrepro-$$"
{
	jline "mmrepro-journal pid=$dead start=1"
	jline "tracefs mmrepro-$$"
} >"$J"
tfs "'$M' run '$S/observe.ini' ${L[*]} --out '$T/reused'" >/dev/null 2>"$T/reused.err"
check "a stale entry of a live pid's name: the start goes on (exit 0)" [ $? -eq 0 ]
check "saying it left the instance" grep -q "instance mmrepro-$$ left: pid $$ is a live process" "$T/reused.err"
check "and the instance is still there" tfs "test -d $I/mmrepro-$$"
tfs "rmdir $I/mmrepro-$$" 2>/dev/null
# a stale instance entry where no tracefs is mounted is not taken as done
{
	jline "mmrepro-journal pid=$dead start=1"
	jline "tracefs mmrepro-selftest-none"
} >"$J"
unshare -m sh -c "umount /sys/kernel/tracing 2>/dev/null; exec '$M' run '$S/observe.ini' ${L[*]} --out '$T/notfs'" >/dev/null 2>"$T/notfs.err"
check "a stale tracefs entry without tracefs: the start is refused (exit 2)" [ $? -eq 2 ]
check "saying it cannot look for the instance" grep -q "no tracefs at .*mmrepro-selftest-none" "$T/notfs.err"
check "the journal keeps the entry" grep -q '^tracefs mmrepro-selftest-none #' "$J"
rm -f "$J"

# --- a run in progress is not disturbed ---
"$M" run "$S/harmless.ini" "${L[@]}" --set hold=4 --out "$T/live" >/dev/null 2>&1 &
pid=$!
sleep 1
"$M" run "$S/observe.ini" "${L[@]}" --out "$T/o-live" >/dev/null 2>"$T/o-live.err"
check "a second run while one is live: exit 2" [ $? -eq 2 ]
check "naming the live run" grep -q "another run (pid $pid)" "$T/o-live.err"
wait $pid
check "the live run still restores" [ "$(state)" = "$before" ]

# --- two runs at once. A second run must leave a live run's journal
# alone even where the journal names no owner yet: a journal is created
# before its header is written, and a header can be lost. Here the live
# run's header is removed while it runs (its later writes go to the old
# file, its teardown reads the new one). ---
"$M" run "$S/harmless.ini" "${L[@]}" --set hold=6 --out "$T/la" >/dev/null 2>"$T/la.err" &
pid=$!
for _ in $(seq 250); do # both phases started: header, 2 sysctls, netns, 2 pgids
	[ "$(wc -l 2>/dev/null <"$MMREPRO_JOURNAL" || echo 0)" -ge 6 ] && break
	sleep 0.02
done
sed -i 1d "$MMREPRO_JOURNAL"
cp "$MMREPRO_JOURNAL" "$T/la.journal"
during=$(state)
"$M" run "$S/observe.ini" "${L[@]}" --out "$T/lb" >/dev/null 2>"$T/lb.err"
rc=$?
check "a second run beside a live one whose journal names no owner: exit 2" [ $rc -eq 2 ]
check "in one line: another run holds the journal" \
	bash -c "[ \$(wc -l <'$T/lb.err') -eq 1 ] && grep -q 'another run.*holds $MMREPRO_JOURNAL' '$T/lb.err'"
check "the second run ran no phase" [ ! -e "$T/lb/phases/look.log" ]
check "it left the live run's journal as it was" cmp -s "$MMREPRO_JOURNAL" "$T/la.journal"
check "and the live run's changes in place" [ "$(state)" = "$during" ]
wait $pid
check "the live run ends normally (exit 1)" [ $? -eq 1 ]
check "and restores everything" [ "$(state)" = "$before" ]
check "and removes its journal" [ ! -e "$MMREPRO_JOURNAL" ]

# two runs started together: one runs, the other refuses, every time
for i in 1 2 3 4 5; do
	"$M" run "$S/harmless.ini" "${L[@]}" --set hold=1 --out "$T/ca$i" >/dev/null 2>"$T/ca$i.err" &
	a=$!
	"$M" run "$S/harmless.ini" "${L[@]}" --set hold=1 --out "$T/cb$i" >/dev/null 2>"$T/cb$i.err" &
	b=$!
	wait $a
	ra=$?
	wait $b
	rb=$?
	check "started together ($i): one runs, one refuses (exits $ra $rb)" \
		bash -c "[ '$ra $rb' = '1 2' ] || [ '$ra $rb' = '2 1' ]"
	check "started together ($i): everything restored, no journal left" \
		bash -c "[ '$(state)' = '$before' ] && [ ! -e '$MMREPRO_JOURNAL' ]"
done

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
bad "a header without its ']' says so" "bad.ini:4: section header '\\[phase.a' has no '\\]'" \
	"$HEAD"$'\n[phase.a\ncmd = true'
bad "a key before any section says so, at its line" "bad.ini:1: 'name' comes before any \\[section\\]" \
	$'name = x\n[scenario]'
bad "a line that is no header and no key: syntax error naming it" \
	"bad.ini:1: syntax error: expected \\[section\\] or KEY = VALUE, not 'scenario\\]'" $'scenario]\nname = x'
long=$(printf '%0300d' 0)
bad "a line past inih's limit says so, at its own line" \
	"bad.ini:4: line longer than 199 characters" "$HEAD"$'\ncolour = '"$long"$'\n[phase.a]\ncmd = true'
bad "a [phase.x] given twice names both lines" "bad.ini:6: \\[phase.a\\] again \\(first at line 4\\)" \
	"$HEAD"$'\n[phase.a]\ncmd = true\n[phase.a]\ncmd = false'
bad "a key given twice in a section names both lines" "bad.ini:7: 'ready' again in \\[phase.a\\] \\(first at line 6\\)" \
	"$HEAD"$'\n[phase.a]\ncmd = true\nready = exit\nready = start'
head -c 600 "$M" >"$T/bad.ini"
"$M" run "$T/bad.ini" "${L[@]}" --out "$T/bad-out" >/dev/null 2>"$T/bad.err"
check "a binary file: exit 2, one line, 'binary data' at line 1" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/bad.err') -eq 1 ] &&
		grep -q 'bad.ini:1: binary data (byte 0x02): not a scenario file' '$T/bad.err'"
check "no bad scenario wrote anything" [ ! -e "$T/bad-out" ]
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
"$M" run "$T/dur.ini" "${L[@]}" --set hold=soon --out "$T/dur4" >/dev/null 2>"$T/dur4.err"
check "a duration var that is no duration: refused before the run (exit 2)" \
	bash -c "[ $? -eq 2 ] && [ ! -e '$T/dur4' ]"
check "naming the value and where it came from" \
	grep -q "dur.ini:14: end: invalid duration 'soons' (from 'duration:{hold}s')" "$T/dur4.err"
check "state unchanged by the duration runs" [ "$(state)" = "$before" ]

# --- a change teardown cannot undo: an error on the host, a warning in a
# guest (thrown away after the run), where the measurement stands. The
# phase plants it in the runner's journal: a parameter file that is gone,
# in a whole line (its text, " #" and its POSIX cksum).
cat >"$T/undo.ini" <<'EOF'
[scenario]
name = undo
description = a journal entry that cannot be undone
interval = 200ms
timeout = 60s

[phase.plant]
cmd = l="param $MMREPRO_JOURNAL.gone/param 1"; echo "$l #$(printf %s "$l" | cksum | cut -d' ' -f1)" >>"$MMREPRO_JOURNAL"; sleep 1
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
check "host: it keeps the entry not undone, not the ones undone" \
	bash -c "grep -q '^param $MMREPRO_JOURNAL.gone/param 1 #' '$MMREPRO_JOURNAL' && ! grep -q '^pgid ' '$MMREPRO_JOURNAL'"
check "host: stderr says the journal keeps it" grep -q "$MMREPRO_JOURNAL keeps the 1 change" "$T/undo-host.err"
rm -f "$MMREPRO_JOURNAL"
as_guest "$M" run "$T/undo.ini" --inside -q --out "$T/undo-guest" >/dev/null 2>"$T/undo-guest.err"
check "guest: the measurement stands (reproduced, exit 1)" \
	bash -c "[ $? -eq 1 ] && grep -q '^reproduced: ' '$T/undo-guest/verdict'"
check "guest: a warning names the failure" \
	grep -q 'warning: teardown could not undo 1 change(s)' "$T/undo-guest.err"
check "guest: meta.json records it" jq -e '.teardown_failed == 1' "$T/undo-guest/meta.json"
check "a normal run records no teardown failure" jq -e '.teardown_failed == 0' "$T/r1/meta.json"
rm -f "$MMREPRO_JOURNAL"
tap_end
