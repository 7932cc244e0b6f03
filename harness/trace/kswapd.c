// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan:mm_vmscan_kswapd_wake/sleep: per node, kswapd's awake periods
 * (wake -> sleep) as a histogram, and its duty cycle (periods.c keeps
 * them, as for kcompactd); wakes by order; the latency from the first
 * mm_vmscan_wakeup_kswapd since kswapd last slept (wakeup-kswapd.c hands
 * it over) to its next wake; and the pages each awake period scanned and
 * reclaimed (lru-shrink.c hands them over), with the period's reclaim
 * efficiency.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

/* Per node: the pages of the current period, and of each complete one */
struct kswapd_ext {
	uint64_t scanned, reclaimed; /* in the current period */
	struct durset p_scanned, p_reclaimed; /* per complete period */
	/* per complete period that scanned: reclaimed/scanned, in 1e-4 % */
	struct durset eff;
};

struct kswapd_state {
	struct trace_periods p;
};

#define EFF_UNIT 1e4 /* eff values: percent times this */
#define EFF_BUCKETS 11 /* 0-10 %, ..., 90-100 %, above */

static void *kswapd_new(struct trace_state *st)
{
	struct kswapd_state *k = trace_zalloc(1, sizeof(*k));

	(void)st;
	k->p.sleep_ends_unseen = true;
	return k;
}

static struct kswapd_ext *ext_of(struct trace_period_node *n)
{
	if (!n->ext)
		n->ext = trace_zalloc(1, sizeof(struct kswapd_ext));
	return n->ext;
}

enum { KW_NID, KW_ORDER };

static void kswapd_wake(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	struct kswapd_state *k = b->gs;
	long long nid = trace_field_s(b, KW_NID, r);
	struct trace_period_node *n = trace_periods_node(&k->p, nid);
	bool was_awake = n && n->awake;

	(void)st;
	n = trace_periods_wake(&k->p, nid, trace_field_s(b, KW_ORDER, r), r->ts,
			       r->pid);
	/* a new period: its pages start from 0 */
	if (n && !was_awake)
		ext_of(n)->scanned = ext_of(n)->reclaimed = 0;
}

static void period_pages(struct trace_period_node *n)
{
	struct kswapd_ext *x = ext_of(n);

	durset_add(&x->p_scanned, x->scanned);
	durset_add(&x->p_reclaimed, x->reclaimed);
	if (x->scanned)
		durset_add(&x->eff, (uint64_t)llround(100.0 * EFF_UNIT *
						      (double)x->reclaimed /
						      (double)x->scanned));
}

static void kswapd_sleep(struct trace_state *st, const struct trace_bound *b,
			 const struct trace_rec *r)
{
	struct kswapd_state *k = b->gs;
	long long nid = trace_field_s(b, KW_NID, r);
	struct trace_period_node *n;
	const char *why = NULL;
	uint64_t ns;
	bool complete;

	n = trace_periods_sleep(st, &k->p, nid, r->ts, r->pid, &ns, &complete);
	if (!n)
		return;
	if (complete)
		period_pages(n);
	else
		why = "awake since before the trace";
	ext_of(n)->scanned = ext_of(n)->reclaimed = 0;
	/* "kswapd_sleep node 0 wake up period: 14350563(us)" */
	if (ns)
		trace_list(st, b, r,
			   &(struct trace_item){ .what = "period",
						 .node = nid,
						 .order = -1,
						 .value = (double)ns / 1e3,
						 .unit = "us",
						 .detail = why });
}

static void kswapd_end(struct trace_state *st, void *gs)
{
	struct kswapd_state *k = gs;

	trace_periods_end(st, &k->p);
}

static void kswapd_free(void *gs)
{
	struct kswapd_state *k = gs;
	struct kswapd_ext *x;
	int i;

	for (i = 0; i < k->p.nnodes; i++) {
		x = k->p.nodes[i].ext;
		if (!x)
			continue;
		durset_free(&x->p_scanned);
		durset_free(&x->p_reclaimed);
		durset_free(&x->eff);
	}
	trace_periods_free(&k->p);
	free(k);
}

/* ---- shared: wakeups and pages from other groups ---- */

void trace_kswapd_wakeup(struct trace_state *st, long long nid, long long order,
			 uint64_t ts)
{
	struct kswapd_state *k = trace_group_state(st, "kswapd");

	if (k)
		trace_periods_wakeup(&k->p, nid, order, ts);
}

long long trace_kswapd_node(const struct trace_state *st, int pid)
{
	const struct kswapd_state *k = trace_group_state(st, "kswapd");

	return k ? trace_periods_node_of(&k->p, pid) : -1;
}

void trace_kswapd_reclaimed(struct trace_state *st, long long nid,
			    uint64_t scanned, uint64_t reclaimed)
{
	struct kswapd_state *k = trace_group_state(st, "kswapd");
	struct trace_period_node *n;
	struct kswapd_ext *x;

	if (!k || nid < 0 || nid >= k->p.nnodes)
		return;
	n = &k->p.nodes[nid];
	if (!n->awake)
		return;
	x = ext_of(n);
	x->scanned += scanned;
	x->reclaimed += reclaimed;
}

/* ---- the report ---- */

