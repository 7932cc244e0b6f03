#!/bin/bash
# Results directories are untrusted (issue 20): one from a bug report or
# a CI artifact is read as root by report, compare and run --rejudge.
# Nothing in it may make mmrepro write outside it, follow a link out of
# it or run a command.  Every run directory here is written by hand: no
# scenario runs.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
M=${MMREPRO_BIN:-$PWD/build/mmrepro}
S=$PWD/harness/tests/scenarios
T=$(mktemp -d /tmp/mmrepro-untrusted.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT

# run DIR [SCENARIO [RELEASE [FREE]]]: a finished run of harmless.ini
run() {
	mkdir -p "$1"
	printf 't,meminfo.MemFree_MiB\n0,%s\n1,%s\n2,%s\n3,%s\n' \
		"${4:-100}" "${4:-100}" "${4:-100}" "${4:-100}" >"$1/derived.csv"
	jq -n --arg s "${2:-harmless}" --arg r "${3:-6.1.0-test}" \
		'{ scenario: $s, kernel: { release: $r },
		   phases: [ { name: "first", start_s: 0, end_s: 3 },
			     { name: "second", start_s: 1, end_s: 3 } ] }' \
		>"$1/meta.json"
	jq -n --argjson v "${4:-100}" \
		'{ metrics: { free: { value: $v, unit: "MiB",
				      better: "higher", stat: "median" } },
		   verdict: { verdict: "reproduced", reason: "by hand" } }' \
		>"$1/summary.json"
	echo 'reproduced: by hand' >"$1/verdict"
}

echo '{ "host_secret": 1 }' >"$T/host.json"
printf 't,meminfo.MemFree_MiB\n0,4242\n1,4242\n' >"$T/host.csv"

# --- --rejudge writes through no link ---
J=("$S/harmless.ini" --rejudge)
run "$T/j1"
rm "$T/j1/verdict"
echo victim >"$T/victim1"
ln -s "$T/victim1" "$T/j1/verdict"
"$M" run "${J[@]}" "$T/j1" >/dev/null 2>&1
check "--rejudge: a verdict link's target is not written" grep -qx victim "$T/victim1"
check "--rejudge: verdict is now a file of its own" \
	bash -c "[ -f '$T/j1/verdict' ] && [ ! -L '$T/j1/verdict' ] && grep -q reproduced '$T/j1/verdict'"
run "$T/j2"
echo victim >"$T/victim2"
ln -s "$T/victim2" "$T/j2/summary.json.tmp"
"$M" run "${J[@]}" "$T/j2" >/dev/null 2>&1
check "--rejudge: a summary.json.tmp link's target is not written" \
	grep -qx victim "$T/victim2"
