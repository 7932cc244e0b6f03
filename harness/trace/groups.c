// SPDX-License-Identifier: GPL-2.0
/*
 * The table of event groups; adding one is a file that defines
 * trace_group_<name>, plus its line here (and its name in group.h's
 * extern list, as sources/ do).  The order is that of
 * trace/timeline.csv's columns and of the progress line.
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

const struct trace_group_ops *const trace_group_table[] = {
	&trace_group_direct_reclaim, &trace_group_kswapd,
	&trace_group_wakeup_kswapd,  &trace_group_compaction,
	&trace_group_extfrag,	     &trace_group_reclaim_retry,
	&trace_group_oom_victims,    &trace_group_compaction_outcome,
	&trace_group_migration,	     &trace_group_throttle,
	&trace_group_kcompactd,	     &trace_group_lru_shrink,
};

const size_t trace_ngroups = ARRAY_SIZE(trace_group_table);

static struct trace_event_ops flat[TRACE_MAX_EVENTS];
const struct trace_event_ops *trace_events = flat;
size_t trace_nevents;

/* Every group's events in one array, each told its group's name */
__attribute__((constructor)) static void flatten(void)
{
	const struct trace_group_ops *g;
	size_t i, e;

	for (i = 0; i < trace_ngroups; i++) {
		g = trace_group_table[i];
		for (e = 0; e < g->nevents; e++) {
			if (trace_nevents == ARRAY_SIZE(flat))
				die("trace: more than %zu events",
				    ARRAY_SIZE(flat));
			flat[trace_nevents] = g->events[e];
			flat[trace_nevents++].group = g->name;
		}
	}
}

const char *trace_group_name(size_t i)
{
	return i < trace_ngroups ? trace_group_table[i]->name : NULL;
}

int trace_group_index(const char *name)
{
	size_t g;

	for (g = 0; g < trace_ngroups; g++)
		if (!strcmp(name, trace_group_table[g]->name))
			return (int)g;
	return -1;
}

int trace_group_of(const char *name)
{
	const char *colon = strchr(name, ':');
	int g = trace_group_index(name);
	size_t e;

	if (g >= 0)
		return g;
	for (e = 0; e < trace_nevents; e++) {
		const struct trace_event_ops *o = &trace_events[e];

		if (colon ? (!strncmp(name, o->system,
				      (size_t)(colon - name)) &&
			     !o->system[colon - name] &&
			     !strcmp(colon + 1, o->name)) :
			    !strcmp(name, o->name))
			return trace_group_index(o->group);
	}
	return -1;
}
