#!/bin/bash
# The tracer's benchmarks (make bench calls this from run.sh):
# 1. the highest event rate `mmrepro trace` keeps up with without loss:
#    trace-gen makes syscalls:sys_enter_getpgid events at rising rates on
#    CPU 0 (a filter on its magic argument counts only those), the
#    tracer reads on CPU 1; a step passes when every event generated was
#    counted and the kernel reports none lost;
# 2. its overhead on a page-fault loop (trace-work), untraced and traced
#    side by side, interleaved, medians of ROUNDS.
# TRACE_BENCH_SECONDS (default 3) and TRACE_BENCH_ROUNDS (3) shorten it.
set -eu
cd "$(dirname "$0")/../.." || exit 1
M=build/mmrepro
B=build/bench
D=${TRACE_BENCH_SECONDS:-3}
ROUNDS=${TRACE_BENCH_ROUNDS:-3}
EV=syscalls:sys_enter_getpgid
MAGIC=2147400000 # as in trace-gen.c
T=$(mktemp -d /tmp/mmrepro-tbench.XXXXXX)
trap 'rm -rf "$T"' EXIT

if [ "$(nproc)" -lt 2 ]; then
	echo "# tracer benchmark needs 2 CPUs; skipped"
	exit 0
fi

# The rate steps give the reader real-time priority (chrt -f 1) so that
# other load on the host cannot starve it: they measure what the tracer
# keeps up with, not the host's scheduler.  The overhead runs do not.
RT=

# start_trace DIR CPUS ARGS...: mmrepro trace in the background, once recording
start_trace() {
	local dir=$1 cpus=$2
	shift 2
	$RT taskset -c "$cpus" "$M" trace --out "$dir" "$@" 2>"$dir.err" >/dev/null &
	tpid=$!
	for _ in $(seq 200); do
		grep -q 'recording in' "$dir.err" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "mmrepro trace did not start: $(head -c 300 "$dir.err")" >&2
	exit 1
}

stop_trace() {
	kill -INT "$tpid"
	wait "$tpid"
}

echo
echo "# tracer: highest event rate without loss ($EV, generator on CPU 0,"
echo "# mmrepro trace on CPU 1 at chrt -f 1, ${D} s a step, 4 MiB buffer per CPU,"
echo "# every event group enabled as well)"
echo "# reader_cpu_s: the tracer's CPU time; per_cpu_s: events it handles per"
echo "# CPU-second, i.e. the rate it sustains with one CPU of its own"
printf "%10s %12s %12s %12s %8s %12s %12s  %s\n" target/s achieved/s generated \
	received lost reader_cpu_s per_cpu_s ok
