// SPDX-License-Identifier: GPL-2.0
/*
 * The results readers (rundata.c): the input is a run directory, its
 * files one after another, each after a line "==> NAME <==" (as head
 * prints them): summary.json, meta.json, derived.csv, reproduce.sh,
 * verdict, vm.json.  What compare and report then ask of a run is asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rundata.h"
#include "util.h"

static const char *const names[] = { "summary.json", "meta.json", "derived.csv",
				     "reproduce.sh", "verdict",	  "vm.json" };

static void put_files(const char *in)
{
	char mark[64], rel[64];
	const char *p, *end;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(mark, sizeof(mark), "==> %s <==\n", names[i]);
		snprintf(rel, sizeof(rel), "run/%s", names[i]);
		p = strstr(in, mark);
		if (!p) {
			fuzz_put(rel, NULL, 0);
			continue;
		}
		p += strlen(mark);
		end = strstr(p, "==> ");
		if (!end)
			end = p + strlen(p);
		fuzz_put(rel, (const uint8_t *)p, (size_t)(end - p));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *in = fuzz_str(data, len), dir[4200], path[4300], err[8192];
	struct rd_set s;
	struct csv t;
	double v, from, to;
	int i, k;

	put_files(in);
	free(in);
	snprintf(dir, sizeof(dir), "%s/run", fuzz_dir());
	if (!rd_load(&s, dir, err, sizeof(err))) {
		for (i = 0; i < s.n; i++) {
			rd_scenario(&s.run[i]);
			rd_meta_str(&s.run[i], "kernel", "release");
			rd_metric(&s.run[i], "free", &v);
			for (k = 0; rd_arg_next(&s.run[i], "set", 's', &k);)
				;
			for (k = 0;
			     rd_arg_next(&s.run[i], "duration", 'd', &k);)
				;
			rd_phase(&s.run[i], "first", &from, &to);
		}
	}
	rd_free(&s);
	snprintf(path, sizeof(path), "%s/derived.csv", dir);
	if (!csv_load(&t, path)) {
		if (csv_col(&t, "meminfo.MemFree_MiB") >= 0 && t.nrows)
			(void)csv_at(&t, t.nrows - 1, 0);
		csv_free(&t);
	}
	return 0;
}
