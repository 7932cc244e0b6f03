#!/bin/bash
# Capture parser fixtures from real kernels: Debian 6.1, 6.12 (also with
# two NUMA nodes) and 7.2, each booted under QEMU (TCG) with a minimal
# initramfs built here (busybox-static and the kernel's own modules), and
# this host's kernel. Each set lands in harness/tests/fixtures/<uname -r>/
# (the NUMA one in <uname -r>-numa2/), mirroring the paths it was read
# from (proc/..., sys/..., tracefs/...), with a SOURCE.md saying where it
# came from. Re-runnable: a set is replaced only by a complete capture.
# Scratch work goes to a temporary directory under /tmp.
set -eu

prog=capture-fixtures.sh
usage() {
	cat <<USAGE
usage: ci/capture-fixtures.sh [--cache DIR] [--keep] [6.1|6.12|6.12-numa2|7.2|host|all]...

Boot each Debian kernel (from ci/kernels.sh) under QEMU TCG with 5 GiB
and 2 CPUs, put some data on zram0, and copy procfs, sysfs and tracefs
files out into harness/tests/fixtures/<release>/. "host" copies this
machine's own files. Default: all (6.1 6.12 6.12-numa2 7.2 host).

  --cache DIR  kernel cache (passed to ci/kernels.sh)
  --keep       keep the scratch directory (console logs, initramfs)
USAGE
}

die() {
	echo "$prog: $1: $2" >&2
	exit "${3:-1}"
}
log() { echo "$prog: $*" >&2; }

kargs=()
keep=0
want=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--cache)
		if [ $# -lt 2 ]; then die --cache "needs a directory" 2; fi
		kargs=(--cache "$2")
		shift
		;;
	--keep) keep=1 ;;
	6.1 | 6.12 | 6.12-numa2 | 7.2 | host) want+=("$1") ;;
	all) want+=(6.1 6.12 6.12-numa2 7.2 host) ;;
	*) die "$1" "unknown kernel or option (see --help)" 2 ;;
	esac
	shift
