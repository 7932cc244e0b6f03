// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro check: everything that can be known of a scenario before a
 * run starts, as run and ab find it before they boot, but every problem
 * at once, each on a line of its own: FILE:LINE: reason.
 */
#include <stdbool.h>
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

/* s in a markdown table cell: | escaped */
static void cell(const char *s)
{
	for (; s && *s; s++)
		printf("%s%c", *s == '|' ? "\\" : "", *s);
}

static void key_line(const char *section, bool named, const char *key,
		     const char *arg, const char *def, const char *help,
		     bool repeat)
{
	printf("| `[%s%s]` | `%s` | `", section, named ? ".NAME" : "", key);
	cell(arg);
	printf("` | %s%s%s | ", def ? "`" : "", def ? def : "", def ? "`" : "");
	cell(help);
	printf("%s |\n", repeat ? " (repeatable)" : "");
}

/* The key reference of configs/README.md, from the table that parses */
static void print_keys(void)
{
	const struct sc_key *k;
	size_t i;

	printf("| section | key | value | default | meaning |\n"
	       "|---|---|---|---|---|\n");
	for (i = 0; i < sc_nkeys; i++) {
		k = &sc_keys[i];
		key_line(k->section, k->base != SCB_SCENARIO, k->name, k->arg,
			 k->def, k->help, k->flags & SCK_REPEAT);
	}
	for (i = 0; i < sc_nfree_sections; i++)
		key_line(sc_free_sections[i].section, false, "NAME",
			 sc_free_sections[i].arg, NULL,
			 sc_free_sections[i].help, false);
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
	bool keys = false;
	const struct opt opts[] = {
		OPT_STRLIST('s', "set", &sets, "KEY=VALUE",
			    "override a scenario key, as run --set does"),
		OPT_BOOLEAN(
			0, "keys", &keys,
			"print every key of a scenario file instead (the table in configs/README.md)"),
		OPT_TABLE_END,
	};
	int i = opt_parse(argc, argv, "check", &u, opts), bad = 0;

	if (keys) {
		print_keys();
		return 0;
	}
	if (i >= argc)
		die("check: no scenario (see 'mmrepro list')");
	for (; i < argc; i++)
		bad += check_one(argv[i], &sets) > 0;
	return bad ? EXIT_USAGE : 0;
}
