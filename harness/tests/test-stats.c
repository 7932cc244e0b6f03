// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c against answers obtained without it: published critical
 * values of the Mann-Whitney U test, brute-force enumeration, and
 * formulas evaluated here with libm only.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stats.h"
#include "util.h"

/*
 * Samples of n1 and n2 distinct values whose U (pairs x > y) is u: the
 * y's are 1..n2, and each x sits just above c_i of them, sum c_i = u.
 */
static void make_u(size_t n1, size_t n2, size_t u, double *x, double *y)
{
	size_t i, left = u;

	for (i = 0; i < n2; i++)
		y[i] = (double)(i + 1);
	for (i = 0; i < n1; i++) {
		size_t c = left > n2 ? n2 : left;

		left -= c;
		x[i] = (double)c + 0.5 + 0.001 * (double)i;
	}
	assert_int_equal(left, 0);
}

/*
 * Critical values of U, two-tailed alpha = 0.05: reject H0 when
 * U <= U_crit.  From the table printed in statistics textbooks, e.g.
 * "Critical values of the Mann-Whitney U (two-tailed testing)",
 * Table of Critical Values for alpha = 0.05, numeracy-bank.net
 * (http://numeracy-bank.net/?q=t/stt/mwu/3), which gives for example
 * U_crit = 2 for n1 = n2 = 5 and 127 for n1 = n2 = 20.
 */
static const struct {
	size_t n1, n2, ucrit;
} crit05[] = {
	{ 3, 5, 0 },  { 4, 4, 0 },    { 4, 5, 1 },    { 5, 5, 2 },
	{ 5, 10, 8 }, { 6, 6, 5 },    { 7, 7, 8 },    { 8, 8, 13 },
	{ 9, 9, 17 }, { 10, 10, 23 }, { 12, 15, 49 }, { 20, 20, 127 },
};

static void test_mwu_critical_values(void **state)
{
	double x[20], y[20];
	struct mwu r;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(crit05); i++) {
		size_t n1 = crit05[i].n1, n2 = crit05[i].n2;
		size_t u = crit05[i].ucrit;
		double p_at, p_above;

		/* through the whole test, from data with that U */
		make_u(n1, n2, u, x, y);
		assert_int_equal(stats_mann_whitney(x, n1, y, n2, &r), 0);
		assert_true(r.exact);
		assert_false(r.ties);
		assert_true(fabs(r.u - (double)u) < 1e-9);
		p_at = r.p;
		make_u(n1, n2, u + 1, x, y);
		assert_int_equal(stats_mann_whitney(x, n1, y, n2, &r), 0);
		p_above = r.p;
		if (!(p_at <= 0.05 && p_above > 0.05))
			fail_msg("n1=%zu n2=%zu: p(U=%zu)=%.5f p(U=%zu)=%.5f",
				 n1, n2, u, p_at, u + 1, p_above);
		/* the larger U of the pair gives the same p */
		assert_true(
			fabs(stats_mwu_exact_p(n1, n2, (double)(n1 * n2 - u)) -
			     p_at) < 1e-12);
	}
}

/* n1 = n2 = 4: every one of the C(8,4) = 70 orderings, counted here */
static void test_mwu_exact_enumerated(void **state)
{
	unsigned int mask, cnt[17] = { 0 };
	size_t u, k;

	(void)state;
	for (mask = 0; mask < 256; mask++) {
		unsigned int ys = 0, uu = 0, bit;

		if (__builtin_popcount(mask) != 4)
			continue;
		/* bit b set: position b (ascending) holds an x */
		for (bit = 0; bit < 8; bit++) {
			if (mask & (1u << bit))
				uu += ys;
			else
				ys++;
		}
		cnt[uu]++;
	}
	for (u = 0; u <= 16; u++) {
		unsigned int tail = 0;
		size_t lim = u < 16 - u ? u : 16 - u;
		double want;

		for (k = 0; k <= lim; k++)
			tail += cnt[k];
		want = 2.0 * tail / 70;
		if (want > 1)
			want = 1;
		assert_true(fabs(stats_mwu_exact_p(4, 4, (double)u) - want) <
			    1e-12);
	}
	assert_true(fabs(stats_mwu_min_p(4, 4) - 2.0 / 70) < 1e-12);
	assert_true(fabs(stats_mwu_min_p(3, 3) - 0.1) < 1e-12);
}

/* U of x against y by its definition: pairs x > y, a tie counts 1/2 */
static double u_pairs(const double *x, size_t nx, const double *y, size_t ny)
{
	double u = 0;
	size_t i, j;

	for (i = 0; i < nx; i++)
		for (j = 0; j < ny; j++)
			u += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
	return u;
}

/*
 * Small samples with ties: the exact p conditional on the ties, against
 * every one of the C(15, 7) ways to split the pooled values
 */
