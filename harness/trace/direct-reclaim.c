// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan:mm_vmscan_direct_reclaim_begin/end: stall latency, overall, by
 * order, by the request's gfp migratetype (the kernel's own __GFP_* bits
 * from the print format) and per task; and the direct reclaim columns of
 * the timeline.  Begin/end pairs are matched per task (pid), in time
 * order across CPUs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

#define TOP_TASKS 20
#define MAX_MEMCGS 64 /* memcg ids kept apart; the rest in one */

struct dr_task {
	bool in_dr;
	uint64_t begin; /* in direct reclaim since */
	int order;
	int mt;
	uint64_t memcg; /* the request's memcg_id, where the event has it */
	uint64_t n, ns, max_ns;
};

/* Stalls of one memcg (memcg_id; 0: the root, or none given) */
struct dr_memcg {
	uint64_t id;
	struct durset stalls;
};

/* One interval of the timeline */
struct dr_bin {
	uint64_t stall_ns; /* summed over tasks */
	uint64_t nm_stall_ns; /* of it, by non-movable requests */
	uint64_t some_ns; /* with at least one task in direct reclaim */
	uint64_t max_ns; /* the longest stall that ended here */
	uint64_t n; /* stalls that ended here */
};

struct dr_state {
	struct durset all, by_order[TRACE_ORDERS + 1], by_mt[3];
	/* crossed: [order slot][migratetype of the request] */
	struct durset cross[TRACE_ORDERS + 1][3];
	uint64_t unmatched_end, nested, reclaimed;
	/* by memcg_id, on kernels whose begin event has it */
	struct dr_memcg memcgs[MAX_MEMCGS];
	size_t nmemcgs;
	struct durset memcg_other; /* past MAX_MEMCGS ids */
	bool has_memcg;
	int active; /* tasks in direct reclaim now */
	uint64_t some_since; /* since when at least one is */
	struct trace_tl tl;
};

static void *dr_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct dr_state));
}

/* ---- the timeline ---- */

enum tl_what { TL_STALL, TL_NM_STALL, TL_SOME };

static void tl_add(void *p, uint64_t ns, void *arg)
{
	enum tl_what what = *(enum tl_what *)arg;
	struct dr_bin *bin = p;

	if (what == TL_SOME) {
		bin->some_ns += ns;
	} else {
		bin->stall_ns += ns;
		if (what == TL_NM_STALL)
			bin->nm_stall_ns += ns;
	}
}

/*
 * Spreads [a, b) over the bins it overlaps: stall time (of a non-movable
 * request also counted apart), or "some" time
 */
static void tl_spread(struct trace_state *st, struct dr_state *d, uint64_t a,
		      uint64_t b, enum tl_what what)
{
	trace_tl_spread(st, &d->tl, sizeof(struct dr_bin), a, b, tl_add, &what);
}

static void tl_end(struct trace_state *st, struct dr_state *d, uint64_t begin,
		   uint64_t end, bool nm)
{
	struct dr_bin *bin;

	tl_spread(st, d, begin, end, nm ? TL_NM_STALL : TL_STALL);
	bin = trace_tl_bin(st, &d->tl, sizeof(*bin), end);
	if (!bin)
		return;
	bin->n++;
	if (end - begin > bin->max_ns)
		bin->max_ns = end - begin;
}

static bool nonmovable(int mt)
{
	return mt == TRACE_MT_UNMOVABLE || mt == TRACE_MT_RECLAIMABLE;
}

/* ---- the events ---- */

enum { DRB_ORDER, DRB_GFP, DRB_MEMCG };
enum { DRE_RECLAIMED };

static void dr_begin_init(struct trace_state *st, struct trace_bound *b)
{
	struct dr_state *d = b->gs;

	trace_gfp_bits_init(st, b, DRB_GFP, "gfp_flags");
	d->has_memcg = b->f[DRB_MEMCG];
}

static struct durset *memcg_stalls(struct dr_state *d, uint64_t id)
{
	size_t i;

	for (i = 0; i < d->nmemcgs; i++)
		if (d->memcgs[i].id == id)
			return &d->memcgs[i].stalls;
	if (d->nmemcgs == ARRAY_SIZE(d->memcgs))
		return &d->memcg_other;
	d->memcgs[d->nmemcgs].id = id;
	return &d->memcgs[d->nmemcgs++].stalls;
}

