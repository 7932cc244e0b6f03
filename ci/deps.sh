#!/bin/sh
# Install the Debian packages mmrepro needs to build, test and run guests.
# Idempotent: apt-get update runs once per invocation, and only when
# something is missing.
set -eu

PKGS="build-essential pkg-config clang-format
libinih-dev libjansson-dev libtracefs-dev libtraceevent-dev libgsl-dev
libcmocka-dev liburing-dev
stress-ng fio util-linux iproute2 kmod cpio e2fsprogs xz-utils zstd jq
busybox-static qemu-system-x86 gnuplot-nox python3 strace
linux-source-6.12 bc bison flex libelf-dev libssl-dev
chromium clang libclang-rt-dev
munge slurmctld slurmd slurm-client
linux-perf"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
echo "deps: all present"
