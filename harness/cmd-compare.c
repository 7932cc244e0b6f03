// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro compare: runs of A against runs of B.  The command: its
 * options, then the compare library (compare.c), the plots (plot.c) and
 * one writer of the format table (compare-formats.c).
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare-formats.h"
#include "compare.h"
#include "mmrepro.h"
#include "opt.h"
#include "plot.h"
#include "util.h"

/* DIR_A and DIR_B side by side (as ab makes them): their parent */
static int default_plots(const char *a, const char *b, char *out, size_t len)
{
	char ra[RD_PATH_MAX], rb[RD_PATH_MAX];

	if (!realpath(a, ra) || !realpath(b, rb))
		return -1;
	if (strcmp(dirname(ra), dirname(rb)))
		return -1;
	return pathf(out, len, "%s/plots", ra);
}

int cmd_compare(int argc, char **argv)
{
	char names[128], synopsis[256], fmt_help[256];
	struct cmd_usage u = {
		.synopsis = synopsis,
		.summary =
			"Compare the runs in DIR_A with the runs in DIR_B (each a run\n"
			"directory, or a directory holding run directories, e.g. run-1..N).\n"
			"Per metric of the scenario: N, median, mean, sd, CoV, the change\n"
			"of the median with a bootstrap 95% CI, and a two-sided Mann-Whitney\n"
			"U test. Significant: p < 0.05 and a change beyond the noise band,\n"
			"the larger of 5% and the CoV of A. Plots (gnuplot, PNG and SVG) go\n"
			"to --plots DIR, by default DIR_A/../plots when A and B are\n"
			"siblings.\n\n"
			"Exit: 1 when a gating metric is significantly worse, 0 otherwise,\n"
			"2 on bad input.",
		.permute = true,
	};
	const char *format = "text", *plots = NULL;
	bool no_plots = false;
	const struct opt opts[] = {
		OPT_STR('f', "format", &format, "FMT", fmt_help),
		OPT_STR(0, "plots", &plots, "DIR", "write the plots here"),
		OPT_BOOLEAN(0, "no-plots", &no_plots, "no plots"),
		OPT_TABLE_END,
	};
	char err[RD_PATH_MAX + 256], pd[RD_PATH_MAX];
	const struct cmp_format *f;
	struct comparison *c;
	int i, ret;

	/* the formats, as the table has them */
	cmp_format_list(names, sizeof(names), false, false, "|", "|");
	snprintf(synopsis, sizeof(synopsis),
		 "DIR_A DIR_B [--format %s] [--plots DIR | --no-plots]", names);
	cmp_format_list(fmt_help, sizeof(fmt_help), false, true, ", ", " or ");
	i = opt_parse(argc, argv, "compare", &u, opts);
	f = compare_format(format);
	if (!f) {
		cmp_format_list(names, sizeof(names), false, false, ", ", ", ");
		die("compare: --format %s: use one of %s", format, names);
	}
	if (argc - i != 2)
		die("compare: give two directories, DIR_A and DIR_B (see 'mmrepro compare --help')");
	c = compare_load(argv[i], argv[i + 1], err, sizeof(err));
	if (!c)
		die("compare: %s", err);
	if (!no_plots && !plots &&
	    !default_plots(argv[i], argv[i + 1], pd, sizeof(pd)))
		plots = pd;
	if (!no_plots && plots) {
		if (!plot_comparison(c, plots))
			fprintf(stderr, "%s: compare: %d plots in %s\n",
				progname, c->nplots, plots);
	}
	f->write(c, stdout);
	fflush(stdout);
	ret = compare_exit(c);
	compare_free(c);
	return ret;
}
