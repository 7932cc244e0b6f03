// SPDX-License-Identifier: GPL-2.0
/*
 * Plots with gnuplot, run as a child process on scripts written here:
 * A and B over time from each run's derived.csv (every run thin, the
 * median of the runs bold), and a box plot per metric.  The scripts and
 * data stay in PLOTS/src, so a reader can restyle a plot by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"
#include "util.h"

#define PLOT_W 1100
#define PANEL_H 300
#define TITLE_H 70
#define MAX_PANELS 8

/* Okabe-Ito blue and vermilion: distinct for colour-blind readers too */
static const char *const colour[2] = { "#0072B2", "#D55E00" };
/* the same, 55 % transparent, for single runs (gnuplot: #AARRGGBB) */
static const char *const thin[2] = { "#8C0072B2", "#8CD55E00" };

struct fig {
	const char *file, *title, *ylabel;
	const char *col[MAX_PANELS], *sub[MAX_PANELS];
	const char *prefix; /* a panel for every column with this prefix */
};

static const struct fig figs[] = {
	{ .file = "o3_free",
	  .title = "Free blocks of order >= 3",
	  .ylabel = "free blocks",
	  .col = { "buddyinfo.free_o3plus_blocks",
		   "buddyinfo.free_o3plus_blocks_nodma" },
	  .sub = { "all zones",
		   "all zones but DMA (whose blocks ordinary allocations cannot reach)" } },
	{ .file = "kswapd_cpu",
	  .title = "kswapd CPU time (all nodes)",
	  .ylabel = "% of one CPU",
	  .col = { "kthreads.kswapd_cpu_pct" },
	  .sub = { "" } },
	{ .file = "psi",
	  .title = "Memory pressure stall (PSI, 10 s average)",
	  .ylabel = "% of wall time",
	  .col = { "psi.some_avg10", "psi.full_avg10" },
	  .sub = { "some: at least one task stalled on memory",
		   "full: all non-idle tasks stalled on memory" } },
	{ .file = "pgscan",
	  .title = "Pages scanned for reclaim",
	  .ylabel = "pages/s",
	  .col = { "vmstat.pgscan_kswapd_per_s", "vmstat.pgscan_direct_per_s" },
	  .sub = { "by kswapd (background reclaim)",
		   "in direct reclaim (by allocating tasks)" } },
	{ .file = "swapout",
	  .title = "Swap-out",
	  .ylabel = "pages/s",
	  .col = { "vmstat.pswpout_per_s" },
	  .sub = { "" } },
	{ .file = "awake",
	  .title = "kswapd and kcompactd awake (tracepoints)",
	  .ylabel = "% of the interval",
	  .col = { "trace.kswapd_awake_pct", "trace.kcompactd_awake_pct" },
	  .sub = { "kswapd: wake to sleep, all nodes",
		   "kcompactd: wake to sleep, all nodes" } },
	{ .file = "pageblocks",
	  .title = "Pageblocks per migratetype",
	  .ylabel = "pageblocks",
	  .prefix = "pagetypeinfo.pageblocks_" },
};

void plot_files_free(struct plot_files *f)
{
	int i;

	for (i = 0; i < f->n; i++)
		free(f->file[i]);
	free(f->file);
	memset(f, 0, sizeof(*f));
}

void plot_add_file(struct plot_files *f, const char *path)
{
	if (access(path, R_OK))
		return;
	f->file = realloc(f->file, (size_t)(f->n + 1) * sizeof(char *));
	f->file[f->n++] = strdup(path);
}

/*
 * A gnuplot string for any text, read from a results directory or not:
 * single-quoted pieces, in which gnuplot expands nothing (no backquoted
 * commands, no escapes), joined by "\n" where the text breaks its line and
 * by "'" where it has a quote (a doubled quote is ambiguous to gnuplot at
 * the start of a string).  Control characters become spaces.
 */
void gp_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\n')
			fputs("'.\"\\n\".'", f);
		else if (*s == '\'')
			fputs("'.\"'\".'", f);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

