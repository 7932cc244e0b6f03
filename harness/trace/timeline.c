// SPDX-License-Identifier: GPL-2.0
/*
 * The per-interval timeline (trace/timeline.csv), whose series join
 * derived.csv for metrics and verdicts.  The core keeps the bins'
 * geometry; each group keeps its own bins and names its columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

/* the largest bin a group may have: what a bin past its last reads as */
#define MAX_BIN 256

void trace_timeline_set(struct trace_state *st, uint64_t t0, uint64_t step)
{
	st->tl_t0 = t0;
	st->tl_step = step;
}

void *trace_tl_bin(struct trace_state *st, struct trace_tl *tl, size_t size,
		   uint64_t ts)
{
	size_t k, n;

	if (!st->tl_step || ts < st->tl_t0)
		return NULL;
	if (size > MAX_BIN)
		die("trace: a timeline bin of %zu bytes", size);
	k = (size_t)((ts - st->tl_t0) / st->tl_step);
	if (k >= tl->cap) {
		n = k + 1 > tl->cap * 2 ? k + 1 : tl->cap * 2;
		tl->bins = realloc(tl->bins, n * size);
		if (!tl->bins)
			die("out of memory");
		memset(tl->bins + tl->cap * size, 0, (n - tl->cap) * size);
		tl->cap = n;
	}
	if (k >= st->ntl)
		st->ntl = k + 1;
	return tl->bins + k * size;
}

const void *trace_tl_row(const struct trace_tl *tl, size_t size, size_t k)
{
	static const unsigned char zero[MAX_BIN];

	return k < tl->cap ? tl->bins + k * size : zero;
}

const char *trace_timeline_group(const char *col)
{
	const struct trace_group_ops *g;
	size_t i, c;

	for (i = 0; i < trace_ngroups; i++) {
		g = trace_group_table[i];
		for (c = 0; c < g->ntl_cols; c++)
			if (!strcmp(g->tl_cols[c].name, col))
				return g->name;
	}
	return NULL;
}

const char *trace_timeline_col(size_t n)
{
	size_t i;

	for (i = 0; i < trace_ngroups; i++) {
		if (n < trace_group_table[i]->ntl_cols)
			return trace_group_table[i]->tl_cols[n].name;
		n -= trace_group_table[i]->ntl_cols;
	}
	return NULL;
}

/* The group has columns and was traced */
static bool group_on(const struct trace_state *st, size_t g)
{
	return trace_group_table[g]->ntl_cols &&
	       trace_group_present(st, trace_group_table[g]->name);
}

bool trace_timeline_wanted(const struct trace_state *st)
{
	size_t g;

	for (g = 0; g < trace_ngroups; g++)
		if (group_on(st, g))
			return true;
	return false;
}

static void write_row(FILE *f, const struct trace_state *st, const bool *on,
		      size_t k, double step)
{
	const struct trace_group_ops *ops;
	size_t g, c;

	fprintf(f, "%.3f", (double)(k + 1) * step / NSEC_PER_SEC);
	for (g = 0; g < trace_ngroups; g++) {
		ops = trace_group_table[g];
		for (c = 0; on[g] && c < ops->ntl_cols; c++)
			fprintf(f, ",%.*f", ops->tl_cols[c].prec,
				ops->tl_cols[c].val(st->gs[g], k, step));
	}
	fputc('\n', f);
}

/*
 * The columns of the groups that were traced: a column of a group that
 * was not would read 0, which is not what happened
 */
int trace_timeline_csv(const struct trace_state *st, const char *path)
{
	double step = (double)st->tl_step;
	bool on[TRACE_MAX_GROUPS];
	size_t g, c, k, n = st->ntl;
	struct afile a;
	int ret;

	if (!st->tl_step || !trace_timeline_wanted(st))
		return 0;
	/* quiet bins up to the end of the trace are rows too */
	if (st->t1 > st->tl_t0 && (st->t1 - st->tl_t0) / st->tl_step > n)
		n = (size_t)((st->t1 - st->tl_t0) / st->tl_step);
	ret = afile_open(&a, path);
	if (ret)
		return ret;
	fputs("t", a.f);
	for (g = 0; g < trace_ngroups; g++) {
		on[g] = group_on(st, g);
		for (c = 0; on[g] && c < trace_group_table[g]->ntl_cols; c++)
			fprintf(a.f, ",%s",
				trace_group_table[g]->tl_cols[c].name);
	}
	fputc('\n', a.f);
	for (k = 0; k < n; k++)
		write_row(a.f, st, on, k, step);
	return afile_commit(&a);
}
