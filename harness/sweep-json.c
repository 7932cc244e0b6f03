// SPDX-License-Identifier: GPL-2.0
/* sweep, json: every point with its outcomes and metrics, every step */
#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "sweep.h"

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *point(const struct sweep *s, int i)
{
	const struct cmp_side *sd = s->pt[i].side;
	json_t *p = json_object(), *m = json_object();
	int k;

	json_object_set_new(p, "label", json_string(s->pt[i].label));
	json_object_set_new(p, "dir", json_string(s->pt[i].dir));
	json_object_set_new(p, "releases", json_string(sd->releases));
	json_object_set_new(p, "runs", json_integer(sd->set.n));
	json_object_set_new(p, "reproduced", json_integer(sd->reproduced));
	json_object_set_new(p, "not_reproduced",
			    json_integer(sd->not_reproduced));
	json_object_set_new(p, "not_applicable",
			    json_integer(sd->not_applicable));
	json_object_set_new(p, "error", json_integer(sd->error));
	json_object_set_new(p, "other", json_integer(sd->other));
	for (k = 0; k < s->nm; k++) {
		const struct sweep_value *v = &s->m[k].at[i];
		json_t *o = json_object();

		json_object_set_new(o, "n", json_integer((json_int_t)v->n));
		json_object_set_new(o, "median", num(v->median));
		json_object_set_new(o, "ci_lo", num(v->lo));
		json_object_set_new(o, "ci_hi", num(v->hi));
		json_object_set_new(o, "ci_coverage", num(v->coverage));
		json_object_set_new(m, s->m[k].m->name, o);
	}
	json_object_set_new(p, "metrics", m);
	return p;
}

static json_t *step(const struct sweep *s, int j)
{
	json_t *o = json_object(), *m = json_object();
	int k;

	json_object_set_new(o, "from", json_string(s->pt[j].label));
	json_object_set_new(o, "to", json_string(s->pt[j + 1].label));
	for (k = 0; k < s->nm; k++) {
		const struct cmp_metric *st = s->m[k].step[j];
		json_t *e;

		if (!st)
			continue;
		e = json_object();
		json_object_set_new(e, "change", num(st->change_abs));
		json_object_set_new(e, "change_pct", num(st->change_pct));
		json_object_set_new(e, "p",
				    st->tested ? num(st->mwu.p) : json_null());
		json_object_set_new(e, "result",
				    json_string(cmp_result_name(st->result)));
		json_object_set_new(e, "significant",
				    json_boolean(st->significant));
		json_object_set_new(m, s->m[k].m->name, e);
	}
	json_object_set_new(o, "metrics", m);
	return o;
}

void sweep_write_json(const struct sweep *s, FILE *out)
{
	json_t *r = json_object(), *pts = json_array(), *steps = json_array();
	json_t *gm = json_array();
	int i;

	json_object_set_new(r, "scenario", json_string(s->scenario));
	json_object_set_new(r, "axis", json_string(s->axis));
	json_object_set_new(r, "runs_per_point", json_integer(s->runs));
	for (i = 0; i < s->nm; i++)
		if (s->m[i].m->gate)
			json_array_append_new(gm, json_string(s->m[i].m->name));
	json_object_set_new(r, "gating", gm);
	for (i = 0; i < s->np; i++)
		json_array_append_new(pts, point(s, i));
	for (i = 0; i + 1 < s->np; i++)
		json_array_append_new(steps, step(s, i));
	json_object_set_new(r, "points", pts);
	json_object_set_new(r, "steps", steps);
	json_object_set_new(r, "exit", json_integer(sweep_exit(s)));
	json_dumpf(r, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(r);
}