int plot_gnuplot(const char *dir, const char *script)
{
	char log[RD_PATH_MAX];
	int status, fd;
	pid_t pid;

	pathf(log, sizeof(log), "%s/src/gnuplot.log", dir);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = create_new(log);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		if (chdir(dir))
			_exit(126);
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		warnx_("plots: gnuplot not found (Debian: apt-get install gnuplot-nox); no plots");
		return -ENOENT;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		warnx_("plots: gnuplot failed (see %s)", log);
		return -EIO;
	}
	return 0;
}

/* ---- time series ---- */

struct side_data {
	const struct plot_side *ps;
	int n;
	struct csv *csv; /* n runs; ncols 0 when derived.csv is missing */
	double interval;
	double from, to; /* the phase window, median over runs; NAN: none */
	double *start, *end; /* per run: the phase; NAN: it never ran */
	double *off; /* per run: subtracted from t (aligned on the phase) */
	double off_max;
};

static double median_of(double *v, int n)
{
	double m;

	if (!n)
		return NAN;
	m = stats_median(v, (size_t)n);
	return m;
}

static void load_side(struct side_data *sd, const struct plot_side *ps,
		      const char *during)
{
	double *iv = calloc((size_t)ps->set->n + 1, sizeof(double));
	double *from = calloc((size_t)ps->set->n + 1, sizeof(double));
	double *to = calloc((size_t)ps->set->n + 1, sizeof(double));
	int i, ni = 0, nw = 0;

	sd->ps = ps;
	sd->n = ps->set->n;
	sd->csv = calloc((size_t)sd->n, sizeof(struct csv));
	sd->start = calloc((size_t)sd->n + 1, sizeof(double));
	sd->end = calloc((size_t)sd->n + 1, sizeof(double));
	sd->off = calloc((size_t)sd->n + 1, sizeof(double));
	for (i = 0; i < sd->n; i++) {
		const struct rd_run *r = &ps->set->run[i];
		char path[RD_PATH_MAX];
		json_t *j = json_object_get(r->meta, "interval_s");

		pathf(path, sizeof(path), "%s/derived.csv", r->dir);
		if (csv_load(&sd->csv[i], path))
			memset(&sd->csv[i], 0, sizeof(sd->csv[i]));
		else
			csv_join_trace(&sd->csv[i], r->dir);
		if (json_is_number(j) && json_number_value(j) > 0)
			iv[ni++] = json_number_value(j);
		sd->start[i] = sd->end[i] = NAN;
		if (during && *during &&
		    !rd_phase(r, during, &from[nw], &to[nw])) {
			sd->start[i] = from[nw];
			sd->end[i] = to[nw++];
		}
	}
	sd->interval = ni ? median_of(iv, ni) : 1;
	sd->from = median_of(from, nw);
	sd->to = median_of(to, nw);
	free(iv);
	free(from);
	free(to);
}

static void free_side(struct side_data *sd)
{
	int i;

	for (i = 0; i < sd->n; i++)
		csv_free(&sd->csv[i]);
	free(sd->csv);
	free(sd->start);
	free(sd->end);
	free(sd->off);
}

/*
 * Runs reach the measured phase at different times (the set-up before
 * it takes as long as it takes), so a median over runs at the same t
 * since the start mixes phases.  When every run has the phase, t
 * counts from its start instead; the window is then 0 to the median
 * length of the phase.
 */
static bool align(struct side_data *sd, int ns)
{
	double *len;
	int s, i;

	for (s = 0; s < ns; s++)
		for (i = 0; i < sd[s].n; i++)
			if (isnan(sd[s].start[i]))
				return false;
	for (s = 0; s < ns; s++) {
		len = calloc((size_t)sd[s].n + 1, sizeof(double));
		for (i = 0; i < sd[s].n; i++) {
			sd[s].off[i] = sd[s].start[i];
			sd[s].off_max = fmax(sd[s].off_max, sd[s].off[i]);
			len[i] = sd[s].end[i] - sd[s].start[i];
		}
		sd[s].from = 0;
		sd[s].to = median_of(len, sd[s].n);
		free(len);
	}
	return true;
}

