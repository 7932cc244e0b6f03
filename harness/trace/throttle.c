// SPDX-License-Identifier: GPL-2.0
/*
 * Throttling: tasks put to sleep so that reclaim or writeback can catch
 * up.  vmscan:mm_vmscan_throttled (reclaim_throttle(): how long a task
 * slept, by why: writeback, isolated, no progress, congested) and
 * writeback:balance_dirty_pages (a task dirtying pages faster than they
 * are written back: its pause, and the dirty rates it was held to).
 *
 * Before 5.16 reclaim slept in congestion_wait() and
 * wait_iff_congested() instead, traced as writeback:
 * writeback_congestion_wait and writeback_wait_iff_congested.  5.16 (Mel
 * Gorman's "mm/vmscan: throttle reclaim until some writeback completes
 * if congested") replaced wait_iff_congested() and its event by
 * reclaim_throttle() and vmscan:mm_vmscan_throttled, and moved reclaim's
 * congestion_wait() calls to it; congestion_wait() and its event went
 * with the rest of the congestion tracking in 5.18 (NeilBrown's "Remove
 * congestion tracking framework").  Both are traced when present; their
 * absence on newer kernels is expected and said so.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

#define TH_NAMES 8 /* reason bits named by the print format */
/* slots of by_reason: one per named bit, then none, then any other */
#define TH_NONE TH_NAMES
#define TH_OTHER (TH_NAMES + 1)

enum { EV_THROTTLED, EV_DIRTY, EV_CONGESTION_WAIT, EV_WAIT_IFF, NEV };
static const char *const ev_names[NEV] = { "mm_vmscan_throttled",
					   "balance_dirty_pages",
					   "writeback_congestion_wait",
					   "writeback_wait_iff_congested" };

struct th_state {
	/* mm_vmscan_throttled: usec_delayed, all and by reason */
	struct durset throttled, by_reason[TH_OTHER + 1];
	uint64_t timed_out; /* slept the whole timeout */
	char names[TH_NAMES][TRACE_FLAG_NAME];
	uint64_t bits[TH_NAMES];
	int nnames;
	/* balance_dirty_pages: pauses that slept, and the rates */
	struct durset pauses;
	uint64_t dirty_calls, not_paused;
	double sum_dirty_ratelimit, sum_task_ratelimit; /* KB/s */
	uint64_t max_dirty, last_limit; /* pages */
	/* the congestion waits of older kernels */
	struct durset congested[2];
	uint64_t congested_timed_out[2];
};

static void *th_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct th_state));
}

static void th_free(void *gs)
{
	struct th_state *t = gs;
	size_t i;

	durset_free(&t->throttled);
	for (i = 0; i < ARRAY_SIZE(t->by_reason); i++)
		durset_free(&t->by_reason[i]);
	durset_free(&t->pauses);
	durset_free(&t->congested[0]);
	durset_free(&t->congested[1]);
	free(t);
}

/* ---- vmscan:mm_vmscan_throttled ---- */

enum { VT_NID, VT_TIMEOUT, VT_DELAYED, VT_REASON };

/*
 * The reason bits' names, from the print format's __print_flags.  The
 * kernel leaves their values as "(1 << VMSCAN_THROTTLE_WRITEBACK)": an
 * enum libtraceevent cannot evaluate.  It lists them in the enum's order
 * (show_throttle_flags()), so the Nth is bit N unless the values read are
 * distinct bits.
 */
static void throttled_init(struct trace_state *st, struct trace_bound *b)
{
	struct th_state *t = b->gs;
	bool distinct = true;
	int i, k;

	(void)st;
	if (!b->f[VT_REASON])
		return;
	t->nnames = trace_flag_names(b->event, b->ops->fields[VT_REASON],
				     t->names, t->bits, TH_NAMES);
	for (i = 0; i < t->nnames; i++) {
		if (!t->bits[i] || (t->bits[i] & (t->bits[i] - 1)))
			distinct = false;
		for (k = 0; k < i; k++)
			if (t->bits[k] == t->bits[i])
				distinct = false;
	}
	if (!distinct)
		for (i = 0; i < t->nnames; i++)
			t->bits[i] = 1ULL << i;
}

/* The by_reason slot of a reason mask */
static int reason_slot(const struct th_state *t, uint64_t reason)
{
	int i;

	if (!reason)
		return TH_NONE;
	for (i = 0; i < t->nnames; i++)
		if (reason == t->bits[i])
			return i;
	return TH_OTHER;
}

static const char *slot_name(const struct th_state *t, int slot)
{
	if (slot == TH_NONE)
		return "none";
	if (slot == TH_OTHER)
		return "other";
	return t->names[slot];
}

static uint64_t usecs(long long v)
{
	return v > 0 ? (uint64_t)v * 1000 : 0;
}

