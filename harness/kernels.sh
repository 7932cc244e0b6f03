#!/bin/bash
# mmrepro kernels: fetch Debian kernels by name and print, one line each:
#   NAME RELEASE IMAGE MODULES_DIR DEB...
# The binary carries this script (as it carries vm-init.sh) and runs it
# with bash: the work is apt-get download, dpkg-deb -x and depmod, which
# are tools, so it stays the glue around them that shell is made for.
# 6.1 and 6.12 come from bookworm, through the machine's own apt lists.
# 6.18 and 7.3 come from trixie-backports, 7.2 from sid, each through a
# separate sources list, lists directory and package cache derived from
# the machine's own mirror: the system's apt configuration and state are
# never changed. Packages are cached and
# unpacked once; a second run downloads nothing. MODULES_DIR has a
# modules.dep (depmod -b ROOT VER was run on it), so `modprobe -d ROOT -S
# VER` works on the unpacked tree (ROOT is MODULES_DIR/../../..).
set -eu

prog=${0:-mmrepro kernels}

usage() {
	cat <<USAGE
usage: mmrepro kernels [--cache DIR] [NAME|all]...
       mmrepro kernels --list | --names

Fetch Debian kernel packages with apt-get download into the cache
(default \${MMREPRO_CACHE:-\$HOME/.cache/mmrepro}/kernels), unpack them and
print one line per kernel:

  NAME RELEASE KERNEL_IMAGE MODULES_DIR DEB...

A NAME is a series (6.1, 6.12, 6.18, 7.2, 7.3: its newest package) or an
exact version of one (6.18.15, 7.2.13: 6.1's packages are named by ABI,
so 6.1 takes no third number). 'run --kernel', ab's kernel=, sweep and
bisect take the same names.

  --list     the packages each series has in the apt lists, oldest
             first, as NAME PACKAGE (NAME: the exact version, which
             the commands take; 6.1 by series only); nothing is
             downloaded
  --names    the series, oldest first, on one line

  6.1, 6.12  newest linux-image-<abi>-amd64-unsigned of that series in
             the machine's (bookworm) apt lists
  6.18       newest linux-image-6.18.*+deb13-amd64 (image and modules in
             one package) from trixie-backports: it has vm.defrag_mode
             but not the 7.2 fix, the defrag-unmovable bug kernel
  7.2        newest linux-binary-unsigned-7.2.* and its linux-modules-*
             from sid
  7.3        newest linux-binary-unsigned-7.3.* and its linux-modules-*
             from trixie-backports
  all        6.1 6.12 6.18 7.2 7.3 (also the default)

Suites other than bookworm are reached through a private apt
configuration under the cache (apt-SUITE/), made from the machine's own
mirror and keyring; their lists are refreshed when older than a day.
6.19, 7.0 and 7.1 are not offered: trixie-backports ships no modules
package for them (no 9p or virtio drivers for the guest).

Exit status: 0 ok, 1 fetch or unpack failure, 2 usage error.
(ci/kernels.sh is the same without the RELEASE column, for old scripts.)
USAGE
}

# die WHAT WHY [STATUS]
die() {
	echo "$prog: $1: $2" >&2
	exit "${3:-1}"
}

warn() {
	echo "$prog: $1: $2" >&2
}

cache=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}/kernels
series=(6.1 6.12 6.18 7.2 7.3)
mode=fetch
want=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--cache)
		if [ $# -lt 2 ] || [ -z "$2" ]; then die --cache "needs a directory" 2; fi
		cache=$2
		shift
		;;
	--cache=*) cache=${1#--cache=} ;;
	--list) mode=list ;;
	--names) mode=names ;;
	6.1 | 6.12 | 6.18 | 7.2 | 7.3) want+=("$1") ;;
	6.12.[0-9]* | 6.18.[0-9]* | 7.2.[0-9]* | 7.3.[0-9]*)
		[[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "$1" "not a kernel name: SERIES or SERIES.N (see --help)" 2
		want+=("$1")
		;;
	6.1.[0-9]*)
		die "$1" "6.1's packages are named by ABI (6.1.0-N), not by version: use 6.1" 2
		;;
	all) want+=("${series[@]}") ;;
	6.19* | 7.0* | 7.1 | 7.1.*)
		die "$1" "trixie-backports has no linux-modules package for it (see --help)" 2
		;;
	*) die "$1" "unknown kernel or option (see --help)" 2 ;;
	esac
	shift
done
if [ $mode = names ]; then
	echo "${series[*]}"
	exit 0
