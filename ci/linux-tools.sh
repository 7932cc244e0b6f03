#!/bin/sh
# Prints the directory holding checkpatch.pl and the kernel's .clang-format,
# extracted once from Debian's linux-source-6.12 into the cache.
set -eu
cache=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}/linux-tools
tarball=/usr/src/linux-source-6.12.tar.xz
dir=$cache/linux-source-6.12
if [ ! -f "$dir/scripts/checkpatch.pl" ]; then
	[ -f "$tarball" ] || {
		echo "linux-tools.sh: $tarball: missing (run ci/deps.sh)" >&2
		exit 2
	}
	mkdir -p "$cache"
	tar -C "$cache" -xJf "$tarball" linux-source-6.12/.clang-format \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
fi
echo "$dir"
