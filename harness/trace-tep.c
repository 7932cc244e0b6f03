// SPDX-License-Identifier: GPL-2.0
/*
 * Event formats and the dispatcher.  Every field is found by name in
 * the event's format file through libtraceevent and read with its
 * offset and size from there: the layouts differ between kernels (7.2
 * moved direct_reclaim_begin's order behind a new memcg_id).  Constants
 * the handlers need (GFP migratetype bits, pageblock_order, compaction
 * status names) come from the print formats too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>
#include <unistd.h>

#include "trace.h"
#include "util.h"

static char *slurp(const char *dir, const char *rel, size_t *len)
{
	char path[4096];

	if (pathf(path, sizeof(path), "%s/%s", dir, rel))
		return NULL;
	return read_file_str(path, 1 << 20, len);
}

struct tep_handle *trace_tep_load(const char *dir,
				  const struct trace_event_ops *const *ops,
				  size_t n)
{
	enum tep_endian endian = tep_is_bigendian() ? TEP_BIG_ENDIAN :
						      TEP_LITTLE_ENDIAN;
	struct tep_handle *tep;
	char rel[512], *buf;
	size_t len, i;

	buf = slurp(dir, "events/header_page", &len);
	if (!buf)
		return NULL;
	tep = tep_alloc();
	if (!tep) {
		free(buf);
		return NULL;
	}
	tep_set_file_bigendian(tep, endian);
	tep_set_local_bigendian(tep, endian);
	tep_set_page_size(tep, (int)sysconf(_SC_PAGESIZE));
	/* "commit" is a local_t: the kernel's long */
	if (tep_parse_header_page(tep, buf, len, (int)sizeof(long))) {
		free(buf);
		tep_free(tep);
		return NULL;
	}
	free(buf);
	tep_set_long_size(tep, tep_get_header_page_size(tep));
	for (i = 0; i < n; i++) {
		if (tep_find_event_by_name(tep, ops[i]->system, ops[i]->name))
			continue;
		snprintf(rel, sizeof(rel), "events/%s/%s/format",
			 ops[i]->system, ops[i]->name);
		buf = slurp(dir, rel, &len);
		if (!buf)
			continue; /* trace_state_add() says why */
		tep_parse_event(tep, buf, len, ops[i]->system);
		free(buf);
	}
	return tep;
}

/* ---- print-format constants ---- */

typedef bool (*arg_visit)(struct tep_print_arg *a, void *ctx);

