// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro check: everything that can be known of a scenario before a
 * run starts, as run and ab find it before they boot, but every problem
 * at once, each on a line of its own: FILE:LINE: reason.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mmrepro.h"
#include "opt.h"
#include "scenario.h"
#include "util.h"

static void print(const char *path, struct sc_problems *pr)
{
	char line[1000];
	int i;

	sc_problems_sort(pr);
	for (i = 0; i < pr->n && i < SC_MAX_PROBLEMS; i++) {
		sc_problem_fmt(path, &pr->p[i], line, sizeof(line));
		printf("%s\n", line);
	}
	if (pr->n > SC_MAX_PROBLEMS)
		printf("%s: and %d more problems\n", path,
		       pr->n - SC_MAX_PROBLEMS);
}

/* The problems of one scenario, printed; their number */
static int check_one(const char *arg, const struct opt_list *sets)
{
	struct scenario *sc = calloc(1, sizeof(*sc));
	struct sc_problems *pr = calloc(1, sizeof(*pr));
	char path[4096], err[1024];
	int i, n;

	if (!sc || !pr)
		die("out of memory");
	if (scenario_find(arg, path, sizeof(path)))
		die("check: no scenario '%s' (see 'mmrepro list')", arg);
	/* the rest only means something once the file reads */
	if (!scenario_parse(sc, path, pr)) {
		for (i = 0; i < sets->n; i++)
			if (scenario_set(sc, sets->v[i], err, sizeof(err)))
				sc_problem_add(pr, 0, "%s", err);
		if (!pr->n)
			scenario_lint(sc, pr);
	}
	print(path, pr);
	if (!pr->n)
		printf("%s: ok\n", path);
	n = pr->n;
	free(pr);
	free(sc);
	return n;
}

int cmd_check(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis = "SCENARIO... [--set KEY=VALUE...]",
		.summary =
			"Check scenarios (configs/SCENARIO.ini, or paths) for what would\n"
			"otherwise show only once a run has started: syntax, keys set\n"
			"twice, {var}s that do not resolve, series that no source or tracer\n"
			"group provides, values out of range (interval, timeout, mem,\n"
			"swap size) and names that are not plain words. run and ab check\n"
			"first too. One line per problem, FILE:LINE: reason, or FILE: ok.\n\n"
			"Exit: 0 no problem, 2 problems (or bad usage).",
		.permute = true,
	};
	struct opt_list sets = { 0 };
	const struct opt opts[] = {
		OPT_STRLIST('s', "set", &sets, "KEY=VALUE",
			    "override a scenario key, as run --set does"),
		OPT_TABLE_END,
	};
	int i = opt_parse(argc, argv, "check", &u, opts), bad = 0;

	if (i >= argc)
		die("check: no scenario (see 'mmrepro list')");
	for (; i < argc; i++)
		bad += check_one(argv[i], &sets) > 0;
	return bad ? EXIT_USAGE : 0;
}
