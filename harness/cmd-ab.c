// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro ab: N runs of A and N runs of B, interleaved A B A B so that
 * a drift of the host (thermal, a noisy neighbour) hits both sides
 * alike, then compare.  Each run is `mmrepro run' as a child process.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compare-formats.h"
#include "compare.h"
#include "mmrepro.h"
#include "opt.h"
#include "plan.h"
#include "plot.h"
#include "results.h"
#include "scenario.h"
#include "util.h"

struct ab_opts {
	const char *a, *b, *out, *accel, *collect;
	struct plan_engine_opts eo;
	struct opt_list sets; /* --set: both sides, before a SPEC's set= */
	bool local, stress_ok, quiet;
	int runs;
};

static void write_reports(struct comparison *c, const char *dir)
{
	const struct cmp_format *f;
	char path[RD_PATH_MAX];

	/* md links its plots from where it is */
	free(c->report_dir);
	c->report_dir = strdup(dir);
	for (f = cmp_formats; f->name; f++) {
		struct afile a;
		int ret;

		pathf(path, sizeof(path), "%s/report.%s", dir, f->ext);
		ret = afile_open(&a, path);
		if (!ret) {
			f->write(c, a.f);
			ret = afile_commit(&a);
		}
		if (ret)
			warnx_("ab: %s: %s", path, strerror(-ret));
	}
}

/* ab's --help; %s: the report extensions, from the format table */
static const char ab_summary[] =
	"Run SCENARIO N times with A and N times with B, interleaved\n"
	"A B A B, then compare them (see 'mmrepro compare'). A SPEC is a\n"
	"kernel and/or scenario overrides, comma-separated:\n"
	"  kernel=IMG|NAME  deb=PKG (repeatable)  modules=DIR  set=KEY=VALUE (repeatable)\n"
	"NAME: a Debian kernel, 6.18 or 7.2.13 (see 'mmrepro kernels').\n"
	"e.g. --a kernel=6.18 --b kernel=7.2, or --a deb=a.deb\n"
	"--b deb=a.deb,set=sysctl.vm.swappiness=10. --set applies to\n"
	"both sides, before a SPEC's set= (which wins). A side\n"
	"without a kernel takes the other side's. With --local both sides\n"
	"run on this machine and a SPEC holds set= only. A manifest.json\n"
	"beside IMG (ci/build-kernel.sh) goes into each run's meta.json.\n\n"
	"Runs go to DIR/a/run-K and DIR/b/run-K (DIR: default\n"
	"results/SCENARIO/ab-<UTC>), the order to DIR/ab.log, the reports\n"
	"to DIR/report.{%s} and the plots to DIR/plots.\n\n"
	"-j N runs N guests at once, each on CPUs of its own. --engine slurm\n"
	"submits the runs as one Slurm job array instead (DIR/slurm: the\n"
	"plan and the task script); DIR, this binary and the kernel cache\n"
	"must be on storage every node sees. --collect DIR compares a\n"
	"finished ab again, from any machine that sees DIR.\n\n"
	"Exit: as compare: 1 when a gating metric is significantly worse,\n"
	"0 otherwise, 2 on an error.";

/* The specs of --a and --b, checked against each other and the scenario */
static void ab_specs(const char *scen, const struct ab_opts *o,
		     struct plan_spec sp[2])
{
	char err[RD_PATH_MAX + 256];
	int s;

	if (o->runs < 1 || o->runs > 500)
		die("ab: --runs %d: must be 1 to 500", o->runs);
	if (plan_spec_parse(o->a ? o->a : "", &sp[0], err, sizeof(err)))
		die("ab: --a: %s", err);
	if (plan_spec_parse(o->b ? o->b : "", &sp[1], err, sizeof(err)))
		die("ab: --b: %s", err);
	for (s = 0; s < 2; s++)
		if (plan_spec_common_sets(&sp[s], &o->sets))
			die("ab: --%c: more than %d --set and set= values",
			    'a' + s, OPT_LIST_MAX);
	if (o->local &&
	    (plan_spec_has_kernel(&sp[0]) || plan_spec_has_kernel(&sp[1])))
		die("ab: --local runs on this machine: a SPEC may hold set= only");
	if (o->local && !o->stress_ok)
		die("ab: --local stresses this machine's memory; add --i-understand-this-stresses-the-host if it is a dedicated test box");
	if (!o->local && !plan_spec_has_kernel(&sp[0]) &&
	    !plan_spec_has_kernel(&sp[1]))
		die("ab: give a kernel (--a kernel=IMG|NAME or deb=PKG), or --local");
	plan_spec_check("ab", scen, &sp[0], "--a");
	plan_spec_check("ab", scen, &sp[1], "--b");
	for (s = 0; s < 2 && !o->local; s++)
		if (plan_spec_fetch(&sp[s], err, sizeof(err)))
			die("ab: --%c: %s", 'a' + s, err);
	for (s = 0; s < 2 && !o->local; s++)
		if (!plan_spec_has_kernel(&sp[s])) {
			sp[s].kernel = sp[!s].kernel;
			sp[s].modules = sp[!s].modules;
			sp[s].debs = sp[!s].debs;
		}
}

/*
 * Compare DIR/a with DIR/b: the plots, a report per format, the text
 * one on stdout; the exit status of compare
 */
static int ab_compare(const char *dir, const struct plan_side *side)
{
	char err[RD_PATH_MAX + 256], sub[RD_PATH_MAX], exts[64];
	struct comparison *c;
	int ret;

	c = compare_load(side[0].dir, side[1].dir, err, sizeof(err));
	if (!c)
		die("ab: compare: %s", err);
	pathf(sub, sizeof(sub), "%s/plots", dir);
	plot_comparison(c, sub);
	write_reports(c, dir);
	compare_format("text")->write(c, stdout);
	cmp_format_list(exts, sizeof(exts), true, false, ",", ",");
	printf("reports: %s/report.{%s}\n", dir, exts);
	fflush(stdout);
	ret = compare_exit(c);
	compare_free(c);
	return ret;
}

int cmd_ab(int argc, char **argv)
{
	char exts[64], summary[sizeof(ab_summary) + 64];
	const struct cmd_usage u = {
		.synopsis =
			"SCENARIO --a SPEC --b SPEC [--runs N] [-j N] [--set KEY=VALUE]... [--out DIR]\n"
			"       [--local --i-understand-this-stresses-the-host] [--accel kvm|tcg] [-q]\n"
			"       [--engine slurm [--partition P] [--sbatch-args ARGS] [--retries N]]\n"
			"   or: mmrepro ab --collect DIR",
		.summary = summary,
		.permute = true,
	};
	struct ab_opts o = { .runs = 5, .eo = PLAN_ENGINE_OPTS_INIT };
	const struct opt opts[] = {
		OPT_STR(0, "a", &o.a, "SPEC", "side A"),
		OPT_STR(0, "b", &o.b, "SPEC", "side B"),
		OPT_INTEGER('n', "runs", &o.runs, "N",
			    "runs per side (default 5)"),
		PLAN_OPT_JOBS(&o.eo),
		OPT_STRLIST('s', "set", &o.sets, "KEY=VALUE",
			    "override a scenario key on both sides"),
		OPT_STR('o', "out", &o.out, "DIR", "results directory"),
		OPT_BOOLEAN(0, "local", &o.local,
			    "run both sides on this machine"),
		OPT_BOOLEAN(0, "i-understand-this-stresses-the-host",
			    &o.stress_ok, "required with --local"),
		OPT_STR(0, "accel", &o.accel, "kvm|tcg", "QEMU accelerator"),
		OPT_BOOLEAN('q', "quiet", &o.quiet, "no progress lines"),
		PLAN_OPT_ENGINE(&o.eo),
		PLAN_OPT_PARTITION(&o.eo),
		PLAN_OPT_SBATCH_ARGS(&o.eo),
		PLAN_OPT_RETRIES(&o.eo),
		OPT_STR(0, "collect", &o.collect, "DIR",
			"compare a finished ab (DIR/a, DIR/b) again"),
		OPT_TABLE_END,
	};
	struct plan_side side[2] = { { .label = "A" }, { .label = "B" } };
	struct plan p = { .cmd = "ab", .nsides = 2, .side = side };
	char dir[RD_PATH_MAX];
	int i, s, ret;

	cmp_format_list(exts, sizeof(exts), true, false, ",", ",");
	snprintf(summary, sizeof(summary), ab_summary, exts);
	i = opt_parse(argc, argv, "ab", &u, opts);
	if (o.collect) {
		if (i < argc)
			die("ab: --collect DIR takes no scenario");
		pathf(dir, sizeof(dir), "%s", o.collect);
		for (s = 0; s < 2; s++)
			pathf(side[s].dir, RD_PATH_MAX, "%s/%c", dir, 'a' + s);
		return ab_compare(dir, side);
	}
	plan_engine_check("ab", &o.eo, o.local);
	if (i >= argc)
		die("ab: no scenario (see 'mmrepro list')");
	if (i + 1 < argc)
		die("ab: unexpected argument '%s'", argv[i + 1]);
	plan_out_dir("ab", argv[i], o.out, dir);
	for (s = 0; s < 2; s++)
		pathf(side[s].dir, RD_PATH_MAX, "%s/%c", dir, 'a' + s);
	{
		struct plan_spec sp[2];

		ab_specs(argv[i], &o, sp);
		side[0].sp = sp[0];
		side[1].sp = sp[1];
	}
	p.scen = argv[i];
	p.dir = dir;
	p.accel = o.accel;
	p.local = o.local;
	p.quiet = o.quiet;
	plan_engine_set("ab", &p, &o.eo);
	plan_dirs(&p);
	plan_signals();
	fprintf(stderr,
		"ab: %s, %d runs of A and %d of B, interleaved, %s%.0d%s, into %s\n",
		p.scen, o.runs, o.runs, p.jobs ? "" : "as a Slurm job array",
		p.jobs, p.jobs ? " at once" : "", dir);
	plan_run(&p, 1, o.runs);
	ret = ab_compare(dir, side);
	for (s = 0; s < 2; s++)
		plan_spec_free(&side[s].sp);
	return plan_stopped() ? EXIT_ERROR : ret;
}
