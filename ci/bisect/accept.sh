#!/bin/bash
# mmrepro bisect's acceptance, on real kernels under TCG (make accept):
#   packaged  defrag-unmovable at vm.defrag_mode=1, --good 6.18 --bad 7.3
#             --bad-means not-reproduced: must name 7.2 (the fix came in
#             7.2); 3 kernels, 3 runs each, about 15 min
#   git       a git history made here from Debian's linux-source-6.12:
#             the import, two commits that touch only Documentation/, the
#             commit that applies udp-order3-no-kswapd-wake.patch, and two
#             more Documentation/ ones; udp-order3 (watermark boosting
#             off, as ci/patched/accept.sh) with --bad-means
#             not-reproduced must name the patch's commit, each step a
#             real incremental build of ci/build-kernel.sh; about 35 min
#             with the first (clean) build of that tree
# usage: ci/bisect/accept.sh [--only packaged|git] OUTDIR
set -eu
cd "$(dirname "$0")/../.."
only=""
if [ "${1:-}" = --only ]; then
	only=$2
	shift 2
fi
case ${1:-} in
-h | --help | "")
	sed -n '2,/^[^#]/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
	[ -n "${1:-}" ]
	exit $?
	;;
esac
out=$1
M=${MMREPRO_BIN:-$PWD/build/mmrepro}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rc=0

if [ -z "$only" ] || [ "$only" = packaged ]; then
	r=0
	"$M" bisect defrag-unmovable --good 6.18 --bad 7.3 \
		--bad-means not-reproduced --runs 3 --threshold 2 \
		--set sysctl.vm.defrag_mode=1 --out "$out/packaged" \
		>"$out/packaged.txt" 2>"$out/packaged.log" || r=$?
	got=$(jq -r .first_bad "$out/packaged/bisect.json" 2>/dev/null || echo none)
	echo "== packaged (exit $r): first bad $got; 7.2.* expected"
	case $got in 7.2.*) ;; *) rc=1 ;; esac
fi

if [ -z "$only" ] || [ "$only" = git ]; then
	# the history: made once, in the cache
	cache=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}
	repo=$cache/bisect-git/linux
	patch=$PWD/configs/kernel/patches/udp-order3-no-kswapd-wake.patch
	if [ ! -f "$repo/.mmrepro-history" ]; then
		rm -rf "$repo"
		mkdir -p "$repo"
		tar -C "$repo" --strip-components=1 -xJf /usr/src/linux-source-6.12.tar.xz
		g() { git -C "$repo" -c user.name=mmrepro -c user.email=mmrepro@localhost "$@"; }
		g init -q
		# every file of the tarball, even those its .gitignore names
		g add -A -f .
		g commit -qm "import linux-source-6.12"
		doc() { # doc N: a commit that touches only Documentation/
			echo "mmrepro bisect test $1" >>"$repo/Documentation/mmrepro-bisect.txt"
			g add -f Documentation/mmrepro-bisect.txt
			g commit -qm "Documentation: bisect test note $1"
		}
		doc 1
		doc 2
		g apply "$patch"
		g commit -qam "net: skb_page_frag_refill: no kswapd wakeup for the order-3 attempt (udp-order3 test patch)"
		doc 3
		doc 4
		touch "$repo/.mmrepro-history"
		echo ".mmrepro-history" >>"$repo/.git/info/exclude"
	fi
	want=$(git -C "$repo" log --format=%H -1 HEAD~2)
	start=$(date +%s)
	r=0
	"$M" bisect udp-order3 --git "$repo" --good HEAD~5 --bad HEAD \
		--bad-means not-reproduced --runs 2 --threshold 2 \
		--set sysctl.vm.watermark_boost_factor=0 --out "$out/git" \
		>"$out/git.txt" 2>"$out/git.log" || r=$?
	got=$(jq -r .first_bad "$out/git/bisect.json" 2>/dev/null || echo none)
	echo "== git (exit $r, $(($(date +%s) - start)) s): first bad $got; $want expected ($(git -C "$repo" log -1 --format=%s "$want"))"
	[ "$got" = "$want" ] || rc=1
fi
exit $rc
