// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's results: one JSON object per group (trace/<group>.json)
 * and a compact summary for summary.json.  Times are µs for latencies,
 * s for totals; every group says which of its events were missing and
 * why, so that "0 stalls" and "could not see stalls" never look alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "trace.h"
#include "util.h"

#define TOP_TASKS 20

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static double duration_ns(const struct trace_state *st)
{
	return st->t1 > st->t0 ? (double)(st->t1 - st->t0) : 0;
}

static const char *order_key(int slot, char *buf, size_t len)
{
	if (slot < TRACE_ORDERS)
		snprintf(buf, len, "%d", slot);
	else
		snprintf(buf, len, "%d+", TRACE_ORDERS);
	return buf;
}

/* One event's state: present, enabled (or why not), count and filter */
json_t *trace_bound_json(const struct trace_bound *b)
{
	json_t *e = json_object();

	json_object_set_new(e, "present", json_boolean(b->event));
	json_object_set_new(e, "enabled",
			    json_boolean(b->event && b->selected));
	if (!b->event)
		json_object_set_new(e, "reason", json_string(b->reason));
	json_object_set_new(e, "count", json_integer((json_int_t)b->count));
	json_object_set_new(e, "filter",
			    b->filter ? json_string(b->filter) : json_null());
	return e;
}

static json_t *events_json(const struct trace_state *st, const char *group)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < st->nbound; i++) {
		const struct trace_bound *b = &st->bound[i];
		char name[128];

		if (strcmp(b->ops->group, group))
			continue;
		snprintf(name, sizeof(name), "%s:%s", b->ops->system,
			 b->ops->name);
		json_object_set_new(o, name, trace_bound_json(b));
	}
	return o;
}

static const struct trace_bound *find_bound(const struct trace_state *st,
					    const char *name)
{
	size_t i;

	for (i = 0; i < st->nbound; i++)
		if (!strcmp(st->bound[i].ops->name, name))
			return &st->bound[i];
	return NULL;
}

static int by_stall(const void *a, const void *b)
{
	const struct trace_task *x = *(struct trace_task *const *)a;
	const struct trace_task *y = *(struct trace_task *const *)b;

	if (x->dr_ns != y->dr_ns)
		return x->dr_ns < y->dr_ns ? 1 : -1;
	return x->pid - y->pid;
}

static json_t *tasks_json(struct trace_state *st, size_t *n_with)
{
	struct trace_task **v = calloc(st->ntasks + 1, sizeof(*v));
	json_t *a = json_array();
	size_t i, n = 0;

	if (!v)
		die("out of memory");
	for (i = 0; i < st->ntasks; i++)
		if (st->tasks[i].dr_n)
			v[n++] = &st->tasks[i];
	qsort(v, n, sizeof(*v), by_stall);
	for (i = 0; i < n && i < TOP_TASKS; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "pid", json_integer(v[i]->pid));
		json_object_set_new(o, "comm",
				    v[i]->comm[0] ? json_string(v[i]->comm) :
						    json_null());
		json_object_set_new(o, "count",
				    json_integer((json_int_t)v[i]->dr_n));
		json_object_set_new(o, "total_s", json_real(secs(v[i]->dr_ns)));
		json_object_set_new(o, "max_us",
				    json_real((double)v[i]->dr_max_ns / 1e3));
		json_array_append_new(a, o);
	}
	free(v);
	*n_with = n;
	return a;
}

static void open_pairs(const struct trace_state *st, bool cp, size_t *n,
		       uint64_t *max)
{
	size_t i;

	*n = 0;
	*max = 0;
	for (i = 0; i < st->ntasks; i++) {
		const struct trace_task *t = &st->tasks[i];
		bool open = cp ? t->in_cp : t->in_dr;
		uint64_t since = cp ? t->cp_begin : t->dr_begin;

		if (!open || st->t1 < since)
			continue;
		(*n)++;
		if (st->t1 - since > *max)
			*max = st->t1 - since;
	}
}

static const char *const mt_keys[] = { "movable", "reclaimable", "unmovable" };

