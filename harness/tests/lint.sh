#!/bin/bash
# Style as a test: every C file must be clang-formatted with the kernel's
# .clang-format and clean under checkpatch.pl --no-tree -f.
#
# Ignored checkpatch types, each because it only applies inside the kernel:
#   PREFER_DEFINED_ATTRIBUTE_MACRO  __printf/__noreturn come from the
#                                   kernel's compiler_attributes.h
#   VOLATILE                        volatile sig_atomic_t is what C
#                                   requires for a flag set by a signal
#                                   handler
#   SPLIT_STRING                    the kernel keeps printk messages
#                                   greppable; here only --help texts and
#                                   embedded sh scripts span lines, and
#                                   error messages stay on one
#   STATIC_CONST_CHAR_ARRAY         execvp() argv arrays hold run-time
#                                   strings and cannot be static const
set -u
cd "$(dirname "$0")/../.." || exit 1
. harness/tests/tap.sh
tools=$(ci/linux-tools.sh) || exit 1
ignore=PREFER_DEFINED_ATTRIBUTE_MACRO,VOLATILE,SPLIT_STRING,STATIC_CONST_CHAR_ARRAY
check ".clang-format is the kernel's" cmp -s .clang-format "$tools/.clang-format"
for f in $(git ls-files '*.c' '*.h') $(git ls-files --others --exclude-standard '*.c' '*.h'); do
	[ -f "$f" ] || continue
	if out=$(clang-format --dry-run --Werror "$f" 2>&1); then
		ok "clang-format $f"
	else
		not_ok "clang-format $f" "$(echo "$out" | head -1)"
	fi
	if out=$(perl "$tools/scripts/checkpatch.pl" --no-tree -f --terse \
		--no-summary --show-types --ignore "$ignore" "$f" 2>&1) &&
		[ -z "$out" ]; then
		ok "checkpatch $f"
	else
		not_ok "checkpatch $f" "$(echo "$out" | head -1) ($(echo "$out" | wc -l) in all)"
	fi
done
tap_end