struct extent {
	bool any; /* a value at all (non-zero, if asked) */
	double tmin, tmax; /* the first and last time with a value */
	double max; /* the largest value */
	double max_out; /* the largest outside the window */
	double p95_in; /* the 95th percentile inside the window */
};

static void extent_of(const struct side_data *sd, int ns, const char *col,
		      bool nonzero, double from, double to, struct extent *e)
{
	double *in = NULL;
	size_t r, nin = 0;
	int s, i;

	memset(e, 0, sizeof(*e));
	e->tmin = INFINITY;
	e->tmax = -INFINITY;
	for (s = 0; s < ns; s++)
		for (i = 0; i < sd[s].n; i++) {
			const struct csv *t = &sd[s].csv[i];
			int c = t->ncols ? csv_col(t, col) : -1;

			for (r = 0; c >= 0 && r < t->nrows; r++) {
				double v = csv_at(t, r, c),
				       ts = csv_at(t, r, 0) - sd[s].off[i];

				if (isnan(v) || (nonzero && v == 0))
					continue;
				e->any = true;
				e->tmin = fmin(e->tmin, ts);
				e->tmax = fmax(e->tmax, ts);
				e->max = v > e->max ? v : e->max;
				if (!(ts >= from && ts <= to)) {
					e->max_out =
						v > e->max_out ? v : e->max_out;
					continue;
				}
				in = realloc(in, (nin + 1) * sizeof(double));
				in[nin++] = v;
			}
		}
	if (nin) {
		gsl_sort(in, 1, nin);
		e->p95_in =
			gsl_stats_quantile_from_sorted_data(in, 1, nin, 0.95);
	}
	free(in);
}

/*
 * One block per run, then the median over the runs, slot by slot (runs
 * are sampled at the same interval from their start).  Returns the
 * number of run blocks; the median is block that number.
 */
static int write_series(const struct side_data *sd, const char *col,
			const char *path)
{
	double *bins = NULL;
	int i, k, m, nb = 0, nruns = 0;
	struct afile a;
	size_t r;
	FILE *f;

	if (afile_open(&a, path))
		return -1;
	f = a.f;
	for (i = 0; i < sd->n; i++) {
		const struct csv *t = &sd->csv[i];
		int c = t->ncols ? csv_col(t, col) : -1;
		bool any = false;

		for (r = 0; c >= 0 && r < t->nrows; r++) {
			double v = csv_at(t, r, c);
			double ts = csv_at(t, r, 0) - sd->off[i];

			if (isnan(v) || isnan(ts))
				continue;
			if (!any)
				fprintf(f, "# %s\n", sd->ps->set->run[i].dir);
			any = true;
			fprintf(f, "%.3f %.6g\n", ts, v);
			/* slots count from the earliest (shifted) start */
			k = (int)lround((ts + sd->off_max) / sd->interval);
			if (k < 0 || k > 1000000)
				continue;
			if (k >= nb) {
				bins = realloc(bins, (size_t)(k + 1) *
							     (size_t)sd->n *
							     sizeof(double));
				for (; nb <= k; nb++)
					for (m = 0; m < sd->n; m++)
						bins[(size_t)nb * sd->n + m] =
							NAN;
			}
			bins[(size_t)k * sd->n + i] = v;
		}
		if (any) {
			fprintf(f, "\n\n");
			nruns++;
		}
	}
	fprintf(f, "# median of the runs\n");
	for (k = 0; k < nb; k++) {
		double v[1024];

		m = 0;
		for (i = 0; i < sd->n && m < 1024; i++)
			if (!isnan(bins[(size_t)k * sd->n + i]))
				v[m++] = bins[(size_t)k * sd->n + i];
		/* the tail where only a few runs last is not a median */
		if (m && m * 2 >= nruns)
			fprintf(f, "%.3f %.6g\n",
				k * sd->interval - sd->off_max,
				median_of(v, m));
	}
	free(bins);
	return afile_commit(&a) ? -1 : nruns;
}

