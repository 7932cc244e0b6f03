#!/bin/bash
# mmrepro trace: its errors, a 2-second run on this host (no reclaim
# here: never exhaust the host's memory), SIGINT/SIGTERM clean-up, and
# a guest on Debian 6.12 where stress-ng drives direct reclaim.
# TRACE_SKIP_GUEST=1 leaves the guest out.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
TR=/sys/kernel/tracing
T=$(mktemp -d /tmp/mmrepro-trace.XXXXXX)
trap 'rm -rf "$T"' EXIT

# one-line error with exit 2: expect_usage NAME ARGS...
expect_usage() {
	local name=$1 rc lines
	shift
	"$M" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -q '^mmrepro: trace: ' "$T/err" &&
		[ ! -s "$T/out" ]; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc lines=$lines: $(head -c 200 "$T/err")"
	fi
}

# no instance of ours is left: gone PID
gone() {
	[ ! -e "$TR/instances/mmrepro-$1" ]
}

"$M" trace --help >"$T/help" 2>&1
check "--help exits 0" [ $? -eq 0 ]
check "--help lists the groups" grep -q 'direct_reclaim, kswapd, wakeup_kswapd' "$T/help"
expect_usage "unknown event: exit 2" trace --events direct_reclaim,bogus --out "$T/u1"
expect_usage "bad duration: exit 2" trace --duration 2fortnights --out "$T/u2"
expect_usage "unwritable --out: exit 2" trace --duration 1s --out /proc/mmrepro-trace
expect_usage "--buffer-kb 0: exit 2" trace --buffer-kb 0 --out "$T/u3"
expect_usage "--count without a system: exit 2" trace --count mm_page_alloc --out "$T/u4"
expect_usage "--count of an absent event: exit 2" trace --count kmem:no_such_event --out "$T/u5"
expect_usage "--filter the kernel rejects: exit 2" trace --duration 1s \
	--filter 'mm_vmscan_wakeup_kswapd=nosuchfield == 1' --out "$T/u6"
expect_usage "unexpected argument: exit 2" trace stray --out "$T/u7"
expect_usage "--list of an unknown group: exit 2" trace --list direct_reclaim,bogus --out "$T/u8"
expect_usage "--list of a group not traced: exit 2" trace --events kswapd --list direct_reclaim --out "$T/u9"
expect_usage "--max-events without --list: exit 2" trace --max-events 5 --out "$T/u10"
expect_usage "--max-events -1: exit 2" trace --list kswapd --max-events -1 --out "$T/u11"
check "no instance left by the failed starts" \
	bash -c "! ls $TR/instances | grep -q '^mmrepro-'"

if [ ! -r "$TR/events/header_page" ]; then
	not_ok "tracefs at $TR" "not mounted or not readable here"
	tap_end
	exit
fi

# --- 2 seconds on this host, with some allocation but no reclaim ---
E=$T/e2e
"$M" trace --duration 2s --out "$E" --count kmem:mm_page_alloc \
	--filter 'kmem:mm_page_alloc=order == 0' >"$T/stdout" 2>"$T/stderr" &
pid=$!
# set up once it says where it records
for _ in $(seq 100); do grep -qs 'recording in' "$T/stderr" && break; sleep 0.05; done
I=$TR/instances/mmrepro-$pid
check "a private instance mmrepro-PID while running" test -d "$I"
check "its trace_clock is mono" grep -q '\[mono\]' "$I/trace_clock"
# the tracer's groups' events and the one --count asks for: compared
# with session.json's enabled ones once the trace is over
sort "$I/set_event" >"$T/set_event"
check "only the tracer's events are enabled, and the --count one" \
	bash -c "grep -qx 'kmem:mm_page_alloc' '$T/set_event' && ! grep -q sched '$T/set_event'"
check "the top instance is left alone" bash -c "! grep -q mm_vmscan $TR/set_event"
check "the filter is set in the kernel" grep -q 'order == 0' "$I/events/kmem/mm_page_alloc/filter"
head -c 64M /dev/zero | sort >/dev/null # page cache and anon churn, no reclaim
wait $pid
check "trace exits 0" [ $? -eq 0 ]
check "the instance is gone afterwards" gone "$pid"
check "set_event held exactly the events session.json says were enabled" \
	bash -c "jq -r '.events | to_entries[] | select(.value.enabled) | .key' '$E/trace/session.json' |
		sort | diff - '$T/set_event'"
