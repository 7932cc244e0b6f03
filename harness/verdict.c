// SPDX-License-Identifier: GPL-2.0
/*
 * Judging a run after the fact, from the files it left: derived.csv,
 * the phase times and the start snapshot of zoneinfo.  The same code
 * can re-judge an old run.
 */
#include <errno.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "results.h"
#include "rundata.h"
#include "verdict.h"
#include "util.h"

/* Sum of a zoneinfo watermark over every zone, in MiB */
static double wmark_mib(const char *dir, const char *which)
{
	char path[4200], *s, *p, key[32];
	double sum = 0;
	long v;

	pathf(path, sizeof(path), "%s/snapshots/start/zoneinfo", dir);
	s = read_regular(path, 1 << 20, NULL);
	if (!s)
		return NAN;
	snprintf(key, sizeof(key), "\n        %s ", which);
	for (p = strstr(s, key); p; p = strstr(p + 1, key))
		if (sscanf(p + strlen(key), "%ld", &v) == 1)
			sum += (double)v;
	free(s);
	return sum * 4096 / (1 << 20);
}

struct window {
	double from, to;
};

static int phase_window(const struct scenario *sc, const struct run_result *r,
			const char *during, struct window *w)
{
	char names[SC_STR], *name, *save;
	int i;

	w->from = -INFINITY;
	w->to = INFINITY;
	if (!during || !*during)
		return 0;
	/* "load & frag": while every one of them runs */
	snprintf(names, sizeof(names), "%s", during);
	for (name = strtok_r(names, "& \t", &save); name;
	     name = strtok_r(NULL, "& \t", &save)) {
		for (i = 0; i < sc->nphases; i++)
			if (!strcmp(sc->phase[i].name, name))
				break;
		if (i == sc->nphases)
			return -1;
		w->from = fmax(w->from, r->ph[i].start_s);
		if (r->ph[i].end_s >= 0)
			w->to = fmin(w->to, r->ph[i].end_s);
	}
	return 0;
}

/*
 * A condition's operand, resolved once per run: a number (from the
 * text, a {var} or a wmark.*_MiB of the start snapshot), or a column of
 * the table; NAN when it names nothing
 */
struct operand {
	int col; /* -1: num */
	double num;
};

/* A condition of the scenario, its operands resolved */
struct cond {
	const struct sc_when *w;
	struct operand lhs, rhs;
};

/* The verdict of a scenario: its form and conditions, resolved */
struct vexpr {
	enum vform { VF_NONE, VF_WHEN, VF_DELAY, VF_METRIC } form;
	int nwhen;
	struct cond when[SC_MAX_WHEN];
	struct cond from, to, mean; /* VF_DELAY; mean if has_mean */
	bool has_mean;
};

static struct operand resolve(const struct scenario *sc, const struct csv *t,
			      const char *s, const char *dir)
{
	struct operand o = { .col = -1, .num = NAN };
	char *end, buf[SC_STR], err[128], which[16];
	double v;

	if (s[0] == '{') {
		if (scenario_expand(sc, s, buf, sizeof(buf), err, sizeof(err)))
			return o;
		s = buf;
	}
	v = strtod(s, &end);
	if (!*end)
		o.num = v;
	else if (!strncmp(s, "wmark.", 6)) {
		if (sscanf(s + 6, "%15[a-z]_MiB", which) == 1)
			o.num = wmark_mib(dir, which);
	} else
		o.col = csv_col(t, s);
	return o;
}

static struct cond cond_of(const struct scenario *sc, const struct csv *t,
			   const struct sc_when *w, const char *dir)
{
	struct cond c = { .w = w };

	c.lhs = resolve(sc, t, w->lhs, dir);
	c.rhs = resolve(sc, t, w->rhs, dir);
	return c;
}

/* The form the scenario's [verdict] takes, and its conditions */
static void vexpr_build(struct vexpr *x, const struct scenario *sc,
			const struct csv *t, const char *dir)
{
	int k;

	memset(x, 0, sizeof(*x));
	if (sc->nwhen) {
		x->form = VF_WHEN;
		x->nwhen = sc->nwhen;
		for (k = 0; k < sc->nwhen; k++)
			x->when[k] = cond_of(sc, t, &sc->when[k], dir);
	} else if (sc->has_from) {
		x->form = VF_DELAY;
		x->from = cond_of(sc, t, &sc->from, dir);
		x->to = cond_of(sc, t, &sc->to, dir);
		x->has_mean = sc->has_mean;
		if (sc->has_mean)
			x->mean = cond_of(sc, t, &sc->mean, dir);
	} else if (sc->has_metric) {
		x->form = VF_METRIC;
	}
}