/* Direct reclaim by order and migratetype crossed: { "0": { "unmovable": ...} } */
static json_t *cross_json(struct trace_state *st)
{
	json_t *o = json_object(), *m;
	char key[16];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(st->dr_cross); i++) {
		m = NULL;
		for (k = 0; k < ARRAY_SIZE(mt_keys); k++) {
			if (!st->dr_cross[i][k].n)
				continue;
			if (!m)
				m = json_object();
			json_object_set_new(m, mt_keys[k],
					    durset_json(&st->dr_cross[i][k],
							false));
		}
		if (m)
			json_object_set_new(
				o, order_key((int)i, key, sizeof(key)), m);
	}
	return o;
}

/* Non-movable counts of an [order slot][migratetype] table, below and at pageblock order */
static void split_at_pageblock(const struct trace_state *st,
			       const uint64_t n[TRACE_ORDERS + 1][3],
			       uint64_t *below, uint64_t *at)
{
	size_t i;

	*below = *at = 0;
	for (i = 0; i <= TRACE_ORDERS; i++) {
		uint64_t nm =
			n[i][TRACE_MT_UNMOVABLE] + n[i][TRACE_MT_RECLAIMABLE];

		if ((long long)i >= st->pageblock_order)
			*at += nm;
		else
			*below += nm;
	}
}

/*
 * The 7.2 fix's fingerprint: under vm.defrag_mode=1 a fixed kernel
 * reclaims and compacts for non-movable requests at pageblock order (or
 * above), whatever order they asked for; a kernel without it reclaims at
 * the order asked for (mostly 0) and never compacts for order 0.
 */
static json_t *fingerprint_json(struct trace_state *st)
{
	uint64_t dr[TRACE_ORDERS + 1][3], rb, ra, cb, ca;
	json_t *o = json_object();
	const char *b;
	size_t i, k;

	if (st->pageblock_order < 0 || !st->gfp_movable ||
	    !st->gfp_reclaimable) {
		json_object_set_new(o, "behaviour", json_string("unknown"));
		json_object_set_new(
			o, "why",
			json_string("pageblock_order or the gfp migratetype "
				    "bits are not in this kernel's formats"));
		return o;
	}
	for (i = 0; i <= TRACE_ORDERS; i++)
		for (k = 0; k < 3; k++)
			dr[i][k] = st->dr_cross[i][k].n;
	split_at_pageblock(st, dr, &rb, &ra);
	split_at_pageblock(st, st->tc, &cb, &ca);
	if (ra + ca == 0 && rb + cb == 0)
		b = "no non-movable reclaim seen";
	else if (ra + ca >= rb + cb)
		b = "promoted";
	else
		b = "not promoted";
	json_object_set_new(o, "behaviour", json_string(b));
	json_object_set_new(o, "pageblock_order",
			    json_integer(st->pageblock_order));
	json_object_set_new(o, "reclaim_promoted",
			    json_integer((json_int_t)ra));
	json_object_set_new(o, "reclaim_below", json_integer((json_int_t)rb));
	json_object_set_new(o, "compact_promoted",
			    json_integer((json_int_t)ca));
	json_object_set_new(o, "compact_below", json_integer((json_int_t)cb));
	return o;
}

