#!/bin/sh
# Writes mmrepro.1 to stdout from the program's own --help texts, which
# come from its command and option tables: a section per command, with
# its synopsis, summary and options.  Usage: harness/man.sh BUILD/mmrepro
set -eu
M=${1:?usage: man.sh PATH/TO/mmrepro}

# roff-safe text: backslashes, hyphens, and a leading . or '
esc() {
	sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

version=$("$M" --version | awk '{ print $2 }')
cat <<EOF
.TH MMREPRO 1 "" "mmrepro $version" "User Commands"
.SH NAME
mmrepro \- reproduce and measure Linux memory\-management pathologies
.SH SYNOPSIS
.B mmrepro
[\-\-version] [\-\-help]
.I COMMAND
[\fIARGS\fR]
.SH DESCRIPTION
EOF
"$M" --help | awk '/^Reproduce/' | esc
echo '.SH COMMANDS'
"$M" --help | awk '/^Commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 }' |
while read -r c; do
	echo ".SS \"mmrepro $c\""
	# usage lines up to the first blank one; the summary up to the first
	# option line; then "  LEFT (padded to 28) HELP" per option, a long
	# LEFT on a line of its own with its HELP on the next
	"$M" "$c" --help | awk '
		function esc(s) {
			gsub(/\\/, "\\e", s)
			gsub(/-/, "\\-", s)
			if (s ~ /^[.\047]/)
				s = "\\&" s
			return s
		}
		NR == 1 { sub(/^usage: /, ""); print ".nf"; print esc($0); st = 1; next }
		st == 1 && /^$/ { print ".fi"; print ".PP"; st = 2; next }
		st == 1 { print esc($0); next }
		st == 2 && /^  -/ { st = 3 }
		st == 2 && /^$/ { print ".PP"; next }
		st == 2 { print esc($0); next }
		st == 3 {
			left = substr($0, 3, 28); help = substr($0, 32)
			if (substr($0, 31, 1) != " ") { # a long one, alone
				left = substr($0, 3)
				help = ""
			}
			sub(/ +$/, "", left); sub(/^ +/, "", help)
			if (left != "") {
				print ".TP"
				print ".B " esc(left)
			}
			if (help != "")
				print esc(help)
		}'
done
cat <<EOF
.SH EXIT STATUS
0 ok, or not reproduced; 1 reproduced, or a significant regression;
2 usage or setup error; 3 infrastructure failure (a guest that did not
come up, too few usable runs).
.SH FILES
.TP
.I configs/NAME.ini
a scenario, or under PREFIX/share/mmrepro/configs when there is no
\&./configs (\fB\$MMREPRO_CONFIGS\fR overrides both)
.SH SEE ALSO
README.md, docs/design.md, configs/README.md and results/README.md in
the source tree, or under PREFIX/share/mmrepro.
EOF