static bool walk_args(struct tep_print_arg *a, arg_visit fn, void *ctx)
{
	for (; a; a = a->next) {
		if (fn(a, ctx))
			return true;
		switch (a->type) {
		case TEP_PRINT_OP:
			if (walk_args(a->op.left, fn, ctx) ||
			    walk_args(a->op.right, fn, ctx))
				return true;
			break;
		case TEP_PRINT_TYPE:
			if (walk_args(a->typecast.item, fn, ctx))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static bool arg_is_field(struct tep_print_arg *a, const char *field)
{
	return a && a->type == TEP_PRINT_FIELD && !strcmp(a->field.name, field);
}

struct sym_ctx {
	const char *field;
	const char *str; /* in: flag name (flags); out: name (symbol) */
	long long v;
	bool found;
};

static bool find_flag(struct tep_print_arg *a, void *p)
{
	struct sym_ctx *c = p;
	struct tep_print_flag_sym *f;

	if (a->type != TEP_PRINT_FLAGS ||
	    !arg_is_field(a->flags.field, c->field))
		return false;
	for (f = a->flags.flags; f; f = f->next) {
		if (strcmp(f->str, c->str))
			continue;
		c->v = (long long)strtoull(f->value, NULL, 0);
		c->found = true;
		return true;
	}
	return false;
}

uint64_t trace_gfp_bit(struct tep_event *e, const char *field, const char *flag)
{
	struct sym_ctx c = { .field = field, .str = flag };

	if (!e)
		return 0;
	walk_args(e->print_fmt.args, find_flag, &c);
	return c.found ? (uint64_t)c.v : 0;
}

static bool find_symbol(struct tep_print_arg *a, void *p)
{
	struct sym_ctx *c = p;
	struct tep_print_flag_sym *f;

	if (a->type != TEP_PRINT_SYMBOL ||
	    !arg_is_field(a->symbol.field, c->field))
		return false;
	for (f = a->symbol.symbols; f; f = f->next) {
		if (strtoll(f->value, NULL, 0) != c->v)
			continue;
		c->str = f->str;
		c->found = true;
		return true;
	}
	return false;
}

const char *trace_symbol(struct tep_event *e, const char *field, long long v)
{
	struct sym_ctx c = { .field = field, .v = v };

	if (!e)
		return NULL;
	walk_args(e->print_fmt.args, find_symbol, &c);
	return c.found ? c.str : NULL;
}

/*
 * "key=N" as the kernel's print format computes it for a zeroed record:
 * how pageblock_order is known (it is an expression of the kernel's
 * config in mm_page_alloc_extfrag's format, not a field).
 */
int trace_print_int(struct tep_handle *tep, struct tep_event *e,
		    const char *key, long long *v)
{
	struct tep_format_field *f;
	struct tep_record rec = { 0 };
	unsigned char data[512] = { 0 };
	struct trace_seq s;
	char pat[64];
	const char *p;
	int size = 0, ret = -ENOENT;

	if (!e)
		return -ENOENT;
	for (f = e->format.fields; f; f = f->next)
		if (f->offset + f->size > size)
			size = f->offset + f->size;
	f = tep_find_common_field(e, "common_type");
	if (!f || size > (int)sizeof(data))
		return -EINVAL;
	if (f->size == 2)
		*(unsigned short *)(data + f->offset) = (unsigned short)e->id;
	else if (f->size == 4)
		*(unsigned int *)(data + f->offset) = (unsigned int)e->id;
	rec.data = data;
	rec.size = size;
	trace_seq_init(&s);
	tep_print_event(tep, &s, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	snprintf(pat, sizeof(pat), "%s=", key);
	p = s.buffer ? strstr(s.buffer, pat) : NULL;
	if (p && (p == s.buffer || p[-1] == ' ')) {
		char *end;

		*v = strtoll(p + strlen(pat), &end, 10);
		if (end != p + strlen(pat))
			ret = 0;
	}
	trace_seq_destroy(&s);
	return ret;
}

/* ---- state and binding ---- */

struct trace_state *trace_state_new(struct tep_handle *tep)
{
	struct trace_state *st = calloc(1, sizeof(*st));

	if (!st)
		die("out of memory");
	st->tep = tep;
	st->pageblock_order = -1;
	st->type_off = -1;
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
	int i;

	st->t1 = t1;
	/* still in direct reclaim: the timeline counts it up to here */
	for (i = 0; i < (int)st->ntasks; i++)
		if (st->tasks[i].in_dr && t1 > st->tasks[i].dr_begin)
			trace_timeline_open(
				st, st->tasks[i].dr_begin, t1,
				st->tasks[i].dr_mt == TRACE_MT_UNMOVABLE ||
					st->tasks[i].dr_mt ==
						TRACE_MT_RECLAIMABLE);
	if (st->dr_active > 0 && t1 > st->dr_some_since)
		trace_timeline_some(st, st->dr_some_since, t1);
	for (i = 0; i < st->nnodes; i++) {
		struct trace_node *n = &st->nodes[i];

		/* still awake: the period so far counts towards the duty cycle */
		if (n->awake && t1 > n->since) {
			n->awake_ns += t1 - n->since;
			n->awake_at_end = true;
		}
	}
}

void trace_state_free(struct trace_state *st)
{
	size_t i;
	int k;

	if (!st)
		return;
	durset_free(&st->dr);
	free(st->tl);
	for (i = 0; i < ARRAY_SIZE(st->dr_order); i++)
		durset_free(&st->dr_order[i]);
	for (i = 0; i < ARRAY_SIZE(st->dr_mt); i++)
		durset_free(&st->dr_mt[i]);
	for (i = 0; i < ARRAY_SIZE(st->dr_cross); i++)
		for (k = 0; k < (int)ARRAY_SIZE(st->dr_cross[i]); k++)
			durset_free(&st->dr_cross[i][k]);
	durset_free(&st->cp);
	for (k = 0; k < st->nnodes; k++)
		durset_free(&st->nodes[k].periods);
	free(st->nodes);
	free(st->tasks);
	free(st->task_hash);
	free(st->victims);
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
