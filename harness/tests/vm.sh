#!/bin/bash
# mmrepro vm on real Debian kernels under QEMU: 6.1 and 6.12 (bookworm),
# 6.18 and 7.3 (trixie-backports) and 7.2 (sid), fetched and cached by
# ci/kernels.sh.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-vmtest.XXXXXX)
trap 'rm -rf "$T"' EXIT

declare -A debs
while read -r name image moddir rest; do
	debs[$name]=$rest
done < <(ci/kernels.sh 6.1 6.12 6.18 7.2 7.3)

# vm_debs NAME: --deb options for one kernel
vm_debs() {
	local d
	for d in ${debs[$1]}; do printf -- '--deb\n%s\n' "$d"; done
}

# trixie-backports' 6.19, 7.0 and 7.1 ship no modules package: named
for k in 6.19 7.0 7.1; do
	out=$(ci/kernels.sh "$k" 2>&1)
	rc=$?
	check "ci/kernels.sh $k: exit 2, saying why" \
		bash -c "[ $rc -eq 2 ] && grep -q 'no linux-modules package' <<<'$out'"
done
check "ci/kernels.sh --help says which series are not offered" \
	bash -c "ci/kernels.sh --help | grep -q '6.19, 7.0 and 7.1 are not offered'"

for k in 6.1 6.12 6.18 7.2 7.3; do
	if [ -z "${debs[$k]:-}" ]; then
		not_ok "$k: kernel fetched" "ci/kernels.sh gave nothing for $k"
		continue
	fi
	mapfile -t d < <(vm_debs "$k")
	o=$T/boot-$k
	"$M" vm -q "${d[@]}" --mem 1G --out "$o" -- \
		sh -c 'uname -r >"$MMREPRO_OUT/uname" &&
			exec build/mmrepro sample -q --interval 1s --duration 5s --out "$MMREPRO_OUT/sample"' \
		2>"$T/err-$k"
	rc=$?
	check "$k: boots under QEMU and the sample exits 0" [ "$rc" -eq 0 ]
	check "$k: meta.json kernel release is the guest's" \
		[ "$(jq -r .kernel.release "$o/sample/meta.json" 2>/dev/null)" = "$(cat "$o/uname" 2>/dev/null)" ]
	check "$k: and the one in the image header" \
		[ "$(jq -r .kernel.release "$o/vm.json" 2>/dev/null)" = "$(cat "$o/uname" 2>/dev/null)" ]
	slots=$(jq '.samples + .samples_skipped' "$o/sample/meta.json" 2>/dev/null)
	check "$k: 6 sample slots in 5 s at 1 s" [ "${slots:-0}" -eq 6 ]
	rows=$(($(wc -l <"$o/sample/samples/vmstat.csv" 2>/dev/null || echo 0) - 1))
	check "$k: one vmstat row per sample" \
		[ "$rows" -eq "$(jq .samples "$o/sample/meta.json" 2>/dev/null || echo -1)" ]
	check "$k: PSI present in the guest (booted with psi=1)" \
		jq -e '.sources.psi.present' "$o/sample/meta.json"
	check "$k: console.log and dmesg.txt kept" test -s "$o/console.log" -a -s "$o/dmesg.txt"
done

mapfile -t d < <(vm_debs 6.12)
# a comma in --out (QEMU option strings need it doubled), and what the
# guest plants in the results share: a symlink, a setuid file, a device
"$M" vm -q "${d[@]}" --mem 512M --out "$T/exit,7" -- sh -c '
	cd "$MMREPRO_OUT" && ln -s /etc/passwd planted && : >suid &&
	chmod 4755 suid && mknod dev c 1 3; exit 7' 2>/dev/null
check "a command's exit 7 is the host's exit 7" [ $? -eq 7 ]
check "and vm.json says command failed" \
	[ "$(jq -r .outcome "$T/exit,7/vm.json")" = "command failed" ]
check "--out with a comma: the console log is in it" test -s "$T/exit,7/console.log"
check "a symlink made by the guest is no symlink on the host" \
	bash -c "[ -e '$T/exit,7/planted' ] && [ ! -L '$T/exit,7/planted' ]"
