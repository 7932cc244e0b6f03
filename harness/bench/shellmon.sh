#!/bin/bash
# The reference a sampler is usually compared with: an mmtests-style
# shell monitor, a loop of date and cat for the same files.
# usage: shellmon.sh INTERVAL_S DURATION_S OUT FILE...
# A FILE written @PATH is read on every 10th round only.
interval=$1 duration=$2 out=$3
shift 3
end=$(($(date +%s) + ${duration%.*}))
i=0
while [ "$(date +%s)" -lt "$end" ]; do
	{
		echo "time: $(date +%s.%N)"
		for f in "$@"; do
			case $f in
			@*) [ $((i % 10)) -eq 0 ] && cat "${f#@}" ;;
			*) cat "$f" ;;
			esac
		done
	} >>"$out"
	i=$((i + 1))
	sleep "$interval"
done
