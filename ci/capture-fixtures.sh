#!/bin/bash
# Capture parser fixtures from real kernels: Debian 6.1, 6.12 and 7.2
# booted with `mmrepro vm`, and this host's kernel. Each lands in
# harness/tests/fixtures/<uname -r>/ with a SOURCE.md saying where it
# came from. Re-runnable; needs `make` first.
#
# usage: ci/capture-fixtures.sh [6.1|6.12|7.2|host]...
set -eu
cd "$(dirname "$0")/.."
FIX=harness/tests/fixtures
EVENTS="vmscan/mm_vmscan_direct_reclaim_begin vmscan/mm_vmscan_direct_reclaim_end
vmscan/mm_vmscan_kswapd_wake vmscan/mm_vmscan_kswapd_sleep vmscan/mm_vmscan_wakeup_kswapd
compaction/mm_compaction_begin compaction/mm_compaction_end kmem/mm_page_alloc_extfrag
kmem/mm_page_alloc oom/reclaim_retry_zone oom/mark_victim"

# capture DIR [zram]: copy what the parsers read into DIR
capture() {
	local F=$1 p c x e v T=/sys/kernel/tracing
	mkdir -p "$F/proc/pressure" "$F/proc/net" "$F/proc/sys/kernel" "$F/proc/sys/vm" \
		"$F/sys/block/zram0" "$F/tracefs/events"
	if [ "${2:-}" = zram ] && [ -w /sys/block/zram0/disksize ]; then
		# partly compressible data, so that mm_stat is not all zero
		echo 64M >/sys/block/zram0/disksize
		{ head -c 2M /dev/urandom; head -c 2M /dev/zero; head -c 2M /dev/urandom; } |
			dd of=/dev/zram0 bs=1M 2>/dev/null
		sleep 2
	fi
	for x in buddyinfo pagetypeinfo vmstat meminfo zoneinfo pressure/memory net/snmp \
		cmdline sys/kernel/osrelease; do
		cat "/proc/$x" >"$F/proc/$x" 2>/dev/null || rm -f "$F/proc/$x"
	done
	for p in /proc/[0-9]*; do
		c=$(cat "$p/comm" 2>/dev/null) || continue
		case $c in kswapd[0-9]* | kcompactd[0-9]*) ;; *) continue ;; esac
		mkdir -p "$F$p"
		for x in comm stat schedstat; do cat "$p/$x" >"$F$p/$x" 2>/dev/null || true; done
	done
	if [ -r /sys/block/zram0/mm_stat ]; then
		for x in mm_stat io_stat disksize comp_algorithm; do
			cat "/sys/block/zram0/$x" >"$F/sys/block/zram0/$x" 2>/dev/null || true
		done
	fi
	for v in /proc/sys/vm/*; do cat "$v" >"$F$v" 2>/dev/null || rm -f "$F$v"; done
	[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null || true
	for e in $EVENTS; do
		[ -r "$T/events/$e/format" ] || continue
		mkdir -p "$F/tracefs/events/$e"
		cat "$T/events/$e/format" >"$F/tracefs/events/$e/format"
	done
	for x in header_page header_event; do
		cat "$T/events/$x" >"$F/tracefs/events/$x" 2>/dev/null || true
	done
}

if [ "${1:-}" = --inside ]; then
	capture "$2" zram
	exit 0
fi

note() { # note DIR TEXT...
	local d=$1
	shift
	printf '%s\n' "$@" >"$d/SOURCE.md"
}

want=("$@")
[ ${#want[@]} -gt 0 ] || want=(6.1 6.12 7.2 host)
for k in "${want[@]}"; do
	if [ "$k" = host ]; then
		rel=$(uname -r)
		rm -rf "${FIX:?}/$rel"
		capture "$FIX/$rel"
		note "$FIX/$rel" "# $rel: this development host" "" \
			"Captured on $(date -u +%F) from the host itself (2 CPUs, 24 GiB," \
			"no memory pressure) by ci/capture-fixtures.sh host. zram0 exists" \
			"but is not initialised here, so its mm_stat is all zero."
		echo "captured $FIX/$rel"
		continue
	fi
	read -r _ image moddir debs < <(ci/kernels.sh "$k")
	args=()
	for d in $debs; do args+=(--deb "$d"); done
	out=$(mktemp -d /tmp/mmrepro-capture.XXXXXX)
	build/mmrepro vm -q "${args[@]}" --mem 5G --cpus 2 --out "$out" -- \
		ci/capture-fixtures.sh --inside "$out/fx"
	rel=$(cat "$out/fx/proc/sys/kernel/osrelease")
	rm -rf "${FIX:?}/$rel"
	mkdir -p "$FIX"
	mv "$out/fx" "$FIX/$rel"
	pkgs=$(for d in $debs; do dpkg-deb -f "$d" Package Version | paste -sd' '; done)
	note "$FIX/$rel" "# $rel: Debian $k" "" \
		"Captured on $(date -u +%F) by ci/capture-fixtures.sh $k, booting" \
		"$(echo "$pkgs" | paste -sd, | sed 's/,/, /g') under QEMU TCG" \
		"(mmrepro vm --mem 5G --cpus 2; kernel command line in proc/cmdline)." \
		"In the guest: zram0 given 64M and 6 MiB written (random, zeros, random)," \
		"2 s of idle, then the files were copied. No memory pressure."
	rm -rf "$out"
	echo "captured $FIX/$rel"
done