check "a setuid file made by the guest has no setuid bit on the host" \
	bash -c "[ -e '$T/exit,7/suid' ] && [ ! -u '$T/exit,7/suid' ]"
check "a device node made by the guest is no device on the host" \
	bash -c "[ -e '$T/exit,7/dev' ] && [ ! -c '$T/exit,7/dev' ]"

# a packaged kernel by name, as run takes it
"$M" vm -q --kernel 6.12 --mem 512M --out "$T/byname" -- sh -c 'uname -r >"$MMREPRO_OUT/uname"' 2>"$T/byname.err"
check "vm --kernel 6.12: boots that kernel (exit 0)" [ $? -eq 0 ]
check "and it is the 6.12 that mmrepro kernels names" \
	[ "$(cat "$T/byname/uname" 2>/dev/null)" = "$("$M" kernels 6.12 2>/dev/null | awk '{ print $2 }')" ]
"$M" vm -q --kernel 6.12 "${d[@]}" --mem 512M --out "$T/byname2" -- true 2>"$T/byname2.err"
rc=$?
check "vm --kernel NAME with --deb: exit 2, saying why" \
	bash -c "[ $rc -eq 2 ] && grep -q 'brings its own modules' '$T/byname2.err'"

# what of the host the guest sees: /usr, /etc, the working directory and
# the directories of the command's arguments, --share; not the rest. A
# host directory outside all of them holds a file the guest looks for.
H=$(mktemp -d /var/tmp/mmrepro-hidden.XXXXXX)
echo host-only >"$H/secret"
mkdir -p "$T/arg" "$T/extra"
printf 'echo ran-from-arg >"$MMREPRO_OUT/arg-ran"\n' >"$T/arg/script.sh"
echo shared >"$T/extra/file"
# (the hidden path and the --share one go in as NAME=PATH, arguments that
# name no file, so that neither is shared as an argument's directory)
"$M" vm -q "${d[@]}" --mem 512M --share "$T/extra" --out "$T/view" -- env HIDDEN="$H" EXTRA="$T/extra" sh -c '
	o=$MMREPRO_OUT
	test -n "$HIDDEN" && echo "$HIDDEN" >"$o/hidden-name"
	test -e "$HIDDEN/secret" && echo yes >"$o/hidden-seen"
	test -e /root/.cache && echo yes >"$o/cache-seen"
	cat "$EXTRA/file" >"$o/extra-seen"
	test -x /usr/bin/stress-ng && test -e /etc/passwd && echo yes >"$o/usr-etc"
	test -e build/mmrepro && echo yes >"$o/cwd-seen"
	echo written >"$PWD/guest-wrote" && echo yes >"$o/cwd-writable"
	sh "$1"' sh "$T/arg/script.sh" 2>"$T/view.err"
check "the shares: the command ran (exit 0)" [ $? -eq 0 ]
check "the guest does not see a host directory that is not shared" \
	[ "$(cat "$T/view/hidden-name" 2>/dev/null)" = "$H" -a ! -e "$T/view/hidden-seen" ]
check "nor the host's /root" [ ! -e "$T/view/cache-seen" ]
check "it sees --share DIR" [ "$(cat "$T/view/extra-seen" 2>/dev/null)" = shared ]
check "and /usr and /etc" [ -e "$T/view/usr-etc" ]
check "and the working directory" [ -e "$T/view/cwd-seen" ]
check "and the directory of an argument (the script ran)" \
	[ "$(cat "$T/view/arg-ran" 2>/dev/null)" = ran-from-arg ]
check "it writes in the working directory, into its own memory" \
	[ -e "$T/view/cwd-writable" -a ! -e guest-wrote ]
check "vm.json lists the shares, --share and the argument's among them" \
	jq -e --arg e "$T/extra" --arg a "$T/arg" \
		'(.shares | index($e)) and (.shares | index($a)) and (.shares | index("/usr"))' "$T/view/vm.json"
rm -rf "$H"
"$M" vm -q "${d[@]}" --mem 512M --share /no/such/dir --out "$T/noshare" -- true 2>"$T/noshare.err"
check "--share of a missing directory: exit 2" [ $? -eq 2 ]
check "saying which" grep -q -- '--share /no/such/dir' "$T/noshare.err"

