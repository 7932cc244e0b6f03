// SPDX-License-Identifier: GPL-2.0
/* sweep, markdown: the points, then a table per gating metric */
#include <stdio.h>
#include <string.h>

#include "compare-print.h"
#include "sweep.h"

/* text from a results directory, safe in a table cell */
static void cell(FILE *out, const char *s)
{
	for (; *s; s++)
		if (*s == '|' || *s == '\\' || *s == '`' || *s == '<' ||
		    *s == '>' || *s == '*' || *s == '_' || *s == '[' ||
		    *s == ']')
			fprintf(out, "\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
}

static bool any_gate(const struct sweep *s)
{
	int i;

	for (i = 0; i < s->nm; i++)
		if (s->m[i].m->gate)
			return true;
	return false;
}

static void metric(const struct sweep *s, const struct sweep_metric *sm,
		   FILE *out)
{
	char med[32], lo[32], hi[32], ch[40], p[16];
	int i;

	fprintf(out, "\n### ");
	cell(out, sm->m->name);
	if (sm->m->unit[0]) {
		fprintf(out, " (");
		cell(out, sm->m->unit);
		fprintf(out, ")");
	}
	fprintf(out, ", %s is better%s\n\n| ",
		sm->m->lower_better ? "lower" : "higher",
		sm->m->gate ? ", gating" : "");
	cell(out, s->axis);
	fprintf(out, " | N | median | CI of the median | step | p | result |\n"
		     "|---|--:|--:|---|--:|--:|---|\n");
	for (i = 0; i < s->np; i++) {
		const struct sweep_value *v = &sm->at[i];
		const struct cmp_metric *st = i ? sm->step[i - 1] : NULL;

		cmp_fmt_num(med, sizeof(med), v->median);
		cmp_fmt_num(lo, sizeof(lo), v->lo);
		cmp_fmt_num(hi, sizeof(hi), v->hi);
		fprintf(out, "| ");
		cell(out, s->pt[i].label);
		fprintf(out, " | %zu | %s | ", v->n, med);
		if (v->n > 1)
			fprintf(out, "[%s, %s] %.0f%%", lo, hi,
				100 * v->coverage);
		if (st && st->tested) {
			cmp_fmt_change(ch, sizeof(ch), st);
			cmp_fmt_p(p, sizeof(p), st->mwu.p);
			fprintf(out, " | %s | %s | %s |\n", ch, p,
				st->significant ? (st->result == RES_WORSE ?
							   "**worse**" :
							   "**better**") :
						  cmp_result_name(st->result));
		} else {
			fprintf(out, " | | | |\n");
		}
	}
}

void sweep_write_md(const struct sweep *s, FILE *out)
{
	bool gate = any_gate(s);
	int i;

	fprintf(out, "## mmrepro sweep: ");
	cell(out, s->scenario);
	fprintf(out, " across ");
	cell(out, s->axis);
	fprintf(out, ", %d run%s at each point\n\n| ", s->runs,
		s->runs == 1 ? "" : "s");
	cell(out, s->axis);
	fprintf(out, " | release | reproduced | n/a | error | other |\n"
		     "|---|---|--:|--:|--:|--:|\n");
	for (i = 0; i < s->np; i++) {
		const struct cmp_side *sd = s->pt[i].side;

		fprintf(out, "| ");
		cell(out, s->pt[i].label);
		fprintf(out, " | ");
		cell(out, sd->releases);
		fprintf(out, " | %d of %d | %d | %d | %d |\n", sd->reproduced,
			sweep_usable(s, i), sd->not_applicable, sd->error,
			sd->other);
	}
	for (i = 0; i < s->nm; i++)
		if (!gate || s->m[i].m->gate)
			metric(s, &s->m[i], out);
	for (i = 0; i < s->nplots; i++) {
		const char *b = strrchr(s->plots[i], '/');

		b = b ? b + 1 : s->plots[i];
		if (strstr(b, ".svg"))
			fprintf(out, "\n![%s](plots/%s)\n", b, b);
	}
	fprintf(out, "\nCI: order statistics (the runs' range below 6 runs, "
		     "with what it covers). step and p: against the point "
		     "before; p: " CMP_P_TEST ".\n");
}
