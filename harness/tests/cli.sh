#!/bin/bash
# End-to-end tests of `mmrepro sample` on this host, and its errors.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-build/mmrepro}
MA=$(realpath "$M") # for a command run from another directory
T=$(mktemp -d /tmp/mmrepro-cli.XXXXXX)
trap 'umount "$T"/fs-* 2>/dev/null; rm -rf "$T"' EXIT

# one-line error with exit 2: expect_usage NAME ARGS...
expect_usage() {
	local name=$1 rc lines
	shift
	"$M" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	lines=$(wc -l <"$T/err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -q '^mmrepro: ' "$T/err" &&
		[ ! -s "$T/out" ]; then
		ok "$name"
	else
		not_ok "$name" "rc=$rc lines=$lines: $(head -c 200 "$T/err")"
	fi
}

# --- the 2-second run at 50 ms ---
E="$T/e2e"
"$M" sample --interval 50ms --duration 2s --out "$E" >"$T/live" 2>"$T/err"
check "sample exits 0" [ $? -eq 0 ]
samples=$(jq .samples "$E/meta.json")
skipped=$(jq .samples_skipped "$E/meta.json")
# slots at 0, 50 ms, ..., 2 s: 41, less any skipped for lateness
check "41 sample slots taken or counted as skipped" [ $((samples + skipped)) -eq 41 ]
# how many a loaded host makes it skip is a speed, not a behaviour
# (harness/bench measures it); a busy CI runner skipped 9 and more
check "slots were taken, not all skipped (at least t=0, 1 s and 2 s)" [ "$samples" -ge 3 ]
for f in "$E"/samples/*.csv; do
	rows=$(($(wc -l <"$f") - 1))
	src=$(basename "$f" .csv)
	every=$(jq -r ".sources.$src.interval_s" "$E/meta.json")
	if [ "$every" = 0.05 ]; then
		check "$src.csv: one row per sample" [ "$rows" -eq "$samples" ]
	else
		# slow sources: one row per --slow-interval (1 s): t=0, 1, 2
		check "$src.csv: one row per ${every}s" [ "$rows" -eq 3 ]
	fi
	check "$(basename "$f"): t strictly increasing from 0 to 2 s" \
		awk -F, 'NR==1 { if ($1 != "t") exit 1; next }
			NR==2 { if ($1 < 0 || $1 > 0.05) exit 1 }
			NR>2 { if ($1 <= p) exit 1 }
			{ p = $1 } END { if (p < 1.9 || p > 2.3) exit 1 }' "$f"
	check "$(basename "$f"): every row has the header's width" \
		awk -F, 'NR==1 { w = NF } NF != w { exit 1 }' "$f"
done
for src in buddyinfo pagetypeinfo vmstat meminfo kthreads snmp; do
	check "$src sampled on this host" [ -f "$E/samples/$src.csv" ]
done
check "buddyinfo has every zone's order 0" \
	bash -c "head -1 '$E/samples/buddyinfo.csv' | grep -q 'node0_DMA_o0' &&
		 head -1 '$E/samples/buddyinfo.csv' | grep -q 'node0_DMA32_o0'"
check "vmstat columns are the kernel's keys" \
	bash -c "head -1 '$E/samples/vmstat.csv' | tr , '\n' | grep -qx pgscan_kswapd"
check "kswapd0 CPU columns present" \
	bash -c "head -1 '$E/samples/kthreads.csv' | grep -q kswapd0_run_ns"
check "meta.json kernel release is this kernel's" \
	[ "$(jq -r .kernel.release "$E/meta.json")" = "$(uname -r)" ]
check "meta.json snapshots /proc/sys/vm" \
	[ "$(jq -r '.sysctl_vm.max_map_count' "$E/meta.json")" = "$(cat /proc/sys/vm/max_map_count)" ]
check "meta.json says every source present or why not" \
	jq -e '.sources | to_entries | all(.value.present or (.value.reason | length > 0))' "$E/meta.json"
check "summary.json has pgscan_kswapd rate quantiles" \
	jq -e '.sources.vmstat.pgscan_kswapd_per_s | has("median") and has("min") and has("max")' "$E/summary.json"
check "start and end snapshots" test -s "$E/snapshots/start/vmstat" -a -s "$E/snapshots/end/zoneinfo"
check "live view: a line per sample plus headers, <= 120 columns" \
	awk -v n="$samples" 'length > 120 { exit 1 } /^ +[0-9]/ { r++ } END { exit r != n }' "$T/live"

# --- SIGINT ends the run cleanly ---
"$M" sample -q --interval 20ms --out "$T/int" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
check "SIGINT: exit 0" [ $? -eq 0 ]
check "SIGINT: recorded as the reason to stop" [ "$(jq -r .stopped_by "$T/int/meta.json")" = signal ]
check "SIGINT: rows written" [ "$(wc -l <"$T/int/samples/vmstat.csv")" -gt 10 ]

# --- a captured root ---
fx=$(ls -d harness/tests/fixtures/6.12*/ 2>/dev/null | head -1)
check "a captured 6.12 root exists" test -n "$fx" -a -f "$fx/proc/vmstat"
fx=${fx:-/nonexistent}
"$M" sample -q --interval 10ms --duration 30ms --proc-root "$fx/proc" --sys-root "$fx/sys" --out "$T/fx"
check "--proc-root: exit 0" [ $? -eq 0 ]
check "--proc-root: kernel release from the captured root" \
	[ "$(jq -r .kernel.release "$T/fx/meta.json")" = "$(cat "$fx/proc/sys/kernel/osrelease")" ]
