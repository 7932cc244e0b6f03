#!/bin/bash
# mmrepro run in a guest booting Debian 6.12: the harmless scenario, and
# zram swap set up and torn down through the journal.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
S=harness/tests/scenarios
T=$(mktemp -d /tmp/mmrepro-runvm.XXXXXX)
trap 'rm -rf "$T"' EXIT
read -r _ _ _ deb < <(ci/kernels.sh 6.12)

"$M" run "$S/harmless.ini" --deb "$deb" -q --out "$T/h" >"$T/h.out" 2>"$T/h.err"
check "harmless in a guest: exit 1 (reproduced)" [ $? -eq 1 ]
check "the verdict comes back to the host" grep -q '^reproduced: ' "$T/h/verdict"
check "meta.json is the guest kernel's" \
	[ "$(jq -r .kernel.release "$T/h/meta.json")" = "$(jq -r .kernel.release "$T/h/vm.json")" ]
check "the guest's teardown restored its sysctls" \
	grep -q 'teardown: sysctl vm.swappiness = ' "$T/h/output.log"
check "results directory holds the run and the guest's logs" \
	test -s "$T/h/console.log" -a -s "$T/h/summary.json" -a -s "$T/h/samples/vmstat.csv"
check "the host prints the verdict line" grep -q "$T/h: reproduced" "$T/h.out"

"$M" run "$S/swap.ini" --deb "$deb" -q --out "$T/s" >/dev/null 2>&1
check "zram swap scenario: exit 0" [ $? -eq 0 ]
check "zram was the only swap during the run" \
	bash -c "grep -c '/dev/zram' '$T/s/phases/look.log' | grep -qx 2"
check "zswap was off" grep -q ' N$' "$T/s/phases/look.log"
check "teardown: swapoff, zram reset and removed, zswap restored" \
	bash -c "grep -q 'teardown: swapoff /dev/zram' '$T/s/output.log' &&
		 grep -q 'teardown: zram[0-9]* reset and removed' '$T/s/output.log' &&
		 grep -q 'teardown: /sys/module/zswap/parameters/enabled = ' '$T/s/output.log'"
# a rebuild while a session runs: the binary is replaced after the first
# of two runs started, so the second must exec the new file at the same
# path (/proc/self/exe then reads "PATH (deleted)")
mkdir -p "$T/bin" && cp "$M" "$T/bin/mmrepro" && ln -s "$PWD/build/repro" "$T/bin/repro"
"$T/bin/mmrepro" run "$S/harmless.ini" --deb "$deb" -q --runs 2 --out "$T/rb" >"$T/rb.out" 2>&1 &
p=$!
sleep 3
cp "$M" "$T/bin/mmrepro.new" && mv -f "$T/bin/mmrepro.new" "$T/bin/mmrepro"
wait $p
check "binary replaced mid-session: both runs ran (reproduced 2 of 2)" \
	grep -q 'reproduced 2 of 2' "$T/rb.out"
"$M" run "$S/harmless.ini" --deb "$T/nope.deb" -q >/dev/null 2>"$T/err"
check "a missing --deb: exit 2, one line" bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ]"
tap_end
