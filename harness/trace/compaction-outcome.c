// SPDX-License-Identifier: GPL-2.0
/*
 * What compaction decided, zone by zone: compaction:mm_compaction_suitable
 * (whether a zone is worth compacting for an order) and
 * mm_compaction_finished (why a run stopped), counted by order and by
 * result, named as the kernel's print format names them (skipped,
 * success, ...: __print_symbolic of "ret"); and the deferral of
 * compaction after failures: mm_compaction_defer_compaction (a failure
 * pushes the next attempt back), mm_compaction_deferred (an attempt
 * skipped for it) and mm_compaction_defer_reset (a success resets it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../util.h"
#include "group.h"

#define CO_RETS 16 /* results 0..15 by value; others counted apart */

enum { CO_SUITABLE, CO_FINISHED, NRES };
enum { CO_DEFER, CO_DEFERRED, CO_RESET, NDEFER };

static const char *const res_keys[NRES] = { "suitable", "finished" };
static const char *const res_events[NRES] = { "mm_compaction_suitable",
					      "mm_compaction_finished" };
static const char *const defer_keys[NDEFER] = { "defer_compaction", "deferred",
						"defer_reset" };

struct co_result {
	uint64_t by_ret[CO_RETS], other;
	uint64_t by_order[TRACE_ORDERS + 1][CO_RETS];
};

struct co_defer {
	uint64_t count, by_order[TRACE_ORDERS + 1];
	uint64_t max_considered, max_defer_shift;
};

struct co_state {
	struct co_result res[NRES];
	struct co_defer defer[NDEFER];
};

static void *co_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct co_state));
}

static void co_free(void *gs)
{
	free(gs);
}

enum { CR_NID, CR_IDX, CR_ORDER, CR_RET };

/* The name of a result in the print format of the event that gave it */
static const char *ret_name(const struct trace_bound *b, long long v, char *buf,
			    size_t len)
{
	const char *name = b && b->event ? trace_symbol(b->event, "ret", v) :
					   NULL;

	if (name)
		return name;
	snprintf(buf, len, "ret_%lld", v);
	return buf;
}

/* ---- mm_compaction_suitable, mm_compaction_finished ---- */

static void result(struct trace_state *st, const struct trace_bound *b,
		   const struct trace_rec *r, int k)
{
	struct co_result *c = &((struct co_state *)b->gs)->res[k];
	long long nid = trace_field_s(b, CR_NID, r);
	long long order = trace_field_s(b, CR_ORDER, r);
	long long ret = trace_field_s(b, CR_RET, r);
	char buf[32];

	if (ret >= 0 && ret < CO_RETS) {
		c->by_ret[ret]++;
		c->by_order[trace_order_slot(order)][ret]++;
	} else {
		c->other++;
	}
	if (!trace_listed(st, b))
		return;
	/* "suitable node 0 order 1: 1 (skipped)" */
	trace_list(st, b, r,
		   &(struct trace_item){
			   .what = res_keys[k],
			   .node = nid,
			   .order = order,
			   .value = (double)ret,
			   .detail = ret_name(b, ret, buf, sizeof(buf)) });
}

static void suitable(struct trace_state *st, const struct trace_bound *b,
		     const struct trace_rec *r)
{
	result(st, b, r, CO_SUITABLE);
}

static void finished(struct trace_state *st, const struct trace_bound *b,
		     const struct trace_rec *r)
{
	result(st, b, r, CO_FINISHED);
}

/* ---- mm_compaction_defer_compaction, _deferred, _defer_reset ---- */

enum { CD_NID, CD_IDX, CD_ORDER, CD_CONSIDERED, CD_SHIFT, CD_FAILED };

static void defer(struct trace_state *st, const struct trace_bound *b,
		  const struct trace_rec *r, int k)
{
	struct co_defer *d = &((struct co_state *)b->gs)->defer[k];
	long long order = trace_field_s(b, CD_ORDER, r);
	uint64_t considered = trace_field(b, CD_CONSIDERED, r);
	uint64_t shift = trace_field(b, CD_SHIFT, r);
	char detail[96], failed[40] = "";

	d->count++;
	d->by_order[trace_order_slot(order)]++;
	if (considered > d->max_considered)
		d->max_considered = considered;
	if (shift > d->max_defer_shift)
		d->max_defer_shift = shift;
	if (!trace_listed(st, b))
		return;
	if (b->f[CD_FAILED])
		snprintf(failed, sizeof(failed), " order_failed %lld",
			 trace_field_s(b, CD_FAILED, r));
	snprintf(detail, sizeof(detail), "considered %llu defer_shift %llu%s",
		 (unsigned long long)considered, (unsigned long long)shift,
		 failed);
	trace_list(st, b, r,
		   &(struct trace_item){ .what = defer_keys[k],
					 .node = trace_field_s(b, CD_NID, r),
					 .order = order,
					 .value = (double)considered,
					 .detail = detail });
}

static void defer_compaction(struct trace_state *st,
			     const struct trace_bound *b,
			     const struct trace_rec *r)
{
	defer(st, b, r, CO_DEFER);
}

static void deferred(struct trace_state *st, const struct trace_bound *b,
		     const struct trace_rec *r)
{
	defer(st, b, r, CO_DEFERRED);
}

static void defer_reset(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	defer(st, b, r, CO_RESET);
}

/* ---- the report ---- */

