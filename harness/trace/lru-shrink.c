// SPDX-License-Identifier: GPL-2.0
/*
 * vmscan:mm_vmscan_lru_shrink_inactive/active: the pages reclaim scanned
 * and reclaimed, overall and split into kswapd and direct reclaim (any
 * other task).  A kswapd is known by its pid, the common_pid of its
 * node's kswapd_wake/sleep (kswapd.c), which kswapd itself emits, or
 * else by its name; the pages of a kswapd go to its node's current awake
 * period in kswapd.c, for each period's reclaim efficiency.
 *
 * Scanned and reclaimed are the inactive list's, as /proc/vmstat's
 * pgscan and pgsteal: the efficiency is reclaimed / scanned.  The active
 * list's pages taken and deactivated are counted apart.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

enum { BY_KSWAPD, BY_DIRECT, NBY };

struct lru_pages {
	uint64_t events, scanned, reclaimed;
	uint64_t active_taken, deactivated;
};

struct lru_state {
	struct lru_pages by[NBY];
};

static const char *const by_keys[NBY] = { "kswapd", "direct" };

static void *lru_new(struct trace_state *st)
{
	(void)st;
	return trace_zalloc(1, sizeof(struct lru_state));
}

/* The node of the kswapd that pid is, -1 for another kswapd, or -2 */
static long long kswapd_of(struct trace_state *st, int pid)
{
	long long nid = trace_kswapd_node(st, pid);
	struct trace_task *t;

	if (nid >= 0)
		return nid;
	/* not seen waking or sleeping yet: by its name, when known */
	t = trace_task_get(st, pid);
	if (!strncmp(t->comm, "kswapd", 6))
		return -1;
	return -2;
}

enum { LI_NID, LI_SCANNED, LI_RECLAIMED };

static void shrink_inactive(struct trace_state *st, const struct trace_bound *b,
			    const struct trace_rec *r)
{
	uint64_t scanned = trace_field(b, LI_SCANNED, r);
	uint64_t reclaimed = trace_field(b, LI_RECLAIMED, r);
	long long nid = kswapd_of(st, r->pid);
	struct lru_state *l = b->gs;
	struct lru_pages *p = &l->by[nid >= -1 ? BY_KSWAPD : BY_DIRECT];

	p->events++;
	p->scanned += scanned;
	p->reclaimed += reclaimed;
	if (nid >= 0)
		trace_kswapd_reclaimed(st, nid, scanned, reclaimed);
}

enum { LA_NID, LA_TAKEN, LA_DEACTIVATED };

static void shrink_active(struct trace_state *st, const struct trace_bound *b,
			  const struct trace_rec *r)
{
	struct lru_state *l = b->gs;
	struct lru_pages *p =
		&l->by[kswapd_of(st, r->pid) >= -1 ? BY_KSWAPD : BY_DIRECT];

	p->events++;
	p->active_taken += trace_field(b, LA_TAKEN, r);
	p->deactivated += trace_field(b, LA_DEACTIVATED, r);
}

static void lru_free(void *gs)
{
	free(gs);
}

/* ---- the report ---- */

static json_t *eff(uint64_t reclaimed, uint64_t scanned)
{
	return scanned ?
		       json_real(100.0 * (double)reclaimed / (double)scanned) :
		       json_null();
}

static json_t *pages_json(const struct lru_pages *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "events", json_integer((json_int_t)p->events));
	json_object_set_new(o, "scanned", json_integer((json_int_t)p->scanned));
	json_object_set_new(o, "reclaimed",
			    json_integer((json_int_t)p->reclaimed));
	json_object_set_new(o, "efficiency_pct", eff(p->reclaimed, p->scanned));
	json_object_set_new(o, "active_taken",
			    json_integer((json_int_t)p->active_taken));
	json_object_set_new(o, "active_deactivated",
			    json_integer((json_int_t)p->deactivated));
	return o;
}

static void total(const struct lru_state *l, struct lru_pages *t)
{
	int i;

	*t = (struct lru_pages){ 0 };
	for (i = 0; i < NBY; i++) {
		t->events += l->by[i].events;
		t->scanned += l->by[i].scanned;
		t->reclaimed += l->by[i].reclaimed;
		t->active_taken += l->by[i].active_taken;
		t->deactivated += l->by[i].deactivated;
	}
}