/* The time axis of a figure */
struct span {
	double from, to; /* the phase window; NAN: none */
	double tmin, tmax;
	bool aligned; /* t counts from the start of the phase */
	const char *during;
};

struct panel {
	char col[128], sub[160];
	bool zoom; /* only the phase window, on its own scale */
	double ymax;
};

/*
 * A panel per column with data; and where the values during the phase
 * are dwarfed by those around it (free blocks recovering after the
 * storm), a second panel zoomed in on the phase.
 */
static int panels_of(const struct fig *fg, const struct side_data *sd, int ns,
		     struct span *sp, struct panel *p)
{
	double from = sp->from, to = sp->to;
	const char *during = sp->during;
	const char *cols[MAX_PANELS], *subs[MAX_PANELS];
	int n = 0, nc = 0, s, i, c, k;
	struct extent e;

	for (k = 0; !fg->prefix && k < MAX_PANELS && fg->col[k]; k++) {
		cols[nc] = fg->col[k];
		subs[nc++] = fg->sub[k];
	}
	/* every column with the prefix, e.g. each migratetype */
	for (s = 0; fg->prefix && s < ns; s++)
		for (i = 0; i < sd[s].n; i++)
			for (c = 0; c < sd[s].csv[i].ncols && nc < MAX_PANELS;
			     c++) {
				const char *name = sd[s].csv[i].names[c];

				if (strncmp(name, fg->prefix,
					    strlen(fg->prefix)))
					continue;
				for (k = 0; k < nc; k++)
					if (!strcmp(cols[k], name))
						break;
				if (k == nc) {
					cols[nc] = name;
					subs[nc++] = name + strlen(fg->prefix);
				}
			}
	for (k = 0; k < nc && n < MAX_PANELS; k++) {
		/* migratetypes that never hold a block are left out */
		extent_of(sd, ns, cols[k], fg->prefix != NULL, from, to, &e);
		if (!e.any)
			continue;
		sp->tmin = fmin(sp->tmin, e.tmin);
		sp->tmax = fmax(sp->tmax, e.tmax);
		snprintf(p[n].col, sizeof(p[n].col), "%s", cols[k]);
		snprintf(p[n].sub, sizeof(p[n].sub), "%s", subs[k]);
		p[n].zoom = false;
		p[n].ymax = e.max;
		if (e.max == 0)
			snprintf(p[n].sub, sizeof(p[n].sub), "%s%s0 throughout",
				 subs[k], subs[k][0] ? ": " : "");
		n++;
		if (fg->prefix || isnan(from) || e.p95_in >= 0.2 * e.max_out ||
		    n == MAX_PANELS)
			continue;
		p[n] = p[n - 1];
		p[n].zoom = true;
		p[n].ymax = e.p95_in > 0 ? e.p95_in * 1.3 : 1;
		snprintf(p[n].sub, sizeof(p[n].sub),
			 "%s%szoomed in on phase %s", subs[k],
			 subs[k][0] ? ", " : "", during);
		n++;
	}
	return n;
}

static void plot_title(FILE *g, const struct fig *fg,
		       const struct side_data *sd, int ns, const char *scenario)
{
	char t[512];
	size_t n =
		(size_t)snprintf(t, sizeof(t), "%s: %s", scenario, fg->title);
	int s;

	for (s = 0; s < ns; s++)
		n += (size_t)snprintf(t + n, sizeof(t) - n, "%s%s%s%s%s",
				      s ? "    " : "\n", sd[s].ps->label,
				      ns == 1 && sd[0].n == 1 ? "" : " (",
				      ns == 1 && sd[0].n == 1 ? "" :
				      ns == 1 ? "each run thin, median bold" :
				      s	      ? "orange" :
						"blue",
				      ns == 1 && sd[0].n == 1 ? "" : ")");
	gp_str(g, t);
}

