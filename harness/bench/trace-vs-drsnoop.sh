#!/bin/bash
# Acceptance: one stress-ng run in a Debian 6.12 guest traced at once by
# `mmrepro run direct-reclaim` ([trace]) and by bcc's drsnoop
# (bpfcc-tools, as a first phase), and the count, p50 and p99 of
# direct-reclaim latency from each, side by side.
# Needs bpfcc-tools on the host (the guest runs the host's root); the
# guest kernel's headers, which bcc compiles against, are unpacked from
# Debian's packages into the cache, not installed.
# TRACE_VS_SECONDS (default 30): the scenario's duration_s.
set -eu
cd "$(dirname "$0")/../.." || exit 1
M=build/mmrepro
S=${TRACE_VS_SECONDS:-30}
CACHE=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}
T=${TRACE_VS_OUT:-$(mktemp -d /tmp/mmrepro-vs.XXXXXX)}
mkdir -p "$T"

echo
echo "# mmrepro trace against drsnoop: Debian 6.12 guest, stress-ng --vm 2"
echo "# configs/direct-reclaim.ini with duration_s=${S}, both tracing the same run"
if ! command -v drsnoop-bpfcc >/dev/null; then
	echo "skipped: no drsnoop-bpfcc (apt-get install bpfcc-tools)"
	exit 0
fi
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
rel=$(basename "$deb" | sed -n 's/^linux-image-\(.*\)-unsigned_.*/\1/p')
H=$CACHE/headers-$rel
if [ ! -d "$H/root/usr/src/linux-headers-$rel" ]; then
	mkdir -p "$H/debs"
	(cd "$H/debs" && apt-get download "linux-headers-$rel" \
		"linux-headers-${rel%-amd64}-common" "linux-kbuild-${rel%%-*}+${rel#*+}" \
		>/dev/null 2>&1) || (cd "$H/debs" && apt-get download "linux-headers-$rel" \
		"linux-headers-${rel%-amd64}-common" >/dev/null)
	for d in "$H"/debs/*.deb; do dpkg -x "$d" "$H/root"; done
fi

# The scenario itself, with drsnoop as a first phase: the runner's
# tracer ([trace]) and drsnoop watch the same run.  drsnoop compiles its
# BPF program first (minutes under TCG); the pressure phases start once
# it prints its header, and it is killed with the other phases at the end.
S_INI=$T/direct-reclaim-drsnoop.ini
awk -v H="$H" '
/^\[phase.dirty\]/ {
	print "[phase.drsnoop]"
	print "cmd = r=$(uname -r); h=" H "/root/usr/src; mkdir -p /lib/modules/$r"
	print "  ln -sfn $h/linux-headers-$r /lib/modules/$r/build"
	print "  ln -sfn $h/linux-headers-$(echo $r | sed s/-amd64//)-common /lib/modules/$r/source"
	print "  exec python3 -u /usr/sbin/drsnoop-bpfcc"
	print "ready = line:LAT(ms)"
	print "ready_timeout = 900s"
	print "end = run"
	print "oom_score_adj = -1000"
	print "may_fail = yes"
	print ""
}
{ sub(/^timeout = .*/, "timeout = 1500s"); print }' configs/direct-reclaim.ini >"$S_INI"
rc=0
"$M" run "$S_INI" --deb "$deb" -q --set duration_s="$S" --out "$T/run" >"$T/run.out" 2>&1 || rc=$?
if [ ! -f "$T/run/trace/direct_reclaim.json" ] || [ $rc -ge 2 ]; then
	echo "run failed (exit $rc): $(tail -3 "$T/run.out")"
	exit 1
fi
grep -E ' [0-9]+ +[0-9]+\.[0-9]+ +[0-9]+$' "$T/run/phases/drsnoop.log" >"$T/drsnoop.txt" || true
echo "# verdict: $(cat "$T/run/verdict")"

# drsnoop: one line per stall, LAT(ms) with 2 decimals (10 µs steps)
awk '$1 ~ /^[^A-Z]/ && NF >= 4 && $(NF-1) ~ /^[0-9.]+$/ { print $(NF-1) * 1000 }' \
	"$T/drsnoop.txt" | sort -n >"$T/drsnoop.us"
# the same quantile definition as mmrepro (linear between order statistics)
read -r dn d50 d99 < <(awk '{ v[NR] = $1 }
	function q(p,   pos, i) { pos = p * (NR - 1); i = int(pos) + 1
		return i < NR ? v[i] + (pos - int(pos)) * (v[i + 1] - v[i]) : v[NR] }
	END { printf "%d %.1f %.1f\n", NR, q(0.5), q(0.99) }' "$T/drsnoop.us")
read -r mn m50 m99 < <(jq -r '.latency | "\(.count) \(.p50_us) \(.p99_us)"' \
	"$T/run/trace/direct_reclaim.json")
awk -v dn="$dn" -v d50="$d50" -v d99="$d99" -v mn="$mn" -v m50="$m50" -v m99="$m99" '
function bucket(us) { return us < 1 ? 0 : int(log(us) / log(2)) + 1 }
function near(a, b) { return (b > 0 && (a - b) / b <= 0.10 && (b - a) / b <= 0.10) || bucket(a) == bucket(b) }
BEGIN {
	printf "%-22s %10s %12s %12s\n", "", "count", "p50 (us)", "p99 (us)"
	printf "%-22s %10d %12.1f %12.1f\n", "mmrepro trace", mn, m50, m99
	printf "%-22s %10d %12.1f %12.1f\n", "drsnoop (bcc)", dn, d50, d99
	dc = dn ? 100 * (mn - dn) / dn : 100
	printf "count: %+.2f%% (target within 2%%)  %s\n", dc, (dc <= 2 && dc >= -2 ? "met" : "MISSED")
	printf "p50:   %+.1f%% (10%% or one log2 bucket)  %s\n", d50 ? 100 * (m50 - d50) / d50 : 0, (near(m50, d50) ? "met" : "MISSED")
	printf "p99:   %+.1f%% (10%% or one log2 bucket)  %s\n", d99 ? 100 * (m99 - d99) / d99 : 0, (near(m99, d99) ? "met" : "MISSED")
}'
echo "# raw: $T"