check "--rejudge: summary.json still written, with the verdict" \
	bash -c "[ ! -L '$T/j2/summary.json' ] &&
		[ \"\$(jq -r .verdict.verdict '$T/j2/summary.json')\" = \"\$(cut -d: -f1 '$T/j2/verdict')\" ]"
run "$T/j3"
rm "$T/j3/summary.json"
ln -s "$T/host.json" "$T/j3/summary.json"
"$M" run "${J[@]}" "$T/j3" >/dev/null 2>"$T/j3.err"
check "--rejudge: a summary.json link is not read" \
	bash -c "[ ! -L '$T/j3/summary.json' ] && ! grep -q host_secret '$T/j3/summary.json'"
check "--rejudge: the link's target is unchanged" \
	jq -e '. == { "host_secret": 1 }' "$T/host.json"
check "--rejudge: the refused summary.json is named" \
	grep -q 'summary.json: .*symbolic link' "$T/j3.err"
run "$T/j4"
rm "$T/j4/derived.csv"
ln -s "$T/host.csv" "$T/j4/derived.csv"
"$M" run "${J[@]}" "$T/j4" >/dev/null 2>"$T/j4.err"
check "--rejudge: a derived.csv link is not judged from" \
	grep -q '^error: ' "$T/j4/verdict"
check "--rejudge: the refused derived.csv is named" \
	grep -q 'derived.csv: .*symbolic link' "$T/j4.err"
run "$T/j5"
rm "$T/j5/meta.json"
ln -s "$T/host.json" "$T/j5/meta.json"
"$M" run "${J[@]}" "$T/j5" >/dev/null 2>"$T/j5.err"
check "--rejudge: a meta.json link: exit 2, one line naming it" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/j5.err') -eq 1 ] && grep -q 'meta.json: .*symbolic link' '$T/j5.err'"
# a linked sub-directory: trace/ -> a host directory with a timeline.csv
mkdir "$T/hosttrace"
printf 't,trace.stall_ms\n0,4242\n1,4242\n' >"$T/hosttrace/timeline.csv"
run "$T/j6"
ln -s "$T/hosttrace" "$T/j6/trace"
"$M" run "${J[@]}" "$T/j6" >/dev/null 2>"$T/j6.err"
check "--rejudge: a linked trace/ directory is not read, and is named" \
	grep -q 'j6/trace/timeline.csv: a symbolic link, not followed' "$T/j6.err"
run "$T/j7"
cp -r "$T/hosttrace" "$T/j7/trace"
"$M" run "${J[@]}" "$T/j7" >/dev/null 2>"$T/j7.err"
check "--rejudge: a real trace/ directory is read, with no warning" \
	bash -c "[ -s '$T/j7/verdict' ] && ! grep -q timeline '$T/j7.err'"

# --- compare: links are refused, plots go through no link ---
for i in 1 2; do
	run "$T/c/a/run-$i" harmless 6.1.0-test $((100 + i))
	run "$T/c/b/run-$i" harmless 6.1.0-test $((200 + i))
done
cp -r "$T/c/b" "$T/c/bl"
rm "$T/c/bl/run-2/summary.json"
ln -s "$T/c/b/run-2/summary.json" "$T/c/bl/run-2/summary.json"
"$M" compare "$T/c/a" "$T/c/bl" --no-plots >/dev/null 2>"$T/cl.err"
check "compare: a summary.json link: exit 2, one line naming it" \
	bash -c "[ $? -eq 2 ] && [ \$(wc -l <'$T/cl.err') -eq 1 ] && grep -q 'bl/run-2/summary.json: .*symbolic link' '$T/cl.err'"
mkdir -p "$T/c/plots"
echo victim >"$T/victim3"
ln -s "$T/victim3" "$T/c/plots/box-free.png"
"$M" compare "$T/c/a" "$T/c/b" --plots "$T/c/plots" >/dev/null 2>&1
check "compare: a plot's link target is not written" grep -qx victim "$T/victim3"
check "compare: the plot is written in its place" \
	bash -c "[ ! -L '$T/c/plots/box-free.png' ] && head -c 8 '$T/c/plots/box-free.png' | grep -q PNG"
mkdir -p "$T/c/plots2" "$T/hostsrc"
ln -s "$T/hostsrc" "$T/c/plots2/src"
"$M" compare "$T/c/a" "$T/c/b" --plots "$T/c/plots2" >/dev/null 2>"$T/cp2.err"
check "compare: nothing written through a plots/src link" \
	bash -c "[ -z \"\$(ls -A '$T/hostsrc')\" ]"
check "compare: the src link is named" grep -q 'src: .*symbolic link' "$T/cp2.err"

# --- report reads no linked derived.csv ---
run "$T/d/r"
rm "$T/d/r/derived.csv"
ln -s "$T/host.csv" "$T/d/r/derived.csv"
"$M" report "$T/d/r" >"$T/d.out" 2>"$T/d.err"
check "report: a derived.csv link is not read" bash -c "! grep -q 4242 '$T/d.out'"
check "report: and it says so, naming it" grep -q 'derived.csv: .*symbolic link' "$T/d.err"

# --- report --bundle: a helper, and files of the host to link to ---
# bundle NAME RUN: report --bundle into $T/NAME.tar.gz, listing NAME.list
bundle() {
	"$M" report "$2" --bundle "$T/$1.tar.gz" >"$T/$1.out" 2>"$T/$1.err"
	echo $? >"$T/$1.rc"
	tar -tzf "$T/$1.tar.gz" >"$T/$1.list" 2>/dev/null
}

top_ok() { # top_ok LIST: all in one mmrepro-* directory, no ".." in it
	[ "$(cut -d/ -f1 "$1" | sort -u | wc -l)" -eq 1 ] &&
		head -1 "$1" | grep -q '^mmrepro-' &&
		! tr / '\n' <"$1" | grep -qx '\.\.'
}

echo 'Oops: HOST-SECRET-LOG' >"$T/host-log"
mkdir "$T/hostdir"
printf 'a,b\n1,2\n' >"$T/hostdir/host-secret.csv"
sed 's/^description = .*/description = OUTSIDE-MARKER/' "$S/harmless.ini" \
	>"$T/outside.ini"
sed 's/^description = .*/description = INSIDE-MARKER/' "$S/harmless.ini" \
	>"$T/inside.ini"

# --- report --bundle: names from meta.json never leave the staging ---
run "$T/b1/r" "x/../../../../../../../../..$T/esc1"
bundle b1 "$T/b1/r"
check "bundle: a scenario name with ../ writes nothing outside" \
	bash -c "! ls '$T' | grep -q '^esc1'"
check "bundle: still written" grep -qx 0 "$T/b1.rc"
check "bundle: all in its mmrepro-* directory" top_ok "$T/b1.list"
run "$T/b2/r" harmless "y/../../../../../../../../..$T/esc2"
bundle b2 "$T/b2/r"
check "bundle: a kernel release with ../ writes nothing outside" \
	bash -c "! ls '$T' | grep -q '^esc2'"
check "bundle: all in its mmrepro-* directory (release)" top_ok "$T/b2.list"

# --- links out of the run directory are not followed ---
run "$T/l/r"
ln -s "$T/host-log" "$T/l/r/dmesg.txt"
ln -s "$T/hostdir" "$T/l/r/samples"
mkdir "$T/l/r/phases"
ln -s "$T/hostdir/host-secret.csv" "$T/l/r/phases/x.log"
bundle l "$T/l/r"
check "bundle: written with links in the run" grep -qx 0 "$T/l.rc"
check "bundle: a dmesg.txt link is not bundled" \
	bash -c "! grep -q '/dmesg.txt\$' '$T/l.list'"
check "bundle: a samples/ link is not bundled" \
	bash -c "! grep -q 'host-secret' '$T/l.list'"
check "bundle: a phases/*.log link is not bundled" \
	bash -c "! grep -q '/phases/x.log\$' '$T/l.list'"
check "report: the linked dmesg.txt is not quoted" \
	bash -c "! grep -q HOST-SECRET '$T/l.out'"
check "report: the refused dmesg.txt is named on stderr" \
	grep -q 'dmesg.txt: .*symbolic link' "$T/l.err"

# --- scenario_file: only inside the run directory ---
run "$T/s1/r"
jq --arg f "$T/outside.ini" '.scenario_file = $f' "$T/s1/r/meta.json" >"$T/m" &&
	mv "$T/m" "$T/s1/r/meta.json"
bundle s1 "$T/s1/r"
check "scenario_file outside the run: not loaded" \
	bash -c "! grep -q OUTSIDE-MARKER '$T/s1.out'"
check "scenario_file outside the run: not bundled" \
	bash -c "! grep -q outside.ini '$T/s1.list'"
check "scenario_file outside the run: a warning naming it" \
	grep -q "scenario_file .*outside.ini" "$T/s1.err"
run "$T/s2/r"
cp "$T/inside.ini" "$T/s2/r/scenario.ini"
jq '.scenario_file = "scenario.ini"' "$T/s2/r/meta.json" >"$T/m" &&
	mv "$T/m" "$T/s2/r/meta.json"
bundle s2 "$T/s2/r"
check "scenario_file inside the run (relative to it): loaded" \
	grep -q INSIDE-MARKER "$T/s2.out"
check "scenario_file inside the run: bundled" grep -q '/scenario.ini$' "$T/s2.list"
run "$T/s3/r"
ln -s "$T/outside.ini" "$T/s3/r/scenario.ini"
jq --arg f "$T/s3/r/scenario.ini" '.scenario_file = $f' "$T/s3/r/meta.json" >"$T/m" &&
	mv "$T/m" "$T/s3/r/meta.json"
bundle s3 "$T/s3/r"
check "scenario_file a link inside the run: not loaded" \
	bash -c "! grep -q OUTSIDE-MARKER '$T/s3.out'"
check "scenario_file a link inside the run: not bundled" \
	bash -c "! grep -q scenario.ini '$T/s3.list'"
run "$T/s4/r"
jq --arg f "$T/s4/r/../../outside.ini" '.scenario_file = $f' "$T/s4/r/meta.json" >"$T/m" &&
	mv "$T/m" "$T/s4/r/meta.json"
bundle s4 "$T/s4/r"
check "scenario_file with ..: not loaded" bash -c "! grep -q OUTSIDE-MARKER '$T/s4.out'"

# --- reproduce.sh and the report's "To reproduce": one word per argument ---
# (the run fails at once, after writing reproduce.sh: no journal)
W="we'ird \`touch pw1\` \$(touch pw2); touch pw3 '
\"x\" \\ \$HOME"
mkdir -p "$T/q/$W" "$T/q/cwd"
cp "$S/harmless.ini" "$T/q/$W/h.ini"
(cd "$T/q/cwd" && MMREPRO_JOURNAL=/nonexistent/journal "$M" run "$T/q/$W/h.ini" \
	--local --i-understand-this-stresses-the-host -q --set "hold=1" \
	--out "$T/q/run" >/dev/null 2>&1)
check "reproduce.sh written" test -s "$T/q/run/reproduce.sh"
check "reproduce.sh parses" bash -n "$T/q/run/reproduce.sh"
# words WANT SCRIPT: the mmrepro line(s) of SCRIPT, run as set --,
# give the 7 words of the command, WANT one of them
words() {
	local want=$1 script=$2
	(
		cd "$T/q/cwd" || exit 1
		eval "$(sed 's/^mmrepro /set -- /' "$script")"
		local a n=0
		for a; do [ "$a" = "$want" ] && n=$((n + 1)); done
		# run, the path, --local, the flag, -q, --set hold=1 (not --out)
		[ $# -eq 7 ] && [ "$1" = run ] && [ $n -eq 1 ] &&
			[[ " $* " == *" --set hold=1 "* ]]
	)
}
check "reproduce.sh: the path is one literal word" words "$T/q/$W/h.ini" "$T/q/run/reproduce.sh"
check "reproduce.sh: nothing in it ran" bash -c "! ls '$T/q/cwd' | grep -q pw"
run "$T/q/r2"
cp "$T/q/run/reproduce.sh" "$T/q/r2/"
"$M" report "$T/q/r2" >"$T/q/rep.txt" 2>/dev/null
sed -n '/^To reproduce$/,/^Metrics$/p' "$T/q/rep.txt" | sed '1,2d;$d' | sed '$d' >"$T/q/cmd"
check "report: To reproduce gives the same words" words "$T/q/$W/h.ini" "$T/q/cmd"
check "report: nothing in it ran" bash -c "! ls '$T/q/cwd' | grep -q pw"
check "report: --set read back from reproduce.sh" grep -q 'hold=1' "$T/q/cmd"
tap_end
