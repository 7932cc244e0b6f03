#!/bin/bash
# ci/build-kernel.sh and ci/ab.sh without guests or a real kernel build:
# bad input (exit 2 with a message that names the problem), the patch
# staging that keeps the pristine source clean and rebuilds little, and
# how ab.sh combines per-scenario results (a stub `mmrepro ab` that
# writes real `mmrepro compare` reports of synthetic runs).
# Every check below is an assertion: it prints "ok N" or "not ok N".
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
TOP=$PWD
T=$(mktemp -d /tmp/mmrepro-citest.XXXXXX)
trap 'rm -rf "$T"' EXIT
BK=ci/build-kernel.sh
AB=ci/ab.sh

# has FILE REGEX: FILE has a line matching REGEX
has() { grep -Eq -- "$2" "$1"; }

# --- build-kernel.sh: bad input ------------------------------------------
$BK --src "$T/none" --out "$T/o" 2>"$T/e"
check "no source tree: exit 2" [ $? -eq 2 ]
check "no source tree: message names it" has "$T/e" "^build-kernel.sh: $T/none: .*no source tree"
mkdir "$T/empty"
$BK --src "$T/empty" --out "$T/o" 2>"$T/e"
check "a directory that is no kernel tree: exit 2" [ $? -eq 2 ]
check "a directory that is no kernel tree: says so" has "$T/e" "$T/empty: not a kernel source tree"
echo junk >"$T/junk.tar.xz"
$BK --src "$T/junk.tar.xz" --out "$T/o" 2>"$T/e"
check "a tarball that is no kernel tree: exit 2" [ $? -eq 2 ]
check "a tarball that is no kernel tree: says so" has "$T/e" "junk.tar.xz: .*(no source tree|no kernel source tree)"
$BK --out "$T/o" 2>"$T/e"
check "no --src: exit 2" [ $? -eq 2 ]

# A fake kernel tree: its Makefile and merge_config.sh do what
# build-kernel.sh asks of kbuild in a few file operations; the "bzImage"
# is a copy of init/main.c as the build saw it. With FAKE_FAIL=1 in the
# environment the build fails.
K=$T/linux
mkdir -p "$K/arch/x86" "$K/scripts/kconfig" "$K/init" "$K/mm"
cat >"$K/Makefile" <<'MK'
O ?= .
kernelversion:
	@echo 6.99.0
kernelrelease:
	@echo 6.99.0$(LOCALVERSION)
x86_64_defconfig:
	@echo CONFIG_X86_64=y >$(O)/.config
kvm_guest.config:
	@echo CONFIG_KVM_GUEST=y >>$(O)/.config
olddefconfig:
	@sed -i '/CONFIG_NOPE=/d' $(O)/.config
modules:
	@true
bzImage:
	@test -z "$(FAKE_FAIL)"
	@test -z "$(BUILDS)" || echo built >>"$(BUILDS)"
	@mkdir -p $(O)/arch/x86/boot && cp init/main.c $(O)/arch/x86/boot/bzImage && touch $(O)/vmlinux
modules_install:
	@mkdir -p $(INSTALL_MOD_PATH)/lib/modules/6.99.0 && touch $(INSTALL_MOD_PATH)/lib/modules/6.99.0/modules.dep
MK
# merge_config.sh -m -O DIR BASE FRAGMENT...: appends the fragments
printf '#!/bin/sh
d=$3 b=$4
shift 4
cat "$@" >>"$b"
' >"$K/scripts/kconfig/merge_config.sh"
chmod +x "$K/scripts/kconfig/merge_config.sh"
printf 'int a;\nvoid start_kernel(void)\n{\n\tpr_notice("hello\\n");\n}\n' >"$K/init/main.c"
printf 'int x;\nint y;\nint z;\n' >"$K/mm/vmscan.c"
cp -a "$K" "$T/pristine"
mkpatch() { # FILE SRC DST: a -p1 patch that turns SRC into DST
	(cd "$T" && diff -u --label "a/$3" --label "b/$3" "$1" "$2") >"$4"
}
sed 's/hello/hello, patched/' "$K/init/main.c" >"$T/main.c.new"
mkpatch "$K/init/main.c" "$T/main.c.new" init/main.c "$T/p1.patch"
sed 's/int y;/int y2;/' "$K/mm/vmscan.c" >"$T/vmscan.c.new"
mkpatch "$K/mm/vmscan.c" "$T/vmscan.c.new" mm/vmscan.c "$T/p2.patch"
# p3 expects a line that is not there: hunk #2 of init/main.c fails
{
	cat "$T/p1.patch"
	printf '@@ -10,3 +10,3 @@ void rest_init(void)\n-\tno such line\n+\tnew line\n \tctx\n'
} >"$T/p3.patch"