static void dr_begin(struct trace_state *st, const struct trace_bound *b,
		     const struct trace_rec *r)
{
	struct dr_task *t = trace_pid_data(st, b->gs, r->pid, true);
	struct dr_state *d = b->gs;

	/* no nesting in the kernel (PF_MEMALLOC): the end was lost */
	if (t->in_dr)
		d->nested++;
	else if (!d->active++)
		d->some_since = r->ts;
	t->in_dr = true;
	t->begin = r->ts;
	t->order = (int)trace_field_s(b, DRB_ORDER, r);
	t->mt = trace_gfp_mt(st, trace_field(b, DRB_GFP, r));
	t->memcg = b->f[DRB_MEMCG] ? trace_field(b, DRB_MEMCG, r) : 0;
}

/* The listing's row of a stall: "stall order 0: 34756 us unmovable" */
static void list_stall(struct trace_state *st, const struct trace_bound *b,
		       const struct trace_rec *r, const struct dr_task *t,
		       uint64_t ns)
{
	struct dr_state *d = b->gs;
	char detail[96];
	int n;

	if (!trace_listed(st, b))
		return;
	n = snprintf(detail, sizeof(detail), "%s",
		     t->mt >= 0 ? trace_mt_keys[t->mt] : "migratetype unknown");
	if (d->has_memcg && n > 0 && (size_t)n < sizeof(detail))
		n += snprintf(detail + n, sizeof(detail) - (size_t)n,
			      " memcg %llu", (unsigned long long)t->memcg);
	if (b->f[DRE_RECLAIMED] && n > 0 && (size_t)n < sizeof(detail))
		snprintf(detail + n, sizeof(detail) - (size_t)n,
			 " reclaimed %llu",
			 (unsigned long long)trace_field(b, DRE_RECLAIMED, r));
	trace_list(st, b, r,
		   &(struct trace_item){ .what = "stall",
					 .node = -1,
					 .order = t->order,
					 .value = (double)ns / 1e3,
					 .unit = "us",
					 .detail = detail });
}

static void dr_end(struct trace_state *st, const struct trace_bound *b,
		   const struct trace_rec *r)
{
	struct dr_task *t = trace_pid_data(st, b->gs, r->pid, false);
	struct dr_state *d = b->gs;
	uint64_t ns;
	int slot;

	if (!t || !t->in_dr || r->ts < t->begin) {
		d->unmatched_end++;
		return;
	}
	ns = r->ts - t->begin;
	t->in_dr = false;
	tl_end(st, d, t->begin, r->ts, nonmovable(t->mt));
	if (d->active > 0 && !--d->active)
		tl_spread(st, d, d->some_since, r->ts, TL_SOME);
	slot = trace_order_slot(t->order);
	durset_add(&d->all, ns);
	durset_add(&d->by_order[slot], ns);
	if (t->mt >= 0) {
		durset_add(&d->by_mt[t->mt], ns);
		durset_add(&d->cross[slot][t->mt], ns);
	}
	if (d->has_memcg)
		durset_add(memcg_stalls(d, t->memcg), ns);
	t->n++;
	t->ns += ns;
	if (ns > t->max_ns)
		t->max_ns = ns;
	d->reclaimed += trace_field(b, DRE_RECLAIMED, r);
	list_stall(st, b, r, t, ns);
}

/* Still in direct reclaim: the timeline counts it up to the end */
static void dr_finish(struct trace_state *st, void *gs)
{
	struct dr_state *d = gs;
	uint64_t t1 = st->t1;
	size_t i;

	for (i = 0; i < st->ntasks; i++) {
		const struct dr_task *t =
			trace_task_data(st, &st->tasks[i], gs);

		if (t && t->in_dr && t1 > t->begin)
			tl_spread(st, d, t->begin, t1,
				  nonmovable(t->mt) ? TL_NM_STALL : TL_STALL);
	}
	if (d->active > 0 && t1 > d->some_since)
		tl_spread(st, d, d->some_since, t1, TL_SOME);
}

