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

void *trace_zalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		die("out of memory");
	return p;
}

/* Every group's state is made here, whether its events are bound or not */
struct trace_state *trace_state_new(struct tep_handle *tep)
{
	struct trace_state *st = trace_zalloc(1, sizeof(*st));
	size_t g;

	st->tep = tep;
	st->pageblock_order = -1;
	st->type_off = -1;
	for (g = 0; g < trace_ngroups; g++)
		if (trace_group_table[g]->init)
			st->gs[g] = trace_group_table[g]->init(st);
	return st;
}

void *trace_group_state(const struct trace_state *st,
			const struct trace_group_ops *g)
{
	size_t i;

	for (i = 0; i < trace_ngroups; i++)
		if (trace_group_table[i] == g)
			return st->gs[i];
	return NULL;
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
			 "no events/%s/%s/format on this kernel", ops->system,
			 ops->name);
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
	free(st);
}

/* ---- tasks, by pid ---- */

static size_t pid_slot(int pid, size_t cap)
{
	return ((uint32_t)pid * 2654435761u) & (cap - 1);
}

struct trace_task *trace_task_find(struct trace_state *st, int pid)
{
	size_t i;

	if (!st->hash_cap)
		return NULL;
	for (i = pid_slot(pid, st->hash_cap); st->task_hash[i];
	     i = (i + 1) & (st->hash_cap - 1))
		if (st->tasks[st->task_hash[i] - 1].pid == pid)
			return &st->tasks[st->task_hash[i] - 1];
	return NULL;
}

static void rehash(struct trace_state *st, size_t cap)
{
	int *h = calloc(cap, sizeof(*h));
	size_t t, i;

	if (!h)
		die("out of memory");
	for (t = 0; t < st->ntasks; t++) {
		for (i = pid_slot(st->tasks[t].pid, cap); h[i];
		     i = (i + 1) & (cap - 1))
			;
		h[i] = (int)t + 1;
	}
	free(st->task_hash);
	st->task_hash = h;
	st->hash_cap = cap;
}

struct trace_task *trace_task_get(struct trace_state *st, int pid)
{
	struct trace_task *t = trace_task_find(st, pid);
	size_t i;

	if (t)
		return t;
	if (st->ntasks == st->captasks) {
		size_t cap = st->captasks ? st->captasks * 2 : 64;

		t = realloc(st->tasks, cap * sizeof(*t));
		if (!t)
			die("out of memory");
		st->tasks = t;
		st->captasks = cap;
	}
	if ((st->ntasks + 1) * 2 > st->hash_cap)
		rehash(st, st->hash_cap ? st->hash_cap * 2 : 128);
	t = &st->tasks[st->ntasks++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	if (st->comm_of)
		st->comm_of(pid, t->comm, sizeof(t->comm));
	for (i = pid_slot(pid, st->hash_cap); st->task_hash[i];
	     i = (i + 1) & (st->hash_cap - 1))
		;
	st->task_hash[i] = (int)st->ntasks;
	return t;
}

void *trace_task_data(const struct trace_task *t,
		      const struct trace_group_ops *g)
{
	size_t i;

	for (i = 0; i < trace_ngroups; i++)
		if (trace_group_table[i] == g)
			return t->data[i];
	return NULL;
}

void *trace_pid_data(struct trace_state *st, const struct trace_group_ops *g,
		     int pid, bool create)
{
	struct trace_task *t = create ? trace_task_get(st, pid) :
					trace_task_find(st, pid);
	size_t i;

	if (!t)
		return NULL;
	for (i = 0; i < trace_ngroups; i++)
		if (trace_group_table[i] == g)
			break;
	if (i == trace_ngroups || !g->task_size)
		return NULL;
	if (!t->data[i] && create)
		t->data[i] = trace_zalloc(1, g->task_size);
	return t->data[i];
}

const char *trace_saved_comm(struct trace_state *st, int pid)
{
	const char *c = tep_data_comm_from_pid(st->tep, pid);

	return c && strcmp(c, "<...>") ? c : NULL;
}

/* ---- field readers ---- */

uint64_t trace_field(const struct trace_bound *b, int i,
		     const struct trace_rec *r)
{
	unsigned long long v = 0;
	struct tep_format_field *f = b->f[i];

	if (!f || f->offset + f->size > r->size)
		return 0;
	tep_read_number_field(f, r->data, &v);
	return v;
}

long long trace_field_s(const struct trace_bound *b, int i,
			const struct trace_rec *r)
{
	uint64_t v = trace_field(b, i, r);
	struct tep_format_field *f = b->f[i];

	if (!f || !(f->flags & TEP_FIELD_IS_SIGNED) || f->size >= 8)
		return (long long)v;
	if (v & (1ULL << (f->size * 8 - 1)))
		v |= ~0ULL << (f->size * 8);
	return (long long)v;
}

const char *trace_field_str(const struct trace_bound *b, int i,
			    const struct trace_rec *r, int *len)
{
	struct tep_format_field *f = b->f[i];
	const char *d = r->data;
	unsigned int off, n;

	if (!f || f->offset + f->size > r->size)
		return NULL;
	if (!(f->flags & TEP_FIELD_IS_DYNAMIC)) {
		off = (unsigned int)f->offset;
		n = (unsigned int)f->size;
	} else {
		unsigned long long loc =
			tep_read_number(b->event->tep, d + f->offset,
					f->size < 4 ? f->size : 4);

		off = loc & 0xffff;
		n = (unsigned int)(loc >> 16);
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += (unsigned int)(f->offset + f->size);
	}
	if (off + n > (unsigned int)r->size)
		return NULL;
	*len = (int)strnlen(d + off, n);
	return d + off;
}
