// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's results around the groups' own: one JSON object per
 * group (trace/<group>.json) with its events' state, and the compact
 * summary for summary.json.  Times are µs for latencies, s for totals;
 * every group says which of its events were missing and why, so that
 * "0 stalls" and "could not see stalls" never look alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

const char *const trace_mt_keys[3] = { "movable", "reclaimable", "unmovable" };

double trace_secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

double trace_duration_ns(const struct trace_state *st)
{
	return st->t1 > st->t0 ? (double)(st->t1 - st->t0) : 0;
}

int trace_order_slot(long long order)
{
	return order >= 0 && order < TRACE_ORDERS ? (int)order : TRACE_ORDERS;
}

const char *trace_order_key(int slot, char *buf, size_t len)
{
	if (slot < TRACE_ORDERS)
		snprintf(buf, len, "%d", slot);
	else
		snprintf(buf, len, "%d+", TRACE_ORDERS);
	return buf;
}

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

const struct trace_bound *trace_find_bound(const struct trace_state *st,
					   const char *name)
{
	size_t i;

	for (i = 0; i < st->nbound; i++)
		if (!strcmp(st->bound[i].ops->name, name))
			return &st->bound[i];
	return NULL;
}

/* "counts" (--count events) is no group: its events hold the counts */
json_t *trace_group_json(struct trace_state *st, const char *group)
{
	int g = trace_group_index(group);
	json_t *o;

	if (g >= 0)
		o = trace_group_table[g]->json(st, st->gs[g]);
	else if (!strcmp(group, "counts"))
		o = json_object();
	else
		return NULL;
	json_object_set_new(o, "events", events_json(st, group));
	json_object_set_new(o, "duration_s",
			    json_real(trace_duration_ns(st) / 1e9));
	return o;
}

bool trace_group_present(const struct trace_state *st, const char *group)
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

json_t *trace_state_summary(struct trace_state *st)
{
	json_t *o = json_object();
	size_t g;

	for (g = 0; g < trace_ngroups; g++) {
		const struct trace_group_ops *ops = trace_group_table[g];

		if (ops->summary && trace_group_present(st, ops->name))
			ops->summary(st, st->gs[g], o);
	}
	return o;
}
