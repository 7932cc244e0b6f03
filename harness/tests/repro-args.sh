#!/bin/bash
# The reproducers read sizes and times as mmrepro does (32K, 32KiB, 1.5G;
# 500ms, 40s, 2m, 1h).  Each case gives a good value in the syntax, then
# a bad --fill, --threads or --dgram: the error must be about that one, which
# shows the first was taken (and nothing ran).
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
R=build/repro
T=$(mktemp -d /tmp/mmrepro-repro-args.XXXXXX)
trap 'rm -rf "$T"' EXIT

# taken NAME WANT-ERROR PROG ARGS...: exit 2, one line, that error
taken() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$want" "$T/err"; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc: $(head -c 200 "$T/err")"
	fi
}

# each case has a unit the reproducer refused before, and keeps one it
# took already
taken "frag --stride 32KiB (and --size 64M)" "--fill: expected" \
	$R/frag --size 64M --stride 32KiB --fill nope
taken "frag --size 1.5GiB (and --stride 32K)" "--fill: expected" \
	$R/frag --stride 32K --size 1.5GiB --fill nope
taken "frag --duration 1h (and --report 500ms)" "--fill: expected" \
	$R/frag --report 500ms --duration 1h --fill nope
taken "frag --duration 1500000us (and --report 2m)" "--fill: expected" \
	$R/frag --report 2m --duration 1500000us --fill nope
taken "udp_storm --duration 1h (and --park-max 268435456)" "--threads: expected" \
	$R/udp_storm --park-max 268435456 --duration 1h --threads 0
taken "udp_storm --park-max 256M (and --duration 45)" "--threads: expected" \
	$R/udp_storm --duration 45 --park-max 256M --threads 0
taken "udp_storm --hole-buf 4MiB (and --duration 2m)" "--threads: expected" \
	$R/udp_storm --duration 2m --hole-buf 4MiB --threads 0
taken "unmovable --total 1.5GiB (and --interval 500ms)" "--dgram: invalid" \
	$R/unmovable -s pipes --interval 500ms --total 1.5GiB --dgram 0
taken "unmovable --rate 50MiB/s (and --duration 2m)" "--dgram: invalid" \
	$R/unmovable -s pipes --duration 2m --rate 50MiB/s --dgram 0
tap_end
