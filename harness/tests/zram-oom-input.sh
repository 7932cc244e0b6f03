#!/bin/bash
# Bad input for the zram swap of configs/zram-oom.ini, all in one Debian
# 6.12 guest (runs there use --local: the guest is the test box): a zram
# size past the address space or too big for RAM, a swap type that is
# not one, zramctl missing, zram missing from the kernel.  Each must end
# at once with a clear error (or not-applicable), before any swap was
# turned on, never with a hang.  Then the cap: a fill that ends before
# the OOM kill gives "no OOM within N s".
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-zram-in.XXXXXX)
trap 'rm -rf "$T"' EXIT
read -r _ _ _ deb < <(ci/kernels.sh 6.12)
V=$T/vm
mkdir -p "$V"

# inside the guest: one run per case, its exit status into DIR/rc and
# the swaps and zram devices left afterwards into DIR/after
cat >"$V/cases.sh" <<'EOF'
one() {
	d=$V/$1
	shift
	b=$(ls /sys/block | grep zram)
	timeout 120 build/mmrepro run --local --i-understand-this-stresses-the-host \
		configs/zram-oom.ini -q --out "$d" --set scenario.disk= \
		--set scenario.timeout=60s --set phase.layout.cmd=true \
		--set 'phase.churn.cmd=echo phase=warm' --set fill_max_s=20 "$@" \
		>"$V/$(basename "$d").out" 2>&1
	echo $? >"$d.rc"
	{ tail -n +2 /proc/swaps; ls /sys/block | grep zram | grep -vxF "$b"; } >"$d.after"
}
one huge --set swap.size=1e30x
one big --set swap.size=100000x
one bogus --set swap=bogus
mv /usr/sbin/zramctl /usr/sbin/zramctl.hidden
one nozramctl
mv /usr/sbin/zramctl.hidden /usr/sbin/zramctl
# not bad input but the cap: a fill that goes past RAM at full speed
# (direct reclaim: memory full) but stops at 520M, which RAM and zram
# (2:1) can hold, so no OOM kill can come before its cap (12 s)
one cap --set fill_max_s=12 \
	--set 'phase.fill.cmd=exec {repro}/anon_fill --procs 3 --chunk 16M --size 520M --duration {fill_max_s}s --sysrq-f'

# the guest's modules are not on the host's root: modprobe cannot
# bring zram back
rmmod zram
one nozram
EOF
start=$(date +%s)
"$M" vm --deb "$deb" --mem 512M --timeout 200s -q --out "$V" -- \
	env V="$V" bash "$V/cases.sh" >"$T/vm.out" 2>&1
echo "# guest: exit $?, $(($(date +%s) - start)) s"
took=$(($(date +%s) - start))

# CASE RC PATTERN: exit status, verdict line, nothing left behind
expect() {
	local c=$1 rc=$2 pat=$3
	check "$c: exit $rc" [ "$(cat "$V/$c.rc" 2>/dev/null)" = "$rc" ]
	check "$c: verdict says: $pat" grep -Eq "$pat" "$V/$c/verdict"
	check "$c: no swap and no zram device left" \
		test -f "$V/$c.after" -a ! -s "$V/$c.after"
}
# CASE PATTERN: refused before the run (mmrepro check's problems): exit
# 2, the reason, no run directory
refused() {
	local c=$1 pat=$2
	check "$c: exit 2, refused before the run" \
		bash -c "[ \"\$(cat '$V/$c.rc' 2>/dev/null)\" = 2 ] && [ ! -e '$V/$c' ]"
	check "$c: says: $pat" grep -Eq "$pat" "$V/$c.out"
	check "$c: no swap and no zram device left" \
		test -f "$V/$c.after" -a ! -s "$V/$c.after"
}
expect huge 2 '^error: .*larger than the 64-bit address space'
expect big 2 '^error: .*zram device needs a [0-9]+ MiB table, more than half of RAM'
refused bogus "zram-oom.ini:[0-9]+: type: expected zram, disk, none or keep, not 'bogus' \\(from '\\{swap\\}'\\)"
expect nozramctl 2 '^error: .*zramctl not found'
expect nozram 0 '^not-applicable: .*this kernel has no zram'
check "no phase ran in any bad-input case" \
	bash -c "! ls '$V'/{huge,big,bogus,nozramctl,nozram}/phases/fill.log 2>/dev/null | grep -q ."
check "cap: the fill held its 520M to the cap, no hog was killed" \
	grep -q 'phase=done .* reason=duration' "$V/cap/phases/fill.log"
check "cap: the verdict says: no OOM within N s (of the first direct reclaim)" \
	grep -Eq '^(not-)?reproduced: no OOM within [0-9]+ s of vmstat.allocstall_per_s' "$V/cap/verdict"
# (--local writes the runner's lines to its stdout, not output.log)
check "cap: zram torn down" grep -q '^teardown: zram[0-9]* reset and removed' "$V/cap.out"
check "cap: no swap and no zram device left" test -f "$V/cap.after" -a ! -s "$V/cap.after"
check "all cases within 150 s of guest time" [ "$took" -lt 150 ]
tap_end