static json_t *direct_reclaim_json(struct trace_state *st)
{
	json_t *o = json_object(), *ord = json_object(), *mt, *bits;
	size_t i, ntasks, nopen;
	uint64_t open_max;
	char key[16];

	json_object_set_new(o, "latency", durset_json(&st->dr, true));
	json_object_set_new(
		o, "stall_pct",
		json_real(duration_ns(st) ?
				  100.0 * (double)st->dr.sum / duration_ns(st) :
				  0));
	for (i = 0; i < ARRAY_SIZE(st->dr_order); i++)
		if (st->dr_order[i].n)
			json_object_set_new(
				ord, order_key((int)i, key, sizeof(key)),
				durset_json(&st->dr_order[i], true));
	json_object_set_new(o, "by_order", ord);
	bits = json_object();
	json_object_set_new(bits, "movable",
			    json_integer((json_int_t)st->gfp_movable));
	json_object_set_new(bits, "reclaimable",
			    json_integer((json_int_t)st->gfp_reclaimable));
	json_object_set_new(bits, "source",
			    json_string("the gfp_flags print format"));
	json_object_set_new(o, "gfp_bits", bits);
	if (st->gfp_movable && st->gfp_reclaimable) {
		mt = json_object();
		for (i = 0; i < ARRAY_SIZE(mt_keys); i++)
			json_object_set_new(mt, mt_keys[i],
					    durset_json(&st->dr_mt[i], true));
	} else {
		mt = json_null(); /* the format did not name the bits */
	}
	json_object_set_new(o, "by_migratetype", mt);
	json_object_set_new(o, "by_order_migratetype",
			    st->gfp_movable && st->gfp_reclaimable ?
				    cross_json(st) :
				    json_null());
	json_object_set_new(o, "tasks", tasks_json(st, &ntasks));
	json_object_set_new(o, "tasks_total", json_integer((json_int_t)ntasks));
	json_object_set_new(o, "nr_reclaimed",
			    json_integer((json_int_t)st->dr_reclaimed));
	json_object_set_new(o, "unmatched_end",
			    json_integer((json_int_t)st->dr_unmatched_end));
	json_object_set_new(o, "nested_begin",
			    json_integer((json_int_t)st->dr_nested));
	open_pairs(st, false, &nopen, &open_max);
	json_object_set_new(o, "open_at_end", json_integer((json_int_t)nopen));
	json_object_set_new(o, "open_max_us",
			    json_real((double)open_max / 1e3));
	return o;
}

static json_t *kswapd_json(struct trace_state *st)
{
	json_t *o = json_object(), *nodes = json_object();
	double dur = duration_ns(st);
	char key[16];
	int i;

	for (i = 0; i < st->nnodes; i++) {
		struct trace_node *n = &st->nodes[i];
		json_t *j;

		if (!n->seen)
			continue;
		j = json_object();
		json_object_set_new(j, "wakes",
				    json_integer((json_int_t)n->wakes));
		json_object_set_new(j, "sleeps",
				    json_integer((json_int_t)n->sleeps));
		json_object_set_new(j, "awake_s", json_real(secs(n->awake_ns)));
		json_object_set_new(
			j, "duty_cycle_pct",
			json_real(dur ? 100.0 * (double)n->awake_ns / dur : 0));
		json_object_set_new(j, "awake_at_start",
				    json_boolean(n->awake_at_start));
		json_object_set_new(j, "awake_at_end",
				    json_boolean(n->awake_at_end));
		json_object_set_new(j, "periods",
				    durset_json(&n->periods, true));
		snprintf(key, sizeof(key), "%d", i);
		json_object_set_new(nodes, key, j);
	}
	json_object_set_new(o, "nodes", nodes);
	json_object_set_new(o, "note",
			    json_string(
				    "nodes whose kswapd neither woke nor "
				    "slept during the trace are not listed"));
	return o;
}

static json_t *wakeup_kswapd_json(struct trace_state *st)
{
	json_t *o = json_object(), *ord = json_object();
	uint64_t total = 0;
	char key[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(st->wk_order); i++) {
		total += st->wk_order[i];
		if (st->wk_order[i])
			json_object_set_new(
				ord, order_key((int)i, key, sizeof(key)),
				json_integer((json_int_t)st->wk_order[i]));
	}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "by_order", ord);
	return o;
}