$BK --src "$K" --patch "$T/nope.patch" --out "$T/o" >/dev/null 2>"$T/e"
check "a missing patch: exit 2, named" bash -c "[ $? -eq 2 ] && grep -q 'nope.patch: no such patch file' '$T/e'"
echo "not a diff" >"$T/nodiff.patch"
$BK --src "$K" --patch "$T/nodiff.patch" --out "$T/o" >/dev/null 2>"$T/e"
check "a file with no diff in it: exit 2" [ $? -eq 2 ]
$BK --src "$K" --config "$T/none.config" --out "$T/o" >/dev/null 2>"$T/e"
check "a missing config fragment: exit 2, named" bash -c "[ $? -eq 2 ] && grep -q 'none.config: no such config fragment' '$T/e'"

FAKE_FAIL=1 $BK --src "$K" --patch "$T/p1.patch" --out "$T/f" 2>"$T/e"
check "the build fails: exit 1, the log named" \
	bash -c "[ $? -eq 1 ] && grep -q 'the build failed (see $T/f/build/build.log)' '$T/e'"

# the patches apply to the copy, and the build sees them
$BK --src "$K" --patch "$T/p1.patch" --out "$T/o" >"$T/spec1" 2>"$T/e"
check "patch 1: built (exit 0)" [ $? -eq 0 ]
check "patch 1: the build saw the patched file" grep -q 'hello, patched' "$T/o/bzImage"
check "patch 1: prints the SPEC for ab, and writes it to DIR/spec" \
	bash -c "grep -qx 'kernel=$T/o/bzImage,modules=$T/o/lib/modules/6.99.0' '$T/spec1' &&
		cmp '$T/spec1' '$T/o/spec' && [ -f '$T/o/lib/modules/6.99.0/modules.dep' ]"
cp "$T/o/manifest.json" "$T/m1.json"
check "manifest: version, the patch with its sha256, a clean build" \
	jq -e --arg p "$T/p1.patch" --arg s "$(sha256sum <"$T/p1.patch" | cut -d' ' -f1)" \
	'.source.version == "6.99.0" and .source.kind == "dir" and .kernel_release == "6.99.0" and
	 .patches == [{file: $p, sha256: $s}] and (.patch_series_sha256 | length) == 64 and
	 .build.incremental == false and (.config.sha256 | length) == 64' "$T/m1.json"
check "the config fragment mmrepro.config went into the .config" \
	grep -qx 'CONFIG_ZRAM=y' "$T/o/build/obj/.config"
check "patch 1: the copy is patched" grep -q 'hello, patched' "$T/o/build/src/init/main.c"
check "patch 1: the source tree is untouched" diff -r "$T/pristine" "$K"
$BK --src "$K" --patch "$T/p3.patch" --out "$T/o" >/dev/null 2>"$T/e"
check "a patch that does not apply: exit 2" [ $? -eq 2 ]
check "a patch that does not apply: names the hunk and file" \
	has "$T/e" "^build-kernel.sh: p3.patch: hunk #2 of init/main.c does not apply: @@ -10,3 \\+10,3 @@ void rest_init"
check "a failed patch changes neither the source nor the copy" \
	bash -c "diff -r '$T/pristine' '$K' && grep -q 'hello, patched' '$T/o/build/src/init/main.c'"
touch -d '2020-01-01' "$T/o/build/src/mm/vmscan.c" "$T/o/build/src/init/main.c"
$BK --src "$K" --patch "$T/p2.patch" --out "$T/o" >/dev/null 2>"$T/e"
check "patch 2 instead: the file patch 1 touched is pristine again" \
	cmp "$K/init/main.c" "$T/o/build/src/init/main.c"
check "patch 2 instead: restored file has a new mtime (make rebuilds it)" \
	[ "$(stat -c %Y "$T/o/build/src/init/main.c")" -gt 1600000000 ]