static void throttled(struct trace_state *st, const struct trace_bound *b,
		      const struct trace_rec *r)
{
	struct th_state *t = b->gs;
	long long delayed = trace_field_s(b, VT_DELAYED, r);
	long long timeout = trace_field_s(b, VT_TIMEOUT, r);
	int slot = reason_slot(t, trace_field(b, VT_REASON, r));

	durset_add(&t->throttled, usecs(delayed));
	durset_add(&t->by_reason[slot], usecs(delayed));
	if (timeout > 0 && delayed >= timeout)
		t->timed_out++;
	if (!trace_listed(st, b))
		return;
	trace_list(st, b, r,
		   &(struct trace_item){ .what = "throttled",
					 .node = trace_field_s(b, VT_NID, r),
					 .order = -1,
					 .value = (double)delayed,
					 .unit = "us",
					 .detail = slot_name(t, slot) });
}

/* ---- writeback:balance_dirty_pages ---- */

/*
 * Units, from mm/page-writeback.c's tracepoint: pause, period and paused
 * in ms (pause <= 0: no sleep this time); the ratelimits in KB/s; dirty,
 * limit and setpoint in pages
 */
enum { BD_PAUSE, BD_PERIOD, BD_DIRTY_RL, BD_TASK_RL, BD_DIRTY, BD_LIMIT };

static void dirty_pages(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	struct th_state *t = b->gs;
	long long pause = trace_field_s(b, BD_PAUSE, r);
	uint64_t dirty = trace_field(b, BD_DIRTY, r);
	char detail[160];

	t->dirty_calls++;
	t->sum_dirty_ratelimit += (double)trace_field(b, BD_DIRTY_RL, r);
	t->sum_task_ratelimit += (double)trace_field(b, BD_TASK_RL, r);
	if (dirty > t->max_dirty)
		t->max_dirty = dirty;
	t->last_limit = trace_field(b, BD_LIMIT, r);
	if (pause <= 0) {
		t->not_paused++;
		return;
	}
	durset_add(&t->pauses, (uint64_t)pause * NSEC_PER_MSEC);
	if (!trace_listed(st, b))
		return;
	snprintf(
		detail, sizeof(detail),
		"period %lld ms dirty %llu limit %llu task_ratelimit %llu KB/s",
		trace_field_s(b, BD_PERIOD, r), (unsigned long long)dirty,
		(unsigned long long)t->last_limit,
		(unsigned long long)trace_field(b, BD_TASK_RL, r));
	trace_list(st, b, r,
		   &(struct trace_item){ .what = "dirty_pause",
					 .node = -1,
					 .order = -1,
					 .value = (double)pause * 1e3,
					 .unit = "us",
					 .detail = detail });
}

/* ---- writeback:writeback_congestion_wait, _wait_iff_congested ---- */

enum { CW_TIMEOUT, CW_DELAYED };

static void congested(struct trace_state *st, const struct trace_bound *b,
		      const struct trace_rec *r, int k)
{
	struct th_state *t = b->gs;
	uint64_t delayed = trace_field(b, CW_DELAYED, r);
	uint64_t timeout = trace_field(b, CW_TIMEOUT, r);

	durset_add(&t->congested[k], delayed * 1000);
	if (timeout && delayed >= timeout)
		t->congested_timed_out[k]++;
	trace_list(st, b, r,
		   &(struct trace_item){ .what = k ? "wait_iff_congested" :
						     "congestion_wait",
					 .node = -1,
					 .order = -1,
					 .value = (double)delayed,
					 .unit = "us" });
}

static void congestion_wait(struct trace_state *st, const struct trace_bound *b,
			    const struct trace_rec *r)
{
	congested(st, b, r, 0);
}

static void wait_iff_congested(struct trace_state *st,
			       const struct trace_bound *b,
			       const struct trace_rec *r)
{
	congested(st, b, r, 1);
}

/* ---- the report ---- */

/* Which of the group's events this kernel has, and why not the others */
static void presence_json(const struct trace_state *st, json_t *o)
{
	json_t *present = json_array(), *absent = json_object();
	char name[128];
	size_t i;

	for (i = 0; i < NEV; i++) {
		const struct trace_bound *b = trace_find_bound(st, ev_names[i]);
		json_t *a;

		if (!b)
			continue;
		snprintf(name, sizeof(name), "%s:%s", b->ops->system,
			 b->ops->name);
		if (b->event) {
			json_array_append_new(present, json_string(name));
			continue;
		}
		a = json_object();
		json_object_set_new(a, "reason", json_string(b->reason));
		json_object_set_new(a, "gone", json_boolean(b->ops->gone));
		json_object_set_new(absent, name, a);
	}
	json_object_set_new(o, "present", present);
	json_object_set_new(o, "absent", absent);
}

static json_t *throttled_json(struct th_state *t)
{
	json_t *o = durset_json(&t->throttled, true), *by = json_object();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t->by_reason); i++)
		if (t->by_reason[i].n)
			json_object_set_new(by, slot_name(t, (int)i),
					    durset_json(&t->by_reason[i],
							true));
	json_object_set_new(o, "by_reason", by);
	json_object_set_new(o, "timed_out",
			    json_integer((json_int_t)t->timed_out));
	return o;
}

