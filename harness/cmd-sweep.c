// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro sweep: one scenario at several points, kernels or the values
 * of one scenario key, round-robin (K1 K2 K3 K1 K2 K3 ...) so that a
 * drift of the host hits every point alike; then each point's outcome
 * and figures, each step's change, and a plot per gating metric.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmrepro.h"
#include "opt.h"
#include "plan.h"
#include "results.h"
#include "rundata.h"
#include "scenario.h"
#include "sweep.h"
#include "util.h"

#define SWEEP_MAX_POINTS 32

struct sweep_opts {
	const char *kernels, *sweep, *kernel, *out, *accel, *report;
	struct plan_engine_opts eo;
	struct opt_list sets;
	bool local, stress_ok, quiet;
	int runs;
};

/* The points of --kernels or --sweep, as plan sides; their count */
static int sweep_sides(const char *scen, const struct sweep_opts *o,
		       const char *dir, struct plan_side *side, char *axis,
		       size_t alen)
{
	char *v[SWEEP_MAX_POINTS], *key, err[512];
	int n, i, k;

	if (!!o->kernels == !!o->sweep)
		die("sweep: give --kernels K1,K2,... or --sweep KEY=V1,V2,... (one of them)");
	if (o->kernels && (o->local || o->kernel))
		die("sweep: --kernels is the axis: no --kernel or --local with it");
	if (o->sweep && !o->local && !o->kernel)
		die("sweep: --sweep needs a kernel (--kernel IMG|NAME) or --local");
	if (o->local && !o->stress_ok)
		die("sweep: --local stresses this machine's memory; add --i-understand-this-stresses-the-host if it is a dedicated test box");
	n = plan_points("sweep", o->kernels ? o->kernels : o->sweep, o->sweep,
			&key, v, SWEEP_MAX_POINTS);
	snprintf(axis, alen, "%s", key ? key : "kernel");
	for (i = 0; i < n; i++) {
		plan_point("sweep", &side[i], key, v[i], o->kernel, &o->sets,
			   dir);
		for (k = 0; k < i; k++)
			if (!strcmp(side[k].dir, side[i].dir))
				die("sweep: '%s' is given twice",
				    side[i].label);
		plan_spec_check("sweep", scen, &side[i].sp, side[i].label);
	}
	for (i = 0; i < n && !o->local; i++)
		if (plan_spec_fetch(&side[i].sp, err, sizeof(err)))
			die("sweep: %s: %s", side[i].label, err);
	return n;
}

/*
 * DIR/sweep.json: what the points are, written before the first run, so
 * that `sweep --report DIR' can report a sweep again (or one that was
 * interrupted)
 */
static void save_plan(const char *dir, const char *scen, const char *axis,
		      int runs, const struct plan_side *side, int n)
{
	json_t *j = json_object(), *pts = json_array();
	int i;

	json_object_set_new(j, "scenario", json_string(scen));
	json_object_set_new(j, "axis", json_string(axis));
	json_object_set_new(j, "runs", json_integer(runs));
	for (i = 0; i < n; i++) {
		json_t *p = json_object();
		const char *b = strrchr(side[i].dir, '/');

		json_object_set_new(p, "label", json_string(side[i].label));
		json_object_set_new(p, "dir", json_string(b ? b + 1 : ""));
		json_array_append_new(pts, p);
	}
	json_object_set_new(j, "points", pts);
	if (json_save(j, dir, "sweep.json"))
		warnx_("sweep: %s/sweep.json: cannot write it", dir);
	json_decref(j);
}

/*
 * The points of DIR/sweep.json, which may come from elsewhere: a point's
 * directory must be one plain name inside DIR, as sweep makes them
 */
