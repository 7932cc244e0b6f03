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

void trace_timeline_set(struct trace_state *st, uint64_t t0, uint64_t step)
{
	st->tl_t0 = t0;
	st->tl_step = step;
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