/* Its value on a row: slow series hold their last value (held) */
static double value(const struct operand *o, const struct csv *t, size_t row,
		    const double *held)
{
	double v;

	if (o->col < 0)
		return o->num;
	v = csv_at(t, row, o->col);
	return isnan(v) ? held[o->col] : v;
}

static bool holds(enum sc_op op, double a, double b)
{
	if (isnan(a) || isnan(b))
		return false;
	switch (op) {
	case OP_LT:
		return a < b;
	case OP_LE:
		return a <= b;
	case OP_GT:
		return a > b;
	case OP_GE:
		return a >= b;
	}
	return false;
}

static bool cond_holds(const struct cond *c, const struct csv *t, size_t row,
		       const double *held)
{
	return holds(c->w->op, value(&c->lhs, t, row, held),
		     value(&c->rhs, t, row, held));
}

/* Each column's last value, NAN before it had one */
static double *held_new(const struct csv *t)
{
	double *held = calloc((size_t)t->ncols + 1, sizeof(double));
	int c;

	if (!held)
		die("out of memory");
	for (c = 0; c < t->ncols; c++)
		held[c] = NAN;
	return held;
}

static void held_update(double *held, const struct csv *t, size_t row)
{
	int c;

	for (c = 1; c < t->ncols; c++)
		if (!isnan(csv_at(t, row, c)))
			held[c] = csv_at(t, row, c);
}

static const char *const op_names[] = { "<", "<=", ">", ">=" };

/* The longest stretch in which every `when' held, in seconds */
static double longest_streak(const struct scenario *sc, const struct vexpr *x,
			     const struct csv *t, const struct window *w)
{
	double *held = held_new(t);
	double best = 0, from = NAN, interval = (double)sc->interval_ns / 1e9;
	double last_ok = NAN, gap = (double)sc->tolerate_ns / 1e9;
	size_t row;
	int k;

	for (row = 0; row < t->nrows; row++) {
		double ts = csv_at(t, row, 0);
		bool all = true;

		held_update(held, t, row);
		if (ts < w->from || ts > w->to)
			continue;
		for (k = 0; k < x->nwhen && all; k++)
			all = cond_holds(&x->when[k], t, row, held);
		/*
		 * A streak survives failing samples for up to `tolerate':
		 * under emulation one late 1 s sample is noise, not an end.
		 */
		if (!all) {
			if (!isnan(last_ok) &&
			    ts - last_ok > gap + interval / 2)
				from = NAN;
			continue;
		}
		if (isnan(from) ||
		    (!isnan(last_ok) && ts - last_ok > gap + interval * 1.5))
			from = ts;
		last_ok = ts;
		if (ts - from + interval > best)
			best = ts - from + interval;
	}
	free(held);
	return best;
}

/*
 * Reproduced when every `when' holds on consecutive samples for at
 * least `for'.  Slow sources hold their last value between samples.
 */
static void judge(const struct scenario *sc, const struct vexpr *x,
		  const struct csv *t, const struct window *w,
		  struct run_result *r)
{
	double best;
	int k, missing = -1;

	for (k = 0; k < sc->nwhen; k++)
		if (csv_col(t, sc->when[k].lhs) < 0)
			missing = k;
	if (missing >= 0) {
		r->verdict = V_ERROR;
		snprintf(
			r->reason, sizeof(r->reason),
			"verdict: no series '%s' in this run (see derived.csv)",
			sc->when[missing].lhs);
		return;
	}
	best = longest_streak(sc, x, t, w);
	r->verdict = best >= (double)sc->for_ns / 1e9 ? V_REPRODUCED :
							V_NOT_REPRODUCED;
	snprintf(r->reason, sizeof(r->reason),
		 "all conditions held for %.0f s at most (need %.0f s)", best,
		 (double)sc->for_ns / 1e9);
	for (k = 0; k < sc->nwhen; k++) {
		size_t n = strlen(r->reason);
		char rhs[128], err[128];

		if (scenario_expand(sc, sc->when[k].rhs, rhs, sizeof(rhs), err,
				    sizeof(err)))
			snprintf(rhs, sizeof(rhs), "%s", sc->when[k].rhs);
		snprintf(r->reason + n, sizeof(r->reason) - n, "%s%s %s %s",
			 k ? ", " : ": ", sc->when[k].lhs,
			 op_names[sc->when[k].op], rhs);
	}
}

