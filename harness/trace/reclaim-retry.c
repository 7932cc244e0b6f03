// SPDX-License-Identifier: GPL-2.0
/*
 * oom:reclaim_retry_zone: how often the allocator weighed retrying
 * reclaim, per zone, and what it saw the last time (reclaimable,
 * available, the min watermark).
 */
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

struct retry_zone {
	int node, zone;
	uint64_t n;
	uint64_t ts; /* of the last one */
	int order, no_progress_loops, max_no_progress_loops, wmark_check;
	uint64_t reclaimable, available, min_wmark;
};

struct retry_state {
	struct retry_zone zones[64];
	int nzones;
	uint64_t other; /* past the last zone kept */
};

static void *rr_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct retry_state));
}

enum {
	RR_NODE,
	RR_ZONE,
	RR_ORDER,
	RR_RECLAIMABLE,
	RR_AVAILABLE,
	RR_MIN_WMARK,
	RR_LOOPS,
	RR_WMARK_CHECK
};

static struct retry_zone *zone_get(struct retry_state *s, int node, int zone)
{
	struct retry_zone *z;
	int i;

	for (i = 0; i < s->nzones; i++)
		if (s->zones[i].node == node && s->zones[i].zone == zone)
			return &s->zones[i];
	if (s->nzones == (int)ARRAY_SIZE(s->zones))
		return NULL;
	z = &s->zones[s->nzones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	z->zone = zone;
	z->wmark_check = -1;
	return z;
}

static void reclaim_retry(struct trace_state *st, const struct trace_bound *b,
			  const struct trace_rec *r)
{
	struct retry_state *s = b->gs;
	struct retry_zone *z = zone_get(s, (int)trace_field_s(b, RR_NODE, r),
					(int)trace_field_s(b, RR_ZONE, r));
	struct retry_zone e;

	if (!z) {
		s->other++;
		return;
	}
	/* this check's values; the zone keeps the latest by time */
	e = *z;
	e.order = (int)trace_field_s(b, RR_ORDER, r);
	e.reclaimable = trace_field(b, RR_RECLAIMABLE, r);
	e.available = trace_field(b, RR_AVAILABLE, r);
	e.min_wmark = trace_field(b, RR_MIN_WMARK, r);
	e.no_progress_loops = (int)trace_field_s(b, RR_LOOPS, r);
	if (b->f[RR_WMARK_CHECK])
		e.wmark_check = (int)trace_field(b, RR_WMARK_CHECK, r);
	e.ts = r->ts;
	e.n = z->n + 1;
	if (e.no_progress_loops > e.max_no_progress_loops)
		e.max_no_progress_loops = e.no_progress_loops;
	if (z->n && r->ts < z->ts) {
		/* an older one, read after: only the counts and the max */
		z->n = e.n;
		z->max_no_progress_loops = e.max_no_progress_loops;
	} else {
		*z = e;
	}
	if (trace_listed(st, b)) {
		char detail[160];

		snprintf(detail, sizeof(detail),
			 "zone %d reclaimable %llu min_wmark %llu loops %d%s",
			 e.zone, (unsigned long long)e.reclaimable,
			 (unsigned long long)e.min_wmark, e.no_progress_loops,
			 b->f[RR_WMARK_CHECK] ?
				 (e.wmark_check ? " wmark_check 1" :
						  " wmark_check 0") :
				 "");
		trace_list(st, b, r,
			   &(struct trace_item){ .what = "retry_zone",
						 .node = e.node,
						 .order = e.order,
						 .value = (double)e.available,
						 .unit = "pages available",
						 .detail = detail });
	}
}

static void rr_free(void *gs)
{
	free(gs);
}

/* What the last one saw */
static json_t *last_json(const struct trace_state *st,
			 const struct retry_zone *z)
{
	json_t *last = json_object();

	json_object_set_new(
		last, "t_s",
		json_real(z->ts > st->t0 ? trace_secs(z->ts - st->t0) : 0));
	json_object_set_new(last, "order", json_integer(z->order));
	json_object_set_new(last, "reclaimable",
			    json_integer((json_int_t)z->reclaimable));
	json_object_set_new(last, "available",
			    json_integer((json_int_t)z->available));
	json_object_set_new(last, "min_wmark",
			    json_integer((json_int_t)z->min_wmark));
	json_object_set_new(last, "no_progress_loops",
			    json_integer(z->no_progress_loops));
	json_object_set_new(last, "wmark_check",
			    z->wmark_check < 0 ? json_null() :
						 json_integer(z->wmark_check));
	return last;
}

static json_t *rr_json(struct trace_state *st, void *gs)
{
	const struct trace_bound *b =
		trace_find_bound(st, "reclaim_retry_zone");
	struct retry_state *s = gs;
	json_t *o = json_object(), *a = json_array();
	uint64_t total = s->other;
	int i;

	for (i = 0; i < s->nzones; i++) {
		const struct retry_zone *z = &s->zones[i];
		const char *zn =
			b ? trace_symbol(b->event, "zone_idx", z->zone) : NULL;
		json_t *e = json_object();

		total += z->n;
		json_object_set_new(e, "node", json_integer(z->node));
		json_object_set_new(e, "zone_idx", json_integer(z->zone));
		json_object_set_new(e, "zone",
				    zn ? json_string(zn) : json_null());
		json_object_set_new(e, "count", json_integer((json_int_t)z->n));
		json_object_set_new(e, "max_no_progress_loops",
				    json_integer(z->max_no_progress_loops));
		json_object_set_new(e, "last", last_json(st, z));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "count", json_integer((json_int_t)total));
	json_object_set_new(o, "zones", a);
	return o;
}

static void rr_summary(struct trace_state *st, void *gs, json_t *o)
{
	json_t *j = rr_json(st, gs);

	json_object_set(o, "reclaim_retry_zone", json_object_get(j, "count"));
	json_decref(j);
}

/* The order of the fields matches the handler's enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "oom",
		.name = "reclaim_retry_zone",
		.fields = { "node", "zone_idx", "order", "reclaimable",
			    "available", "min_wmark", "no_progress_loops",
			    "?wmark_check" },
		.handle = reclaim_retry,
	},
};

static int rr_describe(const json_t *t, char *buf, size_t len)
{
	return trace_describe_count(t, "reclaim_retry_zone",
				    "should_reclaim_retry() zone checks", buf,
				    len);
}

const struct trace_group_ops trace_group_reclaim_retry = {
	.name = "reclaim_retry",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = rr_new,
	.json = rr_json,
	.summary = rr_summary,
	.describe = rr_describe,
	.free = rr_free,
};
