// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics for compare: a rank test and a bootstrap, because run
 * metrics of a memory-management pathology are rarely normal (a run
 * reproduces or it does not) and N is small.
 */
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static double *sorted_copy(const double *x, size_t n)
{
	double *s = malloc((n ? n : 1) * sizeof(double));

	if (!s)
		return NULL;
	memcpy(s, x, n * sizeof(double));
	gsl_sort(s, 1, n);
	return s;
}

double stats_median(const double *x, size_t n)
{
	double *s, m;

	if (!n)
		return NAN;
	s = sorted_copy(x, n);
	if (!s)
		return NAN;
	m = gsl_stats_median_from_sorted_data(s, 1, n);
	free(s);
	return m;
}

void stats_describe(const double *x, size_t n, struct stats_desc *d)
{
	double *s;

	d->n = n;
	d->median = d->mean = d->sd = d->cov = d->min = d->max = NAN;
	if (!n)
		return;
	s = sorted_copy(x, n);
	if (!s)
		return;
	d->median = gsl_stats_median_from_sorted_data(s, 1, n);
	d->mean = gsl_stats_mean(s, 1, n);
	d->min = s[0];
	d->max = s[n - 1];
	if (n > 1) {
		d->sd = gsl_stats_sd_m(s, 1, n, d->mean);
		/* no variation is no noise, even around 0 */
		if (d->sd == 0)
			d->cov = 0;
		else if (d->mean != 0)
			d->cov = d->sd / fabs(d->mean);
	}
	free(s);
}

/*
 * The null distribution of U for n1 and n2 without ties: the number of
 * orderings of n1 x's and n2 y's in which the x's exceed u (x, y) pairs.
 * dp[i][j][u] = dp[i][j-1][u] (the largest is a y) + dp[i-1][j][u-j]
 * (the largest is an x, above all j y's): only additions, so the counts
 * keep their precision even where C(n1+n2, n1) exceeds 2^53.
 * Returns n1*n2 + 1 counts, or NULL.
 */
static double *mwu_counts(size_t n1, size_t n2)
{
	size_t M = n1 * n2, w = M + 1, i, j, u;
	double *prev = calloc((n2 + 1) * w, sizeof(double));
	double *cur = calloc((n2 + 1) * w, sizeof(double));
	double *out = NULL, *t;

	if (!prev || !cur)
		goto out;
	for (j = 0; j <= n2; j++)
		prev[j * w] = 1; /* no x yet: U = 0 */
	for (i = 1; i <= n1; i++) {
		memset(cur, 0, (n2 + 1) * w * sizeof(double));
		cur[0] = 1;
		for (j = 1; j <= n2; j++)
			for (u = 0; u <= i * j; u++)
				cur[j * w + u] =
					cur[(j - 1) * w + u] +
					(u >= j ? prev[j * w + u - j] : 0);
		t = prev;
		prev = cur;
		cur = t;
	}
	out = malloc(w * sizeof(double));
	if (out)
		memcpy(out, prev + n2 * w, w * sizeof(double));
out:
	free(prev);
	free(cur);
	return out;
}

double stats_mwu_exact_p(size_t n1, size_t n2, double u)
{
	double *c, total = 0, tail = 0, k;
	size_t i, M = n1 * n2;

	if (!n1 || !n2 || u < 0 || u > (double)M)
		return NAN;
	c = mwu_counts(n1, n2);
	if (!c)
		return NAN;
	/* symmetric about M/2: take the nearer tail and double it */
	k = floor(fmin(u, (double)M - u) + 1e-9);
	for (i = 0; i <= M; i++) {
		total += c[i];
		if ((double)i <= k)
			tail += c[i];
	}
	free(c);
	return fmin(1.0, 2 * tail / total);
}

double stats_mwu_min_p(size_t n1, size_t n2)
{
	if (!n1 || !n2)
		return NAN;
	/* U = 0: one ordering in C(n1 + n2, n1), both tails */
	return fmin(1.0, 2 * exp(-gsl_sf_lnchoose((unsigned int)(n1 + n2),
						  (unsigned int)n1)));
}

