/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MMREPRO_RUNDATA_H
#define MMREPRO_RUNDATA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Reading finished runs back: the run directories under a path, their
 * summary.json, meta.json, verdict, vm.json and reproduce.sh, and
 * derived.csv as a table.  Used by compare, ab, report and the plots.
 */

#define RD_PATH_MAX 4352

struct csv {
	int ncols;
	char **names;
	size_t nrows;
	double *v; /* nrows x ncols, NAN for an empty cell */
};

/* 0 or -errno; a link or a file that is not regular is refused aloud */
int csv_load(struct csv *t, const char *path);
int csv_col(const struct csv *t, const char *name); /* -1: none */
void csv_free(struct csv *t);
/*
 * The run DIR's tracer series (trace/timeline.csv, when it traced)
 * joined to T (its derived.csv) by time: each row takes the intervals
 * that ended since the row before, averaged (the maximum for a *max*
 * series); nothing when there is no timeline
 */
void csv_join_trace(struct csv *t, const char *dir);

static inline double csv_at(const struct csv *t, size_t row, int col)
{
	return t->v[row * (size_t)t->ncols + (size_t)col];
}

struct rd_run {
	char *dir;
	json_t *summary; /* never NULL */
	json_t *meta; /* NULL when there is no meta.json */
	char verdict[32]; /* reproduced, not-reproduced, ..., or unknown */
	char *reason; /* the rest of the verdict line, or "" */
	char accel[16]; /* kvm, tcg (vm.json), or local */
	int argc; /* reproduce.sh, split into words; 0 without one */
	char **argv;
};

struct rd_set {
	char *arg; /* as given */
	int n;
	struct rd_run *run;
	/* run directories (with a meta.json) without a summary.json */
	int unfinished;
	char *first_unfinished;
};

/*
 * The runs at PATH: PATH itself when it holds a summary.json, else every
 * directory below it (4 levels at most) that holds one, in version
 * order (run-2 before run-10).  0, or -1 with "FILE: why" in err for a
 * missing path, no runs, or an empty or corrupt summary.json/meta.json.
 */
int rd_load(struct rd_set *s, const char *path, char *err, size_t elen);
/*
 * A JSON file of a results directory, through open_regular() (see
 * util.h): NULL with errno (EBADMSG: not JSON; je, if given, says
 * where), and nothing on stderr.
 */
json_t *json_load_regular(const char *path, json_error_t *je);
void rd_free(struct rd_set *s);

const char *rd_scenario(const struct rd_run *r); /* "" if unknown */
const char *rd_meta_str(const struct rd_run *r, const char *a, const char *b);
/* summary.json metrics.NAME.value; 0 when it is a number */
int rd_metric(const struct rd_run *r, const char *name, double *v);
/*
 * The next value of an option in reproduce.sh (--LOPT V, --LOPT=V or
 * -SOPT V; SOPT may be 0) after cursor *k (start it at 0), or NULL: all
 * of them in one pass over the run's words
 */
const char *rd_arg_next(const struct rd_run *r, const char *lopt, char sopt,
			int *k);
/* A run's phase window from meta.json; 0 when the phase ran */
int rd_phase(const struct rd_run *r, const char *name, double *from,
	     double *to);

#endif
