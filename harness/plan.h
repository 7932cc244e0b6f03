/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_PLAN_H
#define MMREPRO_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"
#include "opt.h"
#include "rundata.h"

/*
 * A plan: runs of one scenario on several sides (A and B for ab, a
 * kernel or a parameter value each for sweep, one kernel per step for
 * bisect), taken round-robin so that a drift of the host hits every side
 * alike.  Each run is `mmrepro run' as a child process, into
 * SIDE_DIR/run-K, with its output in SIDE_DIR/run-K.log and its start
 * and end in DIR/CMD.log.
 */

/*
 * What a side runs: kernel=IMG|NAME,deb=PKG,modules=DIR,set=KEY=VALUE,
 * A comma starts a new item only before one of these keys, so a value
 * may hold commas (set=phase.x.cmd=a,b).
 */
struct plan_spec {
	const char *kernel, *modules;
	struct opt_list debs, sets;
	char *buf;
	struct kernel_pkg *pkg; /* kernel=NAME, once fetched */
	int cpus; /* the guest's, as the scenario says (plan_spec_check) */
	uint64_t mem;
};

int plan_spec_parse(const char *arg, struct plan_spec *sp, char *err,
		    size_t elen);
bool plan_spec_has_kernel(const struct plan_spec *sp);
/*
 * kernel=NAME (6.18, 7.2.13): fetch it, and run its image with its
 * modules; nothing for an image.  -1 with the reason.
 */
int plan_spec_fetch(struct plan_spec *sp, char *err, size_t elen);
/* all (--set for every side) before sp's own set=, which so win */
int plan_spec_common_sets(struct plan_spec *sp, const struct opt_list *all);
/*
 * The scenario loads with the side's set= values, else dies naming
 * it; and sets sp's guest vCPUs and memory
 */
void plan_spec_check(const char *cmd, const char *scen, struct plan_spec *sp,
		     const char *side);
void plan_spec_free(struct plan_spec *sp);

struct plan_side {
	char label[64]; /* "A", "6.18", "mem=1G": in progress and logs */
	char dir[RD_PATH_MAX]; /* its runs: dir/run-K */
	struct plan_spec sp;
	int runs; /* run-1..runs started */
	int *status; /* status[K]: run-K's exit status, -1 not ended */
	int nstatus;
};

struct plan {
	const char *cmd; /* "ab", "sweep", "bisect" */
	const char *scen, *dir, *accel;
	bool local, quiet;
	int jobs; /* -j: runs at once, each guest on CPUs of its own */
	const struct opt_list *shares; /* --share of run; or NULL */
	/* --engine: local (NULL) or slurm, with its options */
	const char *engine, *partition, *sbatch_args;
	int retries; /* slurm: a lost task's resubmissions */
	int nsides;
	struct plan_side *side;
	/* progress: runs done, of total, and the time they took */
	int done, total;
	int64_t done_ns;
};

/*
 * What this machine holds at once: its CPUs / the guest's vCPUs, at
 * most MemAvailable / (the guest's memory + 256 MiB), at least 1; 1
 * with --local.  why: the figures.  After plan_spec_check() of every
 * side.
 */
int plan_jobs_default(const struct plan *p, char *why, size_t wlen);
/*
 * p->jobs from -j (-1: plan_jobs_default(), said on stderr unless
 * quiet); dies on a bad N
 */
void plan_jobs(const char *cmd, struct plan *p, int jobs);
/* SIGINT and SIGTERM stop the plan after the run (which tears down) */
void plan_signals(void);
bool plan_stopped(void);
/*
 * Runs K = from..to of every side, K by K and side by side, p->jobs
 * at once (each on its own CPUs when more than 1); stops every run on a
 * signal.  Each outcome is on stderr.  Returns the runs done.
 */
int plan_run(struct plan *p, int from, int to);
/*
 * -j and the engine's options, one set for every command that runs a
 * plan (stress-ng's way: the same option means the same everywhere)
 */
struct plan_engine_opts {
	const char *engine, *partition, *sbatch_args;
	int jobs, retries;
};

#define PLAN_ENGINE_OPTS_INIT            \
	{                                \
		.jobs = -1, .retries = 2 \
	}
#define PLAN_OPT_JOBS(eo)                                   \
	OPT_INTEGER('j', "jobs", &(eo)->jobs, "N",          \
		    "guests at once, each on its own CPUs " \
		    "(default: what the machine holds)")
#define PLAN_OPT_ENGINE(eo)                                \
	OPT_STR(0, "engine", &(eo)->engine, "local|slurm", \
		"where the runs go (default local)")
#define PLAN_OPT_PARTITION(eo) \
	OPT_STR(0, "partition", &(eo)->partition, "P", "slurm: the partition")
#define PLAN_OPT_SBATCH_ARGS(eo)                              \
	OPT_STR(0, "sbatch-args", &(eo)->sbatch_args, "ARGS", \
		"slurm: more sbatch options, space-separated")
#define PLAN_OPT_RETRIES(eo)                           \
	OPT_INTEGER(0, "retries", &(eo)->retries, "N", \
		    "slurm: resubmit a lost task N times (default 2)")

/* eo checked, against --local too; dies naming the problem */
void plan_engine_check(const char *cmd, const struct plan_engine_opts *eo,
		       bool local);
/* p's engine from eo; the local one's -j through plan_jobs() */
void plan_engine_set(const char *cmd, struct plan *p,
		     const struct plan_engine_opts *eo);
/* --engine NAME is one of the table's */
bool plan_engine_known(const char *name);
/* The engine "slurm" (engine-slurm.c): the runs as a job array */
int plan_run_slurm(struct plan *p, int from, int to);

/* For the engines: argv of `mmrepro run' for one run of a side into run */
void plan_run_argv(char **argv, char *self, const struct plan *p,
		   const struct plan_spec *sp, char *run);
/*
 * For the engines: run-K of side s ended with exit status st after ns:
 * recorded in the side, counted, logged, its meta.json completed
 */
void plan_ended(struct plan *p, int s, int k, int st, int64_t ns);
/* "reproduced", "error", ... for an exit status */
const char *plan_exit_name(int st);
/* A line to DIR/CMD.log, stamped with UTC time */
void plan_log(const struct plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * A short label for a kernel: a name as it is, an image by its file
 * name, or for DIR/bzImage (ci/build-kernel.sh) by DIR's name
 */
void plan_kernel_label(const char *kernel, char *out, size_t len);
/*
 * The points of sweep and bisect: "V1,V2,..." or, keyed, "KEY=V1,V2,..."
 * split into v (at most max, at least 2; in a malloc'd copy of arg, to
 * which *key points when keyed); dies naming the problem.  The count.
 */
int plan_points(const char *cmd, const char *arg, bool keyed, char **key,
		char **v, int max);
/*
 * A side for one point: VALUE is a kernel (key NULL), or the value of
 * KEY on kernel (NULL: --local); --set values first, so the point's own
 * wins; labelled by the kernel (plan_kernel_label) or "KEY=VALUE", in
 * DIR/LABEL (made safe)
 */
void plan_point(const char *cmd, struct plan_side *sd, const char *key,
		const char *value, const char *kernel,
		const struct opt_list *sets, const char *dir);
/* --out, or results/SCENARIO/CMD-<UTC> (SCENARIO: its name) */
void plan_out_dir(const char *cmd, const char *scen, const char *out,
		  char dir[RD_PATH_MAX]);
/* The side directories made; dies if one already holds runs */
void plan_dirs(const struct plan *p);

#endif
