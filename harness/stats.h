/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_STATS_H
#define MMREPRO_STATS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The statistics compare needs, computed in-process: location and
 * spread, the Mann-Whitney U test and a bootstrap confidence interval
 * of the difference of two medians.  NAN marks "not computable".
 */

struct stats_desc {
	size_t n;
	double median, mean, sd, cov; /* sd: sample (n - 1); cov = sd/|mean| */
	double min, max;
};

void stats_describe(const double *x, size_t n, struct stats_desc *d);
double stats_median(const double *x, size_t n);

/*
 * Exact p-values are used when both samples have at most this many:
 * with ties, the permutation distribution conditional on them
 */
#define MWU_EXACT_MAX 50

struct mwu {
	double u; /* U of the first sample: pairs x > y, ties count 1/2 */
	double z; /* normal approximation only; NAN when exact */
	double p; /* two-sided */
	bool exact;
	bool ties;
};

int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		       struct mwu *r);
/* Two-sided exact p of U = u for samples of n1 and n2 without ties */
double stats_mwu_exact_p(size_t n1, size_t n2, double u);
/* The smallest two-sided p any data can give with n1 and n2 */
double stats_mwu_min_p(size_t n1, size_t n2);

/*
 * Percentile bootstrap of median(b) - median(a), or with `relative' of
 * 100 * (median(b) - median(a)) / |median(a)| (+-INFINITY where a
 * resampled median(a) is 0 and median(b) is not): both samples
 * resampled with replacement, `resamples' times, from GSL's MT19937
 * seeded with `seed'.  0, or -1 when a sample is empty.
 */
int stats_bootstrap_median_diff(const double *a, size_t na, const double *b,
				size_t nb, int resamples, unsigned long seed,
				double level, bool relative, double *lo,
				double *hi);

/*
 * The distribution-free (order-statistic) CI of the median of x: the
 * narrowest [x(j), x(n+1-j)] whose coverage reaches level, or [min, max]
 * when none does; its coverage in *coverage.  0, or -1 when n is 0.
 */
int stats_median_ci(const double *x, size_t n, double level, double *lo,
		    double *hi, double *coverage);

#endif