done
[ ${#want[@]} -gt 0 ] || want=(6.1 6.12 6.12-numa2 7.2 host)

cd "$(dirname "$0")/.."
FIX=$PWD/harness/tests/fixtures
for t in qemu-system-x86_64 busybox cpio gzip depmod modprobe dpkg-deb xz zstd; do
	command -v "$t" >/dev/null || die "$t" "not installed (see ci/deps.sh)"
done
BUSYBOX=$(command -v busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	die "$BUSYBOX" "is not static (install busybox-static)"
W=$(mktemp -d /tmp/mmrepro-capture.XXXXXX)
if [ $keep = 1 ]; then
	log "scratch directory $W (kept)"
else
	trap 'rm -rf "$W"' EXIT
fi

# The capture itself, in POSIX sh for busybox in the guest and for the
# host alike: capture.sh OUT TRACEFS copies what mmrepro's parsers read.
cat >"$W/capture.sh" <<'CAPTURE'
F=$1 T=$2
mkdir -p "$F/proc/pressure" "$F/proc/net" "$F/proc/sys/kernel" "$F/proc/sys/vm"
for x in buddyinfo pagetypeinfo vmstat meminfo zoneinfo pressure/memory net/snmp \
	cmdline sys/kernel/osrelease; do
	cat "/proc/$x" >"$F/proc/$x" 2>/dev/null || {
		rm -f "$F/proc/$x"
		echo "capture: /proc/$x: not readable" >&2
	}
done
rmdir "$F/proc/pressure" 2>/dev/null || true
# kswapd and kcompactd kernel threads, under their real pids
for p in /proc/[0-9]*; do
	c=$(cat "$p/comm" 2>/dev/null) || continue
	case $c in kswapd[0-9]* | kcompactd[0-9]*) ;; *) continue ;; esac
	mkdir -p "$F$p"
	for x in comm stat schedstat; do
		cat "$p/$x" >"$F$p/$x" 2>/dev/null || rm -f "$F$p/$x"
	done
done
if [ -d /sys/block/zram0 ]; then
	mkdir -p "$F/sys/block/zram0"
	for x in mm_stat io_stat disksize comp_algorithm; do
		cat "/sys/block/zram0/$x" >"$F/sys/block/zram0/$x" 2>/dev/null ||
			rm -f "$F/sys/block/zram0/$x"
	done
fi
# every readable vm sysctl (compact_memory and drop_caches are write-only)
for v in /proc/sys/vm/*; do
	[ -f "$v" ] || continue
	if cat "$v" >"$F$v.tmp" 2>/dev/null; then
		mv "$F$v.tmp" "$F$v"
	else
		rm -f "$F$v.tmp"
	fi
done
# every event of the systems the tracer reads (its groups take events
# from these), so that a new group needs no new capture of its own
for s in vmscan compaction kmem oom migrate writeback; do
	[ -d "$T/events/$s" ] || {
		echo "capture: no tracepoint system $s" >&2
		continue
	}
	for d in "$T/events/$s"/*/; do
		e=${d%/}
		e=$s/${e##*/}
		[ -r "$T/events/$e/format" ] || continue
		mkdir -p "$F/tracefs/events/$e"
		cat "$T/events/$e/format" >"$F/tracefs/events/$e/format"
	done
done
for x in header_page header_event; do
	[ -r "$T/events/$x" ] && cat "$T/events/$x" >"$F/tracefs/events/$x"
done
true
CAPTURE

# PID 1 in the guest. Markers on the console: "mmrepro-capture: ..." for
# progress, "MMREPRO-CAPTURE-DONE BYTES" once the tar went out.
cat >"$W/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tracefs nodev /sys/kernel/tracing
say() { echo "mmrepro-capture: $*"; }
bye() {
	sync
	poweroff -f
}
say "init at $(cut -d' ' -f1 /proc/uptime) s of uptime, $(uname -r)"
while read -r m; do
	insmod "/modules/$m" || say "insmod $m failed"
done </modules/order
say "modules loaded: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
port=
for p in /sys/class/virtio-ports/*; do
	[ "$(cat "$p/name" 2>/dev/null)" = mmrepro.out ] && port=/dev/${p##*/}
done
[ -n "$port" ] || { say "error: no virtio port mmrepro.out"; bye; }
# zram0: 64 MiB, 6 MiB written (the parser tests expect 6 MiB): random
# (incompressible: huge pages), zeros (same pages), text (compressible)
[ -e /sys/block/zram0 ] || cat /sys/class/zram-control/hot_add >/dev/null 2>&1
if [ -w /sys/block/zram0/disksize ]; then
	echo 64M >/sys/block/zram0/disksize || say "zram0 disksize failed"
	{
		head -c 2097152 /dev/urandom
		head -c 2097152 /dev/zero
		yes 'mmrepro zram fixture: compressible text' | head -c 2097152
	} | dd of=/dev/zram0 bs=65536 conv=fsync 2>/dev/null || say "zram0 write failed"
	say "zram0 $(cat /sys/block/zram0/comp_algorithm): mm_stat $(cat /sys/block/zram0/mm_stat)"
else
	say "no zram0"
fi
sleep 2
say "capturing at $(cut -d' ' -f1 /proc/uptime) s"
sh /capture.sh /fx /sys/kernel/tracing 2>&1 | sed 's/^/mmrepro-capture: /'
(cd /fx && tar -cf /tmp/fx.tar .)
cat /tmp/fx.tar >"$port"
sync
sleep 1
echo "MMREPRO-CAPTURE-DONE $(wc -c </tmp/fx.tar)"
bye
INIT

# modules_for ROOT KVER MODULE...: the .ko files that load MODULE... in
# order, dependencies first (depmod + modprobe --show-depends, as kmod
# would load them); built-in ones and ones the package lacks are logged
modules_for() {
	local root=$1 kver=$2 m out line
	shift 2
	mkdir -p "$W/modprobe.d"
	for m in "$@"; do
		if ! out=$(modprobe -C "$W/modprobe.d" -d "$root" -S "$kver" --show-depends "$m" 2>&1); then
			# sid's packages ship no modules.builtin: not found = built in there
			log "$kver: $m: not a module in the package (built in?)"
			continue
		fi
		while read -r line; do
			case $line in
			insmod\ *)
				line=${line#insmod }
				echo "${line%% *}"
				;;
			builtin\ *) log "$kver: $m: built in" ;;
			esac
		done <<<"$out"
	done | awk '!seen[$0]++'
}

