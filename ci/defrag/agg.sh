#!/bin/bash
# mean, sd and CV per vm.defrag_mode of the ci/defrag/ab.sh columns
# usage: ci/defrag/ab.sh DIRS... | ci/defrag/agg.sh
awk 'NR == 1 { for (i = 3; i <= NF; i++) h[i] = $i; n = NF; next }
{ m = $2; c[m]++; for (i = 3; i <= NF; i++) { s[m, i] += $i; q[m, i] += $i * $i } }
END {
	for (m in c) {
		printf "defrag_mode=%s (n=%d)\n", m, c[m]
		for (i = 3; i <= n; i++) {
			mu = s[m, i] / c[m]; v = q[m, i] / c[m] - mu * mu
			sd = (c[m] > 1 && v > 0) ? sqrt(v * c[m] / (c[m] - 1)) : 0
			printf "  %-10s mean %9.2f  sd %8.2f  cv %5.0f%%\n", h[i], mu, sd, mu ? 100 * sd / mu : 0
		}
	}
}'