/* The first row at or after `start' where a condition holds, or -1 */
static long first_row(const struct cond *c, const struct csv *t, size_t start,
		      double *held)
{
	size_t row;

	for (row = start; row < t->nrows; row++) {
		held_update(held, t, row);
		if (cond_holds(c, t, row, held))
			return (long)row;
	}
	return -1;
}

/* The mean of a series from row `from' up to time t_to; NAN: none */
static double mean_until(const struct csv *t, int c, size_t from, double t_to)
{
	double sum = 0;
	size_t row, n = 0;

	for (row = from; c >= 0 && row < t->nrows; row++) {
		double x = csv_at(t, row, c);

		if (csv_at(t, row, 0) > t_to || isnan(x))
			continue;
		sum += x;
		n++;
	}
	return n ? sum / (double)n : NAN;
}

/* The delay verdict's reason: what it found, against what it needs */
static void delay_reason(const struct scenario *sc, struct run_result *r,
			 bool ended, double delay, double want, double mean)
{
	const char *m = sc->has_mean ? "; mean " : "";
	const char *ml = sc->has_mean ? sc->mean.lhs : "";
	const char *eq = sc->has_mean ? "=" : "";
	double mv = sc->has_mean ? mean : 0.0;

	if (!ended && sc->to_name[0])
		snprintf(
			r->reason, sizeof(r->reason),
			"no %s within %.0f s of %s (need > %.0f s)%s%s %s %.1f",
			sc->to_name, delay, sc->from.lhs, want, m, ml, eq, mv);
	else
		snprintf(r->reason, sizeof(r->reason),
			 "%s%.1f s from %s to %s (need > %.0f s)%s%s %s %.1f",
			 ended ? "" : "no end within the run: at least ", delay,
			 sc->from.lhs, sc->to.lhs, want, m, ml, eq, mv);
}

/* min_delay in seconds (0 when not given); -1 with r set if bad */
static int min_delay_s(const struct scenario *sc, struct run_result *r,
		       double *want)
{
	char buf[128], err[128];
	int64_t ns;

	*want = 0;
	if (scenario_expand(sc, sc->min_delay, buf, sizeof(buf), err,
			    sizeof(err)) ||
	    (sc->min_delay[0] && parse_duration_ns(buf, &ns))) {
		r->verdict = V_ERROR;
		snprintf(r->reason, sizeof(r->reason),
			 "verdict: min_delay: bad duration '%s'",
			 sc->min_delay);
		return -1;
	}
	if (sc->min_delay[0])
		*want = (double)ns / 1e9;
	return 0;
}

/*
 * Reproduced when `to' first holds more than min_delay after `from'
 * first held, with the mean of a series over that interval meeting
 * `mean'
 */
static void judge_delay(const struct scenario *sc, const struct vexpr *x,
			const struct csv *t, struct run_result *r,
			json_t *detail)
{
	double *held = held_new(t);
	double t_from, t_to, want, mean;
	long from, to;
	int c;

	if (min_delay_s(sc, r, &want))
		goto out;
	from = first_row(&x->from, t, 0, held);
	if (from < 0) {
		r->verdict = V_NOT_REPRODUCED;
		snprintf(r->reason, sizeof(r->reason), "%s %s %s never held",
			 sc->from.lhs, op_names[sc->from.op], sc->from.rhs);
		goto out;
	}
	to = first_row(&x->to, t, (size_t)from, held);
	t_from = csv_at(t, (size_t)from, 0);
	t_to = csv_at(t, to < 0 ? t->nrows - 1 : (size_t)to, 0);
	c = x->has_mean ? csv_col(t, sc->mean.lhs) : -1;
	mean = mean_until(t, c, (size_t)from, t_to);
	json_object_set_new(detail, "from_s", json_real(t_from));
	json_object_set_new(detail, "to_s",
			    to < 0 ? json_null() : json_real(t_to));
	json_object_set_new(detail, "delay_s", json_real(t_to - t_from));
	if (c >= 0)
		json_object_set_new(detail, "mean",
				    isnan(mean) ? json_null() :
						  json_real(mean));
	r->verdict = t_to - t_from > want ? V_REPRODUCED : V_NOT_REPRODUCED;
	if (x->has_mean &&
	    !holds(sc->mean.op, mean, value(&x->mean.rhs, t, 0, held)))
		r->verdict = V_NOT_REPRODUCED;
	delay_reason(sc, r, to >= 0, t_to - t_from, want, mean);
out:
	free(held);
}