static json_t *mean_json(double sum, uint64_t n)
{
	return n ? json_real(sum / (double)n) : json_null();
}

static json_t *dirty_json(struct th_state *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "calls",
			    json_integer((json_int_t)t->dirty_calls));
	json_object_set_new(o, "not_paused",
			    json_integer((json_int_t)t->not_paused));
	json_object_set_new(o, "pause", durset_json(&t->pauses, true));
	json_object_set_new(o, "mean_dirty_ratelimit_kBps",
			    mean_json(t->sum_dirty_ratelimit, t->dirty_calls));
	json_object_set_new(o, "mean_task_ratelimit_kBps",
			    mean_json(t->sum_task_ratelimit, t->dirty_calls));
	json_object_set_new(o, "max_dirty_pages",
			    json_integer((json_int_t)t->max_dirty));
	json_object_set_new(o, "last_limit_pages",
			    json_integer((json_int_t)t->last_limit));
	return o;
}

static json_t *congested_json(struct th_state *t, int k)
{
	json_t *o = durset_json(&t->congested[k], true);

	json_object_set_new(
		o, "timed_out",
		json_integer((json_int_t)t->congested_timed_out[k]));
	return o;
}

static json_t *th_json(struct trace_state *st, void *gs)
{
	struct th_state *t = gs;
	json_t *o = json_object();

	presence_json(st, o);
	json_object_set_new(o, "throttled", throttled_json(t));
	json_object_set_new(o, "dirty_pages", dirty_json(t));
	json_object_set_new(o, "congestion_wait", congested_json(t, 0));
	json_object_set_new(o, "wait_iff_congested", congested_json(t, 1));
	return o;
}

/* p99 of D in µs, or null when empty */
static json_t *p99_json(struct durset *d)
{
	return d->n ? json_real(durset_quantile(d, 0.99) / 1e3) : json_null();
}

static void th_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct th_state *t = gs;
	json_t *g = json_object();

	(void)st;
	json_object_set_new(g, "throttled",
			    json_integer((json_int_t)t->throttled.n));
	json_object_set_new(g, "throttled_p99_us", p99_json(&t->throttled));
	json_object_set_new(g, "dirty_pauses",
			    json_integer((json_int_t)t->pauses.n));
	json_object_set_new(g, "dirty_pause_p99_us", p99_json(&t->pauses));
	json_object_set_new(o, "throttle", g);
}

static int th_describe(const json_t *t, char *buf, size_t len)
{
	double n = trace_num(t, "throttle", "throttled");
	double p = trace_num(t, "throttle", "dirty_pauses");
	char a[32], b[32], nb[32], pb[32];

	if (!json_is_object(json_object_get(t, "throttle")))
		return 0;
	if (isnan(n))
		snprintf(nb, sizeof(nb), "?");
	else
		snprintf(nb, sizeof(nb), "%.0f", n);
	if (isnan(p))
		snprintf(pb, sizeof(pb), "?");
	else
		snprintf(pb, sizeof(pb), "%.0f", p);
	snprintf(buf, len,
		 "throttle: reclaim throttled %s times, p99 %s; "
		 "dirty-page pauses %s, p99 %s",
		 nb,
		 trace_fmt_us(trace_num(t, "throttle", "throttled_p99_us"), a,
			      sizeof(a)),
		 pb,
		 trace_fmt_us(trace_num(t, "throttle", "dirty_pause_p99_us"), b,
			      sizeof(b)));
	return 1;
}

/* The order of each event's fields matches its handler's enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "vmscan",
		.name = "mm_vmscan_throttled",
		.fields = { "nid", "usec_timeout", "usec_delayed", "reason" },
		.init = throttled_init,
		.handle = throttled,
	},
	{
		.system = "writeback",
		.name = "balance_dirty_pages",
		.fields = { "pause", "?period", "dirty_ratelimit",
			    "task_ratelimit", "dirty", "?limit" },
		.handle = dirty_pages,
	},
	{
		.system = "writeback",
		.name = "writeback_congestion_wait",
		.fields = { "usec_timeout", "usec_delayed" },
		.gone = "removed in 5.18; reclaim's waits went to "
			"vmscan:mm_vmscan_throttled in 5.16",
		.handle = congestion_wait,
	},
	{
		.system = "writeback",
		.name = "writeback_wait_iff_congested",
		.fields = { "usec_timeout", "usec_delayed" },
		.gone = "removed in 5.16, replaced by vmscan:mm_vmscan_throttled",
		.handle = wait_iff_congested,
	},
};

const struct trace_group_ops trace_group_throttle = {
	.name = "throttle",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = th_new,
	.json = th_json,
	.summary = th_summary,
	.describe = th_describe,
	.free = th_free,
};
