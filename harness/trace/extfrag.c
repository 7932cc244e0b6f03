// SPDX-License-Identifier: GPL-2.0
/*
 * kmem:mm_page_alloc_extfrag: fallbacks to another migratetype's
 * pageblocks, counted by (alloc_mt, fallback_mt, fragmenting).
 */
#include <math.h>
#include <stdlib.h>

#include "../util.h"
#include "group.h"

struct extfrag_key {
	int alloc_mt, fallback_mt, fragmenting;
	uint64_t n;
};

struct extfrag_state {
	struct extfrag_key keys[128];
	int nkeys;
	uint64_t other; /* past the last key kept */
};

static void *xf_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct extfrag_state));
}

enum { XF_ALLOC_MT, XF_FALLBACK_MT, XF_FALLBACK_ORDER };

static void extfrag_init(struct trace_state *st, struct trace_bound *b)
{
	/*
	 * "fragmenting" is not a field: the print format computes it as
	 * fallback_order < pageblock_order, an expression of the kernel's
	 * config that libtraceevent evaluates for us.
	 */
	if (trace_print_int(st->tep, b->event, "pageblock_order",
			    &st->pageblock_order))
		st->pageblock_order = -1;
}

static void extfrag(struct trace_state *st, const struct trace_bound *b,
		    const struct trace_rec *r)
{
	int a = (int)trace_field_s(b, XF_ALLOC_MT, r);
	int f = (int)trace_field_s(b, XF_FALLBACK_MT, r);
	long long fo = trace_field_s(b, XF_FALLBACK_ORDER, r);
	int frag = st->pageblock_order < 0 ? -1 : fo < st->pageblock_order;
	struct extfrag_state *x = b->gs;
	char detail[80];
	int i;

	if (trace_listed(st, b)) {
		snprintf(detail, sizeof(detail), "%s from %s%s",
			 a >= 0 && a < st->nmt_names ? st->mt_names[a] : "?",
			 f >= 0 && f < st->nmt_names ? st->mt_names[f] : "?",
			 frag > 0 ? ", fragmenting" : "");
		trace_list(st, b, r,
			   &(struct trace_item){ .what = "fallback",
						 .node = -1,
						 .order = fo,
						 .value = 1,
						 .detail = detail });
	}
	for (i = 0; i < x->nkeys; i++) {
		struct extfrag_key *k = &x->keys[i];

		if (k->alloc_mt == a && k->fallback_mt == f &&
		    k->fragmenting == frag) {
			k->n++;
			return;
		}
	}
	if (x->nkeys == (int)ARRAY_SIZE(x->keys)) {
		x->other++;
		return;
	}
	x->keys[x->nkeys++] = (struct extfrag_key){ a, f, frag, 1 };
}

static void xf_free(void *gs)
{
	free(gs);
}

static json_t *mt_name(const struct trace_state *st, int mt)
{
	return mt >= 0 && mt < st->nmt_names ? json_string(st->mt_names[mt]) :
					       json_null();
}

static json_t *key_json(const struct trace_state *st,
			const struct extfrag_key *k)
{
	json_t *e = json_object();

	json_object_set_new(e, "alloc_migratetype", json_integer(k->alloc_mt));
	json_object_set_new(e, "alloc_name", mt_name(st, k->alloc_mt));
	json_object_set_new(e, "fallback_migratetype",
			    json_integer(k->fallback_mt));
	json_object_set_new(e, "fallback_name", mt_name(st, k->fallback_mt));
	json_object_set_new(e, "fragmenting",
			    k->fragmenting < 0 ? json_null() :
						 json_boolean(k->fragmenting));
	json_object_set_new(e, "count", json_integer((json_int_t)k->n));
	return e;
}

static int by_key(const void *a, const void *b)
{
	const struct extfrag_key *x = a, *y = b;

	if (x->alloc_mt != y->alloc_mt)
		return x->alloc_mt - y->alloc_mt;
	if (x->fallback_mt != y->fallback_mt)
		return x->fallback_mt - y->fallback_mt;
	return x->fragmenting - y->fragmenting;
}

static json_t *xf_json(struct trace_state *st, void *gs)
{
	struct extfrag_state *x = gs;
	json_t *o = json_object(), *a = json_array();
	uint64_t total = x->other, frag = 0;
	int i;

	/* by key, not by which was seen first */
	qsort(x->keys, (size_t)x->nkeys, sizeof(*x->keys), by_key);
	for (i = 0; i < x->nkeys; i++) {
		total += x->keys[i].n;
		if (x->keys[i].fragmenting == 1)
			frag += x->keys[i].n;
		json_array_append_new(a, key_json(st, &x->keys[i]));
	}
	json_object_set_new(o, "total", json_integer((json_int_t)total));
	json_object_set_new(o, "fragmenting", json_integer((json_int_t)frag));
	json_object_set_new(o, "pageblock_order",
			    st->pageblock_order < 0 ?
				    json_null() :
				    json_integer(st->pageblock_order));
	json_object_set_new(o, "by_migratetype", a);
	if (x->other)
		json_object_set_new(o, "uncounted_keys",
				    json_integer((json_int_t)x->other));
	return o;
}

static void xf_summary(struct trace_state *st, void *gs, json_t *o)
{
	json_t *j = xf_json(st, gs), *g = json_object();

	json_object_set(g, "count", json_object_get(j, "total"));
	json_object_set(g, "fragmenting", json_object_get(j, "fragmenting"));
	json_decref(j);
	json_object_set_new(o, "extfrag", g);
}

static const struct trace_event_ops events[] = {
	{
		.system = "kmem",
		.name = "mm_page_alloc_extfrag",
		.fields = { "alloc_migratetype", "fallback_migratetype",
			    "fallback_order" },
		.init = extfrag_init,
		.handle = extfrag,
	},
};

static int xf_describe(const json_t *t, char *buf, size_t len)
{
	double n = trace_num(t, "extfrag", "count");

	if (isnan(n))
		return 0;
	snprintf(
		buf, len,
		"fallbacks to another migratetype: %.0f, %.0f of them fragmenting",
		n, trace_num(t, "extfrag", "fragmenting"));
	return 1;
}

const struct trace_group_ops trace_group_extfrag = {
	.name = "extfrag",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = xf_new,
	.json = xf_json,
	.summary = xf_summary,
	.describe = xf_describe,
	.free = xf_free,
};
