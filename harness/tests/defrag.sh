#!/bin/bash
# defrag-unmovable: (a) Debian 6.12 has no vm.defrag_mode, so the
# scenario is not applicable there, says why and exits 0; (b) on Debian
# 7.2, each source of repro/unmovable.c raises what it claims to, as
# measured here from /proc before, while it holds and after it freed;
# (c) the scenario with a short load on Debian 6.18 (the knob, not the
# fix): reproduced with defrag_mode=1, not reproduced with 0, and its
# fingerprint says "not promoted"; on 7.2 (the fix) not reproduced and
# "promoted".
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-defragtest.XXXXXX)
trap 'rm -rf "$T"' EXIT

declare -A debs
while read -r name image moddir rest; do
	debs[$name]=$rest
done < <(ci/kernels.sh 6.12 6.18 7.2)

vm_debs() {
	local d
	for d in ${debs[$1]}; do printf -- '--deb\n%s\n' "$d"; done
}

# --- (a) 6.12: not applicable ---
mapfile -t d < <(vm_debs 6.12)
"$M" run configs/defrag-unmovable.ini "${d[@]}" -q \
	--set sysctl.vm.defrag_mode=1 --out "$T/a" >"$T/a.out" 2>"$T/a.err"
rc=$?
check "6.12 with defrag_mode=1: exit 0" [ "$rc" -eq 0 ]
check "6.12: verdict not-applicable, naming vm.defrag_mode" \
	grep -qx 'not-applicable: this kernel has no vm.defrag_mode' "$T/a/verdict"
check "6.12: summary.json says so too" \
	jq -e '.verdict.verdict == "not-applicable"' "$T/a/summary.json"
check "6.12: no phase ran" [ ! -s "$T/a/phases/load.log" ]