# initramfs ROOT KVER OUT: build the guest's initramfs; sets $mods to the
# module names in load order
initramfs() {
	local root=$1 kver=$2 out=$3 d=$W/initramfs f b
	rm -rf "$d"
	mkdir -p "$d/bin" "$d/modules" "$d/fx"
	cp "$BUSYBOX" "$d/bin/busybox"
	install -m 0755 "$W/init" "$d/init"
	cp "$W/capture.sh" "$d/capture.sh"
	: >"$d/modules/order"
	mods=
	# virtio_pci and virtio_console for the port that carries the tar out
	while read -r f; do
		b=${f##*/}
		case $b in
		*.ko.xz) xz -dc "$f" >"$d/modules/${b%.xz}" ;;
		*.ko.zst) zstd -qdc "$f" >"$d/modules/${b%.zst}" ;;
		*.ko.gz) gzip -dc "$f" >"$d/modules/${b%.gz}" ;;
		*) cp "$f" "$d/modules/$b" ;;
		esac
		b=${b%.ko*}
		echo "$b.ko" >>"$d/modules/order"
		mods="$mods $b"
	done < <(modules_for "$root" "$kver" virtio_pci virtio_console zram)
	mods=${mods# }
	(cd "$d" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
		gzip -6 >"$out"
}

# boot NAME IMAGE INITRD NUMA: boot, capture, and unpack the tar into
# $W/fx.NAME; retried after a boot that died before the capture finished
boot() {
	local name=$1 image=$2 initrd=$3 numa=$4 try t0 t1 n rc why
	local -a q
	q=(qemu-system-x86_64 -accel "tcg,thread=multi" -cpu qemu64 -smp 2 -m 5G
		-display none -monitor none -no-reboot
		-kernel "$image" -initrd "$initrd"
		-append "console=ttyS0 psi=1 panic=-1 oops=panic watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120"
		-serial "file:$W/console.$name.log"
		-device virtio-serial-pci
		-chardev "file,id=fx,path=$W/fx.$name.tar"
		-device "virtserialport,chardev=fx,name=mmrepro.out")
	if [ "$numa" = 2 ]; then
		q+=(-object "memory-backend-ram,id=m0,size=2560M" -object "memory-backend-ram,id=m1,size=2560M"
			-numa "node,nodeid=0,cpus=0,memdev=m0" -numa "node,nodeid=1,cpus=1,memdev=m1")
	fi
	# the command line for SOURCE.md, quoted, with placeholders for paths
	qcmd=$(for a in "${q[@]}"; do
		case $a in
		*\ *) printf '"%s" ' "$a" ;;
		*) printf '%s ' "$a" ;;
		esac
	done | sed "s|$image|KERNEL|; s|$initrd|INITRD|; s|$W/||g; s/ $//")
	for try in 1 2 3 4; do
		rm -f "$W/console.$name.log" "$W/fx.$name.tar"
		log "$name: booting $(basename "$image") (attempt $try of 4)"
		t0=$(date +%s.%N)
		rc=0
		timeout -k 10 600 "${q[@]}" </dev/null >"$W/qemu.$name.log" 2>&1 || rc=$?
		t1=$(date +%s.%N)
		secs=$(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")
		cp "$W/console.$name.log" "$W/console.$name.$try.log" 2>/dev/null || true
		n=$(tr -d '\r' <"$W/console.$name.log" 2>/dev/null | sed -n 's/^MMREPRO-CAPTURE-DONE \([0-9]*\)$/\1/p' | tail -1)
		if [ -n "$n" ] && [ "$(stat -c %s "$W/fx.$name.tar" 2>/dev/null)" = "$n" ]; then
			rm -rf "$W/fx.$name"
			mkdir -p "$W/fx.$name"
			tar -xf "$W/fx.$name.tar" -C "$W/fx.$name"
			attempts=$try
			boot_secs=$secs
			uptime_at=$(tr -d '\r' <"$W/console.$name.log" | sed -n 's/^mmrepro-capture: capturing at \([0-9.]*\) s$/\1/p')
			log "$name: captured after ${secs} s wall (guest uptime ${uptime_at} s at capture)"
			return 0
		fi
		why=$(tr -d '\r' <"$W/console.$name.log" 2>/dev/null |
			grep -m1 -E 'Oops|int3|Kernel panic|BUG:|general protection|mmrepro-capture: error' || true)
		log "$name: attempt $try failed after ${secs} s (qemu status $rc): ${why:-no capture marker}"
		failures+=("$name attempt $try: ${why:-qemu status $rc, no capture marker}")
	done
	trap - EXIT
	die "$name" "no capture in 4 boots (console logs kept in $W)"
}

# pkginfo DEB...: "`package` version" of each, comma separated
pkginfo() {
	local d
	for d in "$@"; do
		echo "\`$(dpkg-deb -f "$d" Package)\` $(dpkg-deb -f "$d" Version)"
	done | paste -sd, | sed 's/,/, /g'
}

# replace DEST SRC: swap a finished set in
replace() {
	rm -rf "${1:?}.new"
	mv "$2" "$1.new"
	rm -rf "$1"
	mv "$1.new" "$1"
}

