// SPDX-License-Identifier: GPL-2.0
/*
 * compaction:mm_compaction_begin/end: durations and status counts, the
 * durations split by mode (sync or async) and by caller (kcompactd or a
 * task compacting directly);
 * compaction:mm_compaction_try_to_compact_pages: the order a request
 * compacts at, by its migratetype, which with direct reclaim makes the
 * defrag fingerprint.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

/* The splits of "duration_by", in its key order */
enum { BY_SYNC, BY_ASYNC, BY_DIRECT, BY_KCOMPACTD, NBY };
static const char *const by_keys[NBY] = { "sync", "async", "direct",
					  "kcompactd" };

struct cp_task {
	bool in_cp;
	uint64_t begin; /* in compaction since */
	int mode; /* of the run: BY_SYNC, BY_ASYNC, or -1 unknown */
	bool tried; /* called try_to_compact_pages: compacts directly */
};

struct cp_state {
	struct durset durations;
	struct durset by[NBY]; /* by mode, and by caller */
	uint64_t mode_unknown, caller_unknown;
	uint64_t status[16], status_other;
	uint64_t unmatched_end, nested;
	/* mm_compaction_try_to_compact_pages: [order slot][migratetype] */
	uint64_t tries[TRACE_ORDERS + 1][3];
	/* by priority; without a known migratetype */
	uint64_t tries_prio[4], tries_other;
};

static void *cp_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct cp_state));
}

/* BY_SYNC or BY_ASYNC from a "sync" field (bool), or -1 without one */
static int mode_of(const struct trace_bound *b, int i,
		   const struct trace_rec *r)
{
	if (!b->f[i])
		return -1;
	return trace_field(b, i, r) ? BY_SYNC : BY_ASYNC;
}

/*
 * Who compacts: kcompactd (the pid of its wake/sleep when the kcompactd
 * group is traced; else its kthreads' name, kcompactdN), or a task
 * compacting directly: any other name, or one seen calling
 * try_to_compact_pages; -1 when neither is known
 */
static int caller_of(struct trace_state *st, int pid, const struct cp_task *t)
{
	struct trace_task *task = trace_task_find(st, pid);
	const char *comm = task && task->comm[0] ? task->comm : NULL;

	/* kcompactd traced: its pid is known, whatever names were saved */
	if (trace_kcompactd_node(st, pid) >= 0)
		return BY_KCOMPACTD;
	if (!comm)
		comm = trace_saved_comm(st, pid);
	if (comm)
		return strncmp(comm, "kcompactd", strlen("kcompactd")) ?
			       BY_DIRECT :
			       BY_KCOMPACTD;
	return t->tried ? BY_DIRECT : -1;
}

enum { CB_SYNC };

static void compaction_begin(struct trace_state *st,
			     const struct trace_bound *b,
			     const struct trace_rec *r)
{
	struct cp_task *t = trace_pid_data(st, b->gs, r->pid, true);
	struct cp_state *c = b->gs;

	if (t->in_cp)
		c->nested++;
	t->in_cp = true;
	t->begin = r->ts;
	t->mode = mode_of(b, CB_SYNC, r);
}

enum { CE_STATUS, CE_SYNC };

/* One row per run that ended: its duration, outcome, mode and caller */
static void list_run(struct trace_state *st, const struct trace_bound *b,
		     const struct trace_rec *r, uint64_t ns, long long status,
		     int mode, int caller)
{
	const char *name = trace_symbol(b->event, "status", status);
	char detail[96], sb[24];

	if (!trace_listed(st, b))
		return;
	if (!name) {
		snprintf(sb, sizeof(sb), "status_%lld", status);
		name = sb;
	}
	snprintf(detail, sizeof(detail), "%s %s %s", name,
		 mode >= 0 ? by_keys[mode] : "?",
		 caller >= 0 ? by_keys[caller] : "?");
	trace_list(st, b, r,
		   &(struct trace_item){ .what = "compaction",
					 .node = -1,
					 .order = -1,
					 .value = (double)ns / 1e3,
					 .unit = "us",
					 .detail = detail });
}

static void compaction_end(struct trace_state *st, const struct trace_bound *b,
			   const struct trace_rec *r)
{
	struct cp_task *t = trace_pid_data(st, b->gs, r->pid, false);
	long long status = trace_field_s(b, CE_STATUS, r);
	struct cp_state *c = b->gs;
	int mode, caller;
	uint64_t ns;

	if (status >= 0 && status < (long long)ARRAY_SIZE(c->status))
		c->status[status]++;
	else
		c->status_other++;
	if (!t || !t->in_cp || r->ts < t->begin) {
		c->unmatched_end++;
		return;
	}
	t->in_cp = false;
	ns = r->ts - t->begin;
	durset_add(&c->durations, ns);
	/* the end says the mode too; the begin's when the end's is unbound */
	mode = b->f[CE_SYNC] ? mode_of(b, CE_SYNC, r) : t->mode;
	if (mode >= 0)
		durset_add(&c->by[mode], ns);
	else
		c->mode_unknown++;
	caller = caller_of(st, r->pid, t);
	if (caller >= 0)
		durset_add(&c->by[caller], ns);
	else
		c->caller_unknown++;
	list_run(st, b, r, ns, status, mode, caller);
}