# a JSON file for each group with an event enabled, every group of
# --help's list among them
groups=$(jq -r '[.events[] | select(.enabled) | .group] | unique | .[]' "$E/trace/session.json")
for g in $groups session summary; do
	check "trace/$g.json written" jq -e . "$E/trace/$g.json"
done
helpgroups=$(sed -n '/^Event groups/,/^$/p' "$T/help" | tr '\n' ' ' | sed 's/.*default all): //; s/\. *$//; s/,//g')
check "every group of --help has an event enabled here ($helpgroups)" \
	bash -c "for g in $helpgroups; do grep -qx \"\$g\" <<<'$groups' || exit 1; done"
check "lost-event fields present, per CPU too" \
	jq -e '.lost | has("lost_events") and has("missed_in_pages") and
		(.per_cpu | length > 0) and
		(.per_cpu | to_entries | all(.value | has("overrun") and
			has("dropped_events") and has("commit_overrun")))' "$E/trace/session.json"
check "summary.json has lost_events and the instance" \
	jq -e ".trace.lost_events >= 0 and .trace.instance == \"mmrepro-$pid\"" "$E/trace/summary.json"
check "every event present on this kernel, but those gone from newer kernels" \
	jq -e '.events | to_entries | all(.value.present or .value.gone)' "$E/trace/session.json"
check "the gone ones (writeback congestion waits) absent here, saying what replaced them" \
	jq -e '[.events | to_entries[] | select(.value.gone)] | length >= 1 and
		all(.value.present == false and (.value.reason | test("removed in .*mm_vmscan_throttled")))' \
	"$E/trace/session.json"
check "page allocations were counted (events flow)" \
	jq -e '.events["kmem:mm_page_alloc"].count > 0' "$E/trace/counts.json"
check "events read match the kernel's read counters" \
	jq -e '.events_read == ([.lost.per_cpu[].read_events] | add)' "$E/trace/session.json"
check "no loss at this rate" jq -e '.lost.lost_events == 0' "$E/trace/session.json"
check "about 2 s" jq -e '.duration_s > 1.9 and .duration_s < 2.5' "$E/trace/session.json"
check "progress lines on stderr, one a second" \
	bash -c "[ \$(grep -c '^trace: ' '$T/stderr') -ge 1 ]"
check "direct reclaim summary present with count 0 here" \
	jq -e '.trace.direct_reclaim.count == 0' "$E/trace/summary.json"
check "gfp bits read from the format" \
	jq -e '.gfp_bits.movable > 0 and .gfp_bits.reclaimable > 0' "$E/trace/direct_reclaim.json"
expect_usage "an existing trace is not overwritten" trace --duration 1s --out "$E"

# --- SIGINT and SIGTERM end it cleanly, with results ---
for sig in INT TERM; do
	"$M" trace -q --events kswapd --out "$T/sig$sig" 2>"$T/sig.err" &
	pid=$!
	for _ in $(seq 50); do [ -e "$TR/instances/mmrepro-$pid" ] && break; sleep 0.05; done
	sleep 0.5
	kill -"$sig" $pid
	wait $pid
	check "SIG$sig: exit 0" [ $? -eq 0 ]
	check "SIG$sig: instance removed" gone "$pid"
	check "SIG$sig: results written, stopped_by signal" \
		jq -e '.stopped_by == "signal"' "$T/sig$sig/trace/session.json"
	check "SIG$sig: only kswapd.json for --events kswapd" \
		bash -c "[ -f '$T/sig$sig/trace/kswapd.json' ] && [ ! -f '$T/sig$sig/trace/direct_reclaim.json' ]"
done

