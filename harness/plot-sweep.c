// SPDX-License-Identifier: GPL-2.0
/*
 * A sweep's plots: per gating metric (every metric when none gates),
 * its runs at each point as dots, and the medians with their CIs joined
 * by a line, so a change across kernels or a parameter shows at a glance
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "sweep.h"
#include "util.h"

static void write_data(FILE *f, const struct sweep_metric *sm, int np)
{
	size_t k;
	int i;

	/* index 0: the runs, with a fixed jitter; index 1: the medians */
	for (i = 0; i < np; i++)
		for (k = 0; k < sm->at[i].n; k++)
			fprintf(f, "%.3f %.9g\n",
				i + 1 +
					0.16 * (((double)((k * 7) % 11) / 10.0) -
						0.5),
				sm->at[i].v[k]);
	fprintf(f, "\n\n");
	for (i = 0; i < np; i++)
		if (sm->at[i].n)
			fprintf(f, "%d %.9g %.9g %.9g\n", i + 1,
				sm->at[i].median, sm->at[i].lo, sm->at[i].hi);
	fprintf(f, "\n\n");
}

static void write_gp(FILE *g, const struct sweep *s,
		     const struct sweep_metric *sm, const char *rel)
{
	char t[512];
	double lo = INFINITY;
	int i;

	fprintf(g, "reset\nset termoption noenhanced\nset title ");
	snprintf(t, sizeof(t), "%s: %s%s across %s (%s is better)", s->scenario,
		 sm->m->name, sm->m->gate ? ", gating" : "", s->axis,
		 sm->m->lower_better ? "lower" : "higher");
	gp_str(g, t);
	fprintf(g, " font ',12'\nset ylabel ");
	snprintf(t, sizeof(t), "%s%s%s%s", sm->m->name,
		 sm->m->unit[0] ? " (" : "", sm->m->unit,
		 sm->m->unit[0] ? ")" : "");
	gp_str(g, t);
	fprintf(g, "\nset xlabel ");
	gp_str(g, s->axis);
	fprintf(g, "\nset xtics (");
	for (i = 0; i < s->np; i++) {
		if (sweep_not_applicable(s, i))
			snprintf(t, sizeof(t), "%s\n(n/a)", s->pt[i].label);
		else
			snprintf(t, sizeof(t), "%s\n(%zu)", s->pt[i].label,
				 sm->at[i].n);
		gp_str(g, t);
		fprintf(g, " %d%s", i + 1, i + 1 < s->np ? ", " : "");
		if (sm->at[i].n && sm->at[i].lo < lo)
			lo = sm->at[i].lo;
	}
	fprintf(g, ")\nset xrange [0.5:%d.5]\n", s->np);
	if (isfinite(lo) && lo >= 0)
		fprintf(g, "set yrange [0:*]\n");
	fprintf(g,
		"set grid y lc rgb '#dcdcdc'\nset border lc rgb '#606060'\n"
		"set key outside top center horizontal\nset bmargin 6\nset xlabel offset 0,-1\n"
		"set label 1 'dot: a run; line: the medians, bars: their CI (order statistics)' at screen 0.5, screen 0.03 center font ',9' textcolor rgb '#606060'\n"
		"plot '%s' index 0 using 1:2 with points pt 7 ps 1.0 lc rgb '#8C0072B2' title 'runs', "
		"'%s' index 1 using 1:2:3:4 with yerrorlines lw 2 pt 5 lc rgb '#D55E00' title 'median, CI'\n",
		rel, rel);
}

int plot_sweep(struct sweep *s, const char *dir)
{
	char path[RD_PATH_MAX], rel[160], name[128], safe[96];
	struct plot_files f = { 0 };
	struct afile am, af;
	bool gate = false;
	int i, k, n = 0, ret = 0;

	for (i = 0; i < s->nm; i++)
		gate |= s->m[i].m->gate;
	if (plot_prepare(dir))
		return -1;
	pathf(path, sizeof(path), "%s/src/sweep.gp", dir);
	if (afile_open(&am, path))
		return -1;
	for (i = 0; i < s->nm; i++) {
		const struct sweep_metric *sm = &s->m[i];

		if (gate && !sm->m->gate)
			continue;
		/* the metric's name comes from a results directory */
		snprintf(name, sizeof(name), "sweep-%s",
			 safe_name(safe, sizeof(safe), sm->m->name));
		snprintf(rel, sizeof(rel), "src/%s.dat", name);
		pathf(path, sizeof(path), "%s/%s", dir, rel);
		if (afile_open(&af, path))
			continue;
		write_data(af.f, sm, s->np);
		if (afile_commit(&af))
			continue;
		pathf(path, sizeof(path), "%s/src/%s.gp", dir, name);
		if (afile_open(&af, path))
			continue;
		write_gp(af.f, s, sm, rel);
		if (afile_commit(&af))
			continue;
		plot_unlink_outputs(dir, name);
		fprintf(am.f,
			"set terminal pngcairo size 760,520 font 'sans,10' background rgb 'white'\n"
			"set output '%s.png'\nload 'src/%s.gp'\nset output\n"
			"set terminal svg size 760,520 dynamic font 'sans,10' background rgb 'white'\n"
			"set output '%s.svg'\nload 'src/%s.gp'\nset output\n",
			name, name, name, name);
		for (k = 0; k < 2; k++) {
			pathf(path, sizeof(path), "%s/%s.%s", dir, name,
			      k ? "svg" : "png");
			plot_add_file(&f, path);
		}
		n++;
	}
	if (afile_commit(&am))
		return -1;
	if (n && plot_gnuplot(dir, "src/sweep.gp"))
		ret = -1;
	s->plots = f.file;
	s->nplots = f.n;
	return ret;
}
