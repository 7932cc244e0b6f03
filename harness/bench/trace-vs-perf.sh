#!/bin/bash
# The tracer against an independent reading of the same run: in a
# Debian 6.12 guest, `mmrepro trace` and `perf record -a` (linux-perf,
# from the host's /usr) record the same tracepoints at once while
# stress-ng pushes anon memory past RAM, a socket stressor sends on
# loopback and compaction is asked for every half second. perf's events
# are paired here in awk, from `perf script` text (begin/end per pid,
# wake/sleep per node, as the kernel defines them), with the same
# quantile definition as the tracer's (linear between order
# statistics); the counts must be equal and p50/p99 within 5 %
# (kcompactd's periods are printed, not gated: see the end). Both read
# CLOCK_MONOTONIC (perf record -k mono): perf's default clock is per
# CPU, and under TCG it drifts apart between CPUs, which skews a pair
# whose end ran on another CPU.
# Usage: harness/bench/trace-vs-perf.sh [OUT]   (make bench calls it)
# TRACE_PERF_SECONDS (default 15): the load's length. TRACE_PERF_FIRST
# (perf, the default, or mmrepro): which starts, and so attaches to the
# tracepoints, first.
set -eu
cd "$(dirname "$0")/../.." || exit 1
# the binary must be under this directory, which the guest shares
M=${MMREPRO_BIN:-build/mmrepro}
D=${TRACE_PERF_SECONDS:-15}
FIRST=${TRACE_PERF_FIRST:-perf}
OUT=${1:-$(mktemp -d /tmp/mmrepro-tperf.XXXXXX)}
PERF=$(command -v perf) || {
	echo "trace-vs-perf: perf: not installed (apt-get install linux-perf)" >&2
	exit 2
}
mkdir -p "$OUT"
groups=compaction,kswapd,direct_reclaim
if "$M" trace --help | grep -q kcompactd; then groups=$groups,kcompactd; fi
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
G=$OUT/guest
rm -rf "$G"

# In the guest: perf first (it has no "ready" signal: 5 s), then the
# tracer (its instance appears when it records); the load; both stopped
# 2 s after it, so that neither sees an event the other could not.
# shellcheck disable=SC2016 # expanded in the guest
"$M" vm -q --deb "$deb" --mem 1G --out "$G" -- sh -c '
	o=$MMREPRO_OUT
	ev=compaction:mm_compaction_begin,compaction:mm_compaction_end
	ev=$ev,vmscan:mm_vmscan_kswapd_wake,vmscan:mm_vmscan_kswapd_sleep
	ev=$ev,vmscan:mm_vmscan_direct_reclaim_begin,vmscan:mm_vmscan_direct_reclaim_end
	ev=$ev,compaction:mm_compaction_kcompactd_wake,compaction:mm_compaction_kcompactd_sleep
	perf_start() {
		'"$PERF"' record -q -a -k mono -m 4M -e "$ev" -o /tmp/perf.data 2>"$o/perf-record.err" &
		pp=$!
		echo -1000 >/proc/$pp/oom_score_adj
		sleep 5
	}
	mm_start() {
		'"$M"' trace -q --out "$o" --events '"$groups"' --list '"$groups"' \
			--max-events 0 >/dev/null 2>"$o/trace.err" &
		tp=$!
		while ! ls /sys/kernel/tracing/instances | grep -q "^mmrepro-$tp\$"; do sleep 0.2; done
	}
	if [ '"$FIRST"' = perf ]; then perf_start; mm_start; else mm_start; perf_start; fi
	( for i in $(seq $((2 * '"$D"'))); do echo 1 >/proc/sys/vm/compact_memory; sleep 0.5; done ) &
	cp=$!
	# socket traffic on loopback: its order-3 skb frags wake kswapd, and
	# kswapd kcompactd, once memory is short
	stress-ng --sock 1 --timeout '"$D"'s >"$o/sock.log" 2>&1 &
	sp=$!
	stress-ng --vm 2 --vm-bytes 110% --timeout '"$D"'s >"$o/stress.log" 2>&1
	wait $cp $sp
	sleep 2
	kill -INT $tp
	wait $tp
	echo "trace-exit=$?"
	kill -INT $pp
	wait $pp
	echo "perf-exit=$?"
	'"$PERF"' script -i /tmp/perf.data --ns -F pid,time,event,trace >"$o/perf.txt" 2>"$o/perf-script.err"
	'"$PERF"' report -i /tmp/perf.data --stats 2>/dev/null | grep -i lost >"$o/perf-lost.txt" || true
	' >"$OUT/vm.log" 2>&1 || {
	echo "trace-vs-perf: the guest failed: $(tail -3 "$OUT/vm.log")" >&2
	exit 1
}

