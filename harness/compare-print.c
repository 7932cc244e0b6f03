// SPDX-License-Identifier: GPL-2.0
/*
 * A comparison's numbers and sentences as every output format shows
 * them: compact numbers for a 72-column table, a side in one line, the
 * fix fingerprint, [expect] and the result.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare-print.h"
#include "util.h"

/* ---- number formats, compact for a 72-column table ---- */

void cmp_fmt_num(char *b, size_t l, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(b, l, "-");
	else if (v == 0)
		snprintf(b, l, "0");
	else if (a >= 1e9)
		snprintf(b, l, "%.3gG", v / 1e9);
	else if (a >= 1e6)
		snprintf(b, l, "%.3gM", v / 1e6);
	else if (a >= 1000)
		snprintf(b, l, "%.0f", v);
	else if (a >= 1e-3)
		snprintf(b, l, "%.4g", v);
	else
		snprintf(b, l, "%.1e", v);
}

void cmp_fmt_spread(const struct stats_desc *d, int cov_decimals,
		    char mean[CMP_CELL], char sd[CMP_CELL], char cov[CMP_CELL])
{
	cmp_fmt_num(mean, CMP_CELL, d->mean);
	cmp_fmt_num(sd, CMP_CELL, d->sd);
	if (isnan(d->cov))
		snprintf(cov, CMP_CELL, "-");
	else
		snprintf(cov, CMP_CELL, "%.*f%%", cov_decimals, 100 * d->cov);
}

static void fmt_signed(char *b, size_t l, double v)
{
	char n[24];

	cmp_fmt_num(n, sizeof(n), fabs(v));
	snprintf(b, l, "%s%s",
		 isnan(v) ? "" :
		 v > 0	  ? "+" :
		 v < 0	  ? "-" :
			    "",
		 n);
}

void cmp_fmt_pct(char *b, size_t l, double v)
{
	/* one decimal below 10 %, three digits above: -99.7 is not -100 */
	if (isnan(v))
		snprintf(b, l, "-");
	else if (fabs(v) < 10)
		snprintf(b, l, "%+.1f", v);
	else if (fabs(v) < 1000)
		snprintf(b, l, "%+.3g", v);
	else
		snprintf(b, l, "%+.0f", v);
}

void cmp_fmt_p(char *b, size_t l, double p)
{
	if (isnan(p))
		snprintf(b, l, "-");
	else if (p < 0.001)
		snprintf(b, l, "<.001");
	else if (p < 0.01)
		/*
		 * two digits, so that 0.0097 does not read 0.010 beside a
		 * threshold of 0.01; no leading zero, as in "<.001", to
		 * keep the column 5 wide
		 */
		snprintf(b, l, ".%04.0f", p * 1e4);
	else
		snprintf(b, l, "%.3f", p);
}

/* "-12.3%" or, where the median of A is 0, "(+4.1)" in the unit */
void cmp_fmt_change(char *b, size_t l, const struct cmp_metric *m)
{
	char n[32];

	if (isnan(m->change_abs)) {
		snprintf(b, l, "-");
	} else if (!isnan(m->change_pct)) {
		cmp_fmt_pct(n, sizeof(n), m->change_pct);
		snprintf(b, l, "%s%%", n);
	} else {
		fmt_signed(n, sizeof(n), m->change_abs);
		snprintf(b, l, "(%s)", n);
	}
}

void cmp_fmt_ci(char *b, size_t l, const struct cmp_metric *m)
{
	char lo[32], hi[32];

	if (isnan(m->ci_lo)) {
		snprintf(b, l, "-");
	} else if (!isnan(m->change_pct)) {
		cmp_fmt_pct(lo, sizeof(lo), m->ci_pct_lo);
		cmp_fmt_pct(hi, sizeof(hi), m->ci_pct_hi);
		snprintf(b, l, "%s,%s", lo, hi);
	} else {
		fmt_signed(lo, sizeof(lo), m->ci_lo);
		fmt_signed(hi, sizeof(hi), m->ci_hi);
		snprintf(b, l, "(%s,%s)", lo, hi);
	}
}

/*
 * "promoted in 5 of 5 runs: non-movable reclaim 230 at order >= pb, 0
 * below; compaction 41 at, 0 below"
 */