/*
 * The exact total of a counter's rate SRC.NAME over a window: the
 * change of its counters in samples/SRC.csv from the first to the last
 * sample in the window, intervals in which a counter went backwards (a
 * reset) left out as the rate leaves them out.  The columns and factors
 * come from meta.json (sources.SRC.rates.NAME).  -1 for a run that has
 * no such record (then the rate is integrated).
 */
static int exact_total(const char *dir, const char *series,
		       const struct window *w, double *out, size_t *n_out)
{
	char src[64], path[4200];
	const char *dot = strchr(series, '.');
	json_t *meta, *terms;
	struct csv raw;
	double total = 0, *prev = NULL, *fac = NULL;
	size_t row, n = 0, k, nt;
	int ret = -1, *col = NULL;
	void *it;

	if (!dir || !dot || (size_t)(dot - series) >= sizeof(src))
		return -1;
	snprintf(src, sizeof(src), "%.*s", (int)(dot - series), series);
	pathf(path, sizeof(path), "%s/meta.json", dir);
	meta = json_load_regular(path, NULL);
	if (!meta)
		warn_refused(path, errno);
	terms = json_object_get(
		json_object_get(
			json_object_get(json_object_get(meta, "sources"), src),
			"rates"),
		dot + 1);
	nt = json_object_size(terms);
	pathf(path, sizeof(path), "%s/samples/%s.csv", dir, src);
	if (!json_is_object(terms) || !nt || csv_load(&raw, path))
		goto out;
	col = calloc(nt, sizeof(*col));
	fac = calloc(nt, sizeof(*fac));
	prev = calloc(nt, sizeof(*prev));
	for (it = json_object_iter(terms), k = 0; it;
	     it = json_object_iter_next(terms, it), k++) {
		col[k] = csv_col(&raw, json_object_iter_key(it));
		fac[k] = json_number_value(json_object_iter_value(it));
		if (col[k] < 0)
			goto out_csv;
	}
	for (row = 0; row < (size_t)raw.nrows; row++) {
		const double *v = &raw.v[row * raw.ncols];
		double d = 0;
		bool back = false, missing = false;

		if (v[0] < w->from || v[0] > w->to)
			continue;
		for (k = 0; k < nt; k++) {
			missing |= isnan(v[col[k]]);
			back |= n && v[col[k]] < prev[k];
			d += (v[col[k]] - prev[k]) * fac[k];
		}
		if (missing)
			continue;
		/* a counter went backwards (a reset): that interval is out */
		if (n && !back)
			total += d;
		for (k = 0; k < nt; k++)
			prev[k] = v[col[k]];
		n++;
	}
	if (n) {
		*out = total;
		*n_out = n;
		ret = 0;
	}
out_csv:
	csv_free(&raw);
out:
	free(col);
	free(fac);
	free(prev);
	json_decref(meta);
	return ret;
}

