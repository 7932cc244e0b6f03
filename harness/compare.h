/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_COMPARE_H
#define MMREPRO_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "rundata.h"
#include "stats.h"

/*
 * compare: the runs of A against the runs of B, metric by metric, as
 * computed once by compare_load() and then written in any format
 * (compare-formats.h) and plotted (plot.h).  Shared by `mmrepro compare'
 * and `mmrepro ab'.
 */

#define CMP_ALPHA 0.05
#define CMP_BAND_PCT 5.0 /* the least noise band, % of the median of A */
#define CMP_RESAMPLES 2000
#define CMP_SEED 20260417UL
/* How p is computed (stats.c), for the footnote of every format */
#define CMP_P_TEST                                           \
	"Mann-Whitney U, two-sided (exact up to 50 a side, " \
	"conditional on any ties; else normal with tie correction)"
_Static_assert(MWU_EXACT_MAX == 50, "CMP_P_TEST names MWU_EXACT_MAX");

enum cmp_result { RES_NA, RES_SAME, RES_BETTER, RES_WORSE };

struct cmp_metric {
	char name[64];
	char unit[32];
	char during[32];
	bool lower_better, gate;
	double *v[2];
	size_t n[2];
	struct stats_desc d[2];
	double change_abs; /* median B - median A */
	double change_pct; /* of |median A|; NAN when it is 0 */
	double ci_lo, ci_hi; /* bootstrap CI of change_abs */
	double ci_pct_lo, ci_pct_hi; /* and of change_pct */
	struct mwu mwu;
	bool tested;
	double band_pct;
	bool beyond, significant;
	enum cmp_result result;
	char why[96]; /* why not tested */
};

struct cmp_diff {
	char *what, *a, *b;
};

struct cmp_side {
	struct rd_set set;
	char name[2]; /* "A" or "B" */
	char label[96]; /* what this side is, in a few words */
	char releases[256], accels[64];
	int reproduced, not_reproduced, not_applicable, error, other;
	/*
	 * The defrag fingerprint (summary.json trace.defrag_fingerprint):
	 * runs that have one, and how many said "promoted" or "not
	 * promoted"; non-movable direct reclaim and compaction requests
	 * at pageblock order or above, and below it, summed over the runs
	 */
	int fp_runs, fp_promoted, fp_not_promoted;
	double fp_reclaim_promoted, fp_reclaim_below;
	double fp_compact_promoted, fp_compact_below;
};

struct comparison {
	struct cmp_side side[2];
	char scenario[64];
	char during[32]; /* the phase most gating metrics measure */
	int nm;
	struct cmp_metric *m;
	int ndiff;
	struct cmp_diff *diff;
	int nnote;
	char **note;
	bool accel_differs;
	int nplots;
	char **plots; /* files written by plot_comparison() */
	char *plots_dir;
	/* the directory the report goes to, for md's links; NULL: cwd */
	char *report_dir;
};

/*
 * The runs of a and b (each a run directory, or a directory holding run
 * directories), tested metric by metric; NULL with the reason in err
 */
struct comparison *compare_load(const char *a, const char *b, char *err,
				size_t elen);

/* Runs with a measured verdict: reproduced or not */
int cmp_usable(const struct cmp_side *sd);
/*
 * 1 when a gating metric is significantly worse, else 0; 3 when a side
 * has fewer than 2 usable runs (reproduced or not-reproduced)
 */
int compare_exit(const struct comparison *c);
bool compare_unusable(const struct comparison *c);
void compare_free(struct comparison *c);
const char *cmp_result_name(enum cmp_result r);

#endif
