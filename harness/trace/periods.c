// SPDX-License-Identifier: GPL-2.0
/*
 * A per-node daemon's awake periods (wake -> sleep), as kswapd.c and
 * kcompactd.c both keep them: per node the periods as a histogram, the
 * time awake and its duty cycle, wakes by order, wakeups by others and
 * the latency from the first wakeup since the daemon last slept to its
 * next wake; and the awake time spread over the timeline's bins.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util.h"
#include "group.h"

#define MAX_NODES 1024

/* One interval of the timeline */
struct period_bin {
	uint64_t awake_ns; /* summed over nodes */
};

struct trace_period_node *trace_periods_node(struct trace_periods *p,
					     long long nid)
{
	struct trace_period_node *v;
	int n;

	if (nid < 0 || nid >= MAX_NODES)
		return NULL;
	if (nid >= p->nnodes) {
		n = (int)nid + 1;
		v = realloc(p->nodes, (size_t)n * sizeof(*v));
		if (!v)
			die("out of memory");
		memset(v + p->nnodes, 0, (size_t)(n - p->nnodes) * sizeof(*v));
		p->nodes = v;
		p->nnodes = n;
	}
	return &p->nodes[nid];
}

static void awake_add(void *p, uint64_t ns, void *arg)
{
	struct period_bin *bin = p;

	(void)arg;
	bin->awake_ns += ns;
}

/* Spreads the awake time [a, b) over the bins it overlaps */
static void spread(struct trace_state *st, struct trace_periods *p, uint64_t a,
		   uint64_t b)
{
	trace_tl_spread(st, &p->tl, sizeof(struct period_bin), a, b, awake_add,
			NULL);
}

long long trace_periods_node_of(const struct trace_periods *p, int pid)
{
	int i;

	for (i = 0; pid > 0 && i < p->nnodes; i++)
		if (p->nodes[i].pid == pid)
			return i;
	return -1;
}

struct trace_period_node *trace_periods_wake(struct trace_periods *p,
					     long long nid, long long order,
					     uint64_t ts, int pid)
{
	struct trace_period_node *n = trace_periods_node(p, nid);

	if (!n)
		return NULL;
	n->wakes++;
	n->wakes_by_order[trace_order_slot(order)]++;
	n->pid = pid;
	if (n->wakeup_pending && ts >= n->wakeup_at)
		durset_add(&n->wakeup_latency, ts - n->wakeup_at);
	if (n->wakeup_pending)
		n->wakeup_used = true;
	n->wakeup_pending = false;
	/* a daemon re-wakes without sleeping when its work was premature */
	if (!n->awake) {
		n->awake = true;
		n->since = ts;
	}
	n->seen = true;
	return n;
}

struct trace_period_node *trace_periods_sleep(struct trace_state *st,
					      struct trace_periods *p,
					      long long nid, uint64_t ts,
					      int pid, uint64_t *ns,
					      bool *complete)
{
	struct trace_period_node *n = trace_periods_node(p, nid);

	*ns = 0;
	*complete = false;
	if (!n)
		return NULL;
	n->sleeps++;
	n->pid = pid;
	if (n->awake && ts >= n->since) {
		*ns = ts - n->since;
		*complete = true;
		durset_add(&n->periods, *ns);
		spread(st, p, n->since, ts);
	} else if (!n->seen && p->sleep_ends_unseen && ts > st->t0) {
		/* awake since before the trace began: count what we saw */
		*ns = ts - st->t0;
		n->awake_at_start = true;
		spread(st, p, st->t0, ts);
	}
	n->awake_ns += *ns;
	n->awake = false;
	n->seen = true;
	/* the next wakeup is the first since it slept */
	n->wakeup_pending = false;
	n->wakeup_used = false;
	return n;
}

void trace_periods_wakeup(struct trace_periods *p, long long nid,
			  long long order, uint64_t ts)
{
	struct trace_period_node *n = trace_periods_node(p, nid);

	if (!n)
		return;
	n->wakeups++;
	n->wakeups_by_order[trace_order_slot(order)]++;
	if (!n->wakeup_pending && !n->wakeup_used) {
		n->wakeup_pending = true;
		n->wakeup_at = ts;
	}
}

void trace_periods_end(struct trace_state *st, struct trace_periods *p)
{
	int i;

	for (i = 0; i < p->nnodes; i++) {
		struct trace_period_node *n = &p->nodes[i];

		/* still awake: the period so far counts towards the duty cycle */
		if (n->awake && st->t1 > n->since) {
			n->awake_ns += st->t1 - n->since;
			n->awake_at_end = true;
			spread(st, p, n->since, st->t1);
		}
	}
}

static json_t *by_order_json(const uint64_t *v)
{
	json_t *o = json_object();
	char key[16];
	int i;

	for (i = 0; i <= TRACE_ORDERS; i++)
		if (v[i])
			json_object_set_new(
				o, trace_order_key(i, key, sizeof(key)),
				json_integer((json_int_t)v[i]));
	return o;
}

json_t *trace_periods_node_json(const struct trace_state *st,
				struct trace_period_node *n)
{
	double dur = trace_duration_ns(st);
	json_t *j = json_object();