# --- the timeline joins derived.csv over each sample's whole gap ---
J=$T/join
mkdir -p "$J/trace"
echo '{"scenario": "join", "phases": []}' >"$J/meta.json"
printf 't,x\n0.0,1\n1.0,1\n2.0,1\n5.0,1\n6.0,1\n' >"$J/derived.csv"
{
	echo 't,trace.dr_some_pct,trace.dr_stall_s_per_s,trace.dr_max_ms,trace.dr_per_s'
	echo '1.000,10,0.1,1,1'
	echo '2.000,20,0.2,2,1'
	echo '3.000,30,0.3,3,1'
	echo '4.000,40,0.4,9,1'
	echo '5.000,50,0.5,4,1'
	echo '6.000,60,0.6,5,1'
} >"$J/trace/timeline.csv"
cat >"$T/join.ini" <<'EOF'
[scenario]
name = join
[phase.x]
cmd = true
[metric.some]
series = trace.dr_some_pct
stat = mean
[metric.maxms]
series = trace.dr_max_ms
stat = max
[metric.stall]
series = trace.dr_stall_s_per_s
stat = total
[verdict]
when = trace.dr_some_pct > 25
for = 2s
[trace]
events = direct_reclaim
EOF
"$M" run "$T/join.ini" --rejudge "$J" >/dev/null 2>&1
check "join: a late sample averages the intervals it covers (mean 32.5)" \
	jq -e '.metrics.some.value == 32.5' "$J/summary.json"
check "join: and takes their max for *max* series (9, not 4)" \
	jq -e '.metrics.maxms.value == 9' "$J/summary.json"
# stat total counts from the first valid row on: intervals 2..6 = 2.0 s
check "join: so a total over the gaps is the timeline's (2.0 s)" \
	jq -e '.metrics.stall.value | . > 1.999 and . < 2.001' "$J/summary.json"
check "join: the verdict reads the joined series" grep -q '^reproduced: ' "$J/verdict"

# --- --raw and --replay: the recording read back gives the same results ---
RW=$T/raw1
(
	sleep 1
	echo 1 >/proc/sys/vm/compact_memory # compaction, not memory pressure
) &
"$M" trace -q --duration 3s --raw --list compaction --out "$RW" >/dev/null 2>"$T/raw1.err"
wait
check "--raw: the pages, the formats and raw.json kept" \
	bash -c "[ -s '$RW/trace/raw/raw.json' ] && ls '$RW'/trace/raw/per_cpu/cpu*.raw >/dev/null &&
		[ -s '$RW/trace/raw/events/header_page' ] &&
		[ -s '$RW/trace/raw/events/compaction/mm_compaction_finished/format' ]"
check "--raw: compaction was recorded" \
	jq -e '.events["compaction:mm_compaction_finished"].count > 0' "$RW/trace/session.json"
"$M" trace -q --replay "$RW/trace/raw" --list compaction --out "$T/rp1" >/dev/null 2>"$T/rp1.err"
check "--replay: exit 0" [ $? -eq 0 ]
for g in $(jq -r '[.events[] | select(.enabled) | .group] | unique | .[]' "$RW/trace/session.json"); do
	check "--replay: trace/$g.json as it was live" \
		bash -c "diff <(jq -S 'del(.duration_s)' '$RW/trace/$g.json') <(jq -S 'del(.duration_s)' '$T/rp1/trace/$g.json')"
done
check "--replay: the listing as it was live" \
	diff "$RW/trace/compaction.events.csv" "$T/rp1/trace/compaction.events.csv"
check "--replay: session.json says so, with the recording's kernel" \
	jq -e --arg k "$(uname -r)" '.stopped_by == "replay" and .kernel.release == $k and
		(.replay_of | endswith("/trace/raw"))' "$T/rp1/trace/session.json"
expect_usage "--replay of a directory with no recording: exit 2" trace --replay "$T" --out "$T/u12"
expect_usage "--replay with --raw: exit 2" trace --replay "$RW/trace/raw" --raw --out "$T/u13"
# a recording from elsewhere: a link is not followed, a page that lies
# about its size is counted, not parsed
cp -r "$RW/trace/raw" "$T/evil"
ln -sf /etc/passwd "$T/evil/events/header_page"
"$M" trace -q --replay "$T/evil" --out "$T/u14" >/dev/null 2>"$T/evil.err"
check "--replay: a link in the recording refused (exit 2, nothing written)" \
	bash -c "[ $? -eq 2 ] && [ ! -e '$T/u14/trace' ] && grep -q 'link' '$T/evil.err'"
cp -r "$RW/trace/raw" "$T/bad"
# the CPU with the most pages (under load all events can land on one)
c0=$(ls -S "$T/bad"/per_cpu/cpu*.raw | head -1)
check "--raw: pages recorded ($(stat -c %s "$c0") bytes in $(basename "$c0"))" [ "$(stat -c %s "$c0")" -ge 4096 ]
printf '\377\377\377\017' | dd of="$c0" bs=1 seek=8 conv=notrunc status=none
"$M" trace -q --replay "$T/bad" --out "$T/rp2" >/dev/null 2>&1
check "--replay: a page with a commit past its end is counted as a loss, not read (exit 0)" \
	bash -c "[ $? -eq 0 ] && jq -e '[.lost.per_cpu[].missed_pages_unknown] | add >= 1' '$T/rp2/trace/session.json'"

