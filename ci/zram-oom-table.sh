#!/bin/bash
# zram-oom-table.sh RUN_DIR...: one row per run of configs/zram-oom.ini,
# the figures the issue asks for, over the interval that the verdict
# measures (from "memory full" to the first sample with an OOM kill):
#   kernel swap verdict delay_s  oom_s  psi_full_s psi_full_pct  pswpout
#   allocstall pgscan_direct  zram_orig_mib zram_compr_mib zram_used_mib
#   swapfree_mib  retries retries_in reclaimable available file
#   rcl_med file_med
# delay_s: the verdict's (sample resolution); oom_s: memory full to the
# kernel's oom:mark_victim event (exact, from reclaim_retry.trace,
# whose trace_marker line aligns the trace clock with the run's);
# psi_full_s: seconds of PSI "full" in the interval (full_total);
# counters: deltas over the interval; zram and swapfree: at the OOM
# sample (zram: the device this run made, the one that stored most);
# retries: oom:reclaim_retry_zone events in the whole fill, retries_in
# in the interval, then reclaimable and available at the last one of
# each zone before the first oom:mark_victim, summed over the zones
# (pages), and file: the file LRU (vmstat nr_zone_{in,}active_file,
# pages) at the last sample before that victim.  should_reclaim_retry()
# of an unpatched kernel counts anon in "reclaimable" with zram-only
# swap, so it stays far above the file LRU; the test patch counts only
# the file LRU there.  rcl_med: the median "reclaimable" of the retries
# in the interval (of the zone with the most of them); file_med: the
# median file LRU (pages) over the samples in the interval.  Unpatched,
# rcl_med counts anon and is many times file_med; with the test patch
# the two are close.
set -u
if [ $# -eq 0 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit $(($# == 0 ? 2 : 0))
fi

# FILE COLUMN-REGEX FROM TO: sum of the matching columns at the last
# sample at or before TO, minus the same at or before FROM
delta() {
	awk -F, -v re="^($2)\$" -v a="$3" -v b="$4" '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ re) k[i]; next }
	{ s = 0; for (i in k) s += $i }
	$1 <= a { va = s } $1 <= b { vb = s } END { printf "%.0f", vb - va }' "$1"
}

# FILE COLUMN-REGEX AT: the matching column with the largest value, at AT
at() {
	awk -F, -v re="^($2)\$" -v b="$3" '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ re) k[i]; next }
	$1 <= b { m = 0; for (i in k) if ($i > m) m = $i; v = m }
	END { printf "%.0f", v }' "$1"
}

printf '%-7s %-4s %-15s %7s %7s %6s %5s %8s %6s %8s %6s %6s %6s %6s %6s %6s %8s %8s %7s %8s %8s\n' \
	kernel swap verdict delay_s oom_s psi_s psi% pswpout allocst pgscan_d \
	z_orig z_comp z_used swfree retry ret_in reclaim avail file rcl_med file_med
for r in "$@"; do
	s=$r/summary.json
	[ -f "$s" ] || { echo "$r: no summary.json" >&2; continue; }
	kern=$(jq -r '.kernel.release // .kernel // "?"' "$r/vm.json" 2>/dev/null | cut -d+ -f1 | cut -d- -f1)
	swap=$(sed -n "s/.* swap: \([a-z]*\) .*/\1/p" "$r/output.log" | head -1)
	verdict=$(cut -d: -f1 "$r/verdict")
	from=$(jq -r '.verdict_detail.from_s // empty' "$s")
	to=$(jq -r '.verdict_detail.to_s // empty' "$s")
	delay=$(jq -r '.verdict_detail.delay_s // empty' "$s")
	if [ -z "$from" ]; then
		printf '%-7s %-4s %-15s (no memory full)\n' "$kern" "$swap" "$verdict"
		continue
	fi
	# no OOM: the interval runs to the end of the samples
	[ -n "$to" ] || to=$(tail -1 "$r/samples/vmstat.csv" | cut -d, -f1)
	psi_us=$(delta "$r/samples/psi.csv" full_total "$from" "$to")
	psi_s=$(awk -v u="$psi_us" 'BEGIN { printf "%.1f", u / 1e6 }')
	psi_pct=$(jq -r '.verdict_detail.mean // 0 | . * 10 | round / 10' "$s")
	pswpout=$(delta "$r/samples/vmstat.csv" pswpout "$from" "$to")
	alloc=$(delta "$r/samples/vmstat.csv" 'allocstall_[a-z0-9]+' "$from" "$to")
	pgscan=$(delta "$r/samples/vmstat.csv" pgscan_direct "$from" "$to")
	if [ -f "$r/samples/zram.csv" ]; then
		zo=$(at "$r/samples/zram.csv" 'zram[0-9]+_orig_data_size' "$to")
		zc=$(at "$r/samples/zram.csv" 'zram[0-9]+_compr_data_size' "$to")
		zu=$(at "$r/samples/zram.csv" 'zram[0-9]+_mem_used_total' "$to")
	else
		zo=0 zc=0 zu=0
	fi
	swfree=$(at "$r/samples/meminfo.csv" SwapFree "$to")
	# the trace: marker time in the trace clock minus the run's time of
	# the phase=tracing line gives the offset
	tr=$r/reclaim_retry.trace
	mark_run=$(sed -n 's/^\([0-9.]*\) phase=tracing$/\1/p' "$r/phases/trace.log" | head -1)
	read -r retries ret_in oom_s recl avail rcl_med < <(awk -v from="$from" -v to="$to" \
		-v mr="${mark_run:-0}" '
		/tracing_mark_write: mmrepro-mark/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+:$/) off = $i + 0 - mr }
		/reclaim_retry_zone:/ {
			for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+:$/) t = $i + 0 - off
			n++
			z = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^zone=/) { split($i, a, "="); z = a[2] }
				if ($i ~ /^reclaimable=/) { split($i, a, "="); r = a[2] }
				if ($i ~ /^available=/) { split($i, a, "="); av_now = a[2] }
			}
			if (t >= from && t <= to) { nin++; zn[z]++; all[z, zn[z]] = r }
			if (v) next
			rc[z] = r; av[z] = av_now
		}
		/mark_victim:/ && !v { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+:$/) v = $i + 0 - off }
		END {
			for (z in rc) { src += rc[z]; sav += av[z]; nz++ }
			# the median of the busiest zone (insertion sort: a few
			# thousand values)
			for (z in zn) if (zn[z] > zn[top]) top = z
			m = zn[top] + 0
			for (i = 1; i <= m; i++) {
				x = all[top, i] + 0
				for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]
				s[j + 1] = x
			}
			printf "%d %d %s %s %s %s\n", n, nin, v ? sprintf("%.1f", v - from) : "-",
				nz ? src : "-", nz ? sav : "-", m ? s[int((m + 1) / 2)] : "-" }' "$tr" 2>/dev/null)
	# the file LRU at the last sample before the victim (or the OOM sample)
	at_t=$to
	[ "${oom_s:--}" = - ] || at_t=$(awk -v f="$from" -v o="$oom_s" 'BEGIN { print f + o }')
	file=$(awk -F, -v b="$at_t" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^nr_zone_(in)?active_file$/) k[i]; next }
		$1 <= b { s = 0; for (i in k) s += $i; v = s }
		END { printf "%.0f", v }' "$r/samples/vmstat.csv")
	# the median file LRU over the samples in the interval
	file_med=$(awk -F, -v a="$from" -v b="$to" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^nr_zone_(in)?active_file$/) k[i]; next }
		$1 >= a && $1 <= b { s = 0; for (i in k) s += $i; v[++n] = s }
		END {
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
				if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
			if (n) printf "%.0f", v[int((n + 1) / 2)]; else printf "-" }' "$r/samples/vmstat.csv")
	printf '%-7s %-4s %-15s %7.1f %7s %6s %5s %8s %6s %8s %6.0f %6.0f %6.0f %6.0f %6s %6s %8s %8s %7s %8s %8s\n' \
		"$kern" "$swap" "$verdict" "$delay" "${oom_s:--}" "$psi_s" "$psi_pct" \
		"$pswpout" "$alloc" "$pgscan" "$((zo >> 20))" "$((zc >> 20))" "$((zu >> 20))" \
		"$((swfree / 1024))" "${retries:-0}" "${ret_in:-0}" "${recl:--}" "${avail:--}" "$file" \
		"${rcl_med:--}" "$file_med"
done
