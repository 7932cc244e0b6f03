#!/bin/bash
# make bench: the sampler's CPU cost at 10 Hz, side by side in one run
# with the bare pread floor and an mmtests-style shell monitor.
# BENCH_DURATION (seconds, default 30) shortens it.
set -eu
cd "$(dirname "$0")/../.." || exit 1
D=${BENCH_DURATION:-30}
B=build/bench
T=$(mktemp -d /tmp/mmrepro-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT

# the exact files the sampler reads on this kernel
build/mmrepro sample -q --interval 100ms --duration 100ms --out "$T/probe" >/dev/null
echo "# host: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
# slow sources (pagetypeinfo) are read at 1 Hz by all three: "@" marks them
mapfile -t files < <(jq -r '.sources[] | select(.present) |
	(if .interval_s >= 1 then "@" else "" end) as $p | .files[] | $p + .' "$T/probe/meta.json")
echo "# sampler benchmark: ${#files[@]} files, 10 Hz, ${D} s, all three at once"
echo "# sources: $(jq -r '[.sources | to_entries[] | select(.value.present) | .key] | join(" ")' "$T/probe/meta.json")"

"$B/cpuof" "$B/floor" 100 "$D" "${files[@]}" >"$T/floor" &
"$B/cpuof" build/mmrepro sample -q --interval 100ms --duration "${D}s" --out "$T/run" >"$T/mmrepro" &
"$B/cpuof" harness/bench/shellmon.sh 0.1 "$D" "$T/shell.log" "${files[@]}" >"$T/shell" &
wait

read -r fc fw <"$T/floor"
read -r mc mw <"$T/mmrepro"
read -r sc sw <"$T/shell"
awk -v fc="$fc" -v fw="$fw" -v mc="$mc" -v mw="$mw" -v sc="$sc" -v sw="$sw" '
function pct(c, w) { return 100 * c / w }
BEGIN {
	printf "%-28s %9s %8s %10s\n", "", "cpu_s", "wall_s", "%one_cpu"
	printf "%-28s %9.3f %8.1f %9.3f%%\n", "bare pread loop (floor)", fc, fw, pct(fc, fw)
	printf "%-28s %9.3f %8.1f %9.3f%%\n", "mmrepro sample", mc, mw, pct(mc, mw)
	printf "%-28s %9.3f %8.1f %9.3f%%\n", "shell monitor (cat+date)", sc, sw, pct(sc, sw)
	r1 = pct(mc, mw) / pct(fc, fw)
	r2 = pct(sc, sw) / pct(mc, mw)
	printf "ratio mmrepro/floor:  %6.2fx  (target <= 1.5x)  %s\n", r1, (r1 <= 1.5 ? "met" : "MISSED")
	printf "ratio shell/mmrepro: %6.1fx  (target >= 10x)   %s\n", r2, (r2 >= 10 ? "met" : "MISSED")
	printf "mmrepro at 10 Hz:    %6.3f%% of one CPU (target <= 0.5%%)  %s\n", pct(mc, mw), (pct(mc, mw) <= 0.5 ? "met" : "MISSED")
}'

# --- mmrepro vm: invocation to the command starting in the guest ---
echo
echo "# mmrepro vm: invocation to command start, Debian 6.12, 5 boots"
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
accel=$(cat "${MMREPRO_CACHE:-$HOME/.cache/mmrepro}"/kvm-probe-"$(uname -r)" 2>/dev/null || echo probe)
for i in 1 2 3 4 5; do
	build/mmrepro vm -q --deb "$deb" --mem 1G --out "$T/vm$i" -- true 2>/dev/null
	jq -r .boot_s "$T/vm$i/vm.json"
done | sort -n | awk -v a="$accel" '
	{ v[NR] = $1 }
	END {
		printf "boots (s):"; for (i = 1; i <= NR; i++) printf " %.2f", v[i]; printf "\n"
		m = v[int((NR + 1) / 2)]
		printf "median %.2f s under %s (target <= 5 s)  %s\n", m, a, (m <= 5 ? "met" : "MISSED")
	}'

# --- the tracer: event rate, overhead, and against drsnoop ---
harness/bench/trace-bench.sh
harness/bench/trace-vs-drsnoop.sh
harness/bench/trace-vs-perf.sh

# --- -j slots against one at a time, and the Slurm engine's overhead ---
echo
harness/bench/jobs-bench.sh
