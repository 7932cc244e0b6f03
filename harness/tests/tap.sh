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

tap_end() {
	echo "1..$tap_n"
	[ "$fails" -eq 0 ]
}
