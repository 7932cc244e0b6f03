// SPDX-License-Identifier: GPL-2.0
/*
 * A sweep's figures: each point's runs, and each step between adjacent
 * points, from compare_load() on every pair, so that a step's p is the
 * same test `mmrepro compare' makes.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "sweep.h"
#include "util.h"

const struct sweep_format sweep_formats[] = {
	{ "text", "txt", sweep_write_text },
	{ "md", "md", sweep_write_md },
	{ "json", "json", sweep_write_json },
	{ "ktap", "ktap", sweep_write_ktap },
	{ NULL, NULL, NULL },
};

/* Metric name's index in comparison c, or -1 */
static int metric_in(const struct comparison *c, const char *name)
{
	int i;

	for (i = 0; i < c->nm; i++)
		if (!strcmp(c->m[i].name, name))
			return i;
	return -1;
}

static void value_at(struct sweep_value *v, const double *x, size_t n)
{
	v->n = n;
	v->v = x;
	v->median = v->lo = v->hi = NAN;
	v->coverage = 0;
	if (!n)
		return;
	v->median = stats_median(x, n);
	stats_median_ci(x, n, SWEEP_CI_LEVEL, &v->lo, &v->hi, &v->coverage);
}

/* The metrics of every step, by the first step's list */
static int sweep_metrics(struct sweep *s)
{
	const struct comparison *c0 = s->cmp[0];
	int i, j, k;

	s->m = calloc((size_t)c0->nm + 1, sizeof(*s->m));
	if (!s->m)
		return -1;
	for (i = 0; i < c0->nm; i++) {
		struct sweep_metric *sm = &s->m[s->nm++];

		sm->m = &c0->m[i];
		sm->at = calloc((size_t)s->np, sizeof(*sm->at));
		sm->step = calloc((size_t)s->np, sizeof(*sm->step));
		if (!sm->at || !sm->step)
			return -1;
		for (j = 0; j < s->np; j++) {
			/* point j is side A of step j, or B of the last */
			const struct comparison *c =
				s->cmp[j < s->np - 1 ? j : j - 1];
			int side = j < s->np - 1 ? 0 : 1;

			k = metric_in(c, sm->m->name);
			if (k < 0) {
				value_at(&sm->at[j], NULL, 0);
				continue;
			}
			value_at(&sm->at[j], c->m[k].v[side], c->m[k].n[side]);
			if (j < s->np - 1)
				sm->step[j] = &c->m[k];
		}
	}
	return 0;
}

struct sweep *sweep_load(const char *axis, int runs,
			 const struct sweep_point *pts, int np, char *err,
			 size_t elen)
{
	struct sweep *s;
	int i;

	if (np < 2) {
		snprintf(err, elen, "a sweep needs at least 2 points");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	snprintf(s->axis, sizeof(s->axis), "%s", axis);
	s->runs = runs;
	s->np = np;
	s->pt = calloc((size_t)np, sizeof(*s->pt));
	s->cmp = calloc((size_t)np, sizeof(*s->cmp));
	if (!s->pt || !s->cmp) {
		sweep_free(s);
		return NULL;
	}
	memcpy(s->pt, pts, (size_t)np * sizeof(*pts));
	for (i = 0; i + 1 < np; i++) {
		s->cmp[i] = compare_load(pts[i].dir, pts[i + 1].dir, err, elen);
		if (!s->cmp[i]) {
			sweep_free(s);
			return NULL;
		}
		s->pt[i].side = &s->cmp[i]->side[0];
	}
	s->pt[np - 1].side = &s->cmp[np - 2]->side[1];
	snprintf(s->scenario, sizeof(s->scenario), "%s", s->cmp[0]->scenario);
	if (sweep_metrics(s)) {
		snprintf(err, elen, "out of memory");
		sweep_free(s);
		return NULL;
	}
	return s;
}

void sweep_free(struct sweep *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->nm; i++) {
		free(s->m[i].at);
		free(s->m[i].step);
	}
	free(s->m);
	for (i = 0; s->cmp && i + 1 < s->np; i++)
		if (s->cmp[i])
			compare_free(s->cmp[i]);
	for (i = 0; i < s->nplots; i++)
		free(s->plots[i]);
	free(s->plots);
	free(s->cmp);
	free(s->pt);
	free(s);
}

int sweep_usable(const struct sweep *s, int i)
{
	return cmp_usable(s->pt[i].side);
}

bool sweep_not_applicable(const struct sweep *s, int i)
{
	const struct cmp_side *sd = s->pt[i].side;

	return sd->not_applicable > 0 && sd->not_applicable == sd->set.n;
}

int sweep_exit(const struct sweep *s)
{
	int i;

	for (i = 0; i < s->np; i++)
		if (sweep_usable(s, i) < 2 && !sweep_not_applicable(s, i))
			return 3;
	return 0;
}