/* mm_compaction_try_to_compact_pages: by order and migratetype, by prio */
static json_t *try_compact_json(struct trace_state *st)
{
	json_t *o = json_object(), *ord = json_object(), *prio = json_object();
	uint64_t total = st->tc_other;
	char key[16];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(st->tc); i++) {
		json_t *m = NULL;

		for (k = 0; k < ARRAY_SIZE(mt_keys); k++) {
			if (!st->tc[i][k])
				continue;
			total += st->tc[i][k];
			if (!m)
				m = json_object();
			json_object_set_new(
				m, mt_keys[k],
				json_integer((json_int_t)st->tc[i][k]));
		}
		if (m)
			json_object_set_new(
				ord, order_key((int)i, key, sizeof(key)), m);
	}
	for (i = 0; i < ARRAY_SIZE(st->tc_prio); i++)
		if (st->tc_prio[i]) {
			snprintf(key, sizeof(key), "%zu", i);
			json_object_set_new(
				prio, key,
				json_integer((json_int_t)st->tc_prio[i]));
		}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "by_order_migratetype", ord);
	json_object_set_new(o, "by_prio", prio);
	json_object_set_new(o, "fingerprint", fingerprint_json(st));
	return o;
}

static json_t *compaction_json(struct trace_state *st)
{
	const struct trace_bound *end = find_bound(st, "mm_compaction_end");
	json_t *o = json_object(), *status = json_object();
	size_t i, nopen;
	uint64_t open_max;

	json_object_set_new(o, "duration", durset_json(&st->cp, true));
	for (i = 0; i < ARRAY_SIZE(st->cp_status); i++) {
		const char *name;
		char key[32];

		if (!st->cp_status[i])
			continue;
		name = end ? trace_symbol(end->event, "status", (long long)i) :
			     NULL;
		if (!name) {
			snprintf(key, sizeof(key), "status_%zu", i);
			name = key;
		}
		json_object_set_new(status, name,
				    json_integer((json_int_t)st->cp_status[i]));
	}
	if (st->cp_status_other)
		json_object_set_new(
			status, "other",
			json_integer((json_int_t)st->cp_status_other));
	json_object_set_new(o, "status", status);
	json_object_set_new(o, "try_to_compact", try_compact_json(st));
	json_object_set_new(o, "unmatched_end",
			    json_integer((json_int_t)st->cp_unmatched_end));
	json_object_set_new(o, "nested_begin",
			    json_integer((json_int_t)st->cp_nested));
	open_pairs(st, true, &nopen, &open_max);
	json_object_set_new(o, "open_at_end", json_integer((json_int_t)nopen));
	json_object_set_new(o, "open_max_us",
			    json_real((double)open_max / 1e3));
	return o;
}

static json_t *mt_name(const struct trace_state *st, int mt)
{
	return mt >= 0 && mt < st->nmt_names ? json_string(st->mt_names[mt]) :
					       json_null();
}

static json_t *extfrag_json(struct trace_state *st)
{
	json_t *o = json_object(), *a = json_array();
	uint64_t total = st->xf_other, frag = 0;
	int i;

	for (i = 0; i < st->nxf; i++) {
		const struct trace_extfrag *x = &st->xf[i];
		json_t *e = json_object();

		total += x->n;
		if (x->fragmenting == 1)
			frag += x->n;
		json_object_set_new(e, "alloc_migratetype",
				    json_integer(x->alloc_mt));
		json_object_set_new(e, "alloc_name", mt_name(st, x->alloc_mt));
		json_object_set_new(e, "fallback_migratetype",
				    json_integer(x->fallback_mt));
		json_object_set_new(e, "fallback_name",
				    mt_name(st, x->fallback_mt));
		json_object_set_new(e, "fragmenting",
				    x->fragmenting < 0 ?
					    json_null() :
					    json_boolean(x->fragmenting));
		json_object_set_new(e, "count", json_integer((json_int_t)x->n));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "fragmenting", json_integer((json_int_t)frag));
	json_object_set_new(o, "pageblock_order",
			    st->pageblock_order < 0 ?
				    json_null() :
				    json_integer(st->pageblock_order));
	json_object_set_new(o, "by_migratetype", a);
	if (st->xf_other)
		json_object_set_new(o, "uncounted_keys",
				    json_integer((json_int_t)st->xf_other));
	return o;
}

