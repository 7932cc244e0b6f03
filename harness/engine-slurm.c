// SPDX-License-Identifier: GPL-2.0
/*
 * The engine "slurm" of a plan (plan.h): every run of the plan is one
 * index of a Slurm job array (sbatch --array), in the plan's order, A B
 * A B, so that the cluster's drift hits both sides alike.  Slurm does
 * the scheduling; this file writes the plan and the task script, submits,
 * watches squeue, and resubmits what was lost.
 *
 * DIR/slurm/plan.json   every run: index, side, run directory, argv
 * DIR/slurm/task.sh     the array's script: index -> `mmrepro run'
 * DIR/slurm/J_I.out     Slurm's output of a task (the run's is in its log)
 *
 * A task writes its exit status to SIDE/run-K.exit when its run ended by
 * itself.  One cancelled, preempted, or lost with its node writes none;
 * one whose guest failed for infrastructure reasons writes 3, and one
 * whose run was killed 128+N: all are resubmitted (the attempt kept in DIR/slurm/lost) up to --retries
 * times, and never counted as a result.
 *
 * DIR must be on storage every node sees, at the same path, and so must
 * this binary and the cache of kernels and initramfs images, which are
 * made here before submitting.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmrepro.h"
#include "plan.h"
#include "results.h"
#include "util.h"
#include "vm.h"

#define SLURM_POLL_US 1000000
#define SLURM_MAX_ARGS 32

struct entry {
	int s, k, attempt;
	bool submitted, ended, started;
	int64_t t0;
};

static void entry_paths(const struct plan *p, const struct entry *e, char *run,
			char *log, char *ex)
{
	const char *d = p->side[e->s].dir;

	pathf(run, RD_PATH_MAX, "%s/run-%d", d, e->k);
	pathf(log, RD_PATH_MAX, "%s/run-%d.log", d, e->k);
	pathf(ex, RD_PATH_MAX, "%s/run-%d.exit", d, e->k);
}

/* a side's kernel and --set values, as plan.json gives them */
static void plan_json_spec(json_t *je, const struct plan_spec *sp)
{
	json_t *sets = json_array();
	int i;

	if (sp->kernel)
		json_object_set_new(je, "kernel", json_string(sp->kernel));
	for (i = 0; i < sp->sets.n; i++)
		json_array_append_new(sets, json_string(sp->sets.v[i]));
	json_object_set_new(je, "set", sets);
}

/* DIR/slurm/plan.json and DIR/slurm/task.sh for entries e[0..n) */
static void write_plan(struct plan *p, const struct entry *e, int n,
		       const char *sdir)
{
	char self[4096], run[RD_PATH_MAX], log[RD_PATH_MAX], ex[RD_PATH_MAX];
	char path[RD_PATH_MAX];
	char *argv[16 + 2 * OPT_LIST_MAX * 3];
	json_t *j = json_object(), *arr = json_array();
	struct afile a;
	int i, t, ret;

	self_exe(self, sizeof(self));
	pathf(path, sizeof(path), "%s/task.sh", sdir);
	ret = afile_open(&a, path);
	if (ret)
		die("%s: %s: %s", p->cmd, path, strerror(-ret));
	fprintf(a.f,
		"#!/bin/sh\n"
		"# mmrepro %s: one run of the plan (plan.json) per array index.\n"
		"# The exit status goes beside the run's log only when the run\n"
		"# ended by itself: a task cancelled, preempted or lost leaves\n"
		"# none, and mmrepro runs it again.\n"
		"trap 'exit 143' TERM INT HUP\n"
		"case \"${SLURM_ARRAY_TASK_ID:-}\" in\n",
		p->cmd);
	for (i = 0; i < n; i++) {
		json_t *je = json_object(), *ja = json_array();

		entry_paths(p, &e[i], run, log, ex);
		plan_run_argv(argv, self, p, &p->side[e[i].s].sp, run);
		fprintf(a.f, "%d)\n\tlog=", i);
		sh_quote(a.f, log);
		fputs(" ex=", a.f);
		sh_quote(a.f, ex);
		fputs("\n\tset --", a.f);
		for (t = 0; argv[t]; t++) {
			fputc(' ', a.f);
			sh_quote(a.f, argv[t]);
			json_array_append_new(ja, json_string(argv[t]));
		}
		fputs("\n\t;;\n", a.f);
		json_object_set_new(je, "index", json_integer(i));
		json_object_set_new(je, "side",
				    json_string(p->side[e[i].s].label));
		json_object_set_new(je, "run", json_integer(e[i].k));
		plan_json_spec(je, &p->side[e[i].s].sp);
		json_object_set_new(je, "dir", json_string(run));
		json_object_set_new(je, "argv", ja);
		json_array_append_new(arr, je);
	}
	fputs("*)\n\techo \"task.sh: no run for index '${SLURM_ARRAY_TASK_ID:-}'\" >&2\n"
	      "\texit 2\n\t;;\nesac\n"
	      "\"$@\" >\"$log\" 2>&1\n"
	      "rc=$?\n"
	      "echo \"$rc\" >\"$ex.tmp\" && mv -f \"$ex.tmp\" \"$ex\"\n"
	      "exit \"$rc\"\n",
	      a.f);
	fchmod(fileno(a.f), 0755);
	ret = afile_commit(&a);
	if (ret)
		die("%s: %s: %s", p->cmd, path, strerror(-ret));
	json_object_set_new(j, "command", json_string(p->cmd));
	json_object_set_new(j, "scenario", json_string(p->scen));
	json_object_set_new(j, "engine", json_string("slurm"));
	json_object_set_new(j, "runs", arr);
	if (json_save(j, sdir, "plan.json"))
		die("%s: %s/plan.json: cannot write it", p->cmd, sdir);
	json_decref(j);
}