static void write_panel(FILE *g, const struct fig *fg, const struct panel *p,
			int k, const struct side_data *sd, int ns,
			const char *band, const char *dir)
{
	char path[RD_PATH_MAX], rel[256];
	int s, nr[2];

	fprintf(g, "set title ");
	gp_str(g, p->sub);
	fprintf(g, "\n");
	for (s = 0; s < ns; s++) {
		snprintf(rel, sizeof(rel), "src/%s-%d-%c.dat", fg->file, k,
			 'a' + s);
		pathf(path, sizeof(path), "%s/%s", dir, rel);
		nr[s] = write_series(&sd[s], p->col, path);
	}
	fprintf(g, "plot ");
	/* the legend, once: thick = median, thin = a run */
	for (s = 0; s < ns && !k; s++) {
		if (nr[s] == 1) {
			fprintf(g,
				"keyentry with lines lw 4 lc rgb '%s' title '%s', ",
				colour[s],
				ns == 1 ? "the run" :
				s	? "B: one run" :
					  "A: one run");
			continue;
		}
		fprintf(g,
			"keyentry with lines lw 4 lc rgb '%s' title '%s median of %d runs', "
			"keyentry with lines lw 1 lc rgb '%s' title '%s each run', ",
			colour[s], s ? "B" : "A", nr[s] > 0 ? nr[s] : 0,
			thin[s], s ? "B" : "A");
	}
	if (band && !k) {
		fprintf(g,
			"keyentry with boxes fillstyle solid 1.0 noborder fillcolor rgb '#ececec' title ");
		gp_str(g, band);
		fprintf(g, ", ");
	}
	/* one run is its own median: drawn once, bold */
	for (s = 0; s < ns; s++) {
		if (nr[s] <= 1)
			continue;
		snprintf(rel, sizeof(rel), "src/%s-%d-%c.dat", fg->file, k,
			 'a' + s);
		fprintf(g,
			"for [i=0:%d] '%s' index i using 1:2 with lines lw 1 lc rgb '%s' notitle, ",
			nr[s] - 1, rel, thin[s]);
	}
	for (s = 0; s < ns; s++) {
		if (nr[s] <= 0)
			continue;
		snprintf(rel, sizeof(rel), "src/%s-%d-%c.dat", fg->file, k,
			 'a' + s);
		fprintf(g,
			"'%s' index %d using 1:2 with lines lw 3 lc rgb '%s' notitle, ",
			rel, nr[s], colour[s]);
	}
	fprintf(g, "NaN notitle\n");
}

static void write_fig(FILE *g, const struct fig *fg, const struct panel *p,
		      int np, const struct side_data *sd, int ns,
		      const char *scenario, const struct span *sp,
		      const char *dir)
{
	double from = sp->from, to = sp->to, ylo;
	char ph[128];
	const char *band = NULL;
	int k;

	/*
	 * The band's name goes in the legend: written inside the plot it
	 * sat on top of the lines.
	 */
	if (!isnan(from)) {
		/* short: the legend is 23 characters wide */
		snprintf(ph, sizeof(ph), "%s%s", sp->aligned ? "" : "phase ",
			 sp->during);
		if (sp->aligned)
			snprintf(ph + strlen(ph), sizeof(ph) - strlen(ph),
				 " (median length)");
		band = ph;
	}
	fprintf(g, "reset\nset termoption noenhanced\n");
	fprintf(g, "set multiplot layout %d,1 title ", np);
	plot_title(g, fg, sd, ns, scenario);
	fprintf(g, " font ',13'\n");
	/* the same margins everywhere, so the panels' time axes line up */
	fprintf(g,
		"set lmargin at screen 0.08\nset rmargin at screen 0.80\n"
		"set grid lc rgb '#dcdcdc'\nset border lc rgb '#606060'\n"
		"set key at screen 0.815, graph 1 left top Left reverse samplen 3\n"
		"set ylabel ");
	gp_str(g, fg->ylabel);
	fprintf(g, "\n");
	for (k = 0; k < np; k++) {
		if (k == 1)
			fprintf(g, "unset key\n");
		if (k == np - 1 && sp->aligned)
			fprintf(g,
				"set xlabel 'time since phase %s started (s)'\n",
				sp->during);
		else if (k == np - 1)
			fprintf(g,
				"set xlabel 'time since the run started (s)'\n");
		/* a little below 0, so that a line at 0 clears the axis */
		ylo = -0.02 * (p[k].ymax > 0 ? p[k].ymax : 1);
		if (p[k].zoom)
			fprintf(g,
				"set xrange [%.1f:%.1f]\nset yrange [%g:%g]\n",
				from, to, ylo, p[k].ymax);
		else
			fprintf(g, "set xrange [%g:%g]\nset yrange [%g:%s]\n",
				fmin(sp->tmin, 0), sp->tmax, ylo,
				p[k].ymax > 0 ? "*" : "1");
		fprintf(g, "unset object 1\nunset label 1\n");
		if (!isnan(from) && !p[k].zoom)
			fprintf(g,
				"set object 1 rect from %.2f, graph 0 to %.2f, graph 1 behind fillcolor rgb '#ececec' fillstyle solid 1.0 noborder\n",
				from, to);
		write_panel(g, fg, &p[k], k, sd, ns, band, dir);
	}
	fprintf(g, "unset multiplot\n");
}