static json_t *reclaim_retry_json(struct trace_state *st)
{
	const struct trace_bound *b = find_bound(st, "reclaim_retry_zone");
	json_t *o = json_object(), *a = json_array();
	uint64_t total = st->rr_other;
	int i;

	for (i = 0; i < st->nrr; i++) {
		const struct trace_retry *z = &st->rr[i];
		const char *zn =
			b ? trace_symbol(b->event, "zone_idx", z->zone) : NULL;
		json_t *e = json_object(), *last = json_object();

		total += z->n;
		json_object_set_new(e, "node", json_integer(z->node));
		json_object_set_new(e, "zone_idx", json_integer(z->zone));
		json_object_set_new(e, "zone",
				    zn ? json_string(zn) : json_null());
		json_object_set_new(e, "count", json_integer((json_int_t)z->n));
		json_object_set_new(e, "max_no_progress_loops",
				    json_integer(z->max_no_progress_loops));
		json_object_set_new(
			last, "t_s",
			json_real(z->ts > st->t0 ? secs(z->ts - st->t0) : 0));
		json_object_set_new(last, "order", json_integer(z->order));
		json_object_set_new(last, "reclaimable",
				    json_integer((json_int_t)z->reclaimable));
		json_object_set_new(last, "available",
				    json_integer((json_int_t)z->available));
		json_object_set_new(last, "min_wmark",
				    json_integer((json_int_t)z->min_wmark));
		json_object_set_new(last, "no_progress_loops",
				    json_integer(z->no_progress_loops));
		json_object_set_new(last, "wmark_check",
				    z->wmark_check < 0 ?
					    json_null() :
					    json_integer(z->wmark_check));
		json_object_set_new(e, "last", last);
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "count", json_integer((json_int_t)total));
	json_object_set_new(o, "zones", a);
	return o;
}

static json_t *oom_victims_json(struct trace_state *st)
{
	json_t *o = json_object(), *a = json_array();
	size_t i;

	for (i = 0; i < st->nvictims; i++) {
		const struct trace_victim *v = &st->victims[i];
		const struct trace_task *t = trace_task_find(st, v->pid);
		json_t *e = json_object();
		const char *comm = v->has_comm	   ? v->comm :
				   t && t->comm[0] ? t->comm :
						     NULL;

		json_object_set_new(
			e, "t_s",
			json_real(v->ts > st->t0 ? secs(v->ts - st->t0) : 0));
		json_object_set_new(e, "pid", json_integer(v->pid));
		json_object_set_new(e, "comm",
				    comm ? json_string(comm) : json_null());
		if (v->has_rss) {
			json_object_set_new(e, "total_vm_kB",
					    json_integer(v->total_vm_kb));
			json_object_set_new(e, "anon_rss_kB",
					    json_integer(v->anon_rss_kb));
			json_object_set_new(e, "file_rss_kB",
					    json_integer(v->file_rss_kb));
			json_object_set_new(e, "shmem_rss_kB",
					    json_integer(v->shmem_rss_kb));
		}
		if (v->has_adj)
			json_object_set_new(e, "oom_score_adj",
					    json_integer(v->oom_score_adj));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "count", json_integer((json_int_t)st->nvictims));
	json_object_set_new(o, "victims", a);
	return o;
}

static json_t *counts_json(struct trace_state *st)
{
	json_t *o = json_object();

	(void)st;
	return o; /* events_json() holds the counts */
}

static const struct {
	const char *name;
	json_t *(*fn)(struct trace_state *st);
} reports[] = {
	{ "direct_reclaim", direct_reclaim_json },
	{ "kswapd", kswapd_json },
	{ "wakeup_kswapd", wakeup_kswapd_json },
	{ "compaction", compaction_json },
	{ "extfrag", extfrag_json },
	{ "reclaim_retry", reclaim_retry_json },
	{ "oom_victims", oom_victims_json },
	{ "counts", counts_json },
};

json_t *trace_group_json(struct trace_state *st, const char *group)
{
	json_t *o = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(reports) && !o; i++)
		if (!strcmp(reports[i].name, group))
			o = reports[i].fn(st);
	if (!o)
		return NULL;
	json_object_set_new(o, "events", events_json(st, group));
	json_object_set_new(o, "duration_s", json_real(duration_ns(st) / 1e9));
	return o;
}