# a cached initramfs cut short (a full disk, a crash) is built again:
# the next boot of the same kernel must not take it as it is
img=$(jq -r .initramfs "$T/exit,7/vm.json")
check "vm.json names the initramfs, with its SHA-256 beside it" \
	bash -c "[ -s '$img' ] && [ -s '$img.sha256' ]"
[ -s "$img" ] && truncate -s 4096 "$img"
"$M" vm -q "${d[@]}" --mem 512M --out "$T/panic" -- \
	sh -c 'echo c >/proc/sysrq-trigger; sleep 30' 2>/dev/null
check "a panic on purpose exits 125" [ $? -eq 125 ]
check "and is classified as a guest crash" \
	[ "$(jq -r .outcome "$T/panic/vm.json")" = "guest crash" ]
check "with the excerpt saved" grep -q 'sysrq triggered crash' "$T/panic/crash.txt"
check "the cut initramfs was built again (its SHA-256 matches again)" \
	bash -c "[ \"\$(sha256sum <'$img' | cut -c1-64)\" = \"\$(cut -c1-64 '$img.sha256')\" ]"

start=$(date +%s)
"$M" vm -q "${d[@]}" --mem 512M --timeout 10s --out "$T/hang" -- \
	sh -c 'echo freeze >/sys/power/state; sleep 60' 2>/dev/null
rc=$?
boot=$(jq .boot_s "$T/hang/vm.json")
took=$(($(date +%s) - start))
check "a hang on purpose exits 124" [ "$rc" -eq 124 ]
check "and is classified as a hang" [ "$(jq -r .outcome "$T/hang/vm.json")" = hang ]
check "within timeout + 10 s of the command start (took ${took}s, boot ${boot}s)" \
	awk -v t="$took" -v b="$boot" 'BEGIN { exit !(t - b <= 20) }'

# a guest that dies before the command starts is an infrastructure
# failure (as the int3 oops multi-threaded TCG sometimes hits at boot):
# retried 3 times, then exit 3. A kernel with no init panics for real.
"$M" vm -q "${d[@]}" --mem 512M --append rdinit=/no-such-init --out "$T/infra" -- true 2>"$T/infra.err"
check "death before the command: exit 3" [ $? -eq 3 ]
check "classified as infrastructure failure after 4 attempts" \
	jq -e '.outcome == "infrastructure failure" and .attempts == 4' "$T/infra/vm.json"
check "each failed attempt's console kept" \
	test -s "$T/infra/console.attempt1.log" -a -s "$T/infra/console.attempt3.log"
check "and said on stderr" grep -q 'retrying' "$T/infra.err"

# SIGINT on the host stops the guest too: no QEMU is left behind
"$M" vm -q "${d[@]}" --mem 512M --out "$T/int" -- sleep 120 2>/dev/null &
pid=$!
sleep 8
kill -INT $pid
wait $pid
check "SIGINT: exit 2, outcome interrupted" \
	bash -c "[ $? -eq 2 ] && jq -e '.outcome == \"interrupted\"' '$T/int/vm.json'"
check "SIGINT: no QEMU left running" bash -c "! pgrep -f '[q]emu-system.*path=$T/int/console.log'"

# --- bad input: one line, exit 2 ---
bad() {
	local name=$1 rc lines
	shift
	"$M" vm "$@" -- true >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -q '^mmrepro: vm: ' "$T/err"; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc lines=$lines: $(head -c 200 "$T/err")"
	fi
}
bad "missing kernel file" --kernel "$T/nope"
bad "a file that is not a kernel" --kernel /bin/true
dpkg-deb -b "$(mkdir -p "$T/pkg/DEBIAN" && printf 'Package: not-a-kernel\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t>\nDescription: t\n' >"$T/pkg/DEBIAN/control" && echo "$T/pkg")" "$T/other.deb" >/dev/null
bad "a --deb that is not a linux-image package" --deb "$T/other.deb"
bad "a --deb that is no package at all" --deb /bin/true
bad "--mem too small" "${d[@]}" --mem 64M
bad "more CPUs than the host" "${d[@]}" --cpus 999
"$M" vm "${d[@]}" >"$T/out" 2>"$T/err"
check "no command: exit 2 with one line" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ]"
tap_end