static void render(FILE *m, const char *name, int height)
{
	fprintf(m,
		"set terminal pngcairo size %d,%d font 'sans,10' background rgb 'white'\n"
		"set output '%s.png'\nload 'src/%s.gp'\nset output\n",
		PLOT_W, height, name, name);
	fprintf(m,
		"set terminal svg size %d,%d dynamic font 'sans,10' background rgb 'white'\n"
		"set output '%s.svg'\nload 'src/%s.gp'\nset output\n",
		PLOT_W, height, name, name);
}

/*
 * The plot directory may be inside a results directory: it and its
 * src/ must be directories, not links to one elsewhere.
 */
int plot_prepare(const char *dir)
{
	char src[RD_PATH_MAX];
	int ret;

	pathf(src, sizeof(src), "%s/src", dir);
	ret = mkdir_p(dir, 0755);
	if (!ret)
		ret = mkdir_nofollow(dir, 0755);
	if (ret) {
		warnx_("plots: %s: %s", dir, file_error(-ret));
		return ret;
	}
	ret = mkdir_nofollow(src, 0755);
	if (ret)
		warnx_("plots: %s: %s", src, file_error(-ret));
	return ret;
}

/* gnuplot's "set output" follows a link: the old plot goes first */
void plot_unlink_outputs(const char *dir, const char *name)
{
	char path[RD_PATH_MAX];

	if (!pathf(path, sizeof(path), "%s/%s.png", dir, name))
		unlink(path);
	if (!pathf(path, sizeof(path), "%s/%s.svg", dir, name))
		unlink(path);
}

int plot_series(const struct plot_side *sides, int nsides, const char *scenario,
		const char *during, const char *dir, struct plot_files *out)
{
	struct side_data sd[2] = { 0 };
	char path[RD_PATH_MAX], name[64];
	struct span span = { .from = NAN, .to = NAN, .during = during };
	int s, i, ret = 0, nfig = 0;
	struct afile am, ag;
	size_t f;
	FILE *m;

	if (nsides < 1 || nsides > 2 || plot_prepare(dir))
		return -1;
	for (s = 0; s < nsides; s++)
		load_side(&sd[s], &sides[s], during);
	pathf(path, sizeof(path), "%s/src/series.gp", dir);
	ret = afile_open(&am, path);
	if (ret) {
		warnx_("plots: %s: %s", path, strerror(-ret));
		ret = -1;
		goto out;
	}
	m = am.f;
	span.aligned = during && *during && align(sd, nsides);
	for (s = 0; s < nsides; s++) {
		if (isnan(sd[s].from))
			continue;
		span.from = isnan(span.from) ? sd[s].from :
					       fmin(span.from, sd[s].from);
		span.to = isnan(span.to) ? sd[s].to : fmax(span.to, sd[s].to);
	}
	for (f = 0; f < ARRAY_SIZE(figs); f++) {
		struct panel p[MAX_PANELS];
		int np;

		span.tmin = INFINITY;
		span.tmax = -INFINITY;
		np = panels_of(&figs[f], sd, nsides, &span, p);

		if (!np)
			continue;
		pathf(path, sizeof(path), "%s/src/%s.gp", dir, figs[f].file);
		if (afile_open(&ag, path))
			continue;
		write_fig(ag.f, &figs[f], p, np, sd, nsides, scenario, &span,
			  dir);
		if (afile_commit(&ag))
			continue;
		plot_unlink_outputs(dir, figs[f].file);
		render(m, figs[f].file, TITLE_H + np * PANEL_H);
		nfig++;
	}
	if (afile_commit(&am)) {
		nfig = 0;
		ret = -1;
	}
	if (nfig && plot_gnuplot(dir, "src/series.gp"))
		ret = -1;
	for (f = 0; f < ARRAY_SIZE(figs); f++)
		for (i = 0; i < 2; i++) {
			snprintf(name, sizeof(name), "%s.%s", figs[f].file,
				 i ? "svg" : "png");
			pathf(path, sizeof(path), "%s/%s", dir, name);
			plot_add_file(out, path);
		}
out:
	for (s = 0; s < nsides; s++)
		free_side(&sd[s]);
	return ret;
}

