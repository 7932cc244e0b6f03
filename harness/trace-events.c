// SPDX-License-Identifier: GPL-2.0
/*
 * One small handler per traced event, and the table of them.  Handlers
 * read fields by their index in ops->fields, bound by name to this
 * kernel's format; begin/end pairs are matched per task (pid), and the
 * session feeds "ordered" events in time order across CPUs, since a task
 * may start reclaim on one CPU and finish it on another.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>

#include "trace.h"
#include "util.h"

static int order_slot(long long order)
{
	return order >= 0 && order < TRACE_ORDERS ? (int)order : TRACE_ORDERS;
}

/* ---- the direct reclaim timeline ---- */

void trace_timeline_set(struct trace_state *st, uint64_t t0, uint64_t step)
{
	st->tl_t0 = t0;
	st->tl_step = step;
}

static struct trace_tl_bin *tl_bin(struct trace_state *st, uint64_t ts)
{
	size_t k, n;

	if (!st->tl_step || ts < st->tl_t0)
		return NULL;
	k = (size_t)((ts - st->tl_t0) / st->tl_step);
	if (k >= st->captl) {
		n = k + 1 > st->captl * 2 ? k + 1 : st->captl * 2;
		st->tl = realloc(st->tl, n * sizeof(*st->tl));
		if (!st->tl)
			die("out of memory");
		memset(st->tl + st->captl, 0,
		       (n - st->captl) * sizeof(*st->tl));
		st->captl = n;
	}
	if (k >= st->ntl)
		st->ntl = k + 1;
	return &st->tl[k];
}

enum tl_what { TL_STALL, TL_NM_STALL, TL_SOME };

/*
 * Spreads [a, b) over the bins it overlaps: stall time (of a non-movable
 * request also counted apart), or "some" time
 */
static void tl_spread(struct trace_state *st, uint64_t a, uint64_t b,
		      enum tl_what what)
{
	struct trace_tl_bin *bin;
	uint64_t edge, part;

	if (!st->tl_step)
		return;
	if (a < st->tl_t0)
		a = st->tl_t0;
	while (a < b) {
		bin = tl_bin(st, a);
		edge = st->tl_t0 +
		       ((a - st->tl_t0) / st->tl_step + 1) * st->tl_step;
		part = (b < edge ? b : edge) - a;
		if (what == TL_SOME) {
			bin->some_ns += part;
		} else {
			bin->stall_ns += part;
			if (what == TL_NM_STALL)
				bin->nm_stall_ns += part;
		}
		a += part;
	}
}

static void tl_end(struct trace_state *st, uint64_t begin, uint64_t end,
		   bool nm)
{
	struct trace_tl_bin *bin;

	tl_spread(st, begin, end, nm ? TL_NM_STALL : TL_STALL);
	bin = tl_bin(st, end);
	if (!bin)
		return;
	bin->n++;
	if (end - begin > bin->max_ns)
		bin->max_ns = end - begin;
}

void trace_timeline_open(struct trace_state *st, uint64_t a, uint64_t b,
			 bool nm)
{
	tl_spread(st, a, b, nm ? TL_NM_STALL : TL_STALL);
}

void trace_timeline_some(struct trace_state *st, uint64_t a, uint64_t b)
{
	tl_spread(st, a, b, TL_SOME);
}

/* ---- vmscan:mm_vmscan_direct_reclaim_begin/end ---- */

enum { DRB_ORDER, DRB_GFP };

/* The kernel's own migratetype bits, as an event's print format names them */
static void gfp_bits_init(struct trace_state *st, struct trace_bound *b,
			  int field, const char *fallback)
{
	const char *gfp = b->f[field] ? b->f[field]->name : fallback;

	if (st->gfp_movable && st->gfp_reclaimable)
		return;
	st->gfp_movable = trace_gfp_bit(b->event, gfp, "__GFP_MOVABLE");
	st->gfp_reclaimable = trace_gfp_bit(b->event, gfp, "__GFP_RECLAIMABLE");
}

static void dr_begin_init(struct trace_state *st, struct trace_bound *b)
{
	gfp_bits_init(st, b, DRB_GFP, "gfp_flags");
}

static int gfp_mt(const struct trace_state *st, uint64_t gfp)
{
	if (!st->gfp_movable || !st->gfp_reclaimable)
		return -1;
	if (gfp & st->gfp_movable)
		return TRACE_MT_MOVABLE;
	if (gfp & st->gfp_reclaimable)
		return TRACE_MT_RECLAIMABLE;
	return TRACE_MT_UNMOVABLE;
}

