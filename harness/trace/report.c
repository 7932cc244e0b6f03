// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's results around the groups' own: one JSON object per
 * group (trace/<group>.json) with its events' state, and the compact
 * summary for summary.json.  Times are µs for latencies, s for totals;
 * every group says which of its events were missing and why, so that
 * "0 stalls" and "could not see stalls" never look alike.
 */
#include <math.h>
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

double trace_num(const json_t *t, const char *key, const char *sub)
{
	json_t *v = json_object_get(t, key);

	if (sub)
		v = json_object_get(v, sub);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

int trace_describe_count(const json_t *t, const char *key, const char *label,
			 char *buf, size_t len)
{
	double n = trace_num(t, key, NULL);

	if (isnan(n))
		return 0;
	snprintf(buf, len, "%s: %.0f", label, n);
	return 1;
}

const char *trace_fmt_us(double us, char *b, size_t len)
{
	if (isnan(us))
		snprintf(b, len, "?");
	else if (us >= 1e6)
		snprintf(b, len, "%.3g s", us / 1e6);
	else
		snprintf(b, len, "%.3g ms", us / 1e3);
	return b;
}

int trace_describe(const json_t *t, void (*emit)(const char *line, void *arg),
		   void *arg)
{
	char line[1024];
	double ev = trace_num(t, "events", NULL);
	double lost = trace_num(t, "lost_events", NULL);
	json_t *missing = json_object_get(t, "missing_events");
	const char *k;
	json_t *v;
	size_t g;
	int n = 0, len;

	if (!json_is_object(t))
		return 0;
	for (g = 0; g < trace_ngroups; g++) {
		const struct trace_group_ops *ops = trace_group_table[g];

		if (ops->describe && ops->describe(t, line, sizeof(line))) {
			emit(line, arg);
			n++;
		}
	}
	if (!isnan(ev) && !isnan(lost)) {
		snprintf(line, sizeof(line), "events: %.0f read, %.0f lost%s",
			 ev, lost,
			 lost > 0 ? " (the figures above undercount)" : "");
		emit(line, arg);
		n++;
	}
	if (json_is_object(missing) && json_object_size(missing)) {
		len = snprintf(line, sizeof(line), "absent on this kernel:");
		json_object_foreach(missing, k, v)
		{
			if (len < 0 || (size_t)len >= sizeof(line))
				break;
			len += snprintf(
				line + len, sizeof(line) - (size_t)len,
				" %s (%s);", k,
				json_is_string(v) ? json_string_value(v) : "?");
		}
		if (len > 0 && (size_t)len < sizeof(line) &&
		    line[len - 1] == ';')
			line[len - 1] = '\0';
		emit(line, arg);
		n++;
	}
	return n;
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