/*
 * sbatch of the entries not yet ended, as one array; the job id, or
 * dies with sbatch's reason
 */
static long submit_array(struct plan *p, struct entry *e, int n,
			 const char *sdir)
{
	char list[8192], outp[RD_PATH_MAX], task[RD_PATH_MAX], cpt[32], mem[32];
	char *argv[16 + SLURM_MAX_ARGS], *out = NULL, *extra = NULL, *tok;
	char *save;
	size_t o = 0;
	long cpus = 1, id;
	uint64_t m = 0;
	int a = 0, i, st;

	for (i = 0; i < n && o < sizeof(list); i++) {
		e[i].submitted = !e[i].ended;
		if (e[i].submitted)
			o += (size_t)snprintf(list + o, sizeof(list) - o,
					      "%s%d", o ? "," : "", i);
	}
	if (o >= sizeof(list))
		die("%s: too many runs for one sbatch --array", p->cmd);
	for (i = 0; i < p->nsides; i++) {
		if (p->side[i].sp.cpus > cpus)
			cpus = p->side[i].sp.cpus;
		if (p->side[i].sp.mem > m)
			m = p->side[i].sp.mem;
	}
	pathf(outp, sizeof(outp), "%s/%%A_%%a.out", sdir);
	pathf(task, sizeof(task), "%s/task.sh", sdir);
	snprintf(cpt, sizeof(cpt), "--cpus-per-task=%ld", cpus);
	/* the guest's memory and QEMU's own */
	snprintf(mem, sizeof(mem), "--mem=%lluM",
		 (unsigned long long)((m >> 20) + 256));
	argv[a++] = "sbatch";
	argv[a++] = "--parsable";
	/*
	 * Slurm would requeue a task after a node failure or a preemption
	 * into the same run directory, or hold one whose launch failed;
	 * the engine resubmits instead, with the attempt set aside
	 */
	argv[a++] = "--no-requeue";
	argv[a++] = "--job-name";
	argv[a++] = (char *)p->cmd;
	argv[a++] = "--array";
	argv[a++] = list;
	argv[a++] = cpt;
	argv[a++] = mem;
	argv[a++] = "--output";
	argv[a++] = outp;
	if (p->partition) {
		argv[a++] = "--partition";
		argv[a++] = (char *)p->partition;
	}
	if (p->sbatch_args) {
		extra = strdup(p->sbatch_args);
		for (tok = strtok_r(extra, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save)) {
			if (a >= 14 + SLURM_MAX_ARGS)
				die("%s: --sbatch-args: at most %d words",
				    p->cmd, SLURM_MAX_ARGS);
			argv[a++] = tok;
		}
	}
	argv[a++] = task;
	argv[a] = NULL;
	st = run_capture(NULL, argv, &out, NULL);
	/* --parsable: "JOBID" or "JOBID;CLUSTER" */
	id = out ? strtol(out, &tok, 10) : 0;
	if (st || !out || tok == out || id <= 0)
		die("%s: sbatch failed (exit %d): %s", p->cmd, st,
		    out && *out ? strtok_r(out, "\n", &save) :
				  "no job id; see its message above");
	free(out);
	free(extra);
	plan_log(p, "submit job %ld array %s", id, list);
	fprintf(stderr, "%s: submitted Slurm job %ld, array %s\n", p->cmd, id,
		list);
	return id;
}

/*
 * squeue's view of job id: for every index it lists, whether it runs
 * (*running), and the count listed.  -1 when squeue failed.
 */
