#!/bin/bash
# repro/frag.c in a Debian 6.12 guest (1G, TCG): when the memory fill has
# left kswapd "hopeless" (node_unreclaimable 1, after 16 runs that
# reclaimed nothing), frag --feeder revives it through the root cgroup's
# memory.reclaim, so that order-3 refills can wake it again; without
# --feeder nothing revives it.  harness/tests/hopeless.py makes the node
# hopeless first, every time.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-revive.XXXXXX)
trap 'rm -rf "$T"' EXIT
read -r _ _ _ deb < <(ci/kernels.sh 6.12)

cat >"$T/guest.sh" <<GUEST
u() { echo "\$1 node_unreclaimable=\$(awk '/node_unreclaimable/ { print \$2; exit }' /proc/zoneinfo)"; }
sysctl -qw vm.compact_unevictable_allowed=0
for feeder in --feeder ""; do
	sync; echo 3 >/proc/sys/vm/drop_caches
	python3 $PWD/harness/tests/hopeless.py
	u "before\$feeder"
	$PWD/build/repro/frag --method mlock --fill 100% \$feeder --duration 1s | grep -v phase=fill
	u "after\$feeder"
done
GUEST
"$M" vm --deb "$deb" --mem 1G -q --timeout 240s --out "$T/vm" -- bash "$T/guest.sh" >/dev/null 2>&1
check "the guest ran the script (exit 0)" [ $? -eq 0 ]
O=$T/vm/output.log
check "hopeless.py made the node hopeless (before frag --feeder)" \
	grep -q '^before--feeder node_unreclaimable=1' "$O"
check "frag --feeder saw it: phase=hopeless nodes=1 revived=yes" \
	grep -Eq '^phase=hopeless t=[0-9.]+ nodes=1 revived=yes' "$O"
check "and the node is reclaimable again after frag" \
	grep -q '^after--feeder node_unreclaimable=0' "$O"
check "hopeless again before frag without --feeder" \
	grep -q '^before node_unreclaimable=1' "$O"
check "without --feeder it stays hopeless (nothing else revives it)" \
	grep -q '^after node_unreclaimable=1' "$O"
grep -E '^(before|after|phase=hopeless|hopeless)|Killed' "$O" | sed 's/^/# /'
echo "# OOM kills in the guest: $(grep -c 'invoked oom-killer' "$T/vm/dmesg.txt")"
tap_end