fi
[ ${#want[@]} -gt 0 ] || want=("${series[@]}")
mkdir -p "$cache" || die "$cache" "cannot create the cache directory"
cache=$(cd "$cache" && pwd)

# The machine's Debian mirror and keyring: "URI KEYRING", from the deb822
# sources (debian.sources first) or a one-line sources.list.
mirror() {
	local f uri key
	for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# the stanza whose suites include the plain release (not -security)
		read -r uri key < <(awk '
			/^[ \t]*$/ { if (u != "" && ok) { print u, k; exit } u = ""; k = ""; ok = 0; next }
			/^URIs:/ { u = $2 }
			/^Signed-By:/ { k = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-/) ok = 1 }
			END { if (u != "" && ok) print u, k }' "$f") || true
		if [ -n "${uri:-}" ]; then
			echo "$uri ${key:-/usr/share/keyrings/debian-archive-keyring.gpg}"
			return 0
		fi
	done
	if [ -f /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" && $2 !~ /^\[/ && $3 !~ /-/ { print $2; exit }
			$1 == "deb" && $2 ~ /^\[/ && $4 !~ /-/ { print $3; exit }' /etc/apt/sources.list)
		if [ -n "$uri" ]; then
			echo "$uri /usr/share/keyrings/debian-archive-keyring.gpg"
			return 0
		fi
	fi
	return 1
}

# suite_setup SUITE: fill suite_opts with the apt options of a private
# configuration for SUITE (sid, trixie-backports) under the cache
suite_opts=()
suite_setup() {
	local suite=$1 c=$cache/apt-$1 uri key err
	read -r uri key < <(mirror) || die "apt sources" "no Debian mirror in /etc/apt/sources.list{,.d}"
	mkdir -p "$c/lists/partial" "$c/cache/archives/partial" "$c/parts" "$c/prefs"
	cat >"$c/sources.list.new" <<EOF
# generated by ci/kernels.sh from the machine's apt sources; $suite only
deb [signed-by=$key] $uri $suite main
EOF
	mv "$c/sources.list.new" "$c/sources.list"
	# empty parts directories: nothing of the system's sources, pins or
	# apt.conf.d snippets that name other lists is read
	suite_opts=(-o "Dir::Etc::SourceList=$c/sources.list"
		-o "Dir::Etc::SourceParts=$c/parts"
		-o "Dir::Etc::PreferencesParts=$c/prefs"
		-o "Dir::Etc::Preferences=$c/prefs/none"
		-o "Dir::State::Lists=$c/lists"
		-o "Dir::State::status=/dev/null"
		-o "Dir::Cache=$c/cache")
	# refresh the lists when missing or older than a day
	if [ -z "$(find "$c/lists" -maxdepth 1 -name '*_Packages*' -mtime -1 2>/dev/null)" ]; then
		if ! err=$(apt-get "${suite_opts[@]}" update -q 2>&1 >/dev/null); then
			if [ -n "$(find "$c/lists" -maxdepth 1 -name '*_Packages*' 2>/dev/null)" ]; then
				warn "apt-get update ($suite)" "failed, using the old lists: $(echo "$err" | tail -1)"
			else
				die "apt-get update ($suite, $uri)" "$(echo "$err" | tail -1)"
			fi
		fi
	fi
}

# newest REGEX [APT_OPTS...]: the newest package name matching REGEX
newest() {
	local re=$1
	shift
	apt-cache "$@" search --names-only "$re" 2>/dev/null | awk '{ print $1 }' | sort -V | tail -1
}

# cached PATTERN: the newest cached .deb whose name matches the glob
cached() {
	local f last=
	for f in "$cache"/$1; do
		[ -f "$f" ] && last=$f
	done
	[ -n "$last" ] || return 1
	# shellcheck disable=SC2086 # $1 is a glob
	printf '%s\n' "$cache"/$1 | sort -V | tail -1
}

# fetch PKG [APT_OPTS...]: download the candidate version of PKG into
# the cache unless it is there, and print the .deb's path
fetch() {
	local pkg=$1 ver f err
	shift
	ver=$(apt-cache "$@" policy "$pkg" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		die "$pkg" "no installable version in the apt lists"
	fi
	f=$cache/${pkg}_${ver//:/%3a}_amd64.deb
	if [ ! -s "$f" ]; then
		# apt-get download writes into the current directory
		if ! err=$(cd "$cache" && apt-get "$@" download -q "$pkg=$ver" 2>&1 >/dev/null); then
			die "apt-get download $pkg=$ver" "$(echo "$err" | grep -v '^W:' | tail -1)"
		fi
		[ -s "$f" ] || die "$pkg" "downloaded, but $f is not there"
	fi
	echo "$f"
}

# unpack DEB...: extract the packages of one kernel together (sid splits
# image and modules) into one root under the cache, once, and print it
unpack() {
	local d deb stamp
	d=$cache/root/$(basename "$1" .deb)
	stamp=$(for deb in "$@"; do basename "$deb"; done)
	if [ ! -d "$d" ] || [ "$(cat "$d/.debs" 2>/dev/null)" != "$stamp" ]; then
		mkdir -p "$cache/root"
		rm -rf "$d" "$d.tmp"
		for deb in "$@"; do
			dpkg-deb -x "$deb" "$d.tmp" || {
				rm -rf "$d.tmp"
				die "dpkg-deb -x $(basename "$deb")" "failed"
			}
		done
		echo "$stamp" >"$d.tmp/.debs"
		mv -T "$d.tmp" "$d"
	fi
	echo "$d"
}

# image ROOT: the kernel image in an unpacked package (both layouts)
image() {
	local f
	for f in "$1"/boot/vmlinuz-* "$1"/usr/lib/modules/*/vmlinuz*; do
		[ -f "$f" ] && {
			echo "$f"
			return 0
		}
	done
	return 1
}

# moddir ROOT: ROOT/lib/modules/VER, with modules.dep. For the /usr/lib
# layout, ROOT/lib links to usr/lib, because depmod and modprobe (kmod 30)
# look in ROOT/lib/modules only.
moddir() {
	local root=$1 d ver
	for d in "$root"/lib/modules/* "$root"/usr/lib/modules/*; do
		[ -d "$d/kernel" ] || continue
		ver=${d##*/}
		if [ ! -e "$root/lib/modules/$ver" ]; then
			[ ! -e "$root/lib" ] || die "$root" "has both /lib and /usr/lib/modules"
			ln -s usr/lib "$root/lib"
		fi
		# sid's packages ship no modules.order/modules.builtin: depmod
		# warns, and modprobe says "not found" for built-in modules there
		if [ ! -s "$d/modules.dep" ]; then
			depmod -b "$root" "$ver" 2>/dev/null || die "depmod -b $root $ver" "failed"
		fi
		echo "$d"
		return 0
	done
	return 1
}

# pkgre SERIES N: the regex of the package that carries the image of
# SERIES (N: a version's third number, or [0-9]+ for any), and in
# suite, the suite it comes from ("" for the machine's own lists)
pkgre() {
	local v=${1/./\\.}\\.$2
	case $1 in
	6.1) suite='' re='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
	6.12) suite='' re="^linux-image-$v\\+deb[0-9]+-amd64-unsigned\$" ;;
	6.18) suite=trixie-backports re="^linux-image-$v\\+deb[0-9]+-amd64\$" ;;
	7.2) suite=sid re="^linux-binary-unsigned-$v\\+deb[0-9]+-amd64\$" ;;
	7.3) suite=trixie-backports re="^linux-binary-unsigned-$v\\+deb[0-9]+-amd64\$" ;;
	esac
}