static bool group_present(const struct trace_state *st, const char *group)
{
	size_t i;
	bool any = false;

	for (i = 0; i < st->nbound; i++)
		if (!strcmp(st->bound[i].ops->group, group)) {
			if (!st->bound[i].event || !st->bound[i].selected)
				return false;
			any = true;
		}
	return any;
}

static void pick(json_t *dst, const char *dkey, json_t *src, const char *skey)
{
	json_t *v = json_object_get(src, skey);

	json_object_set(dst, dkey, v ? v : json_null());
}

json_t *trace_state_summary(struct trace_state *st)
{
	json_t *o = json_object(), *g, *j;
	double dur = duration_ns(st), maxduty = 0;
	int i;

	if (group_present(st, "direct_reclaim")) {
		g = durset_json(&st->dr, false);
		json_object_set_new(
			g, "stall_pct",
			json_real(dur ? 100.0 * (double)st->dr.sum / dur : 0));
		if (st->gfp_movable && st->gfp_reclaimable) {
			json_t *rate = json_object();

			json_object_set_new(
				g, "unmovable_count",
				json_integer((json_int_t)st
						     ->dr_mt[TRACE_MT_UNMOVABLE]
						     .n));
			/* stalls begun per second, by the request's type */
			for (i = 0; i < (int)ARRAY_SIZE(mt_keys); i++)
				json_object_set_new(
					rate, mt_keys[i],
					json_real(dur ? (double)st->dr_mt[i].n *
								  1e9 / dur :
							0));
			json_object_set_new(g, "per_s_by_migratetype", rate);
			json_object_set_new(
				g, "nonmovable_stall_s",
				json_real(secs(
					st->dr_mt[TRACE_MT_UNMOVABLE].sum +
					st->dr_mt[TRACE_MT_RECLAIMABLE].sum)));
			json_object_set_new(
				g, "movable_stall_s",
				json_real(
					secs(st->dr_mt[TRACE_MT_MOVABLE].sum)));
		}
		json_object_set_new(o, "direct_reclaim", g);
	}
	if (group_present(st, "kswapd")) {
		g = json_object();
		for (i = 0; i < st->nnodes; i++) {
			double d = dur ? 100.0 * (double)st->nodes[i].awake_ns /
						   dur :
					 0;

			if (d > maxduty)
				maxduty = d;
		}
		json_object_set_new(g, "max_duty_cycle_pct",
				    json_real(maxduty));
		json_object_set_new(o, "kswapd", g);
	}
	if (group_present(st, "wakeup_kswapd")) {
		j = wakeup_kswapd_json(st);
		json_object_set(o, "wakeup_kswapd",
				json_object_get(j, "total"));
		json_decref(j);
	}
	if (group_present(st, "compaction")) {
		j = durset_json(&st->cp, false);
		g = json_object();
		pick(g, "count", j, "count");
		pick(g, "p99_us", j, "p99_us");
		pick(g, "max_us", j, "max_us");
		json_decref(j);
		json_object_set_new(o, "compaction", g);
	}
	/* both groups feed it: direct reclaim orders, compaction orders */
	if (group_present(st, "direct_reclaim") &&
	    group_present(st, "compaction"))
		json_object_set_new(o, "defrag_fingerprint",
				    fingerprint_json(st));
	if (group_present(st, "extfrag")) {
		j = extfrag_json(st);
		g = json_object();
		pick(g, "count", j, "total");
		pick(g, "fragmenting", j, "fragmenting");
		json_decref(j);
		json_object_set_new(o, "extfrag", g);
	}
	if (group_present(st, "reclaim_retry")) {
		j = reclaim_retry_json(st);
		json_object_set(o, "reclaim_retry_zone",
				json_object_get(j, "count"));
		json_decref(j);
	}
	if (group_present(st, "oom_victims"))
		json_object_set_new(o, "oom_victims",
				    json_integer((json_int_t)st->nvictims));
	return o;
}

/* one column of trace/timeline.csv: its name, the group it needs, its value */
struct tl_col {
	const char *name, *group;
	int prec; /* decimals */
	double (*val)(const struct trace_tl_bin *b, double step);
};

