// SPDX-License-Identifier: GPL-2.0
/* compare --format json: every number, for machines */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "compare-formats.h"
#include "compare-print.h"
#include "util.h"

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *desc_json(const struct stats_desc *d, const double *v, size_t n)
{
	json_t *o = json_object(), *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_real(v[i]));
	json_object_set_new(o, "n", json_integer((json_int_t)d->n));
	json_object_set_new(o, "values", a);
	json_object_set_new(o, "median", num(d->median));
	json_object_set_new(o, "mean", num(d->mean));
	json_object_set_new(o, "sd", num(d->sd));
	json_object_set_new(o, "cov", num(d->cov));
	json_object_set_new(o, "min", num(d->min));
	json_object_set_new(o, "max", num(d->max));
	return o;
}

static json_t *side_json(const struct cmp_side *sd)
{
	json_t *o = json_object(), *runs = json_array();
	int i;

	for (i = 0; i < sd->set.n; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "dir", json_string(sd->set.run[i].dir));
		json_object_set_new(r, "verdict",
				    json_string(sd->set.run[i].verdict));
		json_object_set_new(r, "accel",
				    json_string(sd->set.run[i].accel));
		json_array_append_new(runs, r);
	}
	json_object_set_new(o, "path", json_string(sd->set.arg));
	json_object_set_new(o, "label", json_string(sd->label));
	json_object_set_new(o, "kernel", json_string(sd->releases));
	json_object_set_new(o, "accel", json_string(sd->accels));
	json_object_set_new(o, "n", json_integer(sd->set.n));
	json_object_set_new(o, "reproduced", json_integer(sd->reproduced));
	json_object_set_new(o, "not_reproduced",
			    json_integer(sd->not_reproduced));
	json_object_set_new(o, "not_applicable",
			    json_integer(sd->not_applicable));
	json_object_set_new(o, "error", json_integer(sd->error));
	if (sd->fp_runs) {
		json_t *fp = json_object();
		char b[512];

		cmp_fingerprint_line(b, sizeof(b), sd);
		json_object_set_new(fp, "runs", json_integer(sd->fp_runs));
		json_object_set_new(fp, "promoted",
				    json_integer(sd->fp_promoted));
		json_object_set_new(fp, "not_promoted",
				    json_integer(sd->fp_not_promoted));
		json_object_set_new(fp, "reclaim_promoted",
				    json_real(sd->fp_reclaim_promoted));
		json_object_set_new(fp, "reclaim_below",
				    json_real(sd->fp_reclaim_below));
		json_object_set_new(fp, "compact_promoted",
				    json_real(sd->fp_compact_promoted));
		json_object_set_new(fp, "compact_below",
				    json_real(sd->fp_compact_below));
		json_object_set_new(fp, "text", json_string(b));
		json_object_set_new(o, "defrag_fingerprint", fp);
	}
	json_object_set_new(o, "runs", runs);
	return o;
}

static json_t *metric_json(const struct cmp_metric *m)
{
	json_t *j = json_object(), *ci = json_object(), *st = json_object();

	json_object_set_new(j, "name", json_string(m->name));
	json_object_set_new(j, "unit", json_string(m->unit));
	json_object_set_new(j, "better",
			    json_string(m->lower_better ? "lower" : "higher"));
	json_object_set_new(j, "gate", json_boolean(m->gate));
	json_object_set_new(j, "A", desc_json(&m->d[0], m->v[0], m->n[0]));
	json_object_set_new(j, "B", desc_json(&m->d[1], m->v[1], m->n[1]));
	json_object_set_new(j, "change", num(m->change_abs));
	json_object_set_new(j, "change_pct", num(m->change_pct));
	json_object_set_new(ci, "level", json_real(0.95));
	json_object_set_new(ci, "resamples", json_integer(CMP_RESAMPLES));
	json_object_set_new(ci, "seed", json_integer((json_int_t)CMP_SEED));
	json_object_set_new(ci, "lo", num(m->ci_lo));
	json_object_set_new(ci, "hi", num(m->ci_hi));
	json_object_set_new(ci, "pct_lo", num(m->ci_pct_lo));
	json_object_set_new(ci, "pct_hi", num(m->ci_pct_hi));
	json_object_set_new(j, "ci", ci);
	json_object_set_new(st, "test", json_string("mann-whitney-u"));
	json_object_set_new(st, "u", num(m->mwu.u));
	json_object_set_new(st, "p", num(m->mwu.p));
	json_object_set_new(st, "method",
			    json_string(!m->tested   ? "none" :
					m->mwu.exact ? "exact" :
						       "normal"));
	json_object_set_new(j, "test", st);
	json_object_set_new(j, "noise_band_pct", num(m->band_pct));
	json_object_set_new(j, "significant", json_boolean(m->significant));
	json_object_set_new(j, "result",
			    json_string(cmp_result_name(m->result)));
	if (m->result == RES_NA)
		json_object_set_new(j, "why", json_string(m->why));
	return j;
}

/* [expect] fixed, when a run declares it */
static void expect_json(const struct comparison *c, json_t *o)
{
	char b[256];
	int who = cmp_expect_fixed(c, b, sizeof(b));
	json_t *e;

	if (!who)
		return;
	e = json_object();
	json_object_set_new(e, "behaves_like_fix",
			    json_string(who == 'A' ? "A" :
					who == 'B' ? "B" :
						     "neither"));
	json_object_set_new(e, "text", json_string(b));
	json_object_set_new(o, "expect_fixed", e);
}

void cmp_write_json(const struct comparison *c, FILE *out)
{
	json_t *o = json_object(), *ms = json_array(), *ds = json_array();
	json_t *notes = json_array(), *plots = json_array();
	int i;

	json_object_set_new(o, "scenario", json_string(c->scenario));
	json_object_set_new(o, "A", side_json(&c->side[0]));
	json_object_set_new(o, "B", side_json(&c->side[1]));
	for (i = 0; i < c->ndiff; i++) {
		json_t *d = json_object();

		json_object_set_new(d, "what", json_string(c->diff[i].what));
		json_object_set_new(d, "A", json_string(c->diff[i].a));
		json_object_set_new(d, "B", json_string(c->diff[i].b));
		json_array_append_new(ds, d);
	}
	json_object_set_new(o, "differences", ds);
	json_object_set_new(o, "accel_differs", json_boolean(c->accel_differs));
	for (i = 0; i < c->nm; i++)
		json_array_append_new(ms, metric_json(&c->m[i]));
	json_object_set_new(o, "metrics", ms);
	for (i = 0; i < c->nnote; i++)
		json_array_append_new(notes, json_string(c->note[i]));
	json_object_set_new(o, "notes", notes);
	for (i = 0; i < c->nplots; i++)
		json_array_append_new(plots, json_string(c->plots[i]));
	json_object_set_new(o, "plots", plots);
	json_object_set_new(o, "regression",
			    json_boolean(compare_exit(c) == EXIT_REPRODUCED));
	expect_json(c, o);
	json_object_set_new(o, "comparable",
			    json_boolean(!compare_unusable(c)));
	json_dumpf(o, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(o);
}
