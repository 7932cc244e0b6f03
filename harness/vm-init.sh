#!/bin/busybox sh
# mmrepro guest init: PID 1 of the initramfs that `mmrepro vm` builds.
# It loads the kernel's own modules, makes a tmpfs root with the host's
# shared directories read-only over 9p under tmpfs overlays, the results
# share read-write at its host path, and the scratch disk, then runs the
# command in that root.
#
# Serial ports: ttyS0 is the console (console.log), ttyS1 carries the
# command's output, ttyS2 a heartbeat the host uses to tell a hang.
# The host reads these markers from the console:
#   mmrepro-init: modules loaded / command starting
#   mmrepro-exit=N
/bin/busybox mkdir -p /proc /sys /dev /tmp /mnt /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

fail() {
	echo "mmrepro-init: error: $*"
	echo "mmrepro-exit=255"
	poweroff -f
}

. /run.conf

while read -r m; do
	insmod "/modules/$m" 2>/dev/null || echo "mmrepro-init: $m did not load (skipped)"
done </modules.order
echo "mmrepro-init: modules loaded"
# loopback is down in a fresh kernel; tests and reproducers need it
ip link set lo up || echo "mmrepro-init: cannot bring lo up"

R=/mnt/root
# The root is a tmpfs. The host's directories come as read-only 9p
# shares (vm-share.c: /usr, /etc, the working directory, the command's
# own, --share), each under a tmpfs overlay at its host path, so that
# writes land in the guest's memory; the host's top-level links
# (bin -> usr/bin) are made again.
mkdir -p /mnt/lower /mnt/rw $R
mount -t tmpfs -o mode=0755 tmpfs /mnt/rw
mount -t tmpfs -o mode=0755 tmpfs $R
mkdir -p $R/proc $R/sys $R/dev $R/run $R/root $R/mnt $R/tmp $R/var/tmp
chmod 1777 $R/tmp $R/var/tmp
ln -s ../run $R/var/run
ln -s ../run/lock $R/var/lock
i=0
while [ $i -lt "$NLINK" ]; do
	eval "n=\$LINK$i t=\$LINKT$i"
	ln -s "$t" "$R/$n" || fail "cannot link /$n to $t"
	i=$((i + 1))
done
i=0
while [ $i -lt "$NSHARE" ]; do
	eval "p=\$SHARE$i"
	mkdir -p /mnt/lower/$i /mnt/rw/$i/upper /mnt/rw/$i/work "$R$p"
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=131072 share$i \
		/mnt/lower/$i || fail "cannot mount the host's $p over 9p"
	mount -t overlay -o lowerdir=/mnt/lower/$i,upperdir=/mnt/rw/$i/upper,workdir=/mnt/rw/$i/work \
		overlay "$R$p" || fail "cannot mount the overlay on $p"
	i=$((i + 1))
done
mount -t tmpfs -o mode=0755 tmpfs $R/run
if [ -n "$OUT" ]; then
	mkdir -p "$R$OUT"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=131072 out "$R$OUT" ||
		fail "cannot mount the results share"
fi
if [ -n "$SCRATCH" ]; then
	mkdir -p "$R$SCRATCH"
	mount -t ext4 /dev/vda "$R$SCRATCH" || fail "cannot mount the scratch disk"
fi
mount --move /proc $R/proc
mount --move /sys $R/sys
mount --move /dev $R/dev
mount -t tracefs nodev $R/sys/kernel/tracing 2>/dev/null
mount -t debugfs nodev $R/sys/kernel/debug 2>/dev/null
# as on any systemd machine (frag revives kswapd through memory.reclaim)
mount -t cgroup2 nodev $R/sys/fs/cgroup 2>/dev/null
cp /cmd.sh $R/run/mmrepro-cmd.sh

(while :; do echo . >$R/dev/ttyS2; sleep 1; done) &
hb=$!

echo "mmrepro-init: command starting"
chroot $R /bin/sh /run/mmrepro-cmd.sh <$R/dev/null >$R/dev/ttyS1 2>&1
rc=$?
kill $hb
[ -n "$OUT" ] && chroot $R /bin/sh -c 'dmesg >"$0/dmesg.txt"' "$OUT"
sync
echo "mmrepro-exit=$rc"
poweroff -f
