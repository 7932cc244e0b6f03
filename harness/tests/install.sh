#!/bin/bash
# make install: the binary finds the scenarios and the reproducers'
# sources under PREFIX/share/mmrepro when run outside the source tree.
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
T=$(mktemp -d /tmp/mmrepro-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
make -s install DESTDIR="$T/root" PREFIX=/usr >"$T/make.out" 2>&1
check "make install DESTDIR=... PREFIX=/usr: exit 0" [ $? -eq 0 ]
I=$T/root/usr/bin/mmrepro
S=$T/root/usr/share/mmrepro
for f in configs/*.ini configs/README.md repro/*.c; do
	check "installed: $f" cmp -s "$f" "$S/$f"
done
check "installed: the documentation" \
	test -s "$S/doc/README.md" -a -s "$S/doc/design.md" -a -s "$S/doc/results.md"
check "installed: the man page and the bash completion" \
	bash -c "cmp -s build/mmrepro.1 '$T/root/usr/share/man/man1/mmrepro.1' &&
		cmp -s harness/mmrepro.bash '$T/root/usr/share/bash-completion/completions/mmrepro'"

# outside the source tree, with no ./configs
mkdir -p "$T/elsewhere"
cd "$T/elsewhere" || exit 1
"$I" list >"$T/list" 2>&1
check "installed list: exit 0, every shipped scenario" \
	bash -c "[ $? -eq 0 ] && [ \$(grep -c '^[a-z]' '$T/list') -eq $(ls "$OLDPWD"/configs/*.ini | wc -l) ]"
"$I" check udp-order3 >"$T/check" 2>&1
check "installed check udp-order3: its file under share/mmrepro, ok" \
	grep -qx "$(realpath "$S")/configs/udp-order3.ini: ok" "$T/check"
# a run of udp-order3: report names its reproducers' sources, found
mkdir -p "$T/run"
echo '{ "scenario": "udp-order3" }' >"$T/run/meta.json"
echo '{ "metrics": {}, "verdict": { "verdict": "reproduced", "reason": "x" } }' >"$T/run/summary.json"
"$I" report "$T/run" >"$T/report" 2>&1
check "installed report: the reproducers' sources are found" \
	bash -c "grep -q '^  repro/frag.c\$' '$T/report' && grep -q '^  repro/udp_storm.c\$' '$T/report'"
tap_end
