// SPDX-License-Identifier: GPL-2.0
/*
 * compaction:mm_compaction_kcompactd_wake/sleep and
 * mm_compaction_wakeup_kcompactd: per node, kcompactd's awake periods
 * (wake -> sleep) as a histogram and its duty cycle (periods.c keeps
 * them, as for kswapd), its wakes by order, the wakeups by order, and
 * the latency from the first wakeup since kcompactd last slept to its
 * next wake.
 *
 * kcompactd traces a sleep each time round its loop, also when it only
 * timed out (proactive compaction) and never woke: a sleep with no wake
 * before it says nothing of the time before, unlike kswapd's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../util.h"
#include "group.h"

struct kcd_state {
	struct trace_periods p;
};

long long trace_kcompactd_node(const struct trace_state *st, int pid)
{
	const struct kcd_state *k = trace_group_state(st, "kcompactd");

	return k ? trace_periods_node_of(&k->p, pid) : -1;
}

static void *kcd_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct kcd_state));
}

enum { KC_NID, KC_ORDER, KC_ZONE };

static void kcd_wake(struct trace_state *st, const struct trace_bound *b,
		     const struct trace_rec *r)
{
	struct kcd_state *k = b->gs;

	(void)st;
	trace_periods_wake(&k->p, trace_field_s(b, KC_NID, r),
			   trace_field_s(b, KC_ORDER, r), r->ts, r->pid);
}

static void kcd_sleep(struct trace_state *st, const struct trace_bound *b,
		      const struct trace_rec *r)
{
	struct kcd_state *k = b->gs;
	long long nid = trace_field_s(b, KC_NID, r);
	bool complete;
	uint64_t ns;

	if (trace_periods_sleep(st, &k->p, nid, r->ts, r->pid, &ns,
				&complete) &&
	    complete)
		trace_list(st, b, r,
			   &(struct trace_item){
				   .what = "period",
				   .node = nid,
				   .order = -1,
				   .value = (double)ns / 1e3,
				   .unit = "us",
			   });
}

static void kcd_wakeup(struct trace_state *st, const struct trace_bound *b,
		       const struct trace_rec *r)
{
	struct kcd_state *k = b->gs;
	long long nid = trace_field_s(b, KC_NID, r);
	long long order = trace_field_s(b, KC_ORDER, r);
	long long zone = trace_field_s(b, KC_ZONE, r);
	const char *name = NULL;
	char detail[64];

	trace_periods_wakeup(&k->p, nid, order, r->ts);
	if (!trace_listed(st, b))
		return;
	if (b->f[KC_ZONE]) {
		name = trace_symbol(b->event, "highest_zoneidx", zone);
		if (!name)
			name = trace_symbol(b->event, "classzone_idx", zone);
		snprintf(detail, sizeof(detail), "highest_zoneidx=%lld%s%s%s",
			 zone, name ? " (" : "", name ? name : "",
			 name ? ")" : "");
	}
	trace_list(st, b, r,
		   &(struct trace_item){
			   .what = "wakeup",
			   .node = nid,
			   .order = order,
			   .value = 1,
			   .detail = b->f[KC_ZONE] ? detail : NULL,
		   });
}

static void kcd_end(struct trace_state *st, void *gs)
{
	struct kcd_state *k = gs;

	trace_periods_end(st, &k->p);
}

static void kcd_free(void *gs)
{
	struct kcd_state *k = gs;

	trace_periods_free(&k->p);
	free(k);
}

static json_t *kcd_json(struct trace_state *st, void *gs)
{
	struct kcd_state *k = gs;
	json_t *o = json_object(), *nodes = json_object();
	double p99 = trace_periods_latency_us(&k->p, 0.99);
	char key[16];
	int i;

	for (i = 0; i < k->p.nnodes; i++) {
		if (!k->p.nodes[i].seen && !k->p.nodes[i].wakeups)
			continue;
		snprintf(key, sizeof(key), "%d", i);
		json_object_set_new(nodes, key,
				    trace_periods_node_json(st,
							    &k->p.nodes[i]));
	}
	json_object_set_new(o, "nodes", nodes);
	json_object_set_new(
		o, "wakes",
		json_integer((json_int_t)trace_periods_wakes(&k->p)));
	json_object_set_new(
		o, "wakeups",
		json_integer((json_int_t)trace_periods_wakeups(&k->p)));
	json_object_set_new(o, "wakeup_latency_p99_us",
			    isnan(p99) ? json_null() : json_real(p99));
	json_object_set_new(
		o, "note",
		json_string(
			"nodes whose kcompactd neither woke nor slept, nor was "
			"woken, during the trace are not listed; kcompactd "
			"traces a sleep each time round its loop, so a sleep "
			"with no wake before it is not taken for awake time"));
	return o;
}

static void kcd_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct kcd_state *k = gs;

	json_object_set_new(o, "kcompactd", trace_periods_summary(st, &k->p));
}

static int kcd_describe(const json_t *t, char *buf, size_t len)
{
	return trace_periods_describe(t, "kcompactd", buf, len);
}

static int kcd_progress(const struct trace_state *st, const void *gs, char *buf,
			size_t len)
{
	const struct kcd_state *k = gs;

	return snprintf(buf, len, " | kcompactd awake %.0f%%",
			trace_periods_duty_now(st, &k->p));
}

static double tl_awake(const void *gs, size_t k, double step)
{
	const struct kcd_state *s = gs;

	return trace_periods_awake_pct(&s->p, k, step);
}

static const struct trace_tl_col tl_cols[] = {
	{ "trace.kcompactd_awake_pct", 2, tl_awake },
};

/* The order of each event's fields matches the enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "compaction",
		.name = "mm_compaction_kcompactd_wake",
		.ordered = true,
		.fields = { "nid", "order", "?highest_zoneidx|classzone_idx" },
		.handle = kcd_wake,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_kcompactd_sleep",
		.ordered = true,
		.fields = { "nid" },
		.handle = kcd_sleep,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_wakeup_kcompactd",
		.ordered = true,
		.fields = { "nid", "order", "?highest_zoneidx|classzone_idx" },
		.handle = kcd_wakeup,
	},
};

const struct trace_group_ops trace_group_kcompactd = {
	.name = "kcompactd",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = kcd_new,
	.end = kcd_end,
	.json = kcd_json,
	.summary = kcd_summary,
	.describe = kcd_describe,
	.free = kcd_free,
	.progress = kcd_progress,
	.tl_cols = tl_cols,
	.ntl_cols = ARRAY_SIZE(tl_cols),
};
