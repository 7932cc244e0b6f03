#!/bin/bash
# Fetch Debian kernels for the guest tests and print, one line each:
#   NAME IMAGE MODULES_DIR DEB...
# 6.1 and 6.12 come from bookworm, through the machine's own apt sources.
# 7.2 comes from sid, through a separate sources list and state directory
# derived from the machine's own mirror: the system's sources are never
# changed. Packages are cached; a second run downloads nothing.
set -eu

usage() {
	cat <<USAGE
usage: ci/kernels.sh [--cache DIR] [6.1|6.12|7.2|all]...

Fetch Debian kernel packages with apt-get download into the cache
(default \${MMREPRO_CACHE:-\$HOME/.cache/mmrepro}/kernels), unpack them and
print "NAME IMAGE MODULES_DIR DEB..." for each.
USAGE
}

die() {
	echo "kernels.sh: $*" >&2
	exit "${2:-1}"
}

cache=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}/kernels
want=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--cache) [ $# -ge 2 ] || die "--cache needs a directory" 2; cache=$2; shift ;;
	6.1 | 6.12 | 7.2) want+=("$1") ;;
	all) want+=(6.1 6.12 7.2) ;;
	*) die "unknown kernel or option '$1' (see --help)" 2 ;;
	esac
	shift
done
[ ${#want[@]} -gt 0 ] || want=(6.1 6.12 7.2)
mkdir -p "$cache"

# The machine's mirror and keyring, from deb822 or one-line sources.
mirror() {
	local f uri key
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ && /debian\/?$/ { print $2; exit }' "$f")
		key=$(awk '/^Signed-By:/ { print $2; exit }' "$f")
		[ -n "$uri" ] && { echo "$uri ${key:-/usr/share/keyrings/debian-archive-keyring.gpg}"; return; }
	done
	uri=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	[ -n "$uri" ] || die "no Debian mirror in /etc/apt/sources.list{,.d}"
	echo "$uri /usr/share/keyrings/debian-archive-keyring.gpg"
}

sid_opts=()
sid_setup() {
	local c=$cache/apt-sid uri key
	read -r uri key < <(mirror)
	mkdir -p "$c/lists/partial" "$c/cache/archives/partial" "$c/parts" "$c/prefs"
	echo "deb [signed-by=$key] $uri sid main" >"$c/sources.list"
	sid_opts=(-o "Dir::Etc::SourceList=$c/sources.list" -o "Dir::Etc::SourceParts=$c/parts"
		-o "Dir::Etc::PreferencesParts=$c/prefs" -o "Dir::State::Lists=$c/lists"
		-o "Dir::Cache=$c/cache")
	# refresh the sid lists at most once a day
	if [ -z "$(find "$c/lists" -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
		apt-get "${sid_opts[@]}" update -qq >/dev/null 2>&1 ||
			die "apt-get update for sid failed (mirror $uri)"
	fi
}

# newest package matching a regex, by version sort
newest() {
	apt-cache "$@" 2>/dev/null | awk '{ print $1 }' | sort -V | tail -1
}

# fetch PKG [apt options...]: the .deb's path in the cache
fetch() {
	local pkg=$1 f
	shift
	f=$(ls "$cache/${pkg}"_*.deb 2>/dev/null | head -1)
	if [ -z "$f" ]; then
		(cd "$cache" && apt-get "$@" download "$pkg" >/dev/null 2>&1) ||
			die "apt-get download $pkg failed"
		f=$(ls "$cache/${pkg}"_*.deb | head -1)
	fi
	echo "$f"
}

unpack() {
	local deb=$1 d=$cache/root/$(basename "$1" .deb)
	mkdir -p "$cache/root"
	if [ ! -d "$d" ]; then
		dpkg-deb -x "$deb" "$d.tmp.$$" && mv -T "$d.tmp.$$" "$d" 2>/dev/null || rm -rf "$d.tmp.$$"
	fi
	echo "$d"
}

for k in "${want[@]}"; do
	case $k in
	6.1 | 6.12)
		case $k in
		6.1) re='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
		6.12) re='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
		esac
		pkg=$(newest search --names-only "$re")
		[ -n "$pkg" ] || die "no $k kernel package in the apt lists (apt-get update?)"
		deb=$(fetch "$pkg")
		root=$(unpack "$deb")
		debs=$deb
		;;
	7.2)
		sid_setup
		bin=$(newest "${sid_opts[@]}" search --names-only \
			'^linux-binary-unsigned-7\.2\.[0-9]+\+deb[0-9]+-amd64$')
		[ -n "$bin" ] || die "no 7.2 kernel in sid"
		ver=${bin#linux-binary-unsigned-}
		deb=$(fetch "$bin" "${sid_opts[@]}")
		mdeb=$(fetch "linux-modules-$ver" "${sid_opts[@]}")
		root=$(unpack "$deb")
		mroot=$(unpack "$mdeb")
		debs="$deb $mdeb"
		;;
	esac
	image=$(ls "$root"/boot/vmlinuz-* "$root"/usr/lib/modules/*/vmlinuz* 2>/dev/null | head -1)
	[ -n "$image" ] || die "no vmlinuz in $(basename "$deb")"
	[ "$k" = 7.2 ] && root=$mroot
	moddir=$(ls -d "$root"/lib/modules/* "$root"/usr/lib/modules/* 2>/dev/null | head -1)
	echo "$k $image $moddir $debs"
done
