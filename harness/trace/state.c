// SPDX-License-Identifier: GPL-2.0
/*
 * The core's state: events bound to this kernel's formats, records
 * dispatched to the groups' handlers by common_type, each group's state
 * made and ended and freed through its ops, and the tasks by pid that
 * the groups keep their per-task data on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "../util.h"
#include "group.h"

/* ---- state and binding ---- */

/* Every group's state is made here, whether its events are bound or not */
struct trace_state *trace_state_new(struct tep_handle *tep)
{
	struct trace_state *st = trace_zalloc(1, sizeof(*st));
	size_t g;

	st->tep = tep;
	st->pageblock_order = -1;
	st->type_off = -1;
	st->ngroups = trace_ngroups;
	for (g = 0; g < trace_ngroups; g++)
		st->groups[g] = trace_group_table[g];
	for (g = 0; g < trace_ngroups; g++)
		if (trace_group_table[g]->init)
			st->gs[g] = trace_group_table[g]->init(st);
	return st;
}

static struct tep_format_field *find_field(struct tep_event *e,
					   const char *spec, bool *optional)
{
	char names[128], *save = NULL, *n;
	struct tep_format_field *f = NULL;

	*optional = spec[0] == '?';
	snprintf(names, sizeof(names), "%s", spec + *optional);
	for (n = strtok_r(names, "|", &save); n && !f;
	     n = strtok_r(NULL, "|", &save))
		f = tep_find_field(e, n);
	return f;
}

static void fields_list(struct tep_event *e, char *buf, size_t len)
{
	struct tep_format_field *f;
	size_t n = 0;

	buf[0] = '\0';
	for (f = e->format.fields; f && n + 2 < len; f = f->next)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
				      f->name);
}

static int bind_common(struct trace_state *st, struct tep_event *e)
{
	struct tep_format_field *t = tep_find_common_field(e, "common_type");
	struct tep_format_field *p = tep_find_common_field(e, "common_pid");

	if (!t || !p)
		return -EINVAL;
	if (st->type_off >= 0 &&
	    (st->type_off != t->offset || st->type_size != t->size))
		return -EINVAL; /* the header is the same for every event */
	st->type_off = t->offset;
	st->type_size = t->size;
	st->pid_off = p->offset;
	st->pid_size = p->size;
	return 0;
}

int trace_state_add(struct trace_state *st, const struct trace_event_ops *ops,
		    bool selected)
{
	struct trace_bound *b;
	struct tep_event *e;
	char have[160];
	bool opt;
	int i;

	if (st->nbound == ARRAY_SIZE(st->bound))
		return -ENOSPC;
	b = &st->bound[st->nbound++];
	memset(b, 0, sizeof(*b));
	b->ops = ops;
	b->selected = selected;
	b->group = ops->group ? trace_group_index(ops->group) : -1;
	b->gs = b->group >= 0 ? st->gs[b->group] : NULL;
	e = tep_find_event_by_name(st->tep, ops->system, ops->name);
	if (!e) {
		snprintf(b->reason, sizeof(b->reason),
			 "no events/%s/%s/format on this kernel%s%s",
			 ops->system, ops->name, ops->gone ? ": " : "",
			 ops->gone ? ops->gone : "");
		return -ENOENT;
	}
	for (i = 0; i < TRACE_MAX_FIELDS && ops->fields[i]; i++) {
		b->f[i] = find_field(e, ops->fields[i], &opt);
		if (b->f[i] || opt)
			continue;
		fields_list(e, have, sizeof(have));
		snprintf(b->reason, sizeof(b->reason),
			 "no field '%s' in %s (it has: %s)", ops->fields[i],
			 ops->name, have);
		return -ENOENT;
	}
	if (bind_common(st, e)) {
		snprintf(
			b->reason, sizeof(b->reason),
			"common_type/common_pid not where other events have them");
		return -EINVAL;
	}
	if (e->id >= st->ntypes) {
		int n = e->id + 1;
		struct trace_bound **t =
			realloc(st->by_type, (size_t)n * sizeof(*t));

		if (!t)
			die("out of memory");
		memset(t + st->ntypes, 0,
		       (size_t)(n - st->ntypes) * sizeof(*t));
		st->by_type = t;
		st->ntypes = n;
	}
	b->event = e;
	st->by_type[e->id] = b;
	if (ops->init)
		ops->init(st, b);
	return 0;
}

void trace_state_begin(struct trace_state *st, uint64_t t0)
{
	st->t0 = t0;
}

const struct trace_bound *trace_lookup(const struct trace_state *st,
				       const void *data, int size)
{
	unsigned long long type;

	if (st->type_off < 0 || size < st->type_off + st->type_size)
		return NULL;
	type = tep_read_number(st->tep, (const char *)data + st->type_off,
			       st->type_size);
	return type < (unsigned long long)st->ntypes ? st->by_type[type] : NULL;
}

void trace_handle(struct trace_state *st, const struct trace_bound *cb,
		  uint64_t ts, int cpu, const void *data, int size)
{
	/* the bound slots belong to st; handlers count through it */
	struct trace_bound *b = &st->bound[cb - st->bound];
	struct trace_rec r = {
		.ts = ts, .data = data, .size = size, .cpu = cpu
	};

	r.pid = (int)tep_read_number(st->tep, (const char *)data + st->pid_off,
				     st->pid_size);
	b->count++;
	st->events++;
	if (b->ops->handle)
		b->ops->handle(st, b, &r);
}

bool trace_dispatch(struct trace_state *st, uint64_t ts, int cpu,
		    const void *data, int size)
{
	const struct trace_bound *b = trace_lookup(st, data, size);

	if (!b)
		return false;
	trace_handle(st, b, ts, cpu, data, size);
	return true;
}

void trace_state_end(struct trace_state *st, uint64_t t1)
{
	size_t g;

	st->t1 = t1;
	for (g = 0; g < trace_ngroups; g++)
		if (trace_group_table[g]->end)
			trace_group_table[g]->end(st, st->gs[g]);
}

void trace_state_free(struct trace_state *st)
{
	size_t i, g;

	if (!st)
		return;
	for (g = 0; g < trace_ngroups; g++)
		if (trace_group_table[g]->free && st->gs[g])
			trace_group_table[g]->free(st->gs[g]);
	for (i = 0; i < st->ntasks; i++)
		for (g = 0; g < trace_ngroups; g++)
			free(st->tasks[i].data[g]);
	free(st->tasks);
	free(st->task_hash);
	free(st->by_type);
	trace_listing_free(st->listing);
	free(st);
}