# --- [trace] in mmrepro run --local: journal, RUN/trace, summary, verdict ---
export MMREPRO_JOURNAL=$T/journal
L=(--local --i-understand-this-stresses-the-host -q)
cat >"$T/traced.ini" <<'EOF'
[scenario]
name = traced
description = a quiet local run with the tracer on
interval = 200ms
timeout = 60s
[vars]
hold = 2
[phase.wait]
cmd = sleep {hold}
ready = start
end = exit
[verdict]
when = trace.dr_some_pct < 1
for = 1s
[trace]
events = direct_reclaim,kswapd
buffer_kb = 512
EOF
R=$T/run1
"$M" run "$T/traced.ini" "${L[@]}" --out "$R" >"$T/run1.out" 2>"$T/run1.err"
check "run [trace]: exit 1, judged on the trace series" [ $? -eq 1 ]
check "run [trace]: the verdict names trace.dr_some_pct" \
	grep -q '^reproduced: .*trace.dr_some_pct < 1' "$R/verdict"
check "run [trace]: only the groups asked for" \
	bash -c "[ -f '$R/trace/direct_reclaim.json' ] && [ -f '$R/trace/kswapd.json' ] &&
		[ ! -f '$R/trace/compaction.json' ]"
check "run [trace]: buffer_kb reached the tracer" \
	jq -e '.buffer_kb_per_cpu == 512 and .stopped_by == "run" and .reader_cpu_s >= 0' "$R/trace/session.json"
check "run [trace]: summary.json has the trace object with the rest" \
	jq -e '(.trace.instance | test("^mmrepro-[0-9]+$")) and .trace.lost_events == 0 and
		.trace.direct_reclaim.count == 0 and .verdict.verdict == "reproduced"' "$R/summary.json"
rows=$(tail -n +2 "$R/trace/timeline.csv" | wc -l)
want=$(jq '.duration_s / 0.2 | floor' "$R/trace/session.json")
check "run [trace]: a timeline row per 200 ms interval ($rows for $want)" \
	bash -c "head -1 '$R/trace/timeline.csv' | grep -q '^t,trace.dr_some_pct,' &&
		[ $want -ge 9 ] && [ $rows -ge $want ] && [ $rows -le $((want + 2)) ]"
check "run [trace]: no instance left" bash -c "! ls $TR/instances | grep -q '^mmrepro-'"
check "run [trace]: journal removed" [ ! -e "$MMREPRO_JOURNAL" ]
"$M" run "$T/traced.ini" "${L[@]}" --set 'verdict.when=trace.dr_some_pct > 1' \
	--out "$T/run1b" >/dev/null 2>&1
check "run [trace]: trace.dr_some_pct > 1 does not hold here (exit 0)" [ $? -eq 0 ]

"$M" run "$T/traced.ini" "${L[@]}" --set trace.enable=no \
	--set 'verdict.when=meminfo.MemFree_MiB > 0' --out "$T/run2" >/dev/null 2>&1
check "trace.enable=no: the run works (exit 1)" [ $? -eq 1 ]
check "trace.enable=no: no trace/ and no trace object" \
	bash -c "[ ! -e '$T/run2/trace' ] && jq -e 'has(\"trace\") | not' '$T/run2/summary.json'"
"$M" run "$T/traced.ini" "${L[@]}" --set trace.enable=no --out "$T/run3" >/dev/null 2>"$T/run3.err"
check "trace.enable=no, verdict on trace.*: refused before the run (exit 2)" \
	bash -c "[ $? -eq 2 ] && [ ! -e '$T/run3' ]"
check "naming the condition and why its series is missing" \
	grep -q "traced.ini:13: when: 'trace.dr_some_pct' comes from the tracer, which \\[trace\\] enable = no turns off" "$T/run3.err"
