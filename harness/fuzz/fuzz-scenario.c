// SPDX-License-Identifier: GPL-2.0
/* The scenario parser and its checks: the input is a scenario .ini */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct sc_problems *pr = calloc(1, sizeof(*pr));
	char path[4200], err[512], out[4096];

	if (!sc || !pr)
		abort();
	snprintf(path, sizeof(path), "%s/fuzz.ini", fuzz_dir());
	fuzz_put("fuzz.ini", data, len);
	if (!scenario_parse(sc, path, pr)) {
		scenario_check_all(sc, pr);
		scenario_lint(sc, pr);
		scenario_check(sc, err, sizeof(err));
		scenario_expand(sc, "{size} {{x}} {duration}", out, sizeof(out),
				err, sizeof(err));
	}
	free(pr);
	free(sc);
	return 0;
}