static void test_mwu_exact_ties(void **state)
{
	const double x[] = { 1, 2, 2, 3, 4, 5, 5 };
	const double y[] = { 2, 3, 5, 6, 7, 8, 9, 9 };
	const double a[] = { 30.1, 29.5, 31, 30.3, 28.9 };
	const double b[] = { 0, 0, 0, 0, 0.11 };
	double all[15], px[7], py[8], u, mu = 7 * 8 / 2.0, far;
	unsigned int mask, hits = 0, total = 0;
	struct mwu r;
	size_t i;

	(void)state;
	memcpy(all, x, sizeof(x));
	memcpy(all + 7, y, sizeof(y));
	far = fabs(u_pairs(x, 7, y, 8) - mu);
	for (mask = 0; mask < 1u << 15; mask++) {
		size_t kx = 0, ky = 0;

		if (__builtin_popcount(mask) != 7)
			continue;
		for (i = 0; i < 15; i++) {
			if (mask & (1u << i))
				px[kx++] = all[i];
			else
				py[ky++] = all[i];
		}
		u = u_pairs(px, 7, py, 8);
		hits += fabs(u - mu) >= far - 1e-9;
		total++;
	}
	assert_int_equal(total, 6435);
	assert_int_equal(stats_mann_whitney(x, 7, y, 8, &r), 0);
	assert_true(r.exact && r.ties);
	assert_true(fabs(r.u - u_pairs(x, 7, y, 8)) < 1e-12);
	if (fabs(r.p - (double)hits / total) > 1e-12)
		fail_msg("p %.12f, enumerated %u/%u", r.p, hits, total);
	/* fully apart, with a tie inside one side: 2 of C(10, 5) splits */
	assert_int_equal(stats_mann_whitney(a, 5, b, 5, &r), 0);
	assert_true(r.exact && r.ties);
	assert_true(fabs(r.p - 2.0 / 252) < 1e-12);
	/* every value equal: nothing to tell apart */
	assert_int_equal(stats_mann_whitney(b, 4, b, 4, &r), 0);
	assert_true(fabs(r.p - 1) < 1e-12);
}

/*
 * Large samples with ties take the normal approximation, worked out
 * here step by step
 */
static void test_mwu_normal_ties(void **state)
{
	const double bx[] = { 1, 2, 2, 3, 4, 5, 5 };
	const double by[] = { 2, 3, 5, 6, 7, 8, 9, 9 };
	size_t nx = 56, ny = 64, n = 120, i, j;
	double x[56], y[64], u, ties = 0, mu, var, z, p, all[120];
	struct mwu r;

	(void)state;
	/* each value 8 times: too many for the exact distribution */
	for (i = 0; i < nx; i++)
		x[i] = bx[i % 7];
	for (i = 0; i < ny; i++)
		y[i] = by[i % 8] + 0.5 * (i % 3 == 0);
	u = u_pairs(x, nx, y, ny);
	memcpy(all, x, sizeof(x));
	memcpy(all + nx, y, sizeof(y));
	/* tie groups: count each distinct value once */
	for (i = 0; i < n; i++) {
		double t = 0;
		int first = 1;

		for (j = 0; j < n; j++) {
			if (all[j] == all[i])
				t++;
			if (all[j] == all[i] && j < i)
				first = 0;
		}
		if (first)
			ties += t * t * t - t;
	}
	mu = nx * ny / 2.0;
	var = nx * ny / 12.0 * ((n + 1) - ties / (n * (n - 1.0)));
	z = (fabs(u - mu) - 0.5) / sqrt(var);
	p = erfc(z / sqrt(2));

	assert_int_equal(stats_mann_whitney(x, nx, y, ny, &r), 0);
	assert_false(r.exact);
	assert_true(r.ties);
	assert_true(fabs(r.u - u) < 1e-12);
	if (fabs(r.p - p) > 1e-9)
		fail_msg("p %.12f, expected %.12f (U %.1f, z %.6f)", r.p, p, u,
			 z);
	assert_true(r.p < 0.01);
}

/* Large samples without ties also take the approximation */
static void test_mwu_normal_large(void **state)
{
	double x[60], y[60], u = 0, mu, sd, z, p;
	size_t i, j;
	struct mwu r;

	(void)state;
	for (i = 0; i < 60; i++) {
		x[i] = (double)(i * 7 % 60) + 0.25; /* a permutation */
		y[i] = (double)i + 10.5;
	}
	for (i = 0; i < 60; i++)
		for (j = 0; j < 60; j++)
			u += x[i] > y[j];
	mu = 1800;
	sd = sqrt(60.0 * 60 * 121 / 12);
	z = (fabs(u - mu) - 0.5) / sd;
	p = erfc(z / sqrt(2));
	assert_int_equal(stats_mann_whitney(x, 60, y, 60, &r), 0);
	assert_false(r.exact);
	assert_true(fabs(r.u - u) < 1e-9);
	assert_true(fabs(r.p - p) < 1e-9);
	assert_true(r.z < 0);
}

static void test_mwu_degenerate(void **state)
{
	const double same[] = { 3, 3, 3 };
	struct mwu r;

	(void)state;
	assert_int_equal(stats_mann_whitney(same, 3, same, 3, &r), 0);
	assert_true(r.p == 1);
	assert_int_equal(stats_mann_whitney(same, 0, same, 3, &r), -1);
	assert_true(isnan(r.p));
}

