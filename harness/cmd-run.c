// SPDX-License-Identifier: GPL-2.0
/*
 * mmrepro run: a scenario in a guest booting the kernel under test, or
 * with --local on this machine.  In a guest, the same command runs
 * inside with --inside, and the host only boots, shares and collects.
 * One run itself, on the system under test, is runner.c's run_here().
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "journal.h"
#include "config.h"
#include "kernels.h"
#include "mmrepro.h"
#include "opt.h"
#include "plan.h"
#include "rundata.h"
#include "runner.h"
#include "scenario.h"
#include "util.h"
#include "verdict.h"
#include "vm.h"

#define VM_HANG_TIMEOUT (300 * NSEC_PER_SEC)

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct run_opts {
	const char *kernel, *modules, *out, *accel, *rejudge;
	struct opt_list debs, sets, shares;
	bool local, stress_ok, inside, quiet;
	int runs, jobs;
};

static void load(struct scenario *sc, const char *arg, const struct run_opts *o)
{
	char path[4096], abs[4096], err[1024];
	int i;

	if (scenario_find(arg, path, sizeof(path)))
		die("run: no scenario '%s' (see 'mmrepro list')", arg);
	if (!realpath(path, abs))
		die("run: %s: %s", path, strerror(errno));
	if (scenario_load(sc, abs, err, sizeof(err)))
		die("%s", err);
	for (i = 0; i < o->sets.n; i++)
		if (scenario_set(sc, o->sets.v[i], err, sizeof(err)))
			die("run: %s", err);
	/* all that can be known before anything starts or boots */
	if (scenario_verify(sc, err, sizeof(err)))
		die("%s", err);
}

/*
 * The command line that reproduces this run, for bug reports: every
 * argument one single-quoted word, whatever it holds (sh_quote()).
 */
static void write_reproduce(const char *dir, int argc, char **argv)
{
	char path[4200];
	struct afile a;
	int i, ret;

	pathf(path, sizeof(path), "%s/reproduce.sh", dir);
	ret = afile_open(&a, path);
	if (ret) {
		warnx_("run: %s: %s", path, strerror(-ret));
		return;
	}
	fputs("#!/bin/sh\n# the command that made this run\nmmrepro", a.f);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			i++;
			continue;
		}
		fputc(' ', a.f);
		sh_quote(a.f, argv[i]);
	}
	fputc('\n', a.f);
	ret = afile_commit(&a);
	if (ret)
		warnx_("run: %s: %s", path, strerror(-ret));
}

static int one_in_guest(const struct scenario *sc, const struct run_opts *o,
			const char *dir, struct vm_kernel *k)
{
	char self[4096], why[1024], path[4200];
	char *argv[8 + 2 * OPT_LIST_MAX];
	struct vm_cfg cfg = { 0 };
	struct vm_result r;
	struct run_result rr = { 0 };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int i, a = 0;

	self_exe(self, sizeof(self)); /* the guest runs it over 9p */
	argv[a++] = self;
	argv[a++] = "run";
	argv[a++] = (char *)sc->path;
	argv[a++] = "--inside";
	argv[a++] = "--out";
	argv[a++] = (char *)dir;
	if (o->quiet)
		argv[a++] = "--quiet";
	for (i = 0; i < o->sets.n; i++) {
		argv[a++] = "--set";
		argv[a++] = (char *)o->sets.v[i];
	}
	argv[a] = NULL;

	cfg.kernel = o->kernel;
	cfg.modules = o->modules;
	for (i = 0; i < o->debs.n && i < VM_MAX_DEBS; i++)
		cfg.debs[cfg.ndebs++] = o->debs.v[i];
	for (i = 0; i < o->shares.n; i++)
		cfg.shares[cfg.nshares++] = o->shares.v[i];
	cfg.mem = sc->mem;
	cfg.cpus = sc->cpus > ncpu ? (int)ncpu : sc->cpus;
	cfg.disk = sc->disk;
	cfg.timeout_ns = VM_HANG_TIMEOUT;
	cfg.out = dir;
	cfg.accel = o->accel;
	cfg.argv = argv;
	cfg.argc = a;
	cfg.quiet = o->quiet;
	cfg.inner_run = true;
	cfg.stop = &stop;
	if (vm_execute(&cfg, k, &r, why, sizeof(why)))
		die("run: %s", why);
	free(r.excerpt);
	switch (r.outcome) {
	case VM_OK:
	case VM_CMD_FAILED:
		/* the run inside wrote its verdict; its status is ours */
		return r.status;
	case VM_INFRA:
		return EXIT_INFRA;
	case VM_CRASH:
	case VM_HANG:
	case VM_INTERRUPTED:
		break;
	}
	rr.verdict = V_ERROR;
	snprintf(rr.reason, sizeof(rr.reason), "%s: %s (see %s)",
		 vm_outcome_name(r.outcome), r.reason,
		 r.outcome == VM_CRASH ? "crash.txt" : "console.log");
	write_verdict(dir, &rr);
	pathf(path, sizeof(path), "%s/verdict", dir);
	return verdict_exit(rr.verdict);
}