static double stat_of(const char *dir, const struct sc_metric *m,
		      const struct csv *t, const struct window *w,
		      size_t *n_out)
{
	int c = csv_col(t, m->series);
	double *v, out = NAN, prev_t = NAN;
	size_t row, n = 0;

	*n_out = 0;
	if (c < 0)
		return NAN;
	if (m->stat == ST_TOTAL && !exact_total(dir, m->series, w, &out, n_out))
		return out;
	v = calloc(t->nrows + 1, sizeof(double));
	for (row = 0; row < t->nrows; row++) {
		double ts = t->v[row * t->ncols], x = t->v[row * t->ncols + c];

		if (ts < w->from || ts > w->to || isnan(x))
			continue;
		/* a rate times its interval is the counter's change */
		if (m->stat == ST_TOTAL)
			x *= isnan(prev_t) ? 0 : ts - prev_t;
		prev_t = ts;
		v[n++] = x;
	}
	*n_out = n;
	if (n) {
		gsl_sort(v, 1, n);
		switch (m->stat) {
		case ST_MEDIAN:
			out = gsl_stats_median_from_sorted_data(v, 1, n);
			break;
		case ST_MEAN:
			out = gsl_stats_mean(v, 1, n);
			break;
		case ST_MIN:
			out = v[0];
			break;
		case ST_MAX:
			out = v[n - 1];
			break;
		case ST_P10:
			out = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.1);
			break;
		case ST_P90:
			out = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.9);
			break;
		case ST_TOTAL:
			for (row = 0, out = 0; row < n; row++)
				out += v[row];
			break;
		}
	}
	free(v);
	return out;
}

static json_t *metrics_json(const struct scenario *sc, const struct csv *t,
			    const struct run_result *r, const char *dir)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < sc->nmetrics; i++) {
		const struct sc_metric *m = &sc->metric[i];
		json_t *j = json_object();
		struct window w;
		double v;
		size_t n;

		phase_window(sc, r, m->during, &w);
		v = stat_of(dir, m, t, &w, &n);
		json_object_set_new(j, "value",
				    isnan(v) ? json_null() : json_real(v));
		json_object_set_new(j, "n", json_integer((json_int_t)n));
		json_object_set_new(j, "series", json_string(m->series));
		json_object_set_new(j, "stat",
				    json_string(sc_stat_names[m->stat]));
		json_object_set_new(j, "during", json_string(m->during));
		json_object_set_new(j, "unit", json_string(m->unit));
		json_object_set_new(j, "better",
				    json_string(m->lower_is_better ? "lower" :
								     "higher"));
		json_object_set_new(j, "gate", json_boolean(m->gate));
		json_object_set_new(o, m->name, j);
	}
	return o;
}

/*
 * A metric verdict: one [metric], as metrics_json() computed it for
 * summary.json, against a value (which may be a {var}).
 */
static void judge_metric(const struct scenario *sc, const struct csv *t,
			 json_t *metrics, struct run_result *r)
{
	const struct sc_when *x = &sc->metric_cond;
	json_t *m = json_object_get(metrics, x->lhs);
	const char *series = json_string_value(json_object_get(m, "series"));
	const char *unit = json_string_value(json_object_get(m, "unit"));
	const char *during = json_string_value(json_object_get(m, "during"));
	json_t *jv = json_object_get(m, "value");
	char rhs[128], err[128], *end;
	double v, want;

	if (!m) { /* scenario_check() refuses this; a --rejudge may not */
		r->verdict = V_ERROR;
		snprintf(r->reason, sizeof(r->reason),
			 "verdict: no [metric.%s]", x->lhs);
		return;
	}
	if (scenario_expand(sc, x->rhs, rhs, sizeof(rhs), err, sizeof(err)))
		snprintf(rhs, sizeof(rhs), "%s", x->rhs);
	want = strtod(rhs, &end);
	if (end == rhs || *end) {
		r->verdict = V_ERROR;
		snprintf(r->reason, sizeof(r->reason),
			 "verdict: metric %s: '%s' is not a number", x->lhs,
			 rhs);
		return;
	}
	if (csv_col(t, series) < 0) {
		r->verdict = V_ERROR;
		snprintf(
			r->reason, sizeof(r->reason),
			"verdict: no series '%s' in this run (see derived.csv)",
			series);
		return;
	}
	v = json_is_number(jv) ? json_number_value(jv) : NAN;
	r->verdict = !isnan(v) && holds(x->op, v, want) ? V_REPRODUCED :
							  V_NOT_REPRODUCED;
	if (isnan(v))
		snprintf(r->reason, sizeof(r->reason),
			 "metric %s: no samples%s%s (need %s %s)", x->lhs,
			 *during ? " during " : "", during, op_names[x->op],
			 rhs);
	else
		snprintf(r->reason, sizeof(r->reason),
			 "metric %s = %.3g %s%s%s (need %s %s)", x->lhs, v,
			 unit, *during ? " during " : "", during,
			 op_names[x->op], rhs);
}

