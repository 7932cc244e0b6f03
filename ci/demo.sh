#!/bin/bash
# make demo: reproduce udp-order3 (kswapd spinning on order-3 skb frags)
# in a guest booting Debian's 6.12 kernel, and say what came out.
set -eu
cd "$(dirname "$0")/.."
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
out=results/udp-order3/demo-$(date -u +%Y%m%dT%H%M%SZ)
echo "demo: udp-order3 on $(basename "$deb"), about 2 minutes under TCG"
set +e
build/mmrepro run udp-order3 --deb "$deb" --out "$out"
rc=$?
set -e
echo
echo "verdict: $(cat "$out/verdict" 2>/dev/null || echo "none (exit $rc)")"
echo "results: $out"
jq -r '.metrics | to_entries[] | "  \(.key): \(.value.value) \(.value.unit)"' "$out/summary.json" 2>/dev/null || true
[ "$rc" -le 1 ]