static int load_plan(const char *dir, struct plan_side *side, char *axis,
		     size_t alen, int *runs)
{
	char path[RD_PATH_MAX], safe[64];
	json_t *j, *pts, *p;
	size_t i;

	untrusted_root_add(dir);
	pathf(path, sizeof(path), "%s/sweep.json", dir);
	j = json_load_regular(path, NULL);
	pts = json_object_get(j, "points");
	if (!json_is_array(pts) || json_array_size(pts) < 2 ||
	    json_array_size(pts) > SWEEP_MAX_POINTS ||
	    !json_is_string(json_object_get(j, "axis")))
		die("sweep: %s: not a sweep's plan (points, axis)", path);
	snprintf(axis, alen, "%s",
		 json_string_value(json_object_get(j, "axis")));
	*runs = (int)json_integer_value(json_object_get(j, "runs"));
	json_array_foreach(pts, i, p)
	{
		const char *l = json_string_value(json_object_get(p, "label"));
		const char *d = json_string_value(json_object_get(p, "dir"));

		if (!l || !d || strcmp(safe_name(safe, sizeof(safe), d), d))
			die("sweep: %s: point %zu: a label and a plain directory name are needed",
			    path, i + 1);
		snprintf(side[i].label, sizeof(side[i].label), "%s", l);
		pathf(side[i].dir, sizeof(side[i].dir), "%s/%s", dir, d);
	}
	json_decref(j);
	return (int)i;
}

static void write_reports(const struct sweep *s, const char *dir)
{
	const struct sweep_format *f;
	char path[RD_PATH_MAX];

	for (f = sweep_formats; f->name; f++) {
		struct afile a;
		int ret;

		pathf(path, sizeof(path), "%s/report.%s", dir, f->ext);
		ret = afile_open(&a, path);
		if (!ret) {
			f->write(s, a.f);
			ret = afile_commit(&a);
		}
		if (ret)
			warnx_("sweep: %s: %s", path, strerror(-ret));
	}
}

static int sweep_report(const char *dir, const char *axis, int runs,
			const struct plan_side *side, int n)
{
	struct sweep_point pts[SWEEP_MAX_POINTS];
	char err[RD_PATH_MAX + 256], sub[RD_PATH_MAX];
	struct sweep *s;
	const char *eq;
	int i, ret;

	memset(pts, 0, sizeof(pts));
	for (i = 0; i < n; i++) {
		_Static_assert(sizeof(pts[i].label) == sizeof(side[i].label) &&
				       sizeof(pts[i].dir) ==
					       sizeof(side[i].dir),
			       "a point is named as its plan side");
		/* a key's points are its values: the key heads the column */
		eq = strchr(side[i].label, '=');
		snprintf(pts[i].label, sizeof(pts[i].label), "%.63s",
			 strcmp(axis, "kernel") && eq ? eq + 1 : side[i].label);
		memcpy(pts[i].dir, side[i].dir, sizeof(pts[i].dir));
	}
	s = sweep_load(axis, runs, pts, n, err, sizeof(err));
	if (!s)
		die("sweep: %s", err);
	pathf(sub, sizeof(sub), "%s/plots", dir);
	plot_sweep(s, sub);
	write_reports(s, dir);
	sweep_write_text(s, stdout);
	printf("reports: %s/report.{txt,md,json,ktap}, plots: %s\n", dir, sub);
	fflush(stdout);
	ret = sweep_exit(s);
	sweep_free(s);
	return ret;
}