/* {NAME: n} of one result table, by the names in its event's format */
static json_t *names_json(const struct trace_bound *b, const uint64_t *n,
			  uint64_t other)
{
	json_t *o = json_object();
	char buf[32];
	int v;

	for (v = 0; v < CO_RETS; v++)
		if (n[v])
			json_object_set_new(o, ret_name(b, v, buf, sizeof(buf)),
					    json_integer((json_int_t)n[v]));
	if (other)
		json_object_set_new(o, "other",
				    json_integer((json_int_t)other));
	return o;
}

static json_t *result_json(struct trace_state *st, const struct co_result *c,
			   int k)
{
	const struct trace_bound *b = trace_find_bound(st, res_events[k]);
	json_t *o = json_object(), *ord = json_object();
	uint64_t total = c->other;
	char key[16];
	size_t i;
	int v;

	for (v = 0; v < CO_RETS; v++)
		total += c->by_ret[v];
	for (i = 0; i < ARRAY_SIZE(c->by_order); i++) {
		uint64_t any = 0;

		for (v = 0; v < CO_RETS; v++)
			any += c->by_order[i][v];
		if (any)
			json_object_set_new(
				ord, trace_order_key((int)i, key, sizeof(key)),
				names_json(b, c->by_order[i], 0));
	}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "by_result", names_json(b, c->by_ret, c->other));
	json_object_set_new(o, "by_order", ord);
	return o;
}

static json_t *defer_json(const struct co_defer *d)
{
	json_t *o = json_object(), *ord = json_object();
	char key[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(d->by_order); i++)
		if (d->by_order[i])
			json_object_set_new(
				ord, trace_order_key((int)i, key, sizeof(key)),
				json_integer((json_int_t)d->by_order[i]));
	json_object_set_new(o, "count", json_integer((json_int_t)d->count));
	json_object_set_new(o, "by_order", ord);
	json_object_set_new(o, "max_considered",
			    json_integer((json_int_t)d->max_considered));
	json_object_set_new(o, "max_defer_shift",
			    json_integer((json_int_t)d->max_defer_shift));
	return o;
}

static json_t *co_json(struct trace_state *st, void *gs)
{
	struct co_state *c = gs;
	json_t *o = json_object();
	int k;

	for (k = 0; k < NRES; k++)
		json_object_set_new(o, res_keys[k],
				    result_json(st, &c->res[k], k));
	for (k = 0; k < NDEFER; k++)
		json_object_set_new(o, defer_keys[k], defer_json(&c->defer[k]));
	return o;
}

static void co_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct co_state *c = gs;
	json_t *g = json_object();
	int k;

	for (k = 0; k < NRES; k++)
		json_object_set_new(
			g, res_keys[k],
			names_json(trace_find_bound(st, res_events[k]),
				   c->res[k].by_ret, c->res[k].other));
	json_object_set_new(
		g, "deferred",
		json_integer((json_int_t)c->defer[CO_DEFERRED].count));
	json_object_set_new(o, "compaction_outcome", g);
}

/* " KEY: NAME n, NAME n" from an object of counts; what it wrote */
static int describe_names(const json_t *o, const char *key, char *buf,
			  size_t len)
{
	const char *k;
	json_t *v;
	int w = 0, n;

	if (!json_is_object(o))
		return 0;
	n = snprintf(buf, len, "; %s:", key);
	if (n < 0 || (size_t)n >= len)
		return 0;
	w = n;
	json_object_foreach((json_t *)o, k, v)
	{
		if (!json_is_number(v))
			continue;
		n = snprintf(buf + w, len - (size_t)w, " %s %.0f", k,
			     json_number_value(v));
		if (n < 0 || (size_t)n >= len - (size_t)w)
			break;
		w += n;
	}
	return w;
}

static int co_describe(const json_t *t, char *buf, size_t len)
{
	const json_t *g = json_object_get(t, "compaction_outcome");
	double d = trace_num(t, "compaction_outcome", "deferred");
	int w, k;

	if (!json_is_object(g) || !len)
		return 0;
	w = snprintf(buf, len, "compaction outcomes");
	if (w < 0 || (size_t)w >= len)
		return 1;
	for (k = 0; k < NRES; k++)
		w += describe_names(json_object_get(g, res_keys[k]),
				    res_keys[k], buf + w, len - (size_t)w);
	if (!isnan(d) && (size_t)w < len)
		snprintf(buf + w, len - (size_t)w, "; deferred %.0f", d);
	return 1;
}

/* The order of each event's fields matches its handler's enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "compaction",
		.name = "mm_compaction_suitable",
		.fields = { "nid", "idx", "order", "ret" },
		.handle = suitable,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_finished",
		.fields = { "nid", "idx", "order", "ret" },
		.handle = finished,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_defer_compaction",
		.fields = { "nid", "idx", "order", "considered", "defer_shift",
			    "?order_failed" },
		.handle = defer_compaction,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_deferred",
		.fields = { "nid", "idx", "order", "considered", "defer_shift",
			    "?order_failed" },
		.handle = deferred,
	},
	{
		.system = "compaction",
		.name = "mm_compaction_defer_reset",
		.fields = { "nid", "idx", "order", "considered", "defer_shift",
			    "?order_failed" },
		.handle = defer_reset,
	},
};

const struct trace_group_ops trace_group_compaction_outcome = {
	.name = "compaction_outcome",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = co_new,
	.json = co_json,
	.summary = co_summary,
	.describe = co_describe,
	.free = co_free,
};
