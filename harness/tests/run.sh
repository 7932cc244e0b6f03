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

# --san (make check-san): the unit tests and every script that boots no
# guest, against the ASan+UBSan build in build/san; a sanitizer report
# anywhere, even in a command whose failure a test expected, fails it
if [ "${1:-}" = --san ]; then
	san=$(mktemp -d /tmp/mmrepro-san.XXXXXX)
	export MMREPRO_BIN=$PWD/build/san/mmrepro
	export ASAN_OPTIONS=detect_leaks=0:log_path=$san/asan
	export UBSAN_OPTIONS=print_stacktrace=1:log_path=$san/ubsan
	for t in build/san/tests/test-*; do
		CMOCKA_MESSAGE_OUTPUT=TAP run "san-$(basename "$t")" "$t"
	done
	for t in check cli compare config html man-completion runner untrusted; do
		run "san-$t.sh" "harness/tests/$t.sh"
	done
	echo "# === sanitizer reports" | tee -a "$log"
	if [ -n "$(ls -A "$san")" ]; then
		status=1
		for f in "$san"/*; do
			echo "not ok - $(grep -m1 -E 'ERROR: AddressSanitizer|runtime error' "$f") ($f)" | tee -a "$log"
		done
	else
		echo "ok - no ASan or UBSan report from any of them" | tee -a "$log"
		rm -rf "$san"
	fi
else
	for t in build/tests/test-*; do
		CMOCKA_MESSAGE_OUTPUT=TAP run "$(basename "$t")" "$t"
	done
	for t in harness/tests/*.sh; do
		case $t in */run.sh | */tap.sh | */lib-*.sh) continue ;; esac
		run "$(basename "$t")" "$t"
	done
fi

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
echo
grep '^not ok ' "$log" | sed 's/^/FAILED: /'
echo "$passed passed, $failed failed"
[ "$passed" -gt 0 ] && [ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