	json_object_set_new(j, "wakes", json_integer((json_int_t)n->wakes));
	json_object_set_new(j, "sleeps", json_integer((json_int_t)n->sleeps));
	json_object_set_new(j, "awake_s", json_real(trace_secs(n->awake_ns)));
	json_object_set_new(j, "duty_cycle_pct",
			    json_real(dur ? 100.0 * (double)n->awake_ns / dur :
					    0));
	json_object_set_new(j, "awake_at_start",
			    json_boolean(n->awake_at_start));
	json_object_set_new(j, "awake_at_end", json_boolean(n->awake_at_end));
	json_object_set_new(j, "periods", durset_json(&n->periods, true));
	json_object_set_new(j, "wakes_by_order",
			    by_order_json(n->wakes_by_order));
	json_object_set_new(j, "wakeups", json_integer((json_int_t)n->wakeups));
	json_object_set_new(j, "wakeups_by_order",
			    by_order_json(n->wakeups_by_order));
	json_object_set_new(j, "wakeup_latency",
			    durset_json(&n->wakeup_latency, true));
	json_object_set_new(j, "pid",
			    n->pid ? json_integer(n->pid) : json_null());
	return j;
}

double trace_periods_max_duty(const struct trace_state *st,
			      const struct trace_periods *p)
{
	double dur = trace_duration_ns(st), max = 0, d;
	int i;

	for (i = 0; i < p->nnodes; i++) {
		d = dur ? 100.0 * (double)p->nodes[i].awake_ns / dur : 0;
		if (d > max)
			max = d;
	}
	return max;
}

double trace_periods_duty_now(const struct trace_state *st,
			      const struct trace_periods *p)
{
	double now = (double)now_ns(), dur = now - (double)st->t0, duty = 0;
	int i;

	for (i = 0; i < p->nnodes; i++) {
		const struct trace_period_node *n = &p->nodes[i];
		double a = (double)n->awake_ns;

		if (n->awake && now > (double)n->since)
			a += now - (double)n->since;
		if (dur > 0 && 100 * a / dur > duty)
			duty = 100 * a / dur;
	}
	return duty;
}

uint64_t trace_periods_wakes(const struct trace_periods *p)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < p->nnodes; i++)
		n += p->nodes[i].wakes;
	return n;
}

uint64_t trace_periods_wakeups(const struct trace_periods *p)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < p->nnodes; i++)
		n += p->nodes[i].wakeups;
	return n;
}

double trace_periods_latency_us(const struct trace_periods *p, double q)
{
	struct durset all = { 0 };
	double v;
	size_t k;
	int i;

	for (i = 0; i < p->nnodes; i++)
		for (k = 0; k < p->nodes[i].wakeup_latency.n; k++)
			durset_add(&all, p->nodes[i].wakeup_latency.v[k]);
	v = all.n ? durset_quantile(&all, q) / 1e3 : NAN;
	durset_free(&all);
	return v;
}

double trace_periods_awake_pct(const struct trace_periods *p, size_t k,
			       double step)
{
	const struct period_bin *b = trace_tl_row(&p->tl, sizeof(*b), k);

	return 100.0 * (double)b->awake_ns / step;
}

void trace_periods_free(struct trace_periods *p)
{
	int i;

	for (i = 0; i < p->nnodes; i++) {
		durset_free(&p->nodes[i].periods);
		durset_free(&p->nodes[i].wakeup_latency);
		free(p->nodes[i].ext);
	}
	free(p->nodes);
	free(p->tl.bins);
	*p = (struct trace_periods){ 0 };
}

json_t *trace_periods_summary(const struct trace_state *st,
			      const struct trace_periods *p)
{
	double p99 = trace_periods_latency_us(p, 0.99);
	json_t *g = json_object();

	json_object_set_new(g, "max_duty_cycle_pct",
			    json_real(trace_periods_max_duty(st, p)));
	json_object_set_new(g, "wakes",
			    json_integer((json_int_t)trace_periods_wakes(p)));
	json_object_set_new(g, "wakeups",
			    json_integer((json_int_t)trace_periods_wakeups(p)));
	json_object_set_new(g, "wakeup_latency_p99_us",
			    isnan(p99) ? json_null() : json_real(p99));
	return g;
}

int trace_periods_describe(const json_t *t, const char *key, char *buf,
			   size_t len)
{
	double d = trace_num(t, key, "max_duty_cycle_pct");
	double wakes = trace_num(t, key, "wakes");
	double p99 = trace_num(t, key, "wakeup_latency_p99_us");
	char a[32];
	int w;

	if (isnan(d))
		return 0;
	w = snprintf(buf, len,
		     "%s: awake %.3g %% of the time (its busiest node)", key,
		     d);
	if (!isnan(wakes) && w > 0 && (size_t)w < len)
		w += snprintf(buf + w, len - (size_t)w, ", %.0f wakes", wakes);
	if (!isnan(p99) && w > 0 && (size_t)w < len)
		snprintf(buf + w, len - (size_t)w, "; wakeup to wake p99 %s",
			 trace_fmt_us(p99, a, sizeof(a)));
	return 1;
}