# lookup NAME: ser (its series), n (its third number or ""), re, suite
# and suite_opts, the apt options that reach that suite's lists
lookup() {
	ser=$(cut -d. -f1-2 <<<"$1")
	n=$(cut -s -d. -f3 <<<"$1")
	pkgre "$ser" "${n:-[0-9]+}"
	suite_opts=()
	[ -z "$suite" ] || suite_setup "$suite"
}

if [ $mode = list ]; then
	for k in "${want[@]}"; do
		lookup "$k"
		apt-cache "${suite_opts[@]}" search --names-only "$re" 2>/dev/null |
			awk -v k="$ser" '{ v = k; if (k != "6.1" && match($1, /[0-9]+\.[0-9]+\.[0-9]+/))
				v = substr($1, RSTART, RLENGTH); print v, $1 }' | sort -V
	done
	exit 0
fi

for k in "${want[@]}"; do
	lookup "$k"
	pkg=$(newest "$re" "${suite_opts[@]}")
	if [ -z "$pkg" ] && [ -n "$suite" ]; then
		die "$k" "no package matching $re in $suite ('mmrepro kernels --list $ser')"
	fi
	case $ser in
	6.1 | 6.12)
		if [ -n "$pkg" ]; then
			deb=$(fetch "$pkg")
		elif [ -z "$n" ]; then
			# no apt lists (never updated?): a cached package will do
			case $ser in
			6.1) glob='linux-image-6.1.0-*-amd64-unsigned_*.deb' ;;
			6.12) glob='linux-image-6.12.*-amd64-unsigned_*.deb' ;;
			esac
			deb=$(cached "$glob") ||
				die "$k" "no package matching $re in the apt lists (apt-get update?) and none cached"
		else
			die "$k" "no package matching $re in the apt lists ('mmrepro kernels --list $ser' shows what there is)"
		fi
		debs=("$deb")
		;;
	6.18)
		debs=("$(fetch "$pkg" "${suite_opts[@]}")")
		;;
	7.2 | 7.3)
		abi=${pkg#linux-binary-unsigned-}
		debs=("$(fetch "$pkg" "${suite_opts[@]}")" "$(fetch "linux-modules-$abi" "${suite_opts[@]}")")
		;;
	esac
	root=$(unpack "${debs[@]}")
	img=$(image "$root") || die "$k" "no vmlinuz in $(basename "${debs[0]}")"
	mods=$(moddir "$root") || die "$k" "no lib/modules/VER/kernel in $(basename "${debs[-1]}")"
	echo "$k ${mods##*/} $img $mods ${debs[*]}"
done
