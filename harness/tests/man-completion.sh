#!/bin/bash
# The man page and the bash completion, both made from the program's own
# --help (its command and option tables): every command and option is
# in the man page, which renders without a warning; the completion
# offers commands, options, scenario names and --deb kernels.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-man.XXXXXX)
trap 'rm -rf "$T"' EXIT

# --- build/mmrepro.1 ---
check "make built build/mmrepro.1" test -s build/mmrepro.1
groff -man -Tutf8 -ww -z build/mmrepro.1 >"$T/groff" 2>&1
check "it renders without a warning" bash -c "[ $? -eq 0 ] && [ ! -s '$T/groff' ]"
MANWIDTH=100 man -l build/mmrepro.1 >"$T/man" 2>/dev/null
cmds=$("$M" --help | awk '/^Commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }')
for c in $cmds; do
	missing=
	for o in $("$M" "$c" --help | grep -oE '^  (-[a-zA-Z], )?--[a-z0-9-]+' |
		grep -oE -- '--[a-z0-9-]+'); do
		grep -qF -- "$o" "$T/man" || missing="$missing $o"
	done
	check "man: a section for $c, with every option of its --help${missing:+ (missing:$missing)}" \
		bash -c "grep -qE '^   mmrepro $c\$' '$T/man' && [ -z '$missing' ]"
done

# --- configs/README.md's key reference ---
sed -n '/^<!-- mmrepro check --keys -->$/,/^<!-- end of mmrepro check --keys -->$/p' \
	configs/README.md | sed '1d;$d' >"$T/keys.md"
"$M" check --keys >"$T/keys.out"
check "configs/README.md lists every scenario key, as 'check --keys' prints them" \
	bash -c "[ -s '$T/keys.out' ] && diff -u '$T/keys.md' '$T/keys.out'"

# --- bash completion ---
export PATH=$PWD/build:$PATH MMREPRO_CACHE=$T/cache
mkdir -p "$T/cache/kernels"
touch "$T/cache/kernels/linux-image-6.12.1-amd64_1_amd64.deb"
. harness/mmrepro.bash
# comp WORD...: what completing the last word offers, on one line
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mmrepro
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
check "completion: commands" [ "$(comp mmrepro ch)" = check ]
check "completion: every command" \
	[ "$(comp mmrepro '' | wc -w)" -eq $(($(echo "$cmds" | wc -w) + 2)) ]
check "completion: a command's options" [ "$(comp mmrepro run --lo)" = --local ]
check "completion: scenario names" [ "$(comp mmrepro run udp)" = udp-order3 ]
check "completion: the scenario after options, not option values" \
	[ "$(comp mmrepro run --local --out /tmp/x zram)" = zram-oom ]
check "completion: no second scenario for run, more for check" \
	bash -c "[ -z '$(comp mmrepro run udp-order3 zram)' ] &&
		[ '$(comp mmrepro check udp-order3 zram)' = zram-oom ]"
check "completion: --deb offers the cached kernels" \
	[ "$(comp mmrepro run udp-order3 --deb "$T/cache/kernels/linux-image-6")" = \
	"$T/cache/kernels/linux-image-6.12.1-amd64_1_amd64.deb" ]
check "completion: --kernel offers the kernel names" \
	[ "$(comp mmrepro run udp-order3 --kernel 6.1)" = "6.1 6.12 6.18" ]
check "completion: so does bisect's --good" \
	[ "$(comp mmrepro bisect udp-order3 --good 7.)" = "7.2 7.3" ]
check "completion: --format values" [ "$(comp mmrepro compare --format m)" = md ]
tap_end