/* summary.json: the metrics, the verdict's detail and [expect] */
static void write_summary(const struct scenario *sc, const char *dir,
			  json_t *metrics, json_t *detail)
{
	char path[4200];
	json_t *sum;

	pathf(path, sizeof(path), "%s/summary.json", dir);
	sum = json_load_regular(path, NULL);
	if (!sum) {
		warn_refused(path, errno);
		sum = json_object();
	}
	/* the delay is a metric too, for compare */
	if (json_object_get(detail, "delay_s")) {
		json_t *m = json_object();

		json_object_set(m, "value", json_object_get(detail, "delay_s"));
		json_object_set_new(m, "unit", json_string("s"));
		json_object_set_new(m, "better", json_string("lower"));
		json_object_set_new(m, "gate", json_true());
		json_object_set_new(m, "stat", json_string("delay"));
		json_object_set_new(metrics, "delay_s", m);
	}
	json_object_set_new(sum, "metrics", metrics);
	json_object_set_new(sum, "verdict_detail", detail);
	if (sc->expect_metric[0]) {
		json_t *e = json_object();

		json_object_set_new(e, "metric",
				    json_string(sc->expect_metric));
		json_object_set_new(e, "better",
				    json_string(sc->expect_better));
		json_object_set_new(sum, "expect_fixed", e);
	}
	json_save(sum, dir, "summary.json");
	json_decref(sum);
}

int evaluate(const struct scenario *sc, const char *dir, struct run_result *res)
{
	char path[4200];
	json_t *metrics, *detail = json_object();
	struct vexpr x;
	struct csv t;
	struct window w;

	pathf(path, sizeof(path), "%s/derived.csv", dir);
	if (csv_load(&t, path)) {
		res->verdict = V_ERROR;
		pathf(res->reason, sizeof(res->reason),
		      "%s: no samples to judge", path);
		json_decref(detail);
		return -1;
	}
	csv_join_trace(&t, dir);
	/* the metrics first: a metric verdict reads its value there */
	metrics = metrics_json(sc, &t, res, dir);
	/* the conditions, resolved once: no file is read per row */
	vexpr_build(&x, sc, &t, dir);
	if (phase_window(sc, res, sc->during, &w)) {
		res->verdict = V_ERROR;
		snprintf(res->reason, sizeof(res->reason),
			 "verdict: during: no phase '%s'", sc->during);
	} else {
		switch (x.form) {
		case VF_WHEN:
			judge(sc, &x, &t, &w, res);
			break;
		case VF_DELAY:
			judge_delay(sc, &x, &t, res, detail);
			break;
		case VF_METRIC:
			judge_metric(sc, &t, metrics, res);
			break;
		case VF_NONE:
			break;
		}
	}
	write_summary(sc, dir, metrics, detail);
	csv_free(&t);
	return 0;
}

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = {
		[V_REPRODUCED] = "reproduced",
		[V_NOT_REPRODUCED] = "not-reproduced",
		[V_NOT_APPLICABLE] = "not-applicable",
		[V_ERROR] = "error",
	};

	return names[v];
}

/* docs/design.md: 1 reproduced, 0 not reproduced, 2 error */
int verdict_exit(enum verdict v)
{
	return v == V_REPRODUCED ? EXIT_REPRODUCED :
	       v == V_ERROR	 ? EXIT_ERROR :
				   0;
}

int write_verdict(const char *dir, const struct run_result *res)
{
	char path[4200], line[700];
	json_t *sum, *v;
	int n;

	n = snprintf(line, sizeof(line), "%s: %s\n", verdict_name(res->verdict),
		     res->reason);
	pathf(path, sizeof(path), "%s/verdict", dir);
	write_file_replace(path, line, (size_t)n);
	pathf(path, sizeof(path), "%s/summary.json", dir);
	sum = json_load_regular(path, NULL);
	if (!sum) {
		warn_refused(path, errno);
		sum = json_object();
	}
	v = json_object();
	json_object_set_new(v, "verdict",
			    json_string(verdict_name(res->verdict)));
	json_object_set_new(v, "reason", json_string(res->reason));
	json_object_set_new(sum, "verdict", v);
	n = json_save(sum, dir, "summary.json");
	json_decref(sum);
	return n;
}
