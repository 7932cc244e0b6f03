# shellcheck shell=bash
# Minimal KTAP-style helpers for the shell tests: each check prints
# "ok N name" or "not ok N name # reason"; run.sh counts them.
n=0
fails=0

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}

not_ok() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n $1 # $2"
}

# check NAME CMD...: ok when CMD succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

tap_end() {
	echo "1..$n"
	[ "$fails" -eq 0 ]
}