struct ranked {
	double v;
	int from_x;
};

static int by_value(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v;
	double y = ((const struct ranked *)b)->v;

	return (x > y) - (x < y);
}

/*
 * Two-sided exact p with ties, conditional on the ties seen (the
 * permutation distribution of the rank sum): r2[] holds the n doubled
 * midranks, integers; dp[j][s] counts the subsets of j of them whose sum
 * is s.  p is the share of the C(n, nx) subsets of size nx whose sum is
 * at least as far from its mean nx(n+1) as the observed sum2.  Without
 * ties this is stats_mwu_exact_p(); the normal approximation it replaces
 * for small samples with ties is crude (for 5 + 5 fully separated
 * values with a tie it gave 0.011, where the exact answer is 2/252).
 */
static double mwu_tied_p(const int *r2, size_t n, size_t nx, long sum2)
{
	size_t w = n * (n + 1) + 1, i, j, s;
	double *dp = calloc((nx + 1) * w, sizeof(double)), total = 0, tail = 0;
	long mean2 = (long)(nx * (n + 1)), far = labs(sum2 - mean2);

	if (!dp)
		return NAN;
	dp[0] = 1;
	for (i = 0; i < n; i++)
		for (j = (i + 1 < nx ? i + 1 : nx); j > 0; j--)
			for (s = (size_t)r2[i]; s < w; s++)
				dp[j * w + s] +=
					dp[(j - 1) * w + s - (size_t)r2[i]];
	for (s = 0; s < w; s++) {
		total += dp[nx * w + s];
		if (labs((long)s - mean2) >= far)
			tail += dp[nx * w + s];
	}
	free(dp);
	return total > 0 ? fmin(1.0, tail / total) : NAN;
}

int stats_mann_whitney(const double *x, size_t nx, const double *y, size_t ny,
		       struct mwu *r)
{
	size_t n = nx + ny, i, j;
	struct ranked *a;
	double r1 = 0, ties = 0, mu, var, d;
	long sum2 = 0;
	int *r2;

	memset(r, 0, sizeof(*r));
	r->u = r->z = r->p = NAN;
	if (!nx || !ny)
		return -1;
	a = malloc(n * sizeof(*a));
	r2 = malloc(n * sizeof(*r2));
	if (!a || !r2) {
		free(a);
		free(r2);
		return -1;
	}
	for (i = 0; i < nx; i++)
		a[i] = (struct ranked){ x[i], 1 };
	for (i = 0; i < ny; i++)
		a[nx + i] = (struct ranked){ y[i], 0 };
	qsort(a, n, sizeof(*a), by_value);
	/* midranks: a run of t equal values shares the mean of its ranks */
	for (i = 0; i < n; i = j) {
		double t, rank;
		size_t k;

		for (j = i + 1; j < n && a[j].v == a[i].v; j++)
			;
		t = (double)(j - i);
		rank = (double)(i + 1 + j) / 2;
		for (k = i; k < j; k++) {
			r2[k] = (int)(i + 1 + j);
			if (a[k].from_x) {
				r1 += rank;
				sum2 += r2[k];
			}
		}
		ties += t * t * t - t;
	}
	free(a);
	r->u = r1 - (double)nx * (double)(nx + 1) / 2;
	r->ties = ties > 0;
	if (nx <= MWU_EXACT_MAX && ny <= MWU_EXACT_MAX) {
		r->exact = true;
		r->p = r->ties ? mwu_tied_p(r2, n, nx, sum2) :
				 stats_mwu_exact_p(nx, ny, r->u);
		free(r2);
		return 0;
	}
	free(r2);
	/* normal approximation, tie-corrected variance, continuity 1/2 */
	mu = (double)nx * (double)ny / 2;
	var = (double)nx * (double)ny / 12 *
	      ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
	if (var <= 0) { /* every value equal */
		r->z = 0;
		r->p = 1;
		return 0;
	}
	d = fmax(fabs(r->u - mu) - 0.5, 0);
	r->z = copysign(d / sqrt(var), r->u - mu);
	r->p = fmin(1.0, 2 * gsl_cdf_ugaussian_Q(fabs(r->z)));
	return 0;
}