/* ---- box plots, one per metric ---- */

static void write_box_data(FILE *f, const double *v, size_t n, double x)
{
	size_t i;

	/* a fixed jitter, so points with equal values stay visible */
	for (i = 0; i < n; i++)
		fprintf(f, "%.9g %.3f\n", v[i],
			x + 0.16 * (((double)((i * 7) % 11) / 10.0) - 0.5));
	fprintf(f, "\n\n");
}

static void write_box(FILE *g, const struct comparison *c,
		      const struct cmp_metric *mt, const char *rel)
{
	char t[512], ch[200];
	int s;

	const char *r = mt->result == RES_SAME	? "no significant change" :
			mt->result == RES_WORSE ? "significantly WORSE" :
						  "significantly better";

	if (mt->result == RES_NA)
		snprintf(ch, sizeof(ch), "not tested: %s", mt->why);
	else if (!isnan(mt->change_pct))
		snprintf(ch, sizeof(ch), "median %+.3g%%, p = %.3f: %s",
			 mt->change_pct, mt->mwu.p, r);
	else
		snprintf(ch, sizeof(ch), "median %+.4g %s, p = %.3f: %s",
			 mt->change_abs, mt->unit, mt->mwu.p, r);
	fprintf(g, "reset\nset termoption noenhanced\nset title ");
	snprintf(t, sizeof(t), "%s: %s%s (%s is better)\nB against A: %s",
		 c->scenario, mt->name, mt->gate ? ", gating" : "",
		 mt->lower_better ? "lower" : "higher", ch);
	gp_str(g, t);
	fprintf(g, " font ',12'\nset ylabel ");
	snprintf(t, sizeof(t), "%s%s%s%s", mt->name, mt->unit[0] ? " (" : "",
		 mt->unit, mt->unit[0] ? ")" : "");
	gp_str(g, t);
	fprintf(g, "\nset xtics (");
	for (s = 0; s < 2; s++) {
		snprintf(t, sizeof(t), "%s: %s\n(%zu run%s)", s ? "B" : "A",
			 c->side[s].label, mt->n[s], mt->n[s] == 1 ? "" : "s");
		gp_str(g, t);
		fprintf(g, " %d%s", s + 1, s ? "" : ", ");
	}
	fprintf(g,
		")\nset xrange [0.4:2.6]\nset bmargin 6\n"
		"set label 1 'box: middle half of the runs, line: their median, whiskers: lowest to highest; a dot is a run' at screen 0.5, screen 0.03 center font ',9' textcolor rgb '#606060'\n");
	if (fmax(mt->n[0] ? mt->d[0].max : 0, mt->n[1] ? mt->d[1].max : 0) == 0)
		fprintf(g,
			"set yrange [-0.05:1]\n"); /* all 0: gnuplot has no scale */
	else if ((!mt->n[0] || mt->d[0].min >= 0) &&
		 (!mt->n[1] || mt->d[1].min >= 0))
		fprintf(g, "set yrange [0:*]\n");
	fprintf(g,
		"set grid y lc rgb '#dcdcdc'\nset border lc rgb '#606060'\n"
		"set style fill solid 0.25 border\nset style boxplot range 1e9 nooutliers\n"
		"set boxwidth 0.45\nset key off\nplot ");
	for (s = 0; s < 2; s++)
		if (mt->n[s])
			fprintf(g,
				"'%s' index %d using (%d):1 with boxplot lw 2 lc rgb '%s', "
				"'%s' index %d using 2:1 with points pt 7 ps 1.1 lc rgb '%s', ",
				rel, s, s + 1, colour[s], rel, s, colour[s]);
	fprintf(g, "NaN notitle\n");
}

