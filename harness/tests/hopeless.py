#!/usr/bin/env python3
# Make kswapd give up on node 0 (frag-revive.sh runs this in a guest,
# after dropping the page cache): mlock memory down to between the
# zones' min and low watermarks, then keep waking kswapd with small
# allocations that it can reclaim nothing for.  After 16 such kswapd
# runs the kernel counts the node hopeless ("node_unreclaimable: 1" in
# /proc/zoneinfo).  Prints "hopeless N ..." and exits 0 whatever N is:
# the caller checks.
import ctypes
import mmap
import time

libc = ctypes.CDLL(None, use_errno=True)
if libc.mlockall(3) != 0:  # MCL_CURRENT | MCL_FUTURE: all of it stays
    raise SystemExit("mlockall failed")


def watermark(which):
    return sum(int(l.split()[1]) for l in open("/proc/zoneinfo")
               if l.split()[:1] == [which])


def free():
    for l in open("/proc/vmstat"):
        if l.startswith("nr_free_pages "):
            return int(l.split()[1])


def hopeless():
    for l in open("/proc/zoneinfo"):
        if "node_unreclaimable" in l:
            return int(l.split()[1])


low, low_min = watermark("low"), watermark("min")
target = low - (low - low_min) // 3
hold = []
while free() > target + 2048:
    hold.append(mmap.mmap(-1, 4 << 20))
while free() > target:
    hold.append(mmap.mmap(-1, 64 << 10))
for i in range(400):
    if hopeless():
        break
    m = mmap.mmap(-1, 128 << 10)
    time.sleep(0.01)
    m.close()
print("hopeless", hopeless(), "after", i, "wakeups; free", free(),
      "min", low_min, "low", low, flush=True)