static double resampled_median(gsl_rng *rng, const double *x, size_t n,
			       double *tmp)
{
	size_t i;

	for (i = 0; i < n; i++)
		tmp[i] = x[gsl_rng_uniform_int(rng, n)];
	gsl_sort(tmp, 1, n);
	return gsl_stats_median_from_sorted_data(tmp, 1, n);
}

/* gsl's quantile, but an infinite end stays infinite instead of NAN */
static double quantile_sorted(const double *x, size_t n, double q)
{
	double idx = q * (double)(n - 1), delta;
	size_t lhs = (size_t)idx;

	delta = idx - (double)lhs;
	if (lhs + 1 >= n || delta == 0 || x[lhs] == x[lhs + 1])
		return x[lhs];
	return (1 - delta) * x[lhs] + delta * x[lhs + 1];
}

static double change(double ma, double mb, bool relative)
{
	if (!relative)
		return mb - ma;
	if (ma != 0)
		return 100 * (mb - ma) / fabs(ma);
	return mb == ma ? 0 : copysign(INFINITY, mb - ma);
}

int stats_bootstrap_median_diff(const double *a, size_t na, const double *b,
				size_t nb, int resamples, unsigned long seed,
				double level, bool relative, double *lo,
				double *hi)
{
	double *d, *ta, *tb;
	gsl_rng *rng;
	int i, ret = -1;

	*lo = *hi = NAN;
	if (!na || !nb || resamples < 2)
		return -1;
	d = malloc((size_t)resamples * sizeof(double));
	ta = malloc(na * sizeof(double));
	tb = malloc(nb * sizeof(double));
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!d || !ta || !tb || !rng)
		goto out;
	gsl_rng_set(rng, seed);
	for (i = 0; i < resamples; i++) {
		double ma = resampled_median(rng, a, na, ta);

		d[i] = change(ma, resampled_median(rng, b, nb, tb), relative);
	}
	gsl_sort(d, 1, (size_t)resamples);
	*lo = quantile_sorted(d, (size_t)resamples, (1 - level) / 2);
	*hi = quantile_sorted(d, (size_t)resamples, (1 + level) / 2);
	ret = 0;
out:
	if (rng)
		gsl_rng_free(rng);
	free(d);
	free(ta);
	free(tb);
	return ret;
}

/*
 * The distribution-free CI of a median from order statistics: the
 * interval [x(j), x(n+1-j)] covers the median with probability
 * 1 - 2 P(Bin(n, 1/2) < j).  The narrowest such interval that reaches
 * level; when even [min, max] does not (n < 6 at 95 %), that one, with
 * its smaller coverage in *coverage.
 */
int stats_median_ci(const double *x, size_t n, double level, double *lo,
		    double *hi, double *coverage)
{
	double *s, cov = 0;
	size_t j, best = 1;

	if (!n)
		return -1;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -1;
	memcpy(s, x, n * sizeof(*s));
	gsl_sort(s, 1, n);
	for (j = 1; j <= (n + 1) / 2; j++) {
		double c = j == 1 ? 1 - 2 * pow(0.5, (double)n) :
				    1 - 2 * gsl_cdf_binomial_P(
						    (unsigned int)j - 1, 0.5,
						    (unsigned int)n);

		if (j == 1 || c >= level) {
			best = j;
			cov = c;
		}
		if (c < level)
			break;
	}
	*lo = s[best - 1];
	*hi = s[n - best];
	*coverage = n == 1 ? 0 : cov;
	free(s);
	return 0;
}
