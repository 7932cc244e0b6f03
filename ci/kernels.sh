#!/bin/bash
# Kept for the scripts that call it: `mmrepro kernels` does the work
# (harness/kernels.sh, carried by the binary). This prints its lines
# without the RELEASE column, as ci/kernels.sh always did:
#   NAME IMAGE MODULES_DIR DEB...
set -o pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
m=${MMREPRO_BIN:-$here/build/mmrepro}
case " $* " in
*" -h "* | *" --help "* | *" --list "* | *" --names "*)
	[ -x "$m" ] && exec "$m" kernels "$@"
	exec bash "$here/harness/kernels.sh" "$@"
	;;
esac
if [ -x "$m" ]; then
	"$m" kernels "$@"
else
	bash "$here/harness/kernels.sh" "$@"
fi | awk '{ $2 = ""; sub(/  /, " "); print }'