static void test_bootstrap(void **state)
{
	double a[12], b[12], lo, hi, lo2, hi2;
	size_t i;

	(void)state;
	/* a spread-out sample, and b the same reordered and shifted by 40 */
	for (i = 0; i < 12; i++)
		a[i] = 100 + (double)((i * 37) % 23) - 11;
	for (i = 0; i < 12; i++)
		b[i] = a[(i * 5) % 12] + 40;
	assert_int_equal(stats_bootstrap_median_diff(a, 12, b, 12, 2000, 1,
						     0.95, false, &lo, &hi),
			 0);
	assert_true(lo <= 40 && 40 <= hi);
	assert_true(lo > 20 && hi < 60);
	/* fixed seed: the same interval again */
	assert_int_equal(stats_bootstrap_median_diff(a, 12, b, 12, 2000, 1,
						     0.95, false, &lo2, &hi2),
			 0);
	assert_true(lo == lo2 && hi == hi2);
	/* no shift: the interval holds 0 */
	assert_int_equal(stats_bootstrap_median_diff(a, 12, a, 12, 2000, 7,
						     0.95, false, &lo, &hi),
			 0);
	assert_true(lo <= 0 && 0 <= hi);
	/* relative: b is a scaled by 1.5, so +50 % */
	for (i = 0; i < 12; i++)
		b[i] = 1.5 * a[(i * 5) % 12];
	assert_int_equal(stats_bootstrap_median_diff(a, 12, b, 12, 2000, 3,
						     0.95, true, &lo, &hi),
			 0);
	assert_true(lo <= 50 && 50 <= hi && lo > 25 && hi < 75);
	assert_int_equal(stats_bootstrap_median_diff(a, 0, b, 12, 2000, 1, 0.95,
						     false, &lo, &hi),
			 -1);
}

static void test_describe(void **state)
{
	const double x[] = { 9, 2, 4, 5, 4, 7, 4, 5 };
	double mean = 0, ss = 0, sd;
	struct stats_desc d;
	size_t i;

	(void)state;
	for (i = 0; i < 8; i++)
		mean += x[i] / 8;
	for (i = 0; i < 8; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	sd = sqrt(ss / 7);
	stats_describe(x, 8, &d);
	assert_int_equal(d.n, 8);
	assert_true(fabs(d.mean - mean) < 1e-12);
	assert_true(fabs(d.median - 4.5) < 1e-12); /* 2 4 4 4 | 5 5 7 9 */
	assert_true(fabs(d.sd - sd) < 1e-12);
	assert_true(fabs(d.cov - sd / mean) < 1e-12);
	assert_true(d.min == 2 && d.max == 9);
	assert_true(fabs(stats_median(x, 7) - 4) < 1e-12); /* 2 4 4 5 5 7 9 */

	stats_describe(x, 1, &d);
	assert_true(d.median == 9 && isnan(d.sd) && isnan(d.cov));
	stats_describe(x, 0, &d);
	assert_true(isnan(d.median));
}

/*
 * The order-statistic CI of a median: coverages from the binomial
 * distribution computed here by hand (sums of C(n,k)/2^n), intervals
 * from the sorted data
 */
static void test_median_ci(void **state)
{
	double x[20], lo, hi, cov, c;
	size_t n, k, j;

	(void)state;
	for (n = 0; n < 20; n++)
		x[n] = (double)((n * 7) % 20); /* a permutation of 0..19 */
	/* n = 5: [min, max] covers 1 - 2/32 = 93.75 %, short of 95 % */
	assert_int_equal(stats_median_ci(x, 5, 0.95, &lo, &hi, &cov), 0);
	assert_true(fabs(cov - (1 - 2.0 / 32)) < 1e-12);
	assert_true(lo == 0 && hi == 14); /* 0 7 14 1 8: min 0, max 14 */
	/* n = 20 at 95 %: P(Bin(20,.5) <= 5) = 0.0207, <= 6 = 0.0577 */
	assert_int_equal(stats_median_ci(x, 20, 0.95, &lo, &hi, &cov), 0);
	for (c = 0, k = 0; k <= 5; k++) {
		double b = 1;

		for (j = 0; j < k; j++) /* C(20, k) */
			b = b * (double)(20 - j) / (double)(j + 1);
		c += b / 1048576.0;
	}
	assert_true(fabs(cov - (1 - 2 * c)) < 1e-9);
	assert_true(cov >= 0.95);
	/* j = 6: x(6) and x(15) of 0..19 are 5 and 14 */
	assert_true(lo == 5 && hi == 14);
	/* one run: its value, no coverage; none: an error */
	assert_int_equal(stats_median_ci(x + 3, 1, 0.95, &lo, &hi, &cov), 0);
	assert_true(lo == x[3] && hi == x[3] && cov == 0);
	assert_int_equal(stats_median_ci(x, 0, 0.95, &lo, &hi, &cov), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mwu_critical_values),
		cmocka_unit_test(test_mwu_exact_enumerated),
		cmocka_unit_test(test_mwu_exact_ties),
		cmocka_unit_test(test_mwu_normal_ties),
		cmocka_unit_test(test_mwu_normal_large),
		cmocka_unit_test(test_mwu_degenerate),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_median_ci),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