/*
 * Judge a finished run again, from its files, with the scenario as it
 * is now (and --set): after a threshold is recalibrated, say.
 */
static int judge_again(const struct scenario *sc, const char *dir)
{
	struct run_result res = { .verdict = V_NOT_REPRODUCED };
	char path[4200];
	const char *of;
	json_t *meta, *ph;
	size_t i;
	int k;

	untrusted_root_add(dir);
	pathf(path, sizeof(path), "%s/meta.json", dir);
	meta = json_load_regular(path, NULL);
	if (!meta)
		die("run: --rejudge %s: %s", path,
		    errno == EBADMSG ? "corrupt JSON" : file_error(errno));
	/* its summary.json and verdict are rewritten: only for this scenario */
	of = json_string_value(json_object_get(meta, "scenario"));
	if (!of)
		die("run: --rejudge %s: not a run of a scenario (its meta.json names none: a sample run?)",
		    dir);
	if (strcmp(of, sc->name))
		die("run: --rejudge %s: a run of scenario '%s', not '%s'", dir,
		    of, sc->name);
	json_array_foreach(json_object_get(meta, "phases"), i, ph)
	{
		const char *name =
			json_string_value(json_object_get(ph, "name"));

		for (k = 0; name && k < sc->nphases; k++) {
			if (strcmp(sc->phase[k].name, name))
				continue;
			res.ph[k].start_s =
				json_real_value(json_object_get(ph, "start_s"));
			res.ph[k].end_s =
				json_real_value(json_object_get(ph, "end_s"));
		}
	}
	json_decref(meta);
	evaluate(sc, dir, &res);
	write_verdict(dir, &res);
	printf("%s: %s: %s\n", dir, verdict_name(res.verdict), res.reason);
	return verdict_exit(res.verdict);
}

static void read_verdict(const char *dir, char *buf, size_t len)
{
	char path[4200], *s;

	pathf(path, sizeof(path), "%s/verdict", dir);
	s = read_regular(path, 1024, NULL);
	snprintf(buf, len, "%s", s ? s : "error: no verdict written\n");
	buf[strcspn(buf, "\n")] = '\0';
	free(s);
}

/* Checks the options of a run; returns whether it runs in a guest */
static bool check_opts(struct run_opts *o)
{
	char why[600];
	bool guest;

	if (o->runs < 1 || o->runs > 1000)
		die("run: --runs %d: must be 1 to 1000", o->runs);
	if (o->jobs != -1 && (o->jobs < 1 || o->jobs > 256))
		die("run: -j %d: must be 1 to 256", o->jobs);
	guest = o->kernel || o->debs.n;
	if (o->jobs > 1 && !guest)
		die("run: -j %d is for --runs in guests (--kernel or --deb): runs on this machine share its sysctls and memory",
		    o->jobs);
	if (o->inside && !vm_inside_guest())
		die("run: --inside is for the guest side of a run (this is not a mmrepro guest: no matching mmrepro.guest= token on the kernel command line)");
	/* the host gives it one; without, it wrote into "(null)/" */
	if (o->inside && !o->out)
		die("run: --inside needs --out DIR (the host's results share)");
	if (o->inside)
		o->local = true;
	if (o->local && guest)
		die("run: --local and --kernel/--deb exclude each other");
	if (o->shares.n && !guest)
		die("run: --share is for a run in a guest (--kernel or --deb)");
	if (vm_shares_check(o->shares.n, o->shares.v, why, sizeof(why)))
		die("run: %s", why);
	if (!o->local && !guest)
		die("run: give --kernel IMG (or --deb) to run in a guest, or --local");
	if (!o->local && !o->accel && config_get()->accel[0])
		o->accel = config_get()->accel;
	if (o->local && !o->inside && !o->stress_ok)
		die("run: --local stresses this machine's memory; add --i-understand-this-stresses-the-host if it is a dedicated test box");
	if (guest) {
		static struct kernel_pkg kp; /* o->kernel points into it */
		char err[512];

		if (kernel_resolve(&o->kernel, &o->modules, o->debs.n, &kp, err,
				   sizeof(err)) < 0)
			die("run: %s", err);
	}
	return guest;
}

/* The release of the kernel under test: the guest's, or this machine's */
static const char *kernel_release(const struct run_opts *o, bool guest,
				  struct vm_kernel *k, struct utsname *un)
{
	char err[600];
	int i;