failures=()
mkdir -p "$FIX"
for k in "${want[@]}"; do
	if [ "$k" = host ]; then
		rel=$(uname -r)
		tr=/sys/kernel/tracing
		[ -d $tr/events ] || tr=/sys/kernel/debug/tracing
		rm -rf "$W/fx.host"
		sh "$W/capture.sh" "$W/fx.host" "$tr" 2>&1 | sed "s/^/$prog: host: /" >&2
		# the init's own arguments after " -- " configure this sandbox's
		# agent, not the kernel: keep only the kernel's parameters
		sed -i 's/ -- .*//' "$W/fx.host/proc/cmdline"
		zr="zram0 exists but was left untouched (it belongs to the host)."
		[ -d /sys/block/zram0 ] || zr="There is no zram0, so there is no sys/block/zram0."
		cat >"$W/fx.host/SOURCE.md" <<EOF
# $rel: this development host

- Source: the host's own procfs, sysfs and tracefs ($tr), read by
  \`ci/capture-fixtures.sh host\` on $(date -u '+%F %H:%M UTC').
- Machine: $(nproc) CPUs, $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo),
  $(find /sys/devices/system/node -maxdepth 1 -name 'node[0-9]*' | wc -l) NUMA node(s); whatever load it had then (no memory pressure
  was made for the capture).
- Nothing was done before the capture. $zr
- proc/cmdline: the kernel's parameters only; the init's arguments after
  " -- " (this sandbox's agent configuration) were dropped.
- Unreadable /proc/sys/vm files (write-only ones) are absent.
EOF
		replace "$FIX/$rel" "$W/fx.host"
		echo "captured $FIX/$rel"
		continue
	fi
	kname=${k%-numa2}
	numa=1
	[ "$k" = "$kname" ] || numa=2
	read -r _ image moddir debs < <(ci/kernels.sh "${kargs[@]}" "$kname") ||
		die "$k" "ci/kernels.sh gave nothing"
	kver=${moddir##*/}
	root=${moddir%/lib/modules/*}
	root=${root%/usr}
	initramfs "$root" "$kver" "$W/initrd.$k.gz"
	log "$k: modules in load order: ${mods:-none}"
	boot "$k" "$image" "$W/initrd.$k.gz" "$numa"
	rel=$(cat "$W/fx.$k/proc/sys/kernel/osrelease")
	[ "$rel" = "$kver" ] || log "$k: guest says $rel, package says $kver"
	dest=$rel
	[ $numa = 1 ] || dest=$rel-numa2
	read -ra deba <<<"$debs"
	numatext="one NUMA node"
	[ $numa = 1 ] || numatext="two NUMA nodes of 2560 MiB, CPU 0 on node 0 and CPU 1 on node 1"
	cat >"$W/fx.$k/SOURCE.md" <<EOF
# $dest: Debian $kname$([ $numa = 1 ] || echo ", two NUMA nodes")

- Kernel: $(pkginfo "${deba[@]}") (Debian; fetched by
  \`ci/kernels.sh $kname\`), booted as \`$(basename "$image")\`.
- Captured on $(date -u '+%F %H:%M UTC') by \`ci/capture-fixtures.sh $k\`, attempt $attempts,
  ${boot_secs} s wall from QEMU start to power-off; the capture began at
  ${uptime_at} s of guest uptime.
- Guest: QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') TCG (multi-threaded, \`-cpu qemu64\`), 5 GiB, 2 vCPUs,
  $numatext. Command line:

      $qcmd

  with KERNEL the image above and INITRD the initramfs built by the script:
  busybox-static, capture.sh, and these modules from the package,
  decompressed, in \`modprobe --show-depends\` order: ${mods:-none}.
- In the guest, before the capture: proc, sysfs, devtmpfs and tracefs
  (\`/sys/kernel/tracing\`) mounted; the modules above loaded; zram0 set
  to 64M (default compressor) and 6 MiB written to it with dd
  (2 MiB random, 2 MiB zeros, 2 MiB repeated text);
  2 s idle. No memory pressure, no swap.
- Files: copied with cat from /proc, /sys and /sys/kernel/tracing into
  proc/, sys/ and tracefs/ (the format of every event of the systems
  vmscan, compaction, kmem, oom, migrate and writeback, and the headers);
  kswapd*/kcompactd* under their real pids;
  unreadable /proc/sys/vm files (write-only ones) are absent.
EOF
	replace "$FIX/$dest" "$W/fx.$k"
	echo "captured $FIX/$dest"
done
if [ ${#failures[@]} -gt 0 ]; then
	log "boot failures that were retried:"
	printf '  %s\n' "${failures[@]}" >&2
fi
