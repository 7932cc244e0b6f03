/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_SWEEP_H
#define MMREPRO_SWEEP_H

#include <stdio.h>

#include "compare.h"

/*
 * A sweep: the runs of one scenario at several points (kernels, or
 * values of one scenario key), in order.  Each point's figures come
 * from the comparisons of adjacent points (compare.h), which also give
 * each step's change and p.
 */
struct sweep_point {
	char label[64]; /* "6.18", "mem=2G" */
	char dir[RD_PATH_MAX];
	const struct cmp_side *side; /* in a comparison below */
};

/* One metric at one point: its runs' median and order-statistic CI */
struct sweep_value {
	size_t n;
	const double *v;
	double median, lo, hi, coverage;
};

struct sweep_metric {
	const struct cmp_metric *m; /* name, unit, gate: of the first step */
	struct sweep_value *at; /* per point */
	const struct cmp_metric **step; /* per step (point i to i + 1) */
};

struct sweep {
	char scenario[64];
	char axis[64]; /* "kernel", or the scenario key swept */
	int runs; /* per point, as planned */
	int np;
	struct sweep_point *pt;
	struct comparison **cmp; /* np - 1: point i against i + 1 */
	int nm;
	struct sweep_metric *m;
	int nplots;
	char **plots;
};

#define SWEEP_CI_LEVEL 0.95

/* The points' runs loaded and compared step by step; NULL with why */
struct sweep *sweep_load(const char *axis, int runs,
			 const struct sweep_point *pts, int np, char *err,
			 size_t elen);
void sweep_free(struct sweep *s);
/*
 * 0 when every point has 2 usable runs or is not applicable in every
 * run; else 3 (too few runs to say anything)
 */
int sweep_exit(const struct sweep *s);
/* The usable runs of point i (reproduced or not) */
int sweep_usable(const struct sweep *s, int i);
/* A point that was not applicable in all of its runs */
bool sweep_not_applicable(const struct sweep *s, int i);

/* One file per format, one row each in sweep_formats[] (sweep.c) */
struct sweep_format {
	const char *name, *ext;
	void (*write)(const struct sweep *s, FILE *out);
};

extern const struct sweep_format sweep_formats[];
void sweep_write_text(const struct sweep *s, FILE *out);
void sweep_write_md(const struct sweep *s, FILE *out);
void sweep_write_json(const struct sweep *s, FILE *out);
void sweep_write_ktap(const struct sweep *s, FILE *out);
/* A plot per gating metric across the points, into dir (plot-sweep.c) */
int plot_sweep(struct sweep *s, const char *dir);

#endif