	if (guest) {
		struct vm_cfg c = { .kernel = o->kernel,
				    .modules = o->modules };

		for (i = 0; i < o->debs.n && i < VM_MAX_DEBS; i++)
			c.debs[c.ndebs++] = o->debs.v[i];
		if (vm_prepare_kernel(&c, k, err, sizeof(err)))
			die("run: %s", err);
		return k->release;
	}
	uname(un);
	return un->release;
}

/* The results directory: --out, or results/SCENARIO/<kernel>/<UTC> */
static void results_base(const struct run_opts *o, const struct scenario *sc,
			 const char *release, const char *stamp, char *base,
			 size_t len)
{
	if (o->out) {
		if (mkdir_p(o->out, 0755) || !realpath(o->out, base))
			die("run: --out %s: %s", o->out, strerror(errno));
	} else {
		char rel[600], cwd[2048];

		if (!getcwd(cwd, sizeof(cwd)))
			die("run: getcwd: %s", strerror(errno));
		pathf(rel, sizeof(rel), "results/%s/%s/%s", sc->name, release,
		      stamp);
		pathf(base, len, "%s/%s", cwd, rel);
	}
}

/* Runs the scenario --runs times under @base; returns the exit code */
static int run_all(struct scenario *sc, const struct run_opts *o, bool guest,
		   struct vm_kernel *k, const char *base, int argc, char **argv)
{
	char dir[4200], line[1100];
	int i, ret = 0, rc, nrep = 0;

	for (i = 1; i <= o->runs && !stop; i++) {
		if (o->runs == 1)
			pathf(dir, sizeof(dir), "%s", base);
		else
			pathf(dir, sizeof(dir), "%s/run-%d", base, i);
		out_dir_check("run: ", dir, "meta.json",
			      "already holds results; choose another --out",
			      false);
		write_reproduce(dir, argc, argv);
		if (o->runs > 1)
			fprintf(stderr, "mmrepro run: %s run %d of %d\n",
				sc->name, i, o->runs);
		if (guest)
			rc = one_in_guest(sc, o, dir, k);
		else
			rc = run_here(sc, dir, o->quiet, false, &stop);
		read_verdict(dir, line, sizeof(line));
		printf("%s: %s\n", dir, line);
		fflush(stdout);
		nrep += rc == EXIT_REPRODUCED;
		if (rc == EXIT_INFRA || (rc > ret && ret != EXIT_INFRA))
			ret = rc;
	}
	if (o->runs > 1)
		printf("%s: reproduced %d of %d\n", sc->name, nrep, o->runs);
	return nrep && ret != EXIT_INFRA && ret != EXIT_ERROR ?
		       EXIT_REPRODUCED :
		       ret;
}

/*
 * --runs N -j M in guests: the runs as a plan of one side (plan.h), M
 * at once, each guest on CPUs of its own; returns the exit code as
 * run_all() does
 */
static int run_parallel(struct scenario *sc, struct run_opts *o,
			const char *base)
{
	struct plan_side side = { .label = "run" };
	struct plan p = { .cmd = "run",
			  .scen = sc->path,
			  .dir = base,
			  .accel = o->accel,
			  .quiet = o->quiet,
			  .jobs = o->jobs,
			  .shares = &o->shares,
			  .nsides = 1,
			  .side = &side };
	char dir[4200], line[1100];
	int i, ret = 0, rc, nrep = 0;

	pathf(side.dir, sizeof(side.dir), "%s", base);
	side.sp.kernel = o->kernel;
	side.sp.modules = o->modules;
	side.sp.debs = o->debs;
	side.sp.sets = o->sets;
	side.sp.cpus = sc->cpus;
	side.sp.mem = sc->mem;
	plan_dirs(&p);
	plan_signals();
	fprintf(stderr, "mmrepro run: %s, %d runs, %d at once, into %s\n",
		sc->name, o->runs, o->jobs, base);
	plan_run(&p, 1, o->runs);
	for (i = 1; i <= side.runs; i++) {
		pathf(dir, sizeof(dir), "%s/run-%d", base, i);
		read_verdict(dir, line, sizeof(line));
		printf("%s: %s\n", dir, line);
		rc = i < side.nstatus && side.status[i] >= 0 ? side.status[i] :
							       EXIT_ERROR;
		/* a child that did not exec (127) or was killed */
		if (rc > EXIT_INFRA)
			rc = EXIT_ERROR;
		nrep += rc == EXIT_REPRODUCED;
		if (rc == EXIT_INFRA || (rc > ret && ret != EXIT_INFRA))
			ret = rc;
	}
	printf("%s: reproduced %d of %d\n", sc->name, nrep, o->runs);
	free(side.status);
	if (plan_stopped())
		return EXIT_ERROR;
	return nrep && ret != EXIT_INFRA && ret != EXIT_ERROR ?
		       EXIT_REPRODUCED :
		       ret;
}

