// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan:mm_vmscan_kswapd_wake/sleep: per node, kswapd's awake periods
 * (wake -> sleep) as a histogram, and its duty cycle.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

#define MAX_NODES 1024

struct kswapd_node {
	bool seen, awake;
	uint64_t since; /* awake since */
	uint64_t awake_ns;
	uint64_t wakes, sleeps;
	bool awake_at_start, awake_at_end;
	struct durset periods; /* complete wake->sleep periods */
};

struct kswapd_state {
	struct kswapd_node *nodes;
	int nnodes;
};

static void *kswapd_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct kswapd_state));
}

static struct kswapd_node *node_get(struct kswapd_state *k, long long nid)
{
	int n;

	if (nid < 0 || nid >= MAX_NODES)
		return NULL;
	if (nid >= k->nnodes) {
		n = (int)nid + 1;
		k->nodes = realloc(k->nodes, (size_t)n * sizeof(*k->nodes));
		if (!k->nodes)
			die("out of memory");
		memset(k->nodes + k->nnodes, 0,
		       (size_t)(n - k->nnodes) * sizeof(*k->nodes));
		k->nnodes = n;
	}
	return &k->nodes[nid];
}

enum { KW_NID };

static void kswapd_wake(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	struct kswapd_node *n = node_get(b->gs, trace_field_s(b, KW_NID, r));

	(void)st;
	if (!n)
		return;
	n->wakes++;
	/* kswapd re-wakes without sleeping when balancing was premature */
	if (!n->awake) {
		n->awake = true;
		n->since = r->ts;
	}
	n->seen = true;
}

static void kswapd_sleep(struct trace_state *st, const struct trace_bound *b,
			 const struct trace_rec *r)
{
	struct kswapd_node *n = node_get(b->gs, trace_field_s(b, KW_NID, r));

	if (!n)
		return;
	n->sleeps++;
	if (n->awake) {
		durset_add(&n->periods, r->ts - n->since);
		n->awake_ns += r->ts - n->since;
	} else if (!n->seen && r->ts > st->t0) {
		/* awake since before the trace began: count what we saw */
		n->awake_ns += r->ts - st->t0;
		n->awake_at_start = true;
	}
	n->awake = false;
	n->seen = true;
}

static void kswapd_end(struct trace_state *st, void *gs)
{
	struct kswapd_state *k = gs;
	int i;

	for (i = 0; i < k->nnodes; i++) {
		struct kswapd_node *n = &k->nodes[i];

		/* still awake: the period so far counts towards the duty cycle */
		if (n->awake && st->t1 > n->since) {
			n->awake_ns += st->t1 - n->since;
			n->awake_at_end = true;
		}
	}
}

static void kswapd_free(void *gs)
{
	struct kswapd_state *k = gs;
	int i;

	for (i = 0; i < k->nnodes; i++)
		durset_free(&k->nodes[i].periods);
	free(k->nodes);
	free(k);
}

static json_t *node_json(struct kswapd_node *n, double dur)
{
	json_t *j = json_object();

	json_object_set_new(j, "wakes", json_integer((json_int_t)n->wakes));
	json_object_set_new(j, "sleeps", json_integer((json_int_t)n->sleeps));
	json_object_set_new(j, "awake_s", json_real(trace_secs(n->awake_ns)));
	json_object_set_new(j, "duty_cycle_pct",
			    json_real(dur ? 100.0 * (double)n->awake_ns / dur :
					    0));
	json_object_set_new(j, "awake_at_start",
			    json_boolean(n->awake_at_start));
	json_object_set_new(j, "awake_at_end", json_boolean(n->awake_at_end));
	json_object_set_new(j, "periods", durset_json(&n->periods, true));
	return j;
}

static json_t *kswapd_json(struct trace_state *st, void *gs)
{
	struct kswapd_state *k = gs;
	json_t *o = json_object(), *nodes = json_object();
	double dur = trace_duration_ns(st);
	char key[16];
	int i;

	for (i = 0; i < k->nnodes; i++) {
		if (!k->nodes[i].seen)
			continue;
		snprintf(key, sizeof(key), "%d", i);
		json_object_set_new(nodes, key, node_json(&k->nodes[i], dur));
	}
	json_object_set_new(o, "nodes", nodes);
	json_object_set_new(o, "note",
			    json_string(
				    "nodes whose kswapd neither woke nor "
				    "slept during the trace are not listed"));
	return o;
}

static void kswapd_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct kswapd_state *k = gs;
	double dur = trace_duration_ns(st), maxduty = 0;
	json_t *g = json_object();
	int i;

	for (i = 0; i < k->nnodes; i++) {
		double d = dur ? 100.0 * (double)k->nodes[i].awake_ns / dur : 0;

		if (d > maxduty)
			maxduty = d;
	}
	json_object_set_new(g, "max_duty_cycle_pct", json_real(maxduty));
	json_object_set_new(o, "kswapd", g);
}

static int kswapd_describe(const json_t *t, char *buf, size_t len)
{
	double d = trace_num(t, "kswapd", "max_duty_cycle_pct");

	if (isnan(d))
		return 0;
	snprintf(buf, len,
		 "kswapd: awake %.3g %% of the time (its busiest node)", d);
	return 1;
}

/* The highest duty cycle so far, an awake period counted up to now */
static int kswapd_progress(const struct trace_state *st, const void *gs,
			   char *buf, size_t len)
{
	const struct kswapd_state *k = gs;
	double dur = (double)(now_ns() - (int64_t)st->t0), duty = 0;
	int i;

	for (i = 0; i < k->nnodes; i++) {
		const struct kswapd_node *n = &k->nodes[i];
		double a = (double)n->awake_ns;

		if (n->awake && (double)now_ns() > (double)n->since)
			a += (double)now_ns() - (double)n->since;
		if (dur > 0 && 100 * a / dur > duty)
			duty = 100 * a / dur;
	}
	return snprintf(buf, len, " | kswapd awake %.0f%%", duty);
}

static const struct trace_event_ops events[] = {
	{
		.system = "vmscan",
		.name = "mm_vmscan_kswapd_wake",
		.ordered = true,
		.fields = { "nid" },
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
};