check "patch 2 instead: its own file is patched" grep -q 'int y2;' "$T/o/build/src/mm/vmscan.c"
check "patch 2 instead: the manifests differ in the patch hashes only" \
	jq -en --slurpfile a "$T/m1.json" --slurpfile b "$T/o/manifest.json" \
	'($a[0].patches[0].sha256 != $b[0].patches[0].sha256) and
	 ($a[0].patch_series_sha256 != $b[0].patch_series_sha256) and
	 ($a[0].source == $b[0].source) and ($a[0].config == $b[0].config) and
	 $b[0].build.incremental == true'
check "patch 2 instead: the build saw the pristine init/main.c" \
	bash -c "! grep -q patched '$T/o/bzImage'"
touch -d '2020-01-01' "$T/o/build/src/mm/vmscan.c" "$T/o/build/src/init/main.c"
$BK --src "$K" --patch "$T/p2.patch" --out "$T/o" >/dev/null 2>"$T/e"
check "patch 2 again: no file rewritten (nothing to recompile)" \
	[ "$(stat -c %Y "$T/o/build/src/mm/vmscan.c" "$T/o/build/src/init/main.c" | sort -u)" = "$(date -d 2020-01-01 +%s)" ]
check "patch 2 again: still patched" grep -q 'int y2;' "$T/o/build/src/mm/vmscan.c"
check "the source tree is still untouched" diff -r "$T/pristine" "$K"
# a fresh checkout: every file of the source gets a new mtime, one file
# new content; only that one is rewritten in the copy
touch -d '2020-01-01' "$T/o/build/src/mm/vmscan.c" "$T/o/build/src/init/main.c"
find "$K" -type f -exec touch {} +
echo 'int w;' >>"$K/init/main.c"
$BK --src "$K" --patch "$T/p2.patch" --out "$T/o" >/dev/null 2>"$T/e"
check "new source mtimes, same content: the copy keeps its mtime" \
	[ "$(stat -c %Y "$T/o/build/src/mm/vmscan.c")" = "$(date -d 2020-01-01 +%s)" ]
check "a source file with new content: copied (new mtime)" \
	bash -c "cmp '$K/init/main.c' '$T/o/build/src/init/main.c' &&
		[ \$(stat -c %Y '$T/o/build/src/init/main.c') -gt 1600000000 ]"
check "... and the build log names one changed file" grep -q 'the source changed in 1 file' "$T/e"
# a git checkout: its tracked files as they are in the work tree
G=$T/git
cp -a "$T/pristine" "$G"
git -C "$G" init -q && git -C "$G" add -A &&
	git -C "$G" -c user.name=t -c user.email=t@t commit -qm base
echo 'int dirty;' >>"$G/mm/vmscan.c"
echo junk >"$G/untracked.o"
$BK --src "$G" --out "$T/og" >/dev/null 2>"$T/e"
check "git: built; the manifest names the commit, dirty" \
	jq -e --arg c "$(git -C "$G" rev-parse HEAD)" \
	'.source.kind == "git" and .source.git_commit == $c and .source.git_dirty == true' \
	"$T/og/manifest.json"
check "git: the work tree's change is built, untracked files are not copied" \
	bash -c "grep -q 'int dirty;' '$T/og/build/src/mm/vmscan.c' && [ ! -e '$T/og/build/src/untracked.o' ]"