static void dr_free(void *gs)
{
	struct dr_state *d = gs;
	size_t i, k;

	durset_free(&d->all);
	free(d->tl.bins);
	for (i = 0; i < ARRAY_SIZE(d->by_order); i++)
		durset_free(&d->by_order[i]);
	for (i = 0; i < ARRAY_SIZE(d->by_mt); i++)
		durset_free(&d->by_mt[i]);
	for (i = 0; i < ARRAY_SIZE(d->cross); i++)
		for (k = 0; k < ARRAY_SIZE(d->cross[i]); k++)
			durset_free(&d->cross[i][k]);
	for (i = 0; i < d->nmemcgs; i++)
		durset_free(&d->memcgs[i].stalls);
	durset_free(&d->memcg_other);
	free(d);
}

void trace_dr_requests(const struct trace_state *st,
		       uint64_t n[TRACE_ORDERS + 1][3])
{
	const struct dr_state *d = trace_group_state(st, "direct_reclaim");
	size_t i, k;

	for (i = 0; i <= TRACE_ORDERS; i++)
		for (k = 0; k < 3; k++)
			n[i][k] = d ? d->cross[i][k].n : 0;
}

/* ---- the report ---- */

struct dr_task_ref {
	const struct trace_task *task;
	const struct dr_task *t;
};

static int by_stall(const void *a, const void *b)
{
	const struct dr_task_ref *x = a, *y = b;

	if (x->t->ns != y->t->ns)
		return x->t->ns < y->t->ns ? 1 : -1;
	return x->task->pid - y->task->pid;
}

static json_t *tasks_json(struct trace_state *st, const void *gs,
			  size_t *n_with)
{
	struct dr_task_ref *v = trace_zalloc(st->ntasks + 1, sizeof(*v));
	json_t *a = json_array();
	size_t i, n = 0;

	for (i = 0; i < st->ntasks; i++) {
		const struct dr_task *t =
			trace_task_data(st, &st->tasks[i], gs);

		if (t && t->n)
			v[n++] = (struct dr_task_ref){ &st->tasks[i], t };
	}
	qsort(v, n, sizeof(*v), by_stall);
	for (i = 0; i < n && i < TOP_TASKS; i++) {
		json_t *o = json_object();
		const char *comm = v[i].task->comm;

		json_object_set_new(o, "pid", json_integer(v[i].task->pid));
		json_object_set_new(o, "comm",
				    comm[0] ? json_string(comm) : json_null());
		json_object_set_new(o, "count",
				    json_integer((json_int_t)v[i].t->n));
		json_object_set_new(o, "total_s",
				    json_real(trace_secs(v[i].t->ns)));
		json_object_set_new(o, "max_us",
				    json_real((double)v[i].t->max_ns / 1e3));
		json_array_append_new(a, o);
	}
	free(v);
	*n_with = n;
	return a;
}

/* a task still in direct reclaim at the end: for trace_json_open_at_end() */
static bool task_open(const void *data, uint64_t *begin)
{
	const struct dr_task *t = data;

	*begin = t->begin;
	return t->in_dr;
}

/* By order and migratetype crossed: { "0": { "unmovable": ...} } */
static json_t *cross_json(struct dr_state *d)
{
	json_t *o = json_object(), *m;
	char key[16];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(d->cross); i++) {
		m = NULL;
		for (k = 0; k < ARRAY_SIZE(trace_mt_keys); k++) {
			if (!d->cross[i][k].n)
				continue;
			if (!m)
				m = json_object();
			json_object_set_new(m, trace_mt_keys[k],
					    durset_json(&d->cross[i][k],
							false));
		}
		if (m)
			json_object_set_new(
				o, trace_order_key((int)i, key, sizeof(key)),
				m);
	}
	return o;
}

static json_t *by_mt_json(struct trace_state *st, struct dr_state *d)
{
	json_t *mt;
	size_t i;

	if (!st->gfp_movable || !st->gfp_reclaimable)
		return json_null(); /* the format did not name the bits */
	mt = json_object();
	for (i = 0; i < ARRAY_SIZE(trace_mt_keys); i++)
		json_object_set_new(mt, trace_mt_keys[i],
				    durset_json(&d->by_mt[i], true));
	return mt;
}