RT="chrt -f 1"
best=0
cap=0
genmax=0
tck=$(getconf CLK_TCK)
for rate in 250000 500000 1000000 1500000 2000000 3000000 0; do
	R=$T/rate$rate
	# every event group on, as in a run that traces everything
	start_trace "$R" 1 --buffer-kb 4096 --count "$EV" \
		--filter "$EV=pid == $MAGIC"
	read -r gen _ achieved < <(taskset -c 0 "$B/trace-gen" "$rate" "$D" 0)
	sleep 0.3
	# utime + stime so far (the final drain is left out)
	cpu=$(awk -v t="$tck" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' \
		"/proc/$tpid/stat")
	stop_trace
	recv=$(jq ".events[\"$EV\"].count" "$R/trace/counts.json")
	lost=$(jq .lost.lost_events "$R/trace/session.json")
	per=$(awk -v r="$recv" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')
	okay=no
	if [ "$recv" -eq "$gen" ] && [ "$lost" -eq 0 ]; then
		okay=yes
		[ "$achieved" -gt "$best" ] && best=$achieved
	fi
	[ "$per" -gt "$cap" ] && [ "$recv" -gt 100000 ] && cap=$per
	[ "$achieved" -gt "$genmax" ] && genmax=$achieved
	printf "%10s %12s %12s %12s %8s %12s %12s  %s\n" \
		"$([ "$rate" = 0 ] && echo max || echo "$rate")" \
		"$achieved" "$gen" "$recv" "$lost" "$cpu" "$per" "$okay"
done
awk -v b="$best" -v c="$cap" -v g="$genmax" 'BEGIN {
	printf "max rate without loss: %.2fM events/s (target >= 1M/s)  %s\n",
		b / 1e6, (b >= 1e6 ? "met" : "MISSED")
	if (g < 1e6)
		printf "  (the generator itself made at most %.2fM events/s here)\n", g / 1e6
	printf "reader capacity:       %.2fM events per CPU-second (events / its CPU time)\n", c / 1e6 }'

RT=
echo
echo "# tracer overhead: trace-work (8 MiB anon fault loop, CPU 0), ${D} s a run,"
echo "# untraced / traced interleaved, median of $ROUNDS rounds"
: >"$T/none"
: >"$T/mm"
: >"$T/alloc"
for r in $(seq "$ROUNDS"); do
	taskset -c 0 "$B/trace-work" "$D" 0 >>"$T/none"
	start_trace "$T/mm$r" 0-1
	taskset -c 0 "$B/trace-work" "$D" 0 >>"$T/mm"
	stop_trace
	start_trace "$T/al$r" 0-1 --count kmem:mm_page_alloc
	taskset -c 0 "$B/trace-work" "$D" 0 >>"$T/alloc"
	stop_trace
done
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
awk -v a="$(med "$T/none")" -v b="$(med "$T/mm")" -v c="$(med "$T/alloc")" '
function ov(x) { return 100 * (a - x) / a }
BEGIN {
	printf "%-44s %10s %9s\n", "", "pages/s", "overhead"
	printf "%-44s %10.0f %9s\n", "untraced", a, "-"
	printf "%-44s %10.0f %8.1f%%\n", "mmrepro trace (the MM events)", b, ov(b)
	printf "%-44s %10.0f %8.1f%%\n", "mmrepro trace + kmem:mm_page_alloc counted", c, ov(c)
	printf "overhead, MM events:             %5.1f%% (target <= 5%%)  %s\n", ov(b), (ov(b) <= 5 ? "met" : "MISSED")
	printf "overhead, an event every page:   %5.1f%% (target <= 5%%)  %s\n", ov(c), (ov(c) <= 5 ? "met" : "MISSED")
}'

# --- the scenario: direct-reclaim traced and untraced, side by side ---
# Its primary throughput is fio's write bandwidth to the scratch disk
# while stress-ng holds anon memory over RAM (the stall metrics would
# need the tracer itself); runs alternate untraced / traced, and the
# spread between runs of the same kind is printed as the noise floor.
# TRACE_BENCH_SCENARIO_RUNS (default 2 of each; 0 skips it).
N=${TRACE_BENCH_SCENARIO_RUNS:-2}
[ "$N" -gt 0 ] || exit 0
SD=${TRACE_BENCH_SCENARIO_SECONDS:-30}
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
echo
echo "# tracer overhead on configs/direct-reclaim.ini: Debian 6.12 guest, ${SD} s,"
echo "# $N untraced and $N traced runs interleaved (fio write KiB/s: higher is better)"
echo "# events: what the tracer handled; reader_cpu_s: its reading thread's CPU time"
printf "%-10s %4s %12s %10s %10s %10s %8s %8s %12s\n" kind run fio_KiB/s allocstall \
	psi_some pswpout lost events reader_cpu_s
for r in $(seq "$N"); do
	for kind in untraced traced; do
		o=$T/dr-$kind-$r
		if [ $kind = traced ]; then
			set -- --set trace.enable=yes
		else
			set -- --set trace.enable=no --set 'verdict.when=psi.some_pct > 20'
		fi
		"$M" run direct-reclaim --deb "$deb" -q --set duration_s="$SD" "$@" \
			--out "$o" >/dev/null 2>&1 || true
		bw=$(awk -F';' '/;fio-/ { print $48 }' "$o/phases/dirty.log")
		echo "$kind $bw" >>"$T/dr-bw"
		printf "%-10s %4d %12s %10.0f %10.1f %10.0f %8s %8s %12s\n" $kind "$r" "$bw" \
			"$(jq '.metrics.allocstall.value // 0' "$o/summary.json")" \
			"$(jq '.metrics.psi_some.value // 0' "$o/summary.json")" \
			"$(jq '.metrics.pswpout.value // 0' "$o/summary.json")" \
			"$(jq -r '.trace.lost_events // "-"' "$o/summary.json")" \
			"$(jq -r '.trace.events // "-"' "$o/summary.json")" \
			"$(jq -r '.reader_cpu_s // "-" | if type == "number" then (. * 1000 | round) / 1000 else . end' "$o/trace/session.json" 2>/dev/null || echo -)"
	done
done
awk '{ v[$1] = v[$1] " " $2 }
function med(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function spread(s,   a, n, i, lo, hi) {
	n = split(s, a, " "); lo = hi = a[1]
	for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
	return lo ? 100 * (hi - lo) / lo : 0
}
END {
	u = med(v["untraced"]); t = med(v["traced"])
	ov = u ? 100 * (u - t) / u : 0
	printf "fio write, median: untraced %.0f, traced %.0f KiB/s\n", u, t
	printf "spread between runs of one kind: untraced %.1f%%, traced %.1f%%\n", spread(v["untraced"]), spread(v["traced"])
	printf "overhead on the scenario: %+.1f%% (target <= 5%%)  %s\n", ov, (ov <= 5 ? "met" : "MISSED")
}' "$T/dr-bw"
