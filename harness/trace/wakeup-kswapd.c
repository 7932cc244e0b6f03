// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan:mm_vmscan_wakeup_kswapd: kswapd woken, counted by the order it
 * was woken for; and the timeline's column of wakeups for order >= 3.
 * Each wakeup also goes to kswapd.c, for the latency from the first one
 * since kswapd last slept to its next wake (so: in time order).
 */
#include <stdio.h>
#include <stdlib.h>

#include "../util.h"
#include "group.h"

/* One interval of the timeline */
struct wk_bin {
	uint64_t o3plus; /* kswapd woken for order >= 3 */
};

struct wk_state {
	uint64_t by_order[TRACE_ORDERS + 1];
	struct trace_tl tl;
};

static void *wk_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct wk_state));
}

enum { WK_ORDER, WK_NID, WK_ZID, WK_GFP };

static void wk_init(struct trace_state *st, struct trace_bound *b)
{
	trace_gfp_bits_init(st, b, WK_GFP, "gfp_flags");
}

static void wakeup_kswapd(struct trace_state *st, const struct trace_bound *b,
			  const struct trace_rec *r)
{
	long long order = trace_field_s(b, WK_ORDER, r);
	struct wk_state *w = b->gs;
	struct wk_bin *bin;

	w->by_order[trace_order_slot(order)]++;
	trace_kswapd_wakeup(st, trace_field_s(b, WK_NID, r), order, r->ts);
	/* the order of skb frag refills (udp-order3) and above */
	bin = order >= 3 ? trace_tl_bin(st, &w->tl, sizeof(*bin), r->ts) : NULL;
	if (bin)
		bin->o3plus++;
	if (trace_listed(st, b)) {
		int mt = b->f[WK_GFP] ?
				 trace_gfp_mt(st, trace_field(b, WK_GFP, r)) :
				 -1;
		char detail[64];

		snprintf(detail, sizeof(detail), "zone %lld%s%s",
			 trace_field_s(b, WK_ZID, r), mt >= 0 ? " " : "",
			 mt >= 0 ? trace_mt_keys[mt] : "");
		trace_list(st, b, r,
			   &(struct trace_item){
				   .what = "wakeup",
				   .node = trace_field_s(b, WK_NID, r),
				   .order = order,
				   .value = 1,
				   .detail = detail });
	}
}

static void wk_free(void *gs)
{
	struct wk_state *w = gs;

	free(w->tl.bins);
	free(w);
}

static uint64_t wk_total(const struct wk_state *w)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(w->by_order); i++)
		total += w->by_order[i];
	return total;
}

static json_t *wk_json(struct trace_state *st, void *gs)
{
	struct wk_state *w = gs;
	json_t *o = json_object(), *ord = json_object();
	char key[16];
	size_t i;

	(void)st;
	for (i = 0; i < ARRAY_SIZE(w->by_order); i++)
		if (w->by_order[i])
			json_object_set_new(
				ord, trace_order_key((int)i, key, sizeof(key)),
				json_integer((json_int_t)w->by_order[i]));
	json_object_set_new(o, "total", json_integer((json_int_t)wk_total(w)));
	json_object_set_new(o, "by_order", ord);
	return o;
}

static void wk_summary(struct trace_state *st, void *gs, json_t *o)
{
	(void)st;
	json_object_set_new(o, "wakeup_kswapd",
			    json_integer((json_int_t)wk_total(gs)));
}

static int wk_describe(const json_t *t, char *buf, size_t len)
{
	return trace_describe_count(t, "wakeup_kswapd", "kswapd wakeups", buf,
				    len);
}

static int wk_progress(const struct trace_state *st, const void *gs, char *buf,
		       size_t len)
{
	(void)st;
	return snprintf(buf, len, " wakeups %llu",
			(unsigned long long)wk_total(gs));
}

static double tl_o3plus(const void *gs, size_t k, double step)
{
	const struct wk_state *w = gs;
	const struct wk_bin *b = trace_tl_row(&w->tl, sizeof(*b), k);

	return (double)b->o3plus * NSEC_PER_SEC / step;
}

static const struct trace_tl_col tl_cols[] = {
	{ "trace.wk_o3plus_per_s", 1, tl_o3plus },
};

static const struct trace_event_ops events[] = {
	{
		.system = "vmscan",
		.name = "mm_vmscan_wakeup_kswapd",
		.ordered = true,
		.fields = { "order", "nid", "?zid", "?gfp_flags" },
		.init = wk_init,
		.handle = wakeup_kswapd,
	},
};

const struct trace_group_ops trace_group_wakeup_kswapd = {
	.name = "wakeup_kswapd",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = wk_new,
	.json = wk_json,
	.summary = wk_summary,
	.describe = wk_describe,
	.free = wk_free,
	.progress = wk_progress,
	.tl_cols = tl_cols,
	.ntl_cols = ARRAY_SIZE(tl_cols),
};