/* By the request's memcg_id, where this kernel's begin event has it */
static json_t *memcg_json(struct dr_state *d)
{
	json_t *o;
	char key[32];
	size_t i;

	if (!d->has_memcg)
		return json_null();
	o = json_object();
	for (i = 0; i < d->nmemcgs; i++) {
		snprintf(key, sizeof(key), "%llu",
			 (unsigned long long)d->memcgs[i].id);
		json_object_set_new(o, key,
				    durset_json(&d->memcgs[i].stalls, false));
	}
	if (d->memcg_other.n)
		json_object_set_new(o, "other",
				    durset_json(&d->memcg_other, false));
	return o;
}

static json_t *dr_json(struct trace_state *st, void *gs)
{
	struct dr_state *d = gs;
	json_t *o = json_object(), *ord = json_object(), *bits;
	double dur = trace_duration_ns(st);
	size_t i, ntasks;
	char key[16];

	json_object_set_new(o, "latency", durset_json(&d->all, true));
	json_object_set_new(o, "stall_pct",
			    json_real(dur ? 100.0 * (double)d->all.sum / dur :
					    0));
	for (i = 0; i < ARRAY_SIZE(d->by_order); i++)
		if (d->by_order[i].n)
			json_object_set_new(
				ord, trace_order_key((int)i, key, sizeof(key)),
				durset_json(&d->by_order[i], true));
	json_object_set_new(o, "by_order", ord);
	bits = json_object();
	json_object_set_new(bits, "movable",
			    json_integer((json_int_t)st->gfp_movable));
	json_object_set_new(bits, "reclaimable",
			    json_integer((json_int_t)st->gfp_reclaimable));
	json_object_set_new(bits, "source",
			    json_string("the gfp_flags print format"));
	json_object_set_new(o, "gfp_bits", bits);
	json_object_set_new(o, "by_migratetype", by_mt_json(st, d));
	json_object_set_new(o, "by_order_migratetype",
			    st->gfp_movable && st->gfp_reclaimable ?
				    cross_json(d) :
				    json_null());
	/* null: this kernel's direct_reclaim_begin has no memcg_id */
	json_object_set_new(o, "by_memcg", memcg_json(d));
	json_object_set_new(o, "tasks", tasks_json(st, gs, &ntasks));
	json_object_set_new(o, "tasks_total", json_integer((json_int_t)ntasks));
	json_object_set_new(o, "nr_reclaimed",
			    json_integer((json_int_t)d->reclaimed));
	json_object_set_new(o, "unmatched_end",
			    json_integer((json_int_t)d->unmatched_end));
	json_object_set_new(o, "nested_begin",
			    json_integer((json_int_t)d->nested));
	trace_json_open_at_end(o, st, gs, task_open);
	return o;
}

/* Stall counts and times by the request's migratetype */
static void summary_by_mt(json_t *g, struct dr_state *d, double dur)
{
	json_t *rate = json_object();
	size_t i;

	json_object_set_new(
		g, "unmovable_count",
		json_integer((json_int_t)d->by_mt[TRACE_MT_UNMOVABLE].n));
	/* stalls begun per second, by the request's type */
	for (i = 0; i < ARRAY_SIZE(trace_mt_keys); i++)
		json_object_set_new(
			rate, trace_mt_keys[i],
			json_real(dur ? (double)d->by_mt[i].n * 1e9 / dur : 0));
	json_object_set_new(g, "per_s_by_migratetype", rate);
	json_object_set_new(
		g, "nonmovable_stall_s",
		json_real(trace_secs(d->by_mt[TRACE_MT_UNMOVABLE].sum +
				     d->by_mt[TRACE_MT_RECLAIMABLE].sum)));
	json_object_set_new(
		g, "movable_stall_s",
		json_real(trace_secs(d->by_mt[TRACE_MT_MOVABLE].sum)));
}

static void dr_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct dr_state *d = gs;
	double dur = trace_duration_ns(st);
	json_t *g = durset_json(&d->all, false);

	json_object_set_new(g, "stall_pct",
			    json_real(dur ? 100.0 * (double)d->all.sum / dur :
					    0));
	if (st->gfp_movable && st->gfp_reclaimable)
		summary_by_mt(g, d, dur);
	json_object_set_new(o, "direct_reclaim", g);
}

