// SPDX-License-Identifier: GPL-2.0
/*
 * One /proc or /sys source parser (FUZZ_SOURCE, its name): the input is
 * the file it reads, at open and at each sample.  The seeds are that
 * file of each kernel under harness/tests/fixtures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "source.h"

/* where each source reads its file (the rest of the tree is made once) */
static void put_input(const uint8_t *data, size_t len)
{
	const char *n = FUZZ_SOURCE;

	if (!strcmp(n, "kthreads")) {
		fuzz_put("proc/41/stat", data, len);
		fuzz_put("proc/41/schedstat", data, len);
	} else if (!strcmp(n, "zram")) {
		fuzz_put("sys/block/zram0/mm_stat", data, len);
		fuzz_put("sys/block/zram0/io_stat", data, len);
	} else if (!strcmp(n, "psi")) {
		fuzz_put("proc/pressure/memory", data, len);
	} else if (!strcmp(n, "snmp")) {
		fuzz_put("proc/net/snmp", data, len);
	} else {
		char rel[64];

		snprintf(rel, sizeof(rel), "proc/%s", n);
		fuzz_put(rel, data, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char comm[] = "kswapd0\n";
	static char proc[4200], sys[4200];
	const struct mm_source_ops *ops =
		src_by_name(FUZZ_SOURCE, strlen(FUZZ_SOURCE));
	struct mm_env env = { proc, sys };
	struct mm_src src;
	int64_t *prev;
	int d, k;

	if (!proc[0]) {
		snprintf(proc, sizeof(proc), "%s/proc", fuzz_dir());
		snprintf(sys, sizeof(sys), "%s/sys", fuzz_dir());
		fuzz_put("proc/41/comm", (const uint8_t *)comm, strlen(comm));
		fuzz_put("sys/block/.keep", NULL, 0);
	}
	if (!ops)
		abort();
	put_input(data, len);
	memset(&src, 0, sizeof(src));
	src_open(&src, ops, &env);
	if (src.present) {
		prev = calloc((size_t)src.ncols + 1, sizeof(*prev));
		for (k = 0; k < 2; k++) {
			src_sample(&src);
			for (d = 0; d < src.ndrv; d++)
				(void)isnan(src_derive(&src, d, k ? prev : NULL,
						       src.vals, 1.0));
			memcpy(prev, src.vals,
			       (size_t)src.ncols * sizeof(*prev));
		}
		free(prev);
	}
	src_free(&src);
	return 0;
}