check "--proc-root: values are the captured ones" \
	[ "$(awk -F, 'NR==1 { for (i = 1; i <= NF; i++) if ($i == "nr_free_pages") c = i }
		NR==2 { print $c }' "$T/fx/samples/vmstat.csv")" = \
	  "$(awk '$1 == "nr_free_pages" { print $2 }' "$fx/proc/vmstat")" ]
mkdir -p "$T/bare/proc" "$T/bare/sys"
cp "$fx/proc/vmstat" "$T/bare/proc/"
"$M" sample -q --interval 10ms --duration 20ms --proc-root "$T/bare/proc" --sys-root "$T/bare/sys" --out "$T/bare/out"
check "absent sources are not a crash" [ $? -eq 0 ]
check "absent buddyinfo recorded with its reason" \
	jq -e '.sources.buddyinfo.present == false and (.sources.buddyinfo.reason | test("buddyinfo"))' "$T/bare/out/meta.json"

# --- usage errors: one line, exit 2 ---
expect_usage "unknown option" sample --frobnicate
expect_usage "interval 0" sample --interval 0 --out "$T/x1"
expect_usage "interval garbage" sample --interval fast --out "$T/x2"
expect_usage "interval without a value" sample --interval
# a duration of 0 ran until SIGINT, as if none was given
expect_usage "sample --duration 0" sample --duration 0 --out "$T/x3"
expect_usage "trace --duration 0" trace --duration 0 --out "$T/x4"
check "and nothing written" bash -c "[ ! -e '$T/x3' ] && [ ! -e '$T/x4' ]"
# QEMU's -m 10 is MiB, mmrepro's --mem 10 bytes: refused, saying so
"$M" vm --kernel "$T/nokernel" --mem 10 -- true >"$T/out" 2>"$T/err"
check "vm --mem 10: exit 2, one line: bytes, not MiB, and the suffixes" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/err') -eq 1 ] && [ ! -s '$T/out' ] &&
		grep -q 'vm: --mem of 10 bytes is too small .*a bare number is bytes, not MiB.*512M or 2G' '$T/err'"
# --proc-root of no directory was an error, --sys-root of none was not
expect_usage "a --sys-root that does not exist" sample --sys-root "$T/nosys" --out "$T/x5"
touch "$T/file"
expect_usage "output below a regular file" sample --out "$T/file/sub"
expect_usage "output in an unwritable place" sample --out /proc/mmrepro-out
expect_usage "output already holds a run" sample --out "$E"
expect_usage "unknown command" frobnicate
"$M" --frob >"$T/out" 2>"$T/err"
check "an unknown global option: exit 2, said first, then the usage" \
	bash -c "[ $? -eq 2 ] && [ ! -s '$T/out' ] &&
		[ \"\$(head -1 '$T/err')\" = \"mmrepro: unknown option '--frob'\" ] &&
		grep -q '^usage: mmrepro ' '$T/err' && grep -q '^  check ' '$T/err'"
expect_usage "stray argument" sample extra
# every command's synopsis in README.md is its --help's (spaces aside)
for c in $("$M" --help | awk '/^Commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }'); do
	h=$("$M" "$c" --help | awk 'NR == 1 { sub(/^usage: /, "") } /^$/ { exit } { print }' |
		tr -s ' \n' '  ' | sed 's/ *$//')
	r=$(awk -v c="mmrepro $c" '/^```/ { if (f) exit; inb = !inb; next }
		inb && !f && index($0, c) == 1 &&
		(length($0) == length(c) || substr($0, length(c) + 1, 1) == " ") { f = 1 }
		f { print }' README.md | tr -s ' \n' '  ' | sed 's/ *$//')
	if [ -n "$h" ] && [ "$h" = "$r" ]; then
		ok "README's synopsis of $c is its --help's"
	else
		not_ok "README's synopsis of $c is its --help's" "help: $h; README: $r"
	fi
done
# --- a full disk (issue 20): a run that could not write all its data says
# which file and why in one line, exits 2, and compare and report refuse
# it.  Small tmpfs mounts: 490k fills up near the end of the run, 160k
# while it samples; 8m is the control that has room.
full_disk() {
	local size=$1 want=$2 d=$T/fs-$1 rc
	mkdir -p "$d"
	if ! mount -t tmpfs -o "size=$size" tmpfs "$d"; then
		not_ok "full disk $size: mount a tmpfs (needs root)" "mount failed"
		return
	fi
	"$M" sample --interval 10ms --duration 3s --quiet --out "$d/r" \
		>"$T/full-out" 2>"$T/full-err"
	rc=$?
	# near the boundary, how much a run writes depends on how many of its
	# 10 ms samples a loaded host lets it take: whichever way it ends, it
	# must end consistently (the probe saw exit 0 with rows cut mid-way)
	if [ "$want" = either ]; then
		check "boundary $size: exit 0 or 2" [ "$rc" -eq 0 -o "$rc" -eq 2 ]
		if [ "$rc" -eq 0 ]; then
			check "boundary $size: exit 0: every CSV row whole (as wide as its header, a newline at the end)" \
				bash -c "for f in '$d'/r/samples/*.csv; do
					awk -F, 'NR==1{n=NF} NF!=n{exit 1}' \"\$f\" &&
					[ -z \"\$(tail -c1 \"\$f\")\" ] || exit 1
				done"
			check "boundary $size: exit 0: a summary, no 'incomplete'" \
				bash -c "[ -s '$d/r/summary.json' ] &&
					jq -e 'has(\"incomplete\") | not' '$d/r/meta.json'"
		else
			check "boundary $size: exit 2: no summary.json, meta.json says incomplete" \
				bash -c "[ ! -e '$d/r/summary.json' ] &&
					jq -e '.incomplete | strings' '$d/r/meta.json'"
			check "boundary $size: exit 2: one line naming the file and why" \
				grep -q 'cannot write: No space left on device$' "$T/full-err"
		fi
	elif [ "$want" = full ]; then
		check "full disk $size: exit 2" [ "$rc" -eq 2 ]
		check "full disk $size: one line naming the file and why" \
			bash -c "[ \$(wc -l <'$T/full-err') -eq 1 ] &&
			grep -q '^mmrepro: sample: $d/r/[a-z/]*\.[a-z]*: cannot write: No space left on device\$' '$T/full-err'"
		check "full disk $size: no summary.json" [ ! -e "$d/r/summary.json" ]
		check "full disk $size: meta.json says it is incomplete" \
			jq -e '.incomplete | strings' "$d/r/meta.json"
		"$M" compare "$d/r" "$d/r" >/dev/null 2>"$T/full-cmp"
		check "full disk $size: compare refuses it" \
			bash -c "[ $? -ne 0 ] && grep -q 'incomplete' '$T/full-cmp'"
		"$M" report "$d/r" >/dev/null 2>"$T/full-rep"
		check "full disk $size: report refuses it" \
			bash -c "[ $? -ne 0 ] && grep -q 'incomplete' '$T/full-rep'"
	else
		check "room $size: exit 0, and no error" \
			bash -c "[ $rc -eq 0 ] && [ ! -s '$T/full-err' ]"
		check "room $size: meta.json is not marked incomplete" \
			jq -e 'has("incomplete") | not' "$d/r/meta.json"
		check "room $size: report reads it" "$M" report "$d/r"
	fi
	umount "$d"
}
# --inside without --out wrote into a "(null)/" directory (issue 20)
(cd "$T" && as_guest "$MA" run "$OLDPWD/harness/tests/scenarios/harmless.ini" \
	--inside -q >"$T/inside-out" 2>"$T/inside-err")
rc=$?
check "run --inside without --out: exit 2 with one line naming --out" \
	bash -c "[ $rc -eq 2 ] && [ \$(wc -l <'$T/inside-err') -eq 1 ] && grep -q -- '--out' '$T/inside-err'"
check "run --inside without --out: no (null) directory" [ ! -e "$T/(null)" ]
# --inside on the host ran a scenario there with no host-stress flag: an
# environment variable was all it checked (issue 20)
inside_host() { # inside_host ENV...: run --inside on the host, as is
	env "$@" "$M" run harness/tests/scenarios/harmless.ini --inside -q \
		--out "$T/inside-host" >/dev/null 2>"$T/inside-host.err"
}
inside_host MMREPRO_GUEST=1
check "run --inside with MMREPRO_GUEST=1 on the host: exit 2, not a guest" \
	bash -c "[ $? -eq 2 ] && grep -q 'not a mmrepro guest' '$T/inside-host.err'"
inside_host MMREPRO_GUEST=0123456789abcdef0123456789abcdef
check "run --inside with a token no kernel command line holds: exit 2" \
	bash -c "[ $? -eq 2 ] && grep -q 'not a mmrepro guest' '$T/inside-host.err'"
check "and nothing was written" [ ! -e "$T/inside-host" ]

full_disk 470k either
full_disk 490k either
full_disk 510k either
full_disk 160k full
full_disk 8m room

"$M" sample --help >"$T/help"
check "--help exits 0 and lists the options" grep -q -- '--interval' "$T/help"
tap_end