# perf script lines: "  PID  SECONDS.NS: SYSTEM:EVENT: key=value ..."
awk -v out="$OUT" '
function q(a, n, p,   h, lo) {	# as durset_quantile: linear between order statistics
	if (!n) return 0
	h = (n - 1) * p; lo = int(h)
	return lo + 1 < n ? a[lo] + (h - lo) * (a[lo + 1] - a[lo]) : a[lo]
}
function kv(key,   i) {
	for (i = 4; i <= NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2)
	return ""
}
function add(set, us) { v[set, n[set]++] = us }
{
	pid = $1; t = $2; sub(/:$/, "", t); ev = $3; sub(/:$/, "", ev)
	ns = t * 1e9
	if (ev == "compaction:mm_compaction_begin") { cb[pid] = ns; inc[pid] = 1 }
	else if (ev == "compaction:mm_compaction_end") { if (inc[pid]) add("compaction", (ns - cb[pid]) / 1e3); inc[pid] = 0 }
	else if (ev == "vmscan:mm_vmscan_direct_reclaim_begin") { db[pid] = ns; ind[pid] = 1 }
	else if (ev == "vmscan:mm_vmscan_direct_reclaim_end") { if (ind[pid]) add("direct_reclaim", (ns - db[pid]) / 1e3); ind[pid] = 0 }
	else if (ev ~ /kswapd_wake$|kcompactd_wake$/) {
		k = (ev ~ /kswapd/ ? "kswapd" : "kcompactd"); nid = kv("nid")
		if (!aw[k, nid]) { aw[k, nid] = 1; since[k, nid] = ns }
	} else if (ev ~ /kswapd_sleep$|kcompactd_sleep$/) {
		k = (ev ~ /kswapd/ ? "kswapd" : "kcompactd"); nid = kv("nid")
		if (aw[k, nid]) add(k "_periods", (ns - since[k, nid]) / 1e3)
		aw[k, nid] = 0
	}
}
END {
	split("compaction direct_reclaim kswapd_periods kcompactd_periods", sets, " ")
	for (s = 1; s <= 4; s++) {
		name = sets[s]; m = n[name]
		for (i = 0; i < m; i++) a[i] = v[name, i]
		# insertion sort is fine for these counts
		for (i = 1; i < m; i++) { x = a[i]; for (j = i - 1; j >= 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
		printf "%s %d %.3f %.3f\n", name, m, q(a, m, 0.5), q(a, m, 0.99) > (out "/perf-figures.txt")
	}
}' "$G/perf.txt"

# the tracer's figures for the same sets (node 0: the guest has one)
{
	jq -r '"compaction \(.duration.count) \(.duration.p50_us) \(.duration.p99_us)"' "$G/trace/compaction.json"
	jq -r '"direct_reclaim \(.latency.count) \(.latency.p50_us) \(.latency.p99_us)"' "$G/trace/direct_reclaim.json"
	jq -r '.nodes["0"].periods | "kswapd_periods \(.count) \(.p50_us) \(.p99_us)"' "$G/trace/kswapd.json"
	if [ -f "$G/trace/kcompactd.json" ]; then
		jq -r '.nodes["0"].periods | "kcompactd_periods \(.count) \(.p50_us) \(.p99_us)"' "$G/trace/kcompactd.json"
	fi
} >"$OUT/mmrepro-figures.txt"

# Event by event: each listed interval's end and start (the end less its
# length) against perf's nearest event of that kind, in µs
t0=$(jq .start_mono_s "$G/trace/session.json")
perfev() { # perfev EVENT: "seconds" of each such event in perf's text
	awk -v e="$1" '$3 == e ":" { t = $2; sub(/:$/, "", t); print t }' "$G/perf.txt"
}
skew() { # skew CSV WHAT END_EVENT START_EVENT: max |diff| of ends, starts
	[ -f "$1" ] || return 0
	awk -F, -v w="$2" -v t0="$t0" 'NR > 1 && $6 == w { printf "%.9f %.9f\n", t0 + $1, t0 + $1 - $9 / 1e6 }' "$1" >"$OUT/mm.$2"
	perfev "$3" >"$OUT/pe.end"
	perfev "$4" >"$OUT/pe.start"
	awk 'FILENAME ~ /pe.end$/ { e[ne++] = $1; next } FILENAME ~ /pe.start$/ { s[ns++] = $1; next }
	function near(a, n, x,   i, b, d) { b = 1e9; for (i = 0; i < n; i++) { d = a[i] - x; if (d < 0) d = -d; if (d < b) b = d } return b }
	{ de = near(e, ne, $1); ds = near(s, ns, $2); if (de > me) me = de; if (ds > ms) ms = ds; k++ }
	END { printf "%d intervals: ends within %.1f us of perf'"'"'s, starts within %.1f us\n", k, me * 1e6, ms * 1e6 }' \
		"$OUT/pe.end" "$OUT/pe.start" "$OUT/mm.$2"
}
echo
echo "# event by event (the listings' rows against perf's events)"
printf "%-18s " compaction; skew "$G/trace/compaction.events.csv" compaction compaction:mm_compaction_end compaction:mm_compaction_begin
printf "%-18s " direct_reclaim; skew "$G/trace/direct_reclaim.events.csv" stall vmscan:mm_vmscan_direct_reclaim_end vmscan:mm_vmscan_direct_reclaim_begin
printf "%-18s " kswapd_periods; skew "$G/trace/kswapd.events.csv" period vmscan:mm_vmscan_kswapd_sleep vmscan:mm_vmscan_kswapd_wake
printf "%-18s " kcompactd_periods; skew "$G/trace/kcompactd.events.csv" period compaction:mm_compaction_kcompactd_sleep compaction:mm_compaction_kcompactd_wake

echo
echo "# mmrepro trace against perf record on the same run (Debian 6.12 guest,"
echo "# 1 GiB, stress-ng --vm 2 at 110 % and --sock 1 for ${D} s, compact_memory"
echo "# every 0.5 s; both on CLOCK_MONOTONIC)"
plost=$(tr '\n' ' ' <"$G/perf-lost.txt" | sed 's/  */ /g')
echo "# lost: mmrepro $(jq .lost.lost_events "$G/trace/session.json"), perf: ${plost:-none (no LOST line in perf report --stats)}"
join <(sort "$OUT/mmrepro-figures.txt") <(sort "$OUT/perf-figures.txt") | awk '
function pct(a, b) { a += 0; b += 0; return b ? 100 * (a - b) / b : (a ? 100 : 0) }
function ab(x) { return x < 0 ? -x : x }
BEGIN {
	printf "%-18s %9s %9s %12s %12s %7s %12s %12s %7s  %s\n", "", "count", "perf", "p50_us", "perf", "diff", "p99_us", "perf", "diff", "ok"
	bad = 0
}
{
	d50 = pct($3, $6); d99 = pct($4, $7)
	okay = ($2 == $5 && ab(d50) <= 5 && ab(d99) <= 5) ? "yes" : "NO"
	# nothing of the kind in this run: nothing to compare
	if ($2 + 0 == 0 && $5 + 0 == 0) okay = "none seen"
	else if ($1 == "kcompactd_periods") okay = okay " (not gated)"
	else n++
	if (okay == "NO") bad = 1
	printf "%-18s %9d %9d %12.1f %12.1f %6.2f%% %12.1f %12.1f %6.2f%%  %s\n", $1, $2, $5, $3, $6, d50, $4, $7, d99, okay
}
END { printf "counts equal and p50/p99 within 5 %% (%d kinds compared): %s\n", n, (bad || !n) ? "MISSED" : "met" }'
# kcompactd's periods are tens of µs under TCG. The two readings stamp
# the same tracepoint one after the other, the one attached first
# first, and the gap between the two stamps (up to about 100 µs here)
# is a large share of such a period. Swapping the order swaps the sign
# (Dec 2026, 6.12 guest: perf first, kcompactd p50 35.6 µs against
# perf's 69.6; mmrepro first, 77.5 against 66.4), while the sleeps, at
# which kcompactd is idle, agree within 7 µs either way. Compaction,
# direct reclaim and kswapd periods last milliseconds and more.