/*
 * ---- compaction:mm_compaction_try_to_compact_pages ----
 * The order a request compacts at, by its migratetype: under
 * vm.defrag_mode=1 a kernel with the 7.2 fix compacts for a non-movable
 * request at pageblock order or above, whatever order was asked for.
 */

enum { TC_ORDER, TC_GFP, TC_PRIO };

static void try_compact_init(struct trace_state *st, struct trace_bound *b)
{
	trace_gfp_bits_init(st, b, TC_GFP, "gfp_mask");
}

static void try_compact(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	int mt = trace_gfp_mt(st, trace_field(b, TC_GFP, r));
	long long prio = trace_field_s(b, TC_PRIO, r);
	long long order = trace_field_s(b, TC_ORDER, r);
	struct cp_task *t = trace_pid_data(st, b->gs, r->pid, true);
	struct cp_state *c = b->gs;
	char detail[64];

	t->tried = true;
	if (mt >= 0)
		c->tries[trace_order_slot(order)][mt]++;
	else
		c->tries_other++;
	if (prio >= 0 && prio < (long long)ARRAY_SIZE(c->tries_prio))
		c->tries_prio[prio]++;
	if (!trace_listed(st, b))
		return;
	snprintf(detail, sizeof(detail), "%s prio %lld",
		 mt >= 0 ? trace_mt_keys[mt] : "?", prio);
	trace_list(st, b, r,
		   &(struct trace_item){ .what = "try_to_compact",
					 .node = -1,
					 .order = order,
					 .value = (double)prio,
					 .detail = detail });
}

static void cp_free(void *gs)
{
	struct cp_state *c = gs;
	size_t i;

	durset_free(&c->durations);
	for (i = 0; i < ARRAY_SIZE(c->by); i++)
		durset_free(&c->by[i]);
	free(c);
}

/* ---- the report ---- */

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
static json_t *fingerprint_json(struct trace_state *st, struct cp_state *c)
{
	uint64_t dr[TRACE_ORDERS + 1][3], rb, ra, cb, ca;
	json_t *o = json_object();
	const char *b;

	if (st->pageblock_order < 0 || !st->gfp_movable ||
	    !st->gfp_reclaimable) {
		json_object_set_new(o, "behaviour", json_string("unknown"));
		json_object_set_new(
			o, "why",
			json_string("pageblock_order or the gfp migratetype "
				    "bits are not in this kernel's formats"));
		return o;
	}
	trace_dr_requests(st, dr);
	split_at_pageblock(st, dr, &rb, &ra);
	split_at_pageblock(st, c->tries, &cb, &ca);
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

/* Attempts by order and migratetype crossed; adds them to *total */
static json_t *tries_by_order_json(struct cp_state *c, uint64_t *total)
{
	json_t *ord = json_object();
	char key[16];
	size_t i, k;

	for (i = 0; i < ARRAY_SIZE(c->tries); i++) {
		json_t *m = NULL;

		for (k = 0; k < ARRAY_SIZE(trace_mt_keys); k++) {
			if (!c->tries[i][k])
				continue;
			*total += c->tries[i][k];
			if (!m)
				m = json_object();
			json_object_set_new(
				m, trace_mt_keys[k],
				json_integer((json_int_t)c->tries[i][k]));
		}
		if (m)
			json_object_set_new(
				ord, trace_order_key((int)i, key, sizeof(key)),
				m);
	}
	return ord;
}

/* mm_compaction_try_to_compact_pages: by order and migratetype, by prio */
static json_t *try_compact_json(struct trace_state *st, struct cp_state *c)
{
	json_t *o = json_object(), *ord, *prio = json_object();
	uint64_t total = c->tries_other;
	char key[16];
	size_t i;

	ord = tries_by_order_json(c, &total);
	for (i = 0; i < ARRAY_SIZE(c->tries_prio); i++)
		if (c->tries_prio[i]) {
			snprintf(key, sizeof(key), "%zu", i);
			json_object_set_new(
				prio, key,
				json_integer((json_int_t)c->tries_prio[i]));
		}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "by_order_migratetype", ord);
	json_object_set_new(o, "by_prio", prio);
	json_object_set_new(o, "fingerprint", fingerprint_json(st, c));
	return o;
}

/* a compaction still running at the end: for trace_json_open_at_end() */
static bool task_open(const void *data, uint64_t *begin)
{
	const struct cp_task *t = data;

	*begin = t->begin;
	return t->in_cp;
}

