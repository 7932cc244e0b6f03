/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_COMPARE_H
#define MMREPRO_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "rundata.h"
#include "stats.h"

/*
 * compare: the runs of A against the runs of B, metric by metric, as
 * computed once by compare_load() and then written in any format.
 * Shared by `mmrepro compare' and `mmrepro ab'.
 */

#define CMP_ALPHA 0.05
#define CMP_BAND_PCT 5.0 /* the least noise band, % of the median of A */
#define CMP_RESAMPLES 2000
#define CMP_SEED 20260417UL

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
	char **plots; /* files written by compare_plot() */
	char *plots_dir;
	/* the directory the report goes to, for md's links; NULL: cwd */
	char *report_dir;
};

struct comparison *compare_load(const char *a, const char *b, char *err,
				size_t elen);

/*
 * The output formats, as fio's I/O engines: each writer is a function of
 * a comparison (text, md, json and ktap in cmd-compare.c, html in
 * report-html.c), and one row of cmp_formats[] (cmd-compare.c) names
 * it for --format and for ab's DIR/report.EXT.  The table ends with a
 * row whose name is NULL; its first row is text.
 */
struct cmp_format {
	const char *name; /* --format NAME */
	const char *ext; /* ab writes DIR/report.EXT */
	void (*write)(const struct comparison *c, FILE *out);
};

extern const struct cmp_format cmp_formats[];
/* The row named s, or NULL */
const struct cmp_format *compare_format(const char *s);
void compare_write(const struct comparison *c, const struct cmp_format *f,
		   FILE *out);
/* Plots into dir; 0, or -1 after a warning on stderr */
int compare_plot(struct comparison *c, const char *dir);
/*
 * 1 when a gating metric is significantly worse, else 0; 3 when a side
 * has fewer than 2 usable runs (reproduced or not-reproduced)
 */
int compare_exit(const struct comparison *c);
bool compare_unusable(const struct comparison *c);
void compare_free(struct comparison *c);
const char *cmp_result_name(enum cmp_result r);

/* For the writers: numbers and sentences as every format shows them */
void cmp_fmt_num(char *b, size_t l, double v);
/*
 * A side's mean, sd and CoV (decimals of the CoV in %; "-" when there is
 * none), each into a buffer of CMP_CELL bytes
 */
#define CMP_CELL 32
void cmp_fmt_spread(const struct stats_desc *d, int cov_decimals,
		    char mean[CMP_CELL], char sd[CMP_CELL], char cov[CMP_CELL]);
void cmp_fmt_pct(char *b, size_t l, double v);
void cmp_fmt_p(char *b, size_t l, double p);
/* "-12.3%" or, where the median of A is 0, "(+4.1)" in the unit */
void cmp_fmt_change(char *b, size_t l, const struct cmp_metric *m);
void cmp_fmt_ci(char *b, size_t l, const struct cmp_metric *m);
/* "6.12.0, kvm, N=5, reproduced 5 of 5[, 1 error]" */
void cmp_side_line(char *b, size_t l, const struct cmp_side *sd);
void cmp_fingerprint_line(char *b, size_t l, const struct cmp_side *sd);
/* The runs of a side that reproduced or did not: the measured ones */
int cmp_usable(const struct cmp_side *sd);
/*
 * [expect] fixed: 'A' or 'B' (the side that behaves like the fix), 'n'
 * (neither), with the sentence in b; 0 when no run declares one
 */
int cmp_expect_fixed(const struct comparison *c, char *b, size_t l);
/*
 * The result as one sentence ("REGRESSION in ...", "no gating metric
 * is significantly worse", "NO COMPARISON: ..."); the exit status
 */
int cmp_result_line(const struct comparison *c, char *b, size_t l);

/* report-html.c */
void compare_write_html(const struct comparison *c, FILE *out);

#define TEXT_WIDTH 72 /* text reports survive an email reply */
void text_wrap(FILE *out, int indent, const char *first, const char *s,
	       int cont);

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
 * Writes S as a gnuplot string expression that expands nothing: single-
 * quoted pieces joined by "\n" at its line breaks
 */
void gp_str(FILE *f, const char *s);

#endif