/* Pages per period: {count, total, p50, p99, max} */
static json_t *pages_json(struct durset *d)
{
	json_t *o = json_object();

	json_object_set_new(o, "count", json_integer((json_int_t)d->n));
	json_object_set_new(o, "total", json_integer((json_int_t)d->sum));
	if (d->n) {
		json_object_set_new(o, "p50",
				    json_real(durset_quantile(d, 0.50)));
		json_object_set_new(o, "p99",
				    json_real(durset_quantile(d, 0.99)));
		json_object_set_new(o, "max", json_integer((json_int_t)d->max));
	}
	return o;
}

/* Reclaim efficiency per period: quantiles, and a histogram by tenths */
static json_t *eff_json(struct durset *d)
{
	uint64_t counts[EFF_BUCKETS] = { 0 };
	json_t *o = json_object(), *h = json_array();
	size_t i;
	int b;

	json_object_set_new(o, "count", json_integer((json_int_t)d->n));
	if (d->n) {
		json_object_set_new(
			o, "p50",
			json_real(durset_quantile(d, 0.50) / EFF_UNIT));
		json_object_set_new(
			o, "p99",
			json_real(durset_quantile(d, 0.99) / EFF_UNIT));
		json_object_set_new(
			o, "min", json_real(durset_quantile(d, 0) / EFF_UNIT));
		json_object_set_new(o, "max",
				    json_real((double)d->max / EFF_UNIT));
	}
	for (i = 0; i < d->n; i++) {
		b = (int)((double)d->v[i] / EFF_UNIT / 10);
		/* 100 % exactly is in the last tenth */
		if (d->v[i] == (uint64_t)(100 * EFF_UNIT))
			b = 9;
		counts[b < EFF_BUCKETS ? b : EFF_BUCKETS - 1]++;
	}
	for (b = 0; d->n && b < EFF_BUCKETS; b++) {
		json_t *e = json_object();

		json_object_set_new(e, "lo_pct", json_integer(b * 10));
		json_object_set_new(e, "hi_pct",
				    b < EFF_BUCKETS - 1 ?
					    json_integer(b * 10 + 10) :
					    json_null());
		json_object_set_new(e, "count",
				    json_integer((json_int_t)counts[b]));
		json_array_append_new(h, e);
	}
	json_object_set_new(o, "hist", h);
	return o;
}

static json_t *node_json(const struct trace_state *st,
			 struct trace_period_node *n)
{
	json_t *j = trace_periods_node_json(st, n);
	struct kswapd_ext *x = ext_of(n);

	json_object_set_new(j, "periods_scanned", pages_json(&x->p_scanned));
	json_object_set_new(j, "periods_reclaimed",
			    pages_json(&x->p_reclaimed));
	json_object_set_new(j, "efficiency_pct", eff_json(&x->eff));
	return j;
}

static json_t *kswapd_json(struct trace_state *st, void *gs)
{
	struct kswapd_state *k = gs;
	json_t *o = json_object(), *nodes = json_object();
	char key[16];
	int i;

	for (i = 0; i < k->p.nnodes; i++) {
		if (!k->p.nodes[i].seen && !k->p.nodes[i].wakeups)
			continue;
		snprintf(key, sizeof(key), "%d", i);
		json_object_set_new(nodes, key, node_json(st, &k->p.nodes[i]));
	}
	json_object_set_new(o, "nodes", nodes);
	json_object_set_new(
		o, "note",
		json_string(
			"nodes whose kswapd neither woke nor slept, nor was woken, "
			"during the trace are not listed; wakeups and their "
			"latency need the wakeup_kswapd group, the pages of "
			"each period the lru_shrink group"));
	return o;
}

static void kswapd_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct kswapd_state *k = gs;

	json_object_set_new(o, "kswapd", trace_periods_summary(st, &k->p));
}

static int kswapd_describe(const json_t *t, char *buf, size_t len)
{
	return trace_periods_describe(t, "kswapd", buf, len);
}

/* The highest duty cycle so far, an awake period counted up to now */
static int kswapd_progress(const struct trace_state *st, const void *gs,
			   char *buf, size_t len)
{
	const struct kswapd_state *k = gs;

	return snprintf(buf, len, " | kswapd awake %.0f%%",
			trace_periods_duty_now(st, &k->p));
}

static double tl_awake(const void *gs, size_t k, double step)
{
	const struct kswapd_state *s = gs;

	return trace_periods_awake_pct(&s->p, k, step);
}

static const struct trace_tl_col tl_cols[] = {
	{ "trace.kswapd_awake_pct", 2, tl_awake },
};

static const struct trace_event_ops events[] = {
	{
		.system = "vmscan",
		.name = "mm_vmscan_kswapd_wake",
		.ordered = true,
		.fields = { "nid", "order" },
		.handle = kswapd_wake,
	},
	{
		.system = "vmscan",
		.name = "mm_vmscan_kswapd_sleep",
		.ordered = true,
		.fields = { "nid" },
		.handle = kswapd_sleep,
	},
};

const struct trace_group_ops trace_group_kswapd = {
	.name = "kswapd",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = kswapd_new,
	.end = kswapd_end,
	.json = kswapd_json,
	.summary = kswapd_summary,
	.describe = kswapd_describe,
	.free = kswapd_free,
	.progress = kswapd_progress,
	.tl_cols = tl_cols,
	.ntl_cols = ARRAY_SIZE(tl_cols),
};