static void dr_begin(struct trace_state *st, const struct trace_bound *b,
		     const struct trace_rec *r)
{
	struct trace_task *t = trace_task_get(st, r->pid);

	/* no nesting in the kernel (PF_MEMALLOC): the end was lost */
	if (t->in_dr)
		st->dr_nested++;
	else if (!st->dr_active++)
		st->dr_some_since = r->ts;
	t->in_dr = true;
	t->dr_begin = r->ts;
	t->dr_order = (int)trace_field_s(b, DRB_ORDER, r);
	t->dr_mt = gfp_mt(st, trace_field(b, DRB_GFP, r));
}

enum { DRE_RECLAIMED };

static void dr_end(struct trace_state *st, const struct trace_bound *b,
		   const struct trace_rec *r)
{
	struct trace_task *t = trace_task_find(st, r->pid);
	uint64_t d;

	if (!t || !t->in_dr || r->ts < t->dr_begin) {
		st->dr_unmatched_end++;
		return;
	}
	d = r->ts - t->dr_begin;
	t->in_dr = false;
	tl_end(st, t->dr_begin, r->ts,
	       t->dr_mt == TRACE_MT_UNMOVABLE ||
		       t->dr_mt == TRACE_MT_RECLAIMABLE);
	if (st->dr_active > 0 && !--st->dr_active)
		tl_spread(st, st->dr_some_since, r->ts, TL_SOME);
	durset_add(&st->dr, d);
	durset_add(&st->dr_order[order_slot(t->dr_order)], d);
	if (t->dr_mt >= 0) {
		durset_add(&st->dr_mt[t->dr_mt], d);
		durset_add(&st->dr_cross[order_slot(t->dr_order)][t->dr_mt], d);
	}
	t->dr_n++;
	t->dr_ns += d;
	if (d > t->dr_max_ns)
		t->dr_max_ns = d;
	st->dr_reclaimed += trace_field(b, DRE_RECLAIMED, r);
}

/* ---- vmscan:mm_vmscan_kswapd_wake/sleep ---- */

static struct trace_node *node_get(struct trace_state *st, long long nid)
{
	int n;

	if (nid < 0 || nid >= TRACE_MAX_NODES)
		return NULL;
	if (nid >= st->nnodes) {
		n = (int)nid + 1;
		st->nodes = realloc(st->nodes, (size_t)n * sizeof(*st->nodes));
		if (!st->nodes)
			die("out of memory");
		memset(st->nodes + st->nnodes, 0,
		       (size_t)(n - st->nnodes) * sizeof(*st->nodes));
		st->nnodes = n;
	}
	return &st->nodes[nid];
}

enum { KW_NID };

static void kswapd_wake(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	struct trace_node *n = node_get(st, trace_field_s(b, KW_NID, r));

	if (!n)
		return;
	n->wakes++;
	/* kswapd re-wakes without sleeping when balancing was premature */
	if (!n->awake) {
		n->awake = true;
		n->since = r->ts;
	}
	n->seen = true;
}

static void kswapd_sleep(struct trace_state *st, const struct trace_bound *b,
			 const struct trace_rec *r)
{
	struct trace_node *n = node_get(st, trace_field_s(b, KW_NID, r));

	if (!n)
		return;
	n->sleeps++;
	if (n->awake) {
		durset_add(&n->periods, r->ts - n->since);
		n->awake_ns += r->ts - n->since;
	} else if (!n->seen && r->ts > st->t0) {
		/* awake since before the trace began: count what we saw */
		n->awake_ns += r->ts - st->t0;
		n->awake_at_start = true;
	}
	n->awake = false;
	n->seen = true;
}

/* ---- vmscan:mm_vmscan_wakeup_kswapd ---- */

enum { WK_ORDER };

static void wakeup_kswapd(struct trace_state *st, const struct trace_bound *b,
			  const struct trace_rec *r)
{
	long long order = trace_field_s(b, WK_ORDER, r);
	struct trace_tl_bin *bin;

	st->wk_order[order_slot(order)]++;
	/* the order of skb frag refills (udp-order3) and above */
	bin = order >= 3 ? tl_bin(st, r->ts) : NULL;
	if (bin)
		bin->wk_o3plus++;
}

/* ---- compaction:mm_compaction_begin/end ---- */

