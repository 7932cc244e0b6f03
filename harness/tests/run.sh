#!/bin/bash
# Runs every test program and script, each printing TAP ("ok N name" /
# "not ok N name"), and ends with one line: "N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
log=$(mktemp /tmp/mmrepro-tests.XXXXXX)
trap 'rm -f "$log"' EXIT
status=0

run() {
	local name=$1
	shift
	echo "# === $name" | tee -a "$log"
	"$@" 2>&1 | tee -a "$log"
	local rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] && return
	status=1
	# a script that died (or could not start) without a "not ok" line
	# must still count as a failure, with its name
	grep -q '^not ok ' <(sed -n "/^# === $name\$/,\$p" "$log") ||
		echo "not ok - $name exited with status $rc" | tee -a "$log"
}

for t in build/tests/test-*; do
	CMOCKA_MESSAGE_OUTPUT=TAP run "$(basename "$t")" "$t"
done
for t in harness/tests/*.sh; do
	case $t in */run.sh | */tap.sh | */lib-*.sh) continue ;; esac
	run "$(basename "$t")" "$t"
done

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
echo
grep '^not ok ' "$log" | sed 's/^/FAILED: /'
echo "$passed passed, $failed failed"
[ "$passed" -gt 0 ] && [ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