/* Status counts, by the names in mm_compaction_end's print format */
static json_t *status_json(struct trace_state *st, struct cp_state *c)
{
	const struct trace_bound *end =
		trace_find_bound(st, "mm_compaction_end");
	json_t *status = json_object();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c->status); i++) {
		const char *name;
		char key[32];

		if (!c->status[i])
			continue;
		name = end ? trace_symbol(end->event, "status", (long long)i) :
			     NULL;
		if (!name) {
			snprintf(key, sizeof(key), "status_%zu", i);
			name = key;
		}
		json_object_set_new(status, name,
				    json_integer((json_int_t)c->status[i]));
	}
	if (c->status_other)
		json_object_set_new(status, "other",
				    json_integer((json_int_t)c->status_other));
	return status;
}

/*
 * The durations by mode (sync, async) and by caller (direct, kcompactd):
 * each run is in one of the first two and one of the last two
 */
static json_t *duration_by_json(struct cp_state *c)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c->by); i++)
		json_object_set_new(o, by_keys[i],
				    durset_json(&c->by[i], true));
	return o;
}

static json_t *cp_json(struct trace_state *st, void *gs)
{
	struct cp_state *c = gs;
	json_t *o = json_object();

	json_object_set_new(o, "duration", durset_json(&c->durations, true));
	json_object_set_new(o, "duration_by", duration_by_json(c));
	json_object_set_new(o, "mode_unknown",
			    json_integer((json_int_t)c->mode_unknown));
	json_object_set_new(o, "caller_unknown",
			    json_integer((json_int_t)c->caller_unknown));
	json_object_set_new(o, "status", status_json(st, c));
	json_object_set_new(o, "try_to_compact", try_compact_json(st, c));
	json_object_set_new(o, "unmatched_end",
			    json_integer((json_int_t)c->unmatched_end));
	json_object_set_new(o, "nested_begin",
			    json_integer((json_int_t)c->nested));
	trace_json_open_at_end(o, st, gs, task_open);
	return o;
}

static void pick(json_t *dst, const char *dkey, json_t *src, const char *skey)
{
	json_t *v = json_object_get(src, skey);

	json_object_set(dst, dkey, v ? v : json_null());
}

static void cp_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct cp_state *c = gs;
	json_t *j = durset_json(&c->durations, false), *g = json_object();

	pick(g, "count", j, "count");
	pick(g, "p99_us", j, "p99_us");
	pick(g, "max_us", j, "max_us");
	json_decref(j);
	json_object_set_new(g, "status", status_json(st, c));
	json_object_set_new(o, "compaction", g);
	/* both groups feed it: direct reclaim orders, compaction orders */
	if (trace_group_present(st, "direct_reclaim"))
		json_object_set_new(o, "defrag_fingerprint",
				    fingerprint_json(st, c));
}

static int cp_describe(const json_t *t, char *buf, size_t len)
{
	json_t *st =
		json_object_get(json_object_get(t, "compaction"), "status");
	double n = trace_num(t, "compaction", "count");
	char a[32], b[32];
	const char *k;
	json_t *v;
	int w;

	if (isnan(n))
		return 0;
	w = snprintf(buf, len, "compaction: %.0f runs, p99 %s, max %s", n,
		     trace_fmt_us(trace_num(t, "compaction", "p99_us"), a,
				  sizeof(a)),
		     trace_fmt_us(trace_num(t, "compaction", "max_us"), b,
				  sizeof(b)));
	if (json_is_object(st) && json_object_size(st) && w > 0 &&
	    (size_t)w < len)
		w += snprintf(buf + w, len - (size_t)w, "; outcomes:");
	if (json_is_object(st))
		json_object_foreach(st, k, v)
		{
			if (w < 0 || (size_t)w >= len || !json_is_number(v))
				continue;
			w += snprintf(buf + w, len - (size_t)w, " %s %.0f", k,
				      json_number_value(v));
		}
	return 1;
}

static int cp_progress(const struct trace_state *st, const void *gs, char *buf,
		       size_t len)
{
	const struct cp_state *c = gs;

	(void)st;
	return snprintf(buf, len, " | compaction %zu", c->durations.n);
}

/* The order of each event's fields matches its handler's enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "compaction",
		.name = "mm_compaction_begin",
		.ordered = true,
		.fields = { "?sync" },
		.handle = compaction_begin,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_end",
		.ordered = true,
		.fields = { "status", "?sync" },
		.handle = compaction_end,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_try_to_compact_pages",
		.fields = { "order", "gfp_mask", "prio" },
		.init = try_compact_init,
		.handle = try_compact,
	},
};

const struct trace_group_ops trace_group_compaction = {
	.name = "compaction",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = cp_new,
	.json = cp_json,
	.summary = cp_summary,
	.describe = cp_describe,
	.free = cp_free,
	.progress = cp_progress,
	.task_size = sizeof(struct cp_task),
};