static void compaction_begin(struct trace_state *st,
			     const struct trace_bound *b,
			     const struct trace_rec *r)
{
	struct trace_task *t = trace_task_get(st, r->pid);

	(void)b;
	if (t->in_cp)
		st->cp_nested++;
	t->in_cp = true;
	t->cp_begin = r->ts;
}

enum { CE_STATUS };

static void compaction_end(struct trace_state *st, const struct trace_bound *b,
			   const struct trace_rec *r)
{
	struct trace_task *t = trace_task_find(st, r->pid);
	long long status = trace_field_s(b, CE_STATUS, r);

	if (status >= 0 && status < (long long)ARRAY_SIZE(st->cp_status))
		st->cp_status[status]++;
	else
		st->cp_status_other++;
	if (!t || !t->in_cp || r->ts < t->cp_begin) {
		st->cp_unmatched_end++;
		return;
	}
	t->in_cp = false;
	durset_add(&st->cp, r->ts - t->cp_begin);
}

/*
 * ---- compaction:mm_compaction_try_to_compact_pages ----
 * The order a request compacts at, by its migratetype: under
 * vm.defrag_mode=1 a kernel with the 7.2 fix compacts for a non-movable
 * request at pageblock order or above, whatever order was asked for.
 */

enum { TC_ORDER, TC_GFP, TC_PRIO };

static void try_compact_init(struct trace_state *st, struct trace_bound *b)
{
	gfp_bits_init(st, b, TC_GFP, "gfp_mask");
}

static void try_compact(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	int mt = gfp_mt(st, trace_field(b, TC_GFP, r));
	long long prio = trace_field_s(b, TC_PRIO, r);

	if (mt >= 0)
		st->tc[order_slot(trace_field_s(b, TC_ORDER, r))][mt]++;
	else
		st->tc_other++;
	if (prio >= 0 && prio < (long long)ARRAY_SIZE(st->tc_prio))
		st->tc_prio[prio]++;
}

/* ---- kmem:mm_page_alloc_extfrag ---- */

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
	int i;

	for (i = 0; i < st->nxf; i++) {
		struct trace_extfrag *x = &st->xf[i];

		if (x->alloc_mt == a && x->fallback_mt == f &&
		    x->fragmenting == frag) {
			x->n++;
			return;
		}
	}
	if (st->nxf == (int)ARRAY_SIZE(st->xf)) {
		st->xf_other++;
		return;
	}
	st->xf[st->nxf++] = (struct trace_extfrag){ a, f, frag, 1 };
}

/* ---- oom:reclaim_retry_zone ---- */

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

static void reclaim_retry(struct trace_state *st, const struct trace_bound *b,
			  const struct trace_rec *r)
{
	int node = (int)trace_field_s(b, RR_NODE, r);
	int zone = (int)trace_field_s(b, RR_ZONE, r);
	struct trace_retry *z = NULL;
	int i;

	for (i = 0; i < st->nrr && !z; i++)
		if (st->rr[i].node == node && st->rr[i].zone == zone)
			z = &st->rr[i];
	if (!z) {
		if (st->nrr == (int)ARRAY_SIZE(st->rr)) {
			st->rr_other++;
			return;
		}
		z = &st->rr[st->nrr++];
		memset(z, 0, sizeof(*z));
		z->node = node;
		z->zone = zone;
		z->wmark_check = -1;
	}
	z->n++;
	z->ts = r->ts;
	z->order = (int)trace_field_s(b, RR_ORDER, r);
	z->reclaimable = trace_field(b, RR_RECLAIMABLE, r);
	z->available = trace_field(b, RR_AVAILABLE, r);
	z->min_wmark = trace_field(b, RR_MIN_WMARK, r);
	z->no_progress_loops = (int)trace_field_s(b, RR_LOOPS, r);
	if (z->no_progress_loops > z->max_no_progress_loops)
		z->max_no_progress_loops = z->no_progress_loops;
	if (b->f[RR_WMARK_CHECK])
		z->wmark_check = (int)trace_field(b, RR_WMARK_CHECK, r);
}

/* ---- oom:mark_victim ---- */

enum { MV_PID, MV_COMM, MV_TOTAL_VM, MV_ANON, MV_FILE, MV_SHMEM, MV_ADJ };

