// SPDX-License-Identifier: GPL-2.0
/* compare --format text: 72 columns, for email */
#include <stdio.h>
#include <string.h>

#include "compare-formats.h"
#include "compare-print.h"
#include "text.h"

#define MAX_DIFF_TEXT 12 /* difference lines in the text report */

static void wrap(FILE *out, int indent, const char *first, const char *s)
{
	text_wrap(out, indent, first, s, indent + 2);
}

static void metric_label(char *b, size_t l, const struct cmp_metric *m)
{
	snprintf(b, l, "%s%s%s%s%s", m->name, m->gate ? "*" : "",
		 m->unit[0] ? " (" : "", m->unit, m->unit[0] ? ")" : "");
}

/* The sides, their fix fingerprints */
static void text_sides(const struct comparison *c, FILE *out)
{
	char b[1024], l[128];
	int s;

	fprintf(out, "mmrepro compare: %s\n", c->scenario);
	for (s = 0; s < 2; s++) {
		const struct cmp_side *sd = &c->side[s];

		snprintf(l, sizeof(l), "%s: ", sd->name);
		wrap(out, 2, l, sd->set.arg);
		cmp_side_line(b, sizeof(b), sd);
		wrap(out, 5, "", b);
	}
	for (s = 0; s < 2; s++) {
		if (!c->side[s].fp_runs)
			continue;
		cmp_fingerprint_line(b, sizeof(b), &c->side[s]);
		snprintf(l, sizeof(l), "%s fix fingerprint: ", c->side[s].name);
		wrap(out, 2, l, b);
	}
}

/* What differs between A and B, the first MAX_DIFF_TEXT; the notes */
static void text_diffs(const struct comparison *c, FILE *out)
{
	char b[1024], l[128];
	int i;

	if (!c->ndiff)
		fprintf(out, "  A and B differ in: nothing recorded (A/A)\n");
	else
		fprintf(out, "  A and B differ in:\n");
	for (i = 0; i < c->ndiff && i < MAX_DIFF_TEXT; i++) {
		const struct cmp_diff *d = &c->diff[i];

		snprintf(b, sizeof(b), "%s -> %s", d->a, d->b);
		if (strlen(d->what) + strlen(b) + 7 <= TEXT_WIDTH) {
			snprintf(l, sizeof(l), "%s: ", d->what);
			wrap(out, 4, l, b);
		} else {
			fprintf(out, "    %s:\n", d->what);
			wrap(out, 6, "A: ", d->a);
			wrap(out, 6, "B: ", d->b);
		}
	}
	if (c->ndiff > MAX_DIFF_TEXT)
		fprintf(out, "    ... and %d more (see --format json)\n",
			c->ndiff - MAX_DIFF_TEXT);
	for (i = 0; i < c->nnote; i++)
		wrap(out, 0, "", c->note[i]);
}

/* Per metric: the medians, the change, its CI, p and the result */
static void text_medians(const struct comparison *c, FILE *out)
{
	char l[128], x[32], y[32], ch[40], ci[80], p[16];
	int i;

	fprintf(out, "\n%-22s %15s %26s\n", "", "---- median ---",
		"---- change of median ----");
	fprintf(out, "%-22s %7s %7s %7s %12s %5s %s\n", "metric (unit)", "A",
		"B", "B vs A", "95% CI", "p", "result");
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];

		metric_label(l, sizeof(l), m);
		if (strlen(l) > 22) {
			fprintf(out, "%s\n", l);
			l[0] = '\0';
		}
		cmp_fmt_num(x, sizeof(x), m->d[0].median);
		cmp_fmt_num(y, sizeof(y), m->d[1].median);
		cmp_fmt_change(ch, sizeof(ch), m);
		cmp_fmt_ci(ci, sizeof(ci), m);
		cmp_fmt_p(p, sizeof(p), m->mwu.p);
		fprintf(out, "%-22s %7s %7s %7s %12s %5s %s\n", l, x, y, ch, ci,
			p, cmp_result_name(m->result));
	}
}

/* Per metric and side: N, mean, sd and CoV */
static void text_spread(const struct comparison *c, FILE *out)
{
	char l[128];
	int i, s;

	fprintf(out, "\n%-20s %-25s %-25s\n", "", "------------ A ----------",
		"------------ B ----------");
	fprintf(out, "%-20s %3s %7s %7s %5s %3s %7s %7s %5s\n", "metric", "N",
		"mean", "sd", "CoV", "N", "mean", "sd", "CoV");
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];
		char cells[2][4 + 3 * CMP_CELL];

		for (s = 0; s < 2; s++) {
			char mean[CMP_CELL], sd[CMP_CELL], cov[CMP_CELL];

			cmp_fmt_spread(&m->d[s], 0, mean, sd, cov);
			snprintf(cells[s], sizeof(cells[s]), "%3zu %7s %7s %5s",
				 m->n[s], mean, sd, cov);
		}
		snprintf(l, sizeof(l), "%s%s", m->name, m->gate ? "*" : "");
		if (strlen(l) > 20) {
			fprintf(out, "%s\n", l);
			l[0] = '\0';
		}
		fprintf(out, "%-20s %s %s\n", l, cells[0], cells[1]);
	}
}

/* The legend, the plots, [expect] and the result */
static void text_result(const struct comparison *c, FILE *out)
{
	char b[1024];

	fprintf(out, "\n");
	wrap(out, 0, "",
	     "* gating metric: a significant worsening fails CI (exit 1). "
	     "change: of the median, B against A, in % of A; (in "
	     "parentheses) in the metric's unit where the median of A is 0. "
	     "95% CI: bootstrap of that change (2000 resamples, fixed "
	     "seed). p: " CMP_P_TEST ". result: better or worse when "
	     "p < 0.05 and the change exceeds the noise band (the larger of "
	     "5% and the CoV of A), else same; n/a: not tested.");
	if (c->nplots)
		text_wrap(out, 0, "plots: ", c->plots_dir, 2);
	if (cmp_expect_fixed(c, b, sizeof(b)))
		text_wrap(out, 0, "expect: ", b, 2);
	cmp_result_line(c, b, sizeof(b));
	fprintf(out, "\n");
	text_wrap(out, 0, "result: ", b, 8);
}

void cmp_write_text(const struct comparison *c, FILE *out)
{
	text_sides(c, out);
	text_diffs(c, out);
	text_medians(c, out);
	text_spread(c, out);
	text_result(c, out);
}