static int dr_describe(const json_t *t, char *buf, size_t len)
{
	double n = trace_num(t, "direct_reclaim", "count");
	double nm = trace_num(t, "direct_reclaim", "nonmovable_stall_s");
	double mv = trace_num(t, "direct_reclaim", "movable_stall_s");
	char a[32], b[32], c[32];
	int w;

	if (isnan(n))
		return 0;
	w = snprintf(
		buf, len,
		"direct reclaim: %.0f stalls, p50 %s, p99 %s, max %s; %.3g s in all, %.3g s per second",
		n,
		trace_fmt_us(trace_num(t, "direct_reclaim", "p50_us"), a,
			     sizeof(a)),
		trace_fmt_us(trace_num(t, "direct_reclaim", "p99_us"), b,
			     sizeof(b)),
		trace_fmt_us(trace_num(t, "direct_reclaim", "max_us"), c,
			     sizeof(c)),
		trace_num(t, "direct_reclaim", "total_s"),
		trace_num(t, "direct_reclaim", "stall_pct") / 100);
	if (!isnan(nm) && !isnan(mv) && w > 0 && (size_t)w < len)
		snprintf(
			buf + w, len - (size_t)w,
			"; unmovable and reclaimable requests %.3g s, movable %.3g s",
			nm, mv);
	return 1;
}

static int dr_progress(const struct trace_state *st, const void *gs, char *buf,
		       size_t len)
{
	const struct dr_state *d = gs;

	(void)st;
	return snprintf(buf, len, " | direct reclaim %zu (max %.1f ms, %.2f s)",
			d->all.n, (double)d->all.max / 1e6,
			(double)d->all.sum / 1e9);
}

/* ---- the timeline's columns ---- */

static const struct dr_bin *bin_at(const void *gs, size_t k)
{
	const struct dr_state *d = gs;

	return trace_tl_row(&d->tl, sizeof(struct dr_bin), k);
}

static double tl_some(const void *gs, size_t k, double step)
{
	return 100.0 * (double)bin_at(gs, k)->some_ns / step;
}

static double tl_stall(const void *gs, size_t k, double step)
{
	return (double)bin_at(gs, k)->stall_ns / step;
}

static double tl_max(const void *gs, size_t k, double step)
{
	(void)step;
	return (double)bin_at(gs, k)->max_ns / 1e6;
}

static double tl_n(const void *gs, size_t k, double step)
{
	return (double)bin_at(gs, k)->n * NSEC_PER_SEC / step;
}

static double tl_nm_stall(const void *gs, size_t k, double step)
{
	return (double)bin_at(gs, k)->nm_stall_ns / step;
}

static double tl_nm_share(const void *gs, size_t k, double step)
{
	const struct dr_bin *b = bin_at(gs, k);

	(void)step;
	return b->stall_ns ?
		       100.0 * (double)b->nm_stall_ns / (double)b->stall_ns :
		       0.0;
}

static const struct trace_tl_col tl_cols[] = {
	{ "trace.dr_some_pct", 2, tl_some },
	{ "trace.dr_stall_s_per_s", 4, tl_stall },
	{ "trace.dr_max_ms", 3, tl_max },
	{ "trace.dr_per_s", 1, tl_n },
	{ "trace.dr_nm_stall_s_per_s", 4, tl_nm_stall },
	{ "trace.dr_nm_share_pct", 2, tl_nm_share },
};

/* The order of each event's fields matches its handler's enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "vmscan",
		.name = "mm_vmscan_direct_reclaim_begin",
		.ordered = true,
		.fields = { "order", "gfp_flags|gfp", "?memcg_id" },
		.init = dr_begin_init,
		.handle = dr_begin,
	},
	{
		.system = "vmscan",
		.name = "mm_vmscan_direct_reclaim_end",
		.ordered = true,
		.fields = { "?nr_reclaimed" },
		.handle = dr_end,
	},
};

const struct trace_group_ops trace_group_direct_reclaim = {
	.name = "direct_reclaim",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = dr_new,
	.end = dr_finish,
	.json = dr_json,
	.summary = dr_summary,
	.describe = dr_describe,
	.free = dr_free,
	.progress = dr_progress,
	.task_size = sizeof(struct dr_task),
	.tl_cols = tl_cols,
	.ntl_cols = ARRAY_SIZE(tl_cols),
};
