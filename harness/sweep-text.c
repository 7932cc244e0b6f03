// SPDX-License-Identifier: GPL-2.0
/*
 * sweep, text (72 columns): the points with their outcomes, then per
 * gating metric a line per point with the median, its CI and the step
 * from the point before
 */
#include <stdio.h>
#include <string.h>

#include "compare-print.h"
#include "stats.h"
#include "sweep.h"
#include "text.h"

/* A metric is shown when it gates, or when no metric gates */
static bool shown(const struct sweep *s, int i)
{
	int j;

	if (s->m[i].m->gate)
		return true;
	for (j = 0; j < s->nm; j++)
		if (s->m[j].m->gate)
			return false;
	return true;
}

/* The width of the first column: the longest label, 6 to 12 */
static int label_width(const struct sweep *s)
{
	int i, w = (int)strlen(s->axis);

	for (i = 0; i < s->np; i++)
		if ((int)strlen(s->pt[i].label) > w)
			w = (int)strlen(s->pt[i].label);
	return w < 6 ? 6 : w > 12 ? 12 : w;
}

static void points(const struct sweep *s, FILE *out)
{
	int i, w = label_width(s);
	char rep[32];

	fprintf(out, "%-*.*s %-*s %-12s %5s %6s %5s\n", w, w, s->axis, 36 - w,
		"release", "reproduced", "n/a", "error", "other");
	for (i = 0; i < s->np; i++) {
		const struct cmp_side *sd = s->pt[i].side;

		if (sweep_usable(s, i))
			snprintf(rep, sizeof(rep), "%d of %d", sd->reproduced,
				 sweep_usable(s, i));
		else
			snprintf(rep, sizeof(rep), "-");
		fprintf(out, "%-*.*s %-*.*s %-12s %5d %6d %5d\n", w, w,
			s->pt[i].label, 36 - w, 36 - w, sd->releases, rep,
			sd->not_applicable, sd->error, sd->other);
	}
}

static void metric(const struct sweep *s, const struct sweep_metric *sm,
		   FILE *out)
{
	char med[32], lo[32], hi[32], ci[96], ch[40], p[16];
	int i, w = label_width(s);

	fprintf(out, "\n%s%s%s%s, %s is better%s\n", sm->m->name,
		sm->m->unit[0] ? " (" : "", sm->m->unit,
		sm->m->unit[0] ? ")" : "",
		sm->m->lower_better ? "lower" : "higher",
		sm->m->gate ? ", gating" : "");
	fprintf(out, "%-*.*s %3s %-9s %-22s %8s %5s\n", w, w, s->axis, "N",
		"median", "CI of the median", "step", "p");
	for (i = 0; i < s->np; i++) {
		const struct sweep_value *v = &sm->at[i];
		const struct cmp_metric *st = i ? sm->step[i - 1] : NULL;

		cmp_fmt_num(med, sizeof(med), v->median);
		cmp_fmt_num(lo, sizeof(lo), v->lo);
		cmp_fmt_num(hi, sizeof(hi), v->hi);
		if (v->n > 1)
			snprintf(ci, sizeof(ci), "[%s, %s] %.0f%%", lo, hi,
				 100 * v->coverage);
		else
			snprintf(ci, sizeof(ci), "-");
		fprintf(out, "%-*.*s %3zu %-9s %*s", w, w, s->pt[i].label, v->n,
			med, st ? -22 : 0, ci);
		if (st && st->tested) {
			cmp_fmt_change(ch, sizeof(ch), st);
			cmp_fmt_p(p, sizeof(p), st->mwu.p);
			fprintf(out, " %8s %5s %s", ch, p,
				cmp_result_name(st->result));
		} else if (st) {
			fprintf(out, " %8s", "-");
		}
		fputc('\n', out);
	}
}

void sweep_write_text(const struct sweep *s, FILE *out)
{
	char p[16];
	int i, j, n = 0;

	fprintf(out, "mmrepro sweep: %s across %s, %d run%s at each point\n\n",
		s->scenario, s->axis, s->runs, s->runs == 1 ? "" : "s");
	points(s, out);
	for (i = 0; i < s->nm; i++)
		if (shown(s, i))
			metric(s, &s->m[i], out);
	fprintf(out, "\nsteps with a significant change (p < %.2f):\n",
		CMP_ALPHA);
	for (i = 0; i < s->nm; i++)
		for (j = 0; j + 1 < s->np; j++) {
			const struct cmp_metric *st = s->m[i].step[j];

			if (!shown(s, i) || !st || !st->significant)
				continue;
			cmp_fmt_p(p, sizeof(p), st->mwu.p);
			fprintf(out, "  %s -> %s: %s %s (p=%s)\n",
				s->pt[j].label, s->pt[j + 1].label,
				s->m[i].m->name, cmp_result_name(st->result),
				p);
			n++;
		}
	if (!n)
		fprintf(out, "  none\n");
	if (s->runs >= 1 &&
	    stats_mwu_min_p((size_t)s->runs, (size_t)s->runs) >= CMP_ALPHA)
		fprintf(out,
			"  (with %d run%s a point no step can: the smallest p is %.3f;\n"
			"  4 runs a point can reach p < 0.05)\n",
			s->runs, s->runs == 1 ? "" : "s",
			stats_mwu_min_p((size_t)s->runs, (size_t)s->runs));
	fputc('\n', out);
	text_wrap(out, 0, "",
		  "CI: from order statistics, the narrowest that covers the "
		  "median with 95%, or with fewer runs their range, and how "
		  "much that covers. step: of the median, against the point "
		  "before. p: " CMP_P_TEST ". A result is better or worse "
		  "when p < 0.05 and the change exceeds the noise band, as "
		  "in 'mmrepro compare'.",
		  0);
}