int cmd_run(int argc, char **argv)
{
	static const struct cmd_usage u = {
		.synopsis =
			"SCENARIO [--kernel IMG [--modules DIR | --deb PKG...] | --kernel NAME\n"
			"       | --local] [--accel kvm|tcg] [--share DIR...] [--runs N [-j N]] [--set KEY=VALUE...]\n"
			"       [--out DIR] [--quiet]\n"
			"   or: mmrepro run SCENARIO --rejudge DIR [--set KEY=VALUE...]",
		.summary =
			"Run a scenario (configs/SCENARIO.ini, or a path): boot the kernel\n"
			"under test in QEMU and run the scenario inside, or with --local run\n"
			"it on this machine. Every change to the system goes through a\n"
			"journal and is undone at the end, on SIGINT/SIGTERM, and after a\n"
			"crash of the runner at its next start. Results: DIR (default\n"
			"results/SCENARIO/<kernel>/<UTC>) with meta.json, samples/,\n"
			"derived.csv, phases/, summary.json and verdict.\n\n"
			"Exit: 1 reproduced, 0 not reproduced or not applicable, 2 error,\n"
			"3 the guest did not come up.",
		.permute = true,
	};
	struct run_opts o = { .runs = 1, .jobs = -1 };
	const struct opt opts[] = {
		OPT_STR('k', "kernel", &o.kernel, "IMG|NAME",
			"boot this image, or this Debian kernel (6.18, 7.2.13)"),
		OPT_STR(0, "modules", &o.modules, "DIR",
			"its modules (lib/modules/<release>)"),
		OPT_STRLIST(0, "deb", &o.debs, "PKG",
			    "Debian kernel package(s) for image and modules"),
		OPT_STR(0, "accel", &o.accel, "kvm|tcg", "QEMU accelerator"),
		OPT_STRLIST(
			0, "share", &o.shares, "DIR",
			"show the guest this host directory too, read-only (repeatable)"),
		OPT_BOOLEAN(0, "local", &o.local,
			    "run on this machine instead of a guest"),
		OPT_BOOLEAN(0, "i-understand-this-stresses-the-host",
			    &o.stress_ok, "required with --local"),
		OPT_INTEGER('n', "runs", &o.runs, "N",
			    "repeat N times into DIR/run-1..N"),
		OPT_INTEGER(
			'j', "jobs", &o.jobs, "N",
			"with --runs, guests at once, each on its own CPUs (default: what the machine holds)"),
		OPT_STRLIST(
			's', "set", &o.sets, "KEY=VALUE",
			"override a scenario key (e.g. sysctl.vm.swappiness=10)"),
		OPT_STR('o', "out", &o.out, "DIR", "results directory"),
		OPT_BOOLEAN('q', "quiet", &o.quiet, "no live view"),
		OPT_STR(0, "rejudge", &o.rejudge, "DIR",
			"judge a finished run again with this scenario"),
		OPT_BOOLEAN(0, "inside", &o.inside,
			    "(internal) the run inside a guest"),
		OPT_TABLE_END,
	};
	struct scenario *sc = calloc(1, sizeof(*sc));
	char base[4096], stamp[32];
	const char *release;
	struct vm_kernel k;
	struct utsname un;
	struct sigaction sa;
	int i = opt_parse(argc, argv, "run", &u, opts), ret;
	bool guest;

	if (i >= argc)
		die("run: no scenario (see 'mmrepro list')");
	if (i + 1 < argc)
		die("run: unexpected argument '%s'", argv[i + 1]);
	load(sc, argv[i], &o);
	if (o.rejudge)
		return judge_again(sc, o.rejudge);
	guest = check_opts(&o);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (o.inside)
		return run_here(sc, o.out, o.quiet, true, &stop);

	release = kernel_release(&o, guest, &k, &un);
	utc_stamp(stamp, sizeof(stamp));
	results_base(&o, sc, release, stamp, base, sizeof(base));
	if (guest && o.runs > 1 && o.jobs != 1) {
		struct plan_side side = { .sp = { .cpus = sc->cpus,
						  .mem = sc->mem } };
		struct plan p = { .nsides = 1, .side = &side, .quiet = true };

		plan_jobs("run", &p, o.jobs);
		o.jobs = p.jobs;
	}
	if (guest && o.runs > 1 && o.jobs > 1)
		ret = run_parallel(sc, &o, base);
	else
		ret = run_all(sc, &o, guest, &k, base, argc, argv);
	free(sc);
	return ret;
}
