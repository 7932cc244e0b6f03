#!/bin/bash
# Build a guest kernel for mmrepro from a kernel tree, with patches, and
# write a manifest of what went into it. See usage() below.
#
# Without --out the kernel goes to the cache, keyed by what went into it
# (see "the key" below), so that a second request for the same kernel
# costs nothing; the object tree is then shared by every build of one
# source, so another patch series on it is an incremental build.
#
# Layout of --out DIR (or of the cache entry):
#   bzImage                      the kernel
#   lib/modules/RELEASE/         its modules (modules_install)
#   manifest.json                source version, patch and config hashes
#   spec                         "kernel=DIR/bzImage,modules=DIR/lib/modules/RELEASE",
#                                an `mmrepro ab` SPEC
#   build/src/                   the patched copy of the source
#   build/obj/                   the object tree (make O=), kept for
#                                incremental rebuilds
#   build/cfg/                   where the .config is generated
#
# Incremental rebuilds: the pristine source is never written to. Patches
# are applied in a staging directory holding only the files they touch;
# the copy in build/src then gets only the files whose content changed
# (restored from the pristine source, or patched), with a new mtime, so
# make recompiles those and nothing else. The .config is generated apart
# and copied in only when it differs.
set -euo pipefail

prog=build-kernel.sh
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

