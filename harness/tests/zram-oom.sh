#!/bin/bash
# configs/zram-oom.ini in a Debian 6.12 guest, shortened with --set (512M,
# no scratch disk, no file churn): the hogs fill memory until the OOM
# killer kills one, the figures for time-to-OOM are all there, and the
# zram swap is torn down.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-zram.XXXXXX)
trap 'rm -rf "$T"' EXIT
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
R=$T/r

# ZRAM_OOM_RUN=DIR checks an earlier run instead (e.g. one without an
# OOM kill, to see the assertions fail)
if [ -n "${ZRAM_OOM_RUN:-}" ]; then
	R=$ZRAM_OOM_RUN
	rc=$(sed -n '1s/^reproduced:.*/1/p; 1s/^not-reproduced:.*/0/p' "$R/verdict" 2>/dev/null)
	rc=${rc:-2}
else
	"$M" run zram-oom --deb "$deb" -q --out "$R" \
		--set scenario.mem=512M --set scenario.disk= --set scenario.timeout=150s \
		--set phase.layout.cmd=true --set 'phase.churn.cmd=echo phase=warm' \
		>"$T/out" 2>&1
	rc=$?
fi
check "the run ended with a verdict (exit 0 or 1)" [ $rc -eq 0 -o $rc -eq 1 ]
check "the verdict is not an error" grep -Eq '^(reproduced|not-reproduced): ' "$R/verdict"

# a column of a samples/*.csv by name: "t value" lines
col() {
	awk -F, -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		k { print $1, $k }' "$R/samples/$1.csv"
}
fill_start=$(jq '.phases[] | select(.name == "fill") | .start_s' "$R/meta.json" 2>/dev/null)
fill_start=${fill_start:-1e9}
# the first sample after the fill started where the counter rose
t_oom=$(col vmstat oom_kill | awk -v s="$fill_start" \
	'$1 < s { b = $2; next } $2 > b { print $1; exit }')
check "vmstat oom_kill rose during the fill" [ -n "$t_oom" ]
pids=$(sed -n 's/.*phase=start .*pids=\([0-9,]*\).*/\1/p' "$R/phases/fill.log" 2>/dev/null)
victim=$(sed -n 's/.*Out of memory: Killed process \([0-9]*\) (anon_fill).*/\1/p' \
	"$R/dmesg.txt" 2>/dev/null | head -1)
is_hog() { [ -n "$victim" ] && case ",$pids," in *",$victim,"*) true ;; *) false ;; esac; }
check "dmesg: Killed process, one of the anon_fill hogs" is_hog
check "the supervisor saw that hog die of SIGKILL" \
	grep -q "phase=killed t=[0-9.]* pid=$victim signal=9 " "$R/phases/fill.log"
check "meta.json: the fill phase ended with status 137" \
	jq -e '.phases[] | select(.name == "fill") | .status == 137' "$R/meta.json"
# memory full (configs/zram-oom.ini): the first sample after the fill
# started in which direct reclaim ran (the allocstall_* counters rose)
t_full=$(awk -F, -v s="$fill_start" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^allocstall_/) k[i]; next }
	{ x = 0; for (i in k) x += $i } $1 >= s && NR > 2 && x > p { print $1; exit } { p = x }' \
	"$R/samples/vmstat.csv")
check "the verdict's memory full is that sample" \
	jq -e --argjson t "${t_full:-null}" '(.verdict_detail.from_s - $t) | fabs < 0.001' "$R/summary.json"
check "memory full came before the OOM kill" \
	awk -v a="$t_full" -v b="$t_oom" 'BEGIN { exit !(a != "" && b != "" && a < b) }'
echo "# memory full at ${t_full:-?} s, first OOM kill seen at ${t_oom:-?} s"
# counters: last minus first; zram: the largest orig_data_size of any device
delta() { col "$1" "$2" | awk 'NR == 1 { a = $2 } { b = $2 } END { print b - a + 0 }'; }
zram_max=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^zram[0-9]+_orig_data_size$/) k[i]; next }
	{ for (i in k) if ($i > m) m = $i } END { print m + 0 }' "$R/samples/zram.csv" 2>/dev/null)
check "pages were swapped out (pswpout rose)" [ "$(delta vmstat pswpout)" -gt 0 ]
check "and stored in zram (orig_data_size > 0)" [ "${zram_max:-0}" -gt 0 ]
check "summary.json: zram killed with swap slots still free (swapfree_min > 0)" \
	jq -e '.metrics.swapfree_min.value > 0' "$R/summary.json"
# the tracing phase: retries before the kill, and the victim it names
check "oom:reclaim_retry_zone events were traced" \
	grep -q 'reclaim_retry_zone: .*reclaimable=[0-9]* available=[0-9]*' "$R/reclaim_retry.trace"
check "oom:mark_victim names the same hog as dmesg" \
	grep -q "mark_victim: pid=$victim comm=anon_fill" "$R/reclaim_retry.trace"
# the table of the closing note: a time to OOM (memory full -> mark_victim)
row=$(ci/zram-oom-table.sh "$R" 2>/dev/null | awk 'NR == 2')
echo "# $row"
check "zram-oom-table: a time to OOM and a retry count" \
	awk -v r="$row" 'BEGIN { split(r, f, / +/); exit !(f[4] ~ /^[0-9.]+$/ && f[5] ~ /^[0-9.]+$/ && f[16] > 0) }'
# the thread's mechanism on an unpatched kernel: over the retries between
# memory full and the kill, "reclaimable" counted anon, several times the
# file LRU of the same interval (with the zram test patch the two are
# close: 0.9-1.0x against 35-50x unpatched, ci/patched/accept.sh)
check "zram-oom-table: median reclaimable of the retries is over 4x the file LRU (anon counted)" \
	awk -v r="$row" 'BEGIN { split(r, f, / +/); exit !(f[20] ~ /^[0-9]+$/ && f[21] ~ /^[0-9]+$/ && f[20] > 4 * f[21]) }'
check "summary.json: the OOM kill total is a whole number (a counter's change)" \
	jq -e '.metrics.oom_kill.value | . >= 1 and . == floor' "$R/summary.json"
check "teardown: swapoff of the zram device" grep -q '^teardown: swapoff /dev/zram[0-9]' "$R/output.log"
check "teardown: zram reset and removed" grep -q '^teardown: zram[0-9]* reset and removed' "$R/output.log"
tap_end
