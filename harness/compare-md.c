// SPDX-License-Identifier: GPL-2.0
/* compare --format md: Markdown, for web forges */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare-formats.h"
#include "compare-print.h"

static void md_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

/*
 * The path of file from dir ("plots/a.svg", "../plots/a.svg"), so that
 * the report's links hold wherever its directory is moved or unpacked;
 * file itself when either cannot be resolved
 */
static void rel_path(const char *dir, const char *file, char *out, size_t len)
{
	char d[RD_PATH_MAX], f[RD_PATH_MAX];
	size_t i, common = 0, n = 0;

	snprintf(out, len, "%s", file);
	if (!realpath(dir, d) || !realpath(file, f))
		return;
	/* the longest common prefix of whole components */
	for (i = 0; d[i] && d[i] == f[i]; i++)
		if (d[i] == '/')
			common = i;
	if (!d[i] && f[i] == '/')
		common = i;
	out[0] = '\0';
	for (i = common; d[i] && n < len; i++)
		if (d[i] == '/' && d[i + 1])
			n += (size_t)snprintf(out + n, len - n, "../");
	if (n < len)
		snprintf(out + n, len - n, "%s", f + common + 1);
}

/* The table of the sides, with what differs between them; the notes */
static void md_sides(const struct comparison *c, FILE *out)
{
	char b[1024];
	int i, s;

	fprintf(out, "## mmrepro compare: %s\n\n", c->scenario);
	fprintf(out, "| | A | B |\n|---|---|---|\n");
	fprintf(out, "| runs in | `%s` | `%s` |\n", c->side[0].set.arg,
		c->side[1].set.arg);
	fprintf(out, "| kernel | %s | %s |\n", c->side[0].releases,
		c->side[1].releases);
	fprintf(out, "| accelerator | %s | %s |\n", c->side[0].accels,
		c->side[1].accels);
	fprintf(out, "| N | %d | %d |\n", c->side[0].set.n, c->side[1].set.n);
	fprintf(out, "| reproduced | %d of %d | %d of %d |\n",
		c->side[0].reproduced, c->side[0].set.n, c->side[1].reproduced,
		c->side[1].set.n);
	if (c->side[0].fp_runs || c->side[1].fp_runs) {
		fprintf(out, "| fix fingerprint (defrag) |");
		for (s = 0; s < 2; s++) {
			if (c->side[s].fp_runs)
				cmp_fingerprint_line(b, sizeof(b), &c->side[s]);
			else
				snprintf(b, sizeof(b), "not traced");
			fprintf(out, " %s |", b);
		}
		fputc('\n', out);
	}
	for (i = 0; i < c->ndiff; i++) {
		fprintf(out, "| %s | ", c->diff[i].what);
		md_cell(out, c->diff[i].a);
		fprintf(out, " | ");
		md_cell(out, c->diff[i].b);
		fprintf(out, " |\n");
	}
	if (!c->ndiff)
		fprintf(out, "| differences | none recorded (A/A) | |\n");
	fprintf(out, "\n");
	for (i = 0; i < c->nnote; i++)
		fprintf(out, "> %s\n>\n", c->note[i]);
}

/* Per metric: the medians, the change, its CI, p and the result */
static void md_medians(const struct comparison *c, FILE *out)
{
	char x[32], y[32], ch[40], ci[80], p[16];
	int i;

	fprintf(out,
		"\n| metric | unit | gate | better | N A | median A | N B | median B | change | 95%% CI | p | result |\n"
		"|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n");
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];
		const char *r = cmp_result_name(m->result);
		bool bold = m->result == RES_WORSE || m->result == RES_BETTER;

		cmp_fmt_num(x, sizeof(x), m->d[0].median);
		cmp_fmt_num(y, sizeof(y), m->d[1].median);
		cmp_fmt_change(ch, sizeof(ch), m);
		cmp_fmt_ci(ci, sizeof(ci), m);
		if (!isnan(m->ci_pct_lo)) {
			char lo[32], hi[32];

			cmp_fmt_pct(lo, sizeof(lo), m->ci_pct_lo);
			cmp_fmt_pct(hi, sizeof(hi), m->ci_pct_hi);
			snprintf(ci, sizeof(ci), "%s%% to %s%%", lo, hi);
		}
		cmp_fmt_p(p, sizeof(p), m->mwu.p);
		fprintf(out,
			"| %s | %s | %s | %s | %zu | %s | %zu | %s | %s | %s | %s | %s%s%s |\n",
			m->name, m->unit, m->gate ? "yes" : "",
			m->lower_better ? "lower" : "higher", m->n[0], x,
			m->n[1], y, ch, ci, p, bold ? "**" : "",
			m->result == RES_NA ? m->why : r, bold ? "**" : "");
	}
}

/* Per metric and side: mean, sd and CoV; the legend */
static void md_spread(const struct comparison *c, FILE *out)
{
	char x[CMP_CELL], y[CMP_CELL], b[CMP_CELL];
	int i, s;

	fprintf(out,
		"\n| metric | mean A | sd A | CoV A | mean B | sd B | CoV B |\n"
		"|---|--:|--:|--:|--:|--:|--:|\n");
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];

		fprintf(out, "| %s ", m->name);
		for (s = 0; s < 2; s++) {
			cmp_fmt_spread(&m->d[s], 1, x, y, b);
			fprintf(out, "| %s | %s | %s ", x, y, b);
		}
		fprintf(out, "|\n");
	}
	fprintf(out,
		"\nchange: of the median, B against A, in %% of A; in parentheses, in the metric's unit where the median of A is 0. "
		"95%% CI: bootstrap of that change (%d resamples, fixed seed). "
		"p: " CMP_P_TEST ". "
		"better/worse: p < %.2f and the change beyond the noise band (the larger of %.0f%% and the CoV of A); "
		"gating metrics fail CI when significantly worse.\n",
		CMP_RESAMPLES, CMP_ALPHA, CMP_BAND_PCT);
}

/* [expect], and the SVG plots linked from where the report is */
static void md_plots(const struct comparison *c, FILE *out)
{
	char b[1024];
	int i;

	if (cmp_expect_fixed(c, b, sizeof(b)))
		fprintf(out, "\n**Expect:** %s\n", b);
	if (!c->nplots)
		return;
	fprintf(out, "\n");
	for (i = 0; i < c->nplots; i++) {
		const char *f = c->plots[i], *base;
		size_t n = strlen(f);

		if (n <= 4 || strcmp(f + n - 4, ".svg"))
			continue;
		rel_path(c->report_dir ? c->report_dir : ".", f, b, sizeof(b));
		base = strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
		fprintf(out, "![%.*s](%s)\n", (int)strlen(base) - 4, base, b);
	}
}

void cmp_write_md(const struct comparison *c, FILE *out)
{
	md_sides(c, out);
	md_medians(c, out);
	md_spread(c, out);
	md_plots(c, out);
}