static int poll_job(long id, bool *running, int n)
{
	char jid[32], *out = NULL, *line, *save;
	char *argv[] = { "squeue", "-h", "-r",
			 "-j",	   jid,	 "-o",
			 "%K %t",  "-t", "PD,R,CG,CF,S,RQ,RS,SE,RD,RF,RH,SO,ST",
			 NULL };
	int st, idx, count = 0;
	char state[16];

	snprintf(jid, sizeof(jid), "%ld", id);
	memset(running, 0, (size_t)n * sizeof(*running));
	st = run_capture(NULL, argv, &out, "/dev/null");
	if (st) {
		free(out);
		return -1;
	}
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%d %15s", &idx, state) != 2 || idx < 0 ||
		    idx >= n)
			continue;
		count++;
		if (!strcmp(state, "R") || !strcmp(state, "CG"))
			running[idx] = true;
	}
	free(out);
	return count;
}

static void cancel(long id)
{
	char jid[32];
	char *argv[] = { "scancel", jid, NULL };

	snprintf(jid, sizeof(jid), "%ld", id);
	run_capture(NULL, argv, NULL, "/dev/null");
}

/* An entry's exit file: its status, or -1 when there is none */
static int read_exit(const struct plan *p, const struct entry *e)
{
	char run[RD_PATH_MAX], log[RD_PATH_MAX], ex[RD_PATH_MAX], *s;
	int st = -1;

	entry_paths(p, e, run, log, ex);
	s = read_regular(ex, 64, NULL);
	if (s) {
		char *end;
		long v = strtol(s, &end, 10);

		if (end != s && (*end == '\n' || !*end) && v >= 0 && v < 256)
			st = (int)v;
	}
	free(s);
	return st;
}

/*
 * A lost attempt, kept aside where no compare looks for runs:
 * DIR/slurm/lost/SIDE-run-K.attempt-N (SIDE: its directory's name), and
 * its log beside it
 */
static void set_aside(const struct plan *p, const struct entry *e,
		      const char *sdir)
{
	char run[RD_PATH_MAX], log[RD_PATH_MAX], ex[RD_PATH_MAX];
	char to[RD_PATH_MAX + 64], lost[RD_PATH_MAX];
	const char *side = strrchr(p->side[e->s].dir, '/');

	side = side ? side + 1 : p->side[e->s].dir;
	entry_paths(p, e, run, log, ex);
	pathf(lost, sizeof(lost), "%s/lost", sdir);
	if (mkdir_p(lost, 0755))
		die("%s: %s: %s", p->cmd, lost, strerror(errno));
	pathf(to, sizeof(to), "%s/%s-run-%d.attempt-%d", lost, side, e->k,
	      e->attempt);
	if (rename(run, to) && errno != ENOENT)
		die("%s: %s: cannot move it aside: %s", p->cmd, run,
		    strerror(errno));
	pathf(to, sizeof(to), "%s/%s-run-%d.attempt-%d.log", lost, side, e->k,
	      e->attempt);
	rename(log, to);
	unlink(ex);
}

/*
 * Each side's kernel unpacked and its initramfs built, here and once,
 * into the cache the tasks will find (shared storage on a fleet)
 */
static void prepare(struct plan *p)
{
	char why[1024], path[4200], *cache, *mods = NULL;
	struct vm_kernel k;
	int s, i;

	if (p->local)
		die("%s: --engine slurm runs guests: not with --local", p->cmd);
	cache = vm_cache_dir("initramfs", why, sizeof(why));
	if (!cache)
		die("%s: %s", p->cmd, why);
	for (s = 0; s < p->nsides; s++) {
		const struct plan_spec *sp = &p->side[s].sp;
		struct vm_cfg c = { .kernel = sp->kernel,
				    .modules = sp->modules };

		for (i = 0; i < sp->debs.n && i < VM_MAX_DEBS; i++)
			c.debs[c.ndebs++] = sp->debs.v[i];
		if (vm_prepare_kernel(&c, &k, why, sizeof(why)) ||
		    vm_initramfs(&k, cache, path, sizeof(path), &mods, why,
				 sizeof(why)))
			die("%s: %s: %s", p->cmd, p->side[s].label, why);
		free(mods);
	}
	free(cache);
}