static void mark_victim(struct trace_state *st, const struct trace_bound *b,
			const struct trace_rec *r)
{
	struct trace_victim *v;
	const char *comm;
	int len;

	v = realloc(st->victims, (st->nvictims + 1) * sizeof(*v));
	if (!v)
		die("out of memory");
	st->victims = v;
	v = &st->victims[st->nvictims++];
	memset(v, 0, sizeof(*v));
	v->ts = r->ts;
	v->pid = (int)trace_field_s(b, MV_PID, r);
	comm = trace_field_str(b, MV_COMM, r, &len);
	if (comm) {
		snprintf(v->comm, sizeof(v->comm), "%.*s", len, comm);
		v->has_comm = true;
	}
	if (b->f[MV_ANON]) {
		v->total_vm_kb = (long long)trace_field(b, MV_TOTAL_VM, r);
		v->anon_rss_kb = (long long)trace_field(b, MV_ANON, r);
		v->file_rss_kb = (long long)trace_field(b, MV_FILE, r);
		v->shmem_rss_kb = (long long)trace_field(b, MV_SHMEM, r);
		v->has_rss = true;
	}
	if (b->f[MV_ADJ]) {
		v->oom_score_adj = (int)trace_field_s(b, MV_ADJ, r);
		v->has_adj = true;
	}
}

/* The order of each ops' fields matches its handler's enum above */
const struct trace_event_ops trace_events[] = {
	{ "vmscan",
	  "mm_vmscan_direct_reclaim_begin",
	  "direct_reclaim",
	  true,
	  { "order", "gfp_flags|gfp" },
	  dr_begin_init,
	  dr_begin },
	{ "vmscan",
	  "mm_vmscan_direct_reclaim_end",
	  "direct_reclaim",
	  true,
	  { "?nr_reclaimed" },
	  NULL,
	  dr_end },
	{ "vmscan",
	  "mm_vmscan_kswapd_wake",
	  "kswapd",
	  true,
	  { "nid" },
	  NULL,
	  kswapd_wake },
	{ "vmscan",
	  "mm_vmscan_kswapd_sleep",
	  "kswapd",
	  true,
	  { "nid" },
	  NULL,
	  kswapd_sleep },
	{ "vmscan",
	  "mm_vmscan_wakeup_kswapd",
	  "wakeup_kswapd",
	  false,
	  { "order" },
	  NULL,
	  wakeup_kswapd },
	{ "compaction",
	  "mm_compaction_begin",
	  "compaction",
	  true,
	  { NULL },
	  NULL,
	  compaction_begin },
	{ "compaction",
	  "mm_compaction_end",
	  "compaction",
	  true,
	  { "status" },
	  NULL,
	  compaction_end },
	{ "compaction",
	  "mm_compaction_try_to_compact_pages",
	  "compaction",
	  false,
	  { "order", "gfp_mask", "prio" },
	  try_compact_init,
	  try_compact },
	{ "kmem",
	  "mm_page_alloc_extfrag",
	  "extfrag",
	  false,
	  { "alloc_migratetype", "fallback_migratetype", "fallback_order" },
	  extfrag_init,
	  extfrag },
	{ "oom",
	  "reclaim_retry_zone",
	  "reclaim_retry",
	  false,
	  { "node", "zone_idx", "order", "reclaimable", "available",
	    "min_wmark", "no_progress_loops", "?wmark_check" },
	  NULL,
	  reclaim_retry },
	{ "oom",
	  "mark_victim",
	  "oom_victims",
	  false,
	  { "pid", "?comm", "?total_vm", "?anon_rss", "?file_rss", "?shmem_rss",
	    "?oom_score_adj" },
	  NULL,
	  mark_victim },
};

const size_t trace_nevents = ARRAY_SIZE(trace_events);

const char *const trace_groups[] = {
	"direct_reclaim", "kswapd",	   "wakeup_kswapd", "compaction",
	"extfrag",	  "reclaim_retry", "oom_victims",
};

const size_t trace_ngroups = ARRAY_SIZE(trace_groups);

int trace_group_of(const char *name)
{
	const char *colon = strchr(name, ':');
	size_t g, e;

	for (g = 0; g < trace_ngroups; g++)
		if (!strcmp(name, trace_groups[g]))
			return (int)g;
	for (e = 0; e < trace_nevents; e++) {
		const struct trace_event_ops *o = &trace_events[e];

		if (colon ? (!strncmp(name, o->system,
				      (size_t)(colon - name)) &&
			     !o->system[colon - name] &&
			     !strcmp(colon + 1, o->name)) :
			    !strcmp(name, o->name))
			for (g = 0; g < trace_ngroups; g++)
				if (!strcmp(o->group, trace_groups[g]))
					return (int)g;
	}
	return -1;
}
