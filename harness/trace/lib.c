// SPDX-License-Identifier: GPL-2.0
/*
 * What the groups call: their state and per-task data, the field
 * readers, timeline bins and small report helpers.  Nothing here names
 * the table of groups (groups.c), so that the groups depend on this file
 * and never on the core that loops over them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "../util.h"
#include "group.h"

/* the largest timeline bin a group may have: what a bin past its last reads as */
#define MAX_BIN 256

void *trace_zalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		die("out of memory");
	return p;
}

/* The group's slot in st: the table as trace_state_new() copied it */
static int slot_of(const struct trace_state *st, const void *gs)
{
	size_t i;

	for (i = 0; gs && i < st->ngroups; i++)
		if (st->gs[i] == gs)
			return (int)i;
	return -1;
}

void *trace_group_state(const struct trace_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->ngroups; i++)
		if (!strcmp(st->groups[i]->name, name))
			return st->gs[i];
	return NULL;
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

void *trace_task_data(const struct trace_state *st, const struct trace_task *t,
		      const void *gs)
{
	int i = slot_of(st, gs);

	return i >= 0 ? t->data[i] : NULL;
}

void trace_json_open_at_end(json_t *o, const struct trace_state *st,
			    const void *gs,
			    bool (*open)(const void *data, uint64_t *begin))
{
	uint64_t max = 0, begin;
	size_t i, n = 0;

	for (i = 0; i < st->ntasks; i++) {
		const void *d = trace_task_data(st, &st->tasks[i], gs);

		if (!d || !open(d, &begin) || st->t1 < begin)
			continue;
		n++;
		if (st->t1 - begin > max)
			max = st->t1 - begin;
	}
	json_object_set_new(o, "open_at_end", json_integer((json_int_t)n));
	json_object_set_new(o, "open_max_us", json_real((double)max / 1e3));
}

void *trace_pid_data(struct trace_state *st, const void *gs, int pid,
		     bool create)
{
	struct trace_task *t = create ? trace_task_get(st, pid) :
					trace_task_find(st, pid);
	int i = slot_of(st, gs);

	if (!t || i < 0 || !st->groups[i]->task_size)
		return NULL;
	if (!t->data[i] && create)
		t->data[i] = trace_zalloc(1, st->groups[i]->task_size);
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

/* ---- report helpers ---- */

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
	if (!b->event && b->ops->gone)
		json_object_set_new(e, "gone", json_true());
	json_object_set_new(e, "count", json_integer((json_int_t)b->count));
	json_object_set_new(e, "filter",
			    b->filter ? json_string(b->filter) : json_null());
	return e;
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

bool trace_group_present(const struct trace_state *st, const char *group)
{
	size_t i;
	bool any = false;

	for (i = 0; i < st->nbound; i++)
		if (!strcmp(st->bound[i].ops->group, group)) {
			/* an event gone from newer kernels is not missed */
			if (!st->bound[i].event && st->bound[i].ops->gone)
				continue;
			if (!st->bound[i].event || !st->bound[i].selected)
				return false;
			any = true;
		}
	return any;
}

/* ---- timeline bins ---- */

void *trace_tl_bin(struct trace_state *st, struct trace_tl *tl, size_t size,
		   uint64_t ts)
{
	size_t k, n;

	if (!st->tl_step || ts < st->tl_t0)
		return NULL;
	if (size > MAX_BIN)
		die("trace: a timeline bin of %zu bytes", size);
	k = (size_t)((ts - st->tl_t0) / st->tl_step);
	if (k >= tl->cap) {
		n = k + 1 > tl->cap * 2 ? k + 1 : tl->cap * 2;
		tl->bins = realloc(tl->bins, n * size);
		if (!tl->bins)
			die("out of memory");
		memset(tl->bins + tl->cap * size, 0, (n - tl->cap) * size);
		tl->cap = n;
	}
	if (k >= st->ntl)
		st->ntl = k + 1;
	return tl->bins + k * size;
}

const void *trace_tl_row(const struct trace_tl *tl, size_t size, size_t k)
{
	static const unsigned char zero[MAX_BIN];

	return k < tl->cap ? tl->bins + k * size : zero;
}

void trace_tl_spread(struct trace_state *st, struct trace_tl *tl, size_t size,
		     uint64_t a, uint64_t b,
		     void (*add)(void *bin, uint64_t ns, void *arg), void *arg)
{
	uint64_t edge, part;
	void *bin;

	if (!st->tl_step)
		return;
	if (a < st->tl_t0)
		a = st->tl_t0;
	while (a < b) {
		bin = trace_tl_bin(st, tl, size, a);
		edge = st->tl_t0 +
		       ((a - st->tl_t0) / st->tl_step + 1) * st->tl_step;
		part = (b < edge ? b : edge) - a;
		if (bin)
			add(bin, part, arg);
		a += part;
	}
}