static json_t *lru_json(struct trace_state *st, void *gs)
{
	struct lru_state *l = gs;
	struct lru_pages t;
	json_t *o;
	int i;

	total(l, &t);
	o = pages_json(&t);
	for (i = 0; i < NBY; i++)
		json_object_set_new(o, by_keys[i], pages_json(&l->by[i]));
	json_object_set_new(
		o, "note",
		json_string(
			"scanned and reclaimed are the inactive list's (as "
			"pgscan and pgsteal); kswapd: the tasks that kswapd_wake"
			"/sleep came from, or named kswapd*; direct: any other"));
	if (!trace_group_present(st, "kswapd"))
		json_object_set_new(
			o, "kswapd_known_by",
			json_string("name only: the kswapd group was not "
				    "traced"));
	return o;
}

static void lru_summary(struct trace_state *st, void *gs, json_t *o)
{
	struct lru_state *l = gs;
	struct lru_pages t;
	json_t *g = json_object();

	(void)st;
	total(l, &t);
	json_object_set_new(g, "scanned", json_integer((json_int_t)t.scanned));
	json_object_set_new(g, "reclaimed",
			    json_integer((json_int_t)t.reclaimed));
	json_object_set_new(g, "kswapd_efficiency_pct",
			    eff(l->by[BY_KSWAPD].reclaimed,
				l->by[BY_KSWAPD].scanned));
	json_object_set_new(g, "direct_efficiency_pct",
			    eff(l->by[BY_DIRECT].reclaimed,
				l->by[BY_DIRECT].scanned));
	json_object_set_new(o, "lru_shrink", g);
}

/* "N" or "N %" from a number, or "?" when it is none */
static const char *num(double v, const char *unit, char *b, size_t len)
{
	if (isnan(v))
		snprintf(b, len, "?");
	else
		snprintf(b, len, "%.*g%s", unit ? 3 : 15, v, unit ? unit : "");
	return b;
}

static int lru_describe(const json_t *t, char *buf, size_t len)
{
	double s = trace_num(t, "lru_shrink", "scanned");
	char a[32], b[32], c[32];

	if (isnan(s))
		return 0;
	snprintf(
		buf, len,
		"LRU shrink: %.0f pages scanned, %s reclaimed; efficiency kswapd %s, direct reclaim %s",
		s,
		num(trace_num(t, "lru_shrink", "reclaimed"), NULL, a,
		    sizeof(a)),
		num(trace_num(t, "lru_shrink", "kswapd_efficiency_pct"), " %",
		    b, sizeof(b)),
		num(trace_num(t, "lru_shrink", "direct_efficiency_pct"), " %",
		    c, sizeof(c)));
	return 1;
}

static int lru_progress(const struct trace_state *st, const void *gs, char *buf,
			size_t len)
{
	const struct lru_state *l = gs;
	struct lru_pages t;

	(void)st;
	total(l, &t);
	return snprintf(buf, len, " | lru reclaimed %llu/%llu",
			(unsigned long long)t.reclaimed,
			(unsigned long long)t.scanned);
}

/* The order of each event's fields matches its handler's enum above */
static const struct trace_event_ops events[] = {
	{
		.system = "vmscan",
		.name = "mm_vmscan_lru_shrink_inactive",
		.ordered = true,
		.fields = { "nid", "nr_scanned", "nr_reclaimed" },
		.handle = shrink_inactive,
	},
	{
		.system = "vmscan",
		.name = "mm_vmscan_lru_shrink_active",
		.ordered = true,
		.fields = { "nid", "nr_taken", "?nr_deactivated" },
		.handle = shrink_active,
	},
};

const struct trace_group_ops trace_group_lru_shrink = {
	.name = "lru_shrink",
	.events = events,
	.nevents = ARRAY_SIZE(events),
	.init = lru_new,
	.json = lru_json,
	.summary = lru_summary,
	.describe = lru_describe,
	.free = lru_free,
	.progress = lru_progress,
};