int plan_run_slurm(struct plan *p, int from, int to)
{
	int n = (to - from + 1) * p->nsides, i, k, s, left, bad = 0, misses;
	int cancelled_runs = 0;
	char sdir[RD_PATH_MAX];
	struct entry *e = calloc((size_t)n, sizeof(*e));
	bool *running = calloc((size_t)n, sizeof(*running));
	bool cancelled = false;
	char line[160], last[160] = "";
	long id;

	if (!e || !running)
		die("%s: out of memory", p->cmd);
	for (i = 0, k = from; k <= to; k++)
		for (s = 0; s < p->nsides; s++, i++) {
			e[i].s = s;
			e[i].k = k;
			e[i].attempt = 1;
			if (k > p->side[s].runs)
				p->side[s].runs = k;
		}
	p->total = p->done + n;
	pathf(sdir, sizeof(sdir), "%s/slurm", p->dir);
	if (mkdir_p(sdir, 0755))
		die("%s: %s: %s", p->cmd, sdir, strerror(errno));
	prepare(p);
	write_plan(p, e, n, sdir);
	for (left = n; left && !plan_stopped();) {
		id = submit_array(p, e, n, sdir);
		misses = 0;
		for (;;) {
			int c = poll_job(id, running, n);

			if (c < 0) {
				/* slurmctld busy or restarting: wait for it */
				if (++misses == 120)
					die("%s: squeue has failed for 2 minutes; job %ld may still run: see it with squeue, then '%s %s %s'",
					    p->cmd, id, p->cmd,
					    strcmp(p->cmd, "sweep") ?
						    "--collect" :
						    "--report",
					    p->dir);
				usleep(SLURM_POLL_US);
				continue;
			}
			misses = 0;
			for (i = 0; i < n; i++) {
				if (!e[i].submitted || e[i].ended)
					continue;
				if (running[i] && !e[i].started) {
					e[i].started = true;
					e[i].t0 = now_ns();
					plan_log(p,
						 "start %s run-%d (job %ld_%d)",
						 p->side[e[i].s].label, e[i].k,
						 id, i);
				}
			}
			if (c == 0)
				break;
			if (plan_stopped() && !cancelled) {
				cancel(id);
				cancelled = true;
			}
			snprintf(
				line, sizeof(line),
				"%s: Slurm job %ld: %d task(s) queued or running, %d of %d runs done",
				p->cmd, id, c, p->done, p->total);
			if (!p->quiet && isatty(2))
				fprintf(stderr, "\r\033[K%s", line);
			else if (!p->quiet && strcmp(line, last))
				fprintf(stderr, "%s\n", line);
			snprintf(last, sizeof(last), "%s", line);
			usleep(SLURM_POLL_US);
		}
		/* the array is over: what each task left */
		for (i = 0; i < n; i++) {
			int st;

			if (!e[i].submitted || e[i].ended)
				continue;
			st = read_exit(p, &e[i]);
			e[i].started = false;
			/* a run killed (OOM, a limit) is no result: as 3 */
			if (st >= 128)
				st = EXIT_INFRA;
			if (st >= 0 && st != EXIT_INFRA) {
				e[i].ended = true;
				left--;
				/* seen running by a poll, or not at all */
				plan_ended(p, e[i].s, e[i].k, st,
					   e[i].t0 ? now_ns() - e[i].t0 : 0);
				fprintf(stderr, "%s: %s run-%d: %s (exit %d)\n",
					p->cmd, p->side[e[i].s].label, e[i].k,
					plan_exit_name(st), st);
				continue;
			}
			e[i].t0 = 0;
			if (plan_stopped()) {
				/* cancelled by the interrupt: neither a result
				 * nor a loss, and not submitted again
				 */
				e[i].ended = true;
				left--;
				cancelled_runs++;
				plan_log(p, "cancelled %s run-%d",
					 p->side[e[i].s].label, e[i].k);
				continue;
			}
			if (e[i].attempt > p->retries) {
				/* given up: an infrastructure failure */
				e[i].ended = true;
				left--;
				bad++;
				plan_ended(p, e[i].s, e[i].k, EXIT_INFRA, 0);
				continue;
			}
			plan_log(
				p, "retry %s run-%d: attempt %d %s",
				p->side[e[i].s].label, e[i].k, e[i].attempt,
				st < 0 ?
					"left no exit status (cancelled, preempted or lost)" :
					"was an infrastructure failure");
			fprintf(stderr,
				"%s: %s run-%d: attempt %d %s; submitting it again\n",
				p->cmd, p->side[e[i].s].label, e[i].k,
				e[i].attempt,
				st < 0 ? "left no exit status" :
					 "was an infrastructure failure");
			set_aside(p, &e[i], sdir);
			e[i].attempt++;
		}
	}
	if (plan_stopped())
		warnx_("%s: interrupted after %d of %d runs; %d cancelled",
		       p->cmd, p->done, p->total, cancelled_runs);
	if (bad)
		warnx_("%s: %d run(s) lost after %d attempts each (logs: %s/*.out)",
		       p->cmd, bad, p->retries + 1, sdir);
	free(e);
	free(running);
	return n - bad;
}
