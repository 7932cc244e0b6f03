#!/bin/bash
# One row per run of an `mmrepro ab` directory of defrag-unmovable: the
# verdict, the mechanism and the symptoms (summary.json metrics), and the
# fix's fingerprint (trace.defrag_fingerprint: reclaim/compaction of
# non-movable requests at pageblock order, and below it).
# usage: ci/defrag/table.sh AB_DIR...
set -u
case ${1:-} in -h | --help | "") sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
printf '%-4s %-22s %-14s %7s %6s %6s %6s %-12s %s\n' side kernel verdict \
	nm_s/s share% psi% stall/s fix "reclaim at/below, compaction at/below pb"
for ab in "$@"; do
	for s in a b; do
		for r in "$ab/$s"/run-*/; do
			[ -f "$r/summary.json" ] || continue
			jq -r --arg s "$s" '
				def v(m): (.metrics[m].value // null) as $x |
					if $x == null then "-" else ($x * 100 | round / 100 | tostring) end;
				(.trace.defrag_fingerprint // {}) as $f |
				[$s, (.kernel // "?"), .verdict.verdict, v("dr_nm_stall"),
				 v("dr_nm_share"), v("psi_some"), v("allocstall"),
				 ({"promoted": "promoted", "not promoted": "not", "no non-movable reclaim seen": "none"}[$f.behaviour // ""] // "-"),
				 "\($f.reclaim_promoted // "-")/\($f.reclaim_below // "-") \($f.compact_promoted // "-")/\($f.compact_below // "-")"]
				| @tsv' "$r/summary.json" |
				awk -F'\t' -v k="$(jq -r '.kernel.release // "?"' "$r/meta.json" 2>/dev/null)" \
					'{ printf "%-4s %-22s %-14s %7s %6s %6s %6s %-8s %s\n", $1, k, $3, $4, $5, $6, $7, $8, $9 }'
		done
	done
done
