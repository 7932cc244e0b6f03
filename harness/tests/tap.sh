# shellcheck shell=bash
# Minimal KTAP-style helpers for the shell tests: each check prints
# "ok N name" or "not ok N name # reason"; run.sh counts them.
tap_n=0
fails=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $1"
}

not_ok() {
	tap_n=$((tap_n + 1))
	fails=$((fails + 1))
	echo "not ok $tap_n $1 # $2"
}

# check NAME CMD...: ok when CMD succeeds
check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# ktap_parses FILE JSON: the kernel's own KTAP parser (kunit.py parse,
# from linux-source-6.12) reads FILE without an error; JSON gets its tree
ktap_parses() {
	local d=${MMREPRO_CACHE:-$HOME/.cache/mmrepro}/linux-tools/kunit-6.12
	local k=$d/linux-source-6.12/tools/testing/kunit/kunit.py
	if [ ! -f "$k" ]; then
		mkdir -p "$d" && tar -C "$d" -xJf /usr/src/linux-source-6.12.tar.xz \
			linux-source-6.12/tools/testing/kunit || return 1
	fi
	python3 "$k" parse --json="$2" "$1" >"$1.parsed" 2>&1
	grep -q 'Testing complete' "$1.parsed" && ! grep -Eq '\[(ERROR|CRASHED)\]' "$1.parsed"
}

tap_end() {
	echo "1..$tap_n"
	[ "$fails" -eq 0 ]
}

# as_guest CMD...: CMD as if inside a mmrepro guest, with no guest: a
# private mount namespace whose /proc/cmdline carries a boot token, and
# that token in $MMREPRO_GUEST (what `mmrepro vm` gives a guest)
as_guest() {
	local tok=0123456789abcdef0123456789abcdef f rc
	f=$(mktemp /tmp/mmrepro-cmdline.XXXXXX)
	printf '%s mmrepro.guest=%s\n' "$(cat /proc/cmdline)" "$tok" >"$f"
	MMREPRO_GUEST=$tok unshare -m --propagation private \
		sh -c 'mount --bind "$0" /proc/cmdline && exec "$@"' "$f" "$@"
	rc=$?
	rm -f "$f"
	return $rc
}