int cmd_sweep(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis =
			"SCENARIO --kernels K1,K2,... [--runs N] [-j N] [--set KEY=VALUE]... [--out DIR]\n"
			"   or: mmrepro sweep SCENARIO --sweep KEY=V1,V2,... (--kernel IMG|NAME | --local)\n"
			"       [--runs N] [-j N] [--set KEY=VALUE]... [--out DIR]\n"
			"       [--engine slurm [--partition P] [--sbatch-args ARGS] [--retries N]]\n"
			"   or: mmrepro sweep --report DIR",
		.summary =
			"Run SCENARIO N times at each point, round-robin (K1 K2 K3 K1\n"
			"K2 K3 ...), so that a drift of the host hits every point alike.\n"
			"The points are kernels (--kernels: Debian names such as 6.18\n"
			"or 7.2.13, see 'mmrepro kernels', or images), or the values of\n"
			"one key that --set takes (--sweep scenario.mem=1G,2G,4G) on\n"
			"one kernel. For each\n"
			"point: reproduced k of N, not applicable, and each gating\n"
			"metric's median with its CI; for each step to the next point:\n"
			"the change and its p (as 'mmrepro compare'); a plot per gating\n"
			"metric across the points.\n\n"
			"Runs go to DIR/POINT/run-K (DIR: default\n"
			"results/SCENARIO/sweep-<UTC>), the points to DIR/sweep.json\n"
			"(for --report), the order to DIR/sweep.log,\n"
			"the reports to DIR/report.{txt,md,json,ktap} and the plots\n"
			"to DIR/plots.\n\n"
			"-j N runs N guests at once, each on CPUs of its own;\n"
			"--engine slurm submits the runs as one Slurm job array (see\n"
			"'mmrepro ab --help'), and --report DIR collects them later.\n\n"
			"Exit: 0, or 3 when a point that is not 'not applicable' has\n"
			"fewer than 2 usable runs; 2 on an error or an interrupt.",
		.permute = true,
	};
	struct sweep_opts o = { .runs = 3, .eo = PLAN_ENGINE_OPTS_INIT };
	const struct opt opts[] = {
		OPT_STR(0, "kernels", &o.kernels, "K1,K2,...",
			"the points: kernels, by name or image"),
		OPT_STR(0, "sweep", &o.sweep, "KEY=V1,V2,...",
			"the points: values of one scenario key"),
		OPT_STR('k', "kernel", &o.kernel, "IMG|NAME",
			"the kernel of a --sweep"),
		OPT_INTEGER('n', "runs", &o.runs, "N",
			    "runs at each point (default 3)"),
		PLAN_OPT_JOBS(&o.eo),
		OPT_STRLIST('s', "set", &o.sets, "KEY=VALUE",
			    "override a scenario key at every point"),
		OPT_STR('o', "out", &o.out, "DIR", "results directory"),
		OPT_BOOLEAN(0, "local", &o.local,
			    "run on this machine (with --sweep)"),
		OPT_BOOLEAN(0, "i-understand-this-stresses-the-host",
			    &o.stress_ok, "required with --local"),
		OPT_STR(0, "accel", &o.accel, "kvm|tcg", "QEMU accelerator"),
		OPT_BOOLEAN('q', "quiet", &o.quiet, "no progress lines"),
		OPT_STR(0, "report", &o.report, "DIR",
			"report a finished (or interrupted) sweep again"),
		PLAN_OPT_ENGINE(&o.eo),
		PLAN_OPT_PARTITION(&o.eo),
		PLAN_OPT_SBATCH_ARGS(&o.eo),
		PLAN_OPT_RETRIES(&o.eo),
		OPT_TABLE_END,
	};
	struct plan_side side[SWEEP_MAX_POINTS];
	struct plan p = { .cmd = "sweep", .side = side };
	char dir[RD_PATH_MAX], axis[64];
	int i = opt_parse(argc, argv, "sweep", &u, opts), n, ret;

	memset(side, 0, sizeof(side));
	if (o.report) {
		if (i < argc)
			die("sweep: --report DIR takes no scenario");
		pathf(dir, sizeof(dir), "%s", o.report);
		n = load_plan(dir, side, axis, sizeof(axis), &o.runs);
		return sweep_report(dir, axis, o.runs, side, n);
	}
	if (i >= argc)
		die("sweep: no scenario (see 'mmrepro list')");
	if (i + 1 < argc)
		die("sweep: unexpected argument '%s'", argv[i + 1]);
	if (o.runs < 1 || o.runs > 500)
		die("sweep: --runs %d: must be 1 to 500", o.runs);
	plan_engine_check("sweep", &o.eo, o.local);
	plan_out_dir("sweep", argv[i], o.out, dir);
	n = sweep_sides(argv[i], &o, dir, side, axis, sizeof(axis));
	p.scen = argv[i];
	p.dir = dir;
	p.nsides = n;
	p.accel = o.accel;
	p.local = o.local;
	p.quiet = o.quiet;
	plan_engine_set("sweep", &p, &o.eo);
	plan_dirs(&p);
	save_plan(dir, p.scen, axis, o.runs, side, n);
	plan_signals();
	fprintf(stderr,
		"sweep: %s across %s, %d points, %d run%s each, round-robin, %s%.0d%s, into %s\n",
		p.scen, axis, n, o.runs, o.runs == 1 ? "" : "s",
		p.jobs ? "" : "as a Slurm job array", p.jobs,
		p.jobs ? " at once" : "", dir);
	plan_run(&p, 1, o.runs);
	ret = sweep_report(dir, axis, o.runs, side, n);
	return plan_stopped() ? EXIT_ERROR : ret;
}