void cmp_fingerprint_line(char *b, size_t l, const struct cmp_side *sd)
{
	int none = sd->fp_runs - sd->fp_promoted - sd->fp_not_promoted;
	const char *what = "mixed";
	int k = sd->fp_runs;

	if (sd->fp_promoted * 2 > sd->fp_runs)
		what = "promoted", k = sd->fp_promoted;
	else if (sd->fp_not_promoted * 2 > sd->fp_runs)
		what = "not promoted", k = sd->fp_not_promoted;
	else if (none * 2 > sd->fp_runs)
		what = "no non-movable reclaim seen", k = none;
	snprintf(b, l,
		 "%s in %d of %d runs; non-movable direct reclaim at "
		 "pageblock order %.0f, below %.0f; compaction at %.0f, "
		 "below %.0f",
		 what, k, sd->fp_runs, sd->fp_reclaim_promoted,
		 sd->fp_reclaim_below, sd->fp_compact_promoted,
		 sd->fp_compact_below);
}

void cmp_side_line(char *b, size_t l, const struct cmp_side *sd)
{
	size_t n;

	n = (size_t)snprintf(b, l, "%s, %s, N=%d, reproduced %d of %d",
			     sd->releases, sd->accels, sd->set.n,
			     sd->reproduced, sd->set.n);
	if (sd->error)
		n += (size_t)snprintf(b + n, l - n, ", %d error", sd->error);
	if (sd->not_applicable)
		snprintf(b + n, l - n, ", %d not applicable",
			 sd->not_applicable);
}

/*
 * [expect] fixed = METRIC lower|higher (summary.json expect_fixed): which
 * side behaves like a kernel with the report's fix.  'B', 'A', or 'n'
 * (neither: no significant change, or the metric was not tested); the
 * sentence in b.  0 when no run declares an expectation.
 */
int cmp_expect_fixed(const struct comparison *c, char *b, size_t l)
{
	const struct cmp_metric *m = NULL;
	const char *name = NULL, *better = NULL;
	char ch[40], p[16];
	bool lower;
	int s, i;

	for (s = 0; s < 2 && !name; s++)
		for (i = 0; i < c->side[s].set.n && !name; i++) {
			json_t *e = json_object_get(
				c->side[s].set.run[i].summary, "expect_fixed");

			name = json_string_value(json_object_get(e, "metric"));
			better =
				json_string_value(json_object_get(e, "better"));
		}
	if (!name || !better)
		return 0;
	lower = !strcmp(better, "lower");
	for (i = 0; i < c->nm && !m; i++)
		if (!strcmp(c->m[i].name, name))
			m = &c->m[i];
	if (!m || !m->tested) {
		snprintf(b, l, "the fix shows as %s %s: not tested (%s)", name,
			 better, m ? m->why : "no such metric in the runs");
		return 'n';
	}
	cmp_fmt_change(ch, sizeof(ch), m);
	cmp_fmt_p(p, sizeof(p), m->mwu.p);
	if (m->result != RES_BETTER && m->result != RES_WORSE) {
		snprintf(
			b, l,
			"neither side behaves like the fix (%s %s): %s %s (p=%s)",
			name, better, name, ch, p);
		return 'n';
	}
	s = (m->change_abs < 0) == lower ? 'B' : 'A';
	snprintf(b, l, "%c behaves like the fix: %s %s (p=%s)", s, name, ch, p);
	return s;
}

int cmp_result_line(const struct comparison *c, char *b, size_t l)
{
	char ch[40], p[16];
	int i, k;
	size_t n;

	if (compare_unusable(c)) {
		snprintf(b, l,
			 "NO COMPARISON: a side has fewer than 2 usable runs");
		return EXIT_INFRA;
	}
	/* "a +50% (p=0.008), b -20% (p=0.03)", wrapped by the writer */
	n = (size_t)snprintf(b, l, "REGRESSION in");
	for (i = 0, k = 0; i < c->nm && n < l; i++) {
		const struct cmp_metric *m = &c->m[i];

		if (m->gate && m->result == RES_WORSE) {
			cmp_fmt_change(ch, sizeof(ch), m);
			cmp_fmt_p(p, sizeof(p), m->mwu.p);
			n += (size_t)snprintf(b + n, l - n, "%s %s %s (p=%s)",
					      k++ ? "," : "", m->name, ch, p);
		}
	}
	if (k)
		return EXIT_REPRODUCED;
	snprintf(b, l, "no gating metric is significantly worse");
	return 0;
}