"$M" run "$T/traced.ini" "${L[@]}" --set trace.bogus=1 --out "$T/run4" >/dev/null 2>"$T/run4.err"
rc=$?
check "[trace] unknown key: exit 2 ($rc), one line" \
	bash -c "[ $rc -eq 2 ] && [ \$(wc -l <'$T/run4.err') -eq 1 ] &&
		grep -q \"unknown key 'bogus' in .trace.\" '$T/run4.err'"
"$M" run "$T/traced.ini" "${L[@]}" --set trace.events=nonsense --out "$T/run5" >/dev/null 2>"$T/run5.err"
rc=$?
check "[trace] events = nonsense: refused before the run, naming it ($rc)" \
	bash -c "[ $rc -eq 2 ] && [ ! -e '$T/run5' ] &&
		grep -q \"set trace.events: no group or event 'nonsense'\" '$T/run5.err'"
check "and no instance left" bash -c "! ls $TR/instances | grep -q '^mmrepro-'"

# SIGKILL of the runner mid-run: the journal removes the instance next time
"$M" run "$T/traced.ini" "${L[@]}" --set hold=30 --out "$T/k" >/dev/null 2>&1 &
pid=$!
# the instance is journaled once it exists (each line ends in " #" and its
# cksum): wait for the line, not for the directory
for _ in $(seq 200); do
	grep -qE "^tracefs mmrepro-$pid #[0-9]+\$" "$MMREPRO_JOURNAL" 2>/dev/null && break
	sleep 0.05
done
check "SIGKILL: the instance is journaled" grep -qE "^tracefs mmrepro-$pid #[0-9]+\$" "$MMREPRO_JOURNAL"
kill -KILL $pid
wait $pid 2>/dev/null
check "SIGKILL: the instance is left behind" test -d "$TR/instances/mmrepro-$pid"
"$M" run "$T/traced.ini" "${L[@]}" --set hold=0 --set trace.enable=no \
	--set 'verdict.when=meminfo.MemFree_MiB > 0' --out "$T/k2" >/dev/null 2>"$T/k2.err"
check "next start: restores and removes it" \
	bash -c "grep -q 'tracefs instance mmrepro-$pid removed' '$T/k2.err' && [ ! -e '$TR/instances/mmrepro-$pid' ]"
# --- a run's reader reads as the run goes, not only at its end ---
# 20000 getpgid events (trace-gen: 5000/s for 4 s) through 128 KiB of
# buffer a CPU, which holds about 4000: none may be lost, and every one
# counted. (Before 2026-12 a run's reader only polled, and the buffers
# were read when the run ended: all but the last buffer's worth lost.)
GEN=$(dirname "$M")/bench/trace-gen
cat >"$T/gen.ini" <<EOF
[scenario]
name = gen
description = getpgid events read through a small buffer
interval = 200ms
timeout = 60s
[phase.gen]
cmd = $GEN 5000 4 0
ready = start
end = exit
[verdict]
when = trace.dr_some_pct < 1
for = 1s
[trace]
events = direct_reclaim
buffer_kb = 128
count = syscalls:sys_enter_getpgid
filter = syscalls:sys_enter_getpgid=pid == 2147400000
EOF
"$M" run "$T/gen.ini" "${L[@]}" --out "$T/gen" >"$T/gen.out" 2>"$T/gen.err"
gen=$(awk '!/^#/ && NF == 4 { print $2 }' "$T/gen/phases/gen.log" 2>/dev/null)
check "run [trace]: the generator made its events (${gen:-none})" [ "${gen:-0}" -ge 19000 ]
check "run [trace]: all $gen counted through a 128 KiB buffer, none lost" \
	jq -e --argjson g "${gen:-0}" '.lost.lost_events == 0 and
		.events["syscalls:sys_enter_getpgid"].count == $g' "$T/gen/trace/session.json"
unset MMREPRO_JOURNAL

# --- a guest under memory pressure: direct reclaim is recorded ---
if [ "${TRACE_SKIP_GUEST:-0}" = 1 ]; then
	echo "ok $((tap_n + 1)) guest direct reclaim # SKIP TRACE_SKIP_GUEST=1"
	tap_n=$((tap_n + 1))
	tap_end
	exit
