/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_PLOT_H
#define MMREPRO_PLOT_H

#include <stdio.h>

#include "compare.h"
#include "rundata.h"

/* plot.c: time series of runs (1 or 2 sides) and box plots of metrics */
struct plot_side {
	const struct rd_set *set;
	const char *label; /* for the legend */
};

struct plot_files {
	int n;
	char **file;
};

int plot_series(const struct plot_side *sides, int nsides, const char *scenario,
		const char *during, const char *dir, struct plot_files *out);
int plot_boxes(const struct comparison *c, const char *dir,
	       struct plot_files *out);
void plot_files_free(struct plot_files *f);
/*
 * A comparison's plots into dir: the time series of both sides and a
 * box plot per metric, recorded in c->plots and c->plots_dir for the
 * writers; 0, or -1 after a warning on stderr
 */
int plot_comparison(struct comparison *c, const char *dir);
/*
 * Writes S as a gnuplot string expression that expands nothing: single-
 * quoted pieces joined by "\n" at its line breaks
 */
void gp_str(FILE *f, const char *s);

/*
 * For the plot files of other commands (plot-sweep.c): dir and dir/src
 * made, as real directories; gnuplot run on dir/script, in dir; a plot's
 * old outputs removed first (gnuplot's "set output" follows a link); a
 * file recorded in f
 */
int plot_prepare(const char *dir);
int plot_gnuplot(const char *dir, const char *script);
void plot_unlink_outputs(const char *dir, const char *name);
void plot_add_file(struct plot_files *f, const char *path);

#endif