int plot_boxes(const struct comparison *c, const char *dir,
	       struct plot_files *out)
{
	char path[RD_PATH_MAX], rel[160], name[128], safe[96];
	int i, k, n = 0, ret = 0;
	struct afile am, af;
	FILE *m;

	if (plot_prepare(dir))
		return -1;
	pathf(path, sizeof(path), "%s/src/boxes.gp", dir);
	if (afile_open(&am, path))
		return -1;
	m = am.f;
	for (i = 0; i < c->nm; i++) {
		const struct cmp_metric *mt = &c->m[i];

		if (!mt->n[0] && !mt->n[1])
			continue;
		/* the metric's name comes from a results directory */
		snprintf(name, sizeof(name), "box-%s",
			 safe_name(safe, sizeof(safe), mt->name));
		snprintf(rel, sizeof(rel), "src/%s.dat", name);
		pathf(path, sizeof(path), "%s/%s", dir, rel);
		if (afile_open(&af, path))
			continue;
		write_box_data(af.f, mt->v[0], mt->n[0], 1);
		write_box_data(af.f, mt->v[1], mt->n[1], 2);
		if (afile_commit(&af))
			continue;
		pathf(path, sizeof(path), "%s/src/%s.gp", dir, name);
		if (afile_open(&af, path))
			continue;
		write_box(af.f, c, mt, rel);
		if (afile_commit(&af))
			continue;
		plot_unlink_outputs(dir, name);
		fprintf(m,
			"set terminal pngcairo size 700,520 font 'sans,10' background rgb 'white'\n"
			"set output '%s.png'\nload 'src/%s.gp'\nset output\n"
			"set terminal svg size 700,520 dynamic font 'sans,10' background rgb 'white'\n"
			"set output '%s.svg'\nload 'src/%s.gp'\nset output\n",
			name, name, name, name);
		n++;
	}
	if (afile_commit(&am)) {
		n = 0;
		ret = -1;
	}
	if (n && plot_gnuplot(dir, "src/boxes.gp"))
		ret = -1;
	for (i = 0; i < c->nm; i++)
		for (k = 0; k < 2; k++) {
			pathf(path, sizeof(path), "%s/box-%s.%s", dir,
			      safe_name(safe, sizeof(safe), c->m[i].name),
			      k ? "svg" : "png");
			plot_add_file(out, path);
		}
	return ret;
}

int plot_comparison(struct comparison *c, const char *dir)
{
	struct plot_side sides[2];
	struct plot_files f = { 0 };
	char la[128], lb[128];
	int ret, i;

	snprintf(la, sizeof(la), "A: %s", c->side[0].label);
	snprintf(lb, sizeof(lb), "B: %s", c->side[1].label);
	sides[0] = (struct plot_side){ &c->side[0].set, la };
	sides[1] = (struct plot_side){ &c->side[1].set, lb };
	ret = plot_series(sides, 2, c->scenario, c->during, dir, &f);
	if (!ret)
		ret = plot_boxes(c, dir, &f);
	for (i = 0; i < f.n; i++) {
		c->plots = realloc(c->plots,
				   (size_t)(c->nplots + 1) * sizeof(char *));
		c->plots[c->nplots++] = f.file[i];
	}
	free(f.file);
	free(c->plots_dir);
	c->plots_dir = strdup(dir);
	return ret;
}