static double tl_some(const struct trace_tl_bin *b, double step)
{
	return 100.0 * (double)b->some_ns / step;
}

static double tl_stall(const struct trace_tl_bin *b, double step)
{
	return (double)b->stall_ns / step;
}

static double tl_max(const struct trace_tl_bin *b, double step)
{
	(void)step;
	return (double)b->max_ns / 1e6;
}

static double tl_n(const struct trace_tl_bin *b, double step)
{
	return (double)b->n * NSEC_PER_SEC / step;
}

static double tl_nm_stall(const struct trace_tl_bin *b, double step)
{
	return (double)b->nm_stall_ns / step;
}

static double tl_nm_share(const struct trace_tl_bin *b, double step)
{
	(void)step;
	return b->stall_ns ?
		       100.0 * (double)b->nm_stall_ns / (double)b->stall_ns :
		       0.0;
}

static double tl_wk_o3plus(const struct trace_tl_bin *b, double step)
{
	return (double)b->wk_o3plus * NSEC_PER_SEC / step;
}

static const struct tl_col tl_cols[] = {
	{ "trace.dr_some_pct", "direct_reclaim", 2, tl_some },
	{ "trace.dr_stall_s_per_s", "direct_reclaim", 4, tl_stall },
	{ "trace.dr_max_ms", "direct_reclaim", 3, tl_max },
	{ "trace.dr_per_s", "direct_reclaim", 1, tl_n },
	{ "trace.dr_nm_stall_s_per_s", "direct_reclaim", 4, tl_nm_stall },
	{ "trace.dr_nm_share_pct", "direct_reclaim", 2, tl_nm_share },
	{ "trace.wk_o3plus_per_s", "wakeup_kswapd", 1, tl_wk_o3plus },
};

const char *trace_timeline_group(const char *col)
{
	size_t c;

	for (c = 0; c < ARRAY_SIZE(tl_cols); c++)
		if (!strcmp(tl_cols[c].name, col))
			return tl_cols[c].group;
	return NULL;
}

const char *trace_timeline_col(size_t i)
{
	return i < ARRAY_SIZE(tl_cols) ? tl_cols[i].name : NULL;
}

bool trace_timeline_wanted(const struct trace_state *st)
{
	size_t c;

	for (c = 0; c < ARRAY_SIZE(tl_cols); c++)
		if (group_present(st, tl_cols[c].group))
			return true;
	return false;
}

/*
 * The columns of the groups that were traced: a column of a group that
 * was not would read 0, which is not what happened
 */
int trace_timeline_csv(const struct trace_state *st, const char *path)
{
	double step = (double)st->tl_step;
	bool on[ARRAY_SIZE(tl_cols)];
	size_t c, k, n = st->ntl;
	struct afile a;
	FILE *f;
	int ret;

	if (!st->tl_step || !trace_timeline_wanted(st))
		return 0;
	/* quiet bins up to the end of the trace are rows too */
	if (st->t1 > st->tl_t0 && (st->t1 - st->tl_t0) / st->tl_step > n)
		n = (size_t)((st->t1 - st->tl_t0) / st->tl_step);
	ret = afile_open(&a, path);
	if (ret)
		return ret;
	f = a.f;
	fputs("t", f);
	for (c = 0; c < ARRAY_SIZE(tl_cols); c++) {
		on[c] = group_present(st, tl_cols[c].group);
		if (on[c])
			fprintf(f, ",%s", tl_cols[c].name);
	}
	fputc('\n', f);
	for (k = 0; k < n; k++) {
		static const struct trace_tl_bin zero;
		const struct trace_tl_bin *b = k < st->ntl ? &st->tl[k] : &zero;

		fprintf(f, "%.3f", (double)(k + 1) * step / NSEC_PER_SEC);
		for (c = 0; c < ARRAY_SIZE(tl_cols); c++) {
			if (!on[c])
				continue;
			fputc(',', f);
			fprintf(f, "%.*f", tl_cols[c].prec,
				tl_cols[c].val(b, step));
		}
		fputc('\n', f);
	}
	return afile_commit(&a);
}
