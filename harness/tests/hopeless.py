#!/usr/bin/env python3
# Make kswapd give up on node 0 (frag-revive.sh runs this in a guest,
# after dropping the page cache): mlock memory until the largest zone's
# free pages sit between its min and low watermarks, then keep waking
# kswapd with small allocations that it can reclaim nothing for (for at
# most 60 s).  After 16 such kswapd runs the kernel counts the node
# hopeless ("node_unreclaimable: 1" in /proc/zoneinfo).  Prints
# "hopeless N ..." and exits 0 whatever N is: the caller checks.
#
# Pages on the per-CPU lists are not counted as free, and with the
# kernel's automatic sizing one CPU's list grew to 13 MiB in a 1G guest:
# a refill then took the zone below min, and the OOM killer picked this
# script before the node was hopeless (1 run in 14).  So the lists are
# kept small (vm.percpu_pagelist_high_fraction) while this runs.
import atexit
import ctypes
import mmap
import time

FRACTION = "/proc/sys/vm/percpu_pagelist_high_fraction"

libc = ctypes.CDLL(None, use_errno=True)
if libc.mlockall(3) != 0:  # MCL_CURRENT | MCL_FUTURE: all of it stays
    raise SystemExit("mlockall failed")

saved = open(FRACTION).read().strip()


def restore():
    with open(FRACTION, "w") as f:
        f.write(saved)


atexit.register(restore)
with open(FRACTION, "w") as f:
    f.write("100000")  # high = max(managed / 100000 / CPUs, 4 * batch)


def zones():
    """{name: {"free", "min", "low", "managed"}} of node 0's zones."""
    out, cur = {}, None
    for l in open("/proc/zoneinfo"):
        w = l.split()
        if l.startswith("Node"):
            cur = out.setdefault(w[3], {}) if w[1] == "0," else None
        elif cur is not None and w[:2] == ["pages", "free"]:
            cur["free"] = int(w[2])
        elif cur is not None and len(w) == 2 and w[0] in ("min", "low",
                                                          "managed"):
            cur[w[0]] = int(w[1])
    return out


def hopeless():
    for l in open("/proc/zoneinfo"):
        if "node_unreclaimable" in l:
            return int(l.split()[1])


name = max(zones().items(), key=lambda z: z[1].get("managed", 0))[0]
z = zones()[name]
low, zmin = z["low"], z["min"]
target = low - (low - zmin) // 3


def free():
    return zones()[name]["free"]


hold = []
while free() > target + 2048:
    hold.append(mmap.mmap(-1, 4 << 20))
# kswapd may still find something to reclaim on its first runs (page
# cache of the programs running, reclaimable slab): each page it frees
# raises free memory, so top the fill up to the target before every
# wakeup, until nothing reclaimable is left and its runs fail.
deadline = time.monotonic() + 60
i = 0
while not hopeless() and time.monotonic() < deadline:
    while free() > target:
        hold.append(mmap.mmap(-1, 64 << 10))
    m = mmap.mmap(-1, 128 << 10)
    time.sleep(0.01)
    m.close()
    i += 1
print("hopeless", hopeless(), "after", i, "wakeups; zone", name, "free",
      free(), "min", zmin, "low", low, flush=True)
