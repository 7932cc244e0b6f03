#!/bin/bash
# The default-options file (~/.config/mmrepro/config): what `vm --dry-run`
# resolves from it (nothing boots), where it is looked for, that options
# on the command line win, and the one-line errors of a bad file.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-$PWD/build/mmrepro}
T=$(mktemp -d /tmp/mmrepro-config.XXXXXX)
trap 'rm -rf "$T"' EXIT
unset MMREPRO_CONFIG MMREPRO_CACHE XDG_CONFIG_HOME
export HOME=$T/home
mkdir -p "$HOME"

# dry [ENV=VALUE...] -- [OPTIONS...]: vm --dry-run's output in $T/out
dry() {
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	env "${env[@]}" "$M" vm --kernel /nonexistent --dry-run "$@" -- true \
		>"$T/out" 2>"$T/err"
}

printf '# defaults\nmem = 1G\ncpus = 1\naccel = tcg\ncache = ~/kcache\n' >"$T/c1"
dry MMREPRO_CONFIG="$T/c1" --
check "MMREPRO_CONFIG: mem, cpus, accel and cache from the file, ~ is HOME" \
	bash -c "[ $? -eq 0 ] && diff - '$T/out' <<-EOF
		config: $T/c1
		mem: 1024M
		cpus: 1
		accel: tcg
		cache: $HOME/kcache
	EOF"
dry MMREPRO_CONFIG="$T/c1" -- --mem 512M --accel kvm
check "options on the command line win over the file" \
	bash -c "grep -qx 'mem: 512M' '$T/out' && grep -qx 'accel: kvm' '$T/out'"
printf 'cpus = 4096\n' >"$T/c2"
dry MMREPRO_CONFIG="$T/c2" --
check "cpus from the file is used: more than the host's is refused" \
	bash -c "[ $? -eq 2 ] && grep -q 'cpus 4096: must be 1 to' '$T/err'"
dry MMREPRO_CONFIG="$T/c2" -- --cpus 1
check "--cpus wins over the file's cpus" \
	bash -c "[ $? -eq 0 ] && grep -qx 'cpus: 1' '$T/out'"
dry MMREPRO_CONFIG="$T/c1" MMREPRO_CACHE="$T/envcache" --
check "\$MMREPRO_CACHE wins over the file's cache" grep -qx "cache: $T/envcache" "$T/out"

mkdir -p "$HOME/.config/mmrepro" "$T/xdg/mmrepro"
printf 'mem = 768M\n' >"$HOME/.config/mmrepro/config"
printf 'mem = 640M\n' >"$T/xdg/mmrepro/config"
dry -- --cpus 1
check "~/.config/mmrepro/config is read by default" \
	bash -c "grep -qx 'config: $HOME/.config/mmrepro/config' '$T/out' && grep -qx 'mem: 768M' '$T/out'"
dry XDG_CONFIG_HOME="$T/xdg" -- --cpus 1
check "\$XDG_CONFIG_HOME/mmrepro/config instead when it is set" \
	bash -c "grep -qx 'config: $T/xdg/mmrepro/config' '$T/out' && grep -qx 'mem: 640M' '$T/out'"
dry MMREPRO_CONFIG=/dev/null XDG_CONFIG_HOME="$T/xdg" -- --cpus 1
check "MMREPRO_CONFIG=/dev/null: no file, the built-in defaults" \
	bash -c "grep -qx 'config: none' '$T/out' && grep -qx 'mem: 2048M' '$T/out' &&
		grep -qx 'cache: $HOME/.cache/mmrepro' '$T/out' && grep -q '^accel: probe' '$T/out'"

# bad FILE LINE REASON CONTENT: one line "mmrepro: FILE:LINE: REASON", exit 2
bad() {
	local n=$1 line=$2 why=$3 rc
	printf "$4" >"$T/bad$n"
	dry MMREPRO_CONFIG="$T/bad$n" --
	rc=$?
	if [ "$rc" -eq 2 ] && [ ! -s "$T/out" ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
		grep -qF "mmrepro: $T/bad$n:$line: $why" "$T/err"; then
		ok "bad file: $why"
	else
		not_ok "bad file: $why" "rc=$rc: $(head -c 200 "$T/err")"
	fi
}
bad 1 3 "unknown key 'frob'" 'mem = 1G\n\nfrob = 1\n'
bad 2 2 "not KEY = VALUE" 'cpus = 1\njust words\naccel = qemu\n'
bad 3 2 "accel = qemu: must be kvm or tcg" 'cpus = 1\naccel = qemu\njust words\n'
bad 4 2 "a [section]" 'mem = 1G\n[vm]\nmem = 1G\n'
bad 5 3 "mem is set twice" 'mem = 1G\n#\nmem = 2G\n'
bad 6 1 "mem = 100M: at least 256M" 'mem = 100M\n'
bad 7 1 "mem = lots: not a size" 'mem = lots\n'
bad 8 1 "cpus = 0: not a number of CPUs" 'cpus = 0\n'
dry MMREPRO_CONFIG="$T/nonexistent" --
check "a file named by MMREPRO_CONFIG must exist" \
	bash -c "[ $? -eq 2 ] && grep -qx 'mmrepro: $T/nonexistent: No such file or directory' '$T/err'"
# the cache holds what boots as the guest: refused unless it is this
# user's alone (issue 20: with HOME unset it was /tmp/.cache/mmrepro)
mkdir -m 0777 "$T/wcache"
chmod 0777 "$T/wcache"
dry MMREPRO_CACHE="$T/wcache" -- --cpus 1
check "a cache others may write: exit 2, one line saying so" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ] &&
		grep -q 'cache $T/wcache: group or others may write it' '$T/err'"
mkdir -m 0755 "$T/ncache"
chown nobody "$T/ncache"
dry MMREPRO_CACHE="$T/ncache" -- --cpus 1
check "a cache another user owns: exit 2, saying whose" \
	bash -c "[ $? -eq 2 ] && grep -q 'cache $T/ncache: owned by uid [0-9]*, not by this user' '$T/err'"
mkdir -m 0755 "$T/rcache"
ln -s "$T/rcache" "$T/lcache"
dry MMREPRO_CACHE="$T/lcache" -- --cpus 1
check "a cache that is a symlink: exit 2" \
	bash -c "[ $? -eq 2 ] && grep -q 'cache $T/lcache: not a directory' '$T/err'"
check "and nothing was written into any of them" \
	bash -c "[ -z \"\$(find '$T/wcache' '$T/ncache' '$T/rcache' -mindepth 1)\" ]"
dry MMREPRO_CACHE="$T/rcache" -- --cpus 1
check "a cache of this user's, mode 755: accepted" \
	bash -c "[ $? -eq 0 ] && grep -qx 'cache: $T/rcache' '$T/out'"
tap_end