fi
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
G=$T/guest
start=$(date +%s)
# shellcheck disable=SC2016 # expanded in the guest
"$M" vm -q --deb "$deb" --mem 1G --out "$G" -- sh -c '
	build/mmrepro trace -q --out "$MMREPRO_OUT" --list direct_reclaim,kswapd \
		--max-events 0 --raw >"$MMREPRO_OUT/list.txt" 2>"$MMREPRO_OUT/trace.err" &
	p=$!
	while ! ls /sys/kernel/tracing/instances | grep -q "^mmrepro-$p\$"; do sleep 0.2; done
	stress-ng --vm 2 --vm-bytes 110% --timeout 18s >"$MMREPRO_OUT/stress.log" 2>&1
	kill -INT $p
	wait $p
	echo "trace-exit=$?"
	ls /sys/kernel/tracing/instances >"$MMREPRO_OUT/instances-after"' 2>"$T/guest.err"
rc=$?
took=$(($(date +%s) - start))
check "guest 6.12: boots and runs (rc $rc, ${took}s)" [ "$rc" -eq 0 ]
check "guest: trace exits 0 under OOM" grep -q 'trace-exit=0' "$G/output.log"
check "guest: instance removed" bash -c "! grep -q mmrepro '$G/instances-after'"
check "guest: direct reclaim recorded (count > 0)" \
	jq -e '.latency.count > 0' "$G/trace/direct_reclaim.json"
check "guest: p50 <= p99 <= max" \
	jq -e '.latency | .p50_us <= .p99_us and .p99_us <= .max_us' "$G/trace/direct_reclaim.json"
check "guest: histogram counts add up to the count" \
	jq -e '.latency | ([.hist_log2_us[].count] | add) == .count' "$G/trace/direct_reclaim.json"
check "guest: stalls split by migratetype add up" \
	jq -e '([.by_migratetype[].count] | add) == .latency.count' "$G/trace/direct_reclaim.json"
check "guest: the stalling tasks are named" \
	jq -e '.tasks | length > 0 and all(.comm != null)' "$G/trace/direct_reclaim.json"
check "guest: OOM victims seen with pid and comm" \
	jq -e '.count > 0 and (.victims | all(.pid > 0 and .comm != null))' "$G/trace/oom_victims.json"
check "guest: lost events reported" jq -e '.lost.lost_events >= 0' "$G/trace/session.json"
# the listings: every stall a row, printed and in the CSV, none left out
n=$(jq '.latency.count' "$G/trace/direct_reclaim.json")
csv=$(tail -n +2 "$G/trace/direct_reclaim.events.csv" | grep -c ',stall,')
printed=$(grep -c '\] stall order [0-9]*: [0-9.e+]* us' "$G/list.txt")
check "guest: --list: a stall row per stall in the CSV ($csv of $n)" [ "$csv" -eq "$n" ]
check "guest: --list: and a printed line per stall ($printed of $n)" [ "$printed" -eq "$n" ]
check "guest: --list: the CSV's stall times add up to the total" \
	bash -c "awk -F, '\$6 == \"stall\" { s += \$9 } END { printf \"%.0f\\n\", s }' \
		'$G/trace/direct_reclaim.events.csv' |
		jq -e --slurpfile d '$G/trace/direct_reclaim.json' '. - (\$d[0].latency.total_s * 1e6) | fabs < 1'"
# the guest's raw recording (6.12's formats) read back here
"$M" trace -q --replay "$G/trace/raw" --list direct_reclaim,kswapd --max-events 0 \
	--out "$T/grp" >/dev/null 2>"$T/grp.err"
check "guest: --replay of its recording here: exit 0" [ $? -eq 0 ]
# (a task's name: the guest read /proc when it first saw the task, the
# replay has only the kernel's saved_cmdlines; the rest must be equal)
for g in direct_reclaim kswapd oom_victims compaction; do
	check "guest: --replay: trace/$g.json as the guest had it" \
		bash -c "diff <(jq -S 'del(.duration_s, .tasks[]?.comm)' '$G/trace/$g.json') \
			<(jq -S 'del(.duration_s, .tasks[]?.comm)' '$T/grp/trace/$g.json')"
done
check "guest: --replay: the same stall rows" \
	bash -c "diff <(cut -d, -f1-3,5- '$G/trace/direct_reclaim.events.csv') \
		<(cut -d, -f1-3,5- '$T/grp/trace/direct_reclaim.events.csv')"
check "guest: --list: nothing left out, and said so" \
	jq -e '.listings.direct_reclaim.not_listed == 0 and .listings.direct_reclaim.max_events == null and
		.listings.kswapd.rows >= 0' "$G/trace/session.json"
tap_end