# --- (b) 7.2: each source, measured from outside ---
# The guest script measures in KiB: the field a source claims, and the
# pages in use in pageblocks of its type (blocks x pages per block, less
# the free pages on that type's lists). Per-CPU free lists hide which
# type they hold and reach tens of MiB on 7.2; a high fraction keeps them
# to a few pages, so that both measures are exact to about 1 MiB.
cat >"$T/guest.sh" <<'GUEST'
#!/bin/sh
U=build/repro/unmovable
O=$MMREPRO_OUT
ip link set lo up
sysctl -qw vm.percpu_pagelist_high_fraction=1000
mi() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" /proc/meminfo; }
pcp() { awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo; }
field() {
	case $1 in
	PageTables | KernelStack | Unevictable | SReclaimable) mi "$1" ;;
	udp) awk '$1 == "UDP:" { print $5 * 4 }' /proc/net/sockstat ;;
	unaccounted)
		u=$(mi MemTotal)
		for k in MemFree Active Inactive Unevictable Slab KernelStack \
			PageTables SecPageTables Percpu; do
			u=$((u - $(mi $k)))
		done
		echo $((u - $(pcp))) ;;
	esac
}
used() { # KiB in use in pageblocks of type $1
	awk -v t="$1" '
		/^Pages per block:/ { ppb = $4 }
		/, type / && $6 == t { for (o = 0; o + 7 <= NF; o++) f += $(o + 7) * 2 ^ o }
		/^Number of blocks type/ { for (i = 5; i <= NF; i++) if ($i == t) c = i - 1 }
		/^Node .*, zone/ && !/type/ && c { b += $(c + 1) }
		END { print (b * ppb - f) * 4 }' /proc/pagetypeinfo
}
one() { # SOURCE FIELD TYPE ARGS...
	s=$1 f=$2 t=$3
	shift 3
	f0=$(field "$f") u0=$(used "$t")
	$U -s "$s" --rate max --no-churn "$@" >"$O/$s.log" 2>&1 &
	pid=$!
	i=0
	until grep -q '^phase=full' "$O/$s.log" || [ $i -ge 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	f1=$(field "$f") u1=$(used "$t")
	kill -TERM $pid
	wait $pid
	rc=$?
	sleep 1
	echo "$s rc=$rc f0=$f0 f1=$f1 f2=$(field "$f") u0=$u0 u1=$u1" >>"$O/res"
}
one pagetables PageTables Unmovable --total 64M
one pipes unaccounted Unmovable --total 64M
one sockets udp Unmovable --total 64M
one fork KernelStack Unmovable --total 32M
one secretmem Unevictable Unmovable --total 64M
one slab SReclaimable Reclaimable --total 32M --dir "$MMREPRO_SCRATCH"
GUEST
chmod +x "$T/guest.sh"
mapfile -t d < <(vm_debs 7.2)
"$M" vm -q "${d[@]}" --mem 1G --disk 256M --out "$T/b" -- "$T/guest.sh" \
	>/dev/null 2>"$T/b.err"
check "7.2: the guest ran every source" [ "$(wc -l <"$T/b/res" 2>/dev/null)" = 6 ]

# value KEY SOURCE: a number from the guest's line for SOURCE
value() { sed -n "s/^$2 \(.* \)*$1=\([-0-9]*\).*/\2/p" "$T/b/res"; }
held() { # the last held_mib of SOURCE, in KiB
	sed -n 's/^phase=hold .* held_mib=\([0-9.]*\).*/\1/p' "$T/b/$1.log" |
		tail -1 | awk '{ printf "%d", $1 * 1024 }'
}
# ge A B: A >= B, both integers (empty counts as failure)
ge() { [ -n "$1" ] && [ -n "$2" ] && [ "$1" -ge "$2" ]; }

claims="pagetables:PageTables:Unmovable:65536 pipes:Unaccounted:Unmovable:65536
sockets:sockstat-UDP-mem:Unmovable:65536 fork:KernelStack:Unmovable:32768
secretmem:Unevictable:Unmovable:65536 slab:SReclaimable:Reclaimable:32768"
for c in $claims; do
	IFS=: read -r s f t total <<<"$c"
	h=$(held "$s")
	f0=$(value f0 "$s") f1=$(value f1 "$s") f2=$(value f2 "$s")
	u0=$(value u0 "$s") u1=$(value u1 "$s")
	check "$s: SIGTERM ends it with exit 0" [ "$(value rc "$s")" = 0 ]
	check "$s: it reached its --total" ge "${h:-0}" $((total * 9 / 10))
	check "$s: $f rose by at least half of what it holds" \
		ge $((${f1:-0} - ${f0:-0})) $((${h:-1} / 2))
	check "$s: pages in use in $t pageblocks rose by half of it" \
		ge $((${u1:-0} - ${u0:-0})) $((${h:-1} / 2))
	check "$s: $f back to within 1/8 of it after exit" \
		ge $((${f0:-0} + ${h:-0} / 8)) "${f2:-999999999}"
	check "$s: its own end line says it reached its --total" \
		grep -q '^phase=end .* reached=yes' "$T/b/$s.log"
done

# --- (c) the storm on 6.18 and the fix's fingerprint on 7.2 ---
# the load of the calibration (30 s, as ci/defrag/accept.sh), a short
# settle: with 15 s of load the fixed 7.2 reached 0.026-0.11 s/s in CI
# runs (0.001-0.016 over 30 s), too near the verdict's 0.25
short=(--set settle_s=2)
# run_c NAME KERNEL DEFRAG_MODE: one run; its exit status in $T/NAME.rc
run_c() {
	mapfile -t d < <(vm_debs "$2")
	"$M" run configs/defrag-unmovable.ini "${d[@]}" -q "${short[@]}" \
		--set sysctl.vm.defrag_mode="$3" --out "$T/$1" >"$T/$1.out" 2>&1
	echo $? >"$T/$1.rc"
	echo "# $1: $(cat "$T/$1/verdict" 2>/dev/null)"
}
fp() { jq -r ".trace.defrag_fingerprint.$2" "$T/$1/summary.json" 2>/dev/null; }
metric() { jq -r ".metrics.$2.value" "$T/$1/summary.json" 2>/dev/null; }

# The storm is a property of the kernel, its size is not. Before kcompactd
# was pinned beside the busy task and watermark boosting turned off, one
# CI run on another machine missed it 3 times (0.212, 0.024, 0.027 s/s);
# since, under stress-ng --cpu 1 here, 6.18 at defrag_mode=1 gave
# 0.55-1.93 s/s in 4 of 4 runs (7.2: 0.002-0.004). A run that does not reproduce is still
# tried again, up to 3 runs in all; the checks below use the last one.
# The fixed side never came near (7.2: 0-0.053 s/s), so the retry cannot
# turn it into a pass.
for try in 1 2 3; do
	run_c c1 6.18 1
	[ "$(cat "$T/c1.rc")" = 1 ] && break
	[ $try -lt 3 ] && rm -rf "$T/c1"
done
echo "# c1: $try run(s)"
check "6.18 defrag_mode=1: reproduced within 3 runs (exit 1)" [ "$(cat "$T/c1.rc")" = 1 ]
check "6.18 defrag_mode=1: the verdict names non-movable direct reclaim" \
	grep -q '^reproduced: metric dr_nm_stall = .* s/s during load & frag' "$T/c1/verdict"
check "6.18: fingerprint 'not promoted'" [ "$(fp c1 behaviour)" = "not promoted" ]
check "6.18: non-movable reclaim below pageblock order, none at it" \
	bash -c "[ '$(fp c1 reclaim_below)' -gt 0 ] && [ '$(fp c1 reclaim_promoted)' = 0 ]"
check "6.18: compare prints the fingerprint" \
	bash -c "'$M' compare '$T/c1' '$T/c1' --no-plots 2>/dev/null |
		grep -q 'A fix fingerprint: not promoted in 1 of 1 runs'"
check "6.18: the trace counts direct reclaim by migratetype and extfrag fallbacks" \
	jq -e '(.trace.direct_reclaim.per_s_by_migratetype.unmovable | type) == "number" and
		(.trace.extfrag.count | type) == "number"' "$T/c1/summary.json"

run_c c0 6.18 0
check "6.18 defrag_mode=0: not reproduced (exit 0)" [ "$(cat "$T/c0.rc")" = 0 ]
check "6.18 defrag_mode=0: verdict not-reproduced on the same metric" \
	grep -q '^not-reproduced: metric dr_nm_stall = ' "$T/c0/verdict"
# the share of the stall that non-movable requests took varies from run to
# run (19-98 % at defrag_mode=1 in 10 runs of ci/defrag/accept.sh, 0-2 %
# at 0): the knob is compared, not a fixed share
check "6.18: non-movable share of the stall higher at defrag_mode=1 than at 0" \
	bash -c "awk -v a='$(metric c1 dr_nm_share)' -v b='$(metric c0 dr_nm_share)' \
		'BEGIN { exit !(a ~ /^[0-9.]+\$/ && b ~ /^[0-9.]+\$/ && a > b) }'"

run_c c2 7.2 1
check "7.2 defrag_mode=1: not reproduced (exit 0)" [ "$(cat "$T/c2.rc")" = 0 ]
check "7.2: fingerprint 'promoted'" [ "$(fp c2 behaviour)" = promoted ]
check "7.2: non-movable reclaim or compaction at pageblock order" \
	bash -c "[ \$(( $(fp c2 reclaim_promoted) + $(fp c2 compact_promoted) )) -gt 0 ]"
check "7.2: report prints the fingerprint" \
	bash -c "'$M' report '$T/c2' | grep -A2 '^Fix fingerprint' | grep -q '^  promoted: '"
tap_end
