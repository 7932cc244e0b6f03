// SPDX-License-Identifier: GPL-2.0
/*
 * Event formats.  Every field is found by name in the event's format
 * file through libtraceevent and read with its offset and size from
 * there: the layouts differ between kernels (7.2 moved
 * direct_reclaim_begin's order behind a new memcg_id).  Constants the
 * handlers need (GFP migratetype bits, pageblock_order, compaction
 * status names) come from the print formats too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>
#include <unistd.h>

#include "../util.h"
#include "group.h"

static char *slurp(const char *dir, const char *rel, size_t *len)
{
	char path[4096];

	if (pathf(path, sizeof(path), "%s/%s", dir, rel))
		return NULL;
	/* a raw recording may come from anyone: no link below it followed */
	return read_any_nolink(path, 1 << 20, len);
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

struct flags_ctx {
	const char *field;
	char (*names)[TRACE_FLAG_NAME];
	uint64_t *values;
	int max, n;
};

static bool list_flags(struct tep_print_arg *a, void *p)
{
	struct flags_ctx *c = p;
	struct tep_print_flag_sym *f;

	if (a->type != TEP_PRINT_FLAGS ||
	    !arg_is_field(a->flags.field, c->field))
		return false;
	for (f = a->flags.flags; f && c->n < c->max; f = f->next) {
		snprintf(c->names[c->n], TRACE_FLAG_NAME, "%s", f->str);
		c->values[c->n++] = strtoull(f->value, NULL, 0);
	}
	return true;
}

int trace_flag_names(struct tep_event *e, const char *field,
		     char (*names)[TRACE_FLAG_NAME], uint64_t *values, int max)
{
	struct flags_ctx c = {
		.field = field, .names = names, .values = values, .max = max
	};

	if (!e)
		return 0;
	walk_args(e->print_fmt.args, list_flags, &c);
	return c.n;
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

/* The kernel's own migratetype bits, as an event's print format names them */
void trace_gfp_bits_init(struct trace_state *st, struct trace_bound *b,
			 int field, const char *fallback)
{
	const char *gfp = b->f[field] ? b->f[field]->name : fallback;

	if (st->gfp_movable && st->gfp_reclaimable)
		return;
	st->gfp_movable = trace_gfp_bit(b->event, gfp, "__GFP_MOVABLE");
	st->gfp_reclaimable = trace_gfp_bit(b->event, gfp, "__GFP_RECLAIMABLE");
}

int trace_gfp_mt(const struct trace_state *st, uint64_t gfp)
{
	if (!st->gfp_movable || !st->gfp_reclaimable)
		return -1;
	if (gfp & st->gfp_movable)
		return TRACE_MT_MOVABLE;
	if (gfp & st->gfp_reclaimable)
		return TRACE_MT_RECLAIMABLE;
	return TRACE_MT_UNMOVABLE;
}
