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

/* "counts" (--count events) is no group: its events hold the counts */
json_t *trace_group_json(struct trace_state *st, const char *group)
{
	int g = trace_group_index(group);
	json_t *o;

	if (g < 0 && strcmp(group, "counts"))
		return NULL;
	if (g >= 0 && trace_group_table[g]->json)
		o = trace_group_table[g]->json(st, st->gs[g]);
	else
		o = json_object();
	json_object_set_new(o, "events", events_json(st, group));
	json_object_set_new(o, "duration_s",
			    json_real(trace_duration_ns(st) / 1e9));
	return o;
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