# --- the cache: keyed by source, patches, fragments; a second request
# for the same kernel builds nothing ---
export BUILDS=$T/builds
: >"$BUILDS"
C=$T/cache
nbuilds() { wc -l <"$BUILDS"; }
MMREPRO_CACHE=$C $BK --src "$K" --patch "$T/p1.patch" >"$T/c1" 2>"$T/e"
check "cache: built (exit 0), once" bash -c "[ $? -eq 0 ] && [ $(nbuilds) -eq 1 ]"
c1=$(sed -n 's/^kernel=\(.*\)\/bzImage,.*/\1/p' "$T/c1")
check "cache: the entry is kbuild/VERSION-KEY, its manifest holds the key" \
	bash -c "[[ '$c1' == '$C/kbuild/6.99.0-'* ]] &&
		[ \"\$(jq -r .key '$c1/manifest.json')\" = '${c1##*-}' ] && grep -q 'hello, patched' '$c1/bzImage'"
MMREPRO_CACHE=$C $BK --src "$K" --patch "$T/p1.patch" >"$T/c2" 2>"$T/e"
check "cache: the same request again: exit 0, the same SPEC" \
	bash -c "[ $? -eq 0 ] && cmp '$T/c1' '$T/c2'"
check "cache: ... and nothing was built" [ "$(nbuilds)" -eq 1 ]
check "cache: ... and it says up to date" has "$T/e" "up to date \(key [0-9a-f]{16}\)"
MMREPRO_CACHE=$C $BK --src "$K" --patch "$T/p2.patch" >"$T/c3" 2>"$T/e"
c3=$(sed -n 's/^kernel=\(.*\)\/bzImage,.*/\1/p' "$T/c3")
check "cache: another patch: another entry, built" \
	bash -c "[ '$c3' != '$c1' ] && [ $(nbuilds) -eq 2 ] && ! grep -q patched '$c3/bzImage'"
check "cache: ... in the same object tree (incremental)" \
	jq -e '.build.incremental == true' "$c3/manifest.json"
check "cache: the first entry is still there, unchanged" grep -q 'hello, patched' "$c1/bzImage"
MMREPRO_CACHE=$C $BK --src "$K" --patch "$T/p1.patch" >/dev/null 2>"$T/e"
check "cache: the first request again: nothing built" [ "$(nbuilds)" -eq 2 ]
echo 'CONFIG_EXTRA=y' >"$T/extra.config"
MMREPRO_CACHE=$C $BK --src "$K" --patch "$T/p1.patch" --config "$T/extra.config" >"$T/c4" 2>"$T/e"
check "cache: another config fragment: another key, built" \
	bash -c "[ $(nbuilds) -eq 3 ] && ! cmp -s '$T/c1' '$T/c4'"
$BK --src "$K" --patch "$T/p1.patch" --out "$T/o" >/dev/null 2>"$T/e"
$BK --src "$K" --patch "$T/p1.patch" --out "$T/o" >/dev/null 2>"$T/e"
check "--out DIR: the same request twice builds once" \
	bash -c "[ $(nbuilds) -eq 4 ] && grep -q 'up to date' '$T/e'"

# --- --config-only: the .config and what the fragments asked of it ---
MMREPRO_CACHE=$C $BK --src "$K" --config-only >"$T/cfgpath" 2>"$T/e"
check "--config-only: exit 0, prints the .config, builds nothing" \
	bash -c "[ $? -eq 0 ] && [ $(nbuilds) -eq 4 ] && grep -qx CONFIG_ZRAM=y \"\$(cat '$T/cfgpath')\""
printf 'CONFIG_NOPE=y\nCONFIG_FINE=y\n' >"$T/nope.config"
MMREPRO_CACHE=$C $BK --src "$K" --config "$T/nope.config" --config-only >/dev/null 2>"$T/e"
check "--config-only: an option Kconfig dropped: exit 1, named" \
	bash -c "[ $? -eq 1 ] && grep -q \"nope.config: asked for 'CONFIG_NOPE=y', got '# CONFIG_NOPE is not set'\" '$T/e' &&
		! grep -q CONFIG_FINE '$T/e'"
unset BUILDS

mkdir -p "$K/include/config" && touch "$K/.config"
$BK --src "$K" --out "$T/o2" >/dev/null 2>"$T/e"
check "a source tree configured in place: exit 2, says mrproper" \
	bash -c "[ $? -eq 2 ] && grep -q 'make mrproper' '$T/e'"

# --- ab.sh: bad input ------------------------------------------------------
$AB --base 6.12 --test 7.2 --scenarios udp-order3,no-such-scenario --artifacts "$T/a" 2>"$T/e"
check "a missing scenario: exit 2" [ $? -eq 2 ]
check "a missing scenario: named" has "$T/e" "^ab.sh: no-such-scenario: no such scenario"
check "a missing scenario: nothing ran" bash -c "! ls '$T/a'/*.log 2>/dev/null"
$AB --base "$T/empty" --test 7.2 --artifacts "$T/a" 2>"$T/e"
check "a SPEC directory that is no build-kernel.sh output: exit 2" [ $? -eq 2 ]
check "... and says so" has "$T/e" "not a ci/build-kernel.sh --out DIR"
$AB --base 6.12 --artifacts "$T/a" 2>"$T/e"
check "no --test: exit 2" [ $? -eq 2 ]
$AB --base 6.12 --test 7.2 --runs 0 --artifacts "$T/a" 2>"$T/e"
check "--runs 0: exit 2" [ $? -eq 2 ]

# --- ab.sh: combining results, with a stub `mmrepro ab` ------------------
# The stub writes synthetic runs (kswapd_cpu of B given per scenario by
# $STUB_B_<scenario>) and has the real `mmrepro compare` report on them.
cat >"$T/stub" <<'EOF'
#!/bin/bash
scen=$2
shift 2
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift ;;
	--a) echo "$2" >"$STUB_LOG.a" ;;
	--b) echo "$2" >"$STUB_LOG.b" ;;
	esac
	shift
