// SPDX-License-Identifier: GPL-2.0
/*
 * compare --format html, and ab's report.html: one page for a CI
 * artifact, read offline.  It holds the tables, the verdicts, the
 * [expect] line and the plots, each SVG as a base64 data: URI of an
 * <img>, which a browser shows without running any script in it or
 * loading anything it names.  Every string from the results directory
 * is escaped: the directory may come from another machine.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare-formats.h"
#include "compare-print.h"
#include "util.h"

#define SVG_MAX (16u << 20) /* a plot larger than this is left out */

static void esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* printf, escaped */
static void escf(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void escf(FILE *out, const char *fmt, ...)
{
	char b[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	esc(out, b);
}

/* <TAG class="CLS">s</TAG>, s escaped */
static void cell(FILE *out, const char *tag, const char *cls, const char *s)
{
	fprintf(out, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "",
		cls ? "\"" : "");
	esc(out, s);
	fprintf(out, "</%s>", tag);
}

static void base64(FILE *out, const unsigned char *p, size_t n)
{
	static const char t[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 |
				  (unsigned long)p[i + 1] << 8 | p[i + 2];

		fputc(t[v >> 18 & 63], out);
		fputc(t[v >> 12 & 63], out);
		fputc(t[v >> 6 & 63], out);
		fputc(t[v & 63], out);
	}
	if (n - i == 1) {
		fputc(t[p[i] >> 2], out);
		fputc(t[(p[i] & 3) << 4], out);
		fputs("==", out);
	} else if (n - i == 2) {
		fputc(t[p[i] >> 2], out);
		fputc(t[(p[i] & 3) << 4 | p[i + 1] >> 4], out);
		fputc(t[(p[i + 1] & 15) << 2], out);
		fputc('=', out);
	}
}

static const char style[] =
	"body{font:14px/1.4 sans-serif;margin:1.5em auto;max-width:1100px;"
	"padding:0 1em;color:#222}\n"
	"h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}\n"
	"table{border-collapse:collapse;margin:.5em 0}\n"
	"th,td{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}\n"
	"th{background:#f2f2f2;text-align:left}\n"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.worse{background:#f8d0d0;font-weight:bold}\n"
	"td.better{background:#d0f0d0;font-weight:bold}\n"
	"td.reproduced{color:#a00}\n"
	"code{font-size:.9em;word-break:break-all}\n"
	".result{font-size:1.2em;padding:.4em .7em;border-radius:4px}\n"
	".result.fail{background:#f8d0d0}.result.pass{background:#d0f0d0}\n"
	".result.infra{background:#f8ecc0}\n"
	".expect{background:#eef;padding:.4em .7em}\n"
	".note{border-left:4px solid #e0b000;padding-left:.6em}\n"
	".legend{color:#555;font-size:.9em}\n"
	"figure{margin:1em 0}figure img{width:100%;max-width:1000px;"
	"border:1px solid #ddd}\n"
	"figcaption{color:#555}\n";

static void sides(const struct comparison *c, FILE *out)
{
	char b[1024];
	int i, s;

	fputs("<h2>Sides</h2>\n<table>\n<tr><th></th><th>A</th><th>B</th></tr>\n",
	      out);
	fputs("<tr><th>runs in</th>", out);
	for (s = 0; s < 2; s++) {
		fputs("<td><code>", out);
		esc(out, c->side[s].set.arg);
		fputs("</code></td>", out);
	}
	fputs("</tr>\n<tr><th>kernel</th>", out);
	for (s = 0; s < 2; s++)
		cell(out, "td", NULL, c->side[s].releases);
	fputs("</tr>\n<tr><th>accelerator</th>", out);
	for (s = 0; s < 2; s++)
		cell(out, "td", NULL, c->side[s].accels);
	fputs("</tr>\n<tr><th>reproduced</th>", out);
	for (s = 0; s < 2; s++) {
		const struct cmp_side *sd = &c->side[s];

		fputs("<td>", out);
		escf(out, "%d of %d (not reproduced %d", sd->reproduced,
		     sd->set.n, sd->not_reproduced);
		if (sd->error)
			escf(out, ", error %d", sd->error);
		if (sd->not_applicable)
			escf(out, ", not applicable %d", sd->not_applicable);
		fputs(")</td>", out);
	}
	fputs("</tr>\n", out);
	if (c->side[0].fp_runs || c->side[1].fp_runs) {
		fputs("<tr><th>fix fingerprint (defrag)</th>", out);
		for (s = 0; s < 2; s++) {
			if (c->side[s].fp_runs)
				cmp_fingerprint_line(b, sizeof(b), &c->side[s]);
			else
				snprintf(b, sizeof(b), "not traced");
			cell(out, "td", NULL, b);
		}
		fputs("</tr>\n", out);
	}
	for (i = 0; i < c->ndiff; i++) {
		fputs("<tr>", out);
		cell(out, "th", NULL, c->diff[i].what);
		cell(out, "td", NULL, c->diff[i].a);
		cell(out, "td", NULL, c->diff[i].b);
		fputs("</tr>\n", out);
	}
	if (!c->ndiff)
		fputs("<tr><th>differences</th><td colspan=\"2\">none recorded (A/A)</td></tr>\n",
		      out);
	fputs("</table>\n", out);
	for (i = 0; i < c->nnote; i++)
		cell(out, "p", "note", c->note[i]);
}

static void metric_tables(const struct comparison *c, FILE *out)
{
	char x[32], y[32], ch[40], ci[80], p[16], b[64];
	int i, s;

	fputs("<h2>Metrics</h2>\n<table>\n<tr><th>metric</th><th>unit</th>"
	      "<th>gate</th><th>better</th><th>N A</th><th>median A</th>"
	      "<th>N B</th><th>median B</th><th>change</th><th>95% CI</th>"
	      "<th>p</th><th>result</th></tr>\n",
	      out);
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];

		cmp_fmt_num(x, sizeof(x), m->d[0].median);
		cmp_fmt_num(y, sizeof(y), m->d[1].median);
		cmp_fmt_change(ch, sizeof(ch), m);
		cmp_fmt_ci(ci, sizeof(ci), m);
		cmp_fmt_p(p, sizeof(p), m->mwu.p);
		fputs("<tr>", out);
		cell(out, "td", NULL, m->name);
		cell(out, "td", NULL, m->unit);
		cell(out, "td", NULL, m->gate ? "yes" : "");
		cell(out, "td", NULL, m->lower_better ? "lower" : "higher");
		snprintf(b, sizeof(b), "%zu", m->n[0]);
		cell(out, "td", "n", b);
		cell(out, "td", "n", x);
		snprintf(b, sizeof(b), "%zu", m->n[1]);
		cell(out, "td", "n", b);
		cell(out, "td", "n", y);
		cell(out, "td", "n", ch);
		cell(out, "td", "n", ci);
		cell(out, "td", "n", p);
		cell(out, "td",
		     m->result == RES_WORSE  ? "worse" :
		     m->result == RES_BETTER ? "better" :
					       NULL,
		     m->result == RES_NA ? m->why : cmp_result_name(m->result));
		fputs("</tr>\n", out);
	}
	fputs("</table>\n<table>\n<tr><th>metric</th><th>mean A</th>"
	      "<th>sd A</th><th>CoV A</th><th>mean B</th><th>sd B</th>"
	      "<th>CoV B</th></tr>\n",
	      out);
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *m = &c->m[i];

		fputs("<tr>", out);
		cell(out, "td", NULL, m->name);
		for (s = 0; s < 2; s++) {
			cmp_fmt_spread(&m->d[s], 1, x, y, b);
			cell(out, "td", "n", x);
			cell(out, "td", "n", y);
			cell(out, "td", "n", b);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n<p class=\"legend\">", out);
	escf(out,
	     "change: of the median, B against A, in %% of A; in parentheses, "
	     "in the metric's unit where the median of A is 0. 95%% CI: "
	     "bootstrap of that change (%d resamples, fixed seed). p: " CMP_P_TEST
	     ". better/worse: p < %.2f and the change beyond "
	     "the noise band (the larger of %.0f%% and the CoV of A); gating "
	     "metrics fail CI when significantly worse.",
	     CMP_RESAMPLES, CMP_ALPHA, CMP_BAND_PCT);
	fputs("</p>\n", out);
}

static void runs(const struct comparison *c, FILE *out)
{
	int i, s;

	fputs("<h2>Runs</h2>\n<table>\n<tr><th>side</th><th>run</th>"
	      "<th>verdict</th><th>accelerator</th></tr>\n",
	      out);
	for (s = 0; s < 2; s++)
		for (i = 0; i < c->side[s].set.n; i++) {
			const struct rd_run *r = &c->side[s].set.run[i];
			const char *v = r->verdict;

			fputs("<tr>", out);
			cell(out, "td", NULL, c->side[s].name);
			fputs("<td><code>", out);
			esc(out, r->dir);
			fputs("</code></td>", out);
			cell(out, "td",
			     !strcmp(v, "reproduced") ? "reproduced" : NULL, v);
			cell(out, "td", NULL, r->accel);
			fputs("</tr>\n", out);
		}
	fputs("</table>\n", out);
}

static void plots(const struct comparison *c, FILE *out)
{
	int i, shown = 0;

	for (i = 0; i < c->nplots; i++) {
		const char *f = c->plots[i];
		const char *base = strrchr(f, '/') ? strrchr(f, '/') + 1 : f;
		size_t n = strlen(f), len;
		char *svg;

		if (n <= 4 || strcmp(f + n - 4, ".svg"))
			continue;
		if (!shown++)
			fputs("<h2>Plots</h2>\n", out);
		/* a results directory's file: no link followed */
		svg = read_regular(f, SVG_MAX, &len);
		fputs("<figure>", out);
		if (svg) {
			fputs("<img alt=\"", out);
			esc(out, base);
			fputs("\" src=\"data:image/svg+xml;base64,", out);
			base64(out, (const unsigned char *)svg, len);
			fputs("\">", out);
		} else {
			fputs("<p class=\"note\">could not be read</p>", out);
		}
		cell(out, "figcaption", NULL, base);
		fputs("</figure>\n", out);
		free(svg);
	}
}

void cmp_write_html(const struct comparison *c, FILE *out)
{
	char b[1024];
	int r = cmp_result_line(c, b, sizeof(b));

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>mmrepro compare: ",
	      out);
	esc(out, c->scenario);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	fputs("<h1>mmrepro compare: ", out);
	esc(out, c->scenario);
	fputs("</h1>\n", out);
	fprintf(out, "<p class=\"result %s\"><b>result:</b> ",
		r == EXIT_REPRODUCED ? "fail" :
		r == EXIT_INFRA	     ? "infra" :
				       "pass");
	esc(out, b);
	fputs("</p>\n", out);
	if (cmp_expect_fixed(c, b, sizeof(b))) {
		fputs("<p class=\"expect\"><b>expect:</b> ", out);
		esc(out, b);
		fputs("</p>\n", out);
	}
	sides(c, out);
	metric_tables(c, out);
	runs(c, out);
	plots(c, out);
	fputs("</body>\n</html>\n", out);
}