usage() {
	cat <<USAGE
usage: ci/build-kernel.sh --src DIR|TARBALL [--patch FILE]... [--config FRAGMENT]...
                          [--out DIR] [--jobs N] [--config-only]

Build bzImage and modules from a kernel tree for \`mmrepro vm\`, \`run\`
and \`ab\`. --src is a kernel source directory (a git checkout or an
unpacked tree) or a Debian linux-source-*.tar.xz, which is unpacked once
into \${MMREPRO_CACHE:-\$HOME/.cache/mmrepro}/src.

The .config is the small one: x86_64_defconfig + kvm_guest.config with
configs/kernel/mmrepro.config and then each --config FRAGMENT merged
over it (scripts/kconfig/merge_config.sh). Everything a guest needs is
built in, so \`mmrepro vm --kernel DIR/bzImage\` boots it without modules.
A clean build takes about 10 minutes on 2 cores, an incremental one about
2 (Debian's full config takes over 90). Patches (-p1, as from git
format-patch or diff -ru a/ b/) are applied in order to a copy of the
source under DIR/build; the source itself is never modified. A rebuild
into the same DIR is incremental: only what a changed patch, config or
source touches is recompiled.

Every build has a key: the sha256 of the source's content id (tarball
sha256, git commit plus the work tree's diff, or the files' md5sums), of
each patch and each config fragment in order, and of the compiler. When
the output already holds a build with that key, nothing is done: the
SPEC is printed at once. Without --out the output is the cache entry
\${MMREPRO_CACHE:-\$HOME/.cache/mmrepro}/kbuild/VERSION-KEY, and the object
tree kbuild/tree-SOURCE is shared by every build of that source (one at a
time: a second build waits for the first).

DIR gets bzImage, lib/modules/RELEASE, manifest.json (source version,
sha256 of each patch, of the patch series and of the .config; \`mmrepro
ab\` copies it into each run's meta.json) and spec, a SPEC for \`mmrepro
ab\` or ci/ab.sh: kernel=DIR/bzImage,modules=DIR/lib/modules/RELEASE.

  --src DIR|TARBALL  kernel source (required)
  --patch FILE       apply this patch (repeatable, in order)
  --config FRAGMENT  merge this config fragment last (repeatable)
  --out DIR          output and build directory (default: the cache)
  --jobs N           make -j (default: the number of CPUs)
  --config-only      make and check the .config, build nothing: print its
                     path; exit 1 when an option of a fragment did not
                     come out as the fragment asks (each is named)

Exit: 0 built (or already built), 1 the build failed, 2 bad input (no source tree, a patch
that does not apply, a missing file).
USAGE
}

die() { # WHAT WHY [STATUS]
	echo "$prog: $1: $2" >&2
	exit "${3:-1}"
}

src='' out='' jobs=$(nproc) config_only=false
patches=() frags=()
need() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1" "needs a value (see --help)" 2; }
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--src) need "$@"; src=$2; shift ;;
	--patch) need "$@"; patches+=("$2"); shift ;;
	--config) need "$@"; frags+=("$2"); shift ;;
	--out) need "$@"; out=$2; shift ;;
	--jobs) need "$@"; jobs=$2; shift ;;
	--config-only) config_only=true ;;
	*) die "$1" "unknown argument (see --help)" 2 ;;
	esac
	shift
done
[ -n "$src" ] || die --src "is required (see --help)" 2
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs $jobs" "not a positive number" 2
[ -e "$src" ] || die "$src" "no such file or directory: no source tree" 2
for f in "${patches[@]}"; do
	[ -f "$f" ] && [ -r "$f" ] || die "$f" "no such patch file" 2
done
frags=("$top/configs/kernel/mmrepro.config" "${frags[@]}")
for f in "${frags[@]}"; do
	[ -f "$f" ] && [ -r "$f" ] || die "$f" "no such config fragment" 2
done
abspath() { realpath -m -- "$1"; }
src=$(abspath "$src")
for i in "${!patches[@]}"; do patches[i]=$(abspath "${patches[$i]}"); done
for i in "${!frags[@]}"; do frags[i]=$(abspath "${frags[$i]}"); done
sha() { sha256sum "$1" | cut -d' ' -f1; }

# --- the pristine source: PRISTINE, KIND and SRC_ID -------------------
is_tree() { [ -f "$1/Makefile" ] && [ -d "$1/arch/x86" ] && [ -f "$1/scripts/kconfig/merge_config.sh" ]; }
git_commit='' git_describe='' git_dirty=false tar_sha=''
if [ -f "$src" ]; then
	case $src in
	*.tar | *.tar.xz | *.tar.gz | *.tar.bz2 | *.tar.zst | *.tgz) ;;
	*) die "$src" "not a directory or a tarball: no source tree" 2 ;;
	esac
	kind=tarball
	tar_sha=$(sha "$src")
	cache=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}/src
	pristine=$cache/$(basename "${src%%.tar*}")-${tar_sha:0:12}
	if [ ! -d "$pristine" ]; then
		echo "$prog: unpacking $(basename "$src") into $pristine" >&2
		mkdir -p "$cache"
		rm -rf "$pristine.tmp"
		mkdir "$pristine.tmp"
		tar -xf "$src" -C "$pristine.tmp" ||
			die "$src" "tar cannot unpack it: no source tree" 2
		# the tree is the single top directory, or the tarball's root
		top_dirs=("$pristine.tmp"/*)
		if [ ${#top_dirs[@]} -eq 1 ] && is_tree "${top_dirs[0]}"; then
			mv -T "${top_dirs[0]}" "$pristine.tree"
			rm -rf "$pristine.tmp"
			mv -T "$pristine.tree" "$pristine.tmp"
		fi
		is_tree "$pristine.tmp" || {
			rm -rf "$pristine.tmp"
			die "$src" "holds no kernel source tree (Makefile, arch/x86)" 2
		}
		chmod -R a-w "$pristine.tmp"
		chmod u+w "$pristine.tmp"
		mv -T "$pristine.tmp" "$pristine"
	fi
	src_id=tarball:$tar_sha
else
	is_tree "$src" ||
		die "$src" "not a kernel source tree (no Makefile, arch/x86 or scripts/kconfig)" 2
	# make O= refuses a source tree that was configured in place
	[ ! -e "$src/.config" ] && [ ! -e "$src/include/config" ] ||
		die "$src" "the source tree is configured in place (.config); run 'make mrproper' there" 2
	pristine=$src
	if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		kind=git
		git_commit=$(git -C "$src" rev-parse HEAD)
		git_describe=$(git -C "$src" describe --always --tags --dirty 2>/dev/null || echo "$git_commit")
		dirt=$(git -C "$src" diff HEAD | sha256sum | cut -d' ' -f1)
		[ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ] || git_dirty=true
		src_id=git:$git_commit:$dirt
	else
		kind=dir
		# by content: the same path can hold another tree tomorrow
		src_id=dir:$(cd "$src" && find . -path ./.git -prune -o \( -type f -o -type l \) -printf '%P\0' |
			sort -z | xargs -0 -r md5sum -- 2>/dev/null | md5sum | cut -d' ' -f1)
	fi
fi
version=$(make -s -C "$pristine" kernelversion 2>/dev/null) ||
	die "$pristine" "make kernelversion failed: no kernel source tree" 2

# --- the key, the output and the build tree -----------------------------
# The key names what goes into the kernel: the source's content, the
# patches and fragments in order, the config recipe and the compiler.
compiler=$(gcc --version | head -1)
key=$({
	echo "mmrepro-kbuild 1: x86_64_defconfig kvm_guest.config"
	echo "$src_id"
	for p in "${patches[@]}"; do echo "patch $(sha "$p")"; done
	for f in "${frags[@]}"; do echo "config $(sha "$f")"; done
	echo "$compiler"
} | sha256sum | cut -c1-16)
cache=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}/kbuild
if [ -n "$out" ]; then
	mkdir -p "$out" || die "$out" "cannot create it" 2
	out=$(cd "$out" && pwd)
	b=$out/build
else
	out=$cache/$version-$key
	# one object tree per source (a tarball's name, or a tree's path), so
	# that another patch series or a newer tarball is incremental
	case $kind in
	tarball) tree=$(basename "${src%%.tar*}") ;;
	*) tree=$(basename "$src")-$(echo "$src" | sha256sum | cut -c1-8) ;;
	esac
	b=$cache/tree-$tree
fi
mkdir -p "$b" || die "$b" "cannot create it" 2

# up_to_date: the output holds a build with this key
up_to_date() {
	[ -f "$out/bzImage" ] && [ -f "$out/spec" ] &&
		[ "$(jq -r .key "$out/manifest.json" 2>/dev/null)" = "$key" ]
}
if ! $config_only && up_to_date; then
	echo "$prog: up to date (key $key): $out/bzImage" >&2
	cat "$out/spec"
	exit 0
fi

# one build per tree at a time: with --out a second one is refused, in
# the cache it waits (and may then find its kernel built)
exec 9>"$b/lock"
if ! flock -n 9; then
	[ "$b" != "$out/build" ] || die "$out" "another build-kernel.sh is using it"
	echo "$prog: waiting for another build in $b" >&2
	flock 9
	if ! $config_only && up_to_date; then
		echo "$prog: up to date (key $key): $out/bzImage" >&2
		cat "$out/spec"
		exit 0
	fi
fi
mkdir -p "$out" || die "$out" "cannot create it" 2

# --- files a patch touches (-p1) -------------------------------------
# A "--- " line directly followed by "+++ " and then "@@" is a file
# header; the path is the "+++" one, or the "---" one when the file is
# deleted (+++ /dev/null).
touched() {
	awk '
	function strip(p) { sub(/\t.*/, "", p); sub(/^[^\/]*\//, "", p); return p }
	/^--- / { minus = substr($0, 5); want = NR + 1; next }
	/^\+\+\+ / && NR == want { plus = substr($0, 5); hdr = NR + 1; next }
	/^@@ / && NR == hdr {
		p = plus ~ /^\/dev\/null/ ? minus : plus
		print strip(p)
		if (minus !~ /^\/dev\/null/ && strip(minus) != strip(p)) print strip(minus)
	}' "$1"
}

# --- stage: the touched files, pristine, then patched ------------------
stage=$b/stage
rm -rf "$stage"
mkdir -p "$stage"
trap 'rm -rf "$stage"' EXIT
: >"$b/touched.new"
for p in "${patches[@]}"; do touched "$p" >>"$b/touched.new"; done
sort -u -o "$b/touched.new" "$b/touched.new"
if [ ${#patches[@]} -gt 0 ] && [ ! -s "$b/touched.new" ]; then
	die "${patches[0]}" "no unified diff in it (--- a/FILE, +++ b/FILE, @@ ...)" 2
fi
while read -r f; do
	if [ -f "$pristine/$f" ]; then
		mkdir -p "$stage/$(dirname "$f")"
		cp "$pristine/$f" "$stage/$f"
	fi
done <"$b/touched.new"

# hunk FILE N PATCH: the Nth "@@" header of FILE in PATCH
hunk() {
	awk -v f="$1" -v n="$2" '
	function strip(p) { sub(/\t.*/, "", p); sub(/^[^\/]*\//, "", p); return p }
	/^\+\+\+ / { cur = strip(substr($0, 5)); k = 0; next }
	/^@@ / && cur == f && ++k == n { print; exit }' "$3"
}

for p in "${patches[@]}"; do
	if ! log=$(patch -p1 -f -d "$stage" --no-backup-if-mismatch -r - <"$p" 2>&1); then
		# name the first hunk that failed, with its header
		msg=$(echo "$log" | awk '
			/^patching file / { f = substr($0, 15); sub(/^'\''/, "", f); sub(/'\''$/, "", f) }
			/^Hunk #[0-9]+ FAILED/ { n = $2; sub(/#/, "", n); print f, n; exit }')
		if [ -n "$msg" ]; then
			read -r f n <<<"$msg"
			die "$(basename "$p")" "hunk #$n of $f does not apply: $(hunk "$f" "$n" "$p")" 2
		fi
		die "$(basename "$p")" "does not apply: $(echo "$log" | grep -v '^patching file' | head -1)" 2
	fi
	if echo "$log" | grep -q '^Hunk .*succeeded.*fuzz'; then
		echo "$prog: $(basename "$p"): applied with fuzz: $(echo "$log" | grep fuzz | head -1)" >&2
	fi
done

# --- bring build/src to pristine + patches ------------------------------
# build/src follows the source by content, not by mtime: a fresh CI
# checkout (every file new) or another tarball rewrites only the files
# whose content changed since the last build (by their md5sum, listed in
# build/src.sums), so make recompiles only what really changed. The first
# copy keeps the source's mtimes and starts a clean object tree.
sync_file() { # SRC DST: copy if content differs (new mtime); SRC missing: remove DST
	if [ ! -e "$1" ] && [ ! -L "$1" ]; then
		[ ! -e "$2" ] || echo "$2" >>"$b/changed"
		rm -f "$2"
	elif ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		rm -f "$2"
		cp -P "$1" "$2"
		chmod u+w "$2" 2>/dev/null || true
		echo "$2" >>"$b/changed"
	fi
}
# files SRC: the source's files, NUL-separated: git's tracked files (as
# they are in the work tree), or every file and link but .git
files() {
	if [ "$kind" = git ]; then
		git -C "$1" ls-files -z
	else
		(cd "$1" && find . -path ./.git -prune -o \( -type f -o -type l \) -printf '%P\0')
	fi
}
: >"$b/changed"
files "$pristine" >"$b/files"
# (md5sum fails on dangling links, e.g. in tools/: they are left out)
(cd "$pristine" && xargs -0 -n 1000 md5sum -- <"$b/files" 2>/dev/null || true) |
	sort -k 2 >"$b/src.sums.new"
if [ ! -d "$b/src" ] || { [ ! -f "$b/src.sums" ] && [ "$(cat "$b/src.id" 2>/dev/null)" != "$src_id" ]; }; then
	echo "$prog: copying $pristine into $b/src" >&2
	rm -rf "$b/src" "$b/src.tmp" "$b/obj" "$b/touched.old"
	mkdir -p "$b/src.tmp"
	tar -C "$pristine" --null -T "$b/files" -cf - | tar -C "$b/src.tmp" -xf - ||
		die "$pristine" "cannot copy it into $b/src"
	chmod -R u+w "$b/src.tmp"
	mv -T "$b/src.tmp" "$b/src"
elif [ -f "$b/src.sums" ] && ! cmp -s "$b/src.sums" "$b/src.sums.new"; then
	# the files that differ, appeared or went, then sync them one by one
	awk 'NR == FNR { old[substr($0, 35)] = $1; next }
		{ p = substr($0, 35); if (old[p] != $1) print p; delete old[p] }
		END { for (p in old) print p }' "$b/src.sums" "$b/src.sums.new" >"$b/src.diff"
	echo "$prog: the source changed in $(wc -l <"$b/src.diff") file(s) since the last build" >&2
	while read -r f; do
		sync_file "$pristine/$f" "$b/src/$f"
	done <"$b/src.diff"
fi
mv "$b/src.sums.new" "$b/src.sums"
echo "$src_id" >"$b/src.id"
touch "$b/touched.old"
while read -r f; do
	grep -qxF "$f" "$b/touched.new" || sync_file "$pristine/$f" "$b/src/$f"
done <"$b/touched.old"
while read -r f; do
	sync_file "$stage/$f" "$b/src/$f"
done <"$b/touched.new"
mv "$b/touched.new" "$b/touched.old"
rm -rf "$stage"

# --- .config -------------------------------------------------------------
mk() { make -s -C "$b/src" LOCALVERSION= "$@"; }
mkdir -p "$b/cfg" "$b/obj"
rm -f "$b/cfg/.config"
mk O="$b/cfg" x86_64_defconfig kvm_guest.config >"$b/config.log" 2>&1 ||
	die "make x86_64_defconfig kvm_guest.config" "failed (see $b/config.log)"
(cd "$b/cfg" && "$b/src/scripts/kconfig/merge_config.sh" -m -O "$b/cfg" \
	"$b/cfg/.config" "${frags[@]}") >>"$b/config.log" 2>&1 ||
	die "merge_config.sh" "failed (see $b/config.log)"
mk O="$b/cfg" olddefconfig >>"$b/config.log" 2>&1 ||
	die "make olddefconfig" "failed (see $b/config.log)"
# what a fragment asked for but Kconfig did not allow
unmet=0
for f in "${frags[@]}"; do
	while read -r want; do
		sym=${want#\# }
		sym=${sym%%[= ]*}
		got=$(grep -E "^(# )?${sym}[= ]" "$b/cfg/.config" || echo "# $sym is not set")
		if [ "$got" != "$want" ]; then
			echo "$prog: $(basename "$f"): asked for '$want', got '$got'" >&2
			unmet=$((unmet + 1))
		fi
	done < <(grep -E '^(CONFIG_[A-Za-z0-9_]+=.*|# CONFIG_[A-Za-z0-9_]+ is not set)$' "$f")
done
if $config_only; then
	echo "$prog: .config in $b/cfg: $unmet option(s) of the fragments not as asked" >&2
	echo "$b/cfg/.config"
	[ "$unmet" -eq 0 ] || exit 1
	exit 0
fi
cmp -s "$b/cfg/.config" "$b/obj/.config" || cp "$b/cfg/.config" "$b/obj/.config"

# --- build ------------------------------------------------------------------
incremental=false
[ ! -f "$b/obj/vmlinux" ] || incremental=true
echo "$prog: building $version in $b/obj ($( $incremental && echo incremental || echo clean), -j$jobs, $(wc -l <"$b/changed") file(s) changed by patches)" >&2
t0=$(date +%s.%N)
make -C "$b/src" O="$b/obj" LOCALVERSION= -j"$jobs" bzImage modules >"$b/build.log" 2>&1 || {
	grep -E 'error|Error' "$b/build.log" | head -5 >&2
	die make "the build failed (see $b/build.log)"
}
release=$(make -s -C "$b/src" O="$b/obj" LOCALVERSION= kernelrelease)
rm -rf "$out/lib.tmp"
make -C "$b/src" O="$b/obj" LOCALVERSION= INSTALL_MOD_PATH="$out/lib.tmp" \
	INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install >>"$b/build.log" 2>&1 ||
	die "make modules_install" "failed (see $b/build.log)"
t1=$(date +%s.%N)
rm -rf "${out:?}/lib"
mv -T "$out/lib.tmp/lib" "$out/lib"
rm -rf "$out/lib.tmp"
cp "$b/obj/arch/x86/boot/bzImage" "$out/bzImage.tmp"
mv "$out/bzImage.tmp" "$out/bzImage"
seconds=$(echo "$t1 - $t0" | bc)

# --- manifest ------------------------------------------------------------------
pj='[]'
for p in "${patches[@]}"; do
	pj=$(jq -c --arg f "$p" --arg s "$(sha "$p")" '. + [{file: $f, sha256: $s}]' <<<"$pj")
done
fj='[]'
for f in "${frags[@]}"; do
	fj=$(jq -c --arg f "$f" --arg s "$(sha "$f")" '. + [{file: $f, sha256: $s}]' <<<"$fj")
done
# the series hash: of the patches' hashes in order ("none" without any)
series=none
[ ${#patches[@]} -eq 0 ] || series=$(jq -r '.[].sha256' <<<"$pj" | sha256sum | cut -d' ' -f1)
jq -n --arg kind "$kind" --arg path "$src" --arg version "$version" \
	--arg tar_sha "$tar_sha" --arg tree_md5 "$(md5sum <"$b/src.sums" | cut -d' ' -f1)" \
	--arg commit "$git_commit" --arg describe "$git_describe" \
	--argjson dirty "$git_dirty" --arg release "$release" \
	--argjson patches "$pj" --arg series "$series" --argjson frags "$fj" \
	--arg config_sha "$(sha "$b/obj/.config")" \
	--arg image "$out/bzImage" --arg modules "$out/lib/modules/$release" \
	--arg built "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --argjson seconds "$seconds" \
	--argjson incremental "$incremental" --argjson jobs "$jobs" \
	--arg compiler "$compiler" --arg key "$key" '{
	key: $key,
	source: ({kind: $kind, path: $path, version: $version, files_md5: $tree_md5}
		+ (if $tar_sha != "" then {tarball_sha256: $tar_sha} else {} end)
		+ (if $commit != "" then {git_commit: $commit, git_describe: $describe,
			git_dirty: $dirty} else {} end)),
	patches: $patches,
	patch_series_sha256: $series,
	config: {fragments: $frags, base: "x86_64_defconfig kvm_guest.config",
		sha256: $config_sha},
	kernel_release: $release,
	image: $image,
	modules: $modules,
	build: {at: $built, seconds: $seconds, incremental: $incremental,
		jobs: $jobs, compiler: $compiler}
}' >"$out/manifest.json.tmp"
mv "$out/manifest.json.tmp" "$out/manifest.json"
echo "kernel=$out/bzImage,modules=$out/lib/modules/$release" >"$out/spec"
echo "$prog: $release built in ${seconds%.*} s: $out/bzImage" >&2
cat "$out/spec"