done
v=STUB_B_${scen//-/_}
[ -n "${!v:-}" ] || { echo "ab: no scenario '$scen'" >&2; exit 2; }
for s in a b; do
	for i in 1 2 3 4 5; do
		d=$out/$s/run-$i
		mkdir -p "$d"
		k=$((10 + i % 3))
		[ $s = a ] || k=$((k * ${!v} / 10))
		echo "{\"metrics\":{\"kswapd_cpu\":{\"value\":$k,\"unit\":\"%\",\"better\":\"lower\",\"gate\":true}},\"verdict\":{\"verdict\":\"reproduced\"}}" >"$d/summary.json"
		echo "{\"scenario\":\"$scen\",\"kernel\":{\"release\":\"6.12.0-$s\"}}" >"$d/meta.json"
		echo "reproduced: stub" >"$d/verdict"
	done
done
for f in text md ktap; do
	"$MMREPRO_REAL" compare "$out/a" "$out/b" --format $f --plots "$out/plots" >"$out/report.${f/text/txt}"
	st=$?
done
cat "$out/report.txt"
exit $st
EOF
chmod +x "$T/stub"
export MMREPRO_REAL=$TOP/build/mmrepro STUB_LOG=$T/stublog
mkdir -p "$T/kdir"
touch "$T/kdir/bzImage"
echo "kernel=$T/kdir/bzImage,modules=$T/kdir/lib/modules/6.99.0" >"$T/kdir/spec"
echo '{"patch_series_sha256":"abc"}' >"$T/kdir/manifest.json"
STUB_B_udp_order3=10 STUB_B_direct_reclaim=20 MMREPRO=$T/stub \
	$AB --base kernel=/k/a --test "$T/kdir" --scenarios udp-order3,direct-reclaim \
	--set duration_s=5 --artifacts "$T/r" 2>"$T/e"
check "a regression in one scenario: exit 1" [ $? -eq 1 ]
check "the test SPEC is the build dir's spec, with --set" \
	grep -qx "kernel=$T/kdir/bzImage,modules=$T/kdir/lib/modules/6.99.0,set=duration_s=5" "$STUB_LOG.b"
check "the base SPEC is passed on, with --set" grep -qx "kernel=/k/a,set=duration_s=5" "$STUB_LOG.a"
check "test.json holds the build's manifest" jq -e '.manifest.patch_series_sha256 == "abc"' "$T/r/test.json"
check "results.ktap: the regressed scenario is not ok, the other ok" \
	bash -c "grep -qx 'not ok 2 direct-reclaim # significant regression' '$T/r/results.ktap' &&
		grep -qx 'ok 1 udp-order3' '$T/r/results.ktap'"
check "results.ktap parses (kunit.py parse)" ktap_parses "$T/r/results.ktap" "$T/r/k.json"
check "results.ktap: kunit.py sees the gating metric as a failed subtest" \
	jq -e '.sub_groups[] | select(.name == "direct-reclaim") | .test_cases[0] |
		.name == "kswapd_cpu" and .status == "FAIL"' "$T/r/k.json"
check "report.txt: one line per scenario with its result" \
	bash -c "grep -Eq '^  direct-reclaim +SIGNIFICANT REGRESSION$' '$T/r/report.txt' &&
		grep -Eq '^  udp-order3 +no significant regression$' '$T/r/report.txt'"
check "report.txt holds each scenario's report" \
	[ "$(grep -c '^mmrepro compare: ' "$T/r/report.txt")" -eq 2 ]
check "report.md: a summary table row per scenario" \
	grep -q '^| direct-reclaim | SIGNIFICANT REGRESSION |$' "$T/r/report.md"
check "plots are collected per scenario" ls "$T/r/plots/direct-reclaim/"
STUB_B_udp_order3=10 MMREPRO=$T/stub \
	$AB --base kernel=/k/a --test kernel=/k/b --scenarios udp-order3 --artifacts "$T/s" 2>"$T/e"
check "no regression: exit 0" [ $? -eq 0 ]
STUB_B_udp_order3=10 MMREPRO=$T/stub \
	$AB --base kernel=/k/a --test kernel=/k/b --scenarios udp-order3 --artifacts "$T/s" 2>"$T/e"
check "artifacts that already hold runs: exit 2, not overwritten" \
	bash -c "[ $? -eq 2 ] && grep -q 'already holds runs' '$T/e'"
# direct-reclaim exists, but the stub fails on it like a broken run
STUB_B_udp_order3=10 MMREPRO=$T/stub \
	$AB --base kernel=/k/a --test kernel=/k/b --scenarios udp-order3,direct-reclaim --artifacts "$T/f" 2>"$T/e"
check "a scenario that could not be compared: exit 2" [ $? -eq 2 ]
check "... is not ok in results.ktap, with the reason" \
	grep -qx 'not ok 2 direct-reclaim # error: mmrepro ab exit 2, see direct-reclaim.log' "$T/f/results.ktap"
# --- the small config on Debian's linux-source-6.12: the merged .config
# holds every option of configs/kernel/mmrepro.config as it asks (so a
# guest boots the bzImage with no modules); no kernel is built ---
cfg=$($BK --src /usr/src/linux-source-6.12.tar.xz --config-only 2>"$T/e")
check "linux-source-6.12 --config-only: exit 0, prints the .config" \
	bash -c "[ $? -eq 0 ] && [ -s '$cfg' ]"
unmet=$(grep -E '^CONFIG_[A-Za-z0-9_]+=' configs/kernel/mmrepro.config | while read -r want; do
	grep -qxF "$want" "$cfg" || echo "$want"
done)
check "every CONFIG_X=... of mmrepro.config is in the merged .config${unmet:+ (unmet: $(echo $unmet))}" \
	[ -z "$unmet" ]
check "what a guest needs without modules is built in (virtio, 9p, overlay, zram)" \
	bash -c "for o in VIRTIO_PCI NET_9P_VIRTIO 9P_FS OVERLAY_FS ZRAM ZSMALLOC; do grep -qx CONFIG_\$o=y '$cfg' || exit 1; done"
check "x86_64_defconfig and kvm_guest.config are its base" \
	bash -c "grep -qx CONFIG_X86_64=y '$cfg' && grep -qx CONFIG_KVM_GUEST=y '$cfg'"

# --- the project's test patches (configs/kernel/patches) apply cleanly to
# Debian's linux-source-6.12, and change what they say they change ---
P=configs/kernel/patches
mkdir -p "$T/src612"
files=$(cat $P/*.patch | sed -n 's|^+++ b/\([^ \t]*\).*|linux-source-6.12/\1|p' | sort -u)
# shellcheck disable=SC2086 # a list of paths
tar -C "$T/src612" -xJf /usr/src/linux-source-6.12.tar.xz $files
check "test patches: at least the zram-oom and udp-order3 ones" \
	bash -c "[ -f $P/zram-oom-file-only-retry.patch ] && [ -f $P/udp-order3-no-kswapd-wake.patch ]"
for p in $P/*.patch; do
	check "$(basename "$p"): applies to linux-source-6.12 (patch --dry-run, no fuzz)" \
		bash -c "cd '$T/src612/linux-source-6.12' && patch -p1 --dry-run -F0 <'$TOP/$p' >/dev/null"
	check "$(basename "$p"): its header says which thread's idea it is" \
		bash -c "head -5 '$p' | grep -q 'mmrepro test patch' && grep -q 'linux-mm thread of 20' '$p'"
done
(cd "$T/src612/linux-source-6.12" && patch -p1 -s <"$TOP/$P/udp-order3-no-kswapd-wake.patch")
check "udp-order3 patch: the order-3 frag refill no longer wakes kswapd" \
	bash -c "grep -A2 'pfrag->page = alloc_pages((gfp & ~(__GFP_DIRECT_RECLAIM' \
		'$T/src612/linux-source-6.12/net/core/sock.c' | grep -q '__GFP_KSWAPD_RECLAIM'"
(cd "$T/src612/linux-source-6.12" && patch -p1 -s <"$TOP/$P/zram-oom-file-only-retry.patch")
check "zram-oom patch: should_reclaim_retry() counts the file LRU with RAM-backed swap" \
	bash -c "sed -n '/^should_reclaim_retry/,/^}/p' '$T/src612/linux-source-6.12/mm/page_alloc.c' |
		grep -A3 'swap_all_ram_backed()' | grep -q NR_ZONE_INACTIVE_FILE"

tap_end
